"""`regiohub run --offline` twice: the second run changes no raw row and starts no build."""

from __future__ import annotations

from faultkit import snapshot

from regiohub.core import settings
from regiohub.ingest.replay import offline
from regiohub.ops.pipeline import run
from regiohub.registry.model import load_registry


def test_a_second_run_on_unchanged_sources_writes_nothing_and_builds_nothing(published_copy):
    before = snapshot(published_copy)
    builds_before = sorted((published_copy / "build").glob("candidate-*"))
    with offline():
        report = run(settings.paths(published_copy))
    assert report.outcome == "unchanged"
    assert {i["source_id"]: i["status"] for i in report.ingested} == {
        s.id: "unchanged" for s in load_registry().sources
    }
    assert snapshot(published_copy) == before
    assert sorted((published_copy / "build").glob("candidate-*")) == builds_before
