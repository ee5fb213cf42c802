"""What a PEGELONLINE payload is, told by content: station lists, measurement series, other documents.

Station uuids come from the publisher (or an operator's file): :func:`is_uuid` checks them before a
path or URL is built from one, and :func:`confined` refuses any path that would leave its folder.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.base import duckdb_error, reject_error_page
from regiohub.registry.model import Source

UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_UUID = re.compile(UUID_PATTERN)
_TOKEN_SPLIT = re.compile(r"[_.\s]+")
STREAM_FROM_BYTES = 0  # measurement series from this size on are read and checked by DuckDB only, never
# parsed into Python: all of them (the check is part of the one read, see :func:`check_series`)


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def confined(base: Path, source: Source, *parts: str) -> Path:
    """``base/parts…``, refused if it would resolve outside ``base`` (absolute parts, ``..``, links)."""
    root = base.resolve()
    target = root.joinpath(*parts).resolve()
    if not target.is_relative_to(root) or target == root:
        raise SourceError(source.id, f"refused a path outside the landing folder built from publisher data: "
                                     f"{'/'.join(parts)[:80]!r}")
    return target


@dataclass
class Payloads:
    """The files of one load, sorted by what they hold."""

    base: Path
    stations: list[Path] = field(default_factory=list)
    measurements: list[Path] = field(default_factory=list)
    station_docs: list[list[dict]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files that hold nothing to load, and why

    @property
    def notes(self) -> list[str]:
        return [f"{why}: ignored" for why in self.skipped]

    @property
    def station_count(self) -> int:
        return sum(len(doc) for doc in self.station_docs)

    def rel(self, path: Path) -> str:
        """The operator's name of a file: its path inside the delivered folder (never the load folder)."""
        try:
            return str(path.relative_to(self.base))
        except ValueError:
            return path.name

    def first(self) -> Path:
        return (self.stations or self.measurements or [self.base])[0]

    def water_level_stations(self) -> list[dict]:
        """Station objects that have a water-level (W) time series."""
        return [
            s for doc in self.station_docs for s in doc
            if isinstance(s.get("timeseries"), list)
            and any(isinstance(t, dict) and t.get("shortname") == "W" for t in s["timeseries"])
        ]


