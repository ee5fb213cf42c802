"""Übersicht opens with the goals, read from the published mart's fct_target_progress: for a partner each card
shows the value, the target with its year and the progress class in words; a Gemeinde is judged on its Kreis's
value as its Kennzahl is; the region's summary counts the same classes its cards show."""

from __future__ import annotations

from dash_helpers import approx, de, mart_rows, open_app, page_text

from regiohub.presentation.fmt import fmt_period
from regiohub.presentation.labels import PROGRESS_LABELS, progress_text
from regiohub.registry.model import load_registry

CARDS_SQL = """
SELECT i.name_de, i.unit, p.latest_value, p.target_value, p.target_period, p.progress_class, p.is_inherited,
       p.gap, p.target_comparison
FROM fct_target_progress p JOIN dim_indicator i USING (indicator_id)
WHERE {where}"""


def _cards(at) -> dict[str, list[str]]:
    """Markdown of each card by its title (``**Name (Einheit)**``)."""
    markdown = [m.value for m in at.markdown]
    starts = [i for i, m in enumerate(markdown) if m.startswith("**") and m.endswith(")**")]
    return {markdown[i].strip("*"): markdown[i + 1:end] for i, end in zip(starts, [*starts[1:], len(markdown)])}


def test_overview_shows_each_goal_of_a_partner_with_value_target_gap_and_class(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch, query={"partner": "Luckenwalde"})
    assert [h.value for h in at.header][0] == "Gemeinsame Ziele: Luckenwalde"  # an h2, the goals come first
    cards = _cards(at)
    rows = mart_rows(mart_data_dir, CARDS_SQL.format(where="p.partner_id = 'luckenwalde'"))
    assert len(rows) == len(load_registry_targets())
    for name, unit, value, target, period, cls, _inherited, gap, comparison in rows:
        card = cards[f"{name} ({unit})"]
        assert progress_text(cls) in card[0]  # the badge: the class in words
        shown = next(m for m in card if m.startswith("Wert: "))  # "Wert: **28,1** (15.11.2026)  \nZiel: …"
        assert de(shown.split("**")[1]) == approx(value)
        assert de(shown.split("Ziel: ")[1].split("**")[1]) == target
        assert (period if len(period) == 4 else fmt_period(period, "day")) in shown  # 2030 or 31.12.2027
        if cls not in ("achieved", "not_assessable"):
            verb = "fehlen bis" if comparison == "at_least" else "zu viel für"
            gap_line = card[card.index(shown) + 1]
            assert de(gap_line) == approx(gap) and f" {verb} " in gap_line
    covid = next(r for r in rows if r[0].startswith("COVID"))
    assert covid[6] and covid[5] != "not_assessable"  # the Kreiswert of Teltow-Fläming, as in the Kennzahl
    assert "Teltow-Fläming (Kreiswert: kein eigener Wert)" in page_text(at)
    gauge = next(p.reference_gauge for p in load_registry().partners if p.id == "luckenwalde")
    (gauge_name,) = mart_rows(mart_data_dir, "SELECT any_value(gauge_name) FROM fct_water_level_daily"
                              " WHERE gauge_number = ?", [gauge])[0]
    assert f"Gemessen: Pegel {gauge_name.title()}" in page_text(at)
    assert at.warning and at.warning[0].value.startswith("**Beispieldaten:**")  # banner at the top


def test_region_summary_counts_the_classes_its_cards_show(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch)
    rows = mart_rows(mart_data_dir, CARDS_SQL.format(
        where="p.region_ars = (SELECT ars FROM dim_region WHERE level = 'kooperationsraum')"))
    summary = next(m.value for m in at.markdown if " Ziele: " in m.value)
    for cls in PROGRESS_LABELS:
        n = sum(r[5] == cls for r in rows)
        assert (f"{n} × {progress_text(cls)}" in summary) == (n > 0), summary
    water = mart_rows(mart_data_dir, "SELECT progress_class, count(*) FROM fct_target_progress"
                      " WHERE indicator_id = 'wasserstand_tagesspanne' AND partner_id IS NOT NULL GROUP BY 1")
    partners = "Partner: " + ", ".join(f"{n} × {PROGRESS_LABELS[c]}" for c in PROGRESS_LABELS
                                       for cc, n in water if cc == c)
    assert partners in page_text(at)  # the partners counted in the same classes as the summary
    assert len(at.get("vega_lite_chart")) >= len([r for r in rows if r[2] is not None])


def load_registry_targets() -> list:
    from regiohub.registry.targets import load_targets

    return load_targets()
