"""Typed values from publisher text, as SQL expressions over one CSV cell, and the reason a cell fails.

Every expression reads a column we named ourselves (``c0``, ``c1`` …, see
:mod:`regiohub.ingest.connectors.csv_payloads`): a header or a value of the payload never becomes SQL.
A cell that has text but no readable value yields NULL *and* a problem (``unreadable number in
"Anzahl Ladepunkte"``); the ingest step quarantines such rows with that reason
(:func:`regiohub.ingest.quarantine.classify`), so an unreadable value never reaches raw as NULL.

Numbers: ``22``, ``22,5`` and ``1.234,5`` (decimal comma, thousands dots), ``52.4`` (decimal point);
NaN, infinities and exponents (``1e400``) are not numbers here. Dates: ``dd.mm.yyyy``, ``dd.mm.yy``
(century: the later of 19yy/20yy that is not after the source's horizon), ISO ``yyyy-mm-dd`` with or
without a time and offset (the calendar date as written). Dates outside the source's horizon are a
problem too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Kind = Literal["text", "integer", "number", "date"]

_DECIMAL_COMMA = r"[+-]?[0-9]+(,[0-9]+)?"
_THOUSANDS = r"[+-]?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?"
_DECIMAL_POINT = r"[+-]?([0-9]+|[0-9]*\.[0-9]+)"
_DMY4 = r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4}"
_DMY2 = r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2}"
_MAX_DIGITS = 10**18  # whole numbers of up to 18 digits
_ISO = r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?"


@dataclass(frozen=True)
class Horizon:
    """Dates a source can hold: ``first`` to ``last`` (both inclusive)."""

    first: date
    last: date


def literal(text: str) -> str:
    """A SQL string literal of our own text (labels, reasons); never used for payload content."""
    return "'" + text.replace("'", "''") + "'"


def cell(col: str) -> str:
    """The trimmed text of a cell, NULL when empty."""
    return f"nullif(trim({col}), '')"


def number(col: str) -> str:
    v = cell(col)
    plain = f"try_cast({v} as double)"
    parsed = (
        # fast path first (no regular expression): a whole number as DuckDB writes it
        f"case when try_cast({v} as bigint)::varchar = {v} and abs(try_cast({v} as bigint)) < {_MAX_DIGITS} "
        f"then {plain} "
        f"when regexp_full_match({v}, '{_THOUSANDS}') "
        f"then try_cast(replace(replace({v}, '.', ''), ',', '.') as double) "
        f"when regexp_full_match({v}, '{_DECIMAL_COMMA}') then try_cast(replace({v}, ',', '.') as double) "
        f"when regexp_full_match({v}, '{_DECIMAL_POINT}') then try_cast({v} as double) end"
    )
    return f"(case when isfinite({parsed}) then {parsed} end)"


def integer(col: str) -> str:
    v = cell(col)
    fast = f"try_cast({v} as bigint)"  # digits as DuckDB writes them: no regular expression needed
    return (f"(case when {fast}::varchar = {v} and abs({fast}) < {_MAX_DIGITS} then {fast} "
            f"when regexp_full_match({v}, '[+-]?[0-9]{{1,18}}') then try_cast({v} as bigint) end)")


def date_value(col: str, horizon: Horizon) -> str:
    v = cell(col)
    yy = f"try_cast(split_part({v}, '.', 3) as integer)"
    century = f"(case when 2000 + {yy} <= {horizon.last.year} then 2000 + {yy} else 1900 + {yy} end)"
    iso = f"try_strptime({v}, '%Y-%m-%d')::date"
    return (
        f"(case when strftime({iso}, '%Y-%m-%d') = {v} then {iso} "  # fast path: a plain ISO date
        f"when regexp_full_match({v}, '{_DMY4}') then try_strptime({v}, '%d.%m.%Y')::date "
        f"when regexp_full_match({v}, '{_DMY2}') then try_strptime(split_part({v}, '.', 1) || '.' || "
        f"split_part({v}, '.', 2) || '.' || {century}::varchar, '%d.%m.%Y')::date "
        f"when regexp_full_match({v}, '{_ISO}') then try_strptime(left({v}, 10), '%Y-%m-%d')::date end)"
    )


def typed(kind: Kind, col: str, horizon: Horizon | None = None) -> str:
    """The typed value of column ``col``."""
    if kind == "integer":
        return integer(col)
    if kind == "number":
        return number(col)
    if kind == "date":
        return date_value(col, horizon or default_horizon())
    return cell(col)


def problem(kind: Kind, col: str, label: str, horizon: Horizon | None = None) -> str | None:
    """SQL yielding the reason this cell is bad (NULL when fine); None for text."""
    if kind == "text":
        return None
    value = typed(kind, col, horizon)
    what = {"integer": "whole number", "number": "number", "date": "date"}[kind]
    whens = [f"when {cell(col)} is not null and {value} is null then {literal(f'unreadable {what} in {label!r}')}"]
    if kind == "date":
        h = horizon or default_horizon()
        whens.append(
            f"when {value} not between DATE '{h.first.isoformat()}' and DATE '{h.last.isoformat()}' "
            f"then {literal(f'date outside {h.first:%d.%m.%Y}–{h.last:%d.%m.%Y} in {label!r}')}"
        )
    return f"case {' '.join(whens)} end"


def default_horizon() -> Horizon:
    return Horizon(date(1900, 1, 1), date.today())
