"""The DCAT-AP.de catalogue of the demo mart against the official DCAT-AP.de 3.0 SHACL shapes and the data."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS
from shacl_helpers import shacl_results

from regiohub.catalog.build import CatalogSettings, build_catalog
from regiohub.catalog.vocab import DCATAP, DCATDE

BASE = "https://daten.regiohub.example"
DEPRECATED_GEOCODING = "Deprecated: dcatde:politicalGeocodingURI soll nicht mehr verwendet werden."


@pytest.fixture(scope="module")
def mart_file(demo_data_dir: Path) -> Path:
    return demo_data_dir / "published" / "regiohub.duckdb"


@pytest.fixture(scope="module")
def catalog(mart_file: Path) -> Graph:
    return build_catalog(mart_file, CatalogSettings(base_url=BASE, publisher="Regio.hub", email="daten@example.org"))


def test_catalog_passes_the_official_shapes_with_zero_violations(catalog, dcat_shapes):
    results = shacl_results(catalog, dcat_shapes)
    assert [r for r in results if r[0] == "Violation"] == []
    # the only warning: politicalGeocodingURI, still harvested by GovData but deprecated in 3.0 (dct:spatial carries it)
    assert {r[2] for r in results} <= {DEPRECATED_GEOCODING}


def test_the_shapes_catch_a_distribution_without_licence(catalog, dcat_shapes):
    broken = Graph() + catalog
    dist = next(broken.subjects(RDF.type, DCAT.Distribution))
    broken.remove((dist, DCTERMS.license, None))
    broken.add((dist, DCAT.mediaType, URIRef("text/csv")))
    violations = {(r[1], r[2]) for r in shacl_results(broken, dcat_shapes) if r[0] == "Violation"}
    assert (str(dist), "DE: dcat:Distribution: MUSS eine dcterms:license haben.") in violations
    assert any(focus == str(dist) and "mediaType" in msg for focus, msg in violations)


def test_every_dataset_has_the_mandatory_and_recommended_properties(catalog, demo_data_dir):
    datasets = set(catalog.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == expected_datasets(demo_data_dir)  # indicators, partners' Steckbriefe, the mart
    for ds in datasets:
        for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.contactPoint, DCAT.theme,
                     DCTERMS.spatial, DCATDE.politicalGeocodingURI, DCATDE.politicalGeocodingLevelURI,
                     DCTERMS.modified, DCAT.distribution, DCTERMS.language, DCAT.keyword):
            assert catalog.value(ds, prop) is not None, (ds, prop)
    for dist in catalog.subjects(RDF.type, DCAT.Distribution):
        licence = catalog.value(dist, DCTERMS.license)
        assert str(licence).startswith("http://dcat-ap.de/def/licenses/"), dist
        assert (licence, SKOS.inScheme, URIRef("http://dcat-ap.de/def/licenses")) in catalog
        for prop in (DCAT.accessURL, DCAT.downloadURL, DCTERMS.format, DCAT.mediaType,
                     DCATDE.licenseAttributionByText):
            assert catalog.value(dist, prop) is not None, (dist, prop)
        assert str(catalog.value(dist, DCAT.downloadURL)).startswith(BASE)


def test_catalog_says_what_the_mart_says(catalog, mart_file):
    with duckdb.connect(str(mart_file), read_only=True) as con:
        extent = con.execute("SELECT min(period_start), max(period_end) FROM fct_indicator_value "
                             "WHERE indicator_id = 'faelle_neu'").fetchone()
        published_at = con.execute("SELECT published_at FROM meta_snapshot").fetchone()[0]
    faelle = URIRef(f"{BASE}/catalog/indicators/faelle_neu")
    period = catalog.value(faelle, DCTERMS.temporal)
    assert (catalog.value(period, DCAT.startDate).toPython(), catalog.value(period, DCAT.endDate).toPython()) == extent
    assert catalog.value(faelle, DCTERMS.modified).toPython() == published_at.replace(microsecond=0)
    dist = catalog.value(faelle, DCAT.distribution)
    assert catalog.value(dist, DCTERMS.license) == URIRef("http://dcat-ap.de/def/licenses/cc-by/4.0")  # RKI: CC BY
    assert "Robert Koch-Institut" in catalog.value(dist, DCATDE.licenseAttributionByText)
    pegel = catalog.value(URIRef(f"{BASE}/catalog/indicators/wasserstand_tagesmittel"), DCAT.distribution)
    assert catalog.value(pegel, DCTERMS.license) == URIRef("http://dcat-ap.de/def/licenses/dl-zero-de/2.0")

    hvd = {str(ds).rsplit("/", 1)[-1]: str(cat) for ds, cat in catalog.subject_objects(DCATAP.hvdCategory)}
    assert hvd["bevoelkerung"] == "http://data.europa.eu/bna/c_e1da4e07"  # statistics
    assert hvd["wasserstand_tagesmittel"] == "http://data.europa.eu/bna/c_dd313021"  # earth observation, environment
    assert hvd["hitzetage"] == "http://data.europa.eu/bna/c_164e0bf5"  # meteorological
    assert "faelle_neu" not in hvd and "ladepunkte" not in hvd

    luckenwalde = URIRef(f"{BASE}/catalog/partners/luckenwalde")
    assert set(catalog.objects(luckenwalde, DCATDE.politicalGeocodingURI)) == {
        URIRef("http://dcat-ap.de/def/politicalGeocoding/regionalKey/120720232232")}
    assert catalog.value(luckenwalde, DCATDE.politicalGeocodingLevelURI) == URIRef(
        "http://dcat-ap.de/def/politicalGeocoding/Level/municipality")


def test_every_publish_writes_the_catalogue(demo_data_dir):
    written = Graph().parse(demo_data_dir / "published" / "catalog.ttl", format="turtle")
    with duckdb.connect(str(demo_data_dir / "published" / "regiohub.duckdb"), read_only=True) as con:
        published_at = con.execute("SELECT published_at FROM meta_snapshot").fetchone()[0]
    [cat] = written.subjects(RDF.type, DCAT.Catalog)
    assert written.value(cat, DCTERMS.modified).toPython() == published_at.replace(microsecond=0)
    assert len(set(written.subjects(RDF.type, DCAT.Dataset))) == expected_datasets(demo_data_dir)


def expected_datasets(data_dir) -> int:
    """One dataset per catalogue indicator and per partner, one for the progress towards the targets and one for
    the whole mart."""
    import duckdb

    with duckdb.connect(str(data_dir / "published" / "regiohub.duckdb"), read_only=True) as con:
        return con.execute("select (select count(*) from dim_indicator) + "
                           "(select count(*) from dim_region where is_partner) + 2").fetchone()[0]
