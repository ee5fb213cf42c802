"""Run pyshacl the way GovData's validator does and list its results."""

from __future__ import annotations

from rdflib import Graph


def shacl_results(data: Graph, shapes: tuple[Graph, Graph]) -> list[tuple[str, str, str]]:
    """(severity, focus node, message) of every validation result, as GovData's validator reports them."""
    import pyshacl
    from rdflib.namespace import SH

    _, report, _ = pyshacl.validate(data, shacl_graph=shapes[0], ont_graph=shapes[1], inference="none",
                                    allow_warnings=True, do_owl_imports=False)
    return [(str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1], str(report.value(r, SH.focusNode)),
             str(report.value(r, SH.resultMessage))) for r in report.subjects(SH.resultSeverity, None)]
