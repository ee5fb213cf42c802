"""OpenLineage events of one full offline run (file transport) connect publisher → raw → mart → published."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from regiohub.core import settings
from regiohub.lineage.loads import load_provenance

PUBLISHED_NS = "duckdb://regiohub/published"


@pytest.fixture(scope="module")
def events(demo_data_dir: Path) -> list[dict]:
    """The events the publish of the demo run wrote (default transport: runs/openlineage.jsonl)."""
    path = demo_data_dir / "runs" / "openlineage.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def _graph(events: list[dict]) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """dataset → datasets it feeds, through the jobs of the COMPLETE events."""
    edges: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for e in events:
        if e["eventType"] != "COMPLETE":
            continue
        for i in e["inputs"]:
            edges[(i["namespace"], i["name"])] |= {(o["namespace"], o["name"]) for o in e["outputs"]}
    return edges


def _reachable(edges, start) -> set:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_events_are_well_formed_start_complete_pairs(events):
    assert events
    runs = defaultdict(list)
    for e in events:
        uuid.UUID(e["run"]["runId"])
        assert e["producer"] and e["schemaURL"].startswith("https://openlineage.io/spec/")
        assert e["job"]["namespace"] == "regiohub"
        runs[e["run"]["runId"]].append(e["eventType"])
    assert all(types == ["START", "COMPLETE"] for types in runs.values())
    assert {e["job"]["name"] for e in events} >= {"dbt.build", "publish", "ingest.rki_inzidenz", "ingest.pegelonline"}


def test_every_load_of_the_snapshot_reaches_the_published_mart(events, demo_data_dir):
    data = settings.paths(demo_data_dir)
    with duckdb.connect(str(data.published), read_only=True) as con:
        snapshot_id = con.execute("SELECT snapshot_id FROM meta_snapshot").fetchone()[0]
        loads = dict(con.execute("SELECT source_id, last_load_id FROM dim_source").fetchall())
        provenance = {x["load_id"]: x for x in load_provenance(con)}  # dim_load, as API and dashboard read it
    edges = _graph(events)
    [publish] = [e for e in events if e["job"]["name"] == "publish" and e["eventType"] == "COMPLETE"]
    assert {o["facets"]["version"]["datasetVersion"] for o in publish["outputs"] if o["namespace"] == PUBLISHED_NS} \
        == {snapshot_id}
    for source_id, load_id in loads.items():
        [ingest] = [e for e in events if e["job"]["name"] == f"ingest.{source_id}" and e["eventType"] == "COMPLETE"]
        [source] = ingest["inputs"]
        load = provenance[load_id]
        assert source["namespace"] + source["name"] == load["publisher_url"].split("?")[0]
        assert source["facets"]["version"]["datasetVersion"] == load["payload_sha256"]
        raw = {(o["namespace"], o["name"]) for o in ingest["outputs"]}
        assert raw == {("file://regiohub", f"raw/{source_id}/{entity}") for entity in load["rows"]} != set()
        assert all((demo_data_dir / name).is_dir() for _, name in raw)
        downstream = _reachable(edges, (source["namespace"], source["name"]))
        assert ("duckdb://regiohub/build", "main.fct_indicator_value") in downstream
        assert any(ns == PUBLISHED_NS for ns, _ in downstream), source_id
    assert (PUBLISHED_NS, "main.fct_indicator_value") in _reachable(
        edges, ("file://regiohub", "raw/rki_inzidenz/incidence"))


def test_http_transport_posts_the_same_events(demo_data_dir, monkeypatch):
    """``REGIOHUB_OPENLINEAGE_URL``: the events go to an HTTP endpoint (as Marquez receives them)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from regiohub.lineage.events import emit_snapshot_lineage

    received: list[tuple[str, dict]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's hook name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, json.loads(body)))
            self.send_response(201)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("REGIOHUB_OPENLINEAGE_URL", f"http://127.0.0.1:{server.server_port}")
        data = settings.paths(demo_data_dir)
        with duckdb.connect(str(data.published), read_only=True) as con:
            snapshot_id, candidate = con.execute("SELECT snapshot_id, candidate FROM meta_snapshot").fetchone()
        n = emit_snapshot_lineage(data, snapshot_id, data.build / candidate)
    finally:
        server.shutdown()
    assert n == len(received) > 0 and {path for path, _ in received} == {"/api/v1/lineage"}
    file_events = [json.loads(line) for line in (demo_data_dir / "runs" / "openlineage.jsonl").read_text().splitlines()]
    assert {(e["job"]["name"], e["run"]["runId"], e["eventType"]) for _, e in received} == {
        (e["job"]["name"], e["run"]["runId"], e["eventType"]) for e in file_events}
