"""`regiohub publish --list` and `--rollback` for the operator: what is kept, and going back recorded."""

from __future__ import annotations

from datetime import UTC, datetime

from regiohub.core import settings
from regiohub.core.ids import new_run_id
from regiohub.publish.swap import rollback
from regiohub.store.runs import RunReport, record_run
from regiohub.store.snapshot_store import DamagedMartError, kept_path, list_snapshots, published_snapshot
from regiohub.store.snapshots import snapshot_time


def snapshot_listing(data: settings.Paths) -> str:
    """The kept snapshots, newest first, with time (Europe/Berlin) and size; the current one marked."""
    try:
        current = (published_snapshot(data) or {}).get("snapshot_id")
    except DamagedMartError as exc:
        current, damaged = None, f"published: DAMAGED — {exc}"
    else:
        damaged = None
    lines = [f"  {'snapshot':<34} {'published (Europe/Berlin)':<26} {'size':>9}"]
    for snapshot_id in reversed(list_snapshots(data)):
        path = kept_path(data, snapshot_id)
        when = snapshot_time(snapshot_id)
        size = path.stat().st_size / 1e6
        mark = "*" if snapshot_id == current else " "
        lines.append(f"{mark} {snapshot_id:<34} {when:%Y-%m-%d %H:%M:%S %Z}  {size:>6.1f} MB" if when else
                     f"{mark} {snapshot_id:<34} {'-':<26} {size:>6.1f} MB")
    head = [damaged] if damaged else []
    if len(lines) == 1:
        return "\n".join([*head, "no snapshots kept yet (run `regiohub run`)"])
    return "\n".join([*head, *lines, "* = published now; `regiohub publish --rollback SNAPSHOT` publishes another one"])


def rollback_recorded(data: settings.Paths, snapshot_id: str | None = None) -> str:
    """Roll back to a kept snapshot (see :func:`regiohub.publish.swap.rollback`) and record it in the run history."""
    report = RunReport(new_run_id(), datetime.now(UTC).isoformat(timespec="seconds"), kind="rollback")
    try:
        report.snapshot_id = rollback(data, snapshot_id)
        report.outcome = "rolled_back"
    except BaseException as exc:
        report.outcome, report.error = "failed", (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise
    finally:
        record_run(data, report)
    return report.snapshot_id
