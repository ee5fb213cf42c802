"""Which sources stopped delivering: the SLA check behind the ``source_freshness`` DAG, the gate and Datenqualität.

A source is overdue when its last successful poll (``loaded`` or ``unchanged``) is older than its
allowed age: three schedule intervals by default (:data:`LATE_AFTER_INTERVALS`), or
``REGIOHUB_MAX_AGE_HOURS_<SOURCE_ID>`` hours.
Each source is reported once when it becomes overdue and once when it recovers (kept in
``runs/freshness.json``), so an hourly check does not flood the operators.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from regiohub.core import settings
from regiohub.registry.model import Registry, Source
from regiohub.store import layout

PRESETS = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *",
           "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *"}


LATE_AFTER_INTERVALS = 3  # the one tolerance: the gate, the freshness DAG and Datenqualität all use it


def schedule_interval(schedule: str, now: datetime | None = None) -> timedelta | None:
    """The longest gap between two runs of a cron expression or preset, sampled over the next runs
    (None if the schedule cannot be read)."""
    from croniter import croniter

    expr = schedule.strip()
    try:
        it = croniter(PRESETS.get(expr, expr), now or datetime.now(UTC))
        stamps = [it.get_next(datetime) for _ in range(5)]
    except (ValueError, KeyError):
        return None
    return max(b - a for a, b in zip(stamps, stamps[1:], strict=False))


def allowed_age(source_id: str, schedule: str, now: datetime | None = None) -> timedelta | None:
    """How old a source's last successful poll may be: ``REGIOHUB_MAX_AGE_HOURS_<SOURCE_ID>`` hours, else
    :data:`LATE_AFTER_INTERVALS` schedule intervals (None if the schedule cannot be read)."""
    hours = os.environ.get(f"REGIOHUB_MAX_AGE_HOURS_{source_id.upper()}")
    if hours:
        return timedelta(hours=float(hours))
    interval = schedule_interval(schedule, now)
    return None if interval is None else LATE_AFTER_INTERVALS * interval


def max_age(source: Source, now: datetime) -> timedelta:
    """:func:`allowed_age` of a registry source (whose schedule must be readable)."""
    limit = allowed_age(source.id, source.schedule, now)
    if limit is None:
        raise ValueError(f"source {source.id}: schedule {source.schedule!r} cannot be read")
    return limit


def last_success(state: dict) -> str | None:
    """The time of a source's last successful poll (``loaded`` or ``unchanged``), ISO, from its state."""
    last = state.get("last_loaded_at")
    if state.get("last_status") in ("loaded", "unchanged") and state.get("last_checked_at"):
        last = max(filter(None, (last, state["last_checked_at"])))
    return last


def is_overdue(last: str | datetime | None, limit: timedelta | None, now: datetime) -> bool:
    """The rule: overdue when there was never a success or the last one is older than the allowed age."""
    if last is None:
        return True
    when = datetime.fromisoformat(last) if isinstance(last, str) else last
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return limit is not None and now - when > limit


@dataclass(frozen=True)
class Overdue:
    source_id: str
    last_success: str | None
    max_age_hours: float
    last_error: str | None


def overdue_sources(registry: Registry, data: settings.Paths, now: datetime | None = None) -> list[Overdue]:
    """Sources whose last successful poll is older than their allowed age (or that never succeeded)."""
    from regiohub.store.state import read_state_or_empty as read_state

    now = now or datetime.now(UTC)
    overdue = []
    for source in registry.sources:
        state = read_state(data, source.id)
        last = last_success(state)
        limit = max_age(source, now)
        if is_overdue(last, limit, now):
            overdue.append(Overdue(source.id, last, round(limit.total_seconds() / 3600, 1), state.get("last_error")))
    return overdue


def new_alerts(overdue: list[Overdue], data: settings.Paths) -> tuple[list[Overdue], list[str]]:
    """(newly overdue, recovered) since the last check; remembers the overdue set in ``runs/freshness.json``."""
    path = layout.freshness_file(data.ensure())
    before = set(json.loads(path.read_text())["overdue"]) if path.exists() else set()
    now_ids = {o.source_id for o in overdue}
    path.write_text(json.dumps({"overdue": sorted(now_ids), "checked_at": datetime.now(UTC).isoformat()}))
    return [o for o in overdue if o.source_id not in before], sorted(before - now_ids)
