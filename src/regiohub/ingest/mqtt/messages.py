"""One MQTT message → observation rows, by topic: LoRaWAN network servers and SensorThings.

* ChirpStack v4 ``application/<app>/device/<devEui>/event/up``: the decoded ``object`` (set only when
  the device profile has a codec), time ``time`` (else the first gateway's ``nsTime``/``gwTime``);
* The Things Stack v3 ``v3/<app>@<tenant>/devices/<device>/up``: ``uplink_message.decoded_payload``,
  time ``uplink_message.received_at``; an event-stream envelope (``as.up.data.forward``) is unwrapped;
* SensorThings ``v1.0|v1.1/Datastreams(<id>)/Observations``: one Observation.

The registry's ``streams`` map device and field to one of our Datastreams. A message yields one row per
mapped field; a message that yields none (not JSON, unknown topic or device, no decoded payload, no
mapped field, no time) yields one row whose ``_problem`` says why: it is dead-lettered with its text.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from regiohub.core.echo import cut
from regiohub.ingest.connectors.sta_pages import observation_row, typed_result, utc_text
from regiohub.registry.model import StreamMapping

MAX_MESSAGE_BYTES = 64 * 1024
CHIRPSTACK = re.compile(r"application/([^/]+)/device/([0-9A-Fa-f]{16})/event/up")
TTS = re.compile(r"v3/([^/@]+)@([^/]+)/devices/([^/]+)/up")
STA = re.compile(r"v1\.[01]/Datastreams\((\d{1,20}|'[^']{1,80}')\)/Observations")
ROW_COLUMNS = ("topic", "message_id", "device", "message")


def message_id(topic: str, payload: bytes) -> str:
    """Stable across redeliveries (QoS 1 may deliver twice): the hash of topic and payload."""
    return hashlib.sha256(topic.encode() + b"\n" + payload).hexdigest()[:24]


def rows_of(topic: str, payload: bytes, streams: list[StreamMapping]) -> list[dict[str, Any]]:
    """The observation rows of one message (at least one: a problem row if nothing can be used)."""
    mid = message_id(topic, payload)
    base = {"topic": cut(topic, 200), "message_id": mid, "device": None, "message": None}
    if len(payload) > MAX_MESSAGE_BYTES:
        return [_problem(base, payload, f"message of {len(payload)} bytes (limit {MAX_MESSAGE_BYTES})")]
    try:
        body = json.loads(payload)
    except (UnicodeDecodeError, ValueError):
        return [_problem(base, payload, "message is not JSON")]
    if not isinstance(body, dict):
        return [_problem(base, payload, "message is not a JSON object")]
    if m := STA.fullmatch(topic):
        return _sta(base, payload, body, m.group(1).strip("'"), streams)
    if m := CHIRPSTACK.fullmatch(topic):
        info = body.get("deviceInfo") if isinstance(body.get("deviceInfo"), dict) else {}
        device = str(info.get("devEui") or m.group(2))
        rx = body.get("rxInfo") if isinstance(body.get("rxInfo"), list) and body["rxInfo"] else [{}]
        first = rx[0] if isinstance(rx[0], dict) else {}
        when = body.get("time") or first.get("nsTime") or first.get("gwTime")
        return _decoded(base, payload, device, body.get("object"), when, "object", streams)
    if m := TTS.fullmatch(topic):
        if body.get("name") == "as.up.data.forward" and isinstance(body.get("data"), dict):
            body = body["data"]  # the event-stream envelope around the MQTT message
        ids = body.get("end_device_ids") if isinstance(body.get("end_device_ids"), dict) else {}
        up = body.get("uplink_message") if isinstance(body.get("uplink_message"), dict) else {}
        device = str(ids.get("device_id") or m.group(3))
        when = up.get("received_at") or body.get("received_at")
        return _decoded(base, payload, device, up.get("decoded_payload"), when, "decoded_payload", streams)
    return [_problem(base, payload, "unknown topic (not ChirpStack v4, TTS v3 or SensorThings)")]


def _problem(base: dict, payload: bytes, reason: str, device: str | None = None) -> dict[str, Any]:
    text = payload[:4000].decode("utf-8", errors="backslashreplace")
    return {"datastream_id": None, "observation_id": base["message_id"], "phenomenon_start": None,
            "phenomenon_end": None, "result_time": None, "result_type": None, "result_number": None,
            "result_text": None, "_problem": reason, **base, "device": device and cut(device, 80), "message": text}


def _mapped(device: str, streams: list[StreamMapping]) -> list[StreamMapping]:
    key = device.casefold()
    return [s for s in streams if s.device.casefold() == key]


def _sta(base: dict, payload: bytes, body: dict, remote: str, streams: list[StreamMapping]) -> list[dict]:
    mapping = _mapped(remote, streams)
    if not mapping:
        return [_problem(base, payload, "Datastream of the topic is not in the registry's streams", remote)]
    row = observation_row(body, mapping[0].datastream)
    if row["_problem"]:
        return [_problem(base, payload, row["_problem"], remote)]
    return [{**row, **base, "device": remote, "observation_id": f"{base['message_id']}:result"}]


def _decoded(base: dict, payload: bytes, device: str, decoded: object, when: object, what: str,
             streams: list[StreamMapping]) -> list[dict]:
    mapping = _mapped(device, streams)
    if not mapping:
        return [_problem(base, payload, "device is not in the registry's streams", device)]
    if not isinstance(decoded, dict):
        return [_problem(base, payload, f"no decoded payload ('{what}' missing: no codec on the network server?)",
                         device)]
    try:
        start = utc_text(when) if isinstance(when, str) else None
    except ValueError:
        start = None
    if start is None:
        return [_problem(base, payload, "no readable uplink time", device)]
    rows = []
    for stream in mapping:
        value = _path(decoded, stream.field)
        if value is _MISSING:
            continue
        kind, number, text, problem = typed_result(value)
        rows.append({"datastream_id": stream.datastream, "observation_id": f"{base['message_id']}:{stream.field}",
                     "phenomenon_start": start, "phenomenon_end": None, "result_time": start,
                     "result_type": kind, "result_number": number, "result_text": text, "_problem": problem,
                     **base, "device": device})
    return rows or [_problem(base, payload, f"none of the mapped fields in '{what}'", device)]


_MISSING = object()


def _path(obj: object, dotted: str) -> object:
    for key in dotted.split("."):
        if not isinstance(obj, dict) or key not in obj:
            return _MISSING
        obj = obj[key]
    return obj
