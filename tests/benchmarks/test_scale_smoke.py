"""End to end: the scale benchmark's harness at a small fraction of the base (1x/200).

Slow by nature: about 20 child processes, two dbt builds and two gates — the cost is dbt and the
gate, not the data. It is the CI smoke test of ``make benchmark-scale``, so the benchmark cannot rot.
The 1x base itself is measured by the benchmark.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.scale.harness import MART_PHASES, Scale, table  # noqa: E402

FRACTION = 1 / 200


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return Scale(1, FRACTION, seed=11, workdir=tmp_path_factory.mktemp("scale"), progress=lambda _: None).run()


def _load_id(row: dict) -> str:
    return re.search(r"\(load (\S+)\)", row["output"]).group(1)


def test_every_phase_runs_and_is_measured(result):
    sources = list(json.loads((Path(result["inputs_dir"]) / "manifest.json").read_text())["inputs"])
    assert len(sources) == 10  # every registered source
    assert result["all_ok"], [(r["phase"], r["output"]) for r in result["phases"] if not r["ok"]]
    full = [r["phase"] for r in result["phases"] if r["step"] == "full"]
    assert full == [f"ingest {s}" for s in sources] + list(MART_PHASES)
    changed = [r["phase"] for r in result["phases"] if r["step"] == "changed"]
    assert changed == ["ingest rki_inzidenz", *MART_PHASES]
    poll = [r for r in result["phases"] if r["step"] == "poll"]
    assert [r["phase"] for r in poll] == ["ingest pegelonline", *MART_PHASES]
    assert "measurements=40 " in poll[0]["output"]  # one new reading per gauge, nothing already in raw
    for r in result["phases"]:
        assert r["wall_s"] > 0 and r["peak_rss_mb"] > 20, r  # a Python child holds at least that
    # ratio to plain DuckDB: for the generated payloads' ingest, for build and gate
    with_baseline = {r["phase"] for r in result["phases"] if r["ratio"] is not None and r["step"] == "full"}
    assert with_baseline == {"ingest pegelonline", "ingest ladesaeulenregister", "ingest rki_inzidenz",
                             "ingest vbb_gtfs", "ingest regionalstatistik_bevoelkerung", "build", "gate"}
    for r in result["phases"]:
        if r["ratio"] is not None:
            assert r["ratio"] == round(r["wall_s"] / r["baseline_s"], 1)
    assert 0 < result["changed_percent_of_full"] and 0 < result["poll_percent_of_full"]
    printed = table(result)
    assert all(phase in printed for phase in (*MART_PHASES, "ingest vbb_gtfs", "% of full", "PEGELONLINE poll"))


def test_published_mart_holds_the_generated_values(result):
    inputs, data = Path(result["inputs_dir"]), Path(result["data_dir"])
    manifest = json.loads((inputs / "manifest.json").read_text())
    gauge = manifest["gauges"][-1]  # a generated gauge, not one of the six real ones
    readings = json.loads((inputs / "pegelonline" / "stations" / gauge["uuid"] / "W" / "measurements.json").read_text())
    day = readings[len(readings) // 2]["timestamp"][:10]  # timestamps are Europe/Berlin local time
    values = [r["value"] for r in readings if r["timestamp"][:10] == day]
    with duckdb.connect(str(data / "published" / "regiohub.duckdb"), read_only=True) as con:
        row = con.execute(
            "select mean_cm, min_cm, max_cm, n_values from fct_water_level_daily "
            "where gauge_number = ? and day = cast(? as date)", [gauge["number"], day]).fetchone()
        rki_built = con.execute("select load_id from meta_loads where source_id = 'rki_inzidenz'").fetchall()
    assert row[1:] == (min(values), max(values), len(values))
    assert abs(row[0] - sum(values) / len(values)) <= 0.05 + 1e-9  # the mart rounds to 0.1 cm
    # the changed source's new release is what the mart was rebuilt from
    rki_rows = [r for r in result["phases"] if r["phase"] == "ingest rki_inzidenz"]
    assert rki_built == [(_load_id(rki_rows[-1]),)] and _load_id(rki_rows[0]) != _load_id(rki_rows[-1])
    # the new poll's reading is published: the day after the series, one reading per gauge
    poll_file = inputs / "pegelonline_poll" / "stations" / gauge["uuid"] / "W" / "measurements.json"
    poll = json.loads(poll_file.read_text())
    with duckdb.connect(str(data / "published" / "regiohub.duckdb"), read_only=True) as con:
        polled = con.execute(
            "select mean_cm, n_values from fct_water_level_daily where gauge_number = ? and day = cast(? as date)",
            [gauge["number"], poll[0]["timestamp"][:10]]).fetchone()
    assert polled == (poll[0]["value"], 1)
