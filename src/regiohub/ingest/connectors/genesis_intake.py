"""What a GENESIS payload is: its CSV files found by content (ZIP or CSV, any name) and the table they hold.

The ``tablefile`` service answers with a ZIP even with ``compress=false`` (the parameter only drops
empty rows and columns); operators hand in that ZIP, its extracted CSV or a folder of either.
A flat-file CSV does not name its table; the file name the publisher gives it does
(``12411-01-01-4_1773175772751_de_flat.csv``), and the content identifies it always: the statistic,
its classifying variables and the regional levels of the rows (12411 with a ``GEMEIN`` level is
12411-01-01-5, else 12411-01-01-4). An ``area=all`` answer holds rows of every regional level —
``DINSG``, ``DLAND``, ``REGBEZ``, ``KREISE`` in the Regionaldatenbank, ``GEODL1`` and ``GEOGM4`` in the
Zensus database — in any order: the rows of the levels a source uses are kept, the others set aside
with a note per level (``kept 1467 KREISE, 48 DLAND; ignored 132 REGBEZ, 3 DINSG``); a file holding
none of them is refused, saying what it holds.

Every row carries the answer's release (``released_at``): the time stamp the service writes into the
answer's file name, else the date of the file in the ZIP, else none (then the build ranks the load by
its fetch time for a live answer; an undated operator file never replaces a dated release).
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import duckdb

from regiohub.core.errors import SourceError
from regiohub.core.http import is_offline
from regiohub.ingest.connectors.archives import is_zip, unpack
from regiohub.ingest.connectors.base import FetchContext, materialise, reject_error_page
from regiohub.ingest.connectors.csv_payloads import as_utf8
from regiohub.ingest.connectors.genesis_ffcsv import clip, read_values
from regiohub.ingest.connectors.region import cooperation_land
from regiohub.registry.model import Source
from regiohub.registry.regions import land_name


@dataclass(frozen=True)
class Payload:
    csv: Path  # the UTF-8 CSV to read
    origin: Path  # the payload file it came from (lineage)
    shown: str  # how the operator knows it: their file name, and the member inside a ZIP
    name: str = ""  # the publisher's file name (the ZIP member, else the file's own name)
    zip_time: datetime | None = None  # the ZIP entry's date, for a member of a ZIP


@dataclass(frozen=True)
class Table:
    """A table a source accepts: its code, statistic, the regional levels it uses and their value variable.

    ``levels``: regional variable -> (our level, value variable), e.g. ``("KREISE", ("kreis", "BEVSTD"))``.
    ``variables``: the table's other classifying variables (``GES``); an answer may hold fewer, never others.
    ``marker``: a regional variable only this table of the statistic has (``GEMEIN`` for the Gemeinde
    table 12411-01-01-5).
    """

    code: str
    statistic: str
    levels: tuple[tuple[str, tuple[str, str]], ...]
    variables: frozenset[str] = frozenset()
    marker: str | None = None

    @property
    def level_map(self) -> dict[str, tuple[str, str]]:
        return dict(self.levels)


def csv_payloads(landing_dir: Path, source: Source, workdir: Path, ignore: tuple[str, ...] = ()) -> list[Payload]:
    """Every CSV of the payload: plain files of any name and the CSV members of ZIPs (found by content)."""
    found: list[Payload] = []
    files = sorted(p for p in landing_dir.rglob("*") if p.is_file() and not p.is_symlink())
    for n, path in enumerate(files):
        shown = path.relative_to(landing_dir).as_posix()
        if path.name in ignore:
            continue
        if is_zip(path):
            members = unpack(path, workdir / f"zip{n}", source, ("*.csv", "*.CSV"))
            if not members:
                raise SourceError(source.id, f"{shown} holds no CSV file")
            times = _zip_times(path)
            for member, extracted in sorted(members.items()):
                found.append(Payload(as_utf8(extracted, source, workdir), path, f"{shown} ({member})",
                                     Path(member).name, times.get(Path(member).name)))
        else:
            _reject_status_message(path, source, shown)
            reject_error_page(path, source, "CSV")
            found.append(Payload(as_utf8(path, source, workdir), path, shown, path.name))
    if not found:
        raise SourceError(source.id, "the payload holds no CSV or ZIP file")
    return found


def _zip_times(path: Path) -> dict[str, datetime]:
    try:
        with zipfile.ZipFile(path) as zf:
            return {PurePosixPath(i.filename.replace("\\", "/")).name: datetime(*i.date_time) for i in zf.infolist()}
    except (zipfile.BadZipFile, ValueError):
        return {}


# ``<table>_<milliseconds since 1970>_<language>_flat.csv``: the tablefile service names its answer with the
# time it created it (e.g. ``12411-01-01-4_1773175772751_de_flat.csv`` = 2026-03-10 20:49:32 UTC)
ANSWER_STAMP = re.compile(r"_(1[0-9]{12})_[a-z]{2}_flat\.csv$", re.IGNORECASE)


def release_of(payload: Payload) -> tuple[datetime | None, str | None]:
    """The answer's own release time: the time stamp in the publisher's file name, else the ZIP entry's date."""
    m = ANSWER_STAMP.search(payload.name)
    if m:
        when = datetime.fromtimestamp(int(m[1]) / 1000, UTC).replace(tzinfo=None)
        return when, "time stamp in the answer's file name"
    if payload.zip_time is not None:
        return payload.zip_time, "date of the file in the ZIP"
    return None, None


