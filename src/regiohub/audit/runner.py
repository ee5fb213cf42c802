"""GX validation of the candidate: one ephemeral context, one Checkpoint over every suite, bounded batches.

Each suite has a dataframe asset and a Validation Definition; its rows reach GX as frames of at most
:func:`~regiohub.audit.batches.batch_rows` rows streamed from DuckDB, each validated by GX's pandas engine,
and the batches' results are combined into one result per expectation (:mod:`regiohub.audit.merge`). A table
that fits one batch is validated exactly as one frame. The results go into the context's validation results
store (Data Docs render them) and into one :class:`CheckpointResult` of the Checkpoint ``audit``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from regiohub.audit.batches import Rows, batch_rows
from regiohub.audit.merge import SETS, UNIQUE, merge
from regiohub.audit.suites import selects_rows

if TYPE_CHECKING:
    from great_expectations.checkpoint.checkpoint import CheckpointResult
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult

DOCS_SITE = "regiohub_audit"
CHECKPOINT = "audit"


class GxRun:
    """One validation: a GX context whose only Data Docs site is ``docs_dir``, and the results so far."""

    def __init__(self, docs_dir: Path, started: datetime, parameters: dict[str, Any]) -> None:
        from great_expectations.core.run_identifier import RunIdentifier

        self.context = _context(docs_dir)
        self.source = self.context.data_sources.add_pandas("regiohub_candidate")  # one asset per suite
        self.run_id = RunIdentifier(run_name=f"audit-{started:%Y%m%dT%H%M%SZ}", run_time=started)
        self.parameters = parameters
        self.definitions: list[Any] = []
        self.results: dict[Any, ExpectationSuiteValidationResult] = {}

    def validate(self, suite: ExpectationSuite, rows: Rows | pd.DataFrame, con: duckdb.DuckDBPyConnection | None,
                 result_format: dict[str, Any], changed: bool) -> tuple[ExpectationSuiteValidationResult, int]:
        """GX's result of ``suite`` over ``rows`` (a frame, or a query read in batches) and how many of its
        expectations had no row to check (``changed``: those are left out, as nothing they check changed)."""
        from great_expectations.core.validation_definition import ValidationDefinition
        from great_expectations.validator.v1_validator import Validator

        batch = self.source.add_dataframe_asset(suite.name).add_batch_definition_whole_dataframe("whole_table")
        stored = self.context.suites.add(suite)
        definition = self.context.validation_definitions.add(ValidationDefinition(name=suite.name, data=batch,
                                                                                  suite=stored))
        self.definitions.append(definition)
        configs = stored.expectation_configurations
        whole = [c for c in configs if c.type in UNIQUE | SETS]

        def run(frame: pd.DataFrame, wanted: list[Any]) -> ExpectationSuiteValidationResult:
            validator = Validator(batch_definition=batch, batch_parameters={"dataframe": frame},
                                  result_format=result_format)
            return validator.validate_expectation_suite(SimpleNamespace(name=suite.name,  # type: ignore[arg-type]
                                                                        expectation_configurations=wanted),
                                                        self.parameters)

        size = batch_rows()
        parts: dict[str, list[Any]] = {}
        template, batches = None, 0
        for n, frame in enumerate(_frames(rows, con, size)):
            batches += 1
            wanted = [c for c in configs if (n == 0 and not changed) or selects_rows(c.kwargs.get("row_condition"),
                                                                                     frame)]
            result = run(frame, wanted)
            template = template or result
            for r in result.results:
                parts.setdefault(r.expectation_config.id, []).append(r)
        assert template is not None
        single = batches == 1
        extra: dict[str, tuple[Any, int]] = {}
        if not single and isinstance(rows, Rows):
            assert con is not None
            for config in (c for c in whole if c.id in parts):
                extra[config.id] = _whole_table(run, rows, con, config, size)
        merged = [] if not single else template.results  # one frame: GX's own result as it stands
        by_id = {c.id: c for c in configs}
        for config in (by_id[i] for i in parts) if not single else ():  # in GX's order (first batch first)
            if config.type in SETS:
                merged.append(extra[config.id][0])
            else:
                merged.append(merge(parts[config.id], result_format, extra.get(config.id)))
        return self._store(definition, template, merged), len(configs) - len(merged)

    def _store(self, definition: Any, template: ExpectationSuiteValidationResult,
               results: list[Any]) -> ExpectationSuiteValidationResult:
        """The suite's result (as a Validation Definition's run makes it), kept in the results store."""
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )
        from great_expectations.validator.validation_statistics import calc_validation_statistics

        stats = calc_validation_statistics(results)
        template.results, template.success = results, stats.success
        template.statistics = {k: getattr(stats, k) for k in ("evaluated_expectations", "successful_expectations",
                                                              "unsuccessful_expectations", "success_percent")}
        template.meta.update(validation_id=definition.id, run_id=self.run_id, validation_time=self.run_id.run_time,
                             batch_parameters={"dataframe": "<DATAFRAME>"})
        suite_id = ExpectationSuiteIdentifier(name=definition.suite.name)
        key = ValidationResultIdentifier(batch_identifier=template.batch_id, expectation_suite_identifier=suite_id,
                                         run_id=self.run_id)
        self.context.validation_results_store.store_validation_results(
            suite_validation_result=template, suite_validation_result_identifier=key,
            expectation_suite_identifier=suite_id)
        self.results[key] = template
        return template

    def checkpoint(self) -> CheckpointResult:
        """The result of the one Checkpoint over every suite validated (its actions: none; docs built once)."""
        from great_expectations.checkpoint import Checkpoint

        checkpoint = self.context.checkpoints.add(Checkpoint(name=CHECKPOINT, validation_definitions=self.definitions,
                                                             actions=[]))
        result = checkpoint._construct_result(run_id=self.run_id, run_results=self.results)
        self.context.build_data_docs(site_names=[DOCS_SITE])
        return result


def _frames(rows: Rows | pd.DataFrame, con: duckdb.DuckDBPyConnection | None, size: int) -> Iterator[pd.DataFrame]:
    """The frame itself, or the query's batches indexed by their position in the read (as one frame would be)."""
    if isinstance(rows, pd.DataFrame):
        yield rows
        return
    assert con is not None
    offset = 0
    for frame in rows.batches(con, size):
        frame.index = pd.RangeIndex(offset, offset + len(frame))
        offset += len(frame)
        yield frame


def _whole_table(run: Any, rows: Rows, con: duckdb.DuckDBPyConnection, config: Any, size: int) -> tuple[Any, int]:
    """GX's result of a uniqueness expectation over the rows sharing a key (and DuckDB's count of them), or of
    a distinct-value-set expectation over the distinct values."""
    kwargs = config.kwargs
    if config.type in SETS:
        [result] = run(rows.distinct(con, kwargs["column"]), [config]).results
        return result, 0
    key = list(kwargs.get("column_list") or [kwargs["column"]])
    skip = kwargs.get("ignore_row_if") or "all_values_are_missing"
    frame, count = rows.duplicates(con, key, skip, size)
    [result] = run(frame, [config]).results
    return result, count


def _context(docs_dir: Path) -> Any:
    """An in-memory GX context whose only Data Docs site is ``docs_dir``; no progress bars, no analytics."""
    from great_expectations.data_context import get_context
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={
            DOCS_SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return get_context(project_config=config, mode="ephemeral")
