"""Errors the operator sees: one line naming the source and the problem."""

from __future__ import annotations


class RegiohubError(Exception):
    """Base class for errors reported to the operator without a traceback."""


class SourceError(RegiohubError):
    """A source delivered something we cannot load. The payload is kept; nothing is written."""

    def __init__(self, source_id: str, problem: str) -> None:
        self.source_id = source_id
        self.problem = " ".join(problem.split())  # always one line
        super().__init__(f"{source_id}: {self.problem}")


class GateError(RegiohubError):
    """The audit gate rejected the candidate mart; the published mart stays as it was."""


class PipelineError(RegiohubError):
    """A pipeline step (dbt build, publish) failed."""
