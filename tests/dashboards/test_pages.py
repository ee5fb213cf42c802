"""Render every dashboard page with Streamlit's AppTest and check the figures against the mart."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from regiohub import settings
from regiohub.dashboard.fmt import TZ, fmt_date, fmt_number, fmt_period
from regiohub.registry import load_registry

PAGES = ["pages/uebersicht.py", "pages/indikatoren.py", "pages/karte.py"]
NO_DATA = "Noch keine Daten veröffentlicht – bitte `regiohub run` ausführen."
BKG = "© GeoBasis-DE / BKG 2021 (Daten verändert)"


def open_app(data_dir: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None) -> AppTest:
    """Run the dashboard router against ``data_dir`` (and switch to ``page``)."""
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(data_dir))
    at = AppTest.from_file(settings.DASHBOARD_APP, default_timeout=60).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def mart_rows(data_dir: Path, sql: str, params: list[Any] | None = None) -> list[tuple]:
    with duckdb.connect(str(settings.paths(data_dir).published), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def region_unit_ars() -> list[str]:
    """The five non-overlapping units of the partner region, by the registry."""
    units = [p.ars for p in load_registry().partners if p.level in ("kreisfreie_stadt", "landkreis")]
    assert len(units) == 5
    return units


def latest_over_units(data_dir: Path, indicator_id: str) -> list[float]:
    """Values of an indicator for the five units at their latest period."""
    rows = mart_rows(
        data_dir,
        "SELECT value FROM fct_indicator_value WHERE indicator_id = ? AND list_contains(?, region_ars)"
        " AND period_start = (SELECT max(period_start) FROM fct_indicator_value"
        "                     WHERE indicator_id = ? AND list_contains(?, region_ars))",
        [indicator_id, region_unit_ars(), indicator_id, region_unit_ars()],
    )
    return [r[0] for r in rows]


def partner_latest(data_dir: Path, partner_id: str, indicator_id: str) -> tuple:
    """(value, period, is_inherited, unit) of a partner's latest value."""
    return mart_rows(
        data_dir,
        "SELECT value, period, is_inherited, unit FROM fct_partner_indicator_value"
        " WHERE partner_id = ? AND indicator_id = ? ORDER BY period_start DESC LIMIT 1",
        [partner_id, indicator_id],
    )[0]


def column_of(table: Any, data_dir: Path, indicator_id: str) -> str:
    """The overview column of an indicator: headed by its name from dim_indicator."""
    (name,) = mart_rows(data_dir, "SELECT name_de FROM dim_indicator WHERE indicator_id = ?", [indicator_id])[0]
    (column,) = [c for c in table.columns if c.startswith(name)]
    return column


def de(text: str) -> float:
    """Parse a German number as shown ("1.234,5", "45,6 (Kreiswert)")."""
    return float(text.split(" ")[0].replace(".", "").replace(",", "."))


def approx(value: float) -> Any:
    """Equal to ``value`` as displayed with one decimal."""
    return pytest.approx(value, abs=0.051)


def metric(at: AppTest, label_start: str) -> str:
    hits = [m.value for m in at.metric if m.label.startswith(label_start)]
    assert len(hits) == 1, [m.label for m in at.metric]
    return hits[0]


def page_text(at: AppTest) -> str:
    return "\n".join(e.value for e in [*at.markdown, *at.caption, *at.info])


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_friendly_message_without_published_mart(tmp_path, monkeypatch, page):
    at = open_app(tmp_path / "empty", monkeypatch, page)
    assert [i.value for i in at.info] == [NO_DATA]
    assert not at.metric and not at.dataframe and not at.get("vega_lite_chart")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_reports_an_unreadable_mart_instead_of_failing(tmp_path, monkeypatch, page):
    published = settings.paths(tmp_path).published
    published.parent.mkdir(parents=True)
    published.write_bytes(b"this is not a DuckDB database" * 100)
    at = open_app(tmp_path, monkeypatch, page)
    assert len(at.error) == 1 and "kann nicht gelesen werden" in at.error[0].value
    assert not at.metric and not at.dataframe


def test_overview_key_figures_equal_mart_values(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch)
    population = latest_over_units(mart_data_dir, "bevoelkerung")
    assert len(population) == 5
    assert metric(at, "Einwohner") == fmt_number(sum(population))
    assert metric(at, "Ladepunkte") == fmt_number(sum(latest_over_units(mart_data_dir, "ladepunkte")))
    incidence = latest_over_units(mart_data_dir, "inzidenz_7_tage")
    low, high = metric(at, "7-Tage-Inzidenz").split(" – ")
    assert (de(low), de(high)) == (approx(min(incidence)), approx(max(incidence)))
    level, period, _, unit = partner_latest(mart_data_dir, "potsdam", "wasserstand_tagesmittel")
    assert metric(at, "Wasserstand") == f"{fmt_number(level)} {unit}"
    assert fmt_period(period, "day") in page_text(at)


def test_overview_partner_table_marks_inherited_values_and_sample_data(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch)
    table = at.dataframe[0].value
    partners = {p.name for p in load_registry().partners}
    assert set(table["Partner"]) == partners and len(table) == 9

    value, _, inherited, _ = partner_latest(mart_data_dir, "luckenwalde", "inzidenz_7_tage")
    by_partner = table.set_index("Partner")
    cell = by_partner.loc["Luckenwalde", column_of(table, mart_data_dir, "inzidenz_7_tage")]
    assert de(cell) == approx(value) and cell.endswith(" (Kreiswert)") == inherited
    einwohner = mart_rows(
        mart_data_dir,
        "SELECT value FROM fct_indicator_value WHERE region_ars = ?"
        " AND indicator_id = 'bevoelkerung' ORDER BY period_start DESC LIMIT 1",
        ["120540000000"],
    )
    assert by_partner.loc["Potsdam", column_of(table, mart_data_dir, "bevoelkerung")] == fmt_number(einwohner[0][0], 0)

    (published_at,) = mart_rows(mart_data_dir, "SELECT published_at FROM meta_snapshot")[0]
    assert f"Datenstand: {fmt_date(published_at.astimezone(TZ))}" in page_text(at)
    if mart_rows(mart_data_dir, "SELECT bool_or(is_sample) FROM fct_partner_indicator_value")[0][0]:
        assert "Beispieldaten" in set(table["Hinweis"])
        assert any("Beispieldaten" in m.value for m in at.markdown if "badge" in m.value)


