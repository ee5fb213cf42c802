"""„Herkunft eines Werts“ on the Datenkatalog page: a partner's value of an indicator for a period and the raw loads
it was computed from, with source, origin, time, SHA-256, addresses and licence — read through
:func:`regiohub.lineage.loads.load_provenance` (``dim_load``), as the read API and the catalogue do."""

from __future__ import annotations

import re
from html import escape

import pandas as pd

from regiohub.core import duckdb_settings
from regiohub.dashboard import data
from regiohub.dashboard.components import md_escape
from regiohub.lineage.loads import ORIGIN_LABELS, load_provenance
from regiohub.presentation.fmt import SUPPRESSED, fmt_datetime, fmt_period, fmt_value, is_missing

__all__ = ["ORIGIN_LABELS", "SHORT_HASH", "hashes_snippet", "load_ids", "loads", "loads_html", "periods",
           "value_row", "value_text"]
COLUMNS = ["Quelle", "Herkunft", "Abgerufen am", "Prüfsumme (SHA-256)", "Adressen", "Lizenz"]
SHORT_HASH = 12

_VALUE = """
SELECT p.value, p.unit, p.is_suppressed, p.is_sample, p.is_inherited, p.measured_name, v.source_load_ids
FROM fct_partner_indicator_value p
JOIN fct_indicator_value v ON v.region_ars = p.measured_ars AND v.indicator_id = p.indicator_id
                          AND v.period = p.period
WHERE p.indicator_id = ? AND p.partner_id = ? AND p.period = ?"""
_URL = re.compile(r"https?://[^\s,;|\"'<>]+")


def periods(mart: data.Mart, indicator_id: str, partner_id: str) -> list[str]:
    """Periods with a value of the indicator for the partner, newest first."""
    df = mart.query("SELECT period FROM fct_partner_indicator_value WHERE indicator_id = ? AND partner_id = ?"
                    " GROUP BY period ORDER BY max(period_start) DESC", [indicator_id, partner_id])
    return df["period"].tolist()


def value_row(mart: data.Mart, indicator_id: str, partner_id: str, period: str) -> pd.Series | None:
    """The partner's value with the load ids of the region it was measured for (None if there is none)."""
    df = mart.query(_VALUE, [indicator_id, partner_id, period])
    return None if df.empty else df.iloc[0]


def load_ids(row: pd.Series) -> list[str]:
    ids = row["source_load_ids"]
    return [] if ids is None or isinstance(ids, float) else [str(i) for i in ids]


@data.per_snapshot
def _provenance(mart: data.Mart, ids: tuple[str, ...]) -> pd.DataFrame:
    with duckdb_settings.connect(mart.path, read_only=True) as con:
        records = load_provenance(con, list(ids))
    frame = pd.DataFrame(records, columns=list(records[0]) if records else ["load_id", "fetched_at"])
    return frame.sort_values(["fetched_at", "load_id"], na_position="last", kind="stable", ignore_index=True)


def loads(mart: data.Mart, ids: list[str]) -> pd.DataFrame:
    """One row per load id (origin ``unknown`` where ``dim_load`` has no entry), oldest first."""
    return _provenance(mart, tuple(ids))


def value_text(row: pd.Series, period_type: str, period: str) -> str:
    """``**Wert:** 20,6 je 10.000 EW · Zeitraum 2025 · gemessen für Landkreis Teltow-Fläming``."""
    suppressed = bool(row["is_suppressed"]) and not is_missing(row["is_suppressed"])
    shown = f"{SUPPRESSED} (gesperrt)" if suppressed else fmt_value(row["value"], row["unit"])
    text = f"**Wert:** {md_escape(shown)} · **Zeitraum:** {md_escape(fmt_period(period, period_type))}"
    if bool(row["is_inherited"]) and not is_missing(row["is_inherited"]):
        text += f" · **gemessen für:** {md_escape(row['measured_name'])} (übernommener Wert)"
    return text


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def _code(text: str, title: str = "") -> str:
    tip = f' title="{escape(title)}"' if title else ""
    return f'<code style="overflow-wrap:anywhere;white-space:normal"{tip}>{escape(text)}</code>'


def _link(url: str, inner: str) -> str:
    return f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">{inner}</a>'


def _addresses(load: pd.Series) -> str:
    urls = [u for u in load["urls"] if _URL.fullmatch(u)] if isinstance(load["urls"], list) else []
    parts = [_link(u, _code(u)) for u in dict.fromkeys(urls)]
    if _text(load["operator_file"]):
        parts.append("Datei " + _code(_text(load["operator_file"])))
    return "<br>".join(parts) or "–"


def _licence(load: pd.Series) -> str:
    name, url = _text(load["licence"]), _text(load["licence_url"])
    if not name:
        return "–"
    return _link(url, escape(name)) if _URL.fullmatch(url) else escape(name)


def _hash(sha: str) -> str:
    if not sha:
        return "–"
    return _code(sha[:SHORT_HASH] + "…" if len(sha) > SHORT_HASH else sha, sha)


def loads_html(frame: pd.DataFrame) -> str:
    """The loads as an accessible HTML table in the dashboards' table style (cards on a phone)."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in COLUMNS)
    rows = []
    for _, load in frame.iterrows():
        cells = [
            escape(_text(load["source_name"]) or "unbekannte Quelle"),
            escape(ORIGIN_LABELS.get(_text(load["origin"]), ORIGIN_LABELS["unknown"])),
            escape(fmt_datetime(load["fetched_at"])),
            _hash(_text(load["payload_sha256"])),
            _addresses(load),
            _licence(load),
        ]
        rows.append("<tr>" + "".join(f'<td data-label="{escape(c)}">{v}</td>'
                                     for c, v in zip(COLUMNS, cells, strict=True)) + "</tr>")
    widths = "".join(f'<col style="width:{w}%">' for w in (16, 16, 13, 14, 25, 16))
    return (f'<div class="rh-table"><table><caption>Ladevorgänge, aus denen der Wert berechnet ist</caption>'
            f"<colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
            "</table></div>")


def hashes_snippet(frame: pd.DataFrame) -> str:
    """Load id and full SHA-256 per load, one a line (for comparing with the raw data)."""
    lines = [f"{r.load_id}  {_text(r.payload_sha256) or '-'}" for r in frame.itertuples()]
    return "\n".join(["# Ladevorgang  SHA-256 der gelieferten Rohdaten", *lines])
