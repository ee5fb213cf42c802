"""OGC SensorThings API (v1.0/v1.1) as a source: Datastreams with their metadata, Observations incrementally.

Registry entry (``connector: sta``)::

    url: https://iot.example.de/FROST-Server/v1.1          # the service root
    params:
      filter: "ObservedProperty/name eq 'Bodenfeuchte'"   # $filter on Datastreams (optional)
      page_size: "100"                                     # $top asked for; servers may cap it
      window_days: "7"                                     # first load: this far back
      plausible: "Bodenfeuchte=0..100; Belegung=0..1"      # per ObservedProperty name: numeric range

Fetch mirrors the service's paths: ``Datastreams/page-0001.json`` (``$expand`` of Thing with its
Locations, Sensor and ObservedProperty; unit and observationType are Datastream properties), then per
Datastream ``Datastreams(<id>)/Observations/page-NNNN.json``, ordered by ``phenomenonTime`` and asked for
what follows the Datastream's high-water mark (a ``--backfill`` range instead, on demand). Pages follow
``@iot.nextLink`` until a page has none, whatever ``$top`` the server grants; a link to another server or
one already followed ends the paging. Only rows not yet in raw are written, so overlaps cost nothing.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import duckdb

from regiohub.core.echo import cut
from regiohub.core.errors import SourceError
from regiohub.ingest.connectors import sta_pages as pages
from regiohub.ingest.connectors.base import Connector, FetchContext, materialise
from regiohub.registry.model import Source
from regiohub.registry.raw_entities import RAW_ENTITIES

EXPAND = "Thing($expand=Locations),Sensor,ObservedProperty"
FUTURE_TOLERANCE = "1 hour"
MAX_PAGES = 500  # per collection and load: a server that never ends its paging cannot hold a load forever

DATASTREAM_COLUMNS = {
    c: "DOUBLE" if c in ("longitude", "latitude") else "VARCHAR"
    for c in pages.datastream_row({}) | {"_payload": None}
}
OBSERVATION_COLUMNS = {
    c: "DOUBLE" if c == "result_number" else "VARCHAR" for c in (*pages.OBSERVATION_COLUMNS, "_payload")
}


def plausible_ranges(spec: str) -> dict[str, tuple[float, float]]:
    """``"Bodenfeuchte=0..100; Belegung=0..1"`` → {name (casefolded): (low, high)}."""
    out = {}
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        m = re.fullmatch(r"(.+?)\s*=\s*(-?[\d.]+)\s*\.\.\s*(-?[\d.]+)", part)
        if not m:
            raise SourceError("registry", f"plausible range {cut(part, 60)!r}: expected name=low..high")
        out[m.group(1).casefold()] = (float(m.group(2)), float(m.group(3)))
    return out


class StaConnector(Connector):
    """Incremental per Datastream; history builds up in raw, re-runs add nothing."""

    entities = RAW_ENTITIES["sta"].entities
    accumulate = RAW_ENTITIES["sta"].accumulate
    keys = {
        "datastreams": ("datastream_id",),
        "observations": ("datastream_id", "phenomenon_start", "phenomenon_end"),
    }
    checks = {
        "datastreams": (("Datastream without a usable @iot.id", "datastream_id is null"),),
        "observations": (
            ("unknown Datastream", "datastream_id not in (select datastream_id from _sta_known)"),
            ("observation dated in the future",
             f"phenomenon_start::timestamptz > now() + interval '{FUTURE_TOLERANCE}'"),
        ),
    }
    supports_backfill = True

    # --- fetch -------------------------------------------------------------------------------------------
    def fetch(self, ctx: FetchContext) -> None:
        base = ctx.source.url.rstrip("/")
        size = int(ctx.source.params.get("page_size", "100"))
        query: dict[str, object] = {"$top": size, "$expand": EXPAND}
        if ctx.source.params.get("filter"):
            query["$filter"] = ctx.source.params["filter"]
        datastreams = self._pages(ctx, f"{base}/Datastreams", query, ctx.landing_dir / "Datastreams")
        for ds in datastreams:
            raw_id = ds.get("@iot.id", ds.get("id"))
            if pages.id_text(raw_id) is None:
                self.notes.append(f"Datastream id {cut(raw_id, 40)!r} skipped: not a usable id")
                continue
            folder = f"Datastreams({raw_id})" if isinstance(raw_id, int) else f"Datastreams('{raw_id}')"
            self._pages(
                ctx, f"{base}/Datastreams{pages.id_segment(raw_id)}/Observations",
                {"$top": size, "$orderby": "phenomenonTime asc", "$filter": self._window(ctx, str(raw_id))},
                ctx.landing_dir / folder / "Observations",
            )

    def _pages(self, ctx: FetchContext, url: str, query: dict | None, folder: Path) -> list[dict]:
        """Every page of a collection into ``folder``; the entities of all pages."""
        origin = urlsplit(ctx.source.url)[:2]
        entities: list[dict] = []
        seen: set[str] = set()
        for n in range(1, MAX_PAGES + 1):
            target = folder / f"page-{n:04d}.json"
            ctx.get(url, target, conditional=False, params=query)
            try:
                page = json.loads(target.read_bytes())
            except ValueError:
                raise SourceError(ctx.source.id, f"{target.relative_to(ctx.landing_dir)} is not JSON") from None
            if not isinstance(page, dict) or not isinstance(page.get("value"), list):
                raise SourceError(ctx.source.id, f"{target.relative_to(ctx.landing_dir)} is not an STA collection "
                                                 "(no 'value' list)")
            entities += pages.entities_of(page)
            link = page.get("@iot.nextLink")
            if not isinstance(link, str) or not link:
                return entities  # the last page: no nextLink
            link = urljoin(url, link)
            if urlsplit(link)[:2] != origin:
                raise SourceError(ctx.source.id, f"@iot.nextLink leads to another server: {cut(link, 80)}")
            if link in seen:
                self.notes.append(f"{folder.relative_to(ctx.landing_dir)}: nextLink repeats itself; paging stopped")
                return entities
            seen.add(link)
            url, query = link, None
        self.notes.append(f"{folder.relative_to(ctx.landing_dir)}: stopped after {MAX_PAGES} pages")
        return entities

    @staticmethod
    def _window(ctx: FetchContext, ds_id: str) -> str:
        """The Observations ``$filter``: a backfill range, else after the Datastream's last stored time."""
        if ctx.backfill:
            first, last = ctx.backfill
            return (f"phenomenonTime ge {first.isoformat()}T00:00:00Z and "
                    f"phenomenonTime lt {(last + timedelta(days=1)).isoformat()}T00:00:00Z")
        now = datetime.now(UTC)
        mark = ctx.state.get("hwm", {}).get(ds_id)
        try:
            since = datetime.fromisoformat(mark) if isinstance(mark, str) else None
        except ValueError:
            since = None
        if since is not None and since.tzinfo is not None and since <= now:  # a future mark must not freeze polling
            return f"phenomenonTime gt {since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}Z"
        days = int(ctx.source.params.get("window_days", "7"))
        return f"phenomenonTime ge {(now - timedelta(days=days)).strftime('%Y-%m-%dT%H:%M:%S')}Z"

    # --- parse -------------------------------------------------------------------------------------------
    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        datastreams, observations = read_landing(landing_dir, source)
        ds_rel = _relation(con, "datastreams", datastreams, DATASTREAM_COLUMNS, workdir)
        known_datastreams(con, landing_dir, source)
        ranges = plausible_ranges(source.params.get("plausible", ""))
        con.execute("create or replace temp table _sta_ranges (name varchar, lo double, hi double)").fetchall()
        if ranges:
            con.executemany("insert into _sta_ranges values (?, ?, ?)", [[k, lo, hi] for k, (lo, hi) in ranges.items()])
        _relation(con, "_observations_read", observations, OBSERVATION_COLUMNS, workdir)
        obs_rel = materialise(con, "observations", """
            select o.* exclude (_problem),
                coalesce(o._problem, case when o.result_number < r.lo or o.result_number > r.hi then
                    'result outside the plausible range ' || r.lo || '..' || r.hi || ' of ' || r.name end) as _problem
            from _observations_read o
            left join (select k.datastream_id, r.* from _sta_known k join _sta_ranges r
                       on lower(k.observed_property_name) = r.name) r using (datastream_id)
        """)
        return {"datastreams": ds_rel, "observations": obs_rel}

    def high_water_marks(self, con: duckdb.DuckDBPyConnection, written: dict[str, str]) -> dict | None:
        rows = con.execute(f"""
            select datastream_id, max(phenomenon_start) from "{written['observations']}"
            where phenomenon_start::timestamptz <= now() group by 1
        """).fetchall()
        return dict(rows)


