"""Reading GENESIS flat-file CSV ("ffcsv") safely: Regionaldatenbank, GENESIS-Online, Zensus 2022 database.

The layout (GENESIS-Webservices, ``data/tablefile`` with ``format=ffcsv``): UTF-8, usually with a BOM,
``;``-separated, one value per row::

    statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;
    1_variable_attribute_code;1_variable_attribute_label[;2_variable_…];value;value_unit;
    value_variable_code;value_variable_label[;value_q]

The older "flat" export names its columns in German and has one column per value variable, named
``<CODE>__<label>__<unit>``; it is unpivoted here.

No header, value or file name ever becomes SQL: the header line is read in Python, the file is read
with generated column names (``c0``, ``c1``, …) and the publisher's columns are picked by position
from a fixed allow-list; everything else the query needs from the file goes in as a parameter.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import duckdb

from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.base import duckdb_error, materialise
from regiohub.registry.model import Source

FLAGS = ("-", ".", "x", "/")  # nothing (exactly zero), unknown/secret, not meaningful, too uncertain
WITHHELD = ("'.'", "'x'", "'/'")
MAX_HEADER_BYTES = 64 * 1024

# target column -> the publisher's column in ffcsv and in the older flat export
ROLES = {
    "statistics_code": ("statistics_code", "Statistik_Code"),
    "statistics_label": ("statistics_label", "Statistik_Label"),
    "time": ("time", "Zeit"),
    "region_variable": ("1_variable_code", "1_Merkmal_Code"),
    "region_code": ("1_variable_attribute_code", "1_Auspraegung_Code"),
    "region_label": ("1_variable_attribute_label", "1_Auspraegung_Label"),
    "variable_2_code": ("2_variable_code", "2_Merkmal_Code"),
    "variable_2_attribute_code": ("2_variable_attribute_code", "2_Auspraegung_Code"),
    "variable_2_attribute_label": ("2_variable_attribute_label", "2_Auspraegung_Label"),
    "variable_3_code": ("3_variable_code", "3_Merkmal_Code"),
    "value": ("value", None),
    "value_unit": ("value_unit", None),
    "value_variable_code": ("value_variable_code", None),
    "value_variable_label": ("value_variable_label", None),
    "value_q": ("value_q", None),
}
REQUIRED = {
    "ffcsv": ("statistics_code", "time", "1_variable_code", "1_variable_attribute_code", "value",
              "value_variable_code"),
    "flat": ("Statistik_Code", "Zeit", "1_Merkmal_Code", "1_Auspraegung_Code"),
}
KNOWN_EXTRA = {  # columns of the layout that are read but not kept
    "ffcsv": ("time_code", "time_label", "1_variable_label", "2_variable_label",
              "3_variable_label", "3_variable_attribute_code", "3_variable_attribute_label"),
    "flat": ("Zeit_Code", "Zeit_Label", "1_Merkmal_Label", "2_Merkmal_Label", "3_Merkmal_Label",
             "3_Auspraegung_Code", "3_Auspraegung_Label"),
}
FLAT_VALUE = re.compile(r"([A-Za-z0-9_-]+?)__(.*)__(.*)")

# date: ISO or German; number: German decimal comma (then "." groups thousands) or a plain decimal point
DATE = ("(case when regexp_full_match({c}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') then try_strptime({c}, '%Y-%m-%d') "
        "when regexp_full_match({c}, '\\d{{2}}\\.\\d{{2}}\\.\\d{{4}}') then try_strptime({c}, '%d.%m.%Y') end)::date")
NUMBER = ("try_cast(case when contains({c}, ',') then replace(replace({c}, '.', ''), ',', '.') else {c} end "
          "as double)")

# checks shared by the connectors reading this layout (first match names the reason)
CHECKS = (
    ("unreadable date", "reference_date is null"),
    ("date beyond the source's horizon", "reference_date < date '1950-01-01' or reference_date > current_date"),
    ("value withheld by the publisher (quality flag . x or /)", f"value_text in ({', '.join(WITHHELD)})"),
    ("unreadable number (not a finite number)", "value is null"),
    ("value out of range", "value < 0"),
)


def header_of(path: Path, source: Source, shown: str) -> list[str]:
    """The column names of the first line (BOM stripped), read without SQL."""
    with open(path, "rb") as fh:
        line = fh.readline(MAX_HEADER_BYTES + 1)
    if len(line) > MAX_HEADER_BYTES:
        raise SourceError(source.id, f"{shown}: header line longer than {MAX_HEADER_BYTES // 1024} KiB")
    if b"\x00" in line:
        raise SourceError(source.id, f"{shown} contains NUL bytes: not a CSV file")
    text = line.decode("utf-8", errors="replace").removeprefix("\ufeff").rstrip("\r\n")
    return [name.strip().strip('"') for name in text.split(";")]


def layout_of(header: list[str], source: Source, shown: str) -> str:
    layout = "ffcsv" if "statistics_code" in header else "flat" if "Statistik_Code" in header else "ffcsv"
    missing = [c for c in REQUIRED[layout] if c not in header]
    if missing:
        found = "; ".join(clip(h) for h in header[:6])
        raise SourceError(source.id, f"unknown column layout in {shown}: missing {', '.join(missing)} "
                                     f"(found {found}…)")
    return layout


def read_values(
    con: duckdb.DuckDBPyConnection, name: str, path: Path, payload: Path, source: Source, shown: str,
    released: tuple[datetime | None, str | None] = (None, None),
) -> tuple[duckdb.DuckDBPyRelation, list[str]]:
    """Temp table ``name`` with one row per value in the common raw shape; also the ignored columns.

    ``region_level`` is the regional level a row really is: the answer's own regional variable in
    ffcsv (``DINSG``, ``DLAND``, ``REGBEZ``, ``KREISE``, ``GEMEIN``, ``GEOGM4`` …); the older flat
    export names one variable for every row, so there the key's shape decides (``DG`` Germany, 2
    digits a Land, 3 a Regierungsbezirk, 5 a Kreis). ``released_at`` is the answer's own release time
    where it states one (see :mod:`genesis_intake`), with its basis.
    """
    header = header_of(path, source, shown)
    layout = layout_of(header, source, shown)
    col = {}
    for i, h in enumerate(header):
        col.setdefault(h, f"c{i}")
    pick = {role: col.get(names[0 if layout == "ffcsv" else 1] or "", "null::varchar")
            for role, names in ROLES.items()}
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
    reader = (f"read_csv($file, auto_detect = false, header = false, skip = 1, delim = ';', quote = '\"', "
              f"escape = '\"', strict_mode = true, null_padding = false, columns = {{{columns}}})")
    params: dict[str, object] = {"file": str(path), "payload": str(payload), "released_at": released[0],
                                 "release_basis": released[1], "flat": layout == "flat"}
    if layout == "ffcsv":
        selects = [_select(pick, reader, pick["value"], "", "")]
        known = [n[0] for n in ROLES.values()] + list(KNOWN_EXTRA["ffcsv"])
    else:
        selects, known = [], [n[1] for n in ROLES.values() if n[1]] + list(KNOWN_EXTRA["flat"])
        for i, h in enumerate(header):
            if (m := FLAT_VALUE.fullmatch(h)) and col[h] == f"c{i}":
                k = len(selects)
                params.update({f"code{k}": m[1], f"label{k}": m[2], f"unit{k}": m[3]})
                selects.append(_select(pick, reader, f"c{i}", f"$code{k}", f"$label{k}", f"$unit{k}"))
                known.append(h)
        if not selects:
            raise SourceError(source.id, f"unknown column layout in {shown}: no <CODE>__<label>__<unit> column")
    try:
        rel = materialise(con, name, " union all ".join(selects), params)
    except duckdb.Error as exc:
        error = duckdb_error(source, Path(shown), exc)
        raise SourceError(source.id, error.problem.replace(str(path), shown)) from None
    return rel, [clip(h) for h in header if h not in set(known)]


def _select(pick: dict[str, str], reader: str, raw: str, code: str, label: str, unit: str = "") -> str:
    """One value column of the file in the common shape (all identifiers are our own)."""
    v = f"trim({raw})"
    code, label, unit = code or pick["value_variable_code"], label or pick["value_variable_label"], \
        unit or pick["value_unit"]
    region = f"trim({pick['region_code']})"
    region_code = (f"case when coalesce({region}, '') = '' and trim({pick['region_label']}) "
                   f"in ('Insgesamt', 'Deutschland') then 'DG' else {region} end")
    return f"""
        select
            trim({pick['statistics_code']}) as statistics_code,
            {pick['statistics_label']} as statistics_label,
            {DATE.format(c=f"trim({pick['time']})")} as reference_date,
            trim({pick['region_variable']}) as region_variable,
            case when not $flat then trim({pick['region_variable']})
                 when {region_code} = 'DG' then 'DINSG'
                 when regexp_full_match({region_code}, '[0-9]{{2}}') then 'DLAND'
                 when regexp_full_match({region_code}, '[0-9]{{3}}') then 'REGBEZ'
                 when regexp_full_match({region_code}, '[0-9]{{5}}') then 'KREISE'
                 else trim({pick['region_variable']}) end as region_level,
            {region_code} as region_code,
            trim({pick['region_label']}) as region_label,
            trim({pick['variable_2_code']}) as variable_2_code,
            nullif(trim({pick['variable_2_attribute_code']}), '') as variable_2_attribute_code,
            trim({pick['variable_2_attribute_label']}) as variable_2_attribute_label,
            nullif(trim({pick['variable_3_code']}), '') as variable_3_code,
            trim({code}) as value_variable_code,
            {label} as value_variable_label,
            {unit} as value_unit,
            case when {v} = '-' then 0
                 when {v} in ({', '.join(WITHHELD)}) then null
                 when isfinite({NUMBER.format(c=v)}) then {NUMBER.format(c=v)}
            end as value,
            {v} as value_text,
            coalesce(nullif(trim({pick['value_q']}), ''), case when {v} in {FLAGS} then {v} end) as quality_flag,
            $released_at::timestamp as released_at,
            $release_basis::varchar as release_basis,
            $payload as _payload
        from {reader}
    """


def clip(text: object, limit: int = 40) -> str:
    """Publisher text fit for a one-line message: printable, cut to ``limit`` characters."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
