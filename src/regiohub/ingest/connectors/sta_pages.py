"""SensorThings API (STA v1.0/v1.1) answers as rows: pages, ids, phenomenonTime, typed results.

Pure functions, shared by the STA connector and the MQTT consumer (an STA MQTT message is one
Observation). What real servers send and what is handled here:

* ids are numbers (FROST's default) or strings (``Datastreams('1964fee2…')``); both become text,
  and a URL segment is built only from an id of a safe shape (:func:`id_segment`);
* ``phenomenonTime`` is an instant or an interval ``start/end``; both need a UTC offset;
* ``result`` is a number, a number written as a string (``"13.4"``), a string, a boolean or an
  object; the original is kept as JSON text, a numeric reading also as a number;
* ``$select`` may leave out ``@iot.id``: the Datastream is then named by its self or navigation link.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from regiohub.core.echo import cut

SAFE_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,80}$")  # ids we put into a URL or a folder name
FOLDER = re.compile(r"Datastreams\((\d{1,20}|'[A-Za-z0-9_.:\-]{1,80}')\)")
MAX_RESULT_CHARS = 4000  # an object result above this is refused (no unbounded rows in raw)

OBSERVATION_COLUMNS = (
    "datastream_id", "observation_id", "phenomenon_start", "phenomenon_end", "result_time",
    "result_type", "result_number", "result_text", "_problem",
)


def id_text(value: object) -> str | None:
    """An ``@iot.id`` as text (numbers and strings alike), or None if it has no usable shape."""
    if isinstance(value, bool) or value is None:
        return None
    text = str(value)
    return text if SAFE_ID.match(text) else None


def id_segment(value: object) -> str:
    """The key of an entity in a URL: ``(5)`` for a number, ``('a''b')`` for a string (quoted, escaped)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"({value})"
    return "('" + quote(str(value).replace("'", "''"), safe="") + "')"


def folder_id(folder: str) -> str | None:
    """The Datastream id a landing folder ``Datastreams(<id>)`` names, or None."""
    m = FOLDER.fullmatch(folder)
    return m.group(1).strip("'") if m else None


def linked_id(entity: dict) -> str | None:
    """A Datastream's id from its own links when ``$select`` left ``@iot.id`` out."""
    for key, link in entity.items():
        if key.endswith(("@iot.selfLink", "@iot.navigationLink", "@iot.nextLink")) and isinstance(link, str):
            m = FOLDER.search(link.replace("%27", "'"))
            if m:
                return m.group(1).strip("'")
    return None


def utc_text(value: str) -> str:
    """An ISO-8601 time with offset as ``YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00``; ValueError otherwise."""
    text = value.strip()
    if len(text) > 40:
        raise ValueError("too long")
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)  # nanoseconds (TTS) → microseconds
    stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        raise ValueError("no UTC offset")
    return stamp.astimezone(UTC).isoformat()


def split_time(value: object) -> tuple[str | None, str | None, str | None]:
    """(start, end, problem) of a ``phenomenonTime``: an instant (end None) or an interval."""
    if not isinstance(value, str) or not value.strip():
        return None, None, "phenomenonTime missing"
    first, _, second = value.partition("/")
    try:
        start = utc_text(first)
        end = utc_text(second) if second else None
    except ValueError:
        return None, None, f"unreadable phenomenonTime {cut(value, 60)!r} (ISO 8601 with UTC offset expected)"
    if end is not None and end < start:
        return None, None, "phenomenonTime interval ends before it starts"
    return start, end, None


def typed_result(value: object) -> tuple[str, float | None, str | None, str | None]:
    """(type, number, JSON text, problem) of a ``result``."""
    if value is None:
        return "null", None, None, "result missing"
    if isinstance(value, bool):
        return "boolean", float(value), json.dumps(value), None
    if isinstance(value, int | float):
        number = float(value)
        return "number", number, json.dumps(value), None if math.isfinite(number) else "result is not finite"
    if isinstance(value, str):
        try:
            number: float | None = float(value)
        except ValueError:
            number = None
        if number is not None and not math.isfinite(number):
            number = None
        return "string", number, json.dumps(value, ensure_ascii=False), None
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(text) > MAX_RESULT_CHARS:
        return "object", None, None, f"result object of {len(text)} characters (limit {MAX_RESULT_CHARS})"
    return "object", None, text, None