STATUS_HINTS = {
    98: "the table is too large for one request: split it (startyear/endyear, regionalkey) or use a job",
    15: "no valid credentials in the request headers (token in username, empty password)",
}


def _reject_status_message(path: Path, source: Source, shown: str) -> None:
    """GENESIS answers problems as a small JSON status (``{"Code": 98, "Content": …}``): say what it means."""
    with open(path, "rb") as fh:
        head = fh.read(64 * 1024)
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return
    try:
        status = json.loads(head.decode("utf-8-sig"))
        code, content = int(status["Code"]), str(status.get("Content", ""))
    except (ValueError, KeyError, TypeError):
        return  # not a status message: the generic check names it
    hint = STATUS_HINTS.get(code, "the publisher's status message instead of data")
    raise SourceError(source.id, f"{shown}: GENESIS status {code} ({clip(content, 120)}): {hint}")


def named_table(payload: Payload) -> str | None:
    """The table code the publisher's file name states (``11111-02-01-4_…_de_flat.csv``), if any."""
    m = TABLE_CODE_IN_NAME.search(payload.name)
    return m[0] if m else None


TABLE_CODE_IN_NAME = re.compile(r"(?<![0-9A-Za-z])\d{4}[0-9A-Z](-[0-9A-Z]{1,4}){1,3}(?![0-9A-Za-z])")


def identify(
    con: duckdb.DuckDBPyConnection, table: str, payload: Payload, source: Source, accepted: list[Table]
) -> tuple[Table, dict[str, int]]:
    """Which accepted table the rows in temp table ``table`` are, and the rows per regional level; else refuse.

    A table is known by its code where the publisher's file name states it, and always by its content:
    the statistic, its classifying variables and the regional levels of its rows. Rows of every level
    are looked at, never just the first: an ``area=all`` answer mixes Germany, Länder,
    Regierungsbezirke and Kreise in any order.
    """
    codes = ", ".join(t.code for t in accepted)
    stats = con.execute(
        f'select statistics_code, any_value(statistics_label), count(*) from "{table}" group by all order by 3 desc'
    ).fetchall()
    if not stats:
        raise SourceError(source.id, f"{payload.shown} has no data rows")
    levels = dict(con.execute(
        f'select region_level, count(*) from "{table}" group by all order by 2 desc, 1'
    ).fetchall())
    variables = frozenset(r[0] for r in con.execute(
        f'select distinct v from (select variable_2_code as v from "{table}" union all '
        f'select variable_3_code from "{table}") where coalesce(v, \'\') <> \'\''
    ).fetchall())
    held = ", ".join(clip(lv) for lv in levels)
    named = named_table(payload)
    if named and named not in [t.code for t in accepted]:
        raise SourceError(source.id, f"table {named} is not one of {codes} (file {payload.shown}; it holds "
                                     f"statistic {clip(stats[0][0])} by {held})")
    statistic, label = stats[0][0], stats[0][1]
    candidates = [t for t in accepted if t.statistic == statistic and len(stats) == 1]
    if not candidates:
        raise SourceError(source.id, f"a table of statistic {clip(statistic)} ({clip(label)}) by {held} is not one "
                                     f"of {codes} (file {payload.shown})")
    candidates = [t for t in candidates if variables <= t.variables]
    if not candidates:
        extra = ", ".join(sorted(clip(v) for v in variables)) or "no further variable"
        raise SourceError(source.id, f"a table of statistic {clip(statistic)} ({clip(label)}) by {held} with "
                                     f"{extra} is not one of {codes} (file {payload.shown})")
    if named:
        candidates = [t for t in candidates if t.code == named] or candidates
    match = next((t for t in candidates if t.marker and t.marker in levels), None)
    match = match or next((t for t in candidates if not t.marker), candidates[0])
    return match, levels


