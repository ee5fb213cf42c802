"""Build the DCAT-AP.de catalogue from the published mart.

* one ``dcat:Dataset`` per indicator (CSV and JSON distributions of the read API's values), with temporal
  coverage from the data, licence and attribution of its source, theme, update frequency, the partner
  regions as spatial coverage (``dcterms:spatial`` and ``dcatde:politicalGeocodingURI``),
  ``dcatap:hvdCategory`` where it is a high-value dataset and the loads it is computed from
  (``dcterms:provenance``, :mod:`regiohub.catalog.provenance`);
* one per partner (its Steckbrief), geocoded to the partner's regional key and level;
* one for the whole mart with a Parquet distribution per table;
* the API itself as ``dcat:DataService``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import duckdb
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from regiohub.catalog import vocab as v
from regiohub.catalog.provenance import Provenance
from regiohub.core import duckdb_settings

PERSONAL_NOTE = " Kleine Fallzahlen (1 oder 2) sind zum Schutz vor Rückschlüssen auf Personen gesperrt."


@dataclass(frozen=True)
class CatalogSettings:
    """``REGIOHUB_API_BASE_URL`` (links), ``REGIOHUB_CATALOG_PUBLISHER``, ``REGIOHUB_CATALOG_EMAIL`` (contact)."""

    base_url: str = field(
        default_factory=lambda: os.environ.get("REGIOHUB_API_BASE_URL", "http://127.0.0.1:8000").rstrip("/"))
    publisher: str = field(default_factory=lambda: os.environ.get(
        "REGIOHUB_CATALOG_PUBLISHER", "Kooperation Smart Region Potsdam – Regio.hub"))
    email: str = field(default_factory=lambda: os.environ.get("REGIOHUB_CATALOG_EMAIL", ""))


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


class _Builder:
    def __init__(self, con: duckdb.DuckDBPyConnection, config: CatalogSettings) -> None:
        self.con, self.cfg, self.g = con, config, Graph()
        for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("dcatap", v.DCATAP),
                           ("dcatde", v.DCATDE), ("vcard", v.VCARD)):
            self.g.bind(prefix, ns)
        self.base = config.base_url
        snap = _rows(con, "SELECT snapshot_id, published_at FROM meta_snapshot")[0]
        self.modified = Literal(snap["published_at"].isoformat(timespec="seconds"), datatype=XSD.dateTime)
        self.sources = {s["source_id"]: s for s in _rows(con, "SELECT * FROM dim_source")}
        self.provenance = Provenance(con)
        self.partners = _rows(con, "SELECT ars, level, partner_id, partner_name FROM dim_region WHERE is_partner "
                                   "ORDER BY ars")
        self.publisher = self._agent(URIRef(f"{self.base}/#herausgeber"), config.publisher, v.PUBLISHER_TYPE)
        self.contact = self._contact()

    def uri(self, path: str) -> URIRef:
        return URIRef(f"{self.base}{path}")

    def _agent(self, ref: URIRef, name: str, kind: URIRef | None = None) -> URIRef:
        self.g.add((ref, RDF.type, FOAF.Agent))
        self.g.add((ref, FOAF.name, Literal(name, lang="de")))
        if kind is not None:
            self.g.add((ref, DCTERMS.type, v.concept(self.g, kind, "http://purl.org/adms/publishertype/1.0",
                                                     "Kommunalverwaltung")))
        return ref

    def _contact(self) -> URIRef:
        ref = self.uri("/#kontakt")
        self.g.add((ref, RDF.type, v.VCARD.Organization))
        self.g.add((ref, v.VCARD.fn, Literal(self.cfg.publisher, lang="de")))
        self.g.add((ref, v.VCARD.hasURL, self.uri("/docs")))
        if self.cfg.email:
            self.g.add((ref, v.VCARD.hasEmail, URIRef(f"mailto:{self.cfg.email}")))
        return ref

    def dataset(self, path: str, identifier: str, title: str, description: str, domain: str,
                keywords: list[str], source_id: str | None = None) -> URIRef:
        g, ds = self.g, self.uri(path)
        g.add((ds, RDF.type, DCAT.Dataset))
        g.add((ds, DCTERMS.identifier, Literal(identifier)))
        g.add((ds, DCTERMS.title, Literal(title, lang="de")))
        g.add((ds, DCTERMS.description, Literal(description, lang="de")))
        for prop, value in ((DCTERMS.publisher, self.publisher), (DCAT.contactPoint, self.contact),
                            (DCTERMS.modified, self.modified), (DCTERMS.language, v.language(g)),
                            (DCAT.landingPage, self.uri("/docs"))):
            g.add((ds, prop, value))
        for code in v.THEMES.get(domain, ["REGI"]):
            g.add((ds, DCAT.theme, v.theme(g, code)))
        for word in keywords:
            g.add((ds, DCAT.keyword, Literal(word, lang="de")))
        hvd = v.hvd_category(g, domain, source_id)
        if hvd is not None:
            g.add((ds, v.DCATAP.hvdCategory, hvd))
            g.add((ds, v.DCATAP.applicableLegislation, v.HVD_LEGISLATION))
        return ds

    def spatial(self, ds: URIRef, regions: list[dict]) -> None:
        for region in regions:
            key = URIRef(v.REGIONAL_KEY + region["ars"])
            self.g.add((ds, DCTERMS.spatial, key))
            self.g.add((ds, v.DCATDE.politicalGeocodingURI, key))
        for level in sorted({r["level"] for r in regions}):
            self.g.add((ds, v.DCATDE.politicalGeocodingLevelURI, v.level(self.g, level)))

    def temporal(self, ds: URIRef, start, end) -> None:
        if start is None:
            return
        period = BNode()
        self.g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        self.g.add((period, DCAT.startDate, Literal(start, datatype=XSD.date)))
        self.g.add((period, DCAT.endDate, Literal(end, datatype=XSD.date)))
        self.g.add((ds, DCTERMS.temporal, period))

    def distribution(self, ds: URIRef, path: str, title: str, fmt: str, licence_id: str, attribution: str,
                     access: str = "/docs") -> None:
        g, dist = self.g, self.uri(f"{path}#distribution")
        file_type, media = v.file_type(g, fmt)
        g.add((ds, DCAT.distribution, dist))
        for prop, value in ((RDF.type, DCAT.Distribution), (DCTERMS.title, Literal(title, lang="de")),
                            (DCAT.accessURL, self.uri(access)), (DCAT.downloadURL, self.uri(path)),
                            (DCTERMS.format, file_type), (DCAT.mediaType, media),
                            (DCTERMS.license, v.licence(g, licence_id)), (DCTERMS.modified, self.modified),
                            (v.DCATDE.licenseAttributionByText, Literal(attribution, lang="de"))):
            g.add((dist, prop, value))

    def attribution(self, source_ids: list[str]) -> tuple[str, str]:
        known = [self.sources[s] for s in source_ids if s in self.sources]
        return self.provenance.attribution(known, self.cfg.publisher)


def build_catalog(published: Path, config: CatalogSettings | None = None) -> Graph:
    """The catalogue of the published mart at ``published`` as an RDF graph."""
    with duckdb_settings.connect() as con:
        con.execute("ATTACH ? AS mart (READ_ONLY)", [str(published)])
        con.execute("USE mart")
        return catalog_graph(con, config)


def catalog_graph(con: duckdb.DuckDBPyConnection, config: CatalogSettings | None = None) -> Graph:
    """The catalogue of the mart that ``con`` reads (its default schema) as an RDF graph."""
    return _build(_Builder(con, config or CatalogSettings()))


def _build(b: _Builder) -> Graph:
    g, cat = b.g, b.uri("/catalog")
    g.add((cat, RDF.type, DCAT.Catalog))
    g.add((cat, DCTERMS.title, Literal("Regio.hub – offene Daten des Kooperationsraums Potsdam", lang="de")))
    g.add((cat, DCTERMS.description, Literal(
        "Indikatoren der Smart-Region-Kooperation Potsdam, Brandenburg an der Havel, Havelland, "
        "Potsdam-Mittelmark und Teltow-Fläming aus amtlichen offenen Daten, harmonisiert und geprüft.", lang="de")))
    for prop, value in ((DCTERMS.publisher, b.publisher), (DCTERMS.modified, b.modified),
                        (DCTERMS.language, v.language(g)), (FOAF.homepage, b.uri("/docs")),
                        (DCTERMS.license, v.licence(g, "dl-de/by-2-0"))):
        g.add((cat, prop, value))
    extents = {r["indicator_id"]: r for r in _rows(b.con, (
        "SELECT indicator_id, min(period_start) AS start, max(period_end) AS end FROM fct_indicator_value "
        "GROUP BY indicator_id"))}
    for ind in _rows(b.con, "SELECT * FROM dim_indicator ORDER BY indicator_id"):
        iid = ind["indicator_id"]
        description = (ind["definition_de"] or ind["name_de"]) + (PERSONAL_NOTE if ind["is_personal"] else "")
        ds = b.dataset(f"/catalog/indicators/{quote(iid)}", iid, ind["name_de"], description, ind["domain"],
                       ["Regio.hub", "Kooperationsraum Potsdam", ind["unit"] or "Indikator"], ind["source_id"])
        g.add((ds, DCTERMS.accrualPeriodicity, v.frequency(g, ind["frequency"])))
        b.spatial(ds, b.partners)
        extent = extents.get(iid, {})
        b.temporal(ds, extent.get("start"), extent.get("end"))
        b.provenance.add(g, ds, iid)
        licence_id, attribution = b.attribution([ind["source_id"], *(ind["source_ids"] or [])])
        for fmt, param in (("CSV", "csv"), ("JSON", "json")):
            b.distribution(ds, f"/v1/values?indicator={quote(iid)}&format={param}",
                           f"{ind['name_de']} ({fmt})", fmt, licence_id, attribution)
        g.add((cat, DCAT.dataset, ds))
    for partner in b.partners:
        pid = partner["partner_id"]
        ds = b.dataset(f"/catalog/partners/{quote(pid)}", f"steckbrief-{pid}", f"Steckbrief {partner['partner_name']}",
                       f"Jüngster Wert jedes Indikators für {partner['partner_name']} mit Zielwert und Zielerreichung.",
                       "regional", ["Regio.hub", "Steckbrief", partner["partner_name"]])
        b.spatial(ds, [partner])
        licence_id, attribution = b.attribution(list(b.sources))
        for fmt, param in (("CSV", "csv"), ("JSON", "json")):
            b.distribution(ds, f"/v1/partners/{quote(pid)}/steckbrief?format={param}",
                           f"Steckbrief {partner['partner_name']} ({fmt})", fmt, licence_id, attribution)
        g.add((cat, DCAT.dataset, ds))
    _targets_dataset(b, cat)
    _mart_dataset(b, cat)
    return g


PROGRESS_METHOD = "https://open-sdg.org/open-sdg/progress-methodology/"


def _targets_dataset(b: _Builder, cat: URIRef) -> None:
    """Progress towards the cooperation's targets (fct_target_progress), with the published method it follows."""
    g = b.g
    ds = b.dataset(
        "/catalog/targets", "zielfortschritt", "Fortschritt zu den Zielen der Kooperation",
        "Je Indikator mit Ziel und je Partnerin sowie für den Kooperationsraum: Basiszeitraum und -wert, Zielzeitraum "
        "und -wert, beobachtete und nötige durchschnittliche jährliche Wachstumsrate (observed_cagr, required_cagr), "
        "ihr Verhältnis (progress_ratio) und die Klasse (progress_class: achieved, on_track ab 95 %, "
        "acceleration_needed 60–95 %, limited_progress 0–60 %, deterioration unter 0, not_assessable mit Grund). "
        "Methode: Fortschrittsmessung von Open SDG nach Eurostat; die Zielrichtung wird beachtet. Partnerinnen ohne "
        "eigene Werte werden am Wert ihres Kreises gemessen.",
        "regional", ["Regio.hub", "Ziele", "Fortschritt", "Open SDG"])
    g.add((ds, DCTERMS.conformsTo, URIRef(PROGRESS_METHOD)))
    b.spatial(ds, b.partners)
    licence_id, attribution = b.attribution(list(b.sources))
    for fmt, param in (("CSV", "csv"), ("JSON", "json")):
        b.distribution(ds, f"/v1/targets?format={param}", f"Fortschritt zu den Zielen ({fmt})", fmt, licence_id,
                       attribution)
    g.add((cat, DCAT.dataset, ds))


