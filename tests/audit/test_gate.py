"""The audit gate runs real GX checkpoints over a small contract-conforming candidate mart."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from regiohub.audit import ValidationReport, validate_candidate
from regiohub.audit.gate import _write_results
from regiohub.audit.suites import SuiteError
from regiohub.core import settings
from regiohub.core.errors import GateError
from regiohub.core.settings import Paths, paths

SUITES = settings.GX_DIR / "expectations"
MART_TABLES = {
    "dim_region",
    "dim_indicator",
    "dim_source",
    "fct_indicator_value",
    "fct_partner_indicator_value",
    "fct_water_level_daily",
}


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


@pytest.fixture(scope="module")
def clean_run(
    tmp_path_factory: pytest.TempPathFactory, candidate_builder: Callable[[Path], Path]
) -> tuple[Paths, Path, ValidationReport, str, bool]:
    data = paths(tmp_path_factory.mktemp("clean") / "data").ensure()
    candidate = candidate_builder(data.build / "candidate.duckdb")
    digest = hashlib.sha256(candidate.read_bytes()).hexdigest()
    repo_before = _tree(settings.GX_DIR)
    report = validate_candidate(candidate, data)
    repo_unchanged = _tree(settings.GX_DIR) == repo_before
    return data, candidate, report, digest, repo_unchanged


def _failures_for(report: ValidationReport, prefix: str) -> list[str]:
    return [f for f in report.failures if f.startswith(prefix)]


def test_every_mart_table_has_a_suite() -> None:
    assert MART_TABLES <= {p.stem for p in SUITES.glob("*.json")}


def mart_suites() -> list[Path]:
    """The suites this candidate-only fixture exercises (the raw-source suites need raw data: tests/wap)."""
    return [p for p in SUITES.glob("*.json") if not p.stem.startswith("raw__")]


def test_clean_candidate_passes(clean_run) -> None:
    data, _, report, _, _ = clean_run
    assert report.failures == []
    assert report.success is True
    assert report.docs_path == data.runs / "gx" / "data_docs" / "index.html"
    index = report.docs_path.read_text(encoding="utf-8")
    assert all(f"validations/{p.stem}/" in index for p in mart_suites())


def test_results_json_holds_every_suite_in_full(clean_run) -> None:
    data, candidate, report, _, _ = clean_run
    assert report.results_path.parent == data.runs / "validations"
    stored = json.loads(report.results_path.read_text(encoding="utf-8"))
    assert stored["success"] is True and stored["candidate"] == str(candidate)
    evaluated = {
        v["suite_name"]: v["statistics"]["evaluated_expectations"]
        for c in stored["checkpoints"]
        for v in c["validation_results"]
    }
    in_files = {p.stem: len(json.loads(p.read_text(encoding="utf-8"))["expectations"]) for p in mart_suites()}
    assert evaluated == in_files  # no expectation silently dropped


def test_validation_writes_neither_candidate_nor_repository(clean_run) -> None:
    _, candidate, _, digest, repo_unchanged = clean_run
    assert hashlib.sha256(candidate.read_bytes()).hexdigest() == digest
    assert repo_unchanged


def test_duplicate_key_fails_naming_table_and_expectation(make_candidate: Callable[..., Path], data: Paths) -> None:
    candidate = make_candidate(
        "INSERT INTO fct_indicator_value SELECT * FROM fct_indicator_value "
        "WHERE indicator_id = 'inzidenz_7_tage' AND region_ars = ? AND period_start = ?",
        ["120540000000", "2026-11-14"],
    )
    report = validate_candidate(candidate, data)
    assert not report.success
    [failure] = _failures_for(report, "fct_indicator_value.(region_ars, indicator_id, period_start)")
    assert "expect_compound_columns_to_be_unique" in failure
    assert "120540000000" in failure
    stored = json.loads(report.results_path.read_text(encoding="utf-8"))
    assert stored["success"] is False and failure in stored["failures"]


@pytest.mark.parametrize(
    ("indicator", "value", "detail", "source"),
    [
        ("inzidenz_7_tage", -5.0, "1 unexpected value of 10: -5 (expected 0…10000)", "rki_inzidenz"),
        ("wasserstand_tagesmittel", 99999.0, "1 unexpected value of 18: 99999 (expected 0…1500)", "pegelonline"),
    ],
)
def test_implausible_value_fails(
    make_candidate: Callable[..., Path], data: Paths, indicator: str, value: float, detail: str, source: str
) -> None:
    candidate = make_candidate(
        "UPDATE fct_indicator_value SET value = ? WHERE indicator_id = ? AND region_ars = ? AND period_start = ?",
        [value, indicator, "120540000000", "2026-11-14"],
    )
    report = validate_candidate(candidate, data)
    assert not report.success
    [failure] = _failures_for(report, f"fct_indicator_value.value [where indicator_id == {indicator}]")
    row = f"120540000000/{indicator}/2026-11-14T00:00:00/{source}"  # the failing row by its key and source
    assert failure.endswith(f": expect_column_values_to_be_between — {detail} in rows "
                            f"[region_ars/indicator_id/period_start/source_id] {row}")
    # traced to the source the failing row names (isolation holds that source back)
    [traced] = [t for t in report.traced if t["model"].endswith(f"[where indicator_id == {indicator}]")]
    assert traced["sources"] == [source] and traced["check"] == "gate expect_column_values_to_be_between"


def test_unknown_region_fails(make_candidate: Callable[..., Path], data: Paths) -> None:
    candidate = make_candidate(
        "UPDATE fct_indicator_value SET region_ars = ? WHERE indicator_id = 'bevoelkerung' AND region_ars = ?",
        ["129999999999", "120720169169"],
    )
    report = validate_candidate(candidate, data)
    assert not report.success
    [failure] = _failures_for(report, "fct_indicator_value.region_ars:")
    assert "expect_column_values_to_be_in_set" in failure and "129999999999" in failure


def test_partner_without_a_domain_fails(make_candidate: Callable[..., Path], data: Paths) -> None:
    candidate = make_candidate(
        "DELETE FROM fct_partner_indicator_value WHERE partner_id = ? AND indicator_id IN (?, ?)",
        ["luckenwalde", "inzidenz_7_tage", "faelle_7_tage"],
    )
    report = validate_candidate(candidate, data)
    gx = [f for f in report.failures if not f.startswith("catalogue_coverage:")]
    assert gx == [
        "fct_partner_indicator_value_coverage.partner_domain: expect_column_distinct_values_to_contain_set"
        " — missing 1: luckenwalde/health"
    ]
    # the content check names each indicator the partner lost
    coverage = sorted(f.split(" — ")[0] for f in report.failures if f.startswith("catalogue_coverage:"))
    assert coverage == ["catalogue_coverage: faelle_7_tage", "catalogue_coverage: inzidenz_7_tage"]
    assert all("Luckenwalde" in f for f in report.failures if f.startswith("catalogue_coverage:"))


def test_lost_partner_fails(make_candidate: Callable[..., Path], data: Paths) -> None:
    candidate = make_candidate(
        "UPDATE dim_region SET is_partner = false, partner_id = NULL, partner_name = NULL WHERE ars = ?",
        ["120690665665"],
    )
    report = validate_candidate(candidate, data)
    kinds = {f.split(": ", 1)[1].split(" — ")[0] for f in _failures_for(report, "dim_region.")}
    assert kinds == {"expect_column_sum_to_be_between", "expect_column_distinct_values_to_equal_set"}
    assert any("missing 1: wiesenburg_mark" in f for f in report.failures)


def test_missing_table_fails(make_candidate: Callable[..., Path], data: Paths) -> None:
    report = validate_candidate(make_candidate("DROP TABLE fct_water_level_daily"), data)
    assert not report.success
    assert [f for f in report.failures if "fct_water_level_daily" in f] == [
        "fct_water_level_daily: table missing from the candidate (or a table it is derived from)"
    ]


def test_missing_column_fails_without_crashing(make_candidate: Callable[..., Path], data: Paths) -> None:
    report = validate_candidate(make_candidate("ALTER TABLE fct_water_level_daily DROP COLUMN n_values"), data)
    assert sorted(report.failures) == [
        "fct_water_level_daily.n_values: expect_column_values_to_be_between — could not be evaluated: "
        'Error: The column "n_values" in BatchData does not exist.',
        "fct_water_level_daily: expect_table_columns_to_match_set — missing columns: n_values",
    ]


def test_missing_candidate_is_a_gate_error(data: Paths) -> None:
    with pytest.raises(GateError, match="candidate mart not found"):
        validate_candidate(data.build / "nope.duckdb", data)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('"expect_column_values_to_be_unique"', '"expect_column_values_to_be_uniqe"', "to_be_uniqe"),
        ('"$PARAMETER": "region_ars"', '"$PARAMETER": "regions"', "unknown $PARAMETER regions"),
    ],
)
def test_invalid_suite_is_rejected_not_skipped(
    make_candidate: Callable[..., Path], data: Paths, tmp_path: Path, old: str, new: str, problem: str
) -> None:
    suites = tmp_path / "suites"
    shutil.copytree(SUITES, suites)
    path = suites / "dim_region.json"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SuiteError, match="dim_region.json") as err:
        validate_candidate(make_candidate(), data, suites_dir=suites)
    assert problem in str(err.value)


def test_results_are_never_overwritten(tmp_path: Path) -> None:
    started = datetime(2026, 11, 14, 6, 0, tzinfo=UTC)
    first = _write_results(tmp_path, started, {"n": 1})
    second = _write_results(tmp_path, started, {"n": 2})
    assert (first.name, second.name) == ("20261114T060000Z.json", "20261114T060000Z-2.json")
    assert json.loads(first.read_text())["n"] == 1


def test_a_period_gap_is_traced_through_its_indicator_to_the_source(
    make_candidate: Callable[..., Path], data: Paths
) -> None:
    candidate = make_candidate(
        "INSERT INTO fct_indicator_value SELECT * REPLACE (DATE '0001-01-01' AS period_start, "
        "DATE '0001-01-01' AS period_end, '0001-01-01' AS period) FROM fct_indicator_value "
        "WHERE indicator_id = 'wasserstand_tagesmittel' AND period_start = '2026-11-14'"
    )
    report = validate_candidate(candidate, data)
    [gap] = [t for t in report.traced if t["model"].startswith("indicator_period_gaps")]
    assert gap["sources"] == ["pegelonline"]
    assert "wasserstand_tagesmittel @ " in gap["rows"]  # the failing series, as the example row
    stored = json.loads(report.results_path.read_text())
    assert stored["traced"] == report.traced


def test_expectations_whose_condition_selects_no_changed_row_are_not_run() -> None:
    import pandas as pd

    from regiohub.audit.suites import applicable, load_suites

    names = ["region_ars", "indicator_ids", "source_ids", "partner_ids", "partner_count", "partner_domains"]
    [suite] = [s for s in load_suites(SUITES, names) if s.name == "fct_indicator_value"]
    changed = pd.DataFrame({"indicator_id": ["inzidenz_7_tage", "inzidenz_7_tage"], "value": [1.0, 2.0]})
    kept, dropped = applicable(suite, changed)
    conditions = [(e["kwargs"].get("row_condition") or {}).get("parameter")
                  for e in json.loads((SUITES / "fct_indicator_value.json").read_text())["expectations"]]
    assert dropped == sum(1 for c in conditions if c not in (None, "inzidenz_7_tage")) > 40
    assert len(kept.expectations) == conditions.count(None) + conditions.count("inzidenz_7_tage")
    assert applicable(suite, pd.DataFrame({"value": [1.0]}))[1] == 0  # no such column: GX decides
