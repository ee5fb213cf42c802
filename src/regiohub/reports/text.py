"""The report's cells as German text, shared by the page, the PDF and the Excel export."""

from __future__ import annotations

from regiohub.presentation.fmt import MISSING, common_decimals, fmt_cell, fmt_change, fmt_datetime, fmt_period
from regiohub.presentation.labels import NOT_ASSESSABLE_REASONS, PROGRESS_LABELS
from regiohub.reports.model import CooperationReport, IndicatorLine

SAMPLE_NOTE = "Beispieldaten: plausible Beispielwerte, keine amtlichen Daten."
MODIFIED = "Daten verändert"

COLUMNS = ["Indikator", "Einheit", "Zeitraum", "Wert", "Vorjahr", "Veränderung", "Land", "Vergleich", "Rang", "Ziel",
           "Hinweis"]


def decimals(line: IndicatorLine) -> int:
    """Decimals shared by a line's values (0 for whole numbers, else 1)."""
    return common_decimals([line.value, line.previous_value, *(p.value for p in line.peers)])


def comparison(line: IndicatorLine, subject_is_region: bool) -> str:
    """``Partner gleicher Ebene: 4,3 – 42`` or, for the region, the range of its units."""
    rng = line.peer_range
    if rng is None:
        return MISSING
    d = decimals(line)
    label = "Gebietseinheiten" if subject_is_region else "übrige Partner"
    return f"{label}: {fmt_cell(rng[0], False, d)} – {fmt_cell(rng[1], False, d)}"


def target_value_text(line: IndicatorLine) -> str:
    """``mind. 20,0 bis 2030`` (``–`` without a target value)."""
    if line.target_value is None:
        return MISSING
    word = "mind." if line.target_comparison == "at_least" else "höchst."
    when = line.target_period or ""
    when = when if len(when) == 4 else fmt_period(when, "day")
    return f"{word} {fmt_cell(line.target_value, False, decimals(line))} bis {when}".strip()


def target_text(line: IndicatorLine) -> str:
    """The Ziel column: ``mind. 20,0 bis 2030: auf Kurs``."""
    if not line.target_status:
        return MISSING
    return f"{target_value_text(line)}: {PROGRESS_LABELS.get(line.target_status, line.target_status)}"


def gap_text(line: IndicatorLine) -> str:
    """``10,9 fehlen bis 20,0 im Jahr 2030`` (empty when achieved or unknown); why a target cannot be assessed."""
    if line.target_status == "not_assessable" and line.target_reason:
        return NOT_ASSESSABLE_REASONS.get(line.target_reason, line.target_reason)
    if line.target_gap is None or line.target_value is None or line.target_status == "achieved":
        return ""
    d = decimals(line)
    verb = "fehlen bis" if line.target_comparison == "at_least" else "zu viel für"
    when = line.target_period or ""
    when = f"im Jahr {when}" if len(when) == 4 else f"bis zum {fmt_period(when, 'day')}"
    return f"{fmt_cell(line.target_gap, False, d)} {verb} {fmt_cell(line.target_value, False, d)} {when}"


def row_cells(line: IndicatorLine, subject_is_region: bool) -> dict[str, str]:
    """One report line as the displayed strings, keyed by :data:`COLUMNS`."""
    d = decimals(line)
    same = line.previous_period == line.period
    return {
        "Indikator": line.name,
        "Einheit": line.unit,
        "Zeitraum": fmt_period(line.period, line.period_type),
        "Wert": fmt_cell(line.value, line.suppressed, d),
        "Vorjahr": MISSING if same or line.previous_period is None else (
            f"{fmt_cell(line.previous_value, line.previous_suppressed, d)}"
            f" ({fmt_period(line.previous_period, line.period_type)})"
        ),
        "Veränderung": fmt_change(line.change, d),
        "Land": fmt_cell(line.land_value, False, d),
        "Vergleich": comparison(line, subject_is_region),
        "Rang": f"{line.rank} von {line.n_ranked}" if line.rank else MISSING,
        "Ziel": target_text(line),
        "Hinweis": line.note,
    }


def heading(report: CooperationReport) -> str:
    return f"Kooperationsbericht {report.year}: {report.subject}"


def stand(report: CooperationReport, with_snapshot: bool = True) -> str:
    """``Datenstand: 07.12.2026, 22:12 Uhr (Snapshot …). Werte bis 31.12.2025.`` (the cover leaves the id out)."""
    snap = f" (Snapshot {report.snapshot_id})" if report.snapshot_id and with_snapshot else ""
    return f"Datenstand: {fmt_datetime(report.published_at)}{snap}. Werte bis 31.12.{report.year}."


def targets_summary(report: CooperationReport) -> str:
    """``5 Ziele: 2 × Ziel erreicht, 3 × auf Kurs.`` (classes of the published rule, as on the goal cards)."""
    c = {k: n for k, n in report.target_counts().items() if n}
    if not c:
        return "Für diese Auswahl sind keine Ziele festgelegt."
    return f"{sum(c.values())} Ziele: " + ", ".join(f"{n} × {PROGRESS_LABELS[k]}" for k, n in c.items()) + "."


def attribution(source: dict) -> str:
    """The source's attribution with ``Daten verändert``: every mart value is derived (keyed, aggregated, rated)."""
    text = str(source.get("attribution") or source.get("name") or "")
    return text if "verändert" in text else f"{text} ({MODIFIED})"


def licence_line(source: dict) -> str:
    """Provider, dataset, licence and link, e.g. for dl-de/by-2-0: ``Bereitsteller: Datensatz – Lizenz (URL)``."""
    return (f"{attribution(source)}. Datensatz: {source.get('name')}. Lizenz: {source.get('licence')}"
            f" ({source.get('licence_url')})")


LEVEL_PLURAL = {"gemeinde": "Gemeinden", "kreis": "Kreisen"}


def rank_text(line: IndicatorLine, level: str) -> str:
    """``2 von 4 Gemeinden``; inherited values and neutral indicators get no rank."""
    if line.is_inherited:
        return "kein Rang (Kreiswert)"
    if not line.rank:
        return MISSING
    return f"{line.rank} von {line.n_ranked} {LEVEL_PLURAL.get(level, '')}".strip()


def similar_text(line: IndicatorLine) -> str:
    """``Median 21.338,5 (19.921 – 22.793)`` of the comparison group, ``–`` without (at least 3) values."""
    if line.similar is None or line.similar[3] < 3:
        return MISSING
    median, low, high, n = line.similar
    d = common_decimals([median, low, high, line.value])
    return f"Median {fmt_cell(median, False, d)} ({fmt_cell(low, False, d)} – {fmt_cell(high, False, d)}; {n} Orte)"
