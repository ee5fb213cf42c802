"""Embeddable views over the real server: German, accessible, framable only by partner sites, true numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from api_helpers import PARTNER_ORIGIN

from regiohub.api.embed import MAX_POINTS, number

SVG = "{http://www.w3.org/2000/svg}"


def test_embed_page_shows_the_latest_value_source_and_licence(api, published):
    r = api.get("/embed/ladepunkte_je_10000_ew/luckenwalde")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    period, value, unit = published.execute(
        "SELECT period, value, unit FROM fct_partner_indicator_value WHERE partner_id = 'luckenwalde' "
        "AND indicator_id = 'ladepunkte_je_10000_ew' ORDER BY period_start DESC LIMIT 1").fetchone()
    assert f'<p class="value">{period}: {number(value)} {unit}</p>' in r.text
    assert '<html lang="de">' in r.text and "<script" not in r.text
    attributions = [a for (a,) in published.execute(
        "SELECT attribution FROM dim_source WHERE source_id IN ('ladesaeulenregister', 'zensus2022_bevoelkerung')"
    ).fetchall()]
    assert all(a in r.text for a in attributions)
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in r.text
    csp = r.headers["content-security-policy"]
    assert f"frame-ancestors 'self' {PARTNER_ORIGIN};" in csp and "default-src 'none'" in csp
    assert api.get("/embed/ladepunkte_je_10000_ew/luckenwalde",
                   headers={"If-None-Match": r.headers["etag"]}).status_code == 304


def test_suppressed_values_are_shown_as_gesperrt(api, published):
    partner, indicator, period = published.execute(
        "SELECT partner_id, indicator_id, period FROM fct_partner_indicator_value WHERE is_suppressed "
        "ORDER BY period_start DESC LIMIT 1").fetchone()
    page = api.get(f"/embed/{indicator}/{partner}").text
    assert re.search(rf'<th scope="row">{re.escape(period)}</th><td>gesperrt</td>', page)


def test_svg_chart_is_accessible_and_plots_the_shown_values(api, published):
    r = api.get("/embed/bevoelkerung_jahresende/potsdam.svg")
    assert r.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(r.text)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "t d"
    name = published.execute("SELECT name_de FROM dim_indicator WHERE indicator_id = 'bevoelkerung_jahresende'")
    assert root.find(f"{SVG}title").text == f"{name.fetchone()[0]} – Potsdam"
    assert root.find(f"{SVG}desc").text.startswith("Verlauf ")
    rows = published.execute(
        "SELECT value FROM fct_partner_indicator_value WHERE partner_id = 'potsdam' "
        "AND indicator_id = 'bevoelkerung_jahresende' ORDER BY period_start").fetchall()[-MAX_POINTS:]
    assert len(root.findall(f"{SVG}circle")) == sum(v is not None for (v,) in rows) > 0


def test_unknown_indicator_or_partner_is_a_problem(api):
    r = api.get("/embed/bevoelkerung/nobody")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
