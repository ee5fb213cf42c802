"""Re-runs never go back in time, and every good inbox file leads to a build — replayed through real DAG runs.

The sequence of the operators' report: a drop with one good and one HTML file fails; a newer partner
file arrives and is published; the failed run is cleared and re-run. Then a drop whose good file was
loaded before the run failed is re-run. Runs with ``dag.test()``; a re-run is ``dag.test()`` with the
failed run's dates: Airflow clears its task instances and runs the same run id (and claim) again.

Slow by necessity (the issue's "done when"): two full ``build_mart`` runs (dbt, gate, publish) and six
inbox runs in one test; it shares the session's demo data dir, Airflow DB and DAG bag.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from regiohub.core import settings
from regiohub.ingest import inbox
from regiohub.ingest.replay import RECORDINGS_DIR
from regiohub.ops.status import render_status
from regiohub.orchestration.inbox_dag import build_inbox_dag
from regiohub.registry.model import load_registry

REGISTRY = load_registry()
LADE, RKI = "ladesaeulenregister", "rki_inzidenz"
LADESAEULEN = next(RECORDINGS_DIR.glob("data.bundesnetzagentur.de/**/Ladesaeulenregister_BNetzA_*.csv"))
RKI_FILE = next(RECORDINGS_DIR.glob("raw.githubusercontent.com/**/COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"))
HTML = b"<!DOCTYPE html><html><head><title>Wartungsarbeiten</title></head><body>Bitte sp\xc3\xa4ter.</body></html>"


def _register(target: Path, release: str, drop_line: int) -> Path:
    """The recorded register with another release date ("Letzte Aktualisierung vom") and one facility less."""
    lines = LADESAEULEN.read_bytes().splitlines(keepends=True)
    lines[7] = lines[7].replace(b"29.10.2026", release.encode())
    del lines[drop_line]
    target.write_bytes(b"".join(lines))
    return target


def _put(data: settings.Paths, source_id: str, name: str, body: bytes) -> None:
    folder = inbox.inbox_dir(source_id, data)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(body)


def _inbox_dag(source_id: str):
    dag = build_inbox_dag(REGISTRY.source(source_id))
    for task in dag.tasks:
        task.retries = 0  # fail at once: the re-run is what this test replays
    return dag


def _run(dag, when: datetime):
    """Run ``dag`` once at ``when``; the same ``when`` again clears and re-runs that run (same run id)."""
    return dag.test(logical_date=when, run_after=when)


def _states(run) -> dict[str, str]:
    return {ti.task_id: ti.state for ti in run.get_task_instances()}


def _xcom(run, task_id: str = "ingest_inbox") -> dict:
    [ti] = [ti for ti in run.get_task_instances() if ti.task_id == task_id]
    return ti.xcom_pull(task_ids=task_id)


def _published(data: settings.Paths) -> tuple[dict[str, str], set[str]]:
    """Per source the load the published snapshot was built from; the loads the charging facts come from."""
    with duckdb.connect(str(data.published), read_only=True) as con:
        loads = dict(con.execute("select source_id, load_id from meta_loads").fetchall())
        facts = {r[0] for r in con.execute("select distinct source_load_id from fct_charging_facility").fetchall()}
    return loads, facts


def test_a_rerun_keeps_the_newest_data_and_every_good_file_is_built(
    airflow_db, dagbag, published_copy, tmp_path, monkeypatch
) -> None:
    from test_dag_runs import _asset_events, _queued_for

    data = settings.paths(published_copy)
    lade, rki, mart = _inbox_dag(LADE), _inbox_dag(RKI), dagbag.dags["build_mart"]
    first_day, second_day, third_day = (datetime(2026, 11, d, 9, tzinfo=UTC) for d in (2, 3, 4))
    _queued_for("build_mart", clear=True)

    # 1. A drop of the October register and an HTML page fails (the disk fills up once the files are claimed).
    _put(data, LADE, "Ladesaeulenregister_Oktober.csv", _register(tmp_path / "okt.csv", "05.11.2026", -2).read_bytes())
    _put(data, LADE, "Ladesaeulenregister_Seite.csv", HTML)
    monkeypatch.setenv("REGIOHUB_FAIL_AT", "inbox:claimed")
    failed = _run(lade, first_day)
    monkeypatch.delenv("REGIOHUB_FAIL_AT")
    assert failed.state == "failed" and _states(failed)["ingest_inbox"] == "failed"

    # 2. The November register arrives and is published.
    _put(data, LADE, "Ladesaeulenregister_November.csv", _register(tmp_path / "nov.csv", "20.11.2026", -1).read_bytes())
    newer = _run(lade, second_day)
    [november] = _xcom(newer)["load_ids"]
    assert _queued_for("build_mart", clear=True) == {f"regiohub://raw/{LADE}"}
    assert mart.test().state == "success"
    assert _published(data)[1] == {november}

    # 3. The failed run is cleared and run again: the October file is kept and reported, nothing is emitted.
    rerun = _run(lade, first_day)
    assert rerun.run_id == failed.run_id and rerun.state == "success"
    assert _states(rerun) == {"ingest_inbox": "success", "emit_raw_asset": "skipped"}
    result = _xcom(rerun)
    assert result["superseded"] == {"Ladesaeulenregister_Oktober.csv": november}
    [october] = [x["load_id"] for x in result["loads"]]
    assert october > november and "not published over the newer data" in result["loads"][0]["notes"][-1]
    assert "Ladesaeulenregister_Seite.csv" in result["rejected"]
    assert _asset_events(f"regiohub://raw/{LADE}", rerun) == [] and _queued_for("build_mart") == set()
    assert f"{LADE}: load {october} (older than load {november}: version 2026-11-05 < 2026-11-20)" in render_status(
        data)

    # 4. An RKI drop (a good file and an HTML page) fails after the good file was loaded …
    _put(data, RKI, RKI_FILE.name, b"".join(RKI_FILE.read_bytes().splitlines(keepends=True)[:1] +
                                            RKI_FILE.read_bytes().splitlines(keepends=True)[2:]))
    _put(data, RKI, "Wartung.csv", HTML)
    monkeypatch.setenv("REGIOHUB_FAIL_AT", "inbox:ingested")
    broken = _run(rki, third_day)
    monkeypatch.delenv("REGIOHUB_FAIL_AT")
    assert broken.state == "failed" and _asset_events(f"regiohub://raw/{RKI}", broken) == []
    [good] = sorted(p.stem for p in (data.raw / RKI).glob("*/*.parquet") if p.stem > november)
    # … and its re-run announces that load once (the file itself is now "unchanged").
    retried = _run(rki, third_day)
    assert retried.state == "success" and _states(retried)["emit_raw_asset"] == "success"
    assert [x["status"] for x in _xcom(retried)["loads"]] == ["unchanged"] and "Wartung.csv" in _xcom(retried)[
        "rejected"]
    [event] = _asset_events(f"regiohub://raw/{RKI}", retried)  # the one event for that file
    assert event["load_ids"] == [good]
    assert _queued_for("build_mart", clear=True) == {f"regiohub://raw/{RKI}"}

    # 5. The build that follows publishes the good RKI file and keeps the November register.
    assert mart.test().state == "success"
    loads, facts = _published(data)
    assert loads[RKI] == good and loads[LADE] == november and facts == {november}
