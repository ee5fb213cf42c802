"""Labels shared by the dashboards and the reports (no Streamlit import)."""

from __future__ import annotations

DOMAIN_LABELS = {"population": "Bevölkerung", "mobility": "Mobilität", "water": "Wasser", "health": "Gesundheit"}
DOMAIN_ORDER = list(DOMAIN_LABELS)
# The indicator that represents a domain in the overview (the first present one is used).
HEADLINE_CANDIDATES = {
    "population": ["bevoelkerung"],
    "mobility": ["ladepunkte_je_10000_ew", "ladepunkte"],
    "water": ["wasserstand_tagesmittel"],
    "health": ["inzidenz_7_tage"],
}
DIRECTION_LABELS = {
    "higher_is_better": "höher ist besser",
    "lower_is_better": "niedriger ist besser",
    "neutral": "neutral",
}
STATUS_LABELS = {"met": "Ziel erreicht", "close": "Ziel knapp verfehlt", "missed": "Ziel verfehlt"}
STATUS_ICONS = {"met": "✔", "close": "◐", "missed": "✘"}
# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999"]
STATUS_COLOURS = {"met": "#009E73", "close": "#E69F00", "missed": "#D55E00"}
COUNT_UNITS = {"Anzahl", "Personen"}


def domain_label(domain: str) -> str:
    """German name of a domain."""
    return DOMAIN_LABELS.get(domain, domain)
FREQUENCY_LABELS = {"once": "einmalig", "yearly": "jährlich", "monthly": "monatlich", "weekly": "wöchentlich",
                    "daily": "täglich", "hourly": "stündlich"}
LEVEL_LABELS = {"gemeinde": "Gemeinde", "verwaltungsgemeinschaft": "Amt/Verbandsgemeinde", "kreis": "Kreis",
                "kooperationsraum": "Kooperationsraum", "land": "Land", "partner": "Partner"}
SOURCE_LEVEL = {"kreisfreie_stadt": "kreisfreie Stadt", "landkreis": "Landkreis"}
# Publisher codes in formulas → plain German (the codes stay in the analysts' documentation).
FORMULA_WORDS = {
    " (PRS018)": "", " (BEVSTD)": "", "RSK": "Niederschlagshöhe", "TXK": "Tageshöchsttemperatur",
    "(location_type 1 oder ohne parent_station)": "(Haltestellen, nicht ihre einzelnen Steige)",
    "stop_times": "Halte",
}


def plain_formula(formula: str) -> str:
    """A formula without publisher codes, e.g. ``Anzahl Tage mit Tageshöchsttemperatur ≥ 30 °C``."""
    for code, word in FORMULA_WORDS.items():
        formula = formula.replace(code, word)
    return formula
# Quarantine reasons (named in English by the connectors) in the words of the Datenqualität page.
QUARANTINE_REASONS = {
    "duplicate row": "doppelte Zeile",
    "water level out of range": "Wasserstand außerhalb des plausiblen Bereichs",
    "value out of range": "Wert außerhalb des plausiblen Bereichs",
    "temperature out of range": "Temperatur außerhalb des plausiblen Bereichs",
    "precipitation out of range": "Niederschlag außerhalb des plausiblen Bereichs",
    "coordinates outside Germany": "Koordinaten außerhalb Deutschlands",
    "unknown station": "unbekannte Station",
    "unreadable coordinates": "Koordinaten nicht lesbar",
    "unreadable coordinates or date": "Koordinaten oder Datum nicht lesbar",
    "unreadable date": "Datum nicht lesbar",
    "unreadable date or number": "Datum oder Zahl nicht lesbar",
    "unreadable date or station": "Datum oder Station nicht lesbar",
    "unreadable stop sequence": "Haltereihenfolge nicht lesbar",
    "unreadable value": "Wert nicht lesbar",
}


def quarantine_reason(reason: str) -> str:
    """A quarantine reason in German (``conflicting rows for key (…)`` → ``widersprüchliche Zeilen …``)."""
    if reason.startswith("conflicting rows for key"):
        return "widersprüchliche Zeilen für denselben Schlüssel" + reason[len("conflicting rows for key"):]
    return QUARANTINE_REASONS.get(reason, reason)
# Progress towards a target (fct_target_progress, Open SDG's rule after Eurostat), worst last but one.
PROGRESS_LABELS = {
    "achieved": "Ziel erreicht",
    "on_track": "auf Kurs",
    "acceleration_needed": "Fortschritt, aber Beschleunigung nötig",
    "limited_progress": "geringer Fortschritt",
    "deterioration": "Entwicklung in die falsche Richtung",
    "not_assessable": "nicht bewertbar",
}
PROGRESS_ICONS = {"achieved": "✔", "on_track": "▲", "acceleration_needed": "◐", "limited_progress": "◔",
                  "deterioration": "✘", "not_assessable": "–"}
PROGRESS_COLOURS = {"achieved": "green", "on_track": "green", "acceleration_needed": "orange",
                    "limited_progress": "orange", "deterioration": "red", "not_assessable": "gray"}
NOT_ASSESSABLE_REASONS = {
    "no_value": "kein Wert seit dem Basiszeitraum",
    "too_short": "Reihe zu kurz: weniger als ein Jahr seit dem Basiswert",
    "not_positive": "Basiswert 0: eine jährliche Wachstumsrate ist nicht bestimmbar",
    "target_before_base": "Zielzeitraum liegt vor dem Basiszeitraum",
}
AGREEMENT_LABELS = {"agreed": "vereinbart", "proposed": "Vorschlag, noch nicht beschlossen"}
COMPARISON_WORDS = {"at_least": "mindestens", "at_most": "höchstens"}
METHOD_NOTE = (
    "Bewertung nach der veröffentlichten Methode von Open SDG (nach Eurostat): die durchschnittliche jährliche "
    "Veränderung seit dem Basiswert im Verhältnis zur Veränderung, die bis zum Zieljahr nötig ist – "
    "ab 95 % „auf Kurs“, 60 bis 95 % „Beschleunigung nötig“, 0 bis 60 % „geringer Fortschritt“, "
    "darunter „falsche Richtung“."
)


def progress_text(progress_class: str, reason: str | None = None) -> str:
    """``▲ auf Kurs`` or ``– nicht bewertbar (Reihe zu kurz …)``."""
    text = f"{PROGRESS_ICONS[progress_class]} {PROGRESS_LABELS[progress_class]}"
    if progress_class == "not_assessable" and reason:
        text += f" ({NOT_ASSESSABLE_REASONS.get(reason, reason)})"
    return text