def read_landing(landing_dir: Path, source: Source) -> tuple[list[dict], list[dict]]:
    """Datastream and Observation rows of every JSON page below ``landing_dir`` (recognised by content)."""
    files = sorted(p for p in landing_dir.rglob("*.json") if p.is_file())
    if not files:
        raise SourceError(source.id, f"no STA pages (*.json) found in {landing_dir.name}")
    datastreams: list[dict] = []
    observations: list[dict] = []
    for f in files:
        try:
            page = json.loads(f.read_bytes())
        except ValueError:
            raise SourceError(source.id, f"{f.relative_to(landing_dir)} is not JSON") from None
        parts = f.relative_to(landing_dir).parts
        folder_ds = next((i for i in map(pages.folder_id, parts) if i), None)
        for entity in pages.entities_of(page):
            if pages.is_observation(entity):
                observations.append({**pages.observation_row(entity, folder_ds), "_payload": str(f)})
                continue
            row = pages.datastream_row(entity)
            datastreams.append({**row, "_payload": str(f)})
            inline = entity.get("Observations")
            for obs in inline if isinstance(inline, list) else []:
                if isinstance(obs, dict):
                    observations.append({**pages.observation_row(obs, row["datastream_id"]), "_payload": str(f)})
    return datastreams, observations


def _relation(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict], columns: dict[str, str],
              workdir: Path) -> duckdb.DuckDBPyRelation:
    """Rows through a newline-delimited JSON file in ``workdir`` (fast, typed by ``columns``)."""
    if not rows:
        cols = ", ".join(f'null::{t} as "{c}"' for c, t in columns.items())
        return materialise(con, name, f"select {cols} limit 0")
    path = workdir / f"{name}.ndjson"
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return materialise(con, name, "select * from read_json($path, format = 'newline_delimited', columns = $columns)",
                       {"path": str(path), "columns": columns})


def known_datastreams(con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source) -> None:
    """Temp table ``_sta_known``: the Datastreams of this payload and those already in raw."""
    raw = landing_dir.parents[2] / "raw" / source.id / "datastreams" if len(landing_dir.parents) > 2 else None
    files = sorted(str(p) for p in raw.glob("*.parquet")) if raw is not None and raw.is_dir() else []
    earlier = ("union select datastream_id, observed_property_name from read_parquet($files, union_by_name = true)"
               if files else "")
    con.execute(f"""
        create or replace temp table _sta_known as
        select datastream_id, observed_property_name from datastreams where datastream_id is not null {earlier}
    """, {"files": files} if files else {}).fetchall()
