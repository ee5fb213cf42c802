"""German formatting of numbers, dates and periods for the dashboards (1.234,5 and 21.11.2026)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

MISSING = "–"
TZ = ZoneInfo("Europe/Berlin")
_SWAP_SEPARATORS = str.maketrans({",": ".", ".": ","})


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_number(value: float | int | None, decimals: int | None = None) -> str:
    """Format a number as ``1.234,5``; whole numbers get no decimals unless ``decimals`` is given."""
    if is_missing(value):
        return MISSING
    v = float(value)  # type: ignore[arg-type]
    if math.isinf(v):
        return MISSING
    if decimals is None:
        decimals = 0 if v.is_integer() else 1
    text = f"{v:,.{decimals}f}".translate(_SWAP_SEPARATORS)
    return "0" if text in {"-0", "-0,0"} else text


def common_decimals(values: Iterable[object]) -> int:
    """Decimals to show a set of values alike: 0 if all are whole numbers, else 1."""
    present = [float(v) for v in values if not is_missing(v)]  # type: ignore[arg-type]
    return 0 if all(v.is_integer() for v in present) else 1


def fmt_range(low: float | None, high: float | None) -> str:
    """``5,5 – 55,8``, both ends with the same decimals."""
    decimals = common_decimals([low, high])
    return f"{fmt_number(low, decimals)} – {fmt_number(high, decimals)}"


def fmt_value(value: float | int | None, unit: str | None = None, decimals: int | None = None) -> str:
    """Number with its unit, e.g. ``312 cm``; counts (Anzahl, Personen) are shown without unit."""
    text = fmt_number(value, decimals)
    if text == MISSING or not unit or unit in {"Anzahl", "Personen"}:
        return text
    return f"{text} {unit}"


def to_date(value: date | datetime | str | pd.Timestamp) -> date:
    """A date from a date, datetime, pandas Timestamp or ISO string."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def fmt_date(value: date | datetime | str | pd.Timestamp | None) -> str:
    """``21.11.2026``."""
    if is_missing(value):
        return MISSING
    return to_date(value).strftime("%d.%m.%Y")  # type: ignore[arg-type]


def fmt_datetime(value: datetime | pd.Timestamp | None) -> str:
    """``21.11.2026, 10:15 Uhr`` in German local time (naive values are taken as UTC)."""
    if is_missing(value):
        return MISSING
    ts = pd.Timestamp(value)  # type: ignore[arg-type]
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.tz_convert(TZ).strftime("%d.%m.%Y, %H:%M Uhr")


MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]


def period_date(period: str) -> date | None:
    """The first day of a period ``JJJJ-MM`` or ``JJJJ-MM-TT`` (None for years and other text)."""
    text = str(period)
    try:
        if len(text) == 7 and text[4] == "-":
            return date(int(text[:4]), int(text[5:]), 1)
        if len(text) >= 10:
            return date.fromisoformat(text[:10])
    except ValueError:
        return None
    return None


def fmt_period(period: str | None, period_type: str | None = None) -> str:
    """A period label for display: ``14.11.2026`` for days and dates, ``November 2026`` for months, years as
    they are."""
    if is_missing(period):
        return MISSING
    text = str(period)
    day = None if period_type == "year" else period_date(text)
    if day is None:
        return text
    if len(text) == 7:
        return f"{MONTHS[day.month - 1]} {day.year}"
    return fmt_date(day)


def fmt_list(items: list[str]) -> str:
    """``A, B und C``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " und " + items[-1]


SUPPRESSED = "."
SUPPRESSED_NOTE = (
    "„.“ = Wert unterdrückt (statistische Geheimhaltung: Fallzahlen von 1 oder 2 sowie Felder, "
    "aus denen sie sich zurückrechnen ließen)."
)


def fmt_cell(value: float | int | None, suppressed: object = False, decimals: int | None = None) -> str:
    """A table cell: ``.`` for a suppressed value, ``–`` for a missing one, else the German number."""
    if not is_missing(suppressed) and bool(suppressed):
        return SUPPRESSED
    return fmt_number(value, decimals)


def fmt_change(value: float | None, decimals: int | None = None) -> str:
    """A signed change, e.g. ``+1.234`` or ``-5,2``; ``–`` if unknown."""
    if is_missing(value):
        return MISSING
    text = fmt_number(value, decimals)
    return text if text.startswith("-") or text == "0" else f"+{text}"
