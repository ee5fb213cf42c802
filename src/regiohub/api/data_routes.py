"""Read endpoints over the mart: indicators, regions, values, target status, a partner's Steckbrief."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from regiohub.api import queries as q
from regiohub.api.config import DEFAULT_PAGE, MAX_OFFSET, MAX_PAGE
from regiohub.api.deps import mart_session, table
from regiohub.api.formats import Format, pick
from regiohub.api.mart import Session
from regiohub.api.problems import ProblemError
from regiohub.core.echo import cut

router = APIRouter(prefix="/v1", tags=["Daten"])
Db = Annotated[Session, Depends(mart_session)]
Fmt = Annotated[Format | None, Query(alias="format", description="json, csv (international) oder csv-de")]
Many = Annotated[list[str] | None, Query()]
PERIOD = r"^\d{4}(-\d{2}(-\d{2})?)?$"
PeriodFrom = Annotated[str | None, Query(description="Zeitraum ab: YYYY, YYYY-MM oder YYYY-MM-DD", pattern=PERIOD)]
PeriodTo = Annotated[str | None, Query(description="Zeitraum bis (einschließlich)", pattern=PERIOD)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


def _bounds(period_from: str | None, period_to: str | None) -> dict:
    try:
        return {"period_from": q.period_bound(period_from, end=False), "period_to": q.period_bound(period_to, end=True)}
    except ValueError as exc:
        raise ProblemError(400, str(exc)) from exc


@router.get("/snapshot", summary="Veröffentlichter Datenstand")
def snapshot(request: Request, db: Db) -> Response:
    def run():
        names, rows = db.rows("SELECT snapshot_id, published_at, run_id FROM meta_snapshot")
        return names, rows, {}
    return table(request, db, Format.json, "snapshot", run)


@router.get("/indicators", summary="Indikatorenkatalog")
def indicators(request: Request, db: Db, fmt: Fmt = None) -> Response:
    return table(request, db, pick(request, fmt), "indikatoren", lambda: (*db.rows(q.INDICATORS), {}))


@router.get("/regions", summary="Gebietseinheiten mit Hierarchie und Partnerkennzeichen")
def regions(request: Request, db: Db, fmt: Fmt = None, level: Many = None, partner: bool | None = None,
            parent: Annotated[str | None, Query(pattern=r"^\d{12}$")] = None) -> Response:
    clause, params = q.where(q.REGION_FILTERS, {"level": level, "partner": partner, "parent": parent})
    sql = q.REGIONS + clause + " ORDER BY ars"
    return table(request, db, pick(request, fmt), "regionen", lambda: (*db.rows(sql, params), {}))


@router.get("/values", summary="Indikatorwerte (gefiltert, seitenweise)")
def values(request: Request, db: Db, fmt: Fmt = None, indicator: Many = None, region: Many = None,
           level: Many = None, period_from: PeriodFrom = None, period_to: PeriodTo = None,
           limit: Limit = DEFAULT_PAGE, offset: Offset = 0) -> Response:
    """Gesperrte Werte (Geheimhaltung) bleiben gesperrt: `value` leer, `is_suppressed` wahr, `quality_flag`."""
    filters = {"indicator": indicator, "region": region, "level": level, **_bounds(period_from, period_to)}
    clause, params = q.where(q.VALUE_FILTERS, filters)

    def run():
        total = db.scalar(q.VALUES_COUNT + clause, params)
        names, rows = db.rows(q.VALUES_COLUMNS + q.VALUES_FROM + clause + q.VALUES_ORDER, [*params, limit, offset])
        return names, rows, {"total": total, "limit": limit, "offset": offset,
                             "next_offset": offset + limit if offset + limit < total else None}
    return table(request, db, pick(request, fmt), "werte", run)


_CLASSES = "achieved, on_track, acceleration_needed, limited_progress, deterioration, not_assessable"


@router.get("/targets", summary="Fortschritt zu den Zielen (Methode Open SDG/Eurostat) je Indikator und Region")
def targets(request: Request, db: Db, fmt: Fmt = None, indicator: Many = None, region: Many = None,
            partner: Many = None,
            progress_class: Annotated[list[str] | None, Query(description=_CLASSES)] = None,
            agreement: Annotated[list[str] | None, Query(description="agreed, proposed")] = None) -> Response:
    filters = {"indicator": indicator, "region": region, "partner": partner, "progress_class": progress_class,
               "agreement": agreement}
    clause, params = q.where(q.TARGET_FILTERS, filters)
    sql = q.TARGETS + clause + " ORDER BY t.indicator_id, t.region_ars"
    return table(request, db, pick(request, fmt), "zielfortschritt", lambda: (*db.rows(sql, params), {}))


@router.get("/partners/{partner_id}/steckbrief", summary="Steckbrief einer Partnerin: jüngster Wert je Indikator")
def steckbrief(request: Request, db: Db, partner_id: str, fmt: Fmt = None) -> Response:
    partner = db.records(q.PARTNER, [partner_id])
    if not partner:
        raise ProblemError(404, f"Keine Partnerin mit der Kennung '{cut(partner_id, 60)}'.")

    def run():
        names, rows = db.rows(q.STECKBRIEF, [partner_id])
        return names, rows, {"partner": partner[0]}
    return table(request, db, pick(request, fmt), f"steckbrief_{partner_id}", run)
