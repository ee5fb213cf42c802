"""Quoted values are one bounded line."""

from regiohub.core.echo import ECHO_LIMIT, cut


def test_long_value_is_cut_with_an_ellipsis() -> None:
    quoted = cut("x" * 10_000_000)
    assert len(quoted) == ECHO_LIMIT and quoted.endswith("…")


def test_short_value_is_one_line_and_whole() -> None:
    assert cut("Potsdam\n  Stadt") == "Potsdam Stadt"
