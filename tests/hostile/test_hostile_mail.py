"""A hostile relay and a hostile webhook: real aiosmtpd servers with self-signed certificates, real HTTP servers.

A relay whose certificate is for another name (or untrusted) never receives ``AUTH``: the password stays
with us, on STARTTLS and on SMTPS, for notifications and report mail alike. A webhook that redirects is
not followed, and nested details carry no secret and no unbounded value.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import socket
import ssl
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from regiohub.delivery import mailer
from regiohub.ops import notify
from regiohub.store import alerts

from .conftest import FAKE_SECRETS, QuietHandler, assert_no_secrets

PASSWORD = FAKE_SECRETS["REGIOHUB_SMTP_PASSWORD"]


def _certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate (its own CA) for ``name`` (and 127.0.0.1 when ``name`` is localhost)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    alt: list[x509.GeneralName] = [x509.DNSName(name)]
    if name == "localhost":
        alt.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1)).add_extension(x509.SubjectAlternativeName(alt), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True).sign(key, hashes.SHA256()))
    cert_file, key_file = folder / f"{name}.crt", folder / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class Relay:
    """What the relay saw: logins (user, password) and messages."""

    def __init__(self) -> None:
        self.logins: list[tuple[bytes, bytes]] = []
        self.messages: list[bytes] = []

    def authenticate(self, server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        from aiosmtpd.smtp import AuthResult

        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope.original_content)
        return "250 OK"


@pytest.fixture
def relay(tmp_path, monkeypatch) -> Iterator[Callable[..., Relay]]:
    """``relay(name, mode)`` starts a local relay with a certificate for ``name``; mode starttls, smtps or plain."""
    from aiosmtpd.controller import Controller

    controllers = []

    def start(name: str = "relay.example.org", mode: str = "starttls") -> Relay:
        cert, key = _certificate(tmp_path, name)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        seen = Relay()
        tls = {"starttls": {"tls_context": context}, "smtps": {"ssl_context": context}, "plain": {}}[mode]
        controller = Controller(seen, hostname="127.0.0.1", port=port, authenticator=seen.authenticate,
                                auth_require_tls=mode == "starttls", **tls)  # smtps: TLS throughout
        controller.start()
        controllers.append(controller)
        monkeypatch.setenv("REGIOHUB_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("REGIOHUB_SMTP_PORT", str(port))
        monkeypatch.setenv("REGIOHUB_SMTP_USER", "regiohub")
        monkeypatch.setenv("REGIOHUB_SMTP_PASSWORD", PASSWORD)
        monkeypatch.setenv("REGIOHUB_SMTP_FROM", "alarm@regiohub.example.org")
        monkeypatch.setenv("REGIOHUB_NOTIFY", "email")
        monkeypatch.setenv("REGIOHUB_NOTIFY_EMAIL", "daten@example.org")
        monkeypatch.setenv("REGIOHUB_NOTIFICATIONS", str(tmp_path / "none.yml"))
        if mode == "smtps":
            monkeypatch.setenv("REGIOHUB_SMTP_TLS", "ssl")
        return seen

    yield start
    for controller in controllers:
        controller.stop()


def _send_both(data_dir) -> tuple[list[str], Exception | None]:
    """One notification and one report mail; the channels that went out and the mailer's error."""
    sent = notify.notify("Regio.hub: Test", "Inhalt", alert=False)
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = "Bericht", "berichte@regiohub.example.org", "a@example.org"
    msg.set_content("x")
    try:
        mailer.send(msg, mailer.SmtpSettings())
    except Exception as exc:  # noqa: BLE001 - the test inspects it
        return sent, exc
    return sent, None


@pytest.mark.parametrize("mode", ["starttls", "smtps"])
@pytest.mark.parametrize("name", ["relay.example.org", "localhost"])
def test_an_unverifiable_relay_never_receives_the_password(relay, data_dir, mode, name, caplog) -> None:
    """Certificate for another name, or for the right name but untrusted: TLS fails before AUTH."""
    seen = relay(name, mode)
    sent, error = _send_both(data_dir)
    assert sent == [] and isinstance(error, ssl.SSLCertVerificationError)
    assert "notification via email failed: SSLCertVerificationError" in caplog.text
    assert seen.logins == [] and seen.messages == []
    assert PASSWORD not in caplog.text


