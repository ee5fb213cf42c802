"""Indicator values from the published mart: partners' series, regions at a period, the whole region.

All values come from the mart as published (the Kooperationsraum's own values included); nothing is
recomputed here. Every value reaches SQL as a parameter.
"""

from __future__ import annotations

import pandas as pd

from regiohub.dashboard.data import Mart, indicators
from regiohub.presentation.labels import HEADLINE_CANDIDATES

_PARTNER_VALUES = """
    SELECT p.partner_id, p.partner_name, p.indicator_id, p.period, p.period_start, p.value, p.unit,
           p.measured_ars, p.measured_name, p.is_inherited, r.level AS measured_level, p.source_id, p.is_sample,
           p.is_suppressed, pr.level AS partner_level
    FROM fct_partner_indicator_value p
    JOIN dim_region r ON r.ars = p.measured_ars
    JOIN dim_region pr ON pr.ars = p.partner_ars
"""


def partner_latest(mart: Mart, indicator_ids: list[str]) -> pd.DataFrame:
    """The latest value of each partner for each of the given indicators."""
    latest = (
        " WHERE list_contains(?, p.indicator_id)"
        " QUALIFY row_number() OVER (PARTITION BY p.partner_id, p.indicator_id ORDER BY p.period_start DESC) = 1"
    )
    return mart.query(_PARTNER_VALUES + latest, [list(indicator_ids)])


def partner_series(mart: Mart, indicator_id: str, partner_ids: list[str]) -> pd.DataFrame:
    """All values of one indicator for the given partners, oldest first."""
    return mart.query(
        _PARTNER_VALUES
        + " WHERE p.indicator_id = ? AND list_contains(?, p.partner_id) ORDER BY p.period_start, p.partner_name",
        [indicator_id, list(partner_ids)],
    )


def region_values_latest(
    mart: Mart, indicator_id: str | None, ars: list[str], period: str | None = None
) -> pd.DataFrame:
    """Values of one indicator for the given regions (12-digit ARS) at ``period`` or their common latest period.

    Without an indicator the result is empty (with the same columns).
    """
    return mart.query(
        """
        WITH v AS (
            SELECT region_ars, period, period_start, value, unit, source_id, is_sample, is_suppressed
            FROM fct_indicator_value WHERE indicator_id = ? AND list_contains(?, region_ars)
        )
        SELECT * FROM v WHERE CASE WHEN ? IS NULL THEN period_start = (SELECT max(period_start) FROM v)
                                   ELSE period = ? END
        ORDER BY region_ars
        """,
        [indicator_id or "", list(ars) if indicator_id else [], period, period],
    )


def level_series(mart: Mart, indicator_id: str, level: str) -> pd.DataFrame:
    """The values of one indicator for the single region of a level (``kooperationsraum`` or ``land``),
    oldest first: period, period_start, value, is_suppressed, is_sample."""
    return mart.query(
        "SELECT f.period, f.period_start, f.value, f.is_suppressed, f.is_sample FROM fct_indicator_value f"
        " JOIN dim_region r ON r.ars = f.region_ars WHERE r.level = ? AND f.indicator_id = ? ORDER BY f.period_start",
        [level, indicator_id],
    )


def periods(mart: Mart, indicator_id: str) -> list[str]:
    """Periods of an indicator with partner values, newest first."""
    df = mart.query(
        "SELECT period FROM fct_partner_indicator_value WHERE indicator_id = ?"
        " GROUP BY period ORDER BY max(period_start) DESC",
        [indicator_id],
    )
    return df["period"].tolist()


def headline_indicators(mart: Mart) -> dict[str, str]:
    """The key indicator per domain present in the mart (domain → indicator_id)."""
    present = set(indicators(mart).index)
    out = {}
    for domain, candidates in HEADLINE_CANDIDATES.items():
        hit = next((c for c in candidates if c in present), None)
        if hit:
            out[domain] = hit
    return out
