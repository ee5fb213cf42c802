"""Failure notifications, the freshness (SLA) check and the inbox claim — with real DAG runs and a real webhook."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest import inbox
from regiohub.ingest.replay import offline
from regiohub.orchestration.ingest_dag import build_ingest_dag
from regiohub.registry.model import load_registry
from regiohub.store.freshness import new_alerts, overdue_sources
from regiohub.store.state import write_state

REGISTRY = load_registry()


class _Hook(BaseHTTPRequestHandler):
    received: list[dict]

    def do_POST(self) -> None:  # noqa: N802 (http.server API)
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def webhook(monkeypatch) -> Iterator[list[dict]]:
    """A local webhook receiver; notifications go to the log and to it."""
    received: list[dict] = []
    handler = type("Hook", (_Hook,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("REGIOHUB_NOTIFY", "log,webhook")
    monkeypatch.setenv("REGIOHUB_NOTIFY_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/hook")
    yield received
    server.shutdown()
    server.server_close()


def test_a_failed_ingest_notifies_with_source_and_load_id(airflow_db, data_dir, webhook, tmp_path, caplog) -> None:
    dag = build_ingest_dag(REGISTRY.source("rki_inzidenz"))
    dag.task_dict["ingest"].retries = 0

    with offline(root=tmp_path / "no-recordings"):  # the publisher answers 404
        run = dag.test()

    assert run.state == "failed"
    [message] = webhook
    details = message["details"]
    log = [json.loads(line) for line in (settings.paths(data_dir).runs / "ingest_log.jsonl").read_text().splitlines()]
    assert details["source_id"] == "rki_inzidenz" and details["task_id"] == "ingest"
    assert details["load_id"] == log[-1]["load_id"] and details["run_id"] == run.run_id
    assert "404" in details["error"]
    assert message["subject"] == "Regio.hub: ingest_rki_inzidenz.ingest failed (source rki_inzidenz)"
    stamp = run.logical_date.isoformat()
    assert (f"`airflow tasks clear ingest_rki_inzidenz -t ingest --start-date {stamp} --end-date {stamp} "
            "--downstream --yes`") in message["text"]
    assert f"rki_inzidenz: load {details['load_id']} failed" in caplog.text  # the task log names both


def test_a_broken_channel_does_not_hide_the_others(monkeypatch, webhook, caplog, data_dir) -> None:
    from regiohub.ops.notify import notify

    monkeypatch.setenv("REGIOHUB_NOTIFY", "email,webhook,log")
    monkeypatch.delenv("REGIOHUB_NOTIFY_EMAIL", raising=False)
    assert notify("subject", "body") == ["webhook", "log"]
    assert len(webhook) == 1 and "REGIOHUB_NOTIFY_EMAIL is not set" in caplog.text


def _state(data: settings.Paths, source_id: str, age: timedelta, status: str = "unchanged") -> None:
    stamp = (datetime.now(UTC) - age).isoformat(timespec="seconds")
    write_state(data, source_id, {"last_loaded_at": stamp, "last_checked_at": stamp, "last_status": status})


def test_sources_that_stop_delivering_are_reported_once(data_dir, monkeypatch) -> None:
    data = settings.paths(data_dir).ensure()
    for source in REGISTRY.sources:
        _state(data, source.id, timedelta(minutes=1))
    _state(data, "pegelonline", timedelta(minutes=20))  # every 15 min: 45 min allowed
    _state(data, "rki_inzidenz", timedelta(days=4))  # daily: 3 days allowed → overdue
    _state(data, "ladesaeulenregister", timedelta(days=2))  # weekly
    monkeypatch.setenv("REGIOHUB_MAX_AGE_HOURS_LADESAEULENREGISTER", "24")  # but this one is watched closer
    (data.state / "zensus2022_bevoelkerung.json").unlink()  # never delivered

    overdue = {o.source_id: o for o in overdue_sources(REGISTRY, data)}
    assert set(overdue) == {"rki_inzidenz", "ladesaeulenregister", "zensus2022_bevoelkerung"}
    assert overdue["rki_inzidenz"].max_age_hours == 72 and overdue["ladesaeulenregister"].max_age_hours == 24
    assert overdue["zensus2022_bevoelkerung"].last_success is None

    first, recovered = new_alerts(list(overdue.values()), data)
    assert {o.source_id for o in first} == set(overdue) and recovered == []
    again, _ = new_alerts(list(overdue.values()), data)
    assert again == []  # no repeated alert while it stays overdue
    _state(data, "rki_inzidenz", timedelta(minutes=1), status="loaded")
    later, recovered = new_alerts(overdue_sources(REGISTRY, data), data)
    assert later == [] and recovered == ["rki_inzidenz"]


def test_freshness_dag_notifies(airflow_db, dagbag, data_dir, webhook) -> None:
    run = dagbag.dags["source_freshness"].test()

    assert run.state == "success"
    assert sorted(m["details"]["source_id"] for m in webhook) == sorted(s.id for s in REGISTRY.sources)
    assert all("stopped delivering" in m["subject"] for m in webhook)


# --- inbox claims --------------------------------------------------------------------------------


def _drop(data: settings.Paths, name: str, body: str = "x") -> Path:
    folder = inbox.inbox_dir("rki_inzidenz", data)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body)
    return folder / name


def test_each_file_is_claimed_once_and_a_retry_gets_its_own_claim_back(data_dir) -> None:
    data = settings.paths(data_dir)
    _drop(data, "a.csv")
    _drop(data, ".b.csv.part")
    inbox.marker_path("rki_inzidenz", data).touch()

    first = inbox.claim("rki_inzidenz", "run-1", data)
    assert [p.name for p in first] == ["a.csv"]
    assert inbox.claim("rki_inzidenz", "run-2", data) == []  # nothing left for another run
    assert [p.name for p in inbox.claim("rki_inzidenz", "run-1", data)] == ["a.csv"]  # retry of run-1
    assert inbox.marker_path("rki_inzidenz", data).exists()  # the claim never touches the marker


def test_a_named_claim_takes_only_that_file(data_dir) -> None:
    data = settings.paths(data_dir)
    _drop(data, "a.csv")
    _drop(data, "b.csv")

    assert [p.name for p in inbox.claim("rki_inzidenz", "run-1", data, only="b.csv")] == ["b.csv"]
    assert [p.name for p in inbox.ready_files("rki_inzidenz", data)] == ["a.csv"]
    for bad in ("../a.csv", "READY"):
        with pytest.raises(SourceError, match="plain file name"):
            inbox.claim("rki_inzidenz", "run-2", data, only=bad)
