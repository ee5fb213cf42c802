"""The event paths end to end on real Airflow (PostgreSQL metadata DB, LocalExecutor) and real Redis.

Order matters only for speed: the tests share one running installation and data dir.
"""

from __future__ import annotations

import hashlib
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from regiohub.ingest import inbox
from regiohub.ingest.replay import RECORDINGS_DIR

LADESAEULEN = next(RECORDINGS_DIR.glob("data.bundesnetzagentur.de/**/Ladesaeulenregister_BNetzA_*.csv"))
RKI = next(RECORDINGS_DIR.glob("raw.githubusercontent.com/**/COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"))
POTSDAM_UUID = "5e10e1e7-9115-4bd7-ad57-e2062f516891"  # gauge 580412


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _without_line(src: Path, dst: Path, line_no: int) -> Path:
    """A copy of a recorded payload without one data row (a real change, still passing the audit gate)."""
    lines = src.read_bytes().splitlines(keepends=True)
    del lines[line_no]
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(b"".join(lines))
    return dst


def _published_run(stack) -> str:
    with duckdb.connect(str(stack.data.published), read_only=True) as con:
        return con.execute("select run_id from meta_snapshot").fetchall()[0][0]


def _build_consuming(stack, source_dag_id: str, source_run_id: str, timeout: float = 300) -> dict[str, Any]:
    """The finished ``build_mart`` run that consumed the raw asset event of the given producing run."""
    def find() -> dict[str, Any] | None:
        for run in stack.api.runs("build_mart"):
            if run["state"] not in ("success", "failed"):
                continue
            events = stack.api.consumed_events("build_mart", run["dag_run_id"])
            if any(e["source_dag_id"] == source_dag_id and e["source_run_id"] == source_run_id for e in events):
                return run
        return None

    return stack.wait_for(find, timeout, f"a build_mart run consuming the event of {source_dag_id}/{source_run_id}")


def _water_level(stack, day: str) -> tuple:
    with duckdb.connect(str(stack.data.published), read_only=True) as con:
        rows = con.execute(
            "select n_values, min_cm, max_cm from fct_water_level_daily where gauge_number = '580412' and day = ?",
            [day],
        ).fetchall()
    return rows[0] if rows else ()


def test_file_drop_ingests_exactly_that_file(airflow_stack, tmp_path) -> None:
    stack, source_id = airflow_stack, "ladesaeulenregister"
    dag_id = f"inbox_{source_id}"
    before = {r["dag_run_id"] for r in stack.api.runs(dag_id)}
    partial = inbox.inbox_dir(source_id, stack.data) / ".still-uploading.csv.part"
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text("not ready")
    dropped = _without_line(LADESAEULEN, tmp_path / "drop" / LADESAEULEN.name, -1)

    inbox.drop(source_id, dropped, stack.data)
    [run] = stack.api.wait_for_runs(dag_id, 1, after=before)

    assert run["state"] == "success", stack.api.task_states(dag_id, run["dag_run_id"])
    assert stack.api.task_states(dag_id, run["dag_run_id"]) == {"ingest_inbox": "success", "emit_raw_asset": "success"}
    result = stack.api.xcom(dag_id, run["dag_run_id"], "ingest_inbox")
    [load] = result["loads"]
    assert (load["file"], load["status"]) == (LADESAEULEN.name, "loaded")
    landing = stack.data.landing / source_id / load["load_id"]
    assert [p.name for p in landing.iterdir()] == [LADESAEULEN.name]  # exactly that file …
    assert _sha(landing / LADESAEULEN.name) == _sha(dropped)  # … byte for byte
    assert not inbox.marker_path(source_id, stack.data).exists()  # the trigger consumed the marker
    assert inbox.ready_files(source_id, stack.data) == [] and partial.exists()  # a partial upload is left alone
    assert list((stack.data.raw / source_id).glob(f"*/{load['load_id']}.parquet"))

    build = _build_consuming(stack, dag_id, run["dag_run_id"])
    assert build["state"] == "success"
    assert stack.api.xcom("build_mart", build["dag_run_id"], "build_candidate", "included_loads")[source_id][
        "newest"] >= load["load_id"]
    log = stack.api.task_log("build_mart", build["dag_run_id"], "build_candidate")
    assert re.search(r"^dbt 1/\d+ OK \w+", log, re.M) and re.search(r"^dbt \d+/\d+ OK fct_indicator_value$", log, re.M)


def test_rest_asset_event_ingests_the_named_file(airflow_stack, tmp_path) -> None:
    stack, source_id = airflow_stack, "rki_inzidenz"
    dag_id = f"inbox_{source_id}"
    before = {r["dag_run_id"] for r in stack.api.runs(dag_id)}
    folder = inbox.inbox_dir(source_id, stack.data)
    target = _without_line(RKI, folder / RKI.name, 1)
    other = folder / "not-announced.csv"
    other.write_bytes(RKI.read_bytes())
    sha = _sha(target)

    event = stack.api.post_asset_event(f"regiohub://inbox/{source_id}", {"file": RKI.name, "sender": "pytest"})
    [run] = stack.api.wait_for_runs(dag_id, 1, after=before)

    assert event["extra"]["file"] == RKI.name
    assert run["state"] == "success"
    [load] = stack.api.xcom(dag_id, run["dag_run_id"], "ingest_inbox")["loads"]
    assert (load["file"], load["status"]) == (RKI.name, "loaded")
    assert _sha(stack.data.landing / source_id / load["load_id"] / RKI.name) == sha
    assert other.exists() and not target.exists()  # only the announced file was taken
    build = _build_consuming(stack, dag_id, run["dag_run_id"])
    assert build["state"] == "success"


