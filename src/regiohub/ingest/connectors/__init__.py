"""Connectors by name, as referenced from the registry's ``connector`` field.

Imported lazily, so that checking the registry (e.g. while Airflow parses the DAG files) does not
load DuckDB or requests. The registry itself knows nothing of connectors; :func:`check_registry`
validates its connector names (the registry imports nothing from here: no import cycle).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from regiohub.registry.model import Registry, RegistryError

if TYPE_CHECKING:
    from regiohub.ingest.connectors.base import Connector

CONNECTORS: dict[str, str] = {
    "pegelonline": "regiohub.ingest.connectors.pegelonline:PegelonlineConnector",
    "zensus_ffcsv": "regiohub.ingest.connectors.zensus_ffcsv:ZensusFfcsvConnector",
    "bnetza_ladesaeulen": "regiohub.ingest.connectors.bnetza_ladesaeulen:LadesaeulenConnector",
    "rki_incidence": "regiohub.ingest.connectors.rki_incidence:RkiIncidenceConnector",
    "dwd_climate": "regiohub.ingest.connectors.dwd_climate:DwdClimateConnector",
    "regionalstatistik_ffcsv": "regiohub.ingest.connectors.regionalstatistik_ffcsv:RegionalstatistikConnector",
    "gtfs": "regiohub.ingest.connectors.gtfs:GtfsConnector",
    "deutschlandatlas": "regiohub.ingest.connectors.deutschlandatlas:DeutschlandatlasConnector",
    "opendatasoft": "regiohub.ingest.connectors.opendatasoft:OpendatasoftConnector",
    "rki_wastewater": "regiohub.ingest.connectors.rki_wastewater:RkiWastewaterConnector",
    "sta": "regiohub.ingest.connectors.sta:StaConnector",
    "mqtt": "regiohub.ingest.mqtt.connector:MqttConnector",
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
