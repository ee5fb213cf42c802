"""What every connector provides, and the checks they share.

A connector does two things:

* ``fetch`` downloads the source's payload files into a landing folder, mirroring the URL
  paths below the source's base URL. Nothing is parsed here.
* ``parse`` reads a landing folder with DuckDB and returns one relation per raw entity. Every
  relation carries a ``_payload`` column with the absolute path of the file a row came from; the
  ingest step adds the lineage columns and writes Parquet.

``regiohub ingest SOURCE --from PATH`` copies the operator's file or folder into a landing folder
and calls ``parse``: fetched and hand-delivered payloads go through exactly the same checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import duckdb

from regiohub.core.echo import cut
from regiohub.core.errors import SourceError
from regiohub.registry.model import Registry, Source

if TYPE_CHECKING:  # an operator's file (--from) is ingested without loading the HTTP stack
    import requests


@dataclass
class FetchContext:
    """What a fetch needs: the source, where to write, the HTTP session, and the source's state."""

    source: Source
    registry: Registry
    landing_dir: Path
    http: requests.Session
    state: dict = field(default_factory=dict)  # the source's state after its last good load
    backfill: tuple[date, date] | None = None  # fetch this date range instead of "what is new"
    validators: dict[str, dict[str, str]] = field(default_factory=dict)  # url -> etag/last_modified now
    not_modified: list[str] = field(default_factory=list)  # urls answered with 304

    def get(self, url: str, target: Path, *, conditional: bool = True, **kwargs: object) -> bool:
        """Download ``url`` to ``target``; False if the publisher says it has not changed (304)."""
        from regiohub.core.http import download, validators_of

        previous = self.state.get("validators", {}).get(url) if conditional and not self.backfill else None
        resp = download(self.http, url, target, validators=previous, **kwargs)
        if resp.status_code == 304:
            self.not_modified.append(url)
            self.validators[url] = previous or {}
            return False
        self.validators[url] = validators_of(resp)
        return True


class Connector:
    """Base class; subclasses set ``entities`` and implement ``fetch`` and ``parse``.

    Class attributes the ingest step uses on the parsed relations:

    * ``accumulate``: entities whose loads add only rows not yet in raw (history builds up across
      loads, re-runs add nothing); the others are full snapshots per load.
    * ``keys``: natural key per entity; rows repeating a key within one payload are quarantined.
    * ``checks``: per entity ``(reason, SQL condition true for a bad row)``; such rows are quarantined.
    * ``max_quarantine_share``: above this share of bad rows the whole payload is rejected.
    """

    entities: ClassVar[tuple[str, ...]]
    accumulate: ClassVar[tuple[str, ...]] = ()
    keys: ClassVar[dict[str, tuple[str, ...]]] = {}
    checks: ClassVar[dict[str, tuple[tuple[str, str], ...]]] = {}
    max_quarantine_share: ClassVar[float] = 0.5
    supports_backfill: ClassVar[bool] = False  # ``fetch`` honours ``ctx.backfill`` (a date range)
    history_days: ClassVar[int | None] = None  # how far back such a range can reach (None: no limit)

    def __init__(self) -> None:
        self.notes: list[str] = []  # operator-facing remarks, e.g. new columns that were ignored

    def fetch(self, ctx: FetchContext) -> None:
        """Default: one file at the source's URL, kept under its own file name (conditional GET)."""
        url = ctx.source.resolved_url()
        ctx.get(url, ctx.landing_dir / url.rsplit("/", 1)[-1].split("?", 1)[0])

    def parse(
        self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path
    ) -> dict[str, duckdb.DuckDBPyRelation]:
        """Relations per entity; ``workdir`` is scratch space that is removed afterwards."""
        raise NotImplementedError

    def older_release(self, data: object, source: Source, load_id: str) -> tuple[str, str] | None:
        """(load id, note) when an earlier load of an accumulating source holds a newer release of everything
        ``load_id`` brought: the load is kept, not published. Default: never (see :mod:`regiohub.store.versions`
        for full snapshots)."""
        return None

    def vet(self, con: duckdb.DuckDBPyConnection, source: Source, entity: str, reasons: dict[str, int]) -> None:
        """After the checks of ``entity`` (``reasons``: quarantined rows per reason): raise to reject the payload.

        For what a lazy relation cannot tell row by row (e.g. a reading without a timestamp key at all).
        """

    def reader_error(self, source: Source, exc: duckdb.Error) -> Exception:
        """What to raise when a lazy relation's payload cannot be read while it is written (default: ``exc``)."""
        return exc

    def high_water_marks(self, con: duckdb.DuckDBPyConnection, written: dict[str, str]) -> dict | None:
        """State to keep after a load (e.g. the last timestamp per series); ``written``: entity -> table."""
        return None

    def note_new_columns(self, header: list[str], known: Iterable[str], what: str) -> None:
        """Schema drift that does no harm: columns we do not know are ignored, and said so."""
        new = [c for c in header if c not in set(known)]
        if new:
            self.notes.append(f"{what}: new column(s) ignored: {', '.join(new[:8])}")


def find_payloads(landing_dir: Path, patterns: Iterable[str], source: Source, what: str) -> list[Path]:
    """Files in ``landing_dir`` matching any glob in ``patterns``; an error if there are none."""
    files = sorted({p for pat in patterns for p in landing_dir.glob(pat) if p.is_file()})
    if not files:
        raise SourceError(source.id, f"no {what} found in {landing_dir.name} (expected {', '.join(patterns)})")
    return files


def reject_error_page(path: Path, source: Source, expected: str) -> None:
    """Raise if a payload is an HTML or JSON error page rather than ``expected`` data."""
    with open(path, "rb") as fh:
        head = fh.read(512).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head")):
        raise SourceError(source.id, f"{path.name} is an HTML page, not {expected} (publisher error page?)")
    if expected != "JSON" and head.startswith(b"{"):
        raise SourceError(source.id, f"{path.name} is a JSON document, not {expected} (publisher error message?)")
    if not head:
        raise SourceError(source.id, f"{path.name} is empty")


def require_columns(columns: list[str], required: Iterable[str], source: Source, what: str) -> None:
    """Raise naming the missing columns if the layout is not the one we know."""
    missing = [c for c in required if c not in columns]
    if missing:
        raise SourceError(
            source.id,
            f"unknown column layout in {what}: missing {', '.join(missing)} "
            f"(found {'; '.join(cut(c, 40) for c in columns[:6])}…)",
        )


def duckdb_error(source: Source, path: Path, exc: duckdb.Error) -> SourceError:
    """Turn a DuckDB reader error into a one-line source error."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return SourceError(source.id, f"cannot read {cut(path.name, 80)}: {cut(first, 200)}")  # it may quote a value


def materialise(
    con: duckdb.DuckDBPyConnection, name: str, query: str, params: dict[str, object] | None = None
) -> duckdb.DuckDBPyRelation:
    """Run ``query`` into temp table ``name`` (so reader errors surface now) and return it."""
    con.execute(f'create or replace temp table "{name}" as {query}', params or {}).fetchall()
    return con.table(name)


def column_names(con: duckdb.DuckDBPyConnection, reader: str, params: dict[str, object]) -> list[str]:
    """The columns a table function such as ``read_csv(…)`` yields, without reading the data."""
    return [r[0] for r in con.execute(f"describe select * from {reader}", params).fetchall()]
