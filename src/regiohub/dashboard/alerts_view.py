"""The Datenqualität page's banner: failures nobody has acknowledged yet (:mod:`regiohub.store.alerts`), in German."""

from __future__ import annotations

from typing import Any

import streamlit as st

from regiohub.core import settings
from regiohub.dashboard import data
from regiohub.dashboard.components import md_escape
from regiohub.presentation.fmt import fmt_datetime
from regiohub.store.alerts import open_alerts

MAX_LINES = 8
MART_STEPS = {"build_candidate": "Aufbau", "validate_candidate": "Prüfung", "publish_candidate": "Veröffentlichung"}


def describe(alert: dict[str, Any], names: dict[str, str]) -> str:
    """One German line for an alert: what failed, never an id."""
    d = alert.get("details") or {}
    source = d.get("source_id")
    name = f"„{md_escape(names.get(source, 'eine Quelle'))}“" if source else ""
    dag, task = str(d.get("dag_id") or ""), d.get("task_id")
    if d.get("kind") == "run":
        if source:
            return f"Abruf von {name} im Gesamtlauf fehlgeschlagen"
        return ("Gesamtlauf: Prüfung nicht bestanden, nichts veröffentlicht" if d.get("outcome") == "gate_failed"
                else "Gesamtlauf der Datenverarbeitung fehlgeschlagen")
    if "rejected" in d:
        return f"Gelieferte Datei(en) für {name} abgelehnt"
    if "max_age_hours" in d:
        return f"{name} liefert keine neuen Daten mehr (erlaubt: {d['max_age_hours']} Stunden)"
    if dag == "build_mart":
        step = MART_STEPS.get(str(task))
        return "Aktualisierung des Datenbestands fehlgeschlagen" + (f" ({step})" if step else "")
    if dag.startswith("inbox_") and source:
        return f"Verarbeitung einer gelieferten Datei für {name} fehlgeschlagen"
    if source:
        return f"Abruf von {name} fehlgeschlagen"
    if task:
        return "Eine Aufgabe der Datenverarbeitung ist fehlgeschlagen"
    return "Störung der Datenverarbeitung"


def banner(paths: settings.Paths) -> None:
    """A red box listing the open failures (nothing if there are none)."""
    alerts = open_alerts(paths)
    if not alerts:
        return
    names = data.source_names()
    lines = [f"- {fmt_datetime(a.get('raised_at'))}: {describe(a, names)}" for a in alerts[:MAX_LINES]]
    if len(alerts) > MAX_LINES:
        lines.append(f"- und {len(alerts) - MAX_LINES} weitere")
    heading = ("Eine Störung ist noch nicht bestätigt" if len(alerts) == 1
               else f"{len(alerts)} Störungen sind noch nicht bestätigt")
    note = ("Betroffene Quellen bleiben auf ihrem zuletzt veröffentlichten Stand. Der Hinweis bleibt sichtbar, "
            "bis das Datenteam die Störung geprüft und bestätigt hat (Befehl „regiohub ack“).")
    st.error(f"**{heading}**\n\n" + "\n".join(lines) + f"\n\n{note}", icon=":material/error:")
