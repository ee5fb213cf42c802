"""No secret in any file, message or log after runs that fail in every way we can provoke.

Fake credentials (Regionalstatistik token, webhook URL, SMTP and Redis passwords) are set in the
environment; then every source is fetched from a hostile publisher (redirect to another host, 404,
huge and endless answers, error pages, garbage, a dropped connection), notifications fail on every
channel, the sensor stream cannot be reached or refuses the password, and an inbox drop goes wrong.
Afterwards every file below the data dir (state, ingest log, run history SQLite, quarantine, raw
Parquet, landing), stdout/stderr and all log records are scanned for the secrets.
"""

from __future__ import annotations

import logging
import socket

import pytest

from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.core.http import OFFLINE_ENV
from regiohub.ingest import inbox
from regiohub.ops import notify
from regiohub.ops.pipeline import run
from regiohub.store.runs import recent_runs

from .conftest import FAKE_SECRETS, QuietHandler, assert_no_secrets

TOKEN = FAKE_SECRETS["REGIOHUB_REGIONALSTATISTIK_TOKEN"]


class Elsewhere(QuietHandler):
    """The host a redirect leads to: records what it was sent, answers 500."""

    seen: list[str] = []

    def _answer(self) -> None:
        Elsewhere.seen.append(str(self.headers))
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer  # noqa: N815


def hostile_publisher(elsewhere: str) -> type[QuietHandler]:
    """Every publisher URL (offline layout ``/<host>/<path>``) answers badly in its own way."""

    class Hostile(QuietHandler):
        def _send(self, status: int, body: bytes, length: int | None = None, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _answer(self) -> None:
            path = self.path.lower()
            if "regionalstatistik" in path:
                self._send(307, b"", Location=f"{elsewhere}{self.path}")
            elif "covid" in path:
                self._send(404, b"<html><body>Not Found</body></html>")
            elif "dwd" in path:
                self._send(200, b"PK", length=10 << 30)
            elif "bundesnetzagentur" in path:
                self.send_response(200)
                self.end_headers()
                try:
                    while True:
                        self.wfile.write(b";" * 65536)
                except OSError:
                    pass
            elif "pegelonline" in path:
                self._send(200, b'{"uuid": [1, 2', **{"Content-Type": "application/json"})
            elif "zensus" in path:
                self._send(503, b"<!doctype html><title>Wartung</title>", **{"Retry-After": "0"})
            elif "deutschlandatlas" in path:
                self._send(200, b'"; select * from read_text(\'/proc/self/environ\'); --";x\n1;2\n')
            else:  # drop the connection without an answer
                self.connection.shutdown(socket.SHUT_RDWR)

        do_GET = do_POST = _answer  # noqa: N815

    return Hostile


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def everything_fails(serve, fast_http, fake_secrets, tiny_published, monkeypatch, caplog):
    caplog.set_level(logging.INFO)
    monkeypatch.setenv("REGIOHUB_MAX_DOWNLOAD_BYTES", str(1 << 20))
    Elsewhere.seen = []
    monkeypatch.setenv(OFFLINE_ENV, serve(hostile_publisher(serve(Elsewhere, host="localhost"))))
    return settings.paths(tiny_published)


def test_no_secret_anywhere_after_everything_failed(everything_fails, serve, monkeypatch, capsys, caplog) -> None:
    data = everything_fails

    # 1. a full run in which every source fails differently
    report = run(data)
    failed = set(report.failed_sources)
    assert {"regionalstatistik_bevoelkerung", "rki_inzidenz", "dwd_klima_potsdam", "ladesaeulenregister",
            "pegelonline", "zensus2022_bevoelkerung", "deutschlandatlas_aerzte"} <= failed
    assert Elsewhere.seen == []  # the redirect target is internal (localhost): not even contacted
    assert recent_runs(data, 5)  # the run history exists and will be scanned

    # 2. notifications failing on every channel, with a message that (by mistake) quotes a secret
    class Rejecting(QuietHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

    secret_path = FAKE_SECRETS["REGIOHUB_NOTIFY_WEBHOOK_URL"].split("/", 3)[3]
    monkeypatch.setenv("REGIOHUB_NOTIFY", "log,email,webhook")
    monkeypatch.setenv("REGIOHUB_NOTIFY_EMAIL", "daten@example.org")
    monkeypatch.setenv("REGIOHUB_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("REGIOHUB_SMTP_PORT", str(_closed_port()))
    monkeypatch.setenv("REGIOHUB_SMTP_USER", "regiohub")
    for webhook in (f"{serve(Rejecting)}/{secret_path}", f"http://127.0.0.1:{_closed_port()}/{secret_path}"):
        monkeypatch.setenv("REGIOHUB_NOTIFY_WEBHOOK_URL", webhook)
        sent = notify.notify("Regio.hub: Lauf fehlgeschlagen", f"Fehler beim Abruf mit Token {TOKEN}")
        assert sent == ["log"]
    assert "notification via webhook failed: HTTP 500" in caplog.text
    assert "notification via webhook failed: ConnectionError: " in caplog.text
    assert "notification via email failed: ConnectionRefusedError" in caplog.text
    assert "Fehler beim Abruf mit Token ***" in caplog.text

    # 3. the sensor stream: Redis unreachable, and Redis refusing the password
    from regiohub.ingest import sensor_stream

    for url in (f"redis://127.0.0.1:{_closed_port()}/0", "redis://regiohub_nobody@127.0.0.1:6379/0"):
        with pytest.raises(Exception) as err:  # noqa: PT011 (connection or authentication error)
            sensor_stream.load(sensor_stream.client(url), data)
        logging.getLogger("regiohub.test").error("sensor load failed: %s", err.value)

    # 4. an inbox drop that cannot be read: an empty file and a broken one
    folder = inbox.inbox_dir("rki_inzidenz", data)
    folder.mkdir(parents=True)
    (folder / "leer.csv").write_bytes(b"")
    (folder / "kaputt.csv").write_text("Meldedatum;Landkreis\nzwei;x\n")
    with pytest.raises(SourceError, match="inbox file"):
        inbox.ingest_drop("rki_inzidenz", "claim-1", data=data)

    out = capsys.readouterr()
    texts = [out.out, out.err, caplog.text, *(r.getMessage() for r in caplog.records), *(str(r.args) for r in
                                                                                        caplog.records)]
    scanned = assert_no_secrets([data.data_dir], texts)
    assert scanned >= 10
    assert (data.runs / "history.sqlite3").exists()
