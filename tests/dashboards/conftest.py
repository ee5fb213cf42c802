"""The dashboards are tested against the real published mart of an offline pipeline run."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def mart_data_dir(demo_data_dir: Path) -> Path:
    return demo_data_dir
