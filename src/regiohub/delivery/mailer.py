"""Sending a report by SMTP; settings from the environment, never logged with credentials.

``REGIOHUB_SMTP_HOST`` (mail is sent only if set), ``REGIOHUB_SMTP_PORT`` (25), ``REGIOHUB_SMTP_FROM``,
``REGIOHUB_SMTP_USER`` / ``REGIOHUB_SMTP_PASSWORD`` (login after STARTTLS), ``REGIOHUB_SMTP_STARTTLS``
(``1`` to require STARTTLS without login); certificates verified, see :mod:`regiohub.core.smtp_tls`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from regiohub.core import smtp_tls
from regiohub.delivery.render import RenderedReport

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass(frozen=True)
class SmtpSettings:
    host: str = field(default_factory=lambda: os.environ.get("REGIOHUB_SMTP_HOST", ""))
    port: int = field(default_factory=lambda: int(os.environ.get("REGIOHUB_SMTP_PORT", "25")))
    sender: str = field(default_factory=lambda: os.environ.get("REGIOHUB_SMTP_FROM", "regiohub@localhost"))
    user: str = field(default_factory=lambda: os.environ.get("REGIOHUB_SMTP_USER", ""))
    password: str = field(default_factory=lambda: os.environ.get("REGIOHUB_SMTP_PASSWORD", ""), repr=False)
    starttls: bool = field(default_factory=lambda: os.environ.get("REGIOHUB_SMTP_STARTTLS", "") == "1")

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    def describe(self) -> str:
        """Where mail goes, for logs (no credentials)."""
        return f"{self.host}:{self.port}" + (" (mit Anmeldung)" if self.user else "")


def report_message(report: RenderedReport, recipients: list[str], sender: str, snapshot_id: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = f"{report.title} – neuer Datenstand"
    msg["From"], msg["To"] = sender, ", ".join(recipients)
    msg["Date"], msg["Message-ID"] = formatdate(localtime=True), make_msgid(domain="regiohub")
    msg["X-Regiohub-Snapshot"] = snapshot_id
    msg.set_content(
        "Guten Tag,\n\n"
        f"im Anhang finden Sie den {report.title} zum neuen Datenstand von Regio.hub – "
        "als PDF und als Excel-Arbeitsmappe.\n\n"
        "Diese Nachricht wurde automatisch versandt. Wenn Sie sie nicht mehr erhalten möchten, wenden Sie "
        "sich bitte an das regionale Datenteam.\n"
    )
    msg.add_attachment(report.pdf, maintype="application", subtype="pdf", filename=f"{report.basename}.pdf")
    msg.add_attachment(report.xlsx, maintype=XLSX[0], subtype=XLSX[1], filename=f"{report.basename}.xlsx")
    return msg


def send(message: EmailMessage, smtp: SmtpSettings) -> None:
    """Send over :func:`regiohub.core.smtp_tls.relay`: TLS verified, a login only over verified TLS."""
    with smtp_tls.relay(smtp.host, smtp.port, user=smtp.user, password=smtp.password, starttls=smtp.starttls,
                        timeout=30) as client:
        client.send_message(message)
