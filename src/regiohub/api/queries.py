"""The API's SQL: constant statements and an allow-list of filter clauses; values only ever as parameters."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date
from typing import Any

from regiohub.core.echo import cut

INDICATORS = """
SELECT indicator_id, name_de, domain, unit, definition_de, formula_de, period_type, direction, frequency,
       levels, source_ids, licences, sdg_goal, is_personal
FROM dim_indicator ORDER BY domain, indicator_id"""

REGIONS = """
SELECT ars, ags, name, bez, level, parent_ars, kreis_ars, is_partner, partner_id, partner_name,
       is_cooperation_unit, valid_from, valid_to, successor_ars
FROM dim_region"""

VALUES_COUNT = "SELECT count(*) FROM fct_indicator_value v"

VALUES_FROM = """
FROM fct_indicator_value v JOIN dim_region r ON r.ars = v.region_ars"""

VALUES_COLUMNS = """
SELECT v.indicator_id, v.region_ars, r.name AS region_name, r.level, v.period, v.period_start, v.period_end,
       v.value, v.unit, v.numerator, v.denominator, v.quality_flag, v.is_suppressed, v.is_sample, v.source_id"""

VALUES_ORDER = " ORDER BY v.indicator_id, v.region_ars, v.period_start LIMIT ? OFFSET ?"

TARGETS = """
SELECT t.indicator_id, t.region_ars, r.name AS region_name, t.partner_id, t.agreement, t.target_comparison,
       t.base_period, t.base_value_period, t.base_value, t.latest_period, t.latest_value, t.target_period,
       t.target_value, t.gap, t.observed_cagr, t.required_cagr, t.progress_ratio, t.progress_class,
       t.not_assessable_reason, t.is_inherited, t.measured_ars, t.is_sample
FROM fct_target_progress t JOIN dim_region r ON r.ars = t.region_ars"""

PARTNER = "SELECT partner_id, partner_name, ars, level, kreis_ars FROM dim_region WHERE is_partner AND partner_id = ?"

STECKBRIEF = """
SELECT p.indicator_id, i.name_de, i.domain, p.period, p.period_start, p.value, p.unit, p.is_suppressed,
       p.quality_flag, p.measured_ars, p.measured_name, p.is_inherited, p.is_sample, p.source_id,
       t.target_value, t.target_comparison, t.status AS target_status
FROM fct_partner_indicator_value p
JOIN dim_indicator i USING (indicator_id)
LEFT JOIN fct_indicator_target_status t
  ON t.partner_id = p.partner_id AND t.indicator_id = p.indicator_id AND t.period = p.period
WHERE p.partner_id = ?
QUALIFY row_number() OVER (PARTITION BY p.indicator_id ORDER BY p.period_start DESC) = 1
ORDER BY i.domain, p.indicator_id"""

# name of a filter → (clause with one placeholder, how the parameter is passed)
VALUE_FILTERS: dict[str, str] = {
    "indicator": "list_contains(?, v.indicator_id)",
    "region": "list_contains(?, v.region_ars)",
    "level": "v.region_ars IN (SELECT ars FROM dim_region WHERE list_contains(?, level))",
    "period_from": "v.period_start >= ?",
    "period_to": "v.period_start <= ?",
}
TARGET_FILTERS: dict[str, str] = {
    "indicator": "list_contains(?, t.indicator_id)",
    "region": "list_contains(?, t.region_ars)",
    "partner": "list_contains(?, t.partner_id)",
    "progress_class": "list_contains(?, t.progress_class)",
    "agreement": "list_contains(?, t.agreement)",
}
REGION_FILTERS: dict[str, str] = {
    "level": "list_contains(?, level)",
    "partner": "is_partner = ?",
    "parent": "parent_ars = ?",
}


def where(allowed: dict[str, str], filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """`` WHERE a AND b`` from the allow-listed clauses of the filters that are set, and their parameters."""
    clauses, params = [], []
    for name, value in filters.items():
        if value is None or value == []:
            continue
        clauses.append(allowed[name])  # KeyError for anything not on the allow-list
        params.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def period_bound(text: str | None, *, end: bool) -> date | None:
    """``2024`` / ``2024-05`` / ``2024-05-17`` as the first (or, with ``end``, last) day of that period."""
    if text is None:
        return None
    m = _PERIOD.match(text)
    if not m:
        raise ValueError(f"period '{cut(text, 60)}': expected YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    if day:
        return date(year, month, day)
    if month:
        return date(year, month, monthrange(year, month)[1] if end else 1)
    return date(year, 12, 31) if end else date(year, 1, 1)
