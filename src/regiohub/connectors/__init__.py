"""Connectors by name, as referenced from the registry's ``connector`` field.

Imported lazily, so that validating the registry (e.g. while Airflow parses the DAG files) does not
load DuckDB or requests.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

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


def connector_for(name: str) -> Connector:
    module, cls = CONNECTORS[name].split(":")
    return getattr(importlib.import_module(module), cls)()
