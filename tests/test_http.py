"""The HTTP client against real local servers: retries, User-Agent, and errors named per source."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.core.http import OFFLINE_ENV, download, session
from regiohub.ingest.replay import offline
from regiohub.ingest.source import ingest_source


class Flaky(BaseHTTPRequestHandler):
    failures_left = 2
    seen: list[tuple[int, str]] = []

    def do_GET(self):  # noqa: N802
        if Flaky.failures_left > 0:
            Flaky.failures_left -= 1
            Flaky.seen.append((503, self.headers["User-Agent"]))
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        Flaky.seen.append((200, self.headers["User-Agent"]))
        body = b"Meldedatum,Landkreis_id\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def flaky_server():
    Flaky.failures_left, Flaky.seen = 2, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_server_errors_are_retried_with_our_user_agent(flaky_server, tmp_path, monkeypatch):
    monkeypatch.delenv(OFFLINE_ENV, raising=False)  # talk to this server directly, not through a replay server
    target = tmp_path / "out.csv"
    download(session(backoff_factor=0.01, allow_hosts=("127.0.0.1",)), f"{flaky_server}/file.csv", target)
    assert target.read_bytes() == b"Meldedatum,Landkreis_id\n"
    assert [code for code, _ in Flaky.seen] == [503, 503, 200]
    assert all(ua == settings.USER_AGENT for _, ua in Flaky.seen)


def test_a_missing_resource_is_a_source_error_and_the_body_is_kept(data_dir, tmp_path):
    empty_recordings = tmp_path / "recordings"
    empty_recordings.mkdir()
    with offline(empty_recordings), pytest.raises(SourceError) as err:
        ingest_source("rki_inzidenz", data=settings.paths(data_dir))
    assert str(err.value).startswith("rki_inzidenz: publisher answered HTTP 404 for http://127.0.0.1:")
    assert "?" not in str(err.value)
    kept = list((data_dir / "landing" / "rki_inzidenz").rglob("*.csv"))
    assert kept and b"404" in kept[0].read_bytes()
