"""Übersicht opens with the agreed goals: for a partner, each goal's value, target, status and date equal the
mart's target status; the water goal names the partner's reference gauge."""

from __future__ import annotations

from dash_helpers import approx, de, mart_rows, open_app, page_text

from regiohub.build.transform import load_targets
from regiohub.presentation.fmt import fmt_period
from regiohub.presentation.labels import STATUS_LABELS
from regiohub.registry.model import load_registry


def test_overview_shows_the_agreed_goals_of_a_partner(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch, query={"partner": "Luckenwalde"})
    headings = [h.value for h in at.subheader]
    assert headings[0] == "Gemeinsame Ziele: Luckenwalde"  # the goals come first
    text = page_text(at)
    markdown = [m.value for m in at.markdown]
    for target in load_targets():
        rows = mart_rows(mart_data_dir, """
            SELECT t.period, t.value, t.target_value, t.status, i.name_de, i.unit, i.period_type
            FROM fct_indicator_target_status t JOIN dim_indicator i USING (indicator_id)
            WHERE t.partner_id = 'luckenwalde' AND t.indicator_id = ? ORDER BY t.period_start DESC LIMIT 1""",
                         [target.indicator_id])
        if not rows:
            continue
        period, value, target_value, status, name, unit, period_type = rows[0]
        title = next(i for i, m in enumerate(markdown) if m == f"**{name} ({unit})**")
        shown = markdown[title + 1]  # "Wert: **13,4** · Ziel: mindestens 20,0"
        assert de(shown.split("**")[1]) == approx(value)
        assert de(shown.split("Ziel: ")[1].split(" ", 1)[1]) == target_value
        assert STATUS_LABELS[status] in markdown[title + 2]
        assert f"Stand: {fmt_period(period, period_type)}" in text
    gauge = next(p.reference_gauge for p in load_registry().partners if p.id == "luckenwalde")
    (gauge_name,) = mart_rows(mart_data_dir, "SELECT any_value(gauge_name) FROM fct_water_level_daily"
                              " WHERE gauge_number = ?", [gauge])[0]
    assert f"Gemessen: Pegel {gauge_name.title()}" in text
