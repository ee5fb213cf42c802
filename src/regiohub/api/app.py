"""The FastAPI application: routers, problem+json errors, CORS for partner sites, rate limiting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from starlette.middleware.cors import CORSMiddleware

from regiohub.api import data_routes, docs_page, embed_routes, lineage_routes, open_routes, problems
from regiohub.api.config import ApiSettings
from regiohub.api.deps import ResponseCache
from regiohub.api.mart import PublishedMart
from regiohub.api.ratelimit import RateLimit
from regiohub.api.sta import routes as sta_routes

DESCRIPTION = """Lesender Zugriff auf den veröffentlichten Datenbestand von Regio.hub (Kooperationsraum Potsdam).

* Jede Antwort trägt `ETag` und `Last-Modified` des Datenstands; mit `If-None-Match` gibt es `304`.
* `format=json` (Standard), `format=csv` (Komma, Dezimalpunkt) oder `format=csv-de` (Semikolon, Dezimalkomma,
  gesperrte Werte als `.`).
* Gesperrte Werte (Geheimhaltung) bleiben gesperrt: `value` ist leer, `is_suppressed` wahr.
* Fehler als `application/problem+json` (RFC 9457).
"""


def create_app(published: Path | None = None, config: ApiSettings | None = None) -> FastAPI:
    """The API over ``published`` (default: the published mart of ``REGIOHUB_DATA_DIR``)."""
    config = config or ApiSettings()
    app = FastAPI(title="Regio.hub API", version="1", description=DESCRIPTION, docs_url=None, redoc_url=None,
                  license_info={"name": "Datenlizenz Deutschland – Namensnennung – 2.0",
                                "url": "https://www.govdata.de/dl-de/by-2-0"})
    app.state.mart = PublishedMart(published)
    app.state.config = config
    app.state.responses = ResponseCache()
    problems.install(app)
    app.include_router(data_routes.router)
    app.include_router(open_routes.router)
    app.include_router(embed_routes.router)
    app.include_router(lineage_routes.router)
    app.include_router(sta_routes.router)
    app.include_router(docs_page.router)  # /docs from the package, not from a CDN
    app.middleware("http")(_fallback_banner)
    app.add_middleware(RateLimit, rate=config.rate, burst=config.burst)
    app.add_middleware(
        CORSMiddleware, allow_origins=list(config.origins), allow_methods=["GET", "HEAD"],
        allow_headers=["If-None-Match", "If-Modified-Since"],
        expose_headers=["ETag", "Last-Modified", "X-Total-Count", "Content-Disposition"], max_age=600,
    )
    return app


async def _fallback_banner(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """While the published file cannot be opened, every answer says it comes from the newest intact snapshot."""
    response = await call_next(request)
    kept = request.app.state.mart.fallback_id()
    if kept:
        response.headers["X-Regiohub-Fallback"] = kept
        response.headers["Warning"] = (f'110 regiohub "Ersatzstand: der veroeffentlichte Datenstand ist nicht lesbar, '
                                       f'Antwort aus dem gesicherten Stand {kept}"')
    return response


def app() -> FastAPI:
    """Factory for ``uvicorn --factory regiohub.api.app:app``."""
    return create_app()
