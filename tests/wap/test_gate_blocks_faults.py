"""Each fault injected into a built candidate is caught by the gate; the published mart stays byte-identical."""

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from regiohub.core import settings
from regiohub.core.errors import GateError
from regiohub.core.ids import new_run_id
from regiohub.ops.pipeline import audit_and_publish, recent_runs, record_run
from regiohub.store.runs import RunReport

FAULTS = {
    "duplicate key": (
        "insert into fct_indicator_value select * from fct_indicator_value "
        "where indicator_id = 'bevoelkerung' limit 1",
        "fct_indicator_value.(region_ars, indicator_id, period_start): expect_compound_columns_to_be_unique",
    ),
    "unit change (m instead of cm)": (
        "update fct_indicator_value set value = value / 100, unit = 'm' where indicator_id like 'wasserstand%'",
        "indicator_value_shift.median_ratio: expect_column_values_to_be_between",
    ),
    "implausible value": (
        "update fct_indicator_value set value = 250000 "
        "where indicator_id = 'inzidenz_7_tage' and region_ars = '120540000000' and period = '2026-11-15'",
        "fct_indicator_value.value [where indicator_id == inzidenz_7_tage]: expect_column_values_to_be_between",
    ),
    "missing period": (
        "delete from fct_indicator_value where indicator_id = 'inzidenz_7_tage' and region_ars = '120690000000' "
        "and period = '2026-10-01'",
        "indicator_period_gaps.missing_periods: expect_column_values_to_be_between",
    ),
    "sudden drop of half the rows": (
        "delete from fct_indicator_value where hash(region_ars || indicator_id || period) % 2 = 0",
        "mart_row_counts.ratio: expect_column_values_to_be_between",
    ),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("fault", list(FAULTS))
def test_the_gate_blocks_the_fault_and_names_the_expectation(fault, candidate, published_copy):
    data = settings.paths(published_copy)
    sql, expected_failure = FAULTS[fault]
    with duckdb.connect(str(candidate)) as con:
        con.execute(sql).fetchall()
    before = sha256(data.published)
    report = RunReport(new_run_id(), datetime.now(UTC).isoformat(timespec="seconds"))

    with pytest.raises(GateError) as err:
        audit_and_publish(candidate, data, report)

    assert sha256(data.published) == before
    assert any(f.startswith(expected_failure) for f in report.gate_failures), report.gate_failures
    assert expected_failure.split(":")[0] in str(err.value) or len(report.gate_failures) > 3
    # the failed candidate and the validation results are kept for inspection
    kept = Path(report.candidate)
    assert kept.name.startswith("failed-") and kept.exists()
    results = json.loads(Path(report.validation_results).read_text())
    assert results["success"] is False and any(f.startswith(expected_failure) for f in results["failures"])
    # and the run history says so
    report.outcome = "gate_failed"
    record_run(data, report)
    assert recent_runs(data, limit=1)[0]["gate_failures"] == report.gate_failures


def test_the_unchanged_candidate_passes_the_same_gate(candidate, published_copy):
    data = settings.paths(published_copy)
    report = RunReport(new_run_id(), datetime.now(UTC).isoformat(timespec="seconds"))
    result = audit_and_publish(candidate, data, report)
    assert report.expectations["failed"] == 0 and report.expectations["passed"] > 30
    assert result.snapshot_id != ""
    # the published snapshot passed these suites: a full rebuild with the same rows validates no row again
    scope = json.loads(Path(report.validation_results).read_text())["scope"]
    assert scope["mode"] == "changed"
    assert {"fct_indicator_value", "fct_partner_indicator_value"} <= set(scope["skipped"])


def test_a_source_that_stopped_delivering_is_reported_without_blocking(candidate, published_copy):
    data = settings.paths(published_copy)
    state_file = data.state / "rki_inzidenz.json"
    state = json.loads(state_file.read_text())
    state["last_loaded_at"] = "2026-01-01T00:00:00+00:00"  # daily source, silent for months
    state_file.write_text(json.dumps(state))
    report = RunReport(new_run_id(), datetime.now(UTC).isoformat(timespec="seconds"))

    audit_and_publish(candidate, data, report)

    assert report.snapshot_id
    assert [w for w in report.gate_warnings if w.startswith("source_freshness.overdue")], report.gate_warnings
