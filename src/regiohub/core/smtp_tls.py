"""SMTP with verified TLS: the one way notifications and report mail reach a relay.

STARTTLS (port 25/587: always before a login, without one with ``REGIOHUB_SMTP_TLS=starttls`` or
``REGIOHUB_SMTP_STARTTLS=1``) and SMTPS (implicit TLS: port 465 or ``REGIOHUB_SMTP_TLS=ssl``) verify the relay's
certificate against the system trust store and its host name (``ssl.create_default_context()``); a relay
with a private CA adds it with ``REGIOHUB_SMTP_CA_FILE``. A login happens only over a verified TLS
connection: when the certificate does not verify, the handshake fails before ``AUTH`` and the password
is never sent.

``REGIOHUB_SMTP_TLS_INSECURE=1`` turns verification off — for a test relay only; every connection then
logs a warning that says so.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("regiohub.core.smtp_tls")
TLS_ENV, INSECURE_ENV, CA_ENV = "REGIOHUB_SMTP_TLS", "REGIOHUB_SMTP_TLS_INSECURE", "REGIOHUB_SMTP_CA_FILE"
SMTPS_PORT = 465


def tls_context() -> ssl.SSLContext:
    """A client context that verifies certificate and host name (unless the logged test opt-out is set)."""
    context = ssl.create_default_context()
    if os.environ.get(INSECURE_ENV) == "1":
        log.warning("SMTP: TLS certificate of the relay NOT verified (%s=1) - only for a test relay", INSECURE_ENV)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif os.environ.get(CA_ENV):
        context.load_verify_locations(cafile=os.environ[CA_ENV])
    return context


def implicit_tls(port: int) -> bool:
    """SMTPS (TLS from the first byte): port 465 or ``REGIOHUB_SMTP_TLS=ssl``."""
    return port == SMTPS_PORT or os.environ.get(TLS_ENV, "").lower() == "ssl"


@contextmanager
def relay(host: str, port: int, *, user: str = "", password: str = "", starttls: bool = False,
          timeout: float = 30) -> Iterator[smtplib.SMTP]:
    """A connected client, TLS verified where used; a login (``user``) always runs over verified TLS."""
    if implicit_tls(port):
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=tls_context())
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if not implicit_tls(port) and (user or starttls or os.environ.get(TLS_ENV, "").lower() == "starttls"):
            client.starttls(context=tls_context())
        if user:
            client.login(user, password)
        yield client
