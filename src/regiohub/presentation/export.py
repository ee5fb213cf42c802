"""Spreadsheet-safe exports: text that a spreadsheet would run as a formula is written as text.

A cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return, which some programs strip before
these) is a formula to Excel and LibreOffice, e.g. ``=HYPERLINK(…)`` from a register's operator name. In CSV
such text gets a leading apostrophe (the OWASP recommendation; spreadsheets show it as text); in Excel the
cell is stored with the string type, never as a formula. Numbers stay numbers.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """True for text a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_safe(value: Any) -> Any:
    """``value`` for a CSV cell: formula-like text prefixed with an apostrophe, everything else unchanged."""
    return f"'{value}" if is_formula_like(value) else value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """German CSV (``;``, decimal comma, UTF-8 with BOM for Excel) with formula-like text neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].astype(object).map(csv_safe)
    safe.columns = [csv_safe(str(c)) for c in safe.columns]
    return safe.to_csv(index=False, sep=";", decimal=",", encoding="utf-8").encode("utf-8-sig")


def set_cell(cell: Any, value: Any) -> None:
    """Write ``value`` to an openpyxl cell; text is always stored as text, never as a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