def test_missed_wakeup_delays_a_sensor_reading_but_never_loses_it(airflow_stack) -> None:
    from regiohub.ingest import sensor_stream
    stack = airflow_stack
    dag_id = sensor_stream_dag = "ingest_water_level_sensors"
    before = {r["dag_run_id"] for r in stack.api.runs(dag_id)}
    day = "2026-11-10"  # inside the recorded period (no gap for the audit gate), between its 15-minute readings
    before_day = _water_level(stack, day)

    stack.airflow.stop("triggerer")  # e.g. a deploy: nobody listens on the channel
    assert stack.redis.pubsub_numsub(sensor_stream.CHANNEL)[0][1] == 0
    [missed_id] = sensor_stream.publish(
        stack.redis, [{"station_uuid": POTSDAM_UUID, "timestamp": f"{day}T10:05:00+01:00", "value": 301}]
    )
    time.sleep(3)
    assert [r for r in stack.api.runs(dag_id) if r["dag_run_id"] not in before] == []  # the wake-up was lost

    stack.airflow.start("triggerer")
    listeners = lambda: stack.redis.pubsub_numsub(sensor_stream.CHANNEL)[0][1]  # noqa: E731
    stack.wait_for(lambda: listeners() > 0, 120, "the triggerer to subscribe")
    [next_id] = sensor_stream.publish(
        stack.redis, [{"station_uuid": POTSDAM_UUID, "timestamp": f"{day}T10:20:00+01:00", "value": 305}]
    )
    [run] = stack.api.wait_for_runs(sensor_stream_dag, 1, after=before)

    assert run["state"] == "success"
    result = stack.api.xcom(dag_id, run["dag_run_id"], "load_readings")
    assert result["entry_ids"] == [missed_id, next_id] and result["rows"] == 2
    assert stack.redis.xpending(sensor_stream.STREAM, sensor_stream.GROUP)["pending"] == 0
    with duckdb.connect() as con:
        readings = con.execute(
            "select measured_at, value_cm, _load_id from read_parquet(?) order by measured_at", [result["raw_file"]]
        ).fetchall()
    assert [(r[1], r[2]) for r in readings] == [(301.0, result["load_id"]), (305.0, result["load_id"])]

    build = _build_consuming(stack, dag_id, run["dag_run_id"])
    assert build["state"] == "success"
    n_values, min_cm, max_cm = _water_level(stack, day)
    assert n_values == before_day[0] + 2 and min_cm <= 301 and max_cm >= 305


def test_burst_during_a_build_leads_to_exactly_one_follow_up_build(airflow_stack) -> None:
    from regiohub.ingest import sensor_stream
    stack, api = airflow_stack, airflow_stack.api
    stack.wait_for(lambda: not [r for r in api.runs("build_mart") if r["state"] in ("queued", "running")]
             and not api.request("GET", "/dags/build_mart/assets/queuedEvents")["queued_events"], 300,
             "build_mart to be idle")
    before = {r["dag_run_id"] for r in api.runs("build_mart")}
    day = "2026-11-11"
    before_day = _water_level(stack, day)
    sensor_before = {r["dag_run_id"] for r in api.runs("ingest_water_level_sensors")}

    api.post_asset_event("regiohub://raw/zensus2022_bevoelkerung", {"sender": "pytest", "n": 0})
    first = stack.wait_for(lambda: [r for r in api.runs("build_mart") if r["dag_run_id"] not in before
                              and api.task_states("build_mart", r["dag_run_id"]).get("build_candidate") == "running"],
                     120, "the first build to run")[0]
    # The burst: a real sensor load plus REST events on three raw assets, all while the first build runs.
    sensor_stream.publish(
        stack.redis, [{"station_uuid": POTSDAM_UUID, "timestamp": f"{day}T09:05:00+01:00", "value": 303}]
    )
    for n, source_id in enumerate(["rki_inzidenz", "ladesaeulenregister", "zensus2022_bevoelkerung"] * 2, 1):
        api.post_asset_event(f"regiohub://raw/{source_id}", {"sender": "pytest", "n": n})
    [sensor_run] = api.wait_for_runs("ingest_water_level_sensors", 1, after=sensor_before, timeout=120)
    sensor_load = api.xcom("ingest_water_level_sensors", sensor_run["dag_run_id"], "load_readings")["load_id"]
    still = {r["dag_run_id"]: r["state"] for r in api.runs("build_mart")}
    assert still[first["dag_run_id"]] == "running", "the first build ended before the burst was complete"

    runs = api.wait_for_runs("build_mart", 2, after=before, timeout=400)
    time.sleep(10)  # anything left in the queue would start a third run by now
    runs = [r for r in api.runs("build_mart") if r["dag_run_id"] not in before]

    assert [r["state"] for r in runs] == ["success", "success"], runs
    first, follow_up = runs
    assert datetime.fromisoformat(follow_up["start_date"]) >= datetime.fromisoformat(first["end_date"])  # no overlap
    included = api.xcom("build_mart", follow_up["dag_run_id"], "build_candidate", "included_loads")
    assert included["pegelonline"]["newest"] >= sensor_load  # the sensor reading of the burst is in
    consumed = api.consumed_events("build_mart", follow_up["dag_run_id"])
    assert consumed, "the follow-up build names the events that started it"
    assert _published_run(stack) == follow_up["dag_run_id"]
    assert _water_level(stack, day)[0] == before_day[0] + 1
    assert api.request("GET", "/dags/build_mart/assets/queuedEvents")["queued_events"] == []