def observation_row(obs: dict, datastream_id: str | None) -> dict[str, Any]:
    """One Observation as a raw row; ``_problem`` names why it cannot be used (or None)."""
    start, end, problem = split_time(obs.get("phenomenonTime"))
    kind, number, text, result_problem = typed_result(obs.get("result"))
    result_time = obs.get("resultTime")
    try:
        result_time = utc_text(result_time) if isinstance(result_time, str) else None
    except ValueError:
        result_time = None
    ds = datastream_id
    if ds is None and isinstance(obs.get("Datastream"), dict):
        ds = id_text(obs["Datastream"].get("@iot.id", obs["Datastream"].get("id")))
    oid = obs.get("@iot.id", obs.get("id"))
    return {
        "datastream_id": ds, "observation_id": None if oid is None else cut(oid, 80),
        "phenomenon_start": start, "phenomenon_end": end, "result_time": result_time,
        "result_type": kind, "result_number": number, "result_text": text,
        "_problem": problem or result_problem or (None if ds else "observation names no Datastream"),
    }


def point_of(geometry: object) -> tuple[float | None, float | None]:
    """(longitude, latitude) of a GeoJSON Point, Feature or the first position of any geometry."""
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    while isinstance(coords, list) and coords and isinstance(coords[0], list):
        coords = coords[0]
    if isinstance(coords, list) and len(coords) >= 2 and all(isinstance(c, int | float) for c in coords[:2]):
        return float(coords[0]), float(coords[1])
    return None, None


def _text(value: object, limit: int = 500) -> str | None:
    if value is None:
        return None
    return cut(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True), limit)


def datastream_row(ds: dict) -> dict[str, Any]:
    """One Datastream with its expanded Thing, first Location, Sensor and ObservedProperty."""
    thing = ds.get("Thing") if isinstance(ds.get("Thing"), dict) else {}
    locations = thing.get("Locations") if isinstance(thing.get("Locations"), list) else []
    location = locations[0] if locations and isinstance(locations[0], dict) else {}
    sensor = ds.get("Sensor") if isinstance(ds.get("Sensor"), dict) else {}
    prop = ds.get("ObservedProperty") if isinstance(ds.get("ObservedProperty"), dict) else {}
    unit = ds.get("unitOfMeasurement") if isinstance(ds.get("unitOfMeasurement"), dict) else {}
    lon, lat = point_of(location.get("location"))
    return {
        "datastream_id": id_text(ds.get("@iot.id", ds.get("id"))) or linked_id(ds),
        "name": _text(ds.get("name")), "description": _text(ds.get("description")),
        "observation_type": _text(ds.get("observationType")),
        "unit_name": _text(unit.get("name")), "unit_symbol": _text(unit.get("symbol")),
        "unit_definition": _text(unit.get("definition")),
        "thing_id": id_text(thing.get("@iot.id")), "thing_name": _text(thing.get("name")),
        "thing_properties": _text(thing.get("properties"), 2000),
        "location_id": id_text(location.get("@iot.id")), "location_name": _text(location.get("name")),
        "longitude": lon, "latitude": lat,
        "sensor_id": id_text(sensor.get("@iot.id")), "sensor_name": _text(sensor.get("name")),
        "observed_property_id": id_text(prop.get("@iot.id")),
        "observed_property_name": _text(prop.get("name")),
        "observed_property_definition": _text(prop.get("definition")),
    }


def entities_of(page: object) -> list[dict]:
    """The entities of a collection page (``{"value": [...]}``) or of a single entity."""
    if isinstance(page, dict) and isinstance(page.get("value"), list):
        return [e for e in page["value"] if isinstance(e, dict)]
    return [page] if isinstance(page, dict) else []


def is_observation(entity: dict) -> bool:
    return "phenomenonTime" in entity or "result" in entity
