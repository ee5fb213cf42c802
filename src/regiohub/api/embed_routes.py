"""``/embed/{indicator}/{partner}`` (HTML for an iframe) and ``….svg`` (the chart alone)."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request, Response

from regiohub.api import formats
from regiohub.api.deps import mart_session
from regiohub.api.embed import Point, View, html_page, svg
from regiohub.api.mart import Session
from regiohub.api.problems import ProblemError
from regiohub.core.echo import cut

router = APIRouter(prefix="/embed", tags=["Einbettung"])
Db = Annotated[Session, Depends(mart_session)]
BERLIN = ZoneInfo("Europe/Berlin")

HEAD = """
SELECT i.name_de, i.unit, p.partner_name,
       (SELECT string_agg(DISTINCT coalesce(a.attribution, a.publisher), '; ') FROM dim_source a
        WHERE list_contains(i.source_ids, a.source_id) OR a.source_id = i.source_id) AS attribution,
       s.licence, s.licence_url
FROM dim_indicator i
CROSS JOIN (SELECT DISTINCT partner_id, partner_name FROM dim_region WHERE is_partner) p
LEFT JOIN dim_source s ON s.source_id = i.source_id
WHERE i.indicator_id = ? AND p.partner_id = ?"""
SERIES = """
SELECT period, period_start, value, coalesce(is_suppressed, false), measured_name, is_inherited, is_sample
FROM fct_partner_indicator_value WHERE indicator_id = ? AND partner_id = ? ORDER BY period_start"""


def _view(db: Session, indicator: str, partner: str) -> View:
    series = db.rows(SERIES, [indicator, partner])[1]
    head = db.rows(HEAD, [indicator, partner])[1]
    if not head:
        raise ProblemError(404, f"Unbekannter Indikator '{cut(indicator, 60)}' oder unbekannte Partnerin "
                                f"'{cut(partner, 60)}'.")
    name, unit, partner_name, attribution, licence, licence_url = head[0]
    last = series[-1] if series else None
    return View(indicator, name, unit or "", partner_name, last[4] if last else partner_name,
                bool(last and last[5]), [Point(r[0], r[1], r[2], bool(r[3])) for r in series],
                attribution or "siehe Datenkatalog", licence or "", licence_url or "",
                db.snapshot.published_at.astimezone(BERLIN).strftime("%d.%m.%Y"),
                bool(last and last[6]))


def _headers(request: Request, db: Session, variant: str) -> dict[str, str]:
    origins = " ".join(["'self'", *request.app.state.config.origins])
    return {**formats.validators(request, db.snapshot, variant),
            "Content-Security-Policy": f"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                                       f"frame-ancestors {origins}; base-uri 'none'; form-action 'none'",
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"}


@router.get("/{indicator}/{partner}.svg", summary="Diagramm eines Indikators für eine Partnerin (SVG)",
            response_class=Response)
def embed_svg(request: Request, indicator: str, partner: str, db: Db) -> Response:
    headers = _headers(request, db, "svg")
    cached = formats.not_modified(request, headers, db.snapshot)
    if cached is not None:
        return cached
    return Response(svg(_view(db, indicator, partner)), media_type="image/svg+xml", headers=headers)


@router.get("/{indicator}/{partner}", summary="Einbettbare Ansicht (HTML für ein iframe)", response_class=Response)
def embed_html(request: Request, indicator: str, partner: str, db: Db) -> Response:
    headers = _headers(request, db, "html")
    cached = formats.not_modified(request, headers, db.snapshot)
    if cached is not None:
        return cached
    return Response(html_page(_view(db, indicator, partner)), media_type="text/html; charset=utf-8",
                    headers=headers)
