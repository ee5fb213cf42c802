"""The gate's verdict and the one-line descriptions of failed expectations.

The formatting works on the JSON form of GX validation results, so it reads the stored results file as well.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from regiohub.core.echo import cut
from regiohub.store.records import data_docs_beside

_SHOWN = 5  # unexpected values named per failure


@dataclass
class ValidationReport:
    """Outcome of one validation of a candidate mart."""

    success: bool
    failures: list[str]
    results_path: Path
    docs_path: Path | None = None
    warnings: list[str] = field(default_factory=list)  # failed expectations of severity warning: reported, not blocking
    findings: list[Any] = field(default_factory=list)  # content checks that failed (audit.content.Finding)
    traced: list[dict[str, Any]] = field(default_factory=list)  # blocking failures with their sources (audit.blame)

    @classmethod
    def load(cls, path: Path) -> ValidationReport:
        """The report of a stored validation (``runs/validations/<timestamp>.json``)."""
        doc = json.loads(path.read_text(encoding="utf-8"))
        return cls(bool(doc["success"]), list(doc.get("failures") or []), path, data_docs_beside(path),
                   list(doc.get("warnings") or []), list(doc.get("content_findings") or []),
                   list(doc.get("traced") or []))

    def summary(self) -> str:
        """One line for logs and error messages."""
        if self.success:
            return f"audit passed (results: {self.results_path})"
        shown = "; ".join(self.failures[:3])
        more = f" (+{len(self.failures) - 3} more)" if len(self.failures) > 3 else ""
        return f"audit failed, {len(self.failures)} failed expectations: {shown}{more}"


def candidate_stat(candidate: Path) -> list[int]:
    """Size and modification time of a candidate file: a stored validation belongs to it while they match."""
    stat = candidate.stat()
    return [stat.st_size, stat.st_mtime_ns]



def stored_verdict(results: str | None, candidate: Path) -> ValidationReport | None:
    """The stored validation ``results`` if it is of ``candidate`` as the file is now (else None: validate)."""
    path = Path(results or "")
    if not results or not path.is_file() or not candidate.is_file():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    same = doc.get("candidate") == str(candidate) and doc.get("candidate_stat") == candidate_stat(candidate)
    return ValidationReport.load(path) if same else None


def describe_failures(table: str, expectation_results: Sequence[Mapping[str, Any]]) -> list[str]:
    """One line per failed expectation: ``table.column: expectation_type — detail``."""
    return [_describe(table, r) for r in expectation_results if not r.get("success")]


def _describe(table: str, result: Mapping[str, Any]) -> str:
    target, kind, detail = describe_parts(table, result)
    return f"{target}: {kind} — {detail}"


def describe_parts(table: str, result: Mapping[str, Any]) -> tuple[str, str, str]:
    """A failed expectation as (target ``table.column [where …]``, expectation type, detail with example rows)."""
    config = result.get("expectation_config") or {}
    kind = config.get("type", "unknown expectation")
    kwargs = config.get("kwargs") or {}
    return _target(table, kwargs), kind, _detail(kind, kwargs, result)


def _target(table: str, kwargs: Mapping[str, Any]) -> str:
    if "column" in kwargs:
        target = f"{table}.{kwargs['column']}"
    elif "column_list" in kwargs:
        target = f"{table}.({', '.join(kwargs['column_list'])})"
    elif "column_A" in kwargs:
        target = f"{table}.({kwargs['column_A']}, {kwargs['column_B']})"
    else:
        target = table
    condition = kwargs.get("row_condition")
    if isinstance(condition, Mapping) and "column" in condition:
        target += f" [where {condition['column'].get('name')} {condition.get('operator')} {condition.get('parameter')}]"
    return target


def _detail(kind: str, kwargs: Mapping[str, Any], result: Mapping[str, Any]) -> str:
    error = _exception_message(result.get("exception_info"))
    if error is not None:
        return f"could not be evaluated: {error}"
    res = result.get("result") or {}
    if "partial_missing_list" in res:  # set expectations (distinct values vs. a value set)
        return _set_detail(res)
    if "unexpected_count" in res:
        n, total = res["unexpected_count"], res.get("element_count")
        if kind == "expect_column_values_to_not_be_null":
            return f"{_count(n, 'null value')} of {total} rows"
        noun = "unexpected row" if "column_list" in kwargs or "column_A" in kwargs else "unexpected value"
        return f"{_count(n, noun)} of {total}: {_examples(res)}{_expected(kwargs)}{_rows(res)}"
    observed = res.get("observed_value")
    mismatch = (res.get("details") or {}).get("mismatched")
    if isinstance(mismatch, Mapping) and mismatch.get("missing"):
        return f"missing columns: {', '.join(map(str, mismatch['missing']))}"
    return f"observed {_fmt(observed)}{_expected(kwargs)}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _exception_message(info: Any) -> str | None:
    """First line of the error, if evaluating the expectation raised one.

    GX reports either one ``{raised_exception, exception_message}`` or one such entry per failed metric.
    """
    if not isinstance(info, Mapping):
        return None
    entries = [info] if "raised_exception" in info else [e for e in info.values() if isinstance(e, Mapping)]
    for entry in entries:
        if entry.get("raised_exception") or entry.get("exception_message"):
            lines = str(entry.get("exception_message") or "").strip().splitlines()
            return lines[0] if lines else "unknown error"
    return None


def _examples(res: Mapping[str, Any]) -> str:
    counts = res.get("partial_unexpected_counts")
    if counts:
        items = [f"{_fmt(c['value'])}" + (f" (×{c['count']})" if c.get("count", 1) > 1 else "") for c in counts]
    else:
        items = [_fmt(v) for v in res.get("partial_unexpected_list") or []]
    more = ", …" if len(items) > _SHOWN else ""
    return ", ".join(items[:_SHOWN]) + more


def _rows(res: Mapping[str, Any]) -> str:
    """`` in rows region_ars=…, indicator_id=…; …`` when GX named the failing rows by key columns."""
    rows = res.get("partial_unexpected_index_list") or []
    keys = res.get("unexpected_index_column_names") or []
    if not rows or not keys:
        return ""
    shown = ["/".join(_fmt(row.get(k)) for k in keys) for row in rows[:_SHOWN]]
    more = ", …" if len(rows) > _SHOWN else ""
    return f" in rows [{'/'.join(keys)}] " + ", ".join(shown) + more


def _fmt(value: Any) -> str:
    if isinstance(value, Mapping):  # a row of a compound key
        return "(" + ", ".join(_fmt(v) for v in value.values()) + ")"
    if isinstance(value, list | tuple):
        return "(" + ", ".join(_fmt(v) for v in value) + ")"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return cut(value)  # a value from the data: bounded


def _expected(kwargs: Mapping[str, Any]) -> str:
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if low is not None and low == high:
        return f" (expected {_fmt(low)})"
    if low is not None and high is not None:
        return f" (expected {_fmt(low)}…{_fmt(high)})"
    if low is not None:
        return f" (expected ≥ {_fmt(low)})"
    if high is not None:
        return f" (expected ≤ {_fmt(high)})"
    if "regex" in kwargs:
        return f" (expected to match {kwargs['regex']})"
    return ""


def _set_detail(res: Mapping[str, Any]) -> str:
    parts = []
    for label, count, examples in (
        ("missing", res.get("missing_count"), res.get("partial_missing_list")),
        ("unexpected", res.get("unexpected_count"), res.get("partial_unexpected_list")),
    ):
        if count:
            shown = ", ".join(_fmt(v) for v in (examples or [])[:_SHOWN])
            parts.append(f"{label} {count}: {shown}{', …' if count > _SHOWN else ''}")
    return "; ".join(parts) or f"observed {_fmt(res.get('observed_value'))}"
