"""A second cooperation, in another Land, from a registry file alone — on the publishers' real national answers.

A Kooperationsraum Halle-Saale in Sachsen-Anhalt (Land 15): the kreisfreie Stadt Halle (Saale), the
Landkreis Saalekreis and the Stadt Merseburg in it. Nothing but the registry file changes: the region
reference is built from the Destatis GV100AD file (``regiohub regions refresh``), the population comes from
the same national answers the Brandenburg cooperation loads (``../shared/data/real/genesis/`` and the
pystatis recordings in ``tests/fixtures/genesis/``), and the mart is built by the same dbt project. The
expected values are read from the answers with plain Python.
"""

from __future__ import annotations

import duckdb
from genesis_payloads import (
    AREA_ALL_2023,
    CENSUS_2022,
    FLAT_2023_CSV,
    GV100AD,
    KREISE_2024_ZIP,
    member,
    values_of,
)
from real_payloads import real

from regiohub.build import transform
from regiohub.build.transform import export_registry, run_dbt
from regiohub.cli import main
from regiohub.core import settings
from regiohub.registry.model import load_registry

HALLE, SAALEKREIS, MERSEBURG = "150020000000", "150880000000", "150880220220"
COOPERATION, LAND = "159990000000", "150000000000"
REGISTRY = """\
cooperation:
  name: Kooperationsraum Halle-Saale
  ars: "159990000000"
  land: "15"

partners:
  - {id: halle, name: Halle (Saale), ars: "150020000000", level: kreisfreie_stadt}
  - {id: saalekreis, name: Landkreis Saalekreis, ars: "150880000000", level: landkreis}
  - {id: merseburg, name: Merseburg, ars: "150880220220", level: gemeinde}

"""


def registry_for_halle(tmp_path, monkeypatch):
    # the agreed targets (registry/targets.yml) name the Smart Region's partners; this cooperation agrees
    # its own — here the same targets without the partner-specific values
    shipped_targets = transform.load_targets()
    monkeypatch.setattr(transform, "load_targets",
                        lambda path=None: [t.model_copy(update={"partners": {}}) for t in shipped_targets])
    shipped = settings.REGISTRY_FILE.read_text(encoding="utf-8")
    sources = shipped[shipped.index("\nsources:\n") + 1:]  # the same sources, the registry's own part replaced
    path = tmp_path / "sources.yml"
    path.write_text(REGISTRY + sources, encoding="utf-8")
    monkeypatch.setattr(settings, "REGISTRY_FILE", path)
    return load_registry(path)


def test_a_cooperation_in_another_land_from_its_registry_file_alone(published_copy, tmp_path, monkeypatch, capsys):
    registry = registry_for_halle(tmp_path, monkeypatch)
    assert registry.cooperation.land == "15"
    assert main(["regions", "refresh", "--from", str(real(GV100AD))]) == 0, capsys.readouterr().err
    for source, path in [("zensus2022_bevoelkerung", CENSUS_2022),
                         ("regionalstatistik_bevoelkerung", real(FLAT_2023_CSV)),
                         ("regionalstatistik_bevoelkerung", AREA_ALL_2023),
                         ("regionalstatistik_bevoelkerung", real(KREISE_2024_ZIP))]:
        assert main(["ingest", source, "--from", str(path)]) == 0, capsys.readouterr().err
    data = settings.paths(published_copy)
    export_registry(registry, data)
    candidate = data.build / "candidate-halle.duckdb"
    run_dbt(["build", "--select", "+fct_indicator_value", "+dim_region", "--indirect-selection", "cautious"],
            data, candidate)

    census = values_of(member(CENSUS_2022))
    revised = values_of(member(AREA_ALL_2023))
    y2024 = values_of(member(real(KREISE_2024_ZIP)))
    kreise_2024 = {k: v for k, v in y2024.items() if k.startswith("15") and len(k) == 5}
    with duckdb.connect(str(candidate), read_only=True) as con:
        regions = con.execute("select ars, name, level, is_partner from dim_region where valid_to is null").fetchall()

        def value(indicator: str, period: str, region: str) -> tuple:
            return con.execute(
                "select value, basis, is_sample from fct_indicator_value where indicator_id = ? and period = ? "
                "and region_ars = ?", [indicator, period, region]).fetchone()

        # the regions: Sachsen-Anhalt's, none of Brandenburg's
        assert (LAND, "Sachsen-Anhalt", "land", False) in regions
        assert (COOPERATION, "Kooperationsraum Halle-Saale", "kooperationsraum", False) in regions
        assert sum(r[2] == "kreis" for r in regions) == 14 and not any(r[0].startswith("12") for r in regions)
        assert {r[0] for r in regions if r[3]} == {HALLE, SAALEKREIS, MERSEBURG}
        # 31.12.2024: the Kreise as published, the Land as the sum of its 14 Kreise (the answer has no Land row)
        assert value("bevoelkerung_jahresende", "2024-12-31", HALLE) == (y2024["15002"], "amtlich", False)
        assert value("bevoelkerung_jahresende", "2024-12-31", SAALEKREIS)[0] == y2024["15088"]
        assert len(kreise_2024) == 14
        assert value("bevoelkerung_jahresende", "2024-12-31", LAND) == (
            sum(kreise_2024.values()), "Summe der Kreise", False)
        assert value("bevoelkerung_jahresende", "2024-12-31", COOPERATION)[0] == y2024["15002"] + y2024["15088"]
        # 31.12.2023: the revised answer (11 Jun 2025) wins over the older flat one, Land row as published
        assert value("bevoelkerung_jahresende", "2023-12-31", LAND) == (revised["15"], "amtlich", False)
        assert value("bevoelkerung_jahresende", "2023-12-31", HALLE)[0] == revised["15002"]
        # census 2022: every Gemeinde of the Land known to the reference, so the sums are published
        land_census = sum(v for k, v in census.items() if k.startswith("15"))
        assert value("bevoelkerung", "2022-05-15", LAND) == (land_census, "Summe der Gemeinden", False)
        assert value("bevoelkerung", "2022-05-15", SAALEKREIS)[0] == sum(
            v for k, v in census.items() if k.startswith("15088"))
        assert value("bevoelkerung", "2022-05-15", MERSEBURG)[0] == census[MERSEBURG]
        share = value("bevoelkerungsanteil_land", "2022-05-15", HALLE)
        assert share[0] == round(census[HALLE] / land_census * 100, 2)
