"""The SensorThings entity sets we serve: tables, allow-listed properties, navigation, JSON encoding."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Nav:
    target: str  # entity set
    many: bool
    target_col: str
    source_col: str


@dataclass(frozen=True)
class Entity:
    name: str  # entity set, e.g. "Things"
    table: str
    props: dict[str, str]  # STA property → column (filterable, orderable)
    nav: dict[str, Nav] = field(default_factory=dict)
    json_props: tuple[str, ...] = ()  # columns holding JSON text


ID = {"@iot.id": "id", "id": "id"}
ENTITIES = {e.name: e for e in (
    Entity("Things", "sta_things", {**ID, "name": "name", "description": "description", "properties": "properties"},
           {"Locations": Nav("Locations", True, "thing_id", "id"),
            "Datastreams": Nav("Datastreams", True, "thing_id", "id")},
           ("properties",)),
    Entity("Locations", "sta_locations", {**ID, "name": "name", "description": "description",
                                          "encodingType": "encoding_type", "location": "location"},
           {"Things": Nav("Things", True, "id", "thing_id")}),
    Entity("Sensors", "sta_sensors", {**ID, "name": "name", "description": "description",
                                      "encodingType": "encoding_type", "metadata": "metadata"},
           {"Datastreams": Nav("Datastreams", True, "sensor_id", "id")}),
    Entity("ObservedProperties", "sta_properties", {**ID, "name": "name", "definition": "definition",
                                                    "description": "description"},
           {"Datastreams": Nav("Datastreams", True, "property_id", "id")}),
    Entity("Datastreams", "sta_datastreams", {
        **ID, "name": "name", "description": "description", "observationType": "observation_type",
        "unitOfMeasurement/name": "unit_name", "unitOfMeasurement/symbol": "unit_symbol",
        "unitOfMeasurement/definition": "unit_definition", "phenomenonTime": "phenomenon_start",
        "properties": "properties"},
           {"Thing": Nav("Things", False, "id", "thing_id"), "Sensor": Nav("Sensors", False, "id", "sensor_id"),
            "ObservedProperty": Nav("ObservedProperties", False, "id", "property_id"),
            "Observations": Nav("Observations", True, "datastream_id", "id")}, ("properties",)),
    Entity("Observations", "sta_observations", {**ID, "phenomenonTime": "phenomenon_start",
                                                "resultTime": "result_time", "result": "result_number"},
           {"Datastream": Nav("Datastreams", False, "id", "datastream_id")}),
)}
SINGULAR = {"Things": "Thing", "Locations": "Location", "Sensors": "Sensor", "ObservedProperties": "ObservedProperty",
            "Datastreams": "Datastream", "Observations": "Observation"}


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.utcoffset():
        value = value.astimezone(UTC)
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"


@lru_cache(maxsize=20_000)
def _parsed(text: str) -> Any:
    return json.loads(text)


def _json(text: str | None) -> Any:
    return {} if not text or text == "{}" else _parsed(text)


def encode(entity: Entity, row: dict[str, Any], base: str) -> dict[str, Any]:
    """One row as the STA JSON of its entity (selfLink and navigation links included)."""
    key = row["id"]
    link = f"{base}/{entity.name}('{str(key).replace(chr(39), chr(39) * 2)}')"
    out: dict[str, Any] = {"@iot.selfLink": link, "@iot.id": key}
    name = entity.name
    if name == "Observations":
        if row.get("time_text"):  # formatted in SQL (the latest values of many Datastreams)
            out["phenomenonTime"] = row["time_text"]
        else:
            start, end = _time(row["phenomenon_start"]), _time(row.get("phenomenon_end"))
            out["phenomenonTime"] = f"{start}/{end}" if end else start
        out["resultTime"] = _time(row.get("result_time"))
        out["result"] = json.loads(row["result_text"]) if row.get("result_text") else row.get("result_number")
    elif name == "Datastreams":
        out.update(name=row["name"], description=row["description"] or "", observationType=row["observation_type"],
                   unitOfMeasurement={"name": row["unit_name"] or "", "symbol": row["unit_symbol"] or "",
                                      "definition": row["unit_definition"] or ""})
        if row.get("phenomenon_start"):
            out["phenomenonTime"] = f"{_time(row['phenomenon_start'])}/{_time(row['phenomenon_end'])}"
        out["properties"] = _json(row.get("properties"))
    elif name == "Locations":
        out.update(name=row["name"], description=row["description"] or "", encodingType="application/geo+json",
                   location={"type": "Point", "coordinates": [row["lon"], row["lat"]]})
    else:
        for prop, col in entity.props.items():
            if prop not in ID and "/" not in prop:
                value = row.get(col)
                out[prop] = json.loads(value) if col in entity.json_props and value else (value or "")
    for nav in entity.nav:
        out[f"{nav}@iot.navigationLink"] = f"{link}/{nav}"
    return out
