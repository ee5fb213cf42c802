"""The Steckbrief page's pieces: every indicator of one partner with trend, fair rank, Land value and the
median of similar municipalities across Brandenburg (all from the mart; see reports.similar)."""

from __future__ import annotations

import logging
import threading

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from regiohub.dashboard import components as ui
from regiohub.dashboard import data
from regiohub.presentation.fmt import fmt_cell
from regiohub.presentation.labels import COUNT_UNITS
from regiohub.reports import build, text
from regiohub.reports.model import CooperationReport, IndicatorLine
from regiohub.reports.similar import GROUP_SIZE, TYPOLOGY_NOTE

COLUMNS = ["Indikator", "Wert", "Zeitraum", "Veränderung", "Rang in der Kooperation", "Land Brandenburg",
           "Ähnliche Orte", "Ziel"]


@data.per_snapshot
def steckbrief(mart: data.Mart, partner_id: str) -> CooperationReport:
    """The partner's latest values (the report up to the newest year), shared per snapshot."""
    years = build.report_years(mart)
    return build.build_report(mart, partner_id, max(years))


def _value(line: IndicatorLine) -> str:
    value = fmt_cell(line.value, line.suppressed, text.decimals(line))
    unit = "" if line.unit in COUNT_UNITS or value in ("–", ".") else f" {line.unit}"
    return value + unit + (" (Kreiswert)" if line.is_inherited else "")


def rows(report: CooperationReport, lines: list[IndicatorLine]) -> pd.DataFrame:
    """The displayed table of a domain (strings, as on the page)."""
    out = []
    for line in lines:
        cells = text.row_cells(line, False)
        out.append({
            "Indikator": f"{line.name} ({line.unit})" if line.unit not in COUNT_UNITS else line.name,
            "Wert": _value(line),
            "Zeitraum": cells["Zeitraum"],
            "Veränderung": cells["Veränderung"] + (f" ggü. {cells['Vorjahr'].split('(')[-1].rstrip(')')}"
                                                   if cells["Veränderung"] != "–" else ""),
            "Rang in der Kooperation": text.rank_text(line, report.level),
            "Land Brandenburg": cells["Land"],
            "Ähnliche Orte": "–" if line.is_inherited else text.similar_text(line),
            "Ziel": cells["Ziel"],
        })
    return pd.DataFrame(out, columns=COLUMNS)


def group_section(report: CooperationReport) -> None:
    """Which municipalities the partner is compared with, and why."""
    group = report.group
    st.subheader("Vergleich mit ähnlichen Orten in Brandenburg")
    if group is None or not group.members:
        st.caption("Für diesen Partner ist keine Vergleichsgruppe bestimmbar (keine Einwohnerzahl im Datenbestand).")
        return
    st.markdown(f"**Typ:** {ui.md_escape(group.label)} · **Grundlage:** {ui.md_escape(group.basis)}")
    members = pd.DataFrame([{"Ort": name, "Einwohnerinnen und Einwohner": fmt_cell(pop, False, 0)}
                            for name, pop in group.members])
    ui.table(members)
    st.caption(TYPOLOGY_NOTE.format(n=GROUP_SIZE.get(report.level, 5)))


_warmed: set[str] = set()
_lock = threading.Lock()
log = logging.getLogger(__name__)


def warm(mart: data.Mart, partner_ids: list[str]) -> None:
    """Build the other partners' Steckbriefe in the background (once per snapshot, shared by all sessions), so
    that a partner change on a running server reads them from the cache; the page itself does not wait."""
    with _lock:
        if mart.version in _warmed:
            return
        _warmed.add(mart.version)
    thread = threading.Thread(target=_build_all, args=(mart, partner_ids), daemon=False, name="steckbrief-warm")
    add_script_run_ctx(thread, get_script_run_ctx())
    thread.start()


def _build_all(mart: data.Mart, partner_ids: list[str]) -> None:
    for partner_id in partner_ids:
        try:
            steckbrief(mart, partner_id)
        except Exception as exc:  # a failed prebuild only costs the later visitor the build
            log.warning("Steckbrief %s could not be prepared: %s", partner_id, exc)
