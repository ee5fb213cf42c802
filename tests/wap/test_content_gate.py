"""The gate guards content: a series that disappears is blocked by name, also on a first publish."""

import json
import shutil

import duckdb
import pytest

from regiohub.audit import validate_candidate
from regiohub.audit.content import CHECKS, content_findings
from regiohub.core import settings

REMOVE_SERIES = [
    "delete from fct_indicator_value where indicator_id = 'haltestellen' and region_ars = '120540000000'",
    "delete from fct_partner_indicator_value where indicator_id = 'haltestellen' and partner_id = 'potsdam'",
]


def remove_series(candidate) -> None:
    with duckdb.connect(str(candidate)) as con:
        for sql in REMOVE_SERIES:
            con.execute(sql)


def test_the_built_candidate_passes_every_content_check(candidate, published_copy):
    assert content_findings(candidate, settings.paths(published_copy).published) == []
    assert content_findings(candidate, None) == []


def test_a_removed_series_is_named_against_the_published_snapshot(candidate, published_copy):
    remove_series(candidate)
    findings = content_findings(candidate, settings.paths(published_copy).published)
    kept = [f for f in findings if f.check == "series_kept"]
    assert len(kept) == 1 and kept[0].indicator_id == "haltestellen"
    assert "Potsdam (120540000000)" in kept[0].detail and kept[0].sources == ["vbb_gtfs"]


def test_a_removed_series_blocks_a_first_publish_by_name(candidate, tmp_path):
    first = settings.paths(tmp_path / "fresh").ensure()  # nothing published yet
    for part in ("raw", "state"):
        shutil.copytree(candidate.parents[1] / part, first.data_dir / part, dirs_exist_ok=True)
    moved = first.build / candidate.name
    shutil.copy(candidate, moved)
    remove_series(moved)

    report = validate_candidate(moved, first)

    assert not report.success
    coverage = [f for f in report.failures if f.startswith("catalogue_coverage: haltestellen")]
    assert coverage and "Potsdam" in coverage[0], report.failures
    results = json.loads(report.results_path.read_text())
    assert {c["check"] for c in results["content_checks"]} == set(CHECKS)
    assert not next(c for c in results["content_checks"] if c["check"] == "catalogue_coverage")["success"]
    assert not first.published.exists()


@pytest.mark.parametrize("value", ["'inf'::double", "'nan'::double"])
def test_non_finite_values_are_named(candidate, value):
    with duckdb.connect(str(candidate)) as con:
        con.execute(f"update fct_indicator_value set value = {value} where indicator_id = 'hitzetage'")
    findings = content_findings(candidate, None)
    assert [f.indicator_id for f in findings if f.check == "values_finite"] == ["hitzetage"]
