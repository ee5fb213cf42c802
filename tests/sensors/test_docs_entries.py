"""The registry entries docs/sensors.md shows a partner are valid registry entries of known connectors."""

from __future__ import annotations

import re

import yaml

from regiohub.core import settings
from regiohub.ingest.connectors import CONNECTORS
from regiohub.ingest.connectors.sta import plausible_ranges
from regiohub.registry.model import Registry, load_registry


def test_the_documented_sensor_sources_validate() -> None:
    text = (settings.REPO_ROOT / "docs" / "sensors.md").read_text()
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    sources = [s for block in blocks for s in block]
    base = load_registry()
    registry = Registry.model_validate({"cooperation": base.cooperation.model_dump(),
                                        "partners": [p.model_dump() for p in base.partners],
                                        "sources": sources})
    assert {s.connector for s in registry.sources} == {"sta", "mqtt"} <= set(CONNECTORS)
    for source in registry.sources:
        assert plausible_ranges(source.params.get("plausible", ""))
    lorawan = next(s for s in registry.sources if s.connector == "mqtt")
    assert lorawan.streams[0].field == "volumetric_water_content.value"
