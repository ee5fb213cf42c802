"""One configuration for every DuckDB connection the platform opens: bounded memory, spilling, threads.

DuckDB takes 80 % of the machine's memory by default and spills next to the database file (the
published mart's folder, for readers). Every connection in the platform is opened through
:func:`connect` instead, and dbt gets the same values through :func:`dbt_env` (read by
``dbt_project/profiles.yml``)::

    REGIOHUB_DUCKDB_MEMORY_LIMIT   memory per connection, e.g. "1GB" (default, dbt too), "512MB", "25%" of RAM
    REGIOHUB_DUCKDB_THREADS        worker threads (default: the machine's cores)
    REGIOHUB_DUCKDB_TEMP_DIR       where queries larger than memory spill (default: <data>/build/duckdb_tmp)

Each connection spills into its own subfolder, which DuckDB removes when it closes; two processes
never share one. Readers stay read-only: spilling needs no write access to the database file.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import tempfile
from pathlib import Path

import duckdb

from regiohub.core import settings

MEMORY_ENV = "REGIOHUB_DUCKDB_MEMORY_LIMIT"
THREADS_ENV = "REGIOHUB_DUCKDB_THREADS"
TEMP_ENV = "REGIOHUB_DUCKDB_TEMP_DIR"
DBT_TEMP_ENV = "REGIOHUB_DBT_DUCKDB_TEMP_DIR"  # the dbt process's own spill folder, set by dbt_env()
DEFAULT_MEMORY_LIMIT = "1GB"
# dbt spills like every connection (its spill folder is set once per process: dbt_project/profiles.yml)
DEFAULT_DBT_MEMORY_LIMIT = DEFAULT_MEMORY_LIMIT
_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)
_PERCENT = re.compile(r"(\d+(\.\d+)?)\s*%")
_counter = itertools.count()
SETTINGS = frozenset({"memory_limit", "threads", "temp_directory", "preserve_insertion_order"})


def memory_limit(default: str = DEFAULT_MEMORY_LIMIT) -> str:
    """The memory limit per connection, as DuckDB takes it (``"1GB"``, ``"3276MB"`` for ``"20%"``)."""
    value = os.environ.get(MEMORY_ENV, "").strip() or default
    if _SIZE.fullmatch(value):
        return value.replace(" ", "")
    if (m := _PERCENT.fullmatch(value)) and 0 < float(m[1]) <= 100:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        return f"{int(total * float(m[1]) / 100 / 1_000_000)}MB"
    raise ValueError(f"{MEMORY_ENV}={value[:40]!r}: expected a size such as 1GB or 512MB, or a share such as 25%")


def threads() -> int:
    """Worker threads per connection (default: the machine's cores)."""
    value = os.environ.get(THREADS_ENV, "").strip()
    if not value:
        return os.cpu_count() or 1
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{THREADS_ENV}={value[:40]!r}: expected a whole number of threads (1 or more)")
    return int(value)


def temp_root() -> Path:
    """The folder holding each connection's spill folder (created; a system temp folder if unwritable)."""
    root = Path(os.environ.get(TEMP_ENV) or settings.data_dir() / "build" / "duckdb_tmp")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:  # e.g. a dashboard with the data folder mounted read-only
        root = Path(tempfile.gettempdir()) / f"regiohub-duckdb-{os.getuid()}"
        root.mkdir(mode=0o700, exist_ok=True)
    return root


def config(*, ordered: bool = True, **overrides: object) -> dict[str, object]:
    """DuckDB configuration for one connection; ``ordered=False`` where row order does not matter."""
    return {
        "memory_limit": memory_limit(),
        "threads": threads(),
        "temp_directory": str(temp_root() / f"{os.getpid()}-{next(_counter)}"),
        "preserve_insertion_order": ordered,
        **overrides,
    }


def connect(
    database: str | Path = ":memory:", *, read_only: bool = False, ordered: bool = True, **overrides: object
) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` with the platform's settings (see the module docstring).

    The settings are applied with ``SET`` after connecting, not as connection configuration: DuckDB
    refuses a second connection to a file already open in this process with a different configuration
    (a dashboard's cached reader and a publish check, say), and every connection has its own spill folder.
    """
    con = duckdb.connect(str(database), read_only=read_only)
    try:
        for name, value in config(ordered=ordered, **overrides).items():
            if name not in SETTINGS:
                raise ValueError(f"unknown DuckDB setting {name!r}")
            try:
                con.execute(f"SET {name} = ?", [value])  # name from the allow-list above, value a parameter
            except duckdb.Error:
                if name != "temp_directory":  # a reader sharing an instance that already spilled keeps its folder
                    raise
    except BaseException:
        con.close()
        raise
    return con


def dbt_env(owner: Path | None = None) -> dict[str, str]:
    """The same settings for dbt (``dbt_project/profiles.yml`` reads these variables).

    ``owner`` (the path dbt opens the candidate through, one build at a time) names a stable spill
    folder: dbt re-parses the whole project when a profile setting changes between builds."""
    key = hashlib.sha256(str(owner).encode()).hexdigest()[:12] if owner else f"{os.getpid()}-{next(_counter)}"
    folder = f"dbt-{key}"
    return {
        MEMORY_ENV: memory_limit(DEFAULT_DBT_MEMORY_LIMIT),
        THREADS_ENV: str(threads()),
        DBT_TEMP_ENV: str(temp_root() / folder),
    }
