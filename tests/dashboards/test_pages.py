"""Übersicht and Indikatoren rendered with Streamlit's AppTest; the figures shown are checked against the mart."""

from __future__ import annotations

import os
import shutil

import duckdb
import pytest
from dash_helpers import (
    BKG,
    MART_PAGES,
    NO_DATA,
    all_tables,
    approx,
    de,
    indicator_name,
    last_published_run,
    latest_over_units,
    mart_rows,
    metric,
    open_app,
    page_text,
    partner_values,
    suppress_one_value,
)

from regiohub.core import settings
from regiohub.presentation.fmt import SUPPRESSED_NOTE, TZ, fmt_date, fmt_number, fmt_period
from regiohub.presentation.labels import HEADLINE_CANDIDATES
from regiohub.registry.model import load_registry


@pytest.mark.parametrize("page", MART_PAGES)
def test_every_page_shows_friendly_message_without_published_mart(tmp_path, monkeypatch, page):
    at = open_app(tmp_path / "empty", monkeypatch, page)
    assert [i.value for i in at.info] == [NO_DATA]
    assert not at.metric and not all_tables(at) and not at.get("vega_lite_chart")


@pytest.mark.parametrize("page", MART_PAGES)
def test_every_page_reports_an_unreadable_mart_instead_of_failing(tmp_path, monkeypatch, page):
    published = settings.paths(tmp_path).published
    published.parent.mkdir(parents=True)
    published.write_bytes(b"this is not a DuckDB database" * 100)
    at = open_app(tmp_path, monkeypatch, page)
    assert len(at.error) == 1 and "nicht gelesen werden" in at.error[0].value  # not "no data published yet"
    assert not at.metric and not all_tables(at)


def test_overview_region_key_figures_equal_mart_values(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch)
    assert at.selectbox(key="partner").value == "region"
    population = latest_over_units(mart_data_dir, "bevoelkerung")
    assert metric(at, "Bevölkerung").value == fmt_number(sum(population))
    shown = metric(at, "Gesundheit").value
    cooperation = mart_rows(
        mart_data_dir,
        "SELECT v.value FROM fct_indicator_value v JOIN dim_region r ON r.ars = v.region_ars"
        " WHERE r.level = 'kooperationsraum' AND v.indicator_id = 'inzidenz_7_tage' ORDER BY v.period_start DESC",
    )
    if cooperation:  # the mart's own rate for the region (recomputed from numerators and denominators)
        assert de(shown) == approx(cooperation[0][0])
    else:  # without it, the range over the five units
        incidence = latest_over_units(mart_data_dir, "inzidenz_7_tage")
        low, high = shown.split(" – ")
        assert (de(low), de(high)) == (approx(min(incidence)), approx(max(incidence)))
    assert len(at.metric) == 4  # one key indicator per domain
    (published_at,) = mart_rows(mart_data_dir, "SELECT published_at FROM meta_snapshot")[0]
    assert f"Datenstand: {fmt_date(published_at.astimezone(TZ))}" in page_text(at)


def test_overview_partner_link_shows_partner_values_with_trend(mart_data_dir, monkeypatch):
    """``?partner=Luckenwalde`` opens Luckenwalde's own view (a shareable link)."""
    at = open_app(mart_data_dir, monkeypatch, query={"partner": "Luckenwalde"})
    assert at.selectbox(key="partner").value == "luckenwalde"

    (value, _, _, _), *_ = partner_values(mart_data_dir, "luckenwalde", "bevoelkerung")
    assert metric(at, "Bevölkerung").value == fmt_number(value)

    (now, period, _, unit), (before, prev_period, _, _), *_ = partner_values(
        mart_data_dir, "luckenwalde", "ladepunkte_je_10000_ew"
    )
    card = metric(at, "Mobilität")
    assert de(card.value) == approx(now) and f"({unit})" in page_text(at)
    assert de(card.delta) == approx(now - before) and card.delta.endswith(f"ggü. {prev_period}")
    assert f"Stand {period}" in page_text(at)

    (incidence, day, inherited, _), *_ = partner_values(mart_data_dir, "luckenwalde", "inzidenz_7_tage")
    assert de(metric(at, "Gesundheit").value) == approx(incidence)
    assert inherited and f"Stand {fmt_period(day, 'day')} (Kreiswert)" in page_text(at)