def classify(landing_dir: Path, source: Source) -> Payloads:
    """Sort the landing folder's files by content; raise if none is a station list or a measurement series."""
    out = Payloads(landing_dir)
    for path in sorted(landing_dir.rglob("*")):
        if path.is_symlink():
            raise SourceError(source.id, f"{out.rel(path)} is a symbolic link: refused")
        if not path.is_file():
            continue
        name = out.rel(path)
        reject_error_page(path, source, "JSON")  # HTML error pages and empty files
        with open(path, "rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith((b"[", b"{")):
            out.skipped.append(f"{name} is not a PEGELONLINE JSON document")
            continue
        if path.stat().st_size > STREAM_FROM_BYTES and _is_measurement_series(path):
            out.measurements.append(path)  # read and checked by DuckDB, never held in memory here
            continue
        try:
            doc = json.loads(path.read_bytes().decode("utf-8-sig"))
        except ValueError as exc:
            raise SourceError(source.id, f"{name} is not valid JSON ({str(exc)[:80]})") from None
        except RecursionError:
            raise SourceError(source.id, f"{name} is nested too deeply to be a PEGELONLINE document") from None
        _sort(out, path, name, doc, source)
    if not out.stations and not out.measurements:
        why = "; ".join(out.skipped) or "the payload is empty"
        raise SourceError(source.id, f"no PEGELONLINE station list or measurements to load: {why}")
    return out


def _is_measurement_series(path: Path) -> bool:
    """Whether a file is a measurement series, told by its first element (an object with a ``timestamp``).

    Nothing else is read here: the one read that writes the readings (DuckDB's, never Python's) refuses a
    series that is not valid JSON or holds a non-object (:func:`reader_problem`), and :func:`check_series`
    then looks for readings without a ``timestamp``. Anything else (a large station list, say) is left to
    the ordinary path.
    """
    with open(path, "rb") as fh:
        head = fh.read(1 << 16).decode("utf-8-sig", errors="replace").lstrip()
    if not head.startswith("["):
        return False
    try:
        first, _ = json.JSONDecoder().raw_decode(head[1:].lstrip())
    except (ValueError, RecursionError):  # not a reading first: the ordinary path says what it is
        return False
    return isinstance(first, dict) and "timestamp" in first and "uuid" not in first


NEITHER = "is a JSON array of neither stations (uuid, number, …) nor measurements (timestamp, value)"


def check_series(con: duckdb.DuckDBPyConnection, payloads: Payloads, source: Source) -> None:
    """Raise if a measurement series holds an element that is not a reading with a ``timestamp`` key."""
    bad = con.execute(
        "select filename from read_json_objects($files, format = 'array', filename = true) "
        "where json_type(json) <> 'OBJECT' or not json_exists(json, '$.timestamp') limit 1",
        {"files": [str(f) for f in payloads.measurements]},
    ).fetchall()
    if bad:
        raise SourceError(source.id, f"{payloads.rel(Path(bad[0][0]))} {NEITHER}")


def reader_problem(exc: duckdb.Error, payloads: Payloads, source: Source) -> Exception:
    """A measurement series DuckDB could not read, in the operator's words (the file named, one line);
    an error that names no file (not the payload's) stays what it is."""
    text = " ".join(str(exc).split())
    m = re.search(r'in file "(.*?)", ', text)
    if not m:
        return exc
    path = Path(m[1])
    if "Malformed JSON" in text:
        return SourceError(source.id, f"{payloads.rel(path)} is not valid JSON ({_reader_problem(exc)})")
    if "Expected OBJECT" in text:
        return SourceError(source.id, f"{payloads.rel(path)} {NEITHER}")
    return duckdb_error(source, path, exc)


def _reader_problem(exc: duckdb.Error) -> str:
    """DuckDB's reason for refusing a JSON file, without the file's path."""
    text = " ".join(str(exc).split())
    m = re.search(r"(at byte \d+.*)", text)
    return (m[1] if m else text.split(":", 1)[-1].strip())[:80]


def _sort(out: Payloads, path: Path, name: str, doc: object, source: Source) -> None:
    if not isinstance(doc, list):
        keys = f" (keys: {', '.join(list(map(str, doc))[:4])})" if isinstance(doc, dict) else ""
        raise SourceError(source.id, f"{name} is not a list of stations or measurements{keys}")
    if not doc:
        out.skipped.append(f"{name} is an empty list")
    elif all(isinstance(x, dict) and "uuid" in x for x in doc):
        out.stations.append(path)
        out.station_docs.append(doc)
    elif all(isinstance(x, dict) and "timestamp" in x for x in doc):
        out.measurements.append(path)
    elif all(isinstance(x, dict) and {"shortname", "longname"} >= set(x) for x in doc):
        out.skipped.append(f"{name} is a list of waters (waters.json), not stations or measurements")
    else:
        raise SourceError(source.id, f"{name} {NEITHER}")


def known_stations(con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source) -> None:
    """Temp table ``known`` (uuid, number, shortname): the stations already in raw for this source.

    The landing folder is ``<data>/landing/<source>/<load>``; raw lives beside it in ``<data>/raw``.
    """
    raw = landing_dir.parents[2] / "raw" / source.id / "stations"
    files = sorted(str(p) for p in raw.glob("*.parquet")) if landing_dir.parents[1].name == "landing" else []
    if files:
        con.execute(
            "create or replace temp table known as select distinct uuid, number, shortname "
            "from read_parquet($files, union_by_name = true)",
            {"files": files},
        ).fetchall()
    else:
        con.execute("create or replace temp table known as "
                    "select null::varchar as uuid, null::varchar as number, null::varchar as shortname limit 0"
                    ).fetchall()


def station_of(path: Path, base: Path, known: list[tuple], source: Source) -> str:
    """The uuid of the station a measurement series belongs to, named by the file's path."""
    rel = path.relative_to(base)
    name = str(rel)
    parts = [*rel.parent.parts, rel.stem]
    tokens = {p.casefold() for p in parts} | {t.casefold() for p in parts for t in _TOKEN_SPLIT.split(p) if t}
    uuids = [t for t in tokens if is_uuid(t)]
    by_key: dict[str, str] = {}
    for uuid, number, shortname in known:
        for key in (uuid, number, shortname):
            if key:
                by_key[str(key).strip().casefold()] = uuid
    for u in uuids:
        if u not in by_key:
            raise SourceError(source.id, f"{name}: measurements of unknown station {u} "
                                         "(not a registered gauge in this or an earlier station list): rejected")
    hits = {by_key[t] for t in tokens if t in by_key}
    if len(hits) == 1:
        return hits.pop()
    if len(hits) > 1:
        raise SourceError(source.id, f"{name}: the path names more than one station ({', '.join(sorted(hits))})")
    raise SourceError(
        source.id,
        f"{name}: cannot tell which station these measurements belong to (expected the API path "
        "stations/<uuid>/W/measurements.json or a known gauge's uuid, number or name in the path)",
    )
