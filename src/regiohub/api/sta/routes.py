"""Read-only OGC SensorThings API v1.1 at ``/sta/v1.1`` (for Masterportal and the partners' platforms).

Paths: ``/sta/v1.1``, ``/{EntitySet}``, ``/{EntitySet}({id})``, ``/{EntitySet}({id})/{Navigation}``; ids
are strings (``Datastreams('sensoren_sta:1')``), a bare number is read as a string too. Errors are
problem+json with status 400 (a query this server cannot answer) or 404.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from regiohub.api.problems import ProblemError
from regiohub.api.sta.entities import ENTITIES
from regiohub.api.sta.filter import FilterError
from regiohub.api.sta.query import collection, options
from regiohub.api.sta.store import StaStore

router = APIRouter(prefix="/sta/v1.1", tags=["SensorThings"])
PATH = re.compile(r"(?P<set>[A-Za-z]+)(?:\((?P<id>'(?:[^']|'')*'|[0-9]+)\))?(?:/(?P<nav>[A-Za-z]+))?")
CONFORMANCE = [
    "http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities",
    "http://www.opengis.net/spec/iot_sensing/1.1/req/request-data",
]


def store(request: Request) -> StaStore:
    app = request.app
    if getattr(app.state, "sta", None) is None:
        app.state.sta = StaStore()
    return app.state.sta


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + router.prefix


@router.get("", summary="SensorThings: Einstiegspunkt")
def root(request: Request) -> JSONResponse:
    base = base_url(request)
    return JSONResponse({"value": [{"name": n, "url": f"{base}/{n}"} for n in ENTITIES],
                         "serverSettings": {"conformance": CONFORMANCE}})


@router.get("/{path:path}", summary="SensorThings: Entitäten, Navigation, Abfrageoptionen")
def resource(path: str, request: Request) -> JSONResponse:
    m = PATH.fullmatch(path)
    if not m or m.group("set") not in ENTITIES:
        raise ProblemError(404, "no such SensorThings resource")
    ent = ENTITIES[m.group("set")]
    key = m.group("id").strip("'").replace("''", "'") if m.group("id") else None
    params = {k: v for k, v in request.query_params.items() if k.startswith("$")}
    base = base_url(request)
    con = store(request).cursor()
    try:
        if key is not None and m.group("nav"):
            if m.group("nav") not in ent.nav:
                raise ProblemError(404, f"{ent.name} has no navigation {m.group('nav')[:40]!r}")
            nav = ent.nav[m.group("nav")]
            target = ENTITIES[nav.target]
            scope = (f"e.{nav.target_col} in (select p.{nav.source_col} from {ent.table} p where p.id = ?)", [key])
            page = collection(con, target, options(params, target), base, scope)
            if not nav.many:
                if not page["value"]:
                    raise ProblemError(404, "not found")
                return JSONResponse(page["value"][0])
        elif key is not None:
            page = collection(con, ent, options({**params, "$top": "1", "$skip": "0"}, ent), base, ("e.id = ?", [key]))
            if not page["value"]:
                raise ProblemError(404, f"{ent.name}('{key[:40]}') not found")
            return JSONResponse(page["value"][0])
        else:
            page = collection(con, ent, options(params, ent), base)
    except FilterError as exc:
        raise ProblemError(400, str(exc)) from None
    finally:
        con.close()
    more = page.pop("_more")
    if more:
        top = min(int(params.get("$top", 100)), 1000)
        nxt = {**params, "$top": str(top), "$skip": str(int(params.get("$skip", 0)) + top)}
        page["@iot.nextLink"] = f"{base}/{path}?{urlencode(nxt)}"
    ordered = {k: page[k] for k in ("@iot.count", "@iot.nextLink", "value") if k in page}
    return JSONResponse(ordered)
