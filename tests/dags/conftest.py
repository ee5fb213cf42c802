"""Point Airflow at a throw-away home and SQLite metadata DB before anything imports it.

Airflow reads ``AIRFLOW_HOME`` and the DB URL when it is first imported, so this module sets them at
import time (pytest imports a directory's conftest before its test modules). The DB is migrated once
per session by the ``airflow_db`` fixture. Data dirs come from the fixtures of ``tests/conftest.py``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from regiohub.core import settings

DAGS_DIR = settings.REPO_ROOT / "dags"

_AIRFLOW_IMPORTED_EARLY = "airflow" in sys.modules
_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="regiohub-airflow-home-"))
os.environ.update(
    {
        "AIRFLOW_HOME": str(_AIRFLOW_HOME),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_AIRFLOW_HOME / 'airflow.db'}",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),  # dag.test() syncs this bundle to the DB
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        # Unpaused, so that an emitted raw asset queues a build_mart run (no scheduler runs here).
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
    }
)


@pytest.fixture(scope="session", autouse=True)
def _airflow_home() -> Iterator[Path]:
    yield _AIRFLOW_HOME
    shutil.rmtree(_AIRFLOW_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def airflow_db(_airflow_home: Path) -> Path:
    """A migrated metadata DB in the temporary Airflow home (created once per session)."""
    if _AIRFLOW_IMPORTED_EARLY:
        pytest.fail("airflow was imported before tests/dags/conftest.py could point it at a temporary home")
    from airflow import settings as airflow_settings
    from airflow.utils.db import initdb

    assert str(_airflow_home) in airflow_settings.SQL_ALCHEMY_CONN, "Airflow is not using the temporary DB"
    initdb()
    return _airflow_home / "airflow.db"


@pytest.fixture(scope="session")
def dagbag():
    """The DAGs of ``dags/``, parsed the way the DAG processor parses them."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=DAGS_DIR)
