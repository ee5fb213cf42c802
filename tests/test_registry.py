import json
from pathlib import Path

import pytest
import yaml

from regiohub.core import settings
from regiohub.ingest.connectors import check_registry
from regiohub.registry.model import RegistryError, load_registry

GEO_PARTNER_ARS = {  # reference/geo/README.md, "Partner units of the Regio.hub cooperation"
    "120540000000", "120510000000", "120630000000", "120690000000", "120720000000",
    "120720232232", "120720240240", "120690020020", "120690665665",
}


def test_shipped_registry_has_the_nine_partners_and_one_source_per_domain():
    registry = load_registry()
    assert {p.ars for p in registry.partners} == GEO_PARTNER_ARS
    assert {s.domain for s in registry.sources} == {"water", "population", "mobility", "health"}
    for s in registry.sources:
        assert s.attribution and s.licence and s.publisher


def test_partner_keys_exist_in_the_shipped_boundaries():
    keys = set()
    for name in ("brandenburg_gemeinden", "brandenburg_kreise"):
        doc = json.loads((settings.GEO_DIR / f"{name}.geojson").read_text(encoding="utf-8"))
        keys |= {f["properties"]["ARS"].ljust(12, "0") for f in doc["features"]}
    assert GEO_PARTNER_ARS <= keys


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(settings.REGISTRY_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "sources.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["partners"][0].update(ars="1205400"), "partners[potsdam].ars"),
        (lambda d: d["sources"][0].update(connector="ftp_magic"), "unknown connector 'ftp_magic'"),
        (lambda d: d["sources"][1].pop("licence"), "sources[zensus2022_bevoelkerung].licence: Field required"),
        (lambda d: d["sources"].append(dict(d["sources"][0])), "duplicate source id 'pegelonline'"),
        (lambda d: d["sources"][2].update(domain="energy"), "sources[ladesaeulenregister].domain"),
    ],
)
def test_invalid_registry_is_rejected_with_a_message_naming_the_entry(tmp_path, mutate, message):
    with pytest.raises(RegistryError) as err:
        check_registry(load_registry(_write(tmp_path, mutate)))
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_source_lists_the_known_ones():
    with pytest.raises(RegistryError, match="unknown source 'nope'.*pegelonline"):
        load_registry().source("nope")
