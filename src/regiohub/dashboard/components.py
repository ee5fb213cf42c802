"""Reusable Streamlit pieces: the no-data guard, metric card, chart with caption and source line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

import duckdb
import pandas as pd
import streamlit as st

from regiohub.core import settings
from regiohub.dashboard import data, geo, legal
from regiohub.dashboard.tables import SAMPLE_NOTE
from regiohub.presentation.export import csv_bytes
from regiohub.presentation.fmt import SUPPRESSED_NOTE, fmt_datetime
from regiohub.presentation.labels import DIRECTION_LABELS, STATUS_ICONS, STATUS_LABELS, domain_label, plain_formula

_STATUS_COLOURS = {"met": "green", "close": "orange", "missed": "red"}

NO_DATA_MESSAGE = "Noch keine Daten veröffentlicht – bitte `regiohub run` ausführen."
_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>$#|"})


def page(title: str) -> None:
    """Start a page: language, focus and contrast set-up, then its title (run inside the page's script: elements
    the router draws before a non-default page are not kept)."""
    legal.page_setup(title)
    st.title(title)


def md_escape(text: object) -> str:
    """Escape Markdown control characters in text from the mart."""
    return str(text).translate(_MD_SPECIAL)


FALLBACK_MESSAGE = ("Der aktuelle Datenstand ist vorübergehend nicht lesbar. Angezeigt wird der zuletzt gesicherte "
                    "Datenstand; das Team stellt den aktuellen Stand wieder her.")


def require_mart() -> data.Mart:
    """The published mart; without one, show the friendly message and end the page here."""
    mart = data.current_mart()
    if mart is None and settings.paths().published.exists():  # published, but damaged and no intact snapshot
        st.error(UNREADABLE_MESSAGE)
        st.stop()
    if mart is None:
        st.info(NO_DATA_MESSAGE, icon=":material/hourglass_empty:")
        st.stop()
    try:
        data.snapshot(mart)
    except duckdb.Error:  # never the error text: it names server paths
        st.error(UNREADABLE_MESSAGE)
        st.stop()
    if mart.fallback:
        st.warning(FALLBACK_MESSAGE, icon=":material/history:")
    if data.sources(mart)["is_sample"].any():
        st.warning(SAMPLE_BANNER, icon=":material/science:")
    return mart


UNREADABLE_MESSAGE = ("Der veröffentlichte Datenbestand kann gerade nicht gelesen werden. Bitte versuchen Sie es "
                      "später erneut.")
SAMPLE_BANNER = (
    "**Beispieldaten:** Diese Seite zeigt auch plausible Beispielwerte, keine amtlichen Daten. "
    "Betroffene Werte sind mit „Beispieldaten“ markiert."
)


def snapshot_caption(mart: data.Mart) -> None:
    """``Datenstand: 21.11.2026, 10:30 Uhr (Snapshot …)``."""
    snap = data.snapshot(mart)
    if snap is None:
        st.caption("Datenstand: unbekannt")
        return
    st.caption(f"Datenstand: {fmt_datetime(snap['published_at'])} (Snapshot {md_escape(snap['snapshot_id'])})")


def sample_badge(is_sample: bool) -> None:
    """The "Beispieldaten" badge, shown wherever sample values are displayed."""
    if is_sample:
        st.badge(
            SAMPLE_NOTE,
            icon=":material/science:",
            color="orange",
            help="Plausible Beispielwerte, keine amtlichen Daten.",
        )


_NUMERIC = re.compile(r"^[+\-]?[\d.]+(,\d+)?( ?%)?$")


def table(frame: pd.DataFrame, caption: str = "") -> None:
    """A readable HTML table: cells wrap at 1400 px, and on a phone every row becomes a card with each value
    under its column name (no horizontal scrolling). Text is escaped; numbers are right-aligned."""
    head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            shown = "" if value is None else str(value)
            cls = ' class="num"' if _NUMERIC.match(shown) else ""
            cells.append(f'<td data-label="{escape(str(column))}"{cls}>{escape(shown)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    cols = "".join(f'<col style="width:{w:.1f}%">' for w in _column_widths(frame))
    st.html(f'<div class="rh-table"><table>{cap}<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _column_widths(frame: pd.DataFrame) -> list[float]:
    """Column shares (%) from the content: long texts get more room, but no column more than 40 characters'."""
    weights = []
    for column in frame.columns:
        cells = [str(v) for v in frame[column] if v is not None]
        longest_word = max([len(w) for c in [str(column), *cells] for w in c.split()] or [4])
        typical = max([len(c) for c in cells] or [len(str(column))])
        weights.append(max(longest_word, min(typical, 40), 4))
    total = sum(weights) or 1
    return [100 * w / total for w in weights]


