"""What a GENESIS payload is: its CSV files found by content (ZIP or CSV, any name) and the table they hold.

The ``tablefile`` service answers with a ZIP even with ``compress=false`` (the parameter only drops
empty rows and columns); operators hand in that ZIP, its extracted CSV or a folder of either.
A flat-file CSV does not name its table, but its statistic and regional variable identify it
(12411 by ``KREISE`` is 12411-01-01-4, by ``GEMEIN`` 12411-01-01-5); the file name, as the
publisher builds it (``11111-0001_de_flat.csv``), names a foreign table in the message.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from regiohub.core.errors import SourceError
from regiohub.core.http import is_offline
from regiohub.ingest.connectors.archives import is_zip, unpack
from regiohub.ingest.connectors.base import FetchContext, reject_error_page
from regiohub.ingest.connectors.csv_payloads import as_utf8
from regiohub.ingest.connectors.genesis_ffcsv import clip, read_values
from regiohub.registry.model import Source

TABLE_CODE = re.compile(r"\d{4}[0-9A-Z](-[0-9A-Z]{1,4}){1,3}")


@dataclass(frozen=True)
class Payload:
    csv: Path  # the UTF-8 CSV to read
    origin: Path  # the payload file it came from (lineage)
    shown: str  # how the operator knows it: their file name, and the member inside a ZIP


@dataclass(frozen=True)
class Table:
    code: str
    statistic: str
    region_variable: str
    value_variable: str


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
            for member, extracted in sorted(members.items()):
                found.append(Payload(as_utf8(extracted, source, workdir), path, f"{shown} ({member})"))
        else:
            _reject_status_message(path, source, shown)
            reject_error_page(path, source, "CSV")
            found.append(Payload(as_utf8(path, source, workdir), path, shown))
    if not found:
        raise SourceError(source.id, "the payload holds no CSV or ZIP file")
    return found


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


def check_table(
    con: duckdb.DuckDBPyConnection, table: str, payload: Payload, source: Source, accepted: list[Table]
) -> None:
    """Raise unless the rows in temp table ``table`` are one of the ``accepted`` tables, with rows for Brandenburg."""
    kinds = con.execute(
        f'select statistics_code, region_variable, any_value(statistics_label), count(*) from "{table}" '
        "group by all order by 4 desc"
    ).fetchall()
    if not kinds:
        raise SourceError(source.id, f"{payload.shown} has no data rows")
    codes = ", ".join(t.code for t in accepted)
    for statistic, region_variable, label, _ in kinds:
        match = [t for t in accepted if (t.statistic, t.region_variable) == (statistic, region_variable)]
        if not match:
            named = TABLE_CODE.match(Path(payload.shown.split(" (")[-1].rstrip(")")).name)
            what = (f"table {named[0]}" if named and named[0] not in [t.code for t in accepted]
                    else f"a table of statistic {clip(statistic)} ({clip(label)}) by {clip(region_variable)}")
            raise SourceError(source.id, f"{what} is not one of {codes} (file {payload.shown})")
        # ``table`` is our own temp table's name, never text from the payload
        variables = {r[0] for r in con.execute(f'select distinct value_variable_code from "{table}"').fetchall()}
        if match[0].value_variable not in variables:
            raise SourceError(source.id, f"{payload.shown}: table {match[0].code} without "
                                         f"{match[0].value_variable} values")
    in_region = con.execute(f"select count(*) from \"{table}\" where region_code like '12%'").fetchall()[0][0]
    if not in_region:
        raise SourceError(source.id, f"{payload.shown} has no rows for Brandenburg (region keys 12…)")


def read_tables(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path, accepted: list[Table],
    notes: list[str],
) -> duckdb.DuckDBPyRelation:
    """All CSVs of the payload as one relation of values, each checked to be one of the ``accepted`` tables."""
    rels = []
    for i, payload in enumerate(csv_payloads(landing_dir, source, workdir)):
        rel, ignored = read_values(con, f"values_{i}", payload.csv, payload.origin, source, payload.shown)
        check_table(con, f"values_{i}", payload, source, accepted)
        if ignored:
            notes.append(f"{payload.shown}: new column(s) ignored: {', '.join(ignored[:8])}")
        rels.append(rel)
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
