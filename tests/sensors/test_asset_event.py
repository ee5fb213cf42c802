"""A micro-batch that changed raw posts an asset event on regiohub://raw/<source> (Airflow's REST calls)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

from regiohub.ingest.mqtt.announce import AssetAnnouncer


def test_token_asset_lookup_and_event_as_airflow_expects() -> None:
    calls: list[tuple[str, str, dict | None]] = []

    class Airflow(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _answer(self, body: dict, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            calls.append(("POST", self.path, body))
            if self.path == "/auth/token":
                self._answer({"access_token": "t0k"}, 201)
            elif self.headers.get("Authorization") == "Bearer t0k":
                self._answer({"id": 1}, 200)
            else:
                self._answer({"detail": "unauthorized"}, 401)

        def do_GET(self) -> None:  # noqa: N802
            calls.append(("GET", self.path, None))
            self._answer({"assets": [{"id": 42, "uri": "regiohub://raw/sensoren_lorawan"}]})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Airflow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        announce = AssetAnnouncer(f"http://127.0.0.1:{server.server_port}", "regiohub", "pw", "sensoren_lorawan")
        announce(SimpleNamespace(load_id="L1", rows={"observations": 10}))
        announce(SimpleNamespace(load_id="L2", rows={"observations": 3}))
    finally:
        server.shutdown()
        server.server_close()
    assert calls[0] == ("POST", "/auth/token", {"username": "regiohub", "password": "pw"})
    assert calls[1][:2] == ("GET", "/api/v2/assets?uri_pattern=regiohub%3A%2F%2Fraw%2Fsensoren_lorawan")
    events = [c for c in calls if c[1] == "/api/v2/assets/events"]
    assert [e[2] for e in events] == [{"asset_id": 42, "extra": {"load_id": "L1", "rows": {"observations": 10}}},
                                      {"asset_id": 42, "extra": {"load_id": "L2", "rows": {"observations": 3}}}]
    assert announce.posted == 2 and len(calls) == 4  # one token, one lookup, two events


def test_an_unreachable_airflow_never_stops_the_consumer() -> None:
    announce = AssetAnnouncer("http://127.0.0.1:9", "regiohub", "pw", "sensoren_lorawan")
    announce(SimpleNamespace(load_id="L1", rows={}))
    assert announce.posted == 0
