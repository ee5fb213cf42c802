"""SensorThings query options (``$filter $expand $select $orderby $top $skip $count``) and their execution.

``$top`` is capped at :data:`MAX_TOP` (as FROST caps it): a client always gets ``@iot.nextLink`` while more
rows follow. An expanded collection is fetched for all parents of a page in one query (a window per parent),
so "the latest Observation of every Datastream" is one query for the page, not one per Datastream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import duckdb

from regiohub.api.sta.entities import ENTITIES, Entity, encode
from regiohub.api.sta.filter import FilterError, Node, parse
from regiohub.api.sta.sql import where

DEFAULT_TOP, MAX_TOP, MAX_DEPTH = 100, 1000, 4


@dataclass
class Options:
    filter: Node | None = None
    select: list[str] | None = None
    orderby: list[tuple[str, str]] = field(default_factory=list)
    top: int = DEFAULT_TOP
    skip: int = 0
    count: bool = False
    expand: dict[str, Options] = field(default_factory=dict)


def split_top(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` outside parentheses and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch in "()":
            depth += 1 if ch == "(" else -1
        elif not quoted and depth == 0 and ch == sep:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def options(params: dict[str, str], ent: Entity, depth: int = 0) -> Options:
    if depth > MAX_DEPTH:
        raise FilterError(f"$expand nested deeper than {MAX_DEPTH}")
    opts = Options()
    if params.get("$filter"):
        opts.filter = parse(params["$filter"])
    if params.get("$select"):
        opts.select = [s.strip() for s in params["$select"].split(",") if s.strip()]
    for part in split_top(params.get("$orderby", ""), ","):
        prop, _, direction = part.partition(" ")
        if prop not in ent.props or ent.props[prop] == "location":
            raise FilterError(f"cannot order {ent.name} by {prop[:60]!r}")
        opts.orderby.append((ent.props[prop], "desc" if direction.strip().lower() == "desc" else "asc"))
    try:
        opts.top = min(int(params.get("$top", DEFAULT_TOP)), MAX_TOP)
        opts.skip = int(params.get("$skip", 0))
    except ValueError:
        raise FilterError("$top and $skip take whole numbers") from None
    if opts.top < 0 or opts.skip < 0:
        raise FilterError("$top and $skip cannot be negative")
    opts.count = params.get("$count", "false").lower() == "true"
    for item in split_top(params.get("$expand", ""), ","):
        m = re.fullmatch(r"([A-Za-z]+)(?:/([A-Za-z/]+))?(?:\((.*)\))?", item, re.S)
        if not m or m.group(1) not in ent.nav:
            raise FilterError(f"{ent.name} cannot expand {item[:60]!r}")
        target = ENTITIES[ent.nav[m.group(1)].target]
        inner = dict(p.split("=", 1) for p in split_top(m.group(3) or "", ";") if "=" in p)
        if m.group(2):  # Thing/Locations is Thing($expand=Locations)
            inner["$expand"] = ",".join(filter(None, [m.group(2), inner.get("$expand")]))
        opts.expand[m.group(1)] = options(inner, target, depth + 1)
    return opts


def order_sql(opts: Options, alias: str = "e", tiebreak: bool = True) -> str:
    """ORDER BY of ``opts``; the id breaks ties of a page (not needed within an expanded collection's window,
    where it costs a string sort: Observations of a Datastream differ in phenomenonTime)."""
    keys = [f"{alias}.{col} {direction}" for col, direction in opts.orderby]
    return ", ".join([*keys, f"{alias}.id"] if tiebreak or not keys else keys)


def _latest_only(target: Entity, sub: Options) -> bool:
    return (target.name == "Observations" and sub.top == 1 and sub.skip == 0 and sub.filter is None
            and sub.orderby == [("phenomenon_start", "desc")])


def collection(con: duckdb.DuckDBPyConnection, ent: Entity, opts: Options, base: str,
               scope: tuple[str, list] = ("true", [])) -> dict[str, Any]:
    """A page of ``ent`` (within ``scope``, an SQL condition on alias ``e``) with count and nextLink flag."""
    cond, params = where(opts.filter, ent)
    full = f"({scope[0]}) and ({cond})"
    args = [*scope[1], *params]
    rows = _records(con, f"select e.* from {ent.table} e where {full} order by {order_sql(opts)} limit ? offset ?",
                    [*args, opts.top + 1, opts.skip])
    out: dict[str, Any] = {}
    if opts.count:
        out["@iot.count"] = con.execute(f"select count(*) from {ent.table} e where {full}", args).fetchone()[0]
    more = len(rows) > opts.top
    out["value"] = render(con, ent, rows[:opts.top], opts, base)
    out["_more"] = more
    return out


def render(con: duckdb.DuckDBPyConnection, ent: Entity, rows: list[dict], opts: Options, base: str) -> list[dict]:
    encoded = [encode(ent, r, base) for r in rows]
    for nav_name, sub in opts.expand.items():
        nav, target = ent.nav[nav_name], ENTITIES[ent.nav[nav_name].target]
        keys = list({r[nav.source_col] for r in rows if r.get(nav.source_col) is not None})
        cond, params = where(sub.filter, target)
        children: dict[Any, list[dict]] = {}
        if keys:
            if nav.many and _latest_only(target, sub):  # precomputed: the latest Observation of each Datastream
                found = _records(con, f"select e.* from sta_latest e where e.{nav.target_col} in (select unnest(?))",
                                 [keys])
            elif nav.many:
                found = _records(con, f"""
                    select * exclude (_rn) from (
                        select e.*, row_number() over (
                            partition by e.{nav.target_col} order by {order_sql(sub, tiebreak=False)}) _rn
                        from {target.table} e where e.{nav.target_col} in (select unnest(?)) and {cond})
                    where _rn > ? and _rn <= ? order by {nav.target_col}, _rn""",
                    [keys, *params, sub.skip, sub.skip + sub.top])
            else:
                found = _records(con, f"select e.* from {target.table} e where e.{nav.target_col} in "
                                      f"(select unnest(?)) and {cond}", [keys, *params])
            rendered = render(con, target, found, sub, base)
            for raw, item in zip(found, rendered, strict=True):
                children.setdefault(raw[nav.target_col], []).append(item)
        for raw, item in zip(rows, encoded, strict=True):
            kids = children.get(raw.get(nav.source_col), [])
            item[nav_name] = kids if nav.many else (kids[0] if kids else None)
            item.pop(f"{nav_name}@iot.navigationLink", None)
    return [select(item, opts.select, opts.expand) for item in encoded]


def select(item: dict, names: list[str] | None, expanded: dict) -> dict:
    if not names:
        return item
    wanted = {"@iot.id" if n in ("id", "@iot.id") else n for n in names} | set(expanded)
    return {k: v for k, v in item.items() if k in wanted or (k == "@iot.selfLink" and "@iot.id" in wanted)}


def _records(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