def test_overview_partner_table_freshness_and_changes(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch)
    tables = {tuple(df.value.columns)[0]: df.value for df in all_tables(at)}
    partners = tables["Partner"].set_index("Partner")
    assert set(partners.index) == {p.name for p in load_registry().partners}
    (value, _, inherited, _), *_ = partner_values(mart_data_dir, "luckenwalde", "inzidenz_7_tage")
    (column,) = [c for c in partners.columns if c.startswith(indicator_name(mart_data_dir, "inzidenz_7_tage"))]
    cell = partners.loc["Luckenwalde", column]
    assert de(cell) == approx(value) and cell.endswith(" (Kreiswert)") == inherited

    sources = dict(mart_rows(mart_data_dir, "SELECT name, last_loaded_at FROM dim_source"))
    freshness = next(df.value for df in all_tables(at) if "Stand im Datenbestand" in df.value.columns)
    assert set(freshness["Quelle"]) == set(sources)
    until = mart_rows(mart_data_dir, "SELECT s.name, arg_max(v.period, v.period_start), arg_max(i.period_type,"
                      " v.period_start) FROM dim_source s JOIN fct_indicator_value v USING (source_id)"
                      " JOIN dim_indicator i USING (indicator_id) GROUP BY 1")
    shown = dict(zip(freshness["Quelle"], freshness["Daten bis"], strict=True))
    assert until and all(shown[name] == fmt_period(p, t) for name, p, t in until)  # how far the data reach
    changes = next(df.value for df in all_tables(at) if "Änderung" in df.value.columns)
    labels = {"loaded": "neue Daten", "unchanged": "unverändert", "failed": "Fehler"}
    names = {s.id: s.name for s in load_registry().sources}  # names, never ids
    expected = {names[i["source_id"]]: labels[i["status"]] for i in last_published_run(mart_data_dir)["ingested"]}
    assert dict(zip(changes["Quelle"], changes["Änderung"], strict=True)) == expected


def test_overview_shows_attribution_of_every_source_it_displays(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch)
    present = {r[0] for r in mart_rows(mart_data_dir, "SELECT indicator_id FROM dim_indicator")}
    headline = [next(c for c in candidates if c in present) for candidates in HEADLINE_CANDIDATES.values()]
    shown = mart_rows(
        mart_data_dir,
        "SELECT DISTINCT s.attribution, s.licence_url FROM dim_source s JOIN dim_indicator i USING (source_id)"
        " WHERE list_contains(?, i.indicator_id)",
        [headline],
    )
    text = page_text(at).replace("\\", "")
    assert len(shown) == 4
    for attribution, url in shown:
        assert attribution in text and url in text


