"""The Datenqualität page's tables, built from :mod:`regiohub.dashboard.ops`."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from regiohub.core import settings
from regiohub.dashboard import data, ops
from regiohub.dashboard.components import md_escape
from regiohub.ops.status import gate_checks, held_back
from regiohub.presentation.fmt import MISSING, fmt_cell, fmt_date, fmt_datetime
from regiohub.presentation.labels import quarantine_reason
from regiohub.registry.model import load_registry

OUTCOMES = {"published": "veröffentlicht", "unchanged": "unverändert", "gate_failed": "Prüfung nicht bestanden",
            "failed": "fehlgeschlagen", "running": "läuft", "rolled_back": "zurückgesetzt"}


def _interval(f: ops.Freshness) -> str:
    if f.interval is None:
        return f.schedule
    minutes = f.interval.total_seconds() / 60
    if minutes < 60:
        return f"alle {minutes:.0f} Minuten"
    if minutes < 24 * 60:
        return f"alle {minutes / 60:.0f} Stunden"
    return "täglich" if minutes == 24 * 60 else f"alle {minutes / 1440:.0f} Tage"


def freshness_table(paths: settings.Paths) -> pd.DataFrame:
    sources = load_registry().sources
    fresh = ops.freshness(paths, {s.id: s.schedule for s in sources})
    names = {s.id: s.name for s in sources}
    mart = data.current_mart()
    until = data.data_until(mart) if mart is not None else {}
    return pd.DataFrame([{
        "Quelle": names[f.source_id],
        "Daten bis": until.get(f.source_id, MISSING),
        "Zeitplan": _interval(f),
        "Zuletzt geprüft": fmt_datetime(f.last_checked_at),
        "Zuletzt neue Daten": fmt_datetime(f.last_loaded_at),
        "Status": f.status,
        "Letzter Fehler": f.last_error or "",
    } for f in fresh])


def _duration(run: dict) -> str:
    total = sum(v for v in (run.get("timings_s") or {}).values() if isinstance(v, int | float))
    return f"{fmt_cell(total, False, 1)} s" if total else MISSING


def runs_table(paths: settings.Paths, limit: int = 15) -> pd.DataFrame:
    rows = []
    for run in ops.runs(paths, limit):
        passed, failed, _ = ops.gate_summary(run)
        names = data.source_names()
        changed = [names.get(c["source_id"], c["source_id"]) for c in ops.changes(run) if c["status"] == "loaded"]
        failed_sources = [names.get(c["source_id"], c["source_id"]) for c in ops.changes(run)
                          if c["status"] == "failed"]
        rows.append({
            "Start": fmt_datetime(pd.Timestamp(run["started_at"])) if run.get("started_at") else MISSING,
            "Ergebnis": OUTCOMES.get(run.get("outcome"), run.get("outcome")),
            "Prüfungen bestanden": MISSING if passed is None else str(passed),
            "Prüfungen fehlgeschlagen": MISSING if failed is None else str(failed),
            "Neue Daten": ", ".join(changed) or MISSING,
            "Fehlerhafte Quellen": ", ".join(failed_sources),
            "Snapshot": run.get("snapshot_id") or "",
            "Dauer": _duration(run),
        })
    return pd.DataFrame(rows)


def last_gate(paths: settings.Paths) -> None:
    """The failed expectations of the newest run, if its gate failed."""
    runs = ops.runs(paths, 1)
    _, failed, failures = ops.gate_summary(runs[0])
    if failures:
        st.error("Letzter Lauf: Prüfung nicht bestanden – " + "; ".join(md_escape(f) for f in failures[:10]))
    elif failed == 0:
        st.success("Letzter Lauf: alle Prüfungen bestanden.")
    for f in held_back(paths):  # sources whose newest delivery failed: their last published data is shown
        st.warning(f"Quelle {md_escape(f['source_id'])} zurückgehalten – Prüfung {md_escape(f['check'])} "
                   f"({md_escape(f['model'])}): {md_escape(f['rows'])}")


def quarantine_table(paths: settings.Paths) -> pd.DataFrame:
    counts = ops.quarantine_counts(paths)
    names = data.source_names()
    return pd.DataFrame([{"Quelle": names.get(source, source), "Grund": quarantine_reason(reason),
                          "Zeilen in Quarantäne": fmt_cell(n)} for (source, reason), n in counts.items()])


def data_docs_link(paths: settings.Paths) -> None:
    index = ops.data_docs(paths)
    if index is None:
        st.caption("Noch keine Data Docs erzeugt (sie entstehen bei jedem Prüflauf).")
        return
    st.markdown(f"[Data Docs öffnen]({index.as_uri()}) – auf dem Server unter `{md_escape(index)}`")
    st.caption("Der Link öffnet die lokale Datei; im Browser eines anderen Rechners den Pfad auf dem Server nutzen.")


CONTENT_CHECKS = {  # check id of regiohub.audit.content → (German name, what it guards)
    "values_finite": ("Alle Werte endlich", "Kein Indikatorwert ist unendlich oder keine Zahl."),
    "series_kept": ("Keine Reihe verschwunden",
                    "Jede Reihe (Indikator und Gebiet) der bisher veröffentlichten Daten ist weiter vorhanden, "
                    "außer der Katalog nennt einen Grund."),
    "catalogue_coverage": ("Jede Partnerin mit aktuellem Wert",
                           "Jeder Indikator des Katalogs hat für jede Partnerin einen Wert für den neuesten "
                           "Zeitraum – oder der Katalog begründet, warum nicht."),
}
_FINDINGS = {  # the gate's finding texts (regiohub.audit.content), parsed to be said in German
    "values_finite": re.compile(r"(\d+) values not finite, e\.g\. (.*)"),
    "series_kept": re.compile(r"(\d+) series of the published snapshot missing .*?: (.*)"),
    "catalogue_coverage": re.compile(r"no value for (.*) and no reason in the catalogue for (\d+) partners: (.*)"),
}


def _n(count: str, one: str, many: str) -> str:
    return f"{count} {one if count == '1' else many}"


def finding_de(finding: dict, names: dict[str, str]) -> str:
    """``Indikatorname: <German text>`` for one finding of the content gate."""
    check, indicator = finding.get("check"), finding.get("indicator_id")
    detail = str(finding.get("detail", ""))
    match = _FINDINGS[check].fullmatch(detail) if check in _FINDINGS else None
    if match is None:
        return f"{names.get(indicator, indicator)}: {detail}"
    if check == "values_finite":
        n, shown = match.groups()
        text = f"{_n(n, 'Wert', 'Werte')} unendlich oder keine Zahl, z. B. {shown}"
    elif check == "series_kept":
        n, shown = match.groups()
        text = f"{_n(n, 'bisher veröffentlichte Reihe fehlt', 'bisher veröffentlichte Reihen fehlen')} " \
               f"ohne Grund im Katalog: {shown}"
    else:
        period, n, shown = match.groups()
        when = "keinen Zeitraum" if period == "any period" else fmt_date(period)
        text = f"kein Wert für {when} und kein Grund im Katalog bei {_n(n, 'Partnerin', 'Partnerinnen')}: {shown}"
    return f"{names.get(indicator, indicator)}: {text}"


def _indicator_names() -> dict[str, str]:
    mart = data.current_mart()
    if mart is None:
        return {}
    try:
        return data.indicators(mart)["name_de"].to_dict()
    except Exception:  # noqa: BLE001 - an unreadable mart must not hide the gate's results
        return {}


def content_checks_table(paths: settings.Paths) -> pd.DataFrame:
    """The content checks of the newest gate run: German name and purpose, status (icon + text), findings."""
    checks = gate_checks(paths)
    names = _indicator_names() if any(c["findings"] for c in checks) else {}
    rows = []
    for check in checks:
        title, purpose = CONTENT_CHECKS.get(check.get("check"), (str(check.get("check")), ""))
        rows.append({
            "Prüfung": title,
            "Was geprüft wird": purpose,
            "Ergebnis": "✔ bestanden" if check.get("success") else "✘ nicht bestanden",
            "Befunde": "; ".join(finding_de(f, names) for f in check["findings"]) or MISSING,
        })
    return pd.DataFrame(rows)
