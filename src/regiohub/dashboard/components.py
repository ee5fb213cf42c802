"""Reusable Streamlit pieces: the no-data guard, metric card, chart with caption and source line."""

from __future__ import annotations

from collections.abc import Iterable

import altair as alt
import duckdb
import pandas as pd
import streamlit as st

from regiohub.dashboard import data, geo
from regiohub.dashboard.fmt import fmt_datetime
from regiohub.dashboard.tables import SAMPLE_NOTE

NO_DATA_MESSAGE = "Noch keine Daten veröffentlicht – bitte `regiohub run` ausführen."
_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>$#|"})


def md_escape(text: object) -> str:
    """Escape Markdown control characters in text from the mart."""
    return str(text).translate(_MD_SPECIAL)


def require_mart() -> data.Mart:
    """The published mart; without one, show the friendly message and end the page here."""
    mart = data.current_mart()
    if mart is None:
        st.info(NO_DATA_MESSAGE, icon=":material/hourglass_empty:")
        st.stop()
    try:
        data.snapshot(mart)
    except duckdb.Error as exc:
        st.error(f"Der veröffentlichte Datenbestand kann nicht gelesen werden: {md_escape(exc)}")
        st.stop()
    return mart


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


def metric_card(label: str, value: str, caption: str = "", *, is_sample: bool = False, help: str | None = None) -> None:
    """A bordered key figure with an explanatory caption and, for sample data, the badge."""
    with st.container(border=True):
        st.metric(label, value, help=help)
        if caption:
            st.caption(caption)
        sample_badge(is_sample)


def chart_with_caption(chart: alt.TopLevelMixin, caption: str, mart: data.Mart, source_ids: Iterable[str]) -> None:
    """A chart, its caption and a one-line source reference."""
    st.altair_chart(chart, width="stretch")
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


def geo_attribution() -> None:
    """The BKG attribution required wherever the boundaries are shown."""
    st.markdown(f"Kartengrundlage: [{geo.GEO_ATTRIBUTION}]({geo.GEO_ATTRIBUTION_URL})")


def _sources(mart: data.Mart, source_ids: Iterable[str]) -> pd.DataFrame:
    wanted = list(dict.fromkeys(s for s in source_ids if s))
    srcs = data.sources(mart)
    return srcs.loc[[s for s in wanted if s in srcs.index]]
