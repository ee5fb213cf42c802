"""One home for load provenance: for a published value, the read API's lineage, the Datenkatalog's „Herkunft eines
Werts“ and the DCAT catalogue name the same loads with the same origins and SHA-256 — all read from ``dim_load``."""

from __future__ import annotations

import re
from pathlib import Path

from dash_helpers import all_tables, mart_rows, open_app
from fastapi.testclient import TestClient
from publish_helpers import publish_changed
from rdflib import URIRef
from rdflib import namespace as ns

from regiohub.api.app import create_app
from regiohub.api.config import ApiSettings
from regiohub.catalog.build import CatalogSettings, build_catalog
from regiohub.catalog.vocab import DCATDE
from regiohub.core import settings
from regiohub.lineage.loads import ORIGIN_LABELS

INDICATOR, PARTNER = "ladepunkte_je_10000_ew", "luckenwalde"
HANDED_IN = "Ladesaeulenregister_BNetzA_2026-10-29.xlsx"
BASE = "https://daten.example.de"
SAMPLE_NOTE = "Beispieldaten aus mitgelieferten Aufzeichnungen"


def test_api_dashboard_and_catalogue_say_the_same_about_a_values_loads(published_copy: Path, monkeypatch):
    # the charging register's load as an operator's file: own origin, no publisher URL, and (as an older ledger may
    # have kept it) a local path that no reader may show
    publish_changed(published_copy, "UPDATE dim_load SET origin = 'operator', is_sample = false, operator_file = ?, "
                                    "publisher_url = NULL WHERE source_id = 'ladesaeulenregister'",
                    [f"/home/datenteam/Downloads/{HANDED_IN}"])
    at = open_app(published_copy, monkeypatch, "pages/datenkatalog.py")
    at.selectbox(key="herkunft_indikator").set_value(INDICATOR).run()
    at.selectbox(key="herkunft_partner").set_value(PARTNER).run()
    period = at.selectbox(key="herkunft_zeitraum").value
    assert not at.exception, [e.value for e in at.exception]
    [(region,)] = mart_rows(published_copy, "SELECT measured_ars FROM fct_partner_indicator_value "
                                            "WHERE indicator_id = ? AND partner_id = ? AND period = ?",
                            [INDICATOR, PARTNER, period])
    published = settings.paths(published_copy).published

    body = TestClient(create_app(published, ApiSettings(rate=0))).get(
        f"/v1/values/{region}/{INDICATOR}/{period}/lineage").json()
    said = {(x["load_id"], x["origin"], x["payload_sha256"]) for x in body["loads"]}
    assert {origin for _, origin, _ in said} == {"operator", "recording"} and all(len(s) == 64 for *_, s in said)
    operator = next(x for x in body["loads"] if x["origin"] == "operator")
    assert (operator["operator_file"], operator["publisher_url"]) == (HANDED_IN, None)
    assert "/home/" not in str(body)

    code = next(c.value for c in at.code if c.value.startswith("# Ladevorgang"))
    assert {tuple(line.split()) for line in code.splitlines()[1:]} == {(i, sha) for i, _, sha in said}
    table = next(t.value for t in all_tables(at) if "Prüfsumme (SHA-256)" in t.value.columns)
    assert sorted(table["Herkunft"]) == sorted(ORIGIN_LABELS[origin] for _, origin, _ in said)
    assert HANDED_IN in "".join(table["Adressen"]) and "/home/" not in "".join(table["Adressen"])

    catalog = build_catalog(published, CatalogSettings(base_url=BASE))
    dataset = URIRef(f"{BASE}/catalog/indicators/{INDICATOR}")
    statement = str(catalog.value(catalog.value(dataset, ns.DCTERMS.provenance), ns.RDFS.label))
    for load_id, origin, sha in said:
        assert re.search(rf"{re.escape(ORIGIN_LABELS[origin])}, Ladevorgang {load_id}, [^;]*SHA-256 {sha}",
                         statement), (load_id, statement)

    # sample or not: the API's sources and the catalogue's attribution of a dataset from one source
    samples = {s["source_id"]: s["is_sample"] for s in body["sources"]}
    assert samples.pop("ladesaeulenregister") is False and samples and all(samples.values())
    only_register = URIRef(f"{BASE}/catalog/indicators/ladepunkte")
    def attribution(ds: URIRef) -> str:
        return str(catalog.value(catalog.value(ds, ns.DCAT.distribution), DCATDE.licenseAttributionByText))

    assert SAMPLE_NOTE not in attribution(only_register) and SAMPLE_NOTE in attribution(dataset)

