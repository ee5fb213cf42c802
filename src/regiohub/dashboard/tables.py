"""Display tables (German column names, formatted values) built from mart query results."""

from __future__ import annotations

import pandas as pd

from regiohub.presentation.fmt import MISSING, SUPPRESSED, common_decimals, fmt_cell, fmt_period, is_missing

OWN_VALUE = "eigener Wert"
INHERITED_VALUE = "übernommener Wert"
KREIS_NOTE = "Kreiswert"
SAMPLE_NOTE = "Beispieldaten"
COUNT_UNITS = {"Anzahl", "Personen"}


def origin_note(is_inherited: object, measured_level: object, measured_name: object) -> str:
    """Note on where a partner's value comes from: empty if its own, "Kreiswert", or "Wert für <unit>"."""
    if is_missing(is_inherited) or not bool(is_inherited):
        return ""
    if measured_level == "kreis" or is_missing(measured_name):
        return KREIS_NOTE
    return f"Wert für {measured_name}"


def value_cell(value: float | None, note: str = "", decimals: int | None = None, suppressed: object = False) -> str:
    """A formatted value with its note, e.g. ``45,6 (Kreiswert)``; ``.`` when suppressed."""
    text = fmt_cell(value, suppressed, decimals)
    return f"{text} ({note})" if note and text not in (MISSING, SUPPRESSED) else text


def column_title(name: str, unit: str | None) -> str:
    """Column header for an indicator: its name, with the unit unless it is a plain count."""
    return name if not unit or unit in COUNT_UNITS else f"{name} ({unit})"


def overview_table(latest: pd.DataFrame, partners: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """One row per partner, one column per indicator (in the order of ``indicators``): the latest value."""
    by_key = {(r.partner_id, r.indicator_id): r for r in latest.itertuples()}
    decimals = {i: common_decimals(latest.loc[latest["indicator_id"] == i, "value"]) for i in indicators.index}
    rows = []
    for p in partners.itertuples():
        row: dict[str, str] = {"Partner": p.partner_name}
        sample = False
        for ind in indicators.itertuples():
            r = by_key.get((p.partner_id, ind.indicator_id))
            title = column_title(ind.name_de, ind.unit)
            if r is None:
                row[title] = MISSING
                continue
            note = origin_note(r.is_inherited, r.measured_level, r.measured_name)
            row[title] = value_cell(r.value, note, decimals[ind.indicator_id], getattr(r, "is_suppressed", False))
            sample = sample or bool(r.is_sample)
        row["Hinweis"] = SAMPLE_NOTE if sample else ""
        rows.append(row)
    return pd.DataFrame(rows)


def periods_caption(latest: pd.DataFrame, indicators: pd.DataFrame) -> str:
    """``Stand: Einwohner 15.05.2022 · Ladepunkte 2025 · …`` (latest period per indicator)."""
    parts = []
    for ind in indicators.itertuples():
        rows = latest[latest["indicator_id"] == ind.indicator_id]
        if not rows.empty:
            period = rows.sort_values("period_start").iloc[-1]["period"]
            parts.append(f"{ind.name_de} {fmt_period(period, ind.period_type)}")
    return "Stand: " + " · ".join(parts) if parts else ""


def series_table(series: pd.DataFrame, unit: str, period_type: str) -> pd.DataFrame:
    """Values of one indicator per partner and period, as shown in the table alternative to the charts."""
    notes = [
        " · ".join(
            n
            for n in (
                origin_note(r.is_inherited, r.measured_level, r.measured_name),
                SAMPLE_NOTE if r.is_sample else "",
            )
            if n
        )
        for r in series.itertuples()
    ]
    decimals = common_decimals(series["value"])
    return pd.DataFrame(
        {
            "Partner": series["partner_name"].astype(str).to_numpy(),
            "Zeitraum": [fmt_period(p, period_type) for p in series["period"]],
            "Wert": [fmt_cell(v, s, decimals) for v, s in zip(series["value"], _suppressed(series), strict=True)],
            "Einheit": unit,
            "Gemessen für": series["measured_name"].astype(str).to_numpy(),
            "Hinweis": notes,
        }
    )


def _suppressed(frame: pd.DataFrame) -> list[bool]:
    """The is_suppressed flags of ``frame`` (all False where the mart has no such column)."""
    if "is_suppressed" not in frame:
        return [False] * len(frame)
    return [bool(s) and not is_missing(s) for s in frame["is_suppressed"]]


def any_suppressed(frame: pd.DataFrame) -> bool:
    """True if a row of ``frame`` is suppressed."""
    return any(_suppressed(frame))


_RANK_CAPTIONS = {
    "higher_is_better": "Platz 1 = höchster Wert (höher ist besser).",
    "lower_is_better": "Platz 1 = niedrigster Wert (niedriger ist besser).",
}


def ranking_caption(direction: str) -> str:
    return _RANK_CAPTIONS.get(direction, "absteigend nach Wert (neutraler Indikator: keine Bewertung).")


def ranking_table(at_period: pd.DataFrame, direction: str, unit: str = "") -> pd.DataFrame:
    """Partners at one period ordered by value (by the indicator's direction); suppressed values last. Fair ranks:
    only own values are ranked (a Kreiswert taken over by a Gemeinde is not), equal values share a rank, and
    absolute counts get none (units of different size are not comparable)."""
    usable = [not s and not is_missing(v) for v, s in zip(at_period["value"], _suppressed(at_period), strict=True)]
    ranked = at_period[usable].sort_values("value", ascending=direction == "lower_is_better")
    rest = at_period[[not u for u in usable]]
    decimals = common_decimals(at_period["value"])
    rankable = direction in ("higher_is_better", "lower_is_better") and unit not in COUNT_UNITS
    own = [float(v) for v, inherited in zip(ranked["value"], ranked["is_inherited"], strict=True) if not inherited]
    rows = []
    for r in ranked.itertuples():
        note = origin_note(r.is_inherited, r.measured_level, r.measured_name)
        better = sum(v > r.value if direction == "higher_is_better" else v < r.value for v in own)
        place = str(better + 1) if rankable and not r.is_inherited else MISSING
        rows.append({"Rang": place, "Partner": r.partner_name, "Wert": fmt_cell(r.value, False, decimals),
                     "Hinweis": note + ("; kein Rang" if r.is_inherited and rankable else "")})
    for r in rest.itertuples():
        rows.append({"Rang": MISSING, "Partner": r.partner_name,
                     "Wert": fmt_cell(r.value, getattr(r, "is_suppressed", False), decimals), "Hinweis": ""})
    return pd.DataFrame(rows, columns=["Rang", "Partner", "Wert", "Hinweis"])


def download_frame(series: pd.DataFrame, unit: str, period_type: str) -> pd.DataFrame:
    """The values shown in the table, with numbers kept numeric (suppressed: ``.``) for CSV and Excel."""
    shown = series_table(series, unit, period_type)
    values = [SUPPRESSED if s else (None if is_missing(v) else float(v))
              for v, s in zip(series["value"], _suppressed(series), strict=True)]
    starts = [None if is_missing(d) else pd.Timestamp(d).date() for d in series["period_start"]]
    return shown.assign(Wert=values, Zeitraum=series["period"].astype(str).to_numpy(),
                        **{"Beginn des Zeitraums": starts})  # a real date in Excel
