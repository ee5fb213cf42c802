"""Operator notifications: log, e-mail and/or webhook, chosen by environment variables.

``REGIOHUB_NOTIFY``            comma-separated channels: ``log`` (default), ``email``, ``webhook``
``REGIOHUB_NOTIFY_EMAIL``      recipients (comma-separated) for ``email``
``REGIOHUB_SMTP_HOST``/``_PORT``/``_FROM``; ``REGIOHUB_SMTP_USER`` and ``REGIOHUB_SMTP_PASSWORD`` if the relay
                               needs a login (from the environment or a secret store, never the repository)
``REGIOHUB_NOTIFY_WEBHOOK_URL`` receives ``{"text": …, "subject": …, "details": {…}}`` (Slack/Teams/Mattermost style)

A failing channel is logged and does not hide the others or the original failure. Secrets stay out of
every message: a failing webhook is reported without its URL (the URL is the secret), and the values of
secret environment variables (tokens, passwords, the webhook URL) are masked in what is sent and logged.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
from email.message import EmailMessage
from typing import Any

log = logging.getLogger("regiohub.notify")
SECRET_NAMES = re.compile(r"TOKEN|PASSWORD|SECRET|WEBHOOK_URL|FERNET|_KEY$|REDIS_URL|SQL_ALCHEMY_CONN|^AIRFLOW_CONN_")
MIN_SECRET_LENGTH = 6  # shorter values would mask ordinary words


def channels() -> list[str]:
    return [c.strip() for c in os.environ.get("REGIOHUB_NOTIFY", "log").split(",") if c.strip()]


def notify(subject: str, body: str, details: dict[str, Any] | None = None) -> list[str]:
    """Send the notification on every configured channel; return the channels that succeeded."""
    sent = []
    subject, body = redact(subject), redact(body)
    details = {k: redact(v) if isinstance(v, str) else v for k, v in (details or {}).items()}
    for channel in channels():
        try:
            {"log": _log, "email": _email, "webhook": _webhook}[channel](subject, body, details)
            sent.append(channel)
        except KeyError:
            log.error("unknown notification channel %r in REGIOHUB_NOTIFY", channel)
        except Exception as exc:  # a broken channel must not mask the failure being reported
            log.error("notification via %s failed: %s", channel, describe(exc))
    return sent


def redact(text: str) -> str:
    """``text`` with the value of every secret environment variable replaced by ``***``."""
    for name, value in os.environ.items():
        if value and len(value) >= MIN_SECRET_LENGTH and SECRET_NAMES.search(name) and value in text:
            text = text.replace(value, "***")
    return text


def describe(exc: Exception) -> str:
    """A channel's failure in one line without URLs (a webhook URL is a secret) or credentials."""
    import requests

    from regiohub.http import reason

    if isinstance(exc, requests.HTTPError):
        return f"HTTP {exc.response.status_code if exc.response is not None else '?'}"
    if isinstance(exc, requests.RequestException):
        return reason(exc)
    return redact(f"{type(exc).__name__}: {' '.join(str(exc).split())}")


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
