"""Every DuckDB connection of the platform: bounded memory, its own spill folder, readers read-only."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import duckdb
import pytest
import yaml

from regiohub.core import duckdb_settings, settings

SRC = Path(duckdb_settings.__file__).parent


def _setting(con: duckdb.DuckDBPyConnection, name: str) -> str:
    return con.execute("select current_setting(?)", [name]).fetchone()[0]


def test_connections_take_limit_threads_and_spill_folder_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(duckdb_settings.MEMORY_ENV, "300MB")
    monkeypatch.setenv(duckdb_settings.THREADS_ENV, "1")
    monkeypatch.setenv(duckdb_settings.TEMP_ENV, str(tmp_path / "spill"))
    with duckdb_settings.connect(ordered=False) as con:
        assert _setting(con, "memory_limit") in ("286.1 MiB", "300.0 MB")
        assert _setting(con, "threads") == 1
        assert _setting(con, "preserve_insertion_order") is False
        spill = Path(_setting(con, "temp_directory"))
        assert spill.parent == tmp_path / "spill"
    with duckdb_settings.connect() as other:
        assert Path(_setting(other, "temp_directory")) != spill  # never two connections in one folder


def test_defaults_bound_memory_and_spill_below_the_data_folder(tmp_path, monkeypatch):
    for name in (duckdb_settings.MEMORY_ENV, duckdb_settings.THREADS_ENV, duckdb_settings.TEMP_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(tmp_path))
    with duckdb_settings.connect() as con:
        assert _setting(con, "memory_limit") in ("953.6 MiB", "1.0 GB")
        assert Path(_setting(con, "temp_directory")).parent == settings.paths().build / "duckdb_tmp"
        assert _setting(con, "preserve_insertion_order") is True


def test_a_share_of_memory_is_turned_into_a_size(monkeypatch):
    monkeypatch.setenv(duckdb_settings.MEMORY_ENV, "10%")
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert duckdb_settings.memory_limit() == f"{int(total / 10 / 1_000_000)}MB"


@pytest.mark.parametrize(("name", "value"), [("MEMORY_ENV", "lots"), ("MEMORY_ENV", "0%"), ("THREADS_ENV", "0"),
                                             ("THREADS_ENV", "two")])
def test_a_wrong_setting_is_named(monkeypatch, name, value):
    monkeypatch.setenv(getattr(duckdb_settings, name), value)
    with pytest.raises(ValueError, match=getattr(duckdb_settings, name)):
        duckdb_settings.config()


def test_a_query_larger_than_the_limit_spills_and_the_folder_goes_away(tmp_path, monkeypatch):
    monkeypatch.setenv(duckdb_settings.MEMORY_ENV, "16MB")
    monkeypatch.setenv(duckdb_settings.THREADS_ENV, "1")
    monkeypatch.setenv(duckdb_settings.TEMP_ENV, str(tmp_path))
    with duckdb_settings.connect() as con:
        con.execute("create table t as select range as i, md5(range::varchar) as h from range(400000)")
        assert con.execute("select max(n) from (select h, count(*) n from t group by h)").fetchone()[0] == 1
        spilled = con.execute("select count(*) from duckdb_temporary_files()").fetchone()[0]
    assert spilled > 0
    assert not any(tmp_path.iterdir())  # DuckDB removed its spill folder on close


def test_readers_stay_read_only(tmp_path):
    path = tmp_path / "mart.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table t as select 1 as x")
    with duckdb_settings.connect(path, read_only=True) as con:
        assert con.execute("select x from t").fetchone() == (1,)
        with pytest.raises(duckdb.Error):
            con.execute("insert into t values (2)")


def test_dbt_gets_the_same_settings(tmp_path, monkeypatch):
    monkeypatch.setenv(duckdb_settings.MEMORY_ENV, "700MB")
    monkeypatch.setenv(duckdb_settings.TEMP_ENV, str(tmp_path))
    env = duckdb_settings.dbt_env()
    assert env[duckdb_settings.MEMORY_ENV] == "700MB"
    assert Path(env[duckdb_settings.DBT_TEMP_ENV]).parent == tmp_path
    profile = yaml.safe_load((settings.DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    output = profile["regiohub"]["outputs"]["candidate"]
    # set once when dbt opens DuckDB: dbt-duckdb re-applies `settings` per cursor, and DuckDB refuses to
    # switch the spill folder once a query spilled (the build failed at a 1GB limit)
    assert "temp_directory" not in (output.get("settings") or {})
    dbt_settings = output["config_options"]
    assert duckdb_settings.MEMORY_ENV in dbt_settings["memory_limit"]
    assert duckdb_settings.THREADS_ENV in dbt_settings["threads"]
    assert duckdb_settings.DBT_TEMP_ENV in dbt_settings["temp_directory"]


def test_dbt_spills_into_one_folder_per_candidate_path_so_its_profile_stays_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv(duckdb_settings.TEMP_ENV, str(tmp_path))
    first, again = (duckdb_settings.dbt_env(tmp_path / "a" / "dbt_candidate.duckdb") for _ in range(2))
    other = duckdb_settings.dbt_env(tmp_path / "b" / "dbt_candidate.duckdb")
    key = duckdb_settings.DBT_TEMP_ENV
    assert first[key] == again[key] != other[key]  # a changed profile makes dbt re-parse the whole project
    assert Path(first[key]).parent == tmp_path


def test_no_module_opens_duckdb_without_the_settings():
    """``duckdb.connect`` / module-level queries only in duckdb_settings (a code snippet in a string is no call)."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "duckdb_settings.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "duckdb"
                    and node.func.attr in ("connect", "execute", "sql", "query", "read_csv", "read_parquet")):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not offenders
