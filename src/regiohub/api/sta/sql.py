"""A parsed ``$filter`` as SQL over an entity table; navigation paths as ``exists`` subqueries."""

from __future__ import annotations

import re

from regiohub.api.sta.entities import ENTITIES, Entity
from regiohub.api.sta.filter import ARITH, COMPARE, FUNCTIONS, SPATIAL, FilterError, Node

PROPERTY_KEY = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")


class Compiler:
    def __init__(self) -> None:
        self.params: list[object] = []
        self._aliases = 0

    def alias(self) -> str:
        self._aliases += 1
        return f"n{self._aliases}"

    def predicate(self, node: Node, ent: Entity, alias: str) -> str:
        if node.kind == "op" and node.value in ("and", "or"):
            left, right = (self.predicate(a, ent, alias) for a in node.args)
            return f"({left} {node.value} {right})"
        if node.kind == "not":
            return f"(not {self.predicate(node.args[0], ent, alias)})"
        hop = _navigation(node, ent)
        if hop:  # one navigation step: the predicate holds for some related entity
            nav = ent.nav[hop]
            target, t = ENTITIES[nav.target], self.alias()
            inner = self.predicate(_strip(node, hop), target, t)
            return (f"exists (select 1 from {target.table} {t} where {t}.{nav.target_col} = {alias}.{nav.source_col} "
                    f"and {inner})")
        return f"coalesce({self.value(node, ent, alias)}, false)"

    def value(self, node: Node, ent: Entity, alias: str) -> str:
        if node.kind == "lit":
            self.params.append(node.value)
            return "?::timestamptz" if node.args else "?"
        if node.kind == "path":
            return self.path(node.value, ent, alias)
        if node.kind == "op" and node.value in COMPARE:
            left, right = node.args
            if right.kind == "lit" and right.value is None and node.value in ("eq", "ne"):
                return f"({self.value(left, ent, alias)} is {'' if node.value == 'eq' else 'not '}null)"
            return f"({self.value(left, ent, alias)} {COMPARE[node.value]} {self.value(right, ent, alias)})"
        if node.kind == "op" and node.value in ARITH:
            left, right = (self.value(a, ent, alias) for a in node.args)
            return f"({left} {ARITH[node.value]} {right})"
        if node.kind == "op" or node.kind == "not":
            return self.predicate(node, ent, alias)
        if node.kind == "func" and node.value in SPATIAL:
            return self.spatial(node, ent, alias)
        if node.kind == "func" and node.value in FUNCTIONS:
            count, template = FUNCTIONS[node.value]
            if len(node.args) != count:
                raise FilterError(f"{node.value}() takes {count} argument(s)")
            return template.format(*(self.value(a, ent, alias) for a in node.args))
        if node.kind == "func":
            raise FilterError(f"function {node.value[:40]!r} is not supported")
        raise FilterError("a polygon stands only inside st_within or geo.intersects")

    def path(self, path: str, ent: Entity, alias: str) -> str:
        if path in ent.props and ent.props[path] != "location":
            return f"{alias}.{ent.props[path]}"
        head, _, key = path.partition("/")
        if head == "properties" and "properties" in ent.props and PROPERTY_KEY.match(key):
            self.params.append(f"$.{key}")
            return f"json_extract_string({alias}.properties, ?)"
        raise FilterError(f"{ent.name} has no property {path[:60]!r} to filter on")

    def spatial(self, node: Node, ent: Entity, alias: str) -> str:
        paths = [a for a in node.args if a.kind == "path"]
        geos = [a for a in node.args if a.kind == "geo"]
        if len(node.args) != 2 or len(paths) != 1 or len(geos) != 1 or ent.props.get(paths[0].value) != "location":
            raise FilterError(f"{node.value}() takes a Location's location and a geography'POLYGON((…))'")
        ring = geos[0].value
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        self.params += [min(xs), max(xs), min(ys), max(ys)]
        crossings = []
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if y1 == y2:
                continue
            self.params += [y1, y2, x2 - x1, y1, y2 - y1, x1]
            crossings.append(f"(((? > {alias}.lat) <> (? > {alias}.lat)) and "
                             f"{alias}.lon < ? * ({alias}.lat - ?) / ? + ?)::int")
        return (f"({alias}.lon between ? and ? and {alias}.lat between ? and ? "
                f"and ({' + '.join(crossings) or '0'}) % 2 = 1)")


def _paths(node: Node) -> list[str]:
    if node.kind == "path":
        return [node.value]
    return [p for a in node.args for p in _paths(a)]


def _navigation(node: Node, ent: Entity) -> str | None:
    for path in _paths(node):
        head = path.split("/", 1)[0]
        if head in ent.nav and "/" in path:
            return head
        if head in ent.nav:
            raise FilterError(f"{path[:60]!r} names an entity, not a property")
    return None


def _strip(node: Node, hop: str) -> Node:
    if node.kind == "path" and node.value.startswith(hop + "/"):
        return Node("path", node.value[len(hop) + 1:])
    return Node(node.kind, node.value, [_strip(a, hop) for a in node.args])


def where(node: Node | None, ent: Entity, alias: str = "e") -> tuple[str, list[object]]:
    if node is None:
        return "true", []
    compiler = Compiler()
    return compiler.predicate(node, ent, alias), compiler.params
