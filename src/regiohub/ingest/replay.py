"""A local HTTP server that replays the shipped recorded payloads (``samples/http/<host>/<path>``).

``regiohub --offline`` starts it on 127.0.0.1 and sets ``REGIOHUB_OFFLINE_BASE`` so that
:func:`regiohub.core.http.effective_url` sends every request of the connectors here: the real HTTP code
path (requests, retries, streaming, conditional requests) runs, only the publisher is replaced by
its recording. A recording named ``<path>@<query>`` answers requests carrying those parameters
(e.g. the pages of a paged API); otherwise query strings are ignored. GET and POST are served alike.
A time series (a JSON array of ``{"timestamp": …}``) asked for with ``start`` and ``end`` is cut to that
range, as the PEGELONLINE API does for a backfill.

Every recording is served with an ``ETag`` (hash of the body) and a ``Last-Modified`` (file mtime);
``If-None-Match`` / ``If-Modified-Since`` are honoured with ``304 Not Modified``.

For tests, :meth:`ReplayServer.inject` queues :class:`Fault` answers per path (glob): server errors,
429 with ``Retry-After``, slow answers, truncated bodies, other bodies, changed headers. Every
request is recorded in :attr:`ReplayServer.requests`.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import formatdate, parsedate_to_datetime
from glob import escape as glob_escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit

from regiohub.core import settings
from regiohub.core.http import OFFLINE_ENV

RECORDINGS_DIR = settings.SAMPLES_DIR / "http"
ERROR_PAGE = b"<!DOCTYPE html><html><head><title>Fehler</title></head><body>Wartungsarbeiten</body></html>"


@dataclass
class Fault:
    """One scripted answer. Unset fields fall back to the recording."""

    status: int | None = None  # answer with this status (body: ``body`` or an HTML error page)
    headers: dict[str, str] = field(default_factory=dict)  # added to / replacing the normal headers
    body: bytes | None = None  # served instead of the recording (with the given or a 200 status)
    delay: float = 0.0  # seconds to wait before answering (read timeouts)
    truncate: int | None = None  # send (unconditionally) only the first n bytes of the body, then close
    announce_length: bool = True  # with ``truncate``: announce the full Content-Length (else none)
    times: int | None = 1  # how many requests this answer is used for (None: all)


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # <host>/<path> as requested, without query
    query: dict[str, list[str]]
    headers: dict[str, str]


def _content_type(body: bytes, path: Path) -> str:
    if body.startswith(b"PK\x03\x04"):
        return "application/zip"
    if path.suffix == ".json" or body.lstrip()[:1] in (b"{", b"["):
        return "application/json"
    if path.suffix in (".html", ".htm"):
        return "text/html; charset=utf-8"
    return "text/csv"


def _keyed(target: Path, query: str) -> Path:
    """The recording of a query: ``<path>@<query>`` whose parameters all occur in the request (most of them wins).

    E.g. ``records@limit=100&offset=100`` answers ``records?limit=100&offset=100&where=…``.
    """
    asked = set(parse_qsl(query))
    if not asked or not target.parent.is_dir():
        return target
    best, best_size = target, -1
    for candidate in target.parent.glob(f"{glob_escape(target.name)}@*"):
        recorded = set(parse_qsl(candidate.name.split("@", 1)[1]))
        if recorded <= asked and len(recorded) > best_size:
            best, best_size = candidate, len(recorded)
    return best


def _in_range(body: bytes, query: dict[str, list[str]]) -> bytes:
    """The readings of a time series between the ISO times ``start`` and ``end``; other bodies unchanged."""
    if "start" not in query or "end" not in query or body.lstrip()[:1] != b"[":
        return body
    try:
        start, end = (datetime.fromisoformat(query[k][0]) for k in ("start", "end"))
        series = json.loads(body)
        kept = [r for r in series if start <= datetime.fromisoformat(r["timestamp"]) <= end]
    except (ValueError, TypeError, KeyError):
        return body
    return json.dumps(kept).encode()


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class _Handler(BaseHTTPRequestHandler):
    server: ReplayServer
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        rel = unquote(parts.path).lstrip("/")
        self.server.requests.append(Request(self.command, rel, parse_qs(parts.query), dict(self.headers.items())))
        fault = self.server.next_fault(rel)
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.status is not None and fault.status >= 300:
            body = ERROR_PAGE if fault.body is None else fault.body
            self._answer(fault.status, {"Content-Type": "text/html; charset=utf-8", **fault.headers}, body, fault)
            return
        root = self.server.root.resolve()
        target = (root / rel).resolve()
        if fault and fault.body is not None:
            body, mtime = fault.body, time.time()
        elif root in target.parents and (keyed := _keyed(target, parts.query)).is_file():
            body, mtime = keyed.read_bytes(), keyed.stat().st_mtime
        elif root in target.parents and target.is_file():
            body, mtime = target.read_bytes(), target.stat().st_mtime
        else:
            self._answer(404, {"Content-Type": "text/plain"}, f"404 no recording for /{rel}".encode(), None)
            return
        body = _in_range(body, parse_qs(parts.query))
        headers = {
            "Content-Type": _content_type(body, target),
            "ETag": etag_of(body),
            "Last-Modified": formatdate(int(mtime), usegmt=True),
            **(fault.headers if fault else {}),
        }
        if (fault is None or fault.truncate is None) and self._not_modified(headers):
            self._answer(304, {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified")}, b"", None)
            return
        self._answer(fault.status if fault and fault.status else 200, headers, body, fault)

    def _not_modified(self, headers: dict[str, str]) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return headers.get("ETag") in [t.strip() for t in if_none_match.split(",")]
        since = self.headers.get("If-Modified-Since")
        if since and headers.get("Last-Modified"):
            with contextlib.suppress(TypeError, ValueError):
                return parsedate_to_datetime(headers["Last-Modified"]) <= parsedate_to_datetime(since)
        return False

    def _answer(self, status: int, headers: dict[str, str], body: bytes, fault: Fault | None) -> None:
        sent = body if fault is None or fault.truncate is None else body[: fault.truncate]
        cut = len(sent) < len(body)
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if status != 304 and (not cut or fault.announce_length):
            self.send_header("Content-Length", str(len(body)))
        if cut:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if status != 304:
            self.wfile.write(sent)
        self.wfile.flush()

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
        self.requests: list[Request] = []
        self._faults: list[tuple[str, Fault]] = []
        self._lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def inject(self, path_glob: str, *faults: Fault) -> None:
        """Queue ``faults`` for requests whose ``<host>/<path>`` matches ``path_glob`` (in order)."""
        with self._lock:
            self._faults.extend((path_glob, f) for f in faults)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def next_fault(self, rel: str) -> Fault | None:
        with self._lock:
            for i, (pattern, fault) in enumerate(self._faults):
                if fnmatch.fnmatchcase(rel, pattern):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            del self._faults[i]
                    return fault
        return None

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that gave up (timeouts) are expected here: no traceback on stderr."""

    def requests_for(self, path_glob: str) -> list[Request]:
        return [r for r in self.requests if fnmatch.fnmatchcase(r.path, path_glob)]


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
