"""What each connector writes to raw: its entities, and which of them accumulate.

A fact about the raw store's shape that both sides need: the connectors write these entities (and read
them from here), and the store picks the loads a build reads from them — every load of an accumulating
entity (history builds up across loads), only the newest current load of a full-snapshot one.
"""

from __future__ import annotations

from dataclasses import dataclass

from regiohub.registry.model import RegistryError


@dataclass(frozen=True)
class RawEntities:
    entities: tuple[str, ...]
    accumulate: tuple[str, ...] = ()  # the others are full snapshots per load

    def is_full_snapshot(self, entity: str) -> bool:
        return entity not in self.accumulate


_OBSERVATIONS = ("datastreams", "observations")
RAW_ENTITIES: dict[str, RawEntities] = {  # connector name (the registry's ``connector`` field) -> entities
    "pegelonline": RawEntities(("stations", "measurements"), accumulate=("stations", "measurements")),
    "pegelonline_stream": RawEntities(("measurements",), accumulate=("measurements",)),
    "zensus_ffcsv": RawEntities(("values",)),
    "bnetza_ladesaeulen": RawEntities(("charging_facilities",)),
    "rki_incidence": RawEntities(("incidence",)),
    "dwd_climate": RawEntities(("daily",), accumulate=("daily",)),
    "regionalstatistik_ffcsv": RawEntities(("values",), accumulate=("values",)),  # backfills add earlier years
    "gtfs": RawEntities(("stops", "routes", "trips", "stop_times", "calendar")),
    "deutschlandatlas": RawEntities(("values",)),
    "opendatasoft": RawEntities(("ods_records",)),
    "rki_wastewater": RawEntities(("samples",), accumulate=("samples",)),
    "sta": RawEntities(_OBSERVATIONS, accumulate=_OBSERVATIONS),
    "mqtt": RawEntities(_OBSERVATIONS, accumulate=_OBSERVATIONS),
}


def raw_entities(connector: str) -> RawEntities:
    """The raw entities of the connector registered as ``connector``."""
    if connector not in RAW_ENTITIES:
        raise RegistryError(f"unknown connector {connector!r} (known: {', '.join(sorted(RAW_ENTITIES))})")
    return RAW_ENTITIES[connector]
