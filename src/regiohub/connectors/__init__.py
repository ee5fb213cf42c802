"""Connectors by name, as referenced from the registry's ``connector`` field.

Imported lazily, so that checking the registry (e.g. while Airflow parses the DAG files) does not
load DuckDB or requests. The registry itself knows nothing of connectors; :func:`check_registry`
validates its connector names (the registry imports nothing from here: no import cycle).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from regiohub.registry import Registry, RegistryError

if TYPE_CHECKING:
    from regiohub.connectors.base import Connector

CONNECTORS: dict[str, str] = {
    "pegelonline": "regiohub.connectors.pegelonline:PegelonlineConnector",
    "zensus_ffcsv": "regiohub.connectors.zensus_ffcsv:ZensusFfcsvConnector",
    "bnetza_ladesaeulen": "regiohub.connectors.bnetza_ladesaeulen:LadesaeulenConnector",
    "rki_incidence": "regiohub.connectors.rki_incidence:RkiIncidenceConnector",
    "dwd_climate": "regiohub.connectors.dwd_climate:DwdClimateConnector",
    "regionalstatistik_ffcsv": "regiohub.connectors.regionalstatistik_ffcsv:RegionalstatistikConnector",
    "gtfs": "regiohub.connectors.gtfs:GtfsConnector",
    "deutschlandatlas": "regiohub.connectors.deutschlandatlas:DeutschlandatlasConnector",
    "opendatasoft": "regiohub.connectors.opendatasoft:OpendatasoftConnector",
    "rki_wastewater": "regiohub.connectors.rki_wastewater:RkiWastewaterConnector",
}


def check_registry(registry: Registry) -> Registry:
    """Return ``registry`` if every source names a known connector; else raise :class:`RegistryError`."""
    for s in registry.sources:
        if s.connector not in CONNECTORS:
            raise RegistryError(
                f"registry is invalid: source {s.id}: unknown connector {s.connector!r} "
                f"(known: {', '.join(sorted(CONNECTORS))})"
            )
    return registry


def connector_for(name: str) -> Connector:
    """A new instance of the connector registered as ``name``."""
    if name not in CONNECTORS:
        raise RegistryError(f"unknown connector {name!r} (known: {', '.join(sorted(CONNECTORS))})")
    module, cls = CONNECTORS[name].split(":")
    return getattr(importlib.import_module(module), cls)()
