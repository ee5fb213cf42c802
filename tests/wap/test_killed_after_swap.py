"""A run killed after its swap is recorded as what it was — published — and its stale catalogue is rewritten."""

from __future__ import annotations

from crashpoints import held_at, kill, start_run

from regiohub.core import settings
from regiohub.store.runs import recent_runs
from regiohub.store.snapshot_store import list_snapshots, published_snapshot


def test_a_run_killed_after_its_swap_is_recorded_published(published_copy):
    data = settings.paths(published_copy)
    before = published_snapshot(data)["snapshot_id"]
    catalog = data.published_dir / "catalog.ttl"
    proc = start_run(published_copy, "--force", crash_at="publish:swapped")
    held_at(data, proc, "publish:swapped", timeout=900)
    kill(data, proc, "publish:swapped")
    live = published_snapshot(data)["snapshot_id"]
    assert live != before and live in list_snapshots(data)
    assert catalog.stat().st_mtime_ns < data.published.stat().st_mtime_ns  # killed before the catalogue

    again = start_run(published_copy)
    _, err = again.communicate(timeout=900)
    assert again.returncode == 0, err
    killed = next(r for r in recent_runs(data, 5) if r["run_id"] == published_snapshot(data)["run_id"])
    assert killed["outcome"] == "published" and killed["snapshot_id"] == live, killed
    assert catalog.stat().st_mtime_ns >= data.published.stat().st_mtime_ns  # rewritten for the live snapshot
    modified = published_snapshot(data)["published_at"].isoformat(timespec="seconds")
    assert modified in catalog.read_text(encoding="utf-8")  # dct:modified of the live snapshot