def chart_with_caption(chart: dict, caption: str, mart: data.Mart, source_ids: Iterable[str]) -> None:
    """A chart (Vega-Lite spec), its caption and a one-line source reference. Screen readers get the caption as
    the chart's one text alternative; its axes and marks are not read out one by one."""
    config = chart.get("config", {})
    chart = {**chart, "description": chart.get("description") or caption,
             "config": {**config, "axis": {**config.get("axis", {}), "aria": False},
                        "mark": {**config.get("mark", {}), "aria": False},
                        "legend": {**config.get("legend", {}), "aria": False}}}
    st.vega_lite_chart(chart, width="stretch")
    if caption:
        st.caption(caption)
    names = _sources(mart, source_ids)["name"].tolist()
    if names:
        st.caption("Quelle: " + "; ".join(md_escape(n) for n in names))


def source_attributions(mart: data.Mart, source_ids: Iterable[str]) -> None:
    """The attribution and licence of each source shown on the page (from dim_source)."""
    srcs = _sources(mart, source_ids)
    if srcs.empty:
        return
    lines = []
    for s in srcs.itertuples():
        line = f"- {md_escape(s.attribution)} – Lizenz: [{md_escape(s.licence)}]({s.licence_url})"
        if s.is_sample:
            line += f" – **{SAMPLE_NOTE}**"
        lines.append(line)
    st.markdown("**Quellen und Lizenzen**\n\n" + "\n".join(lines))


def attribution_lines(mart: data.Mart, source_ids: Iterable[str]) -> list[str]:
    """``Attribution – Lizenz: … (URL)`` per source, as plain text for exports."""
    return [f"{s.attribution} – Lizenz: {s.licence} ({s.licence_url})" for s in _sources(mart, source_ids).itertuples()]


def geo_attribution() -> None:
    """The BKG attribution required wherever the boundaries are shown."""
    st.markdown(f"Kartengrundlage: [{geo.GEO_ATTRIBUTION}]({geo.GEO_ATTRIBUTION_URL})")


def _sources(mart: data.Mart, source_ids: Iterable[str]) -> pd.DataFrame:
    wanted = list(dict.fromkeys(s for s in source_ids if s))
    srcs = data.sources(mart)
    return srcs.loc[[s for s in wanted if s in srcs.index]]


def suppression_note(shown: bool) -> None:
    """Explain the "." shown for suppressed values (only where one is shown)."""
    if shown:
        st.caption(SUPPRESSED_NOTE)


def target_badge(status: str | None) -> None:
    """A target status as badge with icon and text (never colour alone)."""
    if status in STATUS_LABELS:
        st.badge(f"{STATUS_ICONS[status]} {STATUS_LABELS[status]}", color=_STATUS_COLOURS[status])


def indicator_facts(mart: data.Mart, ind: pd.Series) -> None:
    """Definition, unit, formula, direction, sources and licence of an indicator (shown with its charts)."""
    lines = [
        f"**Definition:** {md_escape(ind['definition_de'])}",
        f"**Einheit:** {md_escape(ind['unit'])} · **Bereich:** {domain_label(ind['domain'])}"
        f" · **Richtung:** {DIRECTION_LABELS.get(ind['direction'], ind['direction'])}",
    ]
    if isinstance(ind.get("formula_de"), str) and ind["formula_de"]:
        lines.append(f"**Formel:** {md_escape(plain_formula(ind['formula_de']))}")
    st.markdown("  \n".join(lines))
    source_attributions(mart, indicator_sources(ind))


def indicator_sources(ind: pd.Series) -> list[str]:
    """The source ids of an indicator (``source_ids`` where the mart lists several, else ``source_id``)."""
    ids = ind.get("source_ids")
    if ids is not None and not isinstance(ids, str) and len(ids):
        return [str(i) for i in ids]
    return [str(ind["source_id"])]


def download_buttons(frame: pd.DataFrame, basename: str, notes: list[str], key: str) -> None:
    """CSV (German: ``;`` and decimal comma, UTF-8 with BOM for Excel) and Excel downloads of ``frame``."""
    left, right = st.columns(2)
    csv = csv_bytes(frame)
    left.download_button("CSV herunterladen", csv, f"{basename}.csv", "text/csv", key=f"{key}_csv",
                         icon=":material/download:")
    right.download_button(
        "Excel herunterladen",
        lambda: _excel(frame, notes),
        f"{basename}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        icon=":material/table_view:",
    )


def _excel(frame: pd.DataFrame, notes: list[str]) -> bytes:
    from regiohub.reports.excel import frame_to_excel  # openpyxl is imported only when a download is asked for

    return frame_to_excel(frame, notes=notes)
