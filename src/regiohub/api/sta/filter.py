"""OData ``$filter`` of SensorThings v1.1 → a DuckDB condition with parameters.

A small recursive-descent parser (the OData parsers on PyPI either need a source build or cannot read
datetime and geography literals). Nothing from the request becomes SQL text: property paths are looked
up in the entity's allow-list (:mod:`.entities`), functions in :data:`FUNCTIONS`, every literal is a
parameter. Supported: ``eq ne gt ge lt le and or not``, ``add sub mul div mod``, parentheses; string,
number, boolean, null, date-time and ``geography'POLYGON((…))'`` literals; the time functions ``year month
day hour minute second date now``, the string functions ``contains substringof startswith endswith
tolower toupper length trim``, ``round floor ceiling``, and ``st_within``/``st_intersects``/
``geo.intersects`` of a Location with a polygon (a map window).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_FILTER = 2000
MAX_POLYGON_POINTS = 200
TOKEN = re.compile(r"""\s*(?:
    (?P<geo>geography'(?P<wkt>[^']{0,8000})')
  | (?P<dt>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<num>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<str>'(?:[^']|'')*')
  | (?P<name>[A-Za-z_@][A-Za-z0-9_.@]*(?:/[A-Za-z_@][A-Za-z0-9_.@]*)*)
  | (?P<punct>[(),]))""", re.X)
COMPARE = {"eq": "=", "ne": "<>", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}
ARITH = {"add": "+", "sub": "-", "mul": "*", "div": "/", "mod": "%"}
FUNCTIONS = {  # name → (number of arguments, SQL template)
    "year": (1, "year({0})"), "month": (1, "month({0})"), "day": (1, "day({0})"), "hour": (1, "hour({0})"),
    "minute": (1, "minute({0})"), "second": (1, "second({0})"), "date": (1, "cast({0} as date)"),
    "now": (0, "now()"), "contains": (2, "contains({0}, {1})"), "substringof": (2, "contains({1}, {0})"),
    "startswith": (2, "starts_with({0}, {1})"), "endswith": (2, "ends_with({0}, {1})"),
    "tolower": (1, "lower({0})"), "toupper": (1, "upper({0})"), "length": (1, "length({0})"),
    "trim": (1, "trim({0})"), "round": (1, "round({0})"), "floor": (1, "floor({0})"), "ceiling": (1, "ceil({0})"),
}
SPATIAL = {"st_within", "st_intersects", "geo.intersects"}


class FilterError(ValueError):
    """The filter cannot be read or names what this server does not have."""


@dataclass
class Node:
    kind: str  # "op", "not", "func", "path", "lit", "geo"
    value: Any = None
    args: list[Node] = field(default_factory=list)


def tokenize(text: str) -> list[tuple[str, str]]:
    if len(text) > MAX_FILTER:
        raise FilterError(f"$filter longer than {MAX_FILTER} characters")
    out, pos = [], 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = TOKEN.match(text, pos)
        if not m:
            raise FilterError(f"cannot read $filter at character {pos + 1}")
        kind = m.lastgroup if m.lastgroup != "wkt" else "geo"
        out.append((kind, m.group("wkt") if kind == "geo" else m.group(kind)))
        pos = m.end()
    return out


class Parser:
    def __init__(self, text: str) -> None:
        self.tokens, self.i = tokenize(text), 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise FilterError("$filter ends too early")
        self.i += 1
        return tok

    def word(self, *words: str) -> str | None:
        tok = self.peek()
        if tok and tok[0] == "name" and tok[1].lower() in words:
            self.i += 1
            return tok[1].lower()
        return None

    def expect(self, punct: str) -> None:
        if self.take() != ("punct", punct):
            raise FilterError(f"'{punct}' expected in $filter")

    def parse(self) -> Node:
        node = self.or_()
        if self.peek() is not None:
            raise FilterError(f"unexpected {self.peek()[1][:40]!r} in $filter")
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.word("or"):
            node = Node("op", "or", [node, self.and_()])
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.word("and"):
            node = Node("op", "and", [node, self.not_()])
        return node

    def not_(self) -> Node:
        return Node("not", None, [self.not_()]) if self.word("not") else self.compare()

    def compare(self) -> Node:
        node = self.arith(("add", "sub"), self.product)
        op = self.word(*COMPARE)
        return Node("op", op, [node, self.arith(("add", "sub"), self.product)]) if op else node

    def product(self) -> Node:
        return self.arith(("mul", "div", "mod"), self.primary)

    def arith(self, ops: tuple[str, ...], operand) -> Node:  # noqa: ANN001
        node = operand()
        while op := self.word(*ops):
            node = Node("op", op, [node, operand()])
        return node

    def primary(self) -> Node:
        kind, text = self.take()
        if (kind, text) == ("punct", "("):
            node = self.or_()
            self.expect(")")
            return node
        if kind == "num":
            return Node("lit", float(text) if any(c in text for c in ".eE") else int(text))
        if kind == "str":
            return Node("lit", text[1:-1].replace("''", "'"))
        if kind == "dt":
            return Node("lit", text, [Node("dt")])
        if kind == "geo":
            return Node("geo", polygon(text))
        if kind == "name":
            low = text.lower()
            if low in ("true", "false"):
                return Node("lit", low == "true")
            if low == "null":
                return Node("lit", None)
            if self.peek() == ("punct", "("):
                self.take()
                args: list[Node] = []
                while self.peek() != ("punct", ")"):
                    args.append(self.or_())
                    if self.peek() == ("punct", ","):
                        self.take()
                self.expect(")")
                return Node("func", low, args)
            return Node("path", text)
        raise FilterError(f"unexpected {text[:40]!r} in $filter")


def polygon(wkt: str) -> list[tuple[float, float]]:
    """The outer ring of ``POLYGON((x y, …))`` (also ``SRID=4326;POLYGON…``) as (lon, lat) points."""
    m = re.fullmatch(r"\s*(?:SRID=4326;)?\s*POLYGON\s*\(\s*\(([-\d.eE\s,]+)\)(?:\s*,\s*\([-\d.eE\s,]+\))*\s*\)\s*",
                     wkt, re.I)
    if not m:
        raise FilterError("geography literal: only POLYGON((lon lat, …)) is supported")
    points = [tuple(float(v) for v in p.split()) for p in m.group(1).split(",")]
    if not 4 <= len(points) <= MAX_POLYGON_POINTS or any(len(p) != 2 for p in points):
        raise FilterError(f"polygon needs 4 to {MAX_POLYGON_POINTS} points of two coordinates")
    return points  # type: ignore[return-value]


def parse(text: str) -> Node:
    return Parser(text).parse()
