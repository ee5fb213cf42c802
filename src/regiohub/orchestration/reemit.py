"""Emitting a source's raw asset again for a load that no build ever took up.

A load whose task failed after writing raw (a neighbouring file broke the drop, the worker died) has
no asset event: Airflow records outlet events only for tasks that succeed. The retry, or the task
cleared and run again, then finds the payload already loaded ("unchanged") — and must still announce
that load once. :func:`unannounced` tells which of such loads no raw asset event names yet, reading the
asset's events since the oldest of them (the task declares the raw asset as inlet).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from regiohub.core.ids import STAMP


def load_time(load_id: str) -> str:
    """The UTC time a load id was made, ISO (load ids start with their time stamp)."""
    return datetime.strptime(load_id.split("-", 1)[0], STAMP).replace(tzinfo=UTC).isoformat()


def named_loads(extra: dict[str, Any] | None) -> set[str]:
    """The load ids a raw asset event names (``load_id`` and ``load_ids``)."""
    extra = extra or {}
    return {str(x) for x in [extra.get("load_id"), *(extra.get("load_ids") or [])] if x}


def unannounced(events: Any, load_ids: Iterable[str]) -> list[str]:
    """Those of ``load_ids`` that no event of the raw asset names; ``events`` is ``inlet_events[asset]``."""
    wanted = sorted(set(load_ids))
    if not wanted:
        return []
    announced: set[str] = set()
    for event in events.after(load_time(wanted[0])):
        announced |= named_loads(getattr(event, "extra", None))
    return [load for load in wanted if load not in announced]
