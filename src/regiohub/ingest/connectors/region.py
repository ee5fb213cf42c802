"""The partner region at ingest: a release without a single row for it is rejected, not loaded.

Also the region keys of official statistics: a Gemeinde or Kreis key the region reference does not know
(:mod:`regiohub.registry.regions`, built from the Destatis GV100AD directory) is quarantined with its key
and name, and every row of the same answer, date and Kreis (and Land) carries the count of such rows,
so that the build never publishes a Kreis or Land sum that misses them.
"""

from __future__ import annotations

import duckdb

from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.csv_payloads import PublisherCsv, shown
from regiohub.registry import regions
from regiohub.registry.model import Source, load_registry

UNKNOWN_KEY = "region key unknown to the region reference (GV100AD; `regiohub regions refresh`)"


def cooperation_land() -> str:
    """The 2-digit key of the Land the cooperation's partners lie in (from the registry file)."""
    return load_registry().cooperation.land


def judge_region_keys(con: duckdb.DuckDBPyConnection, rel: duckdb.DuckDBPyRelation, name: str,
                      notes: list[str]) -> duckdb.DuckDBPyRelation:
    """``rel`` plus ``_problem`` for keys the reference does not know and the counts ``unknown_keys_in_kreis``
    and ``unknown_keys_in_land`` on every row (same date; same Kreis or Land). ``name`` is our own temp table name.

    Judged: Gemeinde keys (8-digit AGS or 12-digit ARS) and 5-digit Kreis keys of the Länder the reference
    covers; a key outside them, Kreis-level parts such as Berlin's Bezirke, and the rows answered "-"
    (nothing) — national tables list former Kreise that way (Göttingen ``03152`` in 2023) — are left alone.
    """
    known = regions.known_keys()
    con.execute("create or replace temp table _known_keys as select unnest($keys::varchar[]) as key",
                {"keys": sorted(known.keys)}).fetchall()
    rel.create_view(f"{name}_in", replace=True)
    # a row of a unit that no longer exists, answered with "-" (nothing: 0 inhabitants), holds nobody
    judged = (
        "(level = 'gemeinde' and length(region_code) in (8, 12) or level = 'kreis' and length(region_code) = 5) "
        "and list_contains($lands, left(region_code, 2)) and region_code not in (select key from _known_keys) "
        "and not (value_text = '-')"
    )
    out = con.execute(
        f'create or replace temp table "{name}" as select *, '
        f"case when {judged} then $reason end as _problem "
        f'from "{name}_in"', {"lands": sorted(known.lands), "reason": UNKNOWN_KEY},
    )
    out.fetchall()
    unknown = con.execute(
        f'select region_code, any_value(region_label), reference_date from "{name}" where _problem is not null '
        "group by all order by 1, 3"
    ).fetchall()
    con.execute(
        f'create or replace temp table "{name}_counted" as select t.*, '
        "count(*) filter (where _problem is not null) over (partition by reference_date, left(region_code, 5)) "
        "as unknown_keys_in_kreis, "
        "count(*) filter (where _problem is not null) over (partition by reference_date, left(region_code, 2)) "
        f'as unknown_keys_in_land from "{name}" t'
    ).fetchall()
    if unknown:
        keys = {code: label for code, label, _ in unknown}
        listed = "; ".join(f"{code} {label}" for code, label in list(keys.items())[:5])
        notes.append(
            f"{len(keys)} region key(s) unknown to the region reference {known.path.name} are quarantined: {listed}"
            + (" …" if len(keys) > 5 else "")
            + f"; no Kreis or Land sum is published for {', '.join(sorted({str(d) for *_, d in unknown}))} "
            "where they lie (`regiohub regions refresh --from GV100AD_….txt`, then hand the file in again)"
        )
    return con.table(f"{name}_counted")


def region_kreise() -> list[str]:
    """The 5-digit keys of the Kreise the partners lie in (from the registry file)."""
    return sorted({p.ars[:5] for p in load_registry().partners})


def require_region_rows(
    con: duckdb.DuckDBPyConnection, name: str, condition: str, source: Source, table: PublisherCsv
) -> None:
    """Reject a release without a single row for the region (``condition`` uses ``$kreise``).

    ``name`` and ``condition`` are the connector's own constants (temp table, column test), never payload text.
    """
    hit = con.execute(f'select 1 from "{name}" where {condition} limit 1', {"kreise": region_kreise()}).fetchall()
    if not hit:  # the first row for the region ends the scan
        raise no_region_rows(source, table)


def no_region_rows(source: Source, table: PublisherCsv) -> SourceError:
    return SourceError(
        source.id,
        f"{shown(table.original.name)} has no rows for the region (Kreise {', '.join(region_kreise())}): "
        "release rejected",
    )
