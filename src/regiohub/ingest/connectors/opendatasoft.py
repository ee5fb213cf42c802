"""Any dataset of an Opendatasoft portal through the Explore API v2.1 (e.g. Potsdam's open-data portal).

Registry entry (no code needed)::

    connector: opendatasoft
    url: https://opendata.potsdam.de/api/explore/v2.1/catalog/datasets/{dataset}
    params: {dataset: <id>, where: <ODSQL, optional>, select: <optional>, order_by: <optional>}

Fetch: ``/records?limit=100&offset=…`` pages (the API caps ``limit`` at 100 and ``offset + limit`` at
10,000); a dataset with more than 10,000 matching records is fetched in one go from
``/exports/json`` (no record limit). Raw: one row per record with its position and the record as
JSON (``record``): datasets differ in their fields, so the raw shape stays the same for all of them
and staging picks the fields (``record->>'field'``).

Values are checked like the other connectors': a record holding NaN or ±Infinity anywhere (also ``1e400``),
or a negative number in a count field (a name with Einwohner, Anzahl, Bevölkerung, count, population …,
not a change such as ``…_veraenderung``/``saldo``), is quarantined with that reason; a record larger than
``REGIOHUB_MAX_ODS_RECORD_BYTES`` (1 MiB) rejects the payload (the last good load stays published).

Nothing of the registry entry or the payload becomes SQL: ``where``/``select`` are ODSQL sent to the
portal as query parameters, the dataset id must be a plain id (it is part of the URL path), and the
pages are read with DuckDB parameters.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import duckdb

from regiohub.core.errors import SourceError
from regiohub.core.http import human_bytes
from regiohub.ingest.connectors.base import (
    Connector,
    FetchContext,
    duckdb_error,
    find_payloads,
    materialise,
    reject_error_page,
)
from regiohub.registry.model import Source
from regiohub.registry.raw_entities import RAW_ENTITIES

PAGE = 100  # records per call (API maximum)
WINDOW = 10_000  # offset + limit must not exceed this
MAX_OBJECT = 64 << 20  # bytes of one JSON page or record; DuckDB reserves twice this per reader
QUERY_PARAMS = ("select", "where", "order_by", "refine", "exclude")
DATASET_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,120}")
MAX_RECORD = 1 << 20  # bytes of one record as JSON (REGIOHUB_MAX_ODS_RECORD_BYTES)
_NUMBERS = "select type, key, try_cast(atom::varchar as double) as v from json_tree(record::json) " \
           "where type in ('DOUBLE', 'BIGINT', 'UBIGINT')"
_COUNT = r"(einwohner|anzahl|bevoelkerung|bevölkerung|count|population|faelle|fälle|haushalte|personen)"
_CHANGE = r"(veraend|veränd|saldo|diff|delta|change|rate|quote)"


class OpendatasoftConnector(Connector):
    entities = RAW_ENTITIES["opendatasoft"].entities
    keys = {"ods_records": ("record_number",)}
    checks = {
        "ods_records": (
            ("value not finite (NaN or Infinity)", f"exists ({_NUMBERS} and not isfinite(v))"),
            ("negative count", f"exists ({_NUMBERS} and v < 0 and regexp_matches(lower(key), '{_COUNT}') "
                               f"and not regexp_matches(lower(key), '{_CHANGE}'))"),
        )
    }

    def fetch(self, ctx: FetchContext) -> None:
        dataset = ctx.source.params.get("dataset", "")
        if not DATASET_ID.fullmatch(dataset):  # it becomes part of the URL path: no "/", "..", "?"
            raise SourceError(ctx.source.id, "params.dataset must be an Opendatasoft dataset id (letters, digits, - _)")
        base = ctx.source.resolved_url().rstrip("/")
        query = {k: v for k, v in ctx.source.params.items() if k in QUERY_PARAMS}
        if ctx.source.params.get("mode") != "export":
            first = ctx.landing_dir / "records" / "page-00000.json"
            ctx.get(f"{base}/records", first, conditional=False, params={**query, "limit": PAGE, "offset": 0})
            total = _total_count(first, ctx.source)
            if total <= WINDOW:
                for offset in range(PAGE, total, PAGE):
                    ctx.get(
                        f"{base}/records", ctx.landing_dir / "records" / f"page-{offset:05d}.json",
                        conditional=False, params={**query, "limit": min(PAGE, WINDOW - offset), "offset": offset},
                    )
                return
            for page in first.parent.iterdir():  # too many for paging: the export has no limit
                page.unlink()
            first.parent.rmdir()
        ctx.get(f"{base}/exports/json", ctx.landing_dir / "exports" / "records.json", params=query)

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        files = find_payloads(
            landing_dir, ["records/page-*.json", "exports/records.json", "*.json"], source, "records pages or export"
        )
        for f in files:
            reject_error_page(f, source, "JSON")
        pages = [f for f in files if f.name.startswith("page-")]
        try:
            if pages:
                for p in pages:
                    _total_count(p, source)
                query = """
                    select row_number() over (order by filename, i) - 1 as record_number,
                           to_json(results[i]) as record, filename as _payload
                    from (select results, filename, generate_subscripts(results, 1) as i
                          from read_json($files, format = 'auto', filename = true, union_by_name = true,
                                         maximum_object_size = $max_object))
                """
                params = {"files": [str(p) for p in pages], "max_object": MAX_OBJECT}
                rel = materialise(con, "ods_records", query, params)
            else:
                export = files[0]
                if not _first_byte(export) == b"[":
                    raise SourceError(source.id, f"{export.name} is not a JSON array of records")
                query = """
                    select row_number() over () - 1 as record_number, to_json(r) as record, $payload as _payload
                    from read_json($file, format = 'array', records = false, maximum_object_size = $max_object) t(r)
                """
                params = {"file": str(export), "payload": str(export), "max_object": MAX_OBJECT}
                ordered = con.execute("select current_setting('preserve_insertion_order')").fetchone()[0]
                con.execute("set preserve_insertion_order = true")  # record numbers follow the file
                try:
                    rel = materialise(con, "ods_records", query, params)
                finally:
                    con.execute("set preserve_insertion_order = ?", [bool(ordered)])
        except duckdb.Error as exc:
            raise duckdb_error(source, files[0], exc) from None
        _refuse_huge_records(con, source)
        return {"ods_records": rel}


def _refuse_huge_records(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """One oversized record rejects the payload: it would otherwise stand in for a whole dataset."""
    limit = int(os.environ.get("REGIOHUB_MAX_ODS_RECORD_BYTES") or MAX_RECORD)
    row = con.execute("select record_number, strlen(record::varchar) from ods_records "
                      "where strlen(record::varchar) > ? order by record_number limit 1", [limit]).fetchone()
    if row:
        raise SourceError(source.id, f"record {row[0]} has {human_bytes(row[1])}, above the limit of "
                                     f"{human_bytes(limit)} per record (REGIOHUB_MAX_ODS_RECORD_BYTES); "
                                     "payload rejected")


def _total_count(page: Path, source: Source) -> int:
    reject_error_page(page, source, "JSON")
    try:
        doc = json.loads(page.read_bytes())
        total, results = doc["total_count"], doc["results"]
    except (ValueError, KeyError, TypeError):
        problem = f"{page.name} is not an Explore v2.1 records page (no total_count/results)"
        raise SourceError(source.id, problem) from None
    if not isinstance(total, int) or not isinstance(results, list):
        raise SourceError(source.id, f"{page.name}: total_count or results have the wrong type")
    return total


def _first_byte(path: Path) -> bytes:
    """The first byte that is not whitespace, read in chunks (an export can be large)."""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 16):
            if rest := chunk.lstrip():
                return rest[:1]
    return b""