def test_indicator_link_selects_indicator_partners_period_and_level(mart_data_dir, monkeypatch):
    (_, day, _, _), (_, day_before, _, _), *_ = partner_values(mart_data_dir, "luckenwalde", "inzidenz_7_tage")
    name = indicator_name(mart_data_dir, "inzidenz_7_tage")
    at = open_app(mart_data_dir, monkeypatch, "pages/indikatoren.py", {
        "indikator": f"Gesundheit · {name}",
        "partners": ["Luckenwalde", "Potsdam"],
        "zeitraum": fmt_period(day_before, "day"),
        "ebene": "Gemeinden der Partnerregion",
    })
    assert at.selectbox(key="indikator").value == "inzidenz_7_tage"
    assert sorted(at.multiselect(key="partners").value) == ["luckenwalde", "potsdam"]
    assert at.selectbox(key="zeitraum").value == day_before
    assert at.radio(key="ebene").value == "gemeinden"

    tables = {tuple(df.value.columns): df.value for df in all_tables(at)}
    series = tables[("Partner", "Zeitraum", "Wert", "Einheit", "Gemessen für", "Hinweis")]
    newest = series[series["Partner"] == "Luckenwalde"].iloc[0]
    (value, _, inherited, _), *_ = partner_values(mart_data_dir, "luckenwalde", "inzidenz_7_tage")
    assert newest["Zeitraum"] == fmt_period(day, "day") and de(newest["Wert"]) == approx(value)
    assert ("Kreiswert" in newest["Hinweis"]) == inherited
    expected_rows = mart_rows(
        mart_data_dir, "SELECT count(*) FROM fct_partner_indicator_value WHERE indicator_id = 'inzidenz_7_tage'"
        " AND partner_id IN ('luckenwalde', 'potsdam')")[0][0]
    assert len(series) == expected_rows

    # Ranking at the chosen period: lower is better for the incidence.
    ranking = tables[("Rang", "Partner", "Wert", "Hinweis")]
    at_day = dict(mart_rows(
        mart_data_dir, "SELECT partner_name, value FROM fct_partner_indicator_value WHERE indicator_id ="
        " 'inzidenz_7_tage' AND period = ? AND partner_id IN ('luckenwalde', 'potsdam')", [day_before]))
    assert list(ranking["Partner"]) == sorted(at_day, key=at_day.get)
    assert [de(v) for v in ranking["Wert"]] == [approx(v) for v in sorted(at_day.values())]

    # The map of Gemeinden at that period, with the BKG attribution.
    area = tables[("Gebiet", "Art", "Partner", "Wert", "Zeitraum")].set_index("Gebiet")
    kreis_value = mart_rows(mart_data_dir, "SELECT value FROM fct_indicator_value WHERE region_ars = '120540000000'"
                            " AND indicator_id = 'inzidenz_7_tage' AND period = ?", [day_before])[0][0]
    assert de(area.loc["Potsdam", "Wert"]) == approx(kreis_value)
    assert any(BKG in m.value and "(http://www.bkg.bund.de)" in m.value for m in at.markdown)
    assert len(at.get("vega_lite_chart")) == 3  # time series, comparison, map

    definition, formula_cols = mart_rows(
        mart_data_dir, "SELECT definition_de, 1 FROM dim_indicator WHERE indicator_id = 'inzidenz_7_tage'")[0]
    text = page_text(at).replace("\\", "")
    assert definition in text and "Einheit:" in text and "Lizenz:" in text and formula_cols
    assert len(at.get("download_button")) == 2  # CSV and Excel of the table shown


def test_indicator_download_frame_is_exactly_the_table_shown(mart_data_dir, monkeypatch):
    from regiohub.dashboard import tables
    from regiohub.reports.reader import DuckDBReader

    at = open_app(mart_data_dir, monkeypatch, "pages/indikatoren.py",
                  {"indikator": f"Mobilität · {indicator_name(mart_data_dir, 'ladepunkte')}", "partners": ["Potsdam"]})
    shown = next(df.value for df in all_tables(at) if "Gemessen für" in df.value.columns)
    series = DuckDBReader(settings.paths(mart_data_dir).published).query(
        "SELECT p.*, r.level AS measured_level FROM fct_partner_indicator_value p JOIN dim_region r"
        " ON r.ars = p.measured_ars WHERE p.partner_id = 'potsdam' AND p.indicator_id = 'ladepunkte'"
        " ORDER BY period_start DESC")
    frame = tables.download_frame(series, "Anzahl", "year")
    assert list(frame["Zeitraum"]) == list(shown["Zeitraum"])
    assert list(frame["Wert"]) == [float(v) for v in series["value"]]
    assert [fmt_number(v) for v in frame["Wert"]] == list(shown["Wert"])


def test_indicator_page_renders_every_indicator(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch, "pages/indikatoren.py")
    assert sorted(at.multiselect(key="partners").value) == sorted(p.id for p in load_registry().partners)
    for (indicator_id,) in mart_rows(mart_data_dir, "SELECT indicator_id FROM dim_indicator"):
        at.selectbox(key="indikator").select(indicator_id).run()
        assert not at.exception, (indicator_id, [e.value for e in at.exception])
        assert all_tables(at), indicator_id
    at.multiselect(key="partners").set_value([]).run()
    assert "Bitte mindestens einen Partner auswählen." in [i.value for i in at.info]


