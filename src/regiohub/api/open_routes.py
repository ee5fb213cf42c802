"""Open-data endpoints: the DCAT-AP.de catalogue (Turtle, JSON-LD) and the Parquet exports of the snapshot."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse

from regiohub.api import formats
from regiohub.api.deps import mart_session
from regiohub.api.mart import Session
from regiohub.api.problems import ProblemError
from regiohub.catalog.build import CatalogSettings, catalog_graph
from regiohub.core.echo import cut

router = APIRouter(tags=["Offene Daten"])
Db = Annotated[Session, Depends(mart_session)]
RDF_FORMATS = {"ttl": ("turtle", "text/turtle; charset=utf-8"), "jsonld": ("json-ld", "application/ld+json")}
TABLE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def _catalog(request: Request, db: Session, ext: str) -> Response:
    headers = formats.validators(request, db.snapshot, ext)
    cached = formats.not_modified(request, headers, db.snapshot)
    if cached is not None:
        return cached
    key = (db.snapshot.snapshot_id, "catalog", ext)
    hit = request.app.state.responses.get(key)
    if hit is not None:
        return hit
    config = CatalogSettings(base_url=request.app.state.config.base_url)
    rdf_format, media = RDF_FORMATS[ext]
    body = catalog_graph(db.con, config).serialize(format=rdf_format, auto_compact=True)
    response = Response(body.encode("utf-8"), media_type=media, headers=headers)
    request.app.state.responses.put(key, response)
    return response


@router.get("/catalog.ttl", summary="DCAT-AP.de-Katalog (Turtle)", response_class=Response)
def catalog_turtle(request: Request, db: Db) -> Response:
    return _catalog(request, db, "ttl")


@router.get("/catalog.jsonld", summary="DCAT-AP.de-Katalog (JSON-LD)", response_class=Response)
def catalog_jsonld(request: Request, db: Db) -> Response:
    return _catalog(request, db, "jsonld")


@router.get("/catalog", summary="DCAT-AP.de-Katalog (nach Accept: Turtle oder JSON-LD)", response_class=Response)
def catalog(request: Request, db: Db) -> Response:
    accept = request.headers.get("accept", "")
    return _catalog(request, db, "jsonld" if "ld+json" in accept or "application/json" in accept else "ttl")


@router.get("/files/parquet/{table}.parquet", summary="Tabelle des Datenstands als Parquet", response_class=Response)
def parquet(request: Request, table: str, db: Db) -> Response:
    """Only files of the published snapshot's export folder; names from an allow-list pattern, no symlinks."""
    published = request.app.state.mart.path.parent
    exports = (published / "exports").resolve()
    folder = (published / "parquet").resolve()
    path = folder / f"{table}.parquet"
    if (not TABLE.match(table) or folder.parent != exports or path.is_symlink() or not path.is_file()
            or path.resolve().parent != folder):
        raise ProblemError(404, f"Keine Tabelle '{cut(table, 60)}' im veröffentlichten Datenstand.")
    headers = formats.validators(request, db.snapshot, "parquet")
    cached = formats.not_modified(request, headers, db.snapshot)
    if cached is not None:
        return cached
    return FileResponse(path, media_type="application/vnd.apache.parquet", filename=f"{table}.parquet",
                        headers={k: v for k, v in headers.items() if k != "Last-Modified"})
