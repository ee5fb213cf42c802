"""Operating the DAGs: backfills, exact re-run commands, a REST event naming a missing file, the first build."""

from __future__ import annotations

import json
import shlex
from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest import inbox
from regiohub.ingest.replay import RECORDINGS_DIR, Fault, offline
from regiohub.ingest.source import ingest_source
from regiohub.orchestration import history
from regiohub.orchestration.callbacks import rerun_command, rerun_hint
from regiohub.orchestration.inbox_dag import ingest_inbox_files
from regiohub.orchestration.ingest_dag import build_ingest_dag
from regiohub.registry.model import load_registry

REGISTRY = load_registry()
MEASUREMENTS = "www.pegelonline.wsv.de/webservices/rest-api/v2/stations/*/W/measurements.json"
RKI = next(RECORDINGS_DIR.glob("raw.githubusercontent.com/**/COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"))
NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def _states(run) -> dict[str, str | None]:
    return {ti.task_id: ti.state for ti in run.get_task_instances()}


def _stored_states(run_id: str) -> dict[str, str | None]:
    """Task states of a run as the metadata DB holds them now (not as loaded earlier in this session)."""
    from airflow.models import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.execute(select(TaskInstance.task_id, TaskInstance.state).where(TaskInstance.run_id == run_id))
        return {task_id: state for task_id, state in rows}


def _series(first: datetime, last: datetime) -> bytes:
    """What the PEGELONLINE API holds: 15-minute readings (CET offsets) from ``first`` to ``last``."""
    rows, t = [], first
    while t <= last:
        rows.append({"timestamp": t.astimezone(history.REGION_TZ).isoformat(), "value": 300 + t.hour % 7})
        t += timedelta(minutes=15)
    return json.dumps(rows).encode()


# --- which runs fetch history, and which days ------------------------------------------------------


def test_only_backfill_runs_and_manual_runs_for_a_past_date_fetch_history() -> None:
    old = NOW - timedelta(days=3)
    assert history.is_history_run("backfill", NOW, "@daily", NOW)  # a backfill run, whatever its date
    assert history.is_history_run("manual", old, "@daily", NOW)  # `airflow dags trigger --logical-date`
    assert not history.is_history_run("manual", NOW - timedelta(minutes=5), "@daily", NOW)  # "trigger now"
    assert not history.is_history_run("manual", NOW - timedelta(hours=24), "@daily", NOW)  # within period + 1 h
    assert not history.is_history_run("manual", old, "@monthly", NOW)  # within the current month's period
    assert not history.is_history_run("scheduled", old, "@daily", NOW)  # a late scheduled run polls now
    assert not history.is_history_run("manual", None, "@daily", NOW)  # no logical date: nothing to go back to


def test_the_window_is_the_schedule_period_ending_at_the_logical_date() -> None:
    berlin = history.REGION_TZ
    daily = datetime(2026, 11, 5, 0, 0, tzinfo=berlin)
    assert history.window("@daily", daily) == history.Window(date(2026, 11, 4), date(2026, 11, 4))
    quarter = datetime(2026, 11, 5, 12, 15, tzinfo=berlin)
    assert history.window("*/15 * * * *", quarter) == history.Window(date(2026, 11, 5), date(2026, 11, 5))
    monthly = datetime(2026, 11, 1, tzinfo=berlin).astimezone(UTC)
    assert history.window("@monthly", monthly) == history.Window(date(2026, 10, 1), date(2026, 10, 31))
    start, end = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 8, tzinfo=UTC)  # a real data interval wins
    assert history.window("@daily", end, start, end) == history.Window(date(2026, 3, 1), date(2026, 3, 8))


def test_which_sources_can_fetch_which_history() -> None:
    today = NOW.date()

    def days_ago(first: int, last: int) -> history.Window:
        return history.Window(today - timedelta(days=first), today - timedelta(days=last))

    def why(source_id: str, win: history.Window) -> str | None:
        return history.no_history(REGISTRY.source(source_id), win, today)

    assert why("pegelonline", days_ago(10, 3)) is None
    assert why("pegelonline", days_ago(40, 33)).startswith("no history for pegelonline: the publisher serves only the")
    assert why("dwd_klima_potsdam", days_ago(120, 90)) is None  # within the recent file
    assert why("dwd_klima_potsdam", days_ago(700, 600)).startswith("no history for dwd_klima_potsdam: the publisher")
    assert why("regionalstatistik_bevoelkerung", days_ago(3650, 3000)) is None  # years, no limit
    for source in ("rki_inzidenz", "ladesaeulenregister", "vbb_gtfs", "zensus2022_bevoelkerung"):
        assert why(source, days_ago(10, 3)).startswith(f"no history for {source}: connector ")


