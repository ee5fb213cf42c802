"""Failures reach a person: a failed ingest (real DAG run) stays visible on Datenqualität and in
``regiohub status`` until acknowledged — without any configuration — and, once configured, arrives by
e-mail at a real SMTP server and at a webhook."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from regiohub import cli
from regiohub.core import settings
from regiohub.ingest.replay import offline
from regiohub.orchestration.ingest_dag import build_ingest_dag
from regiohub.registry.model import load_registry
from regiohub.store import alerts

SOURCE = load_registry().source("rki_inzidenz")
BANNER = "Eine Störung ist noch nicht bestätigt"


def _failed_ingest(tmp_path: Path) -> None:
    dag = build_ingest_dag(SOURCE)
    dag.task_dict["ingest"].retries = 0
    with offline(root=tmp_path / "no-recordings"):  # the publisher answers 404
        assert dag.test().state == "failed"


def _datenqualitaet(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(data_dir))
    at = AppTest.from_file(settings.DASHBOARD_APP, default_timeout=60)
    at.switch_page("pages/datenqualitaet.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _without_channels(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("REGIOHUB_NOTIFY", "REGIOHUB_NOTIFY_EMAIL", "REGIOHUB_NOTIFY_WEBHOOK_URL", "REGIOHUB_NOTIFICATIONS",
                "REGIOHUB_SMTP_HOST", "REGIOHUB_SMTP_PORT"):
        monkeypatch.delenv(var, raising=False)


def test_a_failed_ingest_is_shown_until_acknowledged(airflow_db, data_dir, tmp_path, monkeypatch, capsys) -> None:
    _without_channels(monkeypatch)  # the shipped notifications file: log only
    _failed_ingest(tmp_path)
    capsys.readouterr()

    [alert] = alerts.open_alerts(settings.paths(data_dir))
    assert alert["details"]["source_id"] == SOURCE.id and "404" in alert["details"]["error"]

    assert cli.main(["status"]) == 0
    status = capsys.readouterr().out
    assert status.startswith("FAILURES not yet acknowledged (1; `regiohub ack` clears them")
    assert f"{alert['id']}" in status and f"ingest_{SOURCE.id}.ingest failed (source {SOURCE.id})" in status

    page = _datenqualitaet(data_dir, monkeypatch)
    [box] = page.error
    assert BANNER in box.value and f"Abruf von „{SOURCE.name}“ fehlgeschlagen" in box.value
    assert SOURCE.id not in box.value and "regiohub ack" in box.value  # names, never ids

    assert cli.main(["ack"]) == 0
    assert f"acknowledged {alert['id']}" in capsys.readouterr().out
    assert cli.main(["status"]) == 0
    assert "FAILURES" not in capsys.readouterr().out
    assert not [e for e in _datenqualitaet(data_dir, monkeypatch).error if BANNER in e.value]
    [kept] = json.loads((alerts.alerts_dir(settings.paths(data_dir)) / f"{alert['id']}.json").read_text()),
    assert kept["acknowledged_at"] and kept["acknowledged_by"]  # kept as a record, with who and when


class _Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.original_content,
                                                                          policy=policy.default)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_inbox() -> Iterator[tuple[_Inbox, int]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def webhook() -> Iterator[tuple[list[dict], str]]:
    received: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server API)
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield received, f"http://127.0.0.1:{server.server_port}/hook/s3cr3t-path-token"
    server.shutdown()
    server.server_close()


def test_configured_once_failures_arrive_by_mail_and_webhook(airflow_db, data_dir, tmp_path, monkeypatch,
                                                             smtp_inbox, webhook) -> None:
    (inbox, smtp_port), (posts, hook_url) = smtp_inbox, webhook
    _without_channels(monkeypatch)
    config = tmp_path / "notifications.yml"
    config.write_text("channels: [log, email, webhook]\n"
                      "email:\n  recipients: [datenteam@regiohub.example.org]\n"
                      f"  smtp_host: 127.0.0.1\n  smtp_port: {smtp_port}\n  sender: alarm@regiohub.example.org\n",
                      encoding="utf-8")
    monkeypatch.setenv("REGIOHUB_NOTIFICATIONS", str(config))
    monkeypatch.setenv("REGIOHUB_NOTIFY_WEBHOOK_URL", hook_url)  # the secret stays in the environment

    _failed_ingest(tmp_path)

    [(recipients, mail)] = inbox.messages
    assert recipients == ["datenteam@regiohub.example.org"] and mail["From"] == "alarm@regiohub.example.org"
    assert mail["Subject"] == f"Regio.hub: ingest_{SOURCE.id}.ingest failed (source {SOURCE.id})"
    assert f"source_id: {SOURCE.id}" in mail.get_content() and "404" in mail.get_content()
    [post] = posts
    assert post["subject"] == mail["Subject"] and post["details"]["source_id"] == SOURCE.id
    [alert] = alerts.open_alerts(settings.paths(data_dir))  # and the banner, as without configuration
    assert alert["subject"] == mail["Subject"]
    assert all("s3cr3t-path-token" not in json.dumps(x) for x in (post, alert, mail.get_content()))
