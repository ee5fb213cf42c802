"""Zensus 2022 database: a table as flat-file CSV ("ffcsv") inside a ZIP.

Download flow: ``GET …/tables/{code}/structure`` gives the table's ``initialState``;
``POST …/tables/{code}/download/ffcsv/de`` with that state returns ``{code}_de_flat.zip``.
The CSV is ``;``-separated UTF-8 with decimal commas, one value per row plus a quality column
``value_q``; dates come as ``2022-05-15`` or ``15.05.2022``.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import duckdb

from regiohub.connectors.base import (
    Connector,
    FetchContext,
    column_names,
    duckdb_error,
    materialise,
    reject_error_page,
    require_columns,
)
from regiohub.connectors.csv_payloads import as_utf8
from regiohub.errors import SourceError
from regiohub.http import download
from regiohub.registry import Source

REQUIRED = (
    "statistics_code", "statistics_label", "time", "1_variable_code", "1_variable_attribute_code",
    "1_variable_attribute_label", "value", "value_unit", "value_variable_code", "value_q",
)
# German quality flags that stand in for a value: nothing, unknown/secret, not meaningful, too uncertain
FLAG_VALUES = ("-", ".", "x", "/")


class ZensusFfcsvConnector(Connector):
    entities = ("values",)
    keys = {"values": ("statistics_code", "reference_date", "region_code", "value_variable_code")}
    checks = {
        "values": (
            ("unreadable date or value",
             f"reference_date is null or (value is null and trim(value_text) not in {FLAG_VALUES})"),
            ("unknown region key", r"not regexp_full_match(region_code, '(0[1-9]|1[0-6])([0-9]{1,10})?|DG')"),
            ("value out of range", "value < 0"),
        )
    }

    def fetch(self, ctx: FetchContext) -> None:
        base = ctx.source.resolved_url().rstrip("/")
        table = base.rsplit("/", 1)[-1]
        structure_file = ctx.landing_dir / "structure.json"
        download(ctx.http, f"{base}/structure", structure_file)
        try:
            initial_state = json.loads(structure_file.read_bytes())["initialState"]
        except (ValueError, KeyError, TypeError):
            raise SourceError(ctx.source.id, "table structure has no initialState (API changed?)") from None
        download(
            ctx.http, f"{base}/download/ffcsv/de", ctx.landing_dir / f"{table}_de_flat.zip",
            method="POST", json=initial_state,
        )

    def parse(self, con: duckdb.DuckDBPyConnection, landing_dir: Path, source: Source, workdir: Path):
        # extracted or delivered CSV -> the payload file it came from (for lineage)
        origin: dict[Path, Path] = {p: p for p in landing_dir.rglob("*.csv")}
        for archive in landing_dir.rglob("*"):
            if archive.is_file() and archive.suffix.lower() in ("", ".zip"):
                origin.update(_unpack(archive, workdir, source))
        if not origin:
            raise SourceError(source.id, f"no ffcsv ZIP or CSV file in {landing_dir.name}")
        csv_files = list(origin)
        rels = []
        for i, path in enumerate(sorted(csv_files)):
            reject_error_page(path, source, "CSV")
            utf8 = as_utf8(path, source, workdir)
            reader = "read_csv($file, header = true, delim = ';', all_varchar = true, strict_mode = true)"
            params = {"file": str(utf8)}
            try:
                header = column_names(con, reader, params)
                require_columns(header, REQUIRED, source, path.name)
                self.note_new_columns(header, (*REQUIRED, "time_code", "time_label", "1_variable_label",
                                               "value_variable_label"), path.name)
                rels.append(
                    materialise(
                        con,
                        f"values_{i}",
                        f"""
                        select
                            statistics_code,
                            statistics_label,
                            coalesce(try_strptime("time", '%Y-%m-%d'), try_strptime("time", '%d.%m.%Y'))::date
                                as reference_date,
                            "1_variable_code" as region_variable,
                            "1_variable_attribute_code" as region_code,
                            "1_variable_attribute_label" as region_label,
                            case when trim("value") in {FLAG_VALUES} then null
                                 else try_cast(replace(replace(trim("value"), '.', ''), ',', '.') as double)
                            end as value,
                            "value" as value_text,
                            value_unit,
                            value_variable_code,
                            value_variable_label,
                            value_q as quality_flag,
                            $payload as _payload
                        from {reader}
                        """,
                        {**params, "payload": str(origin[path])},
                    )
                )
            except duckdb.Error as exc:
                raise duckdb_error(source, path, exc) from None
        rel = rels[0]
        for more in rels[1:]:
            rel = rel.union(more)
        return {"values": rel}


def _unpack(archive: Path, workdir: Path, source: Source) -> dict[Path, Path]:
    """Extract the CSV files of a ZIP payload (recognised by content; the API's file has no suffix)."""
    with open(archive, "rb") as fh:
        is_zip = fh.read(4).startswith(b"PK")
    if not is_zip:
        if archive.suffix.lower() == ".zip":
            reject_error_page(archive, source, "ZIP")
            raise SourceError(source.id, f"{archive.name} is not a ZIP archive")
        return {}  # e.g. the table structure JSON
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.namelist() if m.lower().endswith(".csv")]
            if not members:
                raise SourceError(source.id, f"{archive.name} holds no CSV file")
            return {Path(zf.extract(m, workdir / archive.stem)): archive for m in members}
    except zipfile.BadZipFile:
        raise SourceError(source.id, f"{archive.name} is not a complete ZIP archive (truncated download?)") from None