# --- real DAG runs ---------------------------------------------------------------------------------


def test_a_backfill_run_over_a_past_week_loads_that_week(airflow_db, data_dir, caplog) -> None:
    """A run whose period is a past week (a weekly variant of the PEGELONLINE DAG) fetches exactly that week."""
    dag = build_ingest_dag(REGISTRY.source("pegelonline").model_copy(update={"schedule": "@weekly"}))
    sunday = history.previous_tick("@weekly", NOW - timedelta(days=8))  # more than one period ago
    first, last = (sunday - timedelta(days=7)).date(), (sunday - timedelta(days=1)).date()

    with offline() as server:
        server.inject(MEASUREMENTS, Fault(body=_series(NOW - timedelta(days=25), NOW), times=None))
        run = dag.test(logical_date=sunday)

    assert run.state == "success" and _states(run) == {"ingest": "success", "emit_raw_asset": "success"}
    asked = server.requests_for(MEASUREMENTS)
    assert len(asked) == 6
    assert {(r.query["start"][0], r.query["end"][0]) for r in asked} == {
        (f"{first}T00:00:00+00:00", f"{last}T23:59:59+00:00")
    }
    raw = settings.paths(data_dir).raw / "pegelonline" / "measurements"
    [(lo, hi, n, stations)] = duckdb.sql(
        "select min(measured_at::timestamptz), max(measured_at::timestamptz), count(*), count(distinct station_uuid) "
        f"from read_parquet('{raw}/*.parquet')"
    ).fetchall()
    assert (lo.date(), hi.astimezone(UTC).date()) == (first, last)
    assert (n, stations) == (6 * 7 * 96, 6)  # every quarter hour of those seven days, nothing else
    assert f"pegelonline: backfill run {run.run_id} fetches {first}..{last}" in caplog.text


def test_a_backfill_run_of_a_source_without_history_says_so_and_skips(airflow_db, dagbag, data_dir, caplog) -> None:
    past = NOW - timedelta(days=10)
    too_old = NOW - timedelta(days=40)

    with offline() as server:
        rki = dagbag.dags["ingest_rki_inzidenz"].test(logical_date=past)
        pegel = dagbag.dags["ingest_pegelonline"].test(logical_date=too_old)

    for run in (rki, pegel):
        assert run.state == "success"
        assert _states(run) == {"ingest": "skipped", "emit_raw_asset": "skipped"}
    assert server.requests == []  # nothing re-polled
    assert "no history for rki_inzidenz: connector rki_incidence serves only the current payload" in caplog.text
    assert "no history for pegelonline: the publisher serves only the last 31 days" in caplog.text
    assert not any(settings.paths(data_dir).raw.glob("*/*/*.parquet"))


def test_the_rerun_command_clears_exactly_the_failed_run_and_what_follows(airflow_db, data_dir, tmp_path) -> None:
    from airflow.cli import cli_parser

    dag = build_ingest_dag(REGISTRY.source("rki_inzidenz"))
    dag.task_dict["ingest"].retries = 0
    with offline(root=tmp_path / "no-recordings"):  # the publisher answers 404
        first = dag.test(logical_date=NOW - timedelta(hours=2))
        second = dag.test(logical_date=NOW - timedelta(hours=1))
    failed = {"ingest": "failed", "emit_raw_asset": "upstream_failed"}
    assert _states(first) == failed and _states(second) == failed

    command = rerun_command("ingest_rki_inzidenz", "ingest", first.logical_date)
    stamp = first.logical_date.isoformat()
    assert command == (f"airflow tasks clear ingest_rki_inzidenz -t ingest --start-date {stamp} "
                       f"--end-date {stamp} --downstream --yes")
    args = cli_parser.get_parser().parse_args(shlex.split(command)[1:])
    args.func(args)  # the real CLI command

    assert _stored_states(first.run_id) == {"ingest": None, "emit_raw_asset": None}  # cleared, downstream too
    assert _stored_states(second.run_id) == failed  # the other run is untouched


