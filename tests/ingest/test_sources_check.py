"""`regiohub sources check`: the registry is validated and every source is probed offline."""

from __future__ import annotations

from regiohub.cli import main
from regiohub.core import settings
from regiohub.ops.sources_check import check_sources
from regiohub.registry.model import load_registry

BROKEN = """
  - id: kaputt_ohne_aufnahme
    name: Quelle ohne Aufzeichnung
    domain: health
    connector: rki_incidence
    url: https://example.org/daten.csv
    schedule: "@daily"
    publisher: Niemand
    licence: CC BY 4.0
    licence_url: https://creativecommons.org/licenses/by/4.0/
    attribution: Niemand
  - id: kaputt_mit_token
    name: Quelle mit Zugangsdaten im Registry
    domain: population
    connector: regionalstatistik_ffcsv
    url: https://www.regionalstatistik.de/genesisws/rest/2020/data/tablefile
    params: {table: 12411-01-01-5, token: abc}
    schedule: "@monthly"
    publisher: Statistische Ämter
    licence: dl-de/by-2-0
    licence_url: https://www.govdata.de/dl-de/by-2-0
    attribution: Statistische Ämter
"""


def test_every_registered_source_loads_from_its_recording(data_dir, capsys):
    assert main(["sources", "check"]) == 0
    out = capsys.readouterr().out
    for source in load_registry().sources:
        assert f"ok  {source.id}" in out
    assert not (data_dir / "raw").exists()  # probes load into a temporary data dir


def test_problems_are_named_per_source(tmp_path, capsys):
    registry_file = tmp_path / "sources.yml"
    registry_file.write_text(settings.REGISTRY_FILE.read_text(encoding="utf-8") + BROKEN, encoding="utf-8")
    assert check_sources(load_registry(registry_file)) == 1
    out = capsys.readouterr().out
    assert "ERR kaputt_ohne_aufnahme" in out and "no recorded sample under samples/http/example.org/" in out
    assert "ERR kaputt_mit_token" in out and "credentials_env must name the environment variable" in out
    assert "params must not hold credentials" in out
    assert "ok  rki_inzidenz" in out
