"""Typed publisher values: the fast paths (no regular expression) read exactly what the full rules read."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from regiohub.ingest.connectors.csv_values import Horizon, typed

HORIZON = Horizon(date(1990, 1, 1), date(2026, 12, 31))
CASES = [  # (kind, cell, value)
    ("integer", "12", 12), ("integer", "-5", -5), ("integer", "+5", 5), ("integer", "-0", 0), ("integer", "007", 7),
    ("integer", " 42 ", 42), ("integer", "999999999999999999", 999999999999999999),
    ("integer", "1000000000000000000", None), ("integer", "1e2", None), ("integer", "1_000", None),
    ("integer", "1.5", None), ("integer", "0x10", None), ("integer", "", None),
    ("number", "12", 12.0), ("number", "13.2", 13.2), ("number", "12.0", 12.0), ("number", "-0.5", -0.5),
    ("number", "1.234", 1234.0), ("number", "-1.234", -1234.0), ("number", "1.234,5", 1234.5),
    ("number", "1.234.567", 1234567.0), ("number", "22,5", 22.5), ("number", ".5", 0.5), ("number", "5.", None),
    ("number", "1234.567", 1234.567), ("number", "1000000000000000000", 1e18), ("number", "1e2", None),
    ("number", "1e400", None), ("number", "inf", None), ("number", "nan", None), ("number", "-inf", None),
    ("number", "1_000", None), ("number", "0.0001", 0.0001),
    ("date", "2024-03-05", date(2024, 3, 5)), ("date", "2024-3-5", None), ("date", "2024-02-30", None),
    ("date", "2024-03-05T10:00:00+01:00", date(2024, 3, 5)), ("date", "05.03.2024", date(2024, 3, 5)),
    ("date", "5.3.2024", date(2024, 3, 5)), ("date", "5.3.24", date(2024, 3, 5)), ("date", "5.3.95", date(1995, 3, 5)),
    ("date", "20240305", None), ("date", "", None),
]


@pytest.fixture(scope="module")
def con():
    with duckdb.connect() as c:
        yield c


@pytest.mark.parametrize(("kind", "text", "expected"), CASES, ids=[f"{k}:{t!r}" for k, t, _ in CASES])
def test_typed_value(con, kind, text, expected):
    got = con.execute(f"select {typed(kind, 'c0', HORIZON)} from (select ?::varchar as c0)", [text]).fetchone()[0]
    assert got == expected