def keep_levels(
    con: duckdb.DuckDBPyConnection, table: str, payload: Payload, source: Source, match: Table,
    levels: dict[str, int], land: str, notes: list[str],
) -> duckdb.DuckDBPyRelation:
    """The rows of the levels ``match`` uses, with our ``level`` and the table code; the others set aside, noted."""
    uses = match.level_map
    con.execute("create or replace temp table _levels (region_level varchar, value_variable_code varchar, "
                "level varchar)").fetchall()
    con.executemany("insert into _levels values (?, ?, ?)", [[lv, v, ours] for lv, (ours, v) in uses.items()])
    counts = dict(con.execute(
        f'select t.region_level, count(*) from "{table}" t join _levels using (region_level, value_variable_code) '
        "group by all"
    ).fetchall())
    kept = {lv: counts[lv] for lv in sorted(counts, key=lambda k: -counts[k])}
    ignored = {lv: n - counts.get(lv, 0) for lv, n in levels.items() if n - counts.get(lv, 0)}
    if not kept:
        raise SourceError(
            source.id, f"{payload.shown}: table {match.code} without rows of the levels this source uses "
                       f"({', '.join(uses)}); it holds " + ", ".join(f"{n} {clip(lv)}" for lv, n in levels.items())
        )
    rel = materialise(
        con, f"{table}_kept",
        f'select t.* exclude (_payload), l.level, $code as table_code, t._payload from "{table}" t '
        "join _levels l using (region_level, value_variable_code)",
        {"code": match.code},
    )
    in_land = con.execute(
        f'select count(*) from "{table}_kept" where starts_with(region_code, $land)', {"land": land}
    ).fetchall()[0][0]
    if not in_land:
        named = land_name(land)
        raise SourceError(source.id, f"{payload.shown} has no rows for Land {land}"
                                     f"{f' ({named})' if named else ''} of the cooperation (region keys {land}…)")
    note = f"{payload.shown}: table {match.code}: kept " + ", ".join(f"{n} {lv}" for lv, n in kept.items())
    if ignored:
        note += "; ignored " + ", ".join(f"{n} {clip(lv)}" for lv, n in ignored.items())
    notes.append(note)
    return rel


def read_tables(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path, accepted: list[Table],
    notes: list[str],
) -> duckdb.DuckDBPyRelation:
    """All CSVs of the payload as one relation of values: the rows of the levels the accepted table uses."""
    land = cooperation_land()
    rels = []
    for i, payload in enumerate(csv_payloads(landing_dir, source, workdir)):
        _, ignored = read_values(con, f"values_{i}", payload.csv, payload.origin, source, payload.shown,
                                 release_of(payload))
        match, levels = identify(con, f"values_{i}", payload, source, accepted)
        rels.append(keep_levels(con, f"values_{i}", payload, source, match, levels, land, notes))
        if ignored:
            notes.append(f"{payload.shown}: new column(s) ignored: {', '.join(ignored[:8])}")
    rel = rels[0]
    for more in rels[1:]:
        rel = rel.union(more)
    return rel


def credentials(source: Source) -> dict[str, str]:
    """GENESIS 2020 headers: the account token as ``username``, an empty ``password`` (never in the URL)."""
    token = os.environ.get(source.credentials_env or "")
    if token:
        return {"username": token, "password": ""}
    if is_offline():
        return {}
    raise SourceError(source.id, f"set the environment variable {source.credentials_env} to the account token")


def request_tablefile(ctx: FetchContext, table: str, **extra: str) -> None:
    """POST the GENESIS ``tablefile`` request for ``table`` (ffcsv, with quality flags) into landing."""
    ctx.get(
        ctx.source.resolved_url(),
        ctx.landing_dir / f"{table}_tablefile",  # a ZIP, recognised by content when parsed
        method="POST",
        conditional=False,
        headers=credentials(ctx.source),
        data={"name": table, "area": "all", "compress": "false", "format": "ffcsv", "language": "de",
              "quality": "on", **extra},
    )
