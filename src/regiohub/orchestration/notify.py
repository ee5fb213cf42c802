"""Operator notifications: log, e-mail and/or webhook, chosen by environment variables.

``REGIOHUB_NOTIFY``            comma-separated channels: ``log`` (default), ``email``, ``webhook``
``REGIOHUB_NOTIFY_EMAIL``      recipients (comma-separated) for ``email``
``REGIOHUB_SMTP_HOST``/``_PORT``/``_FROM``; ``REGIOHUB_SMTP_USER`` and ``REGIOHUB_SMTP_PASSWORD`` if the relay
                               needs a login (from the environment or a secret store, never the repository)
``REGIOHUB_NOTIFY_WEBHOOK_URL`` receives ``{"text": …, "subject": …, "details": {…}}`` (Slack/Teams/Mattermost style)

A failing channel is logged and does not hide the others or the original failure.
"""

from __future__ import annotations

import logging
import os
import smtplib
from email.message import EmailMessage
from typing import Any

log = logging.getLogger("regiohub.notify")


def channels() -> list[str]:
    return [c.strip() for c in os.environ.get("REGIOHUB_NOTIFY", "log").split(",") if c.strip()]


def notify(subject: str, body: str, details: dict[str, Any] | None = None) -> list[str]:
    """Send the notification on every configured channel; return the channels that succeeded."""
    sent = []
    for channel in channels():
        try:
            {"log": _log, "email": _email, "webhook": _webhook}[channel](subject, body, details or {})
            sent.append(channel)
        except KeyError:
            log.error("unknown notification channel %r in REGIOHUB_NOTIFY", channel)
        except Exception as exc:  # a broken channel must not mask the failure being reported
            log.error("notification via %s failed: %s: %s", channel, type(exc).__name__, exc)
    return sent


def _log(subject: str, body: str, details: dict[str, Any]) -> None:
    log.error("%s\n%s", subject, body)


def _email(subject: str, body: str, details: dict[str, Any]) -> None:
    recipients = [r.strip() for r in os.environ.get("REGIOHUB_NOTIFY_EMAIL", "").split(",") if r.strip()]
    if not recipients:
        raise ValueError("REGIOHUB_NOTIFY_EMAIL is not set")
    msg = EmailMessage()
    msg["Subject"], msg["To"] = subject, ", ".join(recipients)
    msg["From"] = os.environ.get("REGIOHUB_SMTP_FROM", "regiohub@localhost")
    msg.set_content(body)
    host = os.environ.get("REGIOHUB_SMTP_HOST", "localhost")
    port = int(os.environ.get("REGIOHUB_SMTP_PORT", "25"))
    with smtplib.SMTP(host, port, timeout=20) as smtp:
        if os.environ.get("REGIOHUB_SMTP_USER"):
            smtp.starttls()
            smtp.login(os.environ["REGIOHUB_SMTP_USER"], os.environ.get("REGIOHUB_SMTP_PASSWORD", ""))
        smtp.send_message(msg)


def _webhook(subject: str, body: str, details: dict[str, Any]) -> None:
    import requests

    url = os.environ.get("REGIOHUB_NOTIFY_WEBHOOK_URL")
    if not url:
        raise ValueError("REGIOHUB_NOTIFY_WEBHOOK_URL is not set")
    payload = {"text": f"{subject}\n{body}", "subject": subject, "details": details}
    response = requests.post(url, json=payload, timeout=10)
    response.raise_for_status()
