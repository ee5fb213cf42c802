"""``/v1/values/{region}/{indicator}/{period}/lineage``: where a published value came from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from regiohub.api import formats
from regiohub.api.deps import mart_session
from regiohub.api.mart import Session
from regiohub.api.problems import ProblemError
from regiohub.core.echo import cut
from regiohub.lineage.loads import load_provenance, source_provenance

router = APIRouter(prefix="/v1", tags=["Herkunft"])
Db = Annotated[Session, Depends(mart_session)]

VALUE = """
SELECT v.region_ars, r.name AS region_name, v.indicator_id, v.period, v.value, v.unit, v.is_suppressed,
       v.quality_flag, v.source_id, v.source_load_ids
FROM fct_indicator_value v JOIN dim_region r ON r.ars = v.region_ars
WHERE v.region_ars = ? AND v.indicator_id = ? AND v.period = ?"""
# the loads' fields that say where a value came from (all from dim_load, none a local path)
LOAD_FIELDS = ("load_id", "source_id", "origin", "is_sample", "payload_sha256", "fetched_at", "operator_file",
               "urls", "rows", "publisher_url")
SOURCES = """
SELECT source_id, name, publisher, licence, licence_url, attribution FROM dim_source
WHERE source_id = ? OR list_contains(?, source_id)
   OR list_contains((SELECT source_ids FROM dim_indicator WHERE indicator_id = ?), source_id)
ORDER BY source_id"""


@router.get("/values/{region}/{indicator}/{period}/lineage", summary="Herkunft eines Werts")
def value_lineage(request: Request, db: Db, region: Annotated[str, Path(pattern=r"^\d{12}$")], indicator: str,
                  period: str) -> JSONResponse:
    """Ladungen (Herkunft, Zeitpunkt, Zeilen, SHA-256 der Rohdaten, Herausgeber-URL), Lizenz und Namensnennung –
    wie der veröffentlichte Datenbestand sie in ``dim_load`` führt."""
    headers = formats.validators(request, db.snapshot, "lineage")
    rows = db.records(VALUE, [region, indicator, period])
    if not rows:
        raise ProblemError(404, f"Kein Wert für '{cut(indicator, 60)}', Region {region}, Zeitraum '{cut(period, 60)}'.")
    value = rows[0]
    provenance = load_provenance(db.con, [str(i) for i in value.pop("source_load_ids") or []])
    loads = [{k: load[k] for k in LOAD_FIELDS} for load in provenance]
    known = source_provenance(db.con)
    sources = [{**s, **known.get(s["source_id"], {"is_sample": True, "publisher_url": None})}
               for s in db.records(SOURCES, [value["source_id"], [x["source_id"] for x in loads], indicator])]
    body = {"snapshot_id": db.snapshot.snapshot_id, "value": value, "loads": loads, "sources": sources}
    return JSONResponse(jsonable_encoder(body), headers=headers)
