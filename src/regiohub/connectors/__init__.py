"""Connectors by name, as referenced from the registry's ``connector`` field."""

from __future__ import annotations

from regiohub.connectors.base import Connector
from regiohub.connectors.bnetza_ladesaeulen import LadesaeulenConnector
from regiohub.connectors.pegelonline import PegelonlineConnector
from regiohub.connectors.rki_incidence import RkiIncidenceConnector
from regiohub.connectors.zensus_ffcsv import ZensusFfcsvConnector

CONNECTORS: dict[str, type[Connector]] = {
    "pegelonline": PegelonlineConnector,
    "zensus_ffcsv": ZensusFfcsvConnector,
    "bnetza_ladesaeulen": LadesaeulenConnector,
    "rki_incidence": RkiIncidenceConnector,
}


def connector_for(name: str) -> Connector:
    return CONNECTORS[name]()