def test_overview_shows_attribution_of_every_source_it_displays(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch)
    shown = mart_rows(
        mart_data_dir,
        "SELECT DISTINCT s.attribution, s.licence_url FROM dim_source s JOIN dim_indicator i USING (source_id)"
        " WHERE i.indicator_id IN ('bevoelkerung', 'ladepunkte', 'wasserstand_tagesmittel', 'inzidenz_7_tage')",
    )
    text = page_text(at)
    assert len(shown) == 4
    for attribution, url in shown:
        assert attribution in text.replace("\\", "") and url in text


def test_indicator_page_shows_mart_incidence_for_chosen_partner(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch, "pages/indikatoren.py")
    assert sorted(at.multiselect(key="partners").value) == sorted(p.id for p in load_registry().partners)
    at.selectbox(key="indicator").select("inzidenz_7_tage")
    at.multiselect(key="partners").set_value(["luckenwalde"])
    at.run()
    assert not at.exception

    value, period, inherited, _ = partner_latest(mart_data_dir, "luckenwalde", "inzidenz_7_tage")
    table = at.dataframe[0].value
    assert set(table["Partner"]) == {"Luckenwalde"}
    latest = table.iloc[0]  # newest first
    assert latest["Zeitraum"] == fmt_period(period, "day") and de(latest["Wert"]) == approx(value)
    assert ("Kreiswert" in latest["Hinweis"]) == inherited
    assert len(at.get("vega_lite_chart")) == 2  # time series and comparison

    definition, attribution = mart_rows(
        mart_data_dir,
        "SELECT i.definition_de, s.attribution FROM dim_indicator i JOIN dim_source s USING"
        " (source_id) WHERE indicator_id = 'inzidenz_7_tage'",
    )[0]
    text = page_text(at).replace("\\", "")
    assert definition in text and attribution in text


def test_indicator_page_renders_every_indicator(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch, "pages/indikatoren.py")
    indicator_ids = [r[0] for r in mart_rows(mart_data_dir, "SELECT indicator_id FROM dim_indicator")]
    for indicator_id in indicator_ids:
        at.selectbox(key="indicator").select(indicator_id).run()
        assert not at.exception, (indicator_id, [e.value for e in at.exception])
        assert at.dataframe, indicator_id
    at.multiselect(key="partners").set_value([]).run()
    assert "Bitte mindestens einen Partner auswählen." in [i.value for i in at.info]


def test_map_page_colours_by_mart_values_and_credits_bkg(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch, "pages/karte.py")
    assert any(BKG in m.value and "(http://www.bkg.bund.de)" in m.value for m in at.markdown)
    assert len(at.get("vega_lite_chart")) == 1

    at.selectbox(key="map_indicator").select("inzidenz_7_tage").run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("Gebiet")
    assert (table["Partner"] == "ja").sum() == 5
    value, period, _, _ = partner_latest(mart_data_dir, "teltow_flaeming", "inzidenz_7_tage")
    assert de(table.loc["Teltow-Fläming", "Wert"]) == approx(value)
    assert table.loc["Teltow-Fläming", "Zeitraum"] == fmt_period(period, "day")

    at.selectbox(key="map_indicator").select("bevoelkerung")
    at.radio(key="map_level").set_value(at.radio(key="map_level").options[1]).run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("Gebiet")
    assert set(table.index[table["Partner"] == "ja"]) >= {"Luckenwalde", "Ludwigsfelde", "Bad Belzig"}
    value, _, _, _ = partner_latest(mart_data_dir, "luckenwalde", "bevoelkerung")
    assert de(table.loc["Luckenwalde", "Wert"]) == approx(value)
    assert any(BKG in m.value for m in at.markdown)

    at.selectbox(key="map_indicator").select("__none__").run()  # outlines only
    assert not at.exception and len(at.get("vega_lite_chart")) == 1
    assert set(at.dataframe[0].value["Wert"]) == {"–"}
    assert any(BKG in m.value for m in at.markdown)


def test_newly_published_snapshot_is_shown_without_restart(mart_data_dir, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    published = settings.paths(data_dir).published
    published.parent.mkdir(parents=True)
    shutil.copy(settings.paths(mart_data_dir).published, published)
    at = open_app(data_dir, monkeypatch)
    before = sum(latest_over_units(data_dir, "bevoelkerung"))
    assert metric(at, "Einwohner") == fmt_number(before)

    # Publish a new snapshot the way the pipeline does: write a candidate, then replace atomically.
    candidate = tmp_path / "candidate.duckdb"
    shutil.copy(published, candidate)
    with duckdb.connect(str(candidate)) as con:
        con.execute(
            "UPDATE fct_indicator_value SET value = value + 1000 WHERE indicator_id = 'bevoelkerung'"
            " AND region_ars = '120540000000'"
        )
    os.replace(candidate, published)

    at.run()
    assert not at.exception
    assert metric(at, "Einwohner") == fmt_number(before + 1000)
