"""„Herkunft eines Werts“ on the Datenkatalog page: a partner's value of an indicator for a period and the raw loads
(``dim_load``) it was computed from, with source, origin, time, SHA-256, addresses and licence. Parameterised SQL."""

from __future__ import annotations

import re
from html import escape

import pandas as pd

from regiohub.dashboard import data
from regiohub.dashboard.components import md_escape
from regiohub.presentation.fmt import SUPPRESSED, fmt_datetime, fmt_period, fmt_value, is_missing

ORIGIN_LABELS = {
    "publisher": "beim Herausgeber abgerufen",
    "operator": "vom Datenteam übergebene Originaldatei",
    "recording": "mitgelieferte Beispieldaten",
    "unknown": "ohne Herkunftsnachweis",
}
COLUMNS = ["Quelle", "Herkunft", "Abgerufen am", "Prüfsumme (SHA-256)", "Adressen", "Lizenz"]
SHORT_HASH = 12

_VALUE = """
SELECT p.value, p.unit, p.is_suppressed, p.is_sample, p.is_inherited, p.measured_name, v.source_load_ids
FROM fct_partner_indicator_value p
JOIN fct_indicator_value v ON v.region_ars = p.measured_ars AND v.indicator_id = p.indicator_id
                          AND v.period = p.period
WHERE p.indicator_id = ? AND p.partner_id = ? AND p.period = ?"""
_LOADS = """
SELECT i.load_id, s.name AS source_name, coalesce(l.origin, 'unknown') AS origin, l.payload_sha256, l.fetched_at,
       l.operator_file, l.urls, l.licence, l.licence_url
FROM (SELECT unnest(?::VARCHAR[]) AS load_id) i
LEFT JOIN dim_load l ON l.load_id = i.load_id
LEFT JOIN dim_source s ON s.source_id = l.source_id
ORDER BY l.fetched_at NULLS LAST, i.load_id"""
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


def loads(mart: data.Mart, ids: list[str]) -> pd.DataFrame:
    """One row per load id (origin ``unknown`` where ``dim_load`` has no entry), oldest first."""
    return mart.query(_LOADS, [ids])


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
    urls = _URL.findall(_text(load["urls"]))
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
