"""The read API over a real uvicorn process, compared with SQL on the published mart."""

from __future__ import annotations

import csv
import io
from email.utils import parsedate_to_datetime

from api_helpers import PARTNER_ORIGIN
from publish_helpers import publish_changed

VALUES_SQL = """
SELECT v.indicator_id, v.region_ars, r.level, v.period, v.value, v.is_suppressed, v.quality_flag
FROM fct_indicator_value v JOIN dim_region r ON r.ars = v.region_ars
WHERE v.indicator_id = ? {extra}
ORDER BY v.indicator_id, v.region_ars, v.period_start"""


def _key(item: dict) -> tuple:
    return (item["indicator_id"], item["region_ars"], item["level"], item["period"], item["value"],
            item["is_suppressed"], item["quality_flag"])


def test_indicators_and_regions_match_the_mart(api, published):
    indicators = api.get("/v1/indicators").json()["items"]
    expected = published.execute("SELECT indicator_id, name_de, levels FROM dim_indicator").fetchall()
    assert sorted((i["indicator_id"], i["name_de"], i["levels"]) for i in indicators) == sorted(expected)

    partners = api.get("/v1/regions", params={"partner": "true"}).json()["items"]
    expected = published.execute("SELECT ars, partner_id, parent_ars, kreis_ars FROM dim_region WHERE is_partner")
    assert sorted((r["ars"], r["partner_id"], r["parent_ars"], r["kreis_ars"]) for r in partners) == sorted(
        expected.fetchall())
    assert len(partners) == 9
    kreise = api.get("/v1/regions", params={"level": "kreis", "parent": "120000000000"}).json()["items"]
    assert {r["level"] for r in kreise} == {"kreis"} and len(kreise) == 18


def test_values_filtered_by_level_and_period_range_match_sql(api, published):
    params = {"indicator": "bevoelkerung", "level": ["kreis", "kooperationsraum"], "limit": 10_000}
    body = api.get("/v1/values", params=params).json()
    expected = published.execute(VALUES_SQL.format(extra="AND r.level IN ('kreis', 'kooperationsraum')"),
                                 ["bevoelkerung"]).fetchall()
    assert [_key(i) for i in body["items"]] == expected
    assert body["total"] == len(expected) > 0 and body["next_offset"] is None

    params = {"indicator": "faelle_neu", "region": ["120540000000", "120690000000"],
              "period_from": "2026-10", "period_to": "2026-10-15"}
    items = api.get("/v1/values", params=params).json()["items"]
    extra = ("AND v.region_ars IN ('120540000000', '120690000000') "
             "AND v.period_start BETWEEN DATE '2026-10-01' AND DATE '2026-10-15'")
    expected = published.execute(VALUES_SQL.format(extra=extra), ["faelle_neu"]).fetchall()
    assert [_key(i) for i in items] == expected and len(expected) == 30


def test_paging_walks_every_row_once(api, published):
    rows, offset = [], 0
    while offset is not None:
        page = api.get("/v1/values", params={"indicator": "faelle_neu", "limit": 700, "offset": offset}).json()
        assert len(page["items"]) <= 700
        rows += page["items"]
        offset = page["next_offset"]
    expected = published.execute(VALUES_SQL.format(extra=""), ["faelle_neu"]).fetchall()
    assert [_key(i) for i in rows] == expected
    assert page["total"] == len(expected) > 1400


def test_suppressed_values_stay_suppressed(api, published):
    items = api.get("/v1/values", params={"indicator": "faelle_neu", "limit": 10_000}).json()["items"]
    suppressed = [i for i in items if i["is_suppressed"]]
    n = published.execute("SELECT count(*) FROM fct_indicator_value WHERE indicator_id = 'faelle_neu' "
                          "AND is_suppressed").fetchone()[0]
    assert len(suppressed) == n > 0
    assert all(i["value"] is None and i["numerator"] is None for i in suppressed)
    assert {i["quality_flag"] for i in suppressed} == {"primary_suppression", "secondary_suppression"}


def test_csv_international_and_german(api, published):
    params = {"indicator": "ladepunkte_je_10000_ew", "level": "kreis", "limit": 10_000}
    expected = published.execute(VALUES_SQL.format(extra="AND r.level = 'kreis'"),
                                 ["ladepunkte_je_10000_ew"]).fetchall()
    intl = api.get("/v1/values", params={**params, "format": "csv"})
    assert intl.headers["content-type"].startswith("text/csv")
    assert intl.headers["x-total-count"] == str(len(expected))
    rows = list(csv.DictReader(io.StringIO(intl.text)))
    assert [(r["region_ars"], r["period"], float(r["value"])) for r in rows] == [(e[1], e[3], e[4]) for e in expected]

    german = api.get("/v1/values", params={**params, "format": "csv-de"})
    assert german.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(german.text.lstrip("\ufeff")), delimiter=";"))
    assert any("," in r["value"] for r in rows)
    assert [float(r["value"].replace(",", ".")) for r in rows] == [e[4] for e in expected]

    sup = api.get("/v1/values", params={"indicator": "faelle_neu", "format": "csv-de", "limit": 10_000})
    rows = list(csv.DictReader(io.StringIO(sup.text.lstrip("\ufeff")), delimiter=";"))
    assert {r["value"] for r in rows if r["is_suppressed"] == "true"} == {"."}


