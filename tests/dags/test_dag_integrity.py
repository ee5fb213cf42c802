"""The DAG files parse cleanly and match the registry."""

from __future__ import annotations

import subprocess
import sys

import pytest
from airflow.sdk import Asset, AssetAny, RetryAction

from regiohub.core.errors import GateError, PipelineError
from regiohub.core.settings import REPO_ROOT
from regiohub.orchestration.assets import MART_PUBLISHED, raw_asset
from regiohub.orchestration.defaults import START_DATE
from regiohub.registry.model import load_registry

DAGS_DIR = REPO_ROOT / "dags"

REGISTRY = load_registry()
SOURCES = REGISTRY.sources


def _flatten_any(condition: object) -> list[Asset]:
    """The assets of an ``a | b | ...`` condition; fails on anything but Asset and AssetAny."""
    if isinstance(condition, Asset):
        return [condition]
    assert isinstance(condition, AssetAny), f"expected an any-of condition, got {condition!r}"
    return [asset for obj in condition.objects for asset in _flatten_any(obj)]


def test_dag_files_import_without_errors(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == (
        {f"ingest_{s.id}" for s in SOURCES}
        | {f"inbox_{s.id}" for s in SOURCES}
        | {"build_mart", "ingest_water_level_sensors", "source_freshness", "report_delivery"}
    )


def test_every_dag_has_owner_docs_and_a_failure_callback(dagbag) -> None:
    for dag_id, dag in dagbag.dags.items():
        assert dag.doc_md, dag_id
        assert dag.catchup is False, dag_id
        for task in dag.tasks:
            assert task.owner == "regiohub", (dag_id, task.task_id)
            if dag_id != "source_freshness":  # the freshness check notifies by itself
                assert task.on_failure_callback, (dag_id, task.task_id)


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.id)
def test_ingest_dag_follows_registry(dagbag, source) -> None:
    dag = dagbag.dags[f"ingest_{source.id}"]
    assert dag.schedule == source.schedule
    assert dag.catchup is False
    assert dag.start_date == START_DATE and dag.timezone.name == "Europe/Berlin"  # fixed, local cron times
    assert dag.max_active_runs == 1
    assert {"regiohub", "ingest", source.domain} <= set(dag.tags)
    for text in (source.publisher, source.licence, source.attribution, source.domain, "Owner", "regiohub"):
        assert text in dag.doc_md
    assert dag.params["source_id"] == source.id  # failure notifications name the source
    assert dag.fileloc == str(DAGS_DIR / "ingest_sources.py")

    ingest, emit = dag.task_dict["ingest"], dag.task_dict["emit_raw_asset"]
    assert ingest.retries >= 1 and ingest.retry_exponential_backoff > 1
    assert ingest.outlets == []  # an unchanged load must not emit the asset
    assert emit.upstream_task_ids == {"ingest"}
    assert emit.outlets == [raw_asset(source.id)]
    assert emit.outlets[0].uri == f"regiohub://raw/{source.id}" and emit.outlets[0].name == f"raw_{source.id}"


def test_mart_dag_runs_on_any_raw_asset_of_the_registry(dagbag) -> None:
    dag = dagbag.dags["build_mart"]
    assert dag.max_active_runs == 1 and dag.catchup is False
    scheduled = _flatten_any(dag.timetable.asset_condition)
    assert sorted(a.uri for a in scheduled) == sorted(f"regiohub://raw/{s.id}" for s in SOURCES)
    assert sorted(a.name for a in scheduled) == sorted(f"raw_{s.id}" for s in SOURCES)


def test_mart_dag_builds_audits_then_publishes(dagbag) -> None:
    dag = dagbag.dags["build_mart"]
    build, validate, publish = (dag.task_dict[f"{step}_candidate"] for step in ("build", "validate", "publish"))
    assert build.downstream_task_ids == {"validate_candidate", "publish_candidate"}
    assert validate.downstream_task_ids == {"publish_candidate"} and not publish.downstream_task_ids
    assert {t.task_id: t.outlets for t in dag.tasks} == {
        "build_candidate": [],
        "validate_candidate": [],
        "publish_candidate": [MART_PUBLISHED],
    }
    assert MART_PUBLISHED.uri == "regiohub://mart/published"
    # a rejected candidate is final; other failures get the task's retry
    policy = validate.retry_policy
    assert validate.retries >= 1
    assert policy.evaluate(GateError("audit failed"), try_number=1, max_tries=2).action == RetryAction.FAIL
    assert policy.evaluate(PipelineError("dbt build failed"), try_number=1, max_tries=2).action == RetryAction.DEFAULT


def test_parsing_dag_files_does_not_import_the_pipeline() -> None:
    """Heavy imports live inside the task functions: parsing must not load them."""
    heavy = ("regiohub.ingest.source", "regiohub.ops.pipeline", "regiohub.build.transform", "dbt",
             "great_expectations", "pandas")
    code = (
        "import runpy, sys\n"
        f"for f in {[str(p) for p in sorted(DAGS_DIR.glob('*.py'))]!r}: runpy.run_path(f)\n"
        f"print(' '.join(m for m in {heavy!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.id)
def test_inbox_dag_watches_the_marker_never_the_data(dagbag, source) -> None:
    from airflow.providers.standard.triggers.file import FileDeleteTrigger

    dag = dagbag.dags[f"inbox_{source.id}"]
    [asset] = _flatten_any(dag.timetable.asset_condition)
    assert asset.uri == f"regiohub://inbox/{source.id}"
    [watcher] = asset.watchers
    assert isinstance(watcher.trigger, FileDeleteTrigger)
    marker = watcher.trigger.filepath
    assert marker.endswith(f"/inbox/{source.id}/READY")
    assert dag.max_active_runs == 1 and dag.params["source_id"] == source.id
    emit = dag.task_dict["emit_raw_asset"]
    assert emit.upstream_task_ids == {"ingest_inbox"} and emit.outlets == [raw_asset(source.id)]
    assert dag.task_dict["ingest_inbox"].outlets == []
    for text in (source.publisher, source.licence):
        assert text in dag.doc_md


def test_sensor_dag_wakes_on_redis_pubsub_and_emits_the_pegelonline_asset(dagbag) -> None:
    from airflow.providers.common.messaging.triggers.msg_queue import MessageQueueTrigger

    from regiohub.ingest.sensor_stream import CHANNEL

    dag = dagbag.dags["ingest_water_level_sensors"]
    [asset] = _flatten_any(dag.timetable.asset_condition)
    [watcher] = asset.watchers
    assert isinstance(watcher.trigger, MessageQueueTrigger) and watcher.trigger.scheme == "redis+pubsub"
    classpath, kwargs = watcher.trigger.serialize()
    assert classpath.endswith("redis_await_message.AwaitMessageTrigger")
    assert kwargs["channels"] == [CHANNEL] and kwargs["redis_conn_id"] == "regiohub_redis"
    assert dag.task_dict["emit_raw_asset"].outlets == [raw_asset("pegelonline")]
    assert dag.max_active_runs == 1


def test_raw_assets_have_their_producers_and_only_build_mart_publishes(dagbag) -> None:
    producers: dict[str, set[str]] = {}
    for dag_id, dag in dagbag.dags.items():
        for task in dag.tasks:
            for outlet in task.outlets:
                producers.setdefault(outlet.uri, set()).add(dag_id)
    for source in SOURCES:
        assert {f"ingest_{source.id}", f"inbox_{source.id}"} <= producers[f"regiohub://raw/{source.id}"]
    assert producers["regiohub://mart/published"] == {"build_mart"}
