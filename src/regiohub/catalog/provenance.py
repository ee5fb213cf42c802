"""What the catalogue says about where data came from: per indicator a ``dct:provenance`` statement naming the loads
its values are computed from, and per source whether it is sample data — read through
:mod:`regiohub.lineage.loads` (``dim_load``), as the read API and the dashboard read it."""

from __future__ import annotations

from typing import Any

import duckdb
from rdflib import RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from regiohub.lineage.loads import (
    ORIGIN_LABELS,
    indicator_load_ids,
    load_provenance,
    source_provenance,
    unknown_load,
)
from regiohub.presentation.fmt import fmt_datetime

MAX_LISTED = 12  # loads named per indicator (newest first); the rest are counted


def load_line(load: dict[str, Any]) -> str:
    """``Robert Koch-Institut: beim Herausgeber abgerufen, Ladevorgang …, abgerufen am …, SHA-256 …``."""
    source = load["source_name"] or load["source_id"] or "unbekannte Quelle"
    text = f"{source}: {ORIGIN_LABELS.get(load['origin'], ORIGIN_LABELS['unknown'])}, Ladevorgang {load['load_id']}"
    if load["fetched_at"] is not None:
        text += f", abgerufen am {fmt_datetime(load['fetched_at'])}"
    return text + (f", SHA-256 {load['payload_sha256']}" if load["payload_sha256"] else "")


def statement(loads: list[dict[str, Any]]) -> str:
    """The German provenance statement of an indicator computed from ``loads``."""
    newest = sorted(loads, key=lambda x: (x["fetched_at"] is not None, x["fetched_at"] or 0, x["load_id"]),
                    reverse=True)
    text = f"Berechnet aus {len(loads)} " + ("Ladevorgang" if len(loads) == 1 else "Ladevorgängen") + ": "
    text += "; ".join(load_line(x) for x in newest[:MAX_LISTED])
    if len(loads) > MAX_LISTED:
        text += f"; und {len(loads) - MAX_LISTED} ältere (Tabelle dim_load)"
    return text + "."


class Provenance:
    """The mart's provenance, read once per catalogue."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.loads = {x["load_id"]: x for x in load_provenance(con)}
        self.by_indicator = indicator_load_ids(con)
        self.sources = source_provenance(con)

    def is_sample(self, source_id: str) -> bool:
        return self.sources.get(source_id, {"is_sample": True})["is_sample"]

    def attribution(self, sources: list[dict[str, Any]], fallback: str) -> tuple[str, str]:
        """Licence of the first source and the attribution texts of all (the licence requires them), marked as
        sample data where one of them is."""
        if not sources:
            return "dl-de/by-2-0", fallback
        text = "; ".join(dict.fromkeys(s["attribution"] or s["publisher"] for s in sources))
        if any(self.is_sample(s["source_id"]) for s in sources):
            text += " (Beispieldaten aus mitgelieferten Aufzeichnungen)"
        return sources[0]["licence"], text

    def of_indicator(self, indicator_id: str) -> list[dict[str, Any]]:
        ids = self.by_indicator.get(indicator_id, [])
        return [self.loads.get(i) or unknown_load(i) for i in ids]

    def add(self, g: Graph, ds: URIRef, indicator_id: str) -> None:
        """``ds dct:provenance [a dct:ProvenanceStatement; rdfs:label "…"@de]`` (nothing without loads)."""
        loads = self.of_indicator(indicator_id)
        if not loads:
            return
        node = BNode()
        g.add((node, RDF.type, DCTERMS.ProvenanceStatement))
        g.add((node, RDFS.label, Literal(statement(loads), lang="de")))
        g.add((ds, DCTERMS.provenance, node))

