"""The API serves the catalogue of the current snapshot as Turtle and JSON-LD, and the Parquet exports."""

from __future__ import annotations

import io

import duckdb
import pyarrow.parquet as pq
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, RDF


def test_catalog_as_turtle_and_json_ld(api, api_server, demo_data_dir):
    turtle = api.get("/catalog.ttl")
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    jsonld = api.get("/catalog", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"] == "application/ld+json"
    a = Graph().parse(data=turtle.text, format="turtle")
    b = Graph().parse(data=jsonld.text, format="json-ld")
    datasets = set(a.subjects(RDF.type, DCAT.Dataset))
    assert isomorphic(a, b) and len(datasets) == _indicators_and_partners(demo_data_dir) + 2  # + targets, mart
    downloads = {str(o) for o in a.objects(None, DCAT.downloadURL)}
    assert f"{api_server}/files/parquet/fct_indicator_value.parquet" in downloads
    assert api.get("/catalog.ttl", headers={"If-None-Match": turtle.headers["etag"]}).status_code == 304


def test_parquet_exports_of_the_snapshot(api, published):
    r = api.get("/files/parquet/dim_indicator.parquet")
    assert r.status_code == 200
    n = published.execute("SELECT count(*) FROM dim_indicator").fetchone()[0]
    assert pq.read_table(io.BytesIO(r.content)).num_rows == n
    for name in ("..%2F..%2Fregiohub", "nope", "DIM_REGION"):
        bad = api.get(f"/files/parquet/{name}.parquet")
        assert bad.status_code == 404 and bad.headers["content-type"] == "application/problem+json"


def _indicators_and_partners(data_dir) -> int:
    with duckdb.connect(str(data_dir / "published" / "regiohub.duckdb"), read_only=True) as con:
        return con.execute("select (select count(*) from dim_indicator) + "
                           "(select count(*) from dim_region where is_partner)").fetchone()[0]
