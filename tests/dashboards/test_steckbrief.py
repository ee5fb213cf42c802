"""Steckbrief: Luckenwalde's indicators with the Land value, similar municipalities across Brandenburg and ranks
among Gemeinden only — every number equal to the mart (AppTest against SQL)."""

from __future__ import annotations

import statistics

from dash_helpers import all_tables, approx, de, mart_rows, open_app, page_text

from regiohub.reports.similar import size_class

PARTNER = "Luckenwalde"


def _tables(at) -> dict[str, dict]:
    rows = {}
    for df in all_tables(at):
        if "Indikator" in df.value.columns:
            rows.update({r["Indikator"]: r for r in df.value.to_dict("records")})
    return rows


def test_steckbrief_of_luckenwalde_equals_the_mart(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch, "pages/steckbrief.py", {"partner": PARTNER})
    assert at.selectbox(key="partner").value == "luckenwalde"
    assert f"Steckbrief {PARTNER}" in [h.value for h in at.header]
    rows = _tables(at)
    (land,) = mart_rows(mart_data_dir, "SELECT ars FROM dim_region WHERE level = 'land'")[0]
    latest = mart_rows(mart_data_dir, """
        SELECT i.name_de, i.unit, p.indicator_id, p.period, p.value, p.is_inherited FROM fct_partner_indicator_value p
        JOIN dim_indicator i USING (indicator_id) WHERE p.partner_id = 'luckenwalde'
        QUALIFY row_number() OVER (PARTITION BY p.indicator_id ORDER BY p.period_start DESC) = 1""")
    assert len(rows) == len(latest)
    gemeinden = [r[0] for r in mart_rows(mart_data_dir, "SELECT partner_id FROM dim_region WHERE is_partner"
                                         " AND level = 'gemeinde'")]
    checked_land = checked_rank = 0
    for name, unit, indicator_id, period, value, inherited in latest:
        row = rows[name if unit in ("Anzahl", "Personen") else f"{name} ({unit})"]
        if value is not None:
            assert de(row["Wert"]) == approx(value), indicator_id
        assert ("(Kreiswert)" in row["Wert"]) == inherited
        land_value = mart_rows(mart_data_dir, "SELECT value FROM fct_indicator_value WHERE region_ars = ?"
                               " AND indicator_id = ? AND period = ?", [land, indicator_id, period])
        if land_value and land_value[0][0] is not None:
            assert de(row["Land Brandenburg"]) == approx(land_value[0][0]), indicator_id
            checked_land += 1
        if inherited:
            assert row["Rang in der Kooperation"] == "kein Rang (Kreiswert)"
            continue
        peers = mart_rows(mart_data_dir, "SELECT partner_id, value FROM fct_partner_indicator_value WHERE"
                          " indicator_id = ? AND period = ? AND NOT is_inherited AND value IS NOT NULL"
                          " AND list_contains(?, partner_id)", [indicator_id, period, gemeinden])
        if row["Rang in der Kooperation"].endswith("Gemeinden"):
            rank, n = row["Rang in der Kooperation"].split(" Gemeinden")[0].split(" von ")
            assert int(n) == len(peers) <= len(gemeinden)
            checked_rank += 1
    assert checked_land >= 5 and checked_rank >= 3
    assert not any(r["Rang in der Kooperation"].endswith("Kreisen") for r in rows.values())


def test_steckbrief_names_similar_municipalities_and_their_median(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch, "pages/steckbrief.py", {"partner": PARTNER})
    population = mart_rows(mart_data_dir, "SELECT period, value FROM fct_indicator_value WHERE region_ars ="
                           " '120720232232' AND indicator_id = 'bevoelkerung_jahresende' ORDER BY period_start DESC"
                           " LIMIT 1")[0]
    cls = size_class(population[1])
    assert f"Typ: {cls.label}" in page_text(at).replace("**", "")
    group = next(df.value for df in all_tables(at) if "Ort" in df.value.columns)
    assert len(group) == 8 and PARTNER not in set(group["Ort"])
    members = mart_rows(mart_data_dir, "SELECT r.ars, r.name, f.value FROM fct_indicator_value f JOIN dim_region r"
                        " ON r.ars = f.region_ars WHERE f.indicator_id = 'bevoelkerung_jahresende' AND f.period = ?"
                        " AND r.level = 'gemeinde' AND list_contains(?, r.name)",
                        [population[0], list(group["Ort"])])
    assert len(members) == 8
    assert all(cls.low <= v < (cls.high or 1e12) for _, _, v in members)
    rows = _tables(at)
    charging = rows["Öffentliche Ladepunkte"]
    period = mart_rows(mart_data_dir, "SELECT max(period) FROM fct_partner_indicator_value"
                       " WHERE partner_id = 'luckenwalde' AND indicator_id = 'ladepunkte'")[0][0]
    values = [r[0] for r in mart_rows(mart_data_dir, "SELECT value FROM fct_indicator_value WHERE indicator_id ="
                                      " 'ladepunkte' AND period = ? AND list_contains(?, region_ars)",
                                      [period, [m[0] for m in members]])]
    assert charging["Ähnliche Orte"].startswith(f"Median {statistics.median(values):,.1f}".replace(",", "X")
                                                .replace(".", ",").replace("X", ".").removesuffix(",0"))
    assert "BBSR" in page_text(at)
