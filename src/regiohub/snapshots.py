"""Snapshot ids: new ones that always sort last, the base a candidate was built on, and `publish --list`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from regiohub import settings

BERLIN = ZoneInfo("Europe/Berlin")


def snapshot_time(snapshot_id: str) -> datetime | None:
    """The publish time encoded in a snapshot id (``20261128T183259299776Z-801c``), in Europe/Berlin."""
    try:
        return datetime.strptime(snapshot_id.split("-")[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC).astimezone(BERLIN)
    except ValueError:
        return None


def snapshot_listing(data: settings.Paths) -> str:
    from regiohub.publish import list_snapshots, published_snapshot

    current = (published_snapshot(data) or {}).get("snapshot_id")
    lines = [f"  {'snapshot':<34} {'published (Europe/Berlin)':<26} {'size':>9}"]
    for snapshot_id in reversed(list_snapshots(data)):
        path = data.published_dir / "snapshots" / f"{snapshot_id}.duckdb"
        when = snapshot_time(snapshot_id)
        size = path.stat().st_size / 1e6
        mark = "*" if snapshot_id == current else " "
        lines.append(f"{mark} {snapshot_id:<34} {when:%Y-%m-%d %H:%M:%S %Z}  {size:>6.1f} MB" if when else
                     f"{mark} {snapshot_id:<34} {'-':<26} {size:>6.1f} MB")
    if len(lines) == 1:
        return "no snapshots kept yet (run `regiohub run`)"
    return "\n".join([*lines, "* = published now; `regiohub publish --rollback SNAPSHOT` publishes another one"])


def next_snapshot_id(now: datetime, existing: list[str]) -> str:
    """A new snapshot id that sorts after every existing one, even if the clock was set back since."""
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    newest = max((s.split("-")[0] for s in existing), default="")
    if stamp <= newest:
        bumped = datetime.strptime(newest, "%Y%m%dT%H%M%S%fZ") + timedelta(microseconds=1)
        stamp = bumped.strftime("%Y%m%dT%H%M%S%fZ")
    return stamp + "-" + uuid.uuid4().hex[:4]


def candidate_base(candidate: Path) -> str | None:
    """The snapshot the candidate was built on ('' if none was published; None if it does not say)."""
    with duckdb.connect(str(candidate), read_only=True) as con:
        if not con.execute("select 1 from duckdb_tables() where table_name = 'meta_build'").fetchall():
            return None
        return con.execute("select coalesce(base_snapshot_id, '') from meta_build").fetchall()[0][0]


def rollback_recorded(data: settings.Paths, snapshot_id: str | None = None) -> str:
    """Roll back to a kept snapshot (see :func:`regiohub.publish.rollback`) and record it in the run history."""
    from regiohub.pipeline import _first_line, _now, new_run_id
    from regiohub.publish import rollback
    from regiohub.runs import RunReport, record_run

    report = RunReport(new_run_id(), _now(), kind="rollback")
    try:
        report.snapshot_id = rollback(data, snapshot_id)
        report.outcome = "rolled_back"
    except BaseException as exc:
        report.outcome, report.error = "failed", _first_line(exc)
        raise
    finally:
        record_run(data, report)
    return report.snapshot_id
