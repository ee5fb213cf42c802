"""Reading a publisher's CSV the same way in every connector.

:func:`open_csv` does what German publishers' files need before a row can be read: error pages
rejected, the encoding sniffed (cp1252, UTF-8 with or without BOM, UTF-16) and NUL bytes refused,
preamble lines skipped up to the header row (found by how it begins), the header split with the
file's delimiter, files of another statistic recognised and refused by their columns, a header naming one
column twice refused. The header's
cells stay data: columns are read under names we give them (``c0``, ``c1`` …) and picked by
position, so no header text, value or file name ever becomes part of a SQL statement.

:func:`select_columns` maps :class:`Column` specs (raw name, accepted header names, kind) onto
typed SQL expressions plus one ``_problem`` expression naming the first unreadable value of a row
(see :mod:`regiohub.ingest.connectors.csv_values`); :func:`load` materialises the relation. A new CSV
connector is then little more than its columns::

    COLUMNS = (Column("day", ("Datum",), "date", required=True), Column("value", ("Wert",), "number"))

    def parse(self, con, landing_dir, source, workdir):
        path = find_payloads(landing_dir, ["*.csv"], source, "CSV file")[0]
        table = open_csv(path, source, workdir, delimiter=";", header_starts=("Datum;",))
        exprs, problem = select_columns(table, COLUMNS, source)
        select = f"select {', '.join(exprs)}, {problem} as _problem, $payload as _payload from {{reader}}"
        return {"values": load(con, "values", table, select, source)}
"""

from __future__ import annotations

import codecs
import csv
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.base import reject_error_page
from regiohub.ingest.connectors.csv_values import Horizon, Kind, problem, typed
from regiohub.registry.model import Source

_BOM = codecs.BOM_UTF8
MAX_HEADER_BYTES = 1 << 20  # a header or preamble line longer than this is not a publisher CSV


@dataclass(frozen=True)
class Column:
    """A raw column: its name in raw, the header names publishers use for it, its kind."""

    raw: str
    headers: tuple[str, ...]
    kind: Kind = "text"
    required: bool = False


@dataclass
class PublisherCsv:
    original: Path  # the payload as delivered: lineage and messages name it
    path: Path  # a UTF-8 version of it
    header: list[str]  # the header row's cells as published (data, never SQL)
    skip: int  # lines before the first data row
    delimiter: str
    preamble: list[str] = field(default_factory=list)

    def position(self, names: Iterable[str]) -> int | None:
        wanted = set(names)
        return next((i for i, h in enumerate(self.header) if h in wanted), None)

    def reader(self) -> tuple[str, dict[str, object]]:
        """``read_csv(…)`` over the data rows, columns named ``c0`` … by us; with its parameters."""
        sql = (
            "read_csv($file, skip = $skip, header = false, delim = $delim, quote = '\"', escape = '\"', "
            "all_varchar = true, strict_mode = true, names = $names)"
        )
        return sql, {"file": str(self.path), "skip": self.skip, "delim": self.delimiter,
                     "names": [f"c{i}" for i in range(len(self.header))]}

    def stated_date(self, pattern: str) -> date | None:
        """A ``dd.mm.yyyy`` date the preamble states after ``pattern`` (e.g. ``Stand:``)."""
        for line in self.preamble:
            m = re.search(pattern + r"\s*([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", line)
            if m:
                try:
                    return date(int(m[3]), int(m[2]), int(m[1]))
                except ValueError:
                    return None
        return None

    def shown_header(self, limit: int = 6) -> str:
        return "; ".join(shown(h, 40) for h in self.header[:limit]) + ("…" if len(self.header) > limit else "")