def _mart_dataset(b: _Builder, cat: URIRef) -> None:
    g = b.g
    ds = b.dataset("/catalog/mart", "regiohub-mart", "Regio.hub – veröffentlichter Datenbestand (Parquet)",
                   "Alle Tabellen des veröffentlichten Datenbestands als Parquet-Dateien (siehe Analysten-Doku).",
                   "regional", ["Regio.hub", "Parquet", "Datenbestand"])
    b.spatial(ds, b.partners)
    licence_id, attribution = b.attribution(list(b.sources))
    tables = [r["table_name"] for r in _rows(b.con, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                                    "ORDER BY table_name")]
    for table in tables:
        b.distribution(ds, f"/files/parquet/{quote(table)}.parquet", f"Tabelle {table} (Parquet)", "PARQUET",
                       licence_id, attribution)
    g.add((cat, DCAT.dataset, ds))
    service = b.uri("/#api")
    for prop, value in ((RDF.type, DCAT.DataService), (DCTERMS.title, Literal("Regio.hub API", lang="de")),
                        (DCAT.endpointURL, b.uri("/")), (DCAT.endpointDescription, b.uri("/openapi.json")),
                        (DCTERMS.publisher, b.publisher), (DCAT.contactPoint, b.contact),
                        (DCTERMS.license, v.licence(g, licence_id)), (DCAT.servesDataset, ds)):
        g.add((service, prop, value))
    g.add((cat, DCAT.service, service))


def write_catalog(published: Path, target: Path, config: CatalogSettings | None = None) -> Path:
    """Write the catalogue of ``published`` as Turtle to ``target`` (replaced atomically)."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(build_catalog(published, config).serialize(format="turtle"), encoding="utf-8")
    os.replace(tmp, target)
    return target
