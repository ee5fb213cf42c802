"""Request-scoped helpers shared by the routers: the mart session and cached responses.

A snapshot never changes, so a response is fully determined by (snapshot, path, query, variant): the
rendered bodies of the most recent requests are kept in a small LRU cache (a new snapshot simply misses).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from fastapi import Request, Response

from regiohub.api import formats
from regiohub.api.formats import Format
from regiohub.api.mart import NoSnapshotError, Session
from regiohub.api.problems import ProblemError

CACHE_ENTRIES, CACHE_MAX_BODY = 512, 1 << 20


class ResponseCache:
    """Bodies and headers of rendered responses, least recently used dropped first."""

    def __init__(self, entries: int = CACHE_ENTRIES) -> None:
        self.entries = entries
        self._items: OrderedDict[tuple, tuple[int, bytes, dict[str, str]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Response | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            self._items.move_to_end(key)
        status, body, headers = hit
        return Response(body, status_code=status, headers=headers)

    def put(self, key: tuple, response: Response) -> None:
        if len(response.body) > CACHE_MAX_BODY:
            return
        headers = {k: v for k, v in response.headers.items() if k != "content-length"}
        with self._lock:
            self._items[key] = (response.status_code, bytes(response.body), headers)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)


def mart_session(request: Request) -> Iterator[Session]:
    """A read-only connection to the current snapshot for this request (closed afterwards)."""
    try:
        session = request.app.state.mart.session()
    except NoSnapshotError as exc:
        text = ("Der veröffentlichte Datenstand kann gerade nicht gelesen werden; bitte später erneut versuchen."
                if exc.unreadable else "Es ist noch kein Datenstand veröffentlicht.")
        raise ProblemError(503, text, {"Retry-After": "60"}) from exc
    try:
        yield session
    finally:
        session.close()


def table(request: Request, session: Session, fmt: Format, filename: str,
          query: Callable[[], tuple[Sequence[str], Sequence[tuple], dict[str, Any]]]) -> Response:
    """Answer with a table as JSON or CSV, or 304 if the client has it; ``query`` runs only when needed."""
    headers = formats.validators(request, session.snapshot, fmt.value)
    cached = formats.not_modified(request, headers, session.snapshot)
    if cached is not None:
        return cached
    cache: ResponseCache = request.app.state.responses
    key = (session.snapshot.snapshot_id, request.url.path, request.url.query, fmt.value)
    hit = cache.get(key)
    if hit is not None:
        return hit
    names, rows, meta = query()
    if fmt is Format.json:
        response = formats.json_page(names, rows, headers, snapshot_id=session.snapshot.snapshot_id, **meta)
    else:
        extra = {"X-Total-Count": str(meta["total"])} if "total" in meta else {}
        response = formats.csv_response(names, rows, {**headers, **extra}, fmt, filename)
    cache.put(key, response)
    return response
