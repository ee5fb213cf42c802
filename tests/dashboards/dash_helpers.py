"""Helpers shared by the dashboard tests: open the app on a data dir, read the mart directly, parse German numbers."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from regiohub.core import settings
from regiohub.registry.model import load_registry

MART_PAGES = ["pages/uebersicht.py", "pages/indikatoren.py", "pages/kooperationsbericht.py", "pages/datenkatalog.py"]
ALL_PAGES = [*MART_PAGES, "pages/datenqualitaet.py"]
NO_DATA = "Noch keine Daten veröffentlicht – bitte `regiohub run` ausführen."
BKG = "© GeoBasis-DE / BKG 2021 (Daten verändert)"


def open_app(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None, query: dict[str, Any] | None = None
) -> AppTest:
    """Run the dashboard router against ``data_dir`` with a URL query (and switch to ``page``)."""
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(data_dir))
    at = AppTest.from_file(settings.DASHBOARD_APP, default_timeout=60)
    if page:
        at.switch_page(page)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def mart_rows(data_dir: Path, sql: str, params: list[Any] | None = None) -> list[tuple]:
    with duckdb.connect(str(settings.paths(data_dir).published), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def region_unit_ars() -> list[str]:
    """The five non-overlapping units of the partner region, by the registry."""
    units = [p.ars for p in load_registry().partners if p.level in ("kreisfreie_stadt", "landkreis")]
    assert len(units) == 5
    return units


def latest_over_units(data_dir: Path, indicator_id: str) -> list[float]:
    """Values of an indicator for the five units at their latest period."""
    rows = mart_rows(
        data_dir,
        "SELECT value FROM fct_indicator_value WHERE indicator_id = ? AND list_contains(?, region_ars)"
        " AND period_start = (SELECT max(period_start) FROM fct_indicator_value"
        "                     WHERE indicator_id = ? AND list_contains(?, region_ars))",
        [indicator_id, region_unit_ars(), indicator_id, region_unit_ars()],
    )
    return [r[0] for r in rows]


def partner_values(data_dir: Path, partner_id: str, indicator_id: str) -> list[tuple]:
    """(value, period, is_inherited, unit) of a partner's values, newest first."""
    return mart_rows(
        data_dir,
        "SELECT value, period, is_inherited, unit FROM fct_partner_indicator_value"
        " WHERE partner_id = ? AND indicator_id = ? ORDER BY period_start DESC",
        [partner_id, indicator_id],
    )


def indicator_name(data_dir: Path, indicator_id: str) -> str:
    return mart_rows(data_dir, "SELECT name_de FROM dim_indicator WHERE indicator_id = ?", [indicator_id])[0][0]


def de(text: str) -> float:
    """Parse a German number as shown ("1.234,5", "45,6 (Kreiswert)", "+6,9 ggü. 2025", "20,6 je 10.000 EW")."""
    return float(text.split(" ")[0].replace(".", "").replace(",", "."))


def approx(value: float) -> Any:
    """Equal to ``value`` as displayed with one decimal."""
    return pytest.approx(value, abs=0.051)


def metric(at: AppTest, label_part: str) -> Any:
    hits = [m for m in at.metric if label_part in m.label]
    assert len(hits) == 1, [m.label for m in at.metric]
    return hits[0]


def page_text(at: AppTest) -> str:
    return "\n".join(e.value for e in [*at.markdown, *at.caption, *at.info, *at.error, *at.success])


def suppress_one_value(published: Path, partner_ars: str, indicator_id: str) -> str:
    """Mark the newest value of a region as suppressed the way the mart contract states it (value NULL,
    is_suppressed true, quality_flag primary_suppression), adding the columns where the mart lacks them."""
    with duckdb.connect(str(published)) as con:
        for table in ("fct_indicator_value", "fct_partner_indicator_value"):
            cols = {r[0] for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]).fetchall()}
            if "is_suppressed" not in cols:
                con.execute(f"ALTER TABLE {table} ADD COLUMN is_suppressed BOOLEAN DEFAULT false").fetchall()
        (period,) = con.execute(
            "SELECT period FROM fct_indicator_value WHERE region_ars = ? AND indicator_id = ?"
            " ORDER BY period_start DESC LIMIT 1", [partner_ars, indicator_id]).fetchall()[0]
        con.execute("UPDATE fct_indicator_value SET value = NULL, is_suppressed = true"
                    " WHERE region_ars = ? AND indicator_id = ? AND period = ?",
                    [partner_ars, indicator_id, period]).fetchall()
        con.execute("UPDATE fct_partner_indicator_value SET value = NULL, is_suppressed = true"
                    " WHERE measured_ars = ? AND indicator_id = ? AND period = ?",
                    [partner_ars, indicator_id, period]).fetchall()
    return period


def last_published_run(data_dir: Path) -> dict[str, Any]:
    """The newest publishing run as the pipeline recorded it."""
    from regiohub.store.runs import recent_runs

    return next(r for r in recent_runs(settings.paths(data_dir), 50) if r["outcome"] == "published")


class _TableParser(HTMLParser):
    """The tables of an HTML snippet as lists of rows (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def all_tables(at: AppTest) -> list[SimpleNamespace]:
    """Every table on the page (st.dataframe and the HTML tables of ``components.table``), each with ``.value``
    as a DataFrame of the displayed strings."""
    out = [SimpleNamespace(value=df.value) for df in at.dataframe]
    for element in at.get("html"):
        parser = _TableParser()
        parser.feed(element.value)
        for rows in parser.tables:
            if rows:
                out.append(SimpleNamespace(value=pd.DataFrame(rows[1:], columns=rows[0])))
    return out
