"""Which sources stopped delivering: the SLA check behind the ``source_freshness`` DAG.

A source is overdue when its last successful poll (``loaded`` or ``unchanged``) is older than its
allowed age: three schedule intervals by default, or ``REGIOHUB_MAX_AGE_HOURS_<SOURCE_ID>`` hours.
Each source is reported once when it becomes overdue and once when it recovers (kept in
``runs/freshness.json``), so an hourly check does not flood the operators.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from regiohub import settings
from regiohub.registry import Registry, Source

PRESETS = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *",
           "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *"}


def schedule_interval(schedule: str, now: datetime) -> timedelta:
    """The longest gap between two runs of a cron expression or preset, sampled over the next runs."""
    from croniter import croniter

    it = croniter(PRESETS.get(schedule, schedule), now)
    stamps = [it.get_next(datetime) for _ in range(5)]
    return max(b - a for a, b in zip(stamps, stamps[1:], strict=False))


def max_age(source: Source, now: datetime) -> timedelta:
    hours = os.environ.get(f"REGIOHUB_MAX_AGE_HOURS_{source.id.upper()}")
    return timedelta(hours=float(hours)) if hours else 3 * schedule_interval(source.schedule, now)


@dataclass(frozen=True)
class Overdue:
    source_id: str
    last_success: str | None
    max_age_hours: float
    last_error: str | None


def overdue_sources(registry: Registry, data: settings.Paths, now: datetime | None = None) -> list[Overdue]:
    """Sources whose last successful poll is older than their allowed age (or that never succeeded)."""
    from regiohub.state import read_state_or_empty as read_state

    now = now or datetime.now(UTC)
    overdue = []
    for source in registry.sources:
        state = read_state(data, source.id)
        last = state.get("last_loaded_at")
        if state.get("last_status") in ("loaded", "unchanged") and state.get("last_checked_at"):
            last = max(filter(None, (last, state["last_checked_at"])))
        limit = max_age(source, now)
        if last is None or now - datetime.fromisoformat(last) > limit:
            overdue.append(Overdue(source.id, last, round(limit.total_seconds() / 3600, 1), state.get("last_error")))
    return overdue


def new_alerts(overdue: list[Overdue], data: settings.Paths) -> tuple[list[Overdue], list[str]]:
    """(newly overdue, recovered) since the last check; remembers the overdue set in ``runs/freshness.json``."""
    path = data.ensure().runs / "freshness.json"
    before = set(json.loads(path.read_text())["overdue"]) if path.exists() else set()
    now_ids = {o.source_id for o in overdue}
    path.write_text(json.dumps({"overdue": sorted(now_ids), "checked_at": datetime.now(UTC).isoformat()}))
    return [o for o in overdue if o.source_id not in before], sorted(before - now_ids)
