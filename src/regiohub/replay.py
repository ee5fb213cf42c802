"""A local HTTP server that replays the shipped recorded payloads (``samples/http/<host>/<path>``).

``regiohub --offline`` starts it on 127.0.0.1 and sets ``REGIOHUB_OFFLINE_BASE`` so that
:func:`regiohub.http.effective_url` sends every request of the connectors here: the real HTTP code
path (requests, retries, streaming) runs, only the publisher is replaced by its recording.
Query strings are ignored; GET and POST are served alike.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from regiohub import settings
from regiohub.http import OFFLINE_ENV

RECORDINGS_DIR = settings.SAMPLES_DIR / "http"


def _content_type(body: bytes, path: Path) -> str:
    if body.startswith(b"PK\x03\x04"):
        return "application/zip"
    if path.suffix == ".json" or body.lstrip()[:1] in (b"{", b"["):
        return "application/json"
    if path.suffix in (".html", ".htm"):
        return "text/html; charset=utf-8"
    return "text/csv"


class _Handler(BaseHTTPRequestHandler):
    server: ReplayServer

    def _serve(self) -> None:
        rel = unquote(urlsplit(self.path).path).lstrip("/")
        root = self.server.root.resolve()
        target = (root / rel).resolve()
        if root not in target.parents or not target.is_file():
            self.send_error(404, f"no recording for /{rel}")
            return
        body = target.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", _content_type(body, target))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        self._serve()

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._serve()

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


class ReplayServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path = RECORDINGS_DIR, port: int = 0) -> None:
        self.root = root
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextlib.contextmanager
def offline(root: Path = RECORDINGS_DIR) -> Iterator[ReplayServer]:
    """Serve recordings and point the connectors at them for the duration of the block."""
    server = ReplayServer(root)
    thread = threading.Thread(target=server.serve_forever, name="regiohub-replay", daemon=True)
    thread.start()
    previous = os.environ.get(OFFLINE_ENV)
    os.environ[OFFLINE_ENV] = server.base_url
    try:
        yield server
    finally:
        if previous is None:
            os.environ.pop(OFFLINE_ENV, None)
        else:
            os.environ[OFFLINE_ENV] = previous
        server.shutdown()
        server.server_close()
