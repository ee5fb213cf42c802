"""Controlled vocabularies of DCAT-AP.de 3.0 used by the catalogue, and how mart values map onto them.

The catalogue declares each concept it uses (``skos:inScheme`` and a German label) so that it is
self-describing: validators check a value's scheme without fetching the EU authority tables.
"""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

EU = "http://publications.europa.eu/resource/authority/"
DCATAP = Namespace("http://data.europa.eu/r5r/")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HVD_LEGISLATION = URIRef("http://data.europa.eu/eli/reg_impl/2023/138/oj")

LICENCE_SCHEME = "http://dcat-ap.de/def/licenses"
LICENCES = {  # licence id in dim_source → DCAT-AP.de licence URI, label
    "dl-de/by-2-0": ("dl-by-de/2.0", "Datenlizenz Deutschland – Namensnennung – Version 2.0"),
    "dl-de/zero-2-0": ("dl-zero-de/2.0", "Datenlizenz Deutschland – Zero – Version 2.0"),
    "CC BY 4.0": ("cc-by/4.0", "Creative Commons Namensnennung – 4.0 International (CC BY 4.0)"),
    "CC0 1.0": ("cc-zero", "Creative Commons CC Zero License (cc-zero)"),
}
THEMES = {  # mart domain → EU data themes
    "population": ["SOCI", "REGI"], "mobility": ["TRAN", "REGI"], "water": ["ENVI", "REGI"],
    "climate": ["ENVI", "REGI"], "health": ["HEAL", "REGI"],
}
THEME_LABELS = {"SOCI": "Bevölkerung und Gesellschaft", "REGI": "Regionen und Städte", "TRAN": "Verkehr",
                "ENVI": "Umwelt", "HEAL": "Gesundheit"}
FREQUENCIES = {"daily": ("DAILY", "täglich"), "weekly": ("WEEKLY", "wöchentlich"),
               "monthly": ("MONTHLY", "monatlich"), "yearly": ("ANNUAL", "jährlich"),
               "once": ("NEVER", "einmalig")}
# High-value datasets (Implementing Regulation (EU) 2023/138): statistics, earth observation and
# environment, meteorological.
HVD_SCHEME = "http://data.europa.eu/bna/asd487ae75"
HVD = {"population": ("c_e1da4e07", "Statistik"), "water": ("c_dd313021", "Erdbeobachtung und Umwelt"),
       "climate": ("c_164e0bf5", "Meteorologie")}
LEVEL_SCHEME = "http://dcat-ap.de/def/politicalGeocoding/Level"
LEVELS = {"land": "state", "kreis": "administrativeDistrict", "gemeinde": "municipality",
          "verwaltungsgemeinschaft": "municipalAssociation", "kooperationsraum": "administrativeDistrict"}
LEVEL_LABELS = {"state": "Bundesland", "administrativeDistrict": "Kreis", "municipality": "Gemeinde",
                "municipalAssociation": "Gemeindeverband"}
REGIONAL_KEY = "http://dcat-ap.de/def/politicalGeocoding/regionalKey/"
FILE_TYPES = {"CSV": "text/csv", "JSON": "application/json", "PARQUET": "application/vnd.apache.parquet",
              "RDF_TURTLE": "text/turtle", "JSON_LD": "application/ld+json"}
LANGUAGE = URIRef(EU + "language/DEU")
PUBLISHER_TYPE = URIRef("http://purl.org/adms/publishertype/LocalAuthority")


def concept(g: Graph, uri: str | URIRef, scheme: str, label: str) -> URIRef:
    """Declare ``uri`` as a concept of ``scheme`` in ``g`` and return it."""
    ref = URIRef(str(uri))
    g.add((ref, RDF.type, SKOS.Concept))
    g.add((ref, SKOS.inScheme, URIRef(scheme)))
    g.add((ref, SKOS.prefLabel, Literal(label, lang="de")))
    return ref


def licence(g: Graph, licence_id: str) -> URIRef:
    path, label = LICENCES.get(licence_id, ("other-open", "Andere offene Lizenz"))
    return concept(g, f"{LICENCE_SCHEME}/{path}", LICENCE_SCHEME, label)


def theme(g: Graph, code: str) -> URIRef:
    return concept(g, f"{EU}data-theme/{code}", EU + "data-theme", THEME_LABELS[code])


def frequency(g: Graph, frequency_id: str) -> URIRef:
    code, label = FREQUENCIES.get(frequency_id, ("UNKNOWN", "unbekannt"))
    return concept(g, f"{EU}frequency/{code}", EU + "frequency", label)


def level(g: Graph, mart_level: str) -> URIRef:
    code = LEVELS[mart_level]
    return concept(g, f"{LEVEL_SCHEME}/{code}", LEVEL_SCHEME, LEVEL_LABELS[code])


def file_type(g: Graph, code: str) -> tuple[URIRef, URIRef]:
    """The EU file-type concept and the IANA media type of a format."""
    ref = concept(g, f"{EU}file-type/{code}", EU + "file-type", code.replace("_", " "))
    return ref, URIRef(f"https://www.iana.org/assignments/media-types/{FILE_TYPES[code]}")


def language(g: Graph) -> URIRef:
    return concept(g, LANGUAGE, EU + "language", "Deutsch")


def hvd_category(g: Graph, domain: str, source_id: str | None = None) -> URIRef | None:
    """The HVD category: the DWD's observations are meteorological, else by the indicator's domain."""
    key = "climate" if (source_id or "").startswith("dwd_") else domain
    if key not in HVD:
        return None
    code, label = HVD[key]
    return concept(g, f"http://data.europa.eu/bna/{code}", HVD_SCHEME, label)
