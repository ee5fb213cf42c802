"""The gate reads each table in bounded batches; GX's results are those of one frame holding every row."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from regiohub.audit import ValidationReport, validate_candidate
from regiohub.audit.batches import BATCH_ENV, Rows
from regiohub.core.settings import paths

FAULTS = [  # test-owned SQL: a duplicate key far from its original, values out of range, a null, a pair out of order
    "INSERT INTO fct_indicator_value SELECT * FROM fct_indicator_value WHERE indicator_id = 'inzidenz_7_tage' "
    "AND region_ars = '120540000000' AND period_start = '2026-11-14'",
    "UPDATE fct_indicator_value SET value = -5 WHERE indicator_id = 'inzidenz_7_tage'",
    "UPDATE fct_water_level_daily SET mean_cm = NULL WHERE day = (SELECT max(day) FROM fct_water_level_daily)",
    "UPDATE fct_water_level_daily SET min_cm = max_cm + 1 WHERE day = (SELECT min(day) FROM fct_water_level_daily)",
]


def _results(report: ValidationReport) -> dict[tuple[str, str, str], tuple[bool, str]]:
    """Per expectation (suite, type, arguments): success and the result as stored."""
    doc = json.loads(report.results_path.read_text(encoding="utf-8"))
    out = {}
    for checkpoint in doc["checkpoints"]:
        for validation in checkpoint["validation_results"]:
            for r in validation["results"]:
                kwargs = {k: v for k, v in r["expectation_config"]["kwargs"].items() if k != "batch_id"}
                key = (validation["suite_name"], r["expectation_config"]["type"], json.dumps(kwargs, sort_keys=True))
                out[key] = (r["success"], json.dumps(r["result"], sort_keys=True, default=str))
    return out


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory, candidate_builder: Callable[[Path], Path]) -> Path:
    candidate = candidate_builder(tmp_path_factory.mktemp("faulty") / "candidate.duckdb")
    with duckdb.connect(str(candidate)) as con:
        for sql in FAULTS:
            con.execute(sql)
    return candidate


def test_batches_give_the_results_of_one_frame(
    faulty: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = validate_candidate(faulty, paths(tmp_path / "whole").ensure())
    monkeypatch.setenv(BATCH_ENV, "3")  # every mart table in many batches
    batched = validate_candidate(faulty, paths(tmp_path / "batched").ensure())
    assert batched.failures == whole.failures
    assert _results(batched) == _results(whole)
    failed = {(k[0], k[1]) for k, (ok, _) in _results(batched).items() if not ok}
    assert {("fct_indicator_value", "expect_compound_columns_to_be_unique"),
            ("fct_indicator_value", "expect_column_values_to_be_between"),
            ("fct_water_level_daily", "expect_column_values_to_not_be_null"),
            ("fct_water_level_daily", "expect_column_pair_values_a_to_be_greater_than_b")} <= failed
    [duplicate] = [f for f in batched.failures if "expect_compound_columns_to_be_unique" in f]
    assert "2 unexpected rows of " in duplicate and "120540000000" in duplicate
    stored = json.loads(batched.results_path.read_text(encoding="utf-8"))
    assert [c["checkpoint"] for c in stored["checkpoints"]] == ["audit"]  # one Checkpoint over every suite


def _table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create table t as select i, i % 4 as k, case when i = 5 then null else i end as v "
                "from range(10) r(i)")


@pytest.mark.parametrize("arrow", [False, True])
def test_rows_are_read_in_bounded_batches_in_table_order(tmp_path: Path, arrow: bool) -> None:
    with duckdb.connect() as con:
        _table(con)
        if arrow:
            path = tmp_path / "t.parquet"
            con.execute("copy t to ? (format parquet)", [str(path)])
            rows = Rows(("i", "k", "v"), "read_parquet(?, file_row_number = true) t", (str(path),),
                        order="t.file_row_number", arrow=True)
        else:
            rows = Rows(("i", "k", "v"), "t t", order="t.rowid")
        batches = list(rows.batches(con, 3))
        assert max(len(b) for b in batches) <= 3
        assert pd.concat(batches)["i"].tolist() == list(range(10))
        dups, count = rows.duplicates(con, ["k"], "all_values_are_missing", 4)
        assert count == 10 and dups["i"].tolist() == [0, 1, 2, 3]  # every k repeats; read order; at most 4
        assert dups.index.tolist() == [0, 1, 2, 3]
        assert sorted(rows.distinct(con, "k")["k"].tolist()) == [0, 1, 2, 3]


def test_no_rows_give_one_empty_batch() -> None:
    with duckdb.connect() as con:
        _table(con)
        [batch] = list(Rows(("i",), "t t where false").batches(con, 3))
        assert batch.empty and list(batch.columns) == ["i"]