def test_steckbrief_and_targets(api, published):
    body = api.get("/v1/partners/luckenwalde/steckbrief").json()
    assert body["partner"]["ars"] == "120720232232"
    latest = published.execute(
        "SELECT indicator_id, period, value FROM fct_partner_indicator_value WHERE partner_id = 'luckenwalde' "
        "QUALIFY row_number() OVER (PARTITION BY indicator_id ORDER BY period_start DESC) = 1").fetchall()
    assert sorted((i["indicator_id"], i["period"], i["value"]) for i in body["items"]) == sorted(latest)

    targets = api.get("/v1/targets", params={"partner": "luckenwalde"}).json()["items"]
    assert {"base_period", "base_value", "target_period", "target_value", "observed_cagr", "required_cagr",
            "progress_ratio", "progress_class"} <= set(targets[0])
    expected = published.execute("SELECT indicator_id, progress_class FROM fct_target_progress "
                                 "WHERE partner_id = 'luckenwalde'").fetchall()
    assert sorted((t["indicator_id"], t["progress_class"]) for t in targets) == sorted(expected)
    covid = next(t for t in targets if t["indicator_id"] == "inzidenz_7_tage")
    assert covid["is_inherited"] and covid["progress_class"] != "not_assessable"  # judged on the Kreiswert
    on_track = api.get("/v1/targets", params={"progress_class": "on_track"}).json()["items"]
    assert on_track and {t["progress_class"] for t in on_track} == {"on_track"}


def test_errors_are_problem_json_and_parameters_never_reach_sql(api):
    for path, params, status in [("/v1/values", {"limit": 0}, 400), ("/v1/values", {"period_from": "2024-1"}, 400),
                                 ("/v1/partners/nobody/steckbrief", {}, 404), ("/v1/nothing", {}, 404)]:
        r = api.get(path, params=params)
        assert r.status_code == status and r.headers["content-type"] == "application/problem+json"
        assert r.json()["status"] == status and r.json()["detail"]
    r = api.get("/v1/values", params={"indicator": "x' OR 1=1 --", "region": "'; DROP TABLE dim_region; --"})
    assert r.status_code == 200 and r.json()["total"] == 0


def test_caching_headers_and_cors(api, published):
    published_at = published.execute("SELECT published_at FROM meta_snapshot").fetchone()[0]
    first = api.get("/v1/values", params={"indicator": "bevoelkerung"}, headers={"Origin": PARTNER_ORIGIN})
    assert parsedate_to_datetime(first.headers["last-modified"]) == published_at.replace(microsecond=0)
    assert first.headers["access-control-allow-origin"] == PARTNER_ORIGIN
    etag = {"If-None-Match": first.headers["etag"]}
    again = api.get("/v1/values", params={"indicator": "bevoelkerung"}, headers=etag)
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == first.headers["etag"]
    other = api.get("/v1/values", params={"indicator": "faelle_neu"}, headers=etag)
    assert other.status_code == 200
    csv_variant = api.get("/v1/values", params={"indicator": "bevoelkerung", "format": "csv"})
    assert csv_variant.headers["etag"] != first.headers["etag"]
    foreign = api.get("/v1/indicators", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in foreign.headers


def test_a_new_snapshot_is_served_without_restart(api, api_data, published):
    before = api.get("/v1/values", params={"indicator": "bevoelkerung", "region": "120540000000"})
    old_value = before.json()["items"][0]["value"]
    published.close()
    snapshot_id = publish_changed(api_data, "UPDATE fct_indicator_value SET value = value + 1 "
                                  "WHERE indicator_id = 'bevoelkerung' AND region_ars = '120540000000'")
    after = api.get("/v1/values", params={"indicator": "bevoelkerung", "region": "120540000000"},
                    headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["snapshot_id"] == snapshot_id and after.json()["items"][0]["value"] == old_value + 1
    assert after.headers["etag"] != before.headers["etag"]


def test_openapi_documents_every_endpoint(api):
    paths = api.get("/openapi.json").json()["paths"]
    assert {"/v1/indicators", "/v1/regions", "/v1/values", "/v1/targets", "/v1/partners/{partner_id}/steckbrief",
            "/v1/snapshot"} <= set(paths)
    assert {p["name"] for p in paths["/v1/values"]["get"]["parameters"]} >= {
        "indicator", "region", "level", "period_from", "period_to", "limit", "offset", "format"}