def test_no_task_id_contains_another_of_its_dag(dagbag) -> None:
    """`airflow tasks clear -t` matches substrings in Airflow 3.3: the bare task id must select only that task."""
    for dag in dagbag.dags.values():
        for task_id in dag.task_ids:
            assert [t for t in dag.task_ids if task_id in t] == [task_id], (dag.dag_id, task_id)


def test_a_run_without_logical_date_gets_the_rest_call_for_its_run_id() -> None:
    hint = rerun_hint("build_mart", "build_candidate", "asset_triggered__2026-11-28T10:00:00+00:00", None)
    assert "`airflow tasks clear` cannot select it" in hint
    body = json.loads(hint.split(" with ", 1)[1])
    assert body == {"dag_run_id": "asset_triggered__2026-11-28T10:00:00+00:00", "task_ids": ["build_candidate"],
                    "include_downstream": True, "only_failed": False, "dry_run": False}
    assert "POST /api/v2/dags/build_mart/clearTaskInstances" in hint


# --- REST events naming a file ----------------------------------------------------------------------


def test_a_rest_event_naming_a_missing_file_fails_with_that_message(data_dir) -> None:
    with pytest.raises(SourceError) as failed:
        ingest_inbox_files("rki_inzidenz", "asset_triggered__1", ["Inzidenz_2026-11-27.csv"])
    assert str(failed.value) == (
        "rki_inzidenz: inbox file Inzidenz_2026-11-27.csv named by the asset event does not exist in "
        "inbox/rki_inzidenz/ (not uploaded yet, or taken by an earlier run): nothing loaded"
    )


# --- the first build on an empty data dir -------------------------------------------------------------


def test_the_first_build_waits_for_every_source_and_names_the_missing(airflow_db, dagbag, data_dir, caplog) -> None:
    data = settings.paths(data_dir)
    with offline():
        assert ingest_source("rki_inzidenz", data=data).status == "loaded"

    run = dagbag.dags["build_mart"].test()

    assert run.state == "success"  # skipped, not failed: no retry five minutes later, no failure alert
    assert _states(run) == {"build_candidate": "skipped", "validate_candidate": "skipped",
                            "publish_candidate": "skipped"}
    missing = [s.id for s in REGISTRY.sources if s.id != "rki_inzidenz"]
    n = len(REGISTRY.sources)
    assert f"waiting for the first load of {', '.join(missing)} (1 of {n} sources have raw data)" in caplog.text
    assert "ingest_pegelonline" in caplog.text  # what to trigger
    assert not data.published.exists() and not list(data.build.glob("candidate-*.duckdb"))


def test_a_rest_event_naming_a_present_and_a_missing_file_loads_the_present_one(data_dir) -> None:
    data = settings.paths(data_dir)
    inbox.drop("rki_inzidenz", RKI, data)

    result = ingest_inbox_files("rki_inzidenz", "asset_triggered__2", [RKI.name, "fehlt.csv"])

    assert [(x["file"], x["status"]) for x in result["loads"]] == [(RKI.name, "loaded")]
    assert result["rejected"] == {"fehlt.csv": "does not exist in inbox/rki_inzidenz/ (named by the asset event: "
                                                "not uploaded yet, or taken by an earlier run)"}


def test_every_dbt_result_line_names_its_node_also_with_a_long_name() -> None:
    from regiohub.build.dbt_progress import node_line

    long = "33 of 60 OK created python table model intermediate.int_transit_stops__located . [OK in 2.56s]"
    assert node_line(f"21:57:51  {long}") == "dbt 33/60 OK int_transit_stops__located"
    short = "21:57:51  12 of 96 OK created sql view model staging.stg_x ................ [OK in 0.1s]"
    assert node_line(short) == "dbt 12/96 OK stg_x"
    assert node_line("21:57:51  4 of 150 FAIL 3 unique_x . [FAIL 3 in 0.1s]") == "dbt 4/150 FAIL unique_x"
    assert node_line("21:57:51  Finished running 60 table models") is None