@pytest.mark.parametrize("mode", ["starttls", "smtps"])
def test_a_relay_with_a_trusted_certificate_for_its_name_gets_login_and_mail(relay, data_dir, mode, tmp_path,
                                                                             monkeypatch) -> None:
    """The refusal above is the verification, not a broken TLS setup: with its CA trusted, both paths work."""
    seen = relay("localhost", mode)
    monkeypatch.setenv("REGIOHUB_SMTP_CA_FILE", str(tmp_path / "localhost.crt"))
    sent, error = _send_both(data_dir)
    assert sent == ["email"] and error is None
    assert seen.logins == [(b"regiohub", PASSWORD.encode())] * 2 and len(seen.messages) == 2


def test_the_insecure_opt_out_is_explicit_and_logged(relay, data_dir, monkeypatch, caplog) -> None:
    seen = relay("relay.example.org", "starttls")
    monkeypatch.setenv("REGIOHUB_SMTP_TLS_INSECURE", "1")
    with caplog.at_level(logging.WARNING, logger="regiohub.core.smtp_tls"):
        sent, error = _send_both(data_dir)
    assert sent == ["email"] and error is None and len(seen.messages) == 2
    assert "TLS certificate of the relay NOT verified (REGIOHUB_SMTP_TLS_INSECURE=1)" in caplog.text


def test_a_relay_without_starttls_never_receives_the_password(relay, data_dir) -> None:
    seen = relay("relay.example.org", "plain")
    sent, error = _send_both(data_dir)
    assert sent == [] and error is not None and "STARTTLS" in str(error)
    assert seen.logins == [] and seen.messages == []


# --- webhooks ------------------------------------------------------------------------------------------


class Hook(QuietHandler):
    posts: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        Hook.posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_webhook_redirect_to_another_host_is_not_followed(serve, data_dir, monkeypatch, caplog, status) -> None:
    Hook.posts = []
    other = serve(Hook, host="localhost")

    class Redirect(QuietHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.send_response(status)
            self.send_header("Location", f"{other}/collect")
            self.send_header("Content-Length", "0")
            self.end_headers()

    monkeypatch.setenv("REGIOHUB_NOTIFY", "webhook")
    monkeypatch.setenv("REGIOHUB_NOTIFY_WEBHOOK_URL", f"{serve(Redirect)}/hook/wh-geheim")
    assert notify.notify("Regio.hub: Test", "Lauf fehlgeschlagen", {"source_id": "x"}, alert=False) == []
    assert Hook.posts == []
    assert f"notification via webhook failed: HTTP {status} (redirect not followed)" in caplog.text
    assert "wh-geheim" not in caplog.text and "/collect" not in caplog.text  # neither URL is logged


def test_nested_details_are_redacted_and_bounded_in_alert_and_webhook(serve, data_dir, fake_secrets,
                                                                       monkeypatch) -> None:
    Hook.posts = []
    monkeypatch.setenv("REGIOHUB_NOTIFY", "webhook")
    monkeypatch.setenv("REGIOHUB_NOTIFY_WEBHOOK_URL", f"{serve(Hook)}/hook/wh-5d1e8c7b3a9f4e20SECRET")
    token, smtp = fake_secrets["REGIOHUB_REGIONALSTATISTIK_TOKEN"], fake_secrets["REGIOHUB_SMTP_PASSWORD"]
    details = {"error": {"response": {"headers": [f"Authorization: Bearer {token}"], "smtp": smtp}},
               "station_id": "S" * 10_000_000, "rows": list(range(1000)), "deep": [[[[[[[token]]]]]]]}
    assert notify.notify("Regio.hub: Test " + "x" * 5000, f"Fehler {token}", details) == ["webhook"]
    (alert,) = alerts.open_alerts()
    posted = Hook.posts[0]
    for where in (alert, posted):
        text = json.dumps(where)
        assert len(text) < 12_000  # a 10 MB station id did not make a 10 MB alert or post
        assert "***" in text
    assert len(alert["details"]["station_id"]) == 120 and alert["details"]["station_id"].endswith("…")
    assert len(alert["details"]["rows"]) == 51 and len(alert["subject"]) == 300
    assert_no_secrets([data_dir], [json.dumps(posted)])


def test_a_subject_with_line_breaks_cannot_add_headers_or_recipients(relay, data_dir, tmp_path, monkeypatch) -> None:
    seen = relay("localhost", "starttls")
    monkeypatch.setenv("REGIOHUB_SMTP_CA_FILE", str(tmp_path / "localhost.crt"))
    subject = "Regio.hub: Quelle x\r\nBcc: angreifer@example.org\r\n\r\nGefälschter Text"
    assert notify.notify(subject, "Inhalt", alert=False) == ["email"]
    (message,) = seen.messages
    head = message.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nBcc:" not in head and b"angreifer" not in head.split(b"Subject:")[0]
    assert head.count(b"\r\nTo: ") + head.startswith(b"To: ") == 1
