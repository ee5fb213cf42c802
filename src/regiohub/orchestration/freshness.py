"""Moved to :mod:`regiohub.store.freshness` (audit, dashboards and the freshness DAG all import it from there)."""

from regiohub.store.freshness import (
    LATE_AFTER_INTERVALS,
    PRESETS,
    Overdue,
    allowed_age,
    is_overdue,
    last_success,
    max_age,
    new_alerts,
    overdue_sources,
    schedule_interval,
)

__all__ = ["LATE_AFTER_INTERVALS", "PRESETS", "Overdue", "allowed_age", "is_overdue", "last_success", "max_age",
           "new_alerts", "overdue_sources", "schedule_interval"]
