"""Load the reviewed expectation suites (``great_expectations/expectations/<name>.json``).

A suite file has ``name`` (= file name), ``notes`` and ``expectations`` (GX 1.x form: ``type``, ``kwargs``, optional
``notes``/``meta``). Loading is strict: GX itself would drop an invalid expectation with a log line and validate
without it, so any expectation that does not build, and any ``$PARAMETER`` the gate does not supply, raises
:class:`SuiteError` instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regiohub.core.errors import GateError

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.core.expectation_suite import ExpectationSuite

_FILE_KEYS = {"name", "notes", "meta", "expectations"}
_EXPECTATION_KEYS = {"type", "kwargs", "notes", "meta", "description", "severity"}


class SuiteError(GateError):
    """An expectation suite file is invalid; nothing can be published until it is fixed."""


def load_suites(directory: Path, parameters: Iterable[str]) -> list[ExpectationSuite]:
    """Build one GX suite per JSON file in ``directory``, sorted by name."""
    files = sorted(directory.glob("*.json"))
    if not files:
        raise SuiteError(f"no expectation suites in {directory}")
    known = set(parameters)
    return [_load(path, known) for path in files]


def _load(path: Path, parameters: set[str]) -> ExpectationSuite:
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SuiteError(f"suite {path.name} is not valid JSON: {exc}") from None
    if not isinstance(spec, dict) or set(spec) - _FILE_KEYS or spec.get("name") != path.stem:
        raise SuiteError(f"suite {path.name}: expected keys {sorted(_FILE_KEYS)} with name {path.stem!r}")
    expectations = []
    for i, item in enumerate(spec.get("expectations") or [], start=1):
        where = f"suite {path.name}, expectation {i} ({item.get('type', '?') if isinstance(item, dict) else '?'})"
        if not isinstance(item, dict) or set(item) - _EXPECTATION_KEYS or "type" not in item:
            raise SuiteError(f"{where}: expected keys type, kwargs and optionally {sorted(_EXPECTATION_KEYS)}")
        unknown = _parameter_names(item.get("kwargs", {})) - parameters
        if unknown:
            raise SuiteError(f"{where}: unknown $PARAMETER {', '.join(sorted(unknown))}; known: {sorted(parameters)}")
        try:
            expectations.append(ExpectationConfiguration(**item).to_domain_obj())
        except Exception as exc:  # GX raises a variety of types (pydantic, KeyError, its own)
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise SuiteError(f"{where}: {first}") from None
    if not expectations:
        raise SuiteError(f"suite {path.name} has no expectations")
    return ExpectationSuite(
        name=spec["name"], expectations=expectations, notes=spec.get("notes"), meta=spec.get("meta")
    )


def _parameter_names(value: Any) -> set[str]:
    if isinstance(value, dict):
        if "$PARAMETER" in value:
            return {str(value["$PARAMETER"])}
        return set().union(*(_parameter_names(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_parameter_names(v) for v in value)) if value else set()
    return set()


def applicable(suite: ExpectationSuite, frame: pd.DataFrame) -> tuple[ExpectationSuite, int]:
    """``suite`` without the expectations whose row condition (``column == value``) selects no row of ``frame``.

    Such an expectation passes on no rows anyway; for the changed rows of an incremental validation (one new
    RKI day) most of the per-indicator range checks are of this kind, and GX's cost is per expectation.
    Returns the suite (the same object when nothing is dropped) and how many were dropped.
    """
    from great_expectations.core.expectation_suite import ExpectationSuite

    kept = [e for e in suite.expectations if selects_rows(getattr(e, "row_condition", None), frame)]
    if len(kept) == len(suite.expectations):
        return suite, 0
    return ExpectationSuite(name=suite.name, expectations=[e.copy() for e in kept], notes=suite.notes,
                            meta=suite.meta), len(suite.expectations) - len(kept)


def selects_rows(condition: Any, frame: pd.DataFrame) -> bool:
    """Whether a row condition (``column == value``; object or its JSON form) may select a row of ``frame``."""
    if isinstance(condition, dict):
        column, operator, value = (condition.get("column") or {}).get("name"), condition.get("operator"), \
            condition.get("parameter")
    else:
        column = getattr(getattr(condition, "column", None), "name", None)
        operator, value = getattr(condition, "operator", None), getattr(condition, "parameter", None)
    if operator != "==" or column not in frame.columns:
        return True  # no condition, or one this shortcut does not read: GX evaluates it
    return bool((frame[column] == value).any())
