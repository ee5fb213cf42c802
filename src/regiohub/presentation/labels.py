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
