"""One GX expectation result from the results of a suite's batches, evaluated by GX itself.

Each batch is validated by GX (pandas engine); per expectation the batches' counts are added up and the first
unexpected values and rows (in read order) kept, and the expectation's own ``_validate`` decides success and
formats the result from these metrics — exactly as it does for one frame holding every row. What no batch can
judge on its own is handed in from DuckDB: uniqueness (GX's run over the rows sharing a key), distinct-value
sets (GX's run over the distinct values).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from regiohub.core.errors import GateError

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import ExpectationValidationResult

UNIQUE = frozenset({"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"})
SETS = frozenset({"expect_column_distinct_values_to_contain_set", "expect_column_distinct_values_to_equal_set",
                  "expect_column_distinct_values_to_be_in_set"})
SUMMED = {"expect_table_row_count_to_be_between": "table.row_count", "expect_column_sum_to_be_between": "column.sum"}
SAME_IN_EVERY_BATCH = frozenset({"expect_table_columns_to_match_set", "expect_table_columns_to_match_ordered_list",
                                 "expect_column_to_exist", "expect_table_column_count_to_equal"})


def kind(expectation_type: str, is_map: bool) -> str:
    """How an expectation's batch results combine: ``map``, ``unique``, ``set``, ``summed``, ``same``."""
    if expectation_type in UNIQUE:
        return "unique"
    if expectation_type in SETS:
        return "set"
    if expectation_type in SUMMED:
        return "summed"
    if expectation_type in SAME_IN_EVERY_BATCH:
        return "same"
    if is_map:
        return "map"
    raise GateError(f"{expectation_type} reads the whole table at once: it cannot be validated in batches")


def merge(parts: Sequence[ExpectationValidationResult], result_format: dict[str, Any],
          duplicates: tuple[ExpectationValidationResult, int] | None = None) -> ExpectationValidationResult:
    """The result over all rows from the results of the batches (in read order) that evaluated the expectation.

    ``duplicates``: for a uniqueness expectation, GX's result over the rows sharing a key and how many such
    rows DuckDB counted in the whole table.
    """
    first = parts[0]
    failed = next((p for p in parts if _raised(p)), None)
    if failed is not None:
        return failed  # e.g. a missing column: the same error in every batch
    if duplicates is not None and _raised(duplicates[0]):
        return duplicates[0]
    config = first.expectation_config
    assert config is not None
    how = kind(config.type, hasattr(config.to_domain_obj(), "map_metric"))
    if how == "same":
        return first
    expectation = config.to_domain_obj()
    runtime = {"result_format": result_format}
    if how == "summed":
        metrics = {SUMMED[config.type]: sum((p.result or {}).get("observed_value") or 0 for p in parts)}
    else:
        metrics = _map_metrics(expectation.map_metric, parts, result_format, duplicates)
    out = expectation._validate(metrics=metrics, runtime_configuration=runtime)
    merged = first.__class__(success=out["success"], result=out.get("result") or {}, expectation_config=config,
                             meta=first.meta, exception_info=first.exception_info)
    return merged


def _raised(result: ExpectationValidationResult) -> bool:
    """Whether evaluating the expectation raised (GX reports one entry, or one per failed metric)."""
    info = result.exception_info or {}
    entries = [info] if "raised_exception" in info else [e for e in info.values() if isinstance(e, dict)]
    return any(e.get("raised_exception") for e in entries)


def _map_metrics(metric: str, parts: Sequence[ExpectationValidationResult], result_format: dict[str, Any],
                 duplicates: tuple[ExpectationValidationResult, int] | None) -> dict[str, Any]:
    results = [p.result or {} for p in parts]
    total = sum(r.get("element_count") or 0 for r in results)
    missing = sum(r.get("missing_count") or 0 for r in results)
    shown = int(result_format.get("partial_unexpected_count") or 20)
    if duplicates is not None:
        results, unexpected = [duplicates[0].result or {}], duplicates[1]
    else:
        unexpected = sum(r.get("unexpected_count") or 0 for r in results)
    values = [v for r in results for v in r.get("partial_unexpected_list") or []][:shown]
    indexed = any("partial_unexpected_index_list" in r for r in results)
    index = [v for r in results for v in r.get("partial_unexpected_index_list") or []][:shown] if indexed else None
    return {
        "table.row_count": total,
        "column_values.nonnull.unexpected_count": missing,  # for not_null itself (same name) overwritten below
        f"{metric}.unexpected_count": unexpected,
        f"{metric}.unexpected_values": values,
        f"{metric}.unexpected_index_list": index,
        f"{metric}.filtered_row_count": total - missing,
    }
