"""German formatting helpers of the dashboards."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from regiohub.presentation.fmt import (
    common_decimals,
    fmt_date,
    fmt_datetime,
    fmt_list,
    fmt_number,
    fmt_period,
    fmt_range,
    fmt_value,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, None, "1.234,5"),
        (1646662.0, None, "1.646.662"),
        (12.345, None, "12,3"),
        (12.345, 2, "12,35"),
        (0.0, None, "0"),
        (-0.04, None, "0"),
        (-1234.0, None, "-1.234"),
        (None, None, "–"),
        (float("nan"), None, "–"),
        (pd.NA, None, "–"),
    ],
)
def test_fmt_number_uses_german_separators(value, decimals, expected):
    assert fmt_number(value, decimals) == expected


def test_fmt_value_omits_count_units():
    assert fmt_value(312.0, "cm") == "312 cm"
    assert fmt_value(1234.0, "Personen") == "1.234"
    assert fmt_value(None, "cm") == "–"


def test_dates_and_periods():
    assert fmt_date(date(2026, 11, 21)) == "21.11.2026"
    assert fmt_date("2026-11-21") == "21.11.2026"
    assert fmt_date(pd.Timestamp("2026-11-21 23:59")) == "21.11.2026"
    assert fmt_period("2026-11-14", "day") == "14.11.2026"
    assert fmt_period("2025", "year") == "2025"
    # Snapshot times are shown in German local time (CET in November).
    assert fmt_datetime(datetime(2026, 11, 21, 23, 30, tzinfo=UTC)) == "22.11.2026, 00:30 Uhr"


def test_fmt_list():
    assert fmt_list(["Potsdam"]) == "Potsdam"
    assert fmt_list(["A", "B", "C"]) == "A, B und C"


def test_values_shown_together_share_their_decimals():
    assert common_decimals([243.0, 125.6, None]) == 1
    assert common_decimals([243.0, 292.0]) == 0
    assert fmt_range(5.0, 55.84) == "5,0 – 55,8"
