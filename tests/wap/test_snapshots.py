"""Kept snapshots, rollback, Parquet exports and German comments in the published file."""

import duckdb
import pytest

from regiohub.cli import main
from regiohub.core import settings
from regiohub.core.errors import PipelineError
from regiohub.publish.swap import list_snapshots, publish_candidate, published_snapshot, rollback


def snapshot_of(data) -> str:
    return published_snapshot(data)["snapshot_id"]


def test_publishes_keep_the_configured_number_of_snapshots(candidate, published_copy, monkeypatch):
    monkeypatch.setenv("REGIOHUB_KEEP_SNAPSHOTS", "2")
    data = settings.paths(published_copy)
    ids = [publish_candidate(candidate, data).snapshot_id for _ in range(3)]
    assert list_snapshots(data) == ids[-2:]
    assert sorted(p.name for p in (data.published_dir / "exports").iterdir()) == ids[-2:]
    assert (data.published_dir / "parquet").resolve().name == ids[-1]


def test_rollback_restores_the_previous_snapshot_and_its_exports(candidate, published_copy, capsys):
    data = settings.paths(published_copy)
    first = publish_candidate(candidate, data).snapshot_id
    second = publish_candidate(candidate, data).snapshot_id
    assert snapshot_of(data) == second

    assert main(["publish", "--rollback"]) == 0
    assert f"snapshot {first} is published again" in capsys.readouterr().out
    assert snapshot_of(data) == first
    assert (data.published_dir / "parquet").resolve().name == first

    assert rollback(data, second) == second
    assert snapshot_of(data) == second
    with pytest.raises(PipelineError, match="unknown snapshot 'nope'"):
        rollback(data, "nope")


def test_published_file_has_german_comments_and_parquet_exports_match(candidate, published_copy):
    data = settings.paths(published_copy)
    result = publish_candidate(candidate, data)
    with duckdb.connect(str(data.published), read_only=True) as con:
        comments = dict(con.execute("select table_name, comment from duckdb_tables()").fetchall())
        column_comments = con.execute(
            "select count(*) from duckdb_columns() where table_name = 'dim_region' and comment <> ''"
        ).fetchall()[0][0]
        counts = {t: con.execute(f'select count(*) from "{t}"').fetchall()[0][0] for t in result.tables}
    assert all(comments.get(t) for t in ("dim_region", "fct_indicator_value", "meta_snapshot"))
    assert column_comments >= 1
    parquet = data.published_dir / "parquet"
    for table, n in counts.items():
        assert duckdb.sql(f"select count(*) from '{parquet / table}.parquet'").fetchall()[0][0] == n
