"""Shared helpers of the hostile-input suite: crafted servers, fake secrets, "nothing changed" checks.

Reusable by any hostile test:

* ``mart_untouched(data_dir)``: context manager asserting ``published/regiohub.duckdb`` is byte-identical
  (SHA-256) before and after the block (also when no mart was published: it must still not exist).
* ``fake_secrets`` fixture: sets recognisable fake credentials in the environment; ``assert_no_secrets``
  scans every file below a folder plus captured texts for any of them.
* ``tiny_published`` fixture: a data dir with a small real published mart (cheap; ``published_copy`` of
  ``tests/conftest.py`` is the full demo run).
* ``serve(handler)`` fixture: a real local HTTP server per handler class, returns its base URL.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from regiohub.core import settings
from regiohub.core.http import OFFLINE_ENV

FAKE_SECRETS = {
    "REGIOHUB_REGIONALSTATISTIK_TOKEN": "tok-7f3c9e2a51b84d06SECRET",
    "REGIOHUB_NOTIFY_WEBHOOK_URL": "http://127.0.0.1:9/hooks/T000/B000/wh-5d1e8c7b3a9f4e20SECRET",
    "REGIOHUB_SMTP_PASSWORD": "smtp-pw-8b2d4f6a1c3e5g7hSECRET",
    "REGIOHUB_REDIS_PASSWORD": "redis-pw-1a2b3c4d5e6f7g8hSECRET",
}
# Hosts of the crafted local servers, allowed explicitly where a test talks to them directly (not as the
# offline replay base, which is always allowed): every other request to an internal address is refused.
LOCAL = ("127.0.0.1", "localhost")
# The parts of the secrets that must never appear anywhere (a webhook URL's secret is its path).
SECRET_NEEDLES = (
    "tok-7f3c9e2a51b84d06", "wh-5d1e8c7b3a9f4e20", "smtp-pw-8b2d4f6a1c3e5g7h", "redis-pw-1a2b3c4d5e6f7g8h",
)


def file_sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@contextlib.contextmanager
def mart_untouched(data_dir: Path) -> Iterator[None]:
    """Assert that the published mart of ``data_dir`` is byte-identical after the block."""
    published = Path(data_dir) / "published" / "regiohub.duckdb"
    before = file_sha256(published)
    yield
    assert file_sha256(published) == before, "the published mart changed"


def assert_no_secrets(folders: Iterable[Path] = (), texts: Iterable[str] = ()) -> int:
    """Fail if any fake secret occurs in a file below ``folders`` (any format, bytes) or in ``texts``.

    Returns the number of files scanned (so a test can check it scanned something).
    """
    needles = [n.encode() for n in SECRET_NEEDLES]
    scanned = 0
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and not path.is_symlink():
                blob = path.read_bytes()
                scanned += 1
                for needle in needles:
                    assert needle not in blob, f"secret {needle.decode()[:8]}… found in {path}"
    for text in texts:
        for needle in SECRET_NEEDLES:
            assert needle not in text, f"secret {needle[:8]}… found in output: {text[:200]!r}"
    return scanned


@pytest.fixture
def fake_secrets(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in FAKE_SECRETS.items():
        monkeypatch.setenv(name, value)
    return dict(FAKE_SECRETS)


@pytest.fixture
def fast_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """Direct HTTP (no replay server), short timeouts, one quick retry."""
    monkeypatch.delenv(OFFLINE_ENV, raising=False)
    monkeypatch.setenv("REGIOHUB_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("REGIOHUB_HTTP_RETRIES", "1")
    monkeypatch.setenv("REGIOHUB_HTTP_TIMEOUT", "5")


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    """``serve(Handler, host="127.0.0.1")`` starts a real HTTP server and returns ``http://host:port``."""
    servers: list[ThreadingHTTPServer] = []

    def start(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> str:
        server = ThreadingHTTPServer((host, 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return f"http://{host}:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def tiny_published(data_dir: Path) -> Path:
    """A data dir with a small published mart (a real DuckDB file), for tests that never publish.

    Cheaper than the session's full demo run (``published_copy``), which tests that publish should use.
    """
    import duckdb

    published = settings.paths(data_dir).ensure().published
    with duckdb.connect(str(published)) as con:
        con.execute("create table fct_indicator_value as select 1 as region, 42.0 as value").fetchall()
    return data_dir


class QuietHandler(BaseHTTPRequestHandler):
    """Base handler without request logging."""

    def log_message(self, *args: object) -> None:
        pass
