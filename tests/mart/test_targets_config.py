"""registry/targets.yml: validated on load, exported with partner overrides as rows dbt reads."""

from __future__ import annotations

import pytest

from regiohub.core.errors import PipelineError
from regiohub.registry.model import load_registry
from regiohub.registry.targets import load_targets, target_rows


def test_the_shipped_targets_load_and_name_catalogue_indicators():
    import csv

    from regiohub.core import settings

    catalogue = settings.REPO_ROOT / "dbt_project" / "seeds" / "indicator_catalogue.csv"
    with catalogue.open(encoding="utf-8") as fh:
        known = {row["indicator_id"] for row in csv.DictReader(fh)}
    targets = load_targets()
    assert targets and {t.indicator_id for t in targets} <= known


def test_partner_overrides_become_their_own_rows():
    rows = target_rows(load_targets(), load_registry())
    charging = [r for r in rows if r["indicator_id"] == "ladepunkte_je_10000_ew"]
    assert {(r["partner_id"], r["target_value"]) for r in charging} == {(None, 20), ("potsdam", 25)}


def test_an_unknown_partner_or_comparison_is_rejected(tmp_path):
    bad = tmp_path / "targets.yml"
    bad.write_text("targets:\n  - {indicator_id: x, comparison: about, target_value: 1}\n", encoding="utf-8")
    with pytest.raises(PipelineError, match="comparison"):
        load_targets(bad)
    bad.write_text(
        "targets:\n  - {indicator_id: x, comparison: at_least, target_value: 1, partners: {atlantis: 2}}\n",
        encoding="utf-8",
    )
    with pytest.raises(PipelineError, match="atlantis"):
        target_rows(load_targets(bad), load_registry())