def shown(text: str, limit: int = 120) -> str:
    """Publisher text fit for a one-line message: control characters replaced, length capped."""
    clean = "".join(ch if ch.isprintable() else "\N{REPLACEMENT CHARACTER}" for ch in text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def detect_encoding(path: Path) -> str:
    """``utf-16`` (by BOM), ``utf-8`` (with or without BOM) if the whole file decodes as UTF-8, else ``cp1252``."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        if fh.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
        fh.seek(0)
        first, utf8 = True, True
        while chunk := fh.read(1 << 20):
            if b"\x00" in chunk:
                return "nul"
            if first and chunk.startswith(_BOM):
                chunk = chunk[len(_BOM):]
            first = False
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if not utf8:
        return "cp1252"
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "utf-8-truncated"  # a multibyte character cut off at the end: truncated, not cp1252
    return "utf-8"


def as_utf8(path: Path, source: Source, workdir: Path) -> Path:
    """A UTF-8 version of ``path``: the file itself when it is UTF-8 (DuckDB skips a BOM), else a transcode."""
    encoding = detect_encoding(path)
    if encoding == "nul":
        raise SourceError(source.id, f"{shown(path.name)} contains NUL bytes: a binary file or an unknown encoding")
    if encoding == "utf-8-truncated":
        raise SourceError(source.id, f"{shown(path.name)} ends inside a character: the file is truncated")
    if encoding == "utf-8":
        return path
    target = Path(tempfile.mkstemp(suffix=".csv", dir=workdir)[1])
    try:
        with open(path, encoding=encoding, newline="") as src, open(target, "w", encoding="utf-8", newline="") as dst:
            while block := src.read(1 << 20):
                dst.write(block)
    except UnicodeDecodeError as exc:
        raise SourceError(
            source.id, f"{shown(path.name)} is neither UTF-8 nor {encoding} (byte {exc.start}): wrong encoding?"
        ) from None
    return target


def _find_header(
    path: Path, prefixes: tuple[str, ...] | None, source: Source, max_lines: int
) -> tuple[int, str, list[str]]:
    preamble: list[str] = []
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        for i in range(max_lines):
            line = fh.readline(MAX_HEADER_BYTES + 1)
            if not line:
                break
            if len(line) > MAX_HEADER_BYTES:
                too_long = f"{shown(path.name)}: line {i + 1} is longer than 1 MiB: not a publisher CSV"
                raise SourceError(source.id, too_long)
            text = line.lstrip("\ufeff").rstrip("\r\n")
            if prefixes is None or text.startswith(prefixes):
                return i, text, preamble
            preamble.append(text)
    expected = " or ".join(repr(p) for p in prefixes or ())
    raise SourceError(
        source.id,
        f"unknown column layout in {shown(path.name)}: no header row starting with {expected} "
        f"in the first {max_lines} lines",
    )


def open_csv(
    original: Path,
    source: Source,
    workdir: Path,
    *,
    delimiter: str,
    header_starts: tuple[str, ...] | None = None,
    foreign: dict[str, tuple[str, ...]] | None = None,
    max_preamble: int = 50,
) -> PublisherCsv:
    """Check, transcode and locate the header of a publisher CSV (see the module docstring).

    ``foreign`` maps a description of another publication (e.g. "the RKI hospitalisation series per
    Land") to header cells that identify it; such a file is refused as out of scope.
    """
    reject_error_page(original, source, "CSV")
    utf8 = as_utf8(original, source, workdir)
    index, line, preamble = _find_header(utf8, header_starts, source, max_preamble)
    try:
        header = [h.strip() for h in next(csv.reader([line], delimiter=delimiter, quotechar='"'), [])]
    except csv.Error:  # e.g. one header cell above csv's field limit (128 KiB): no publisher header
        raise SourceError(source.id, f"{shown(original.name)}: the header row cannot be read as CSV") from None
    if not any(header):
        raise SourceError(source.id, f"{shown(original.name)}: the header row is empty")
    _refuse_duplicate_names(header, original, source)
    for what, marks in (foreign or {}).items():
        if all(m in header for m in marks):
            raise SourceError(source.id, f"{shown(original.name)} is {what}: out of scope for this source")
    return PublisherCsv(original, utf8, header, index + 1, delimiter, preamble)


def _refuse_duplicate_names(header: list[str], original: Path, source: Source) -> None:
    """Two columns of one name: which one holds the values would be chance, so the file is refused."""
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name and name in seen:
            raise SourceError(source.id, f"{shown(original.name)}: column name '{shown(name, 60)}' appears twice "
                                         f"(columns {seen[name] + 1} and {i + 1}): which one holds the values is "
                                         "unclear; file refused")
        seen.setdefault(name, i)


def select_columns(
    table: PublisherCsv, columns: Iterable[Column], source: Source, horizon: Horizon | None = None
) -> tuple[list[str], str]:
    """Typed select expressions (``… as raw``) for ``columns`` and the row's ``_problem`` expression.

    A required column missing from the header raises; an optional one is NULL.
    """
    exprs, problems, missing = [], [], []
    for spec in columns:
        pos = table.position(spec.headers)
        if pos is None:
            if spec.required:
                missing.append(spec.headers[0])
            cast = {"integer": "bigint", "number": "double", "date": "date"}.get(spec.kind, "varchar")
            exprs.append(f"null::{cast} as {spec.raw}")
            continue
        col = f"c{pos}"
        exprs.append(f"{typed(spec.kind, col, horizon)} as {spec.raw}")
        if (p := problem(spec.kind, col, spec.headers[0], horizon)) is not None:
            problems.append(p)
    if missing:
        raise SourceError(
            source.id,
            f"unknown column layout in {shown(table.original.name)}: missing {', '.join(missing)} "
            f"(found {table.shown_header()})",
        )
    return exprs, (f"coalesce({', '.join(problems)})" if problems else "null::varchar")


def load(
    con: duckdb.DuckDBPyConnection,
    name: str,
    table: PublisherCsv,
    select: str,
    source: Source,
    params: dict[str, object] | None = None,
) -> duckdb.DuckDBPyRelation:
    """Materialise ``select … from {reader}`` (``select`` holds ``{reader}``) as temp table ``name``."""
    reader, reader_params = table.reader()
    try:
        con.execute(
            f'create or replace temp table "{name}" as {select.replace("{reader}", reader)}',
            {**reader_params, "payload": str(table.original), **(params or {})},
        ).fetchall()
    except duckdb.Error as exc:
        first = next((ln for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)
        raise SourceError(source.id, f"cannot read {shown(table.original.name)}: {shown(first, 200)}") from None
    return con.table(name)
