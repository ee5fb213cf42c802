"""Trace a failure of the gate to the sources behind the failing rows, so that isolation can hold them back.

An expectation's failing rows are named by GX (``unexpected_index_column_names``: the suite's row keys and
the columns below that lead to a source). A row names its source directly (``source_id``, raw ``_source_id``),
through its indicator (``indicator_id``, a series ``indicator @ region``: the indicator's ``source_ids`` in
``dim_indicator``), through a mart table (``table_name``: the table's dbt lineage) or a domain
(``partner/domain``: the registry's sources of that domain). A raw suite names its source in its name; a
failure without rows (a row count, a column set) falls back to the dbt lineage of the suite's table.
Content checks name their indicator's sources themselves (:mod:`regiohub.audit.content`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regiohub.audit.raw import PREFIX as RAW
from regiohub.build.lineage import upstream_sources
from regiohub.registry.model import Registry

if TYPE_CHECKING:
    import pandas as pd

# columns of a failing row that lead to its source, in the order they are asked for
TRACE_COLUMNS = ("source_id", "_source_id", "indicator_id", "series", "table_name", "partner_domain")
# derived frames: the mart tables they are computed from (their lineage, when no row names a source)
DERIVED_INPUTS = {
    "fct_partner_indicator_value_coverage": ("fct_partner_indicator_value",),
    "indicator_value_shift": ("fct_indicator_value",),
    "indicator_period_gaps": ("fct_indicator_value",),
}


def index_columns(row_keys: Iterable[str], columns: Iterable[str]) -> list[str]:
    """The columns GX names failing rows by: the suite's row keys, then those that trace a source."""
    present = list(columns)
    wanted = [*row_keys, *TRACE_COLUMNS]
    return [c for i, c in enumerate(wanted) if c in present and c not in wanted[:i]]


def indicator_sources(dim_indicator: pd.DataFrame | None) -> dict[str, list[str]]:
    """Per indicator id, the sources it is computed from (``source_ids``; older marts: ``source_id``)."""
    if dim_indicator is None or "indicator_id" not in dim_indicator.columns:
        return {}
    column = "source_ids" if "source_ids" in dim_indicator.columns else "source_id"
    if column not in dim_indicator.columns:
        return {}
    return {str(i): [str(s) for s in (v if column == "source_ids" else [v]) if s is not None]
            for i, v in zip(dim_indicator["indicator_id"], dim_indicator[column], strict=True)}


class Tracer:
    """Which sources a failed expectation's rows come from."""

    def __init__(self, registry: Registry, indicator_sources: Mapping[str, Iterable[str]], manifest: Path) -> None:
        self.registry = registry
        self.indicators = {k: set(v or []) for k, v in indicator_sources.items()}
        self.sources = {s.id for s in registry.sources}
        self._manifest_path = manifest
        self._manifest: dict[str, Any] | None = None

    def of(self, suite: str, result: Mapping[str, Any]) -> set[str]:
        """Source ids behind the failing rows of ``result`` (an expectation result in JSON form) of ``suite``."""
        if suite.startswith(RAW):
            return {suite.removeprefix(RAW).split("__", 1)[0]}
        res = result.get("result") or {}
        found: set[str] = set()
        for row in res.get("partial_unexpected_index_list") or []:
            if isinstance(row, Mapping):
                found |= self._row(row)
        for value in res.get("partial_missing_list") or []:  # a set expectation: what is missing
            if isinstance(value, str) and "/" in value:
                found |= self._row({"partner_domain": value})
        if not found:
            for table in DERIVED_INPUTS.get(suite, (suite,)):
                found |= self.lineage(table)
        return found & self.sources

    def _row(self, row: Mapping[str, Any]) -> set[str]:
        for column in ("source_id", "_source_id"):
            if row.get(column) in self.sources:
                return {row[column]}
        if isinstance(row.get("indicator_id"), str):
            return self.indicators.get(row["indicator_id"], set())
        if isinstance(row.get("series"), str):
            return self.indicators.get(row["series"].split(" @ ", 1)[0], set())
        if isinstance(row.get("table_name"), str):
            return self.lineage(row["table_name"])
        if isinstance(row.get("partner_domain"), str):
            domain = row["partner_domain"].rsplit("/", 1)[-1]
            return {s.id for s in self.registry.sources if s.domain == domain}
        return set()

    def lineage(self, table: str) -> set[str]:
        """Sources upstream of the dbt model ``table`` (none when the manifest does not know it)."""
        if self._manifest is None:
            path = self._manifest_path
            self._manifest = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        nodes = self._manifest.get("nodes", {})
        model = next((k for k, n in nodes.items() if n.get("resource_type") == "model" and n.get("name") == table),
                     None)
        return upstream_sources(self._manifest, model, self.registry) if model else set()
