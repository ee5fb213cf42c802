"""Rangfolge ranks fairly: a Kreiswert a Gemeinde takes over gets no rank, equal values share a rank, and absolute
counts of units of different size are not ranked at all."""

from __future__ import annotations

import pandas as pd

from regiohub.dashboard.tables import ranking_table
from regiohub.presentation.fmt import MISSING


def _frame() -> pd.DataFrame:
    rows = [("Potsdam", 30.0, False), ("Teltow-Fläming", 20.0, False), ("Havelland", 20.0, False),
            ("Luckenwalde", 20.0, True), ("Bad Belzig", 10.0, False)]
    return pd.DataFrame([{"partner_name": n, "value": v, "is_suppressed": False, "is_inherited": i,
                          "measured_level": "kreis" if i else "gemeinde", "measured_name": "Teltow-Fläming"}
                         for n, v, i in rows])


def test_equal_values_share_a_rank_and_a_kreiswert_is_not_ranked():
    table = ranking_table(_frame(), "higher_is_better", "je 10.000 EW").set_index("Partner")
    assert table["Rang"].to_dict() == {"Potsdam": "1", "Teltow-Fläming": "2", "Havelland": "2",
                                       "Luckenwalde": MISSING, "Bad Belzig": "4"}
    assert "kein Rang" in table.loc["Luckenwalde", "Hinweis"]


def test_absolute_counts_and_neutral_indicators_get_no_rank():
    for direction, unit in (("higher_is_better", "Anzahl"), ("neutral", "%")):
        table = ranking_table(_frame(), direction, unit)
        assert set(table["Rang"]) == {MISSING}
        assert list(table["Partner"])[0] == "Potsdam"  # still ordered by value
