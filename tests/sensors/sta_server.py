"""A local HTTP server replaying recorded SensorThings collections as a FROST-Server pages them.

It caps ``$top`` (``cap``), puts ``@iot.nextLink`` (absolute, with ``$skip``) on every page but the last,
and honours ``$filter=phenomenonTime gt|ge <t> [and phenomenonTime lt <t>]`` as FROST does for instants
(intervals compare by their start). Every request is recorded in ``requests``.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

RECORDINGS = Path(__file__).parent / "recordings" / "sta"
ROOT = "/FROST-Server/v1.1"


def recorded_collections() -> dict[str, list[dict]]:
    load = lambda name: json.loads((RECORDINGS / name).read_text())["value"]  # noqa: E731
    return {
        f"{ROOT}/Datastreams": load("datastreams.json"),
        f"{ROOT}/Datastreams(1)/Observations": load("observations_1.json"),
        f"{ROOT}/Datastreams('ls-0815')/Observations": load("observations_ls-0815.json"),
    }


class StaReplay:
    def __init__(self, collections: dict[str, list[dict]] | None = None, cap: int = 2) -> None:
        self.collections = collections or recorded_collections()
        self.cap = cap
        self.requests: list[str] = []
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                replay.requests.append(self.path)
                parts = urlsplit(self.path)
                items = replay.collections.get(unquote(parts.path))
                if items is None:
                    self.send_error(404)
                    return
                body = json.dumps(replay.page(items, parts.path, dict(parse_qsl(parts.query)))).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}{ROOT}"

    def page(self, items: list[dict], path: str, q: dict[str, str]) -> dict:
        selected = [i for i in items if _matches(i, q.get("$filter", ""))]
        if "phenomenonTime" in q.get("$orderby", ""):
            selected.sort(key=lambda i: i["phenomenonTime"], reverse=q["$orderby"].endswith("desc"))
        top, skip = min(int(q.get("$top", 100)), self.cap), int(q.get("$skip", 0))
        out: dict = {"value": selected[skip:skip + top]}
        if skip + top < len(selected):
            nxt = {**q, "$skip": str(skip + top), "$top": str(top)}
            out = {"@iot.nextLink": f"http://127.0.0.1:{self.server.server_port}{path}?{urlencode(nxt)}", **out}
        return out

    def __enter__(self) -> StaReplay:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _matches(item: dict, flt: str) -> bool:
    for op, stamp in re.findall(r"phenomenonTime (gt|ge|lt) (\S+)", flt):
        start = item.get("phenomenonTime", "").split("/")[0].replace(".000Z", "Z")
        t = stamp.replace(".000Z", "Z")
        if (op == "gt" and not start > t) or (op == "ge" and not start >= t) or (op == "lt" and not start < t):
            return False
    return True
