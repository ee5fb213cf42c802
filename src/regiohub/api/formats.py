"""Responses: JSON pages and CSV (international ``,``/``.`` or German ``;``/decimal comma), cache validators."""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Sequence
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from enum import StrEnum
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from regiohub.api.mart import Snapshot


class Format(StrEnum):
    json = "json"
    csv = "csv"  # international: comma separated, decimal point
    csv_de = "csv-de"  # German: semicolon separated, decimal comma, suppressed values as "."


CACHE_CONTROL = "public, max-age=60, must-revalidate"


def validators(request: Request, snapshot: Snapshot, variant: str = "") -> dict[str, str]:
    """ETag (snapshot + URL + variant) and Last-Modified (publish time) of a response."""
    key = f"{snapshot.snapshot_id}|{request.url.path}?{request.url.query}|{variant}"
    etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
    return {
        "ETag": etag,
        "Last-Modified": format_datetime(snapshot.published_at.astimezone(UTC), usegmt=True),
        "Cache-Control": CACHE_CONTROL,
        "Vary": "Accept",
    }


def not_modified(request: Request, headers: dict[str, str], snapshot: Snapshot) -> Response | None:
    """A 304 if the client's validators still match (If-None-Match wins over If-Modified-Since).

    ``If-Modified-Since`` must name exactly the served snapshot's publish time (as nginx's ``exact``): after a
    rollback the served data is older than the date a client holds, and a "not modified since" would keep
    the newer, withdrawn data in its cache.
    """
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        if headers["ETag"] in tags or "*" in tags:
            return Response(status_code=304, headers=headers)
        return None
    ims = request.headers.get("if-modified-since")
    if ims:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return None
        if since.tzinfo and snapshot.published_at.replace(microsecond=0) == since:
            return Response(status_code=304, headers=headers)
    return None


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def json_page(names: Sequence[str], rows: Sequence[tuple], headers: dict[str, str], **meta: Any) -> JSONResponse:
    items = [{n: _json_value(v) for n, v in zip(names, row, strict=True)} for row in rows]
    return JSONResponse({**meta, "items": items}, headers=headers)


def _cell(value: Any, german: bool, suppressed: bool, column: str) -> str:
    if value is None:
        return "." if german and suppressed and column in {"value", "numerator", "denominator"} else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = format(value, ".15g") if math.isfinite(value) else ""
        return text.replace(".", ",") if german else text
    if isinstance(value, list | tuple):
        return "|".join(str(v) for v in value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def csv_response(names: Sequence[str], rows: Sequence[tuple], headers: dict[str, str], fmt: Format,
                 filename: str) -> Response:
    german = fmt is Format.csv_de
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if german else ",", lineterminator="\r\n")
    writer.writerow(names)
    flag = names.index("is_suppressed") if "is_suppressed" in names else None
    for row in rows:
        suppressed = bool(row[flag]) if flag is not None else False
        writer.writerow([_cell(v, german, suppressed, n) for n, v in zip(names, row, strict=True)])
    body = ("\ufeff" if german else "") + buf.getvalue()  # BOM: Excel opens German CSV as UTF-8
    disposition = f'attachment; filename="{filename}{"_de" if german else ""}.csv"'
    return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={**headers, "Content-Disposition": disposition})


def pick(request: Request, requested: Format | None) -> Format:
    """The ``format`` parameter, else the Accept header (text/csv → international CSV), else JSON."""
    if requested is not None:
        return requested
    accept = request.headers.get("accept", "")
    return Format.csv if "text/csv" in accept and "json" not in accept else Format.json
