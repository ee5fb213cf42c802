"""Failures that wait for a person: recorded with every failure notification, shown until acknowledged.

Each alert is one JSON file ``runs/alerts/<raised>-<random>.json`` (written atomically, so concurrent
Airflow tasks never collide) with ``subject``, ``body``, ``details`` (``dag_id``, ``task_id``,
``source_id``, ``error`` …) and ``acknowledged_at``. ``regiohub status`` and the Datenqualität page
show the open ones; ``regiohub ack`` acknowledges them. No configuration is needed: this is the default
that nobody can miss, whatever channels :mod:`regiohub.ops.notify` has besides.
"""

from __future__ import annotations

import getpass
import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from regiohub.core import settings
from regiohub.core.redact import redact, scrub
from regiohub.store import layout

MAX_TEXT = 4000  # characters kept of a body (an alert is a pointer, not a log)


alerts_dir = layout.alerts_dir


def record(subject: str, body: str, details: dict[str, Any] | None = None,
           data: settings.Paths | None = None) -> dict[str, Any]:
    """Keep one alert, redacted and bounded at every level of ``details`` (:mod:`regiohub.core.redact`)."""
    folder = alerts_dir(data or settings.paths())
    folder.mkdir(parents=True, exist_ok=True)
    raised = datetime.now(UTC)
    alert = {
        "id": f"{raised:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}",
        "raised_at": raised.isoformat(timespec="seconds"),
        "subject": scrub(subject, 300), "body": redact(body)[:MAX_TEXT],
        "details": scrub({k: v for k, v in (details or {}).items() if v is not None}),
        "acknowledged_at": None, "acknowledged_by": None,
    }
    _write(folder / f"{alert['id']}.json", alert)
    return alert


def open_alerts(data: settings.Paths | None = None) -> list[dict[str, Any]]:
    """The alerts nobody acknowledged yet, newest first."""
    return [a for a in _all(data or settings.paths()) if not a.get("acknowledged_at")]


def acknowledge(data: settings.Paths | None = None, ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Mark the open alerts (all, or those whose id starts with one of ``ids``) as seen; return them."""
    data = data or settings.paths()
    now, who = datetime.now(UTC).isoformat(timespec="seconds"), _user()
    done = []
    for alert in open_alerts(data):
        if ids and not any(alert["id"].startswith(i) for i in ids):
            continue
        alert |= {"acknowledged_at": now, "acknowledged_by": who}
        _write(alerts_dir(data) / f"{alert['id']}.json", alert)
        done.append(alert)
    return done


def _all(data: settings.Paths) -> list[dict[str, Any]]:
    folder = alerts_dir(data)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json"), reverse=True):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # a half-written or foreign file is no alert
    return found


def _write(path: Path, alert: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(alert, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    os.replace(tmp, path)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
