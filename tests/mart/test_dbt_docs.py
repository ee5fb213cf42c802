"""`dbt docs generate` builds the documentation site from the project and a built mart."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from regiohub.build.transform import export_registry, run_dbt
from regiohub.core import settings
from regiohub.registry.model import load_registry

SDC_TEST = (
    "unit_test.regiohub.int_indicator_values__disclosure_controlled"
    ".suppressed_cells_with_their_secondary_suppression"
)


def test_dbt_docs_generate_builds_the_site_with_german_descriptions(published_copy: Path):
    data = settings.paths(published_copy)
    export_registry(load_registry(), data)  # partners, sources and targets as dbt reads them
    target = data.build / "docs.duckdb"
    shutil.copy(data.published, target)  # a built mart to read the catalogue from; the published file stays
    run_dbt(["docs", "generate"], data, target)
    site = data.build / "dbt_target"
    catalog = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    assert (site / "index.html").is_file()
    assert "model.regiohub.fct_indicator_value" in catalog["nodes"]
    node = manifest["nodes"]["model.regiohub.fct_indicator_value"]
    assert node["description"].startswith("Gemeinsame Indikatorentabelle")
    assert node["contract"]["enforced"] is True
    assert SDC_TEST in manifest["unit_tests"]
