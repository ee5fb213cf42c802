"""The ``mqtt`` connector: micro-batches of MQTT messages (JSON lines) through the normal ingest path.

Each line of a batch file is ``{"topic": …, "payload": text}`` (``"payload_b64"`` for bytes that are not
UTF-8), as the consumer spools them; ``regiohub ingest SOURCE --from messages.jsonl`` replays a recording
the same way. Rows go to ``raw/<source>/observations`` (the layout of the STA connector, plus topic,
message id and device); the Datastreams come from the registry's ``streams``. A message that yields no
usable observation is quarantined with its reason and text: the dead letter of the source.
"""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

import duckdb

from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.base import Connector, FetchContext, materialise
from regiohub.ingest.connectors.sta import DATASTREAM_COLUMNS, OBSERVATION_COLUMNS, _relation, plausible_ranges
from regiohub.ingest.mqtt.messages import ROW_COLUMNS, rows_of
from regiohub.registry.model import Source
from regiohub.registry.raw_entities import RAW_ENTITIES

STUCK_AFTER_S = 600
MQTT_COLUMNS = {**OBSERVATION_COLUMNS, **{c: "VARCHAR" for c in ROW_COLUMNS}}


def spool_line(topic: str, payload: bytes) -> str:
    """One message as a line of a batch file (text kept readable where it is UTF-8)."""
    try:
        body: dict = {"topic": topic, "payload": payload.decode("utf-8")}
    except UnicodeDecodeError:
        body = {"topic": topic, "payload_b64": base64.b64encode(payload).decode()}
    return json.dumps(body, ensure_ascii=False) + "\n"


def read_line(line: str) -> tuple[str, bytes] | None:
    try:
        body = json.loads(line)
        payload = body["payload"].encode() if "payload" in body else base64.b64decode(body["payload_b64"])
        return str(body["topic"]), payload
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


class MqttConnector(Connector):
    entities = RAW_ENTITIES["mqtt"].entities
    accumulate = RAW_ENTITIES["mqtt"].accumulate
    keys = {"datastreams": ("datastream_id",), "observations": ("observation_id",)}
    checks = {"observations": (
        ("observation dated in the future", "phenomenon_start::timestamptz > now() + interval '1 day'"),
    )}
    max_quarantine_share = 1.0  # every message is kept: in raw or as a dead letter

    def fetch(self, ctx: FetchContext) -> None:
        """Messages are pushed (``regiohub mqtt``); a scheduled load only takes batches the consumer left behind.

        A closed spool segment older than :data:`STUCK_AFTER_S` (the consumer could not ingest it) moves into
        the landing folder; with none, the load is "unchanged" like a 304.
        """
        from regiohub.ingest.mqtt.spool import Spool, spool_dir

        folder = spool_dir(settings.paths(ctx.landing_dir.parents[2]), ctx.source.id)
        stuck = [p for p in (Spool(folder).ready() if folder.is_dir() else [])
                 if time.time() - p.stat().st_mtime > STUCK_AFTER_S]
        for segment in stuck:
            os.replace(segment, ctx.landing_dir / segment.name)
        if not stuck:
            ctx.not_modified.append(f"mqtt spool of {ctx.source.id}")

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        files = sorted(p for p in landing_dir.rglob("*.jsonl") if p.is_file())
        if not files:
            raise SourceError(source.id, f"no MQTT messages (*.jsonl) found in {landing_dir.name}")
        rows: list[dict] = []
        for f in files:
            with open(f, encoding="utf-8", errors="replace") as fh:
                for n, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    message = read_line(line)
                    if message is None:
                        rows.append({"_problem": f"line {n} of the batch is not a spooled message",
                                     "observation_id": f"{f.name}:{n}", "message": line[:4000], "_payload": str(f)})
                        continue
                    rows += [{**r, "_payload": str(f)} for r in rows_of(*message, source.streams)]
        datastreams = [
            {"datastream_id": s.datastream, "name": s.name or s.datastream,
             "observed_property_name": s.observed_property,
             "unit_symbol": s.unit, "unit_name": s.unit, "thing_id": s.device, "thing_name": s.name or s.device,
             "thing_properties": json.dumps({"ars": s.ars}) if s.ars else None, "longitude": s.longitude,
             "latitude": s.latitude, "sensor_name": source.name, "_payload": str(files[0])}
            for s in {s.datastream: s for s in source.streams}.values()
        ]
        ds = _relation(con, "datastreams", datastreams, DATASTREAM_COLUMNS, workdir)
        _relation(con, "_messages", rows, MQTT_COLUMNS, workdir)
        ranges = plausible_ranges(source.params.get("plausible", ""))
        props = {s.datastream: s.observed_property.casefold() for s in source.streams}
        con.execute("create or replace temp table _ranges (datastream_id varchar, lo double, hi double, p varchar)")
        bounded = [[d, *ranges[p], p] for d, p in props.items() if p in ranges]
        if bounded:
            con.executemany("insert into _ranges values (?, ?, ?, ?)", bounded)
        obs = materialise(con, "observations", """
            select m.* exclude (_problem), coalesce(m._problem, case when m.result_number < r.lo
                or m.result_number > r.hi then 'result outside the plausible range ' || r.lo || '..' || r.hi
                || ' of ' || r.p end) as _problem
            from _messages m left join _ranges r using (datastream_id)
        """)
        return {"datastreams": ds, "observations": obs}
