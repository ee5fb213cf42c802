"""Which dates an ingest run fetches: "what is new" now, or the history of its logical date.

A run fetches history when it is a backfill run (``airflow backfill create``, run type ``backfill``) or a
manual run whose logical date lies further in the past than one schedule period plus an hour
(``airflow dags trigger --logical-date …``). Scheduled runs, and manual runs for now, poll "now": with
``catchup=False`` a scheduled run always stands for the current period, and incremental sources catch up
by their high-water mark anyway.

The window of a history run is the period of the schedule that ends at its logical date (the data a
scheduled run at that time would have fetched) — or the run's data interval where the timetable gives one
— as whole days in the region's time zone. A source whose connector cannot fetch a date range, or whose
API does not reach back that far, is skipped with "no history for <source>: …" instead of re-polling today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

from regiohub.ingest.connectors import connector_for
from regiohub.registry.model import Source

REGION_TZ = ZoneInfo("Europe/Berlin")
GRACE = timedelta(hours=1)  # a manual run this close to "now" beyond one period still polls now


@dataclass(frozen=True)
class Window:
    """The days a history run fetches (both included)."""

    first: date
    last: date

    def __str__(self) -> str:
        return f"{self.first}..{self.last}"

    def as_range(self) -> tuple[date, date]:
        return self.first, self.last


def previous_tick(schedule: str, before: datetime) -> datetime:
    """The schedule's last tick strictly before ``before`` (evaluated in the region's time zone)."""
    return croniter(schedule, before.astimezone(REGION_TZ)).get_prev(datetime)


def period(schedule: str, at: datetime) -> timedelta:
    """The length of the schedule period that ends at or before ``at``."""
    last = previous_tick(schedule, at + timedelta(microseconds=1))
    return last - previous_tick(schedule, last)


def is_history_run(run_type: str, logical_date: datetime | None, schedule: str, now: datetime | None = None) -> bool:
    """Backfill runs always; manual runs whose logical date is older than one period plus :data:`GRACE`."""
    run_type = str(getattr(run_type, "value", run_type))
    if run_type == "backfill":
        return logical_date is not None
    if run_type != "manual" or logical_date is None:
        return False
    now = now or datetime.now(UTC)
    return now - logical_date > period(schedule, now) + GRACE


def window(
    schedule: str,
    logical_date: datetime,
    interval_start: datetime | None = None,
    interval_end: datetime | None = None,
) -> Window:
    """The days of the period ending at ``logical_date`` (or of the data interval, if it is not empty)."""
    if interval_start is not None and interval_end is not None and interval_start < interval_end:
        start, end = interval_start, interval_end
    else:
        start, end = previous_tick(schedule, logical_date), logical_date
    first = start.astimezone(REGION_TZ).date()
    last = (end - timedelta(microseconds=1)).astimezone(REGION_TZ).date() if end > start else first
    return Window(first, max(first, last))


def no_history(source: Source, win: Window, today: date | None = None) -> str | None:
    """Why ``source`` cannot fetch ``win`` ("no history for <source>: …"), or None if it can."""
    connector = connector_for(source.connector)
    if not connector.supports_backfill:
        return (f"no history for {source.id}: connector {source.connector} serves only the current payload, "
                f"not {win}; nothing fetched (load older files through the inbox)")
    limit = getattr(connector, "history_days", None)
    today = today or datetime.now(UTC).date()
    if limit is not None and win.first < today - timedelta(days=limit):
        return (f"no history for {source.id}: the publisher serves only the last {limit} days, not {win}; "
                "nothing fetched (older history exists only in raw data already loaded)")
    return None
