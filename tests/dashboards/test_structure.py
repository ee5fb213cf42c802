"""Layering of the presentation code: reports and the shared presentation package never import the dashboards
(no import cycle), the presentation package imports neither, and no module grows past ~250 lines."""

from __future__ import annotations

import ast

import pytest

from regiohub.core import settings

SRC = settings.REPO_ROOT / "src" / "regiohub"
FORBIDDEN = {"reports": ("regiohub.dashboard",), "presentation": ("regiohub.dashboard", "regiohub.reports")}


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("package", list(FORBIDDEN))
def test_no_import_of_the_layers_above(package):
    for path in sorted((SRC / package).glob("*.py")):
        bad = [m for m in _imports(path) if m.startswith(FORBIDDEN[package])]
        assert not bad, (path.name, bad)


def test_presentation_modules_stay_small():
    for package in ("dashboard", "reports", "presentation"):
        for path in (SRC / package).glob("*.py"):
            assert len(path.read_text(encoding="utf-8").splitlines()) <= 250, path.name