def test_suppressed_value_is_shown_as_dot_with_explanation(mart_data_dir, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    published = settings.paths(data_dir).published
    published.parent.mkdir(parents=True)
    shutil.copy(settings.paths(mart_data_dir).published, published)
    period = suppress_one_value(published, "120720000000", "faelle_7_tage")  # Teltow-Fläming

    at = open_app(data_dir, monkeypatch, "pages/indikatoren.py", {
        "indikator": f"Gesundheit · {indicator_name(data_dir, 'faelle_7_tage')}",
        "partners": ["Landkreis Teltow-Fläming", "Luckenwalde", "Potsdam"],
    })
    series = next(df.value for df in all_tables(at) if "Gemessen für" in df.value.columns)
    newest = series[series["Zeitraum"] == fmt_period(period, "day")].set_index("Partner")
    assert newest.loc["Landkreis Teltow-Fläming", "Wert"] == "."
    assert newest.loc["Luckenwalde", "Wert"] == "."  # inherits the Kreis value
    assert newest.loc["Potsdam", "Wert"] != "."
    ranking = next(df.value for df in all_tables(at) if "Rang" in df.value.columns).set_index("Partner")
    assert ranking.loc["Luckenwalde", "Wert"] == "." and ranking.loc["Luckenwalde", "Rang"] == "–"
    assert SUPPRESSED_NOTE in page_text(at)


def test_newly_published_snapshot_is_shown_without_restart(mart_data_dir, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    published = settings.paths(data_dir).published
    published.parent.mkdir(parents=True)
    shutil.copy(settings.paths(mart_data_dir).published, published)
    at = open_app(data_dir, monkeypatch)
    name = "Bevölkerung"
    before = sum(latest_over_units(data_dir, "bevoelkerung"))
    assert metric(at, name).value == fmt_number(before)

    # Publish a new snapshot the way the pipeline does: write a candidate, then replace atomically.
    candidate = tmp_path / "candidate.duckdb"
    shutil.copy(published, candidate)
    with duckdb.connect(str(candidate)) as con:
        con.execute(  # Potsdam, and the region total where the mart keeps one
            "UPDATE fct_indicator_value SET value = value + 1000 WHERE indicator_id = 'bevoelkerung'"
            " AND (region_ars = '120540000000'"
            "      OR region_ars IN (SELECT ars FROM dim_region WHERE level = 'kooperationsraum'))"
        )
    os.replace(candidate, published)

    at.run()
    assert not at.exception
    assert metric(at, name).value == fmt_number(before + 1000)


def test_mart_suppressed_cell_is_a_dot_on_the_indicator_page(mart_data_dir, monkeypatch):
    columns = {r[0] for r in mart_rows(mart_data_dir, "SELECT column_name FROM duckdb_columns()"
                                       " WHERE table_name = 'fct_partner_indicator_value'")}
    hits = mart_rows(mart_data_dir, "SELECT p.partner_name, p.indicator_id, p.period, d.domain, d.name_de"
                     " FROM fct_partner_indicator_value p JOIN dim_indicator d USING (indicator_id)"
                     " WHERE p.is_suppressed ORDER BY p.period_start DESC, p.partner_id LIMIT 1"
                     ) if "is_suppressed" in columns else []
    if not hits:
        pytest.skip("the published mart has no suppressed cell")
    partner, indicator_id, period, domain, name = hits[0]
    from regiohub.presentation.labels import domain_label

    at = open_app(mart_data_dir, monkeypatch, "pages/indikatoren.py",
                  {"indikator": f"{domain_label(domain)} · {name}", "partners": [partner]})
    assert at.selectbox(key="indikator").value == indicator_id
    series = next(df.value for df in all_tables(at) if "Gemessen für" in df.value.columns)
    period_type = mart_rows(mart_data_dir, "SELECT period_type FROM dim_indicator WHERE indicator_id = ?",
                            [indicator_id])[0][0]
    (cell,) = series.loc[series["Zeitraum"] == fmt_period(period, period_type), "Wert"]
    assert cell == "."
    assert SUPPRESSED_NOTE in page_text(at)
