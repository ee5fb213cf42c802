"""Operator notifications: always an alert (:mod:`regiohub.store.alerts`), plus log, e-mail and/or webhook.

Configured once for Airflow's failure callbacks and ``regiohub run``: ``registry/notifications.yml``
(or the file ``REGIOHUB_NOTIFICATIONS`` names) holds what is no secret; environment variables override it:

``REGIOHUB_NOTIFY``            comma-separated channels: ``log`` (default), ``email``, ``webhook``
``REGIOHUB_NOTIFY_EMAIL``      recipients (comma-separated) for ``email``
``REGIOHUB_SMTP_HOST``/``_PORT``/``_FROM``/``_STARTTLS``; ``REGIOHUB_SMTP_USER`` and ``REGIOHUB_SMTP_PASSWORD``
                               if the relay needs a login (environment only, never a file in the repository);
                               TLS is verified (:mod:`regiohub.core.smtp_tls`)
``REGIOHUB_NOTIFY_WEBHOOK_URL`` receives ``{"text": …, "subject": …, "details": {…}}`` (Slack/Teams/Mattermost
                               style); environment only, the URL is the secret

A failing channel is logged and does not hide the others or the original failure. Secrets stay out of
every message: a failing webhook is reported without its URL (the URL is the secret), and the values of
secret environment variables (tokens, passwords, the webhook URL) are masked in what is sent and logged.
"""

from __future__ import annotations

import logging
import os
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from regiohub.core import smtp_tls
from regiohub.core.errors import RegiohubError
from regiohub.core.redact import redact, scrub
from regiohub.ops.notify_config import config

if TYPE_CHECKING:
    from regiohub.ingest.inbox import DropResult

log = logging.getLogger("regiohub.ops.notify")
MAX_SUBJECT, MAX_BODY = 300, 4000


def channels() -> list[str]:
    return config().channels


def notify(subject: str, body: str, details: dict[str, Any] | None = None, *, alert: bool = True) -> list[str]:
    """Record an alert (unless ``alert`` is false: news, not a failure), then send the notification on every
    configured channel; return the channels that succeeded."""
    sent = []
    subject, body = scrub(subject, MAX_SUBJECT), redact(body)[:MAX_BODY]
    details = scrub(details or {})  # nested values redacted too, every value cut
    if alert:
        try:
            from regiohub.store import alerts

            alerts.record(subject, body, details)
        except Exception as exc:  # e.g. a read-only data dir: the channels still go out
            log.error("could not record the alert: %s", describe(exc))
    try:
        wanted = channels()
    except RegiohubError as exc:  # a broken notifications file must not hide the failure being reported
        log.error("%s; notifying via the log only", exc)
        wanted = ["log"]
    for channel in wanted:
        try:
            {"log": _log, "email": _email, "webhook": _webhook}[channel](subject, body, details)
            sent.append(channel)
        except KeyError:
            log.error("unknown notification channel %r in REGIOHUB_NOTIFY", channel)
        except Exception as exc:  # a broken channel must not mask the failure being reported
            log.error("notification via %s failed: %s", channel, describe(exc))
    return sent


def describe(exc: Exception) -> str:
    """A channel's failure in one line without URLs (a webhook URL is a secret) or credentials."""
    import requests

    from regiohub.core.http import reason

    if isinstance(exc, requests.HTTPError):
        status = exc.response.status_code if exc.response is not None else "?"
        return f"HTTP {status}" + (" (redirect not followed)" if str(status).startswith("3") else "")
    if isinstance(exc, requests.RequestException):
        return reason(exc)
    return redact(f"{type(exc).__name__}: {' '.join(str(exc).split())}")


def _log(subject: str, body: str, details: dict[str, Any]) -> None:
    log.error("%s\n%s", subject, body)


def _email(subject: str, body: str, details: dict[str, Any]) -> None:
    email = config().email
    if not email.recipients:
        raise ValueError("REGIOHUB_NOTIFY_EMAIL is not set and the notifications file names no recipients")
    msg = EmailMessage()
    msg["Subject"], msg["To"], msg["From"] = subject, ", ".join(email.recipients), email.sender
    msg.set_content(body)
    with smtp_tls.relay(email.smtp_host, email.smtp_port, user=os.environ.get("REGIOHUB_SMTP_USER", ""),
                        password=os.environ.get("REGIOHUB_SMTP_PASSWORD", ""), starttls=email.starttls,
                        timeout=20) as smtp:
        smtp.send_message(msg)


def _webhook(subject: str, body: str, details: dict[str, Any]) -> None:
    import requests

    url = os.environ.get("REGIOHUB_NOTIFY_WEBHOOK_URL")
    if not url:
        raise ValueError("REGIOHUB_NOTIFY_WEBHOOK_URL is not set")
    payload = {"text": f"{subject}\n{body}", "subject": subject, "details": details}
    response = requests.post(url, json=payload, timeout=10, allow_redirects=False)
    if response.is_redirect or response.is_permanent_redirect:  # never carry the payload to another host
        raise requests.HTTPError("webhook answered with a redirect; not followed", response=response)
    response.raise_for_status()


def notify_run(report: Any) -> None:
    """``regiohub run``'s failures (a :class:`~regiohub.store.runs.RunReport`): one notification per failed source,
    one for a run that failed as a whole."""
    for entry in report.ingested:
        if entry.get("status") == "failed":
            source_id = entry["source_id"]
            notify(f"Regio.hub: regiohub run: source {source_id} failed", entry.get("error") or "unknown error",
                   {"kind": "run", "run_id": report.run_id, "source_id": source_id,
                    "load_id": entry.get("load_id"), "error": entry.get("error")})
    if report.outcome in ("failed", "gate_failed"):
        notify(f"Regio.hub: regiohub run {report.outcome.replace('_', ' ')}", report.error or "unknown error",
               {"kind": "run", "run_id": report.run_id, "outcome": report.outcome, "error": report.error})


def notify_refused(result: DropResult) -> None:
    """Tell a person about the files of an inbox drop that were refused while others loaded."""
    notify(f"Regio.hub: {result.source_id}: inbox file(s) refused", result.summary(),
           {"source_id": result.source_id, "claim_id": result.claim_id, "rejected": result.rejected})
