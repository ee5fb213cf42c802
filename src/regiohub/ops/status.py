"""What `regiohub status` prints: published snapshot, sources with freshness, last runs (times in Europe/Berlin)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from regiohub.core import settings
from regiohub.registry.model import load_registry
from regiohub.store.loads import unpublished_loads
from regiohub.store.records import newest_validation
from regiohub.store.runs import recent_runs
from regiohub.store.snapshot_store import DamagedMartError, published_snapshot
from regiohub.store.state import read_state_or_empty as read_state
from regiohub.store.versions import superseded_lines

BERLIN = ZoneInfo("Europe/Berlin")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S %Z"  # as `publish --list`: ``2026-11-28 21:05:00 CET``


def local_time(value: datetime | str | None) -> str:
    """A stored time (UTC ISO, or aware/naive-UTC datetime) as printed by the CLI: Europe/Berlin with its zone."""
    if not value:
        return "-"
    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(BERLIN).strftime(TIME_FORMAT)


def _age(iso: str | None) -> str:
    if not iso:
        return "never"
    delta = datetime.now(UTC) - datetime.fromisoformat(iso)
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} h ago" if hours < 48 else f"{hours / 24:.0f} d ago"


def _gate(run: dict) -> str:
    """dbt tests and expectations of a run, e.g. ``dbt 95/95, GX 80/81``."""
    parts = []
    for label, counts in (("dbt", run.get("dbt_tests") or {}), ("GX", run.get("expectations") or {})):
        if counts:
            total = counts.get("passed", 0) + counts.get("failed", 0)
            parts.append(f"{label} {counts.get('passed', 0)}/{total}")
    return ", ".join(parts) or "-"


def held_back(data: settings.Paths) -> list[dict]:
    """Sources the newest finished run held back: source_id, check, model, rows, next_step and ``line``."""
    last = next((r for r in recent_runs(data) if r.get("outcome") != "running"), None)
    return list((last or {}).get("source_failures") or [])


def gate_checks(data: settings.Paths) -> list[dict]:
    """The content checks of the newest validation, each ``{"check": name, "success": bool, "findings": [...]}``
    with the findings (``check``, ``indicator_id``, ``detail``, ``sources``) that check raised."""

    doc = newest_validation(data)
    if doc is None:
        return []
    findings = doc.get("content_findings") or []
    return [{**c, "findings": [f for f in findings if f.get("check") == c.get("check")]}
            for c in doc.get("content_checks") or []]


def open_failures(data: settings.Paths) -> list[str]:
    """The unacknowledged failures, newest first: a heading and one line each (empty if there are none)."""
    from regiohub.store.alerts import open_alerts

    alerts = open_alerts(data)
    if not alerts:
        return []
    lines = [f"FAILURES not yet acknowledged ({len(alerts)}; `regiohub ack` clears them, `regiohub ack ID` one):"]
    for a in alerts:
        error = (a.get("details") or {}).get("error") or next(iter((a.get("body") or "").splitlines()), "")
        lines.append(f"  {a['id']}  {local_time(a['raised_at'])}  {a['subject']}" + (f": {error}" if error else ""))
    return lines + [""]


def render_status(data: settings.Paths) -> str:
    lines = open_failures(data)
    try:
        snap = published_snapshot(data)
    except DamagedMartError as exc:  # one line, no traceback: readers use the newest intact snapshot meanwhile
        snap = None
        lines.append(f"published: DAMAGED — {exc}")
    if snap:
        lines.append(f"published: snapshot {snap['snapshot_id']} at {local_time(snap['published_at'])} "
                     f"({data.published})")
    elif not data.published.exists():
        lines.append("published: nothing yet (run `regiohub run`)")
    lines += ["", f"{'source':<32} {'schedule':<14} {'last load':<14} {'last check':<10} {'quarantined':>11} error"]
    for s in load_registry().sources:
        st = read_state(data, s.id)
        quarantined = sum(n for reasons in (st.get("quarantined") or {}).values() for n in reasons.values())
        lines.append(
            f"{s.id:<32} {s.schedule:<14} {_age(st.get('last_loaded_at')):<14} "
            f"{st.get('last_status', '-'):<10} {quarantined:>11} {st.get('last_error') or ''}"
        )
    runs = recent_runs(data)
    lines += ["", "not yet published:"]
    pending = unpublished_loads(data)
    lines += [f"  {s}: {len(loads)} load(s), newest {loads[-1]}" for s, loads in sorted(pending.items())] or ["  -"]
    older = superseded_lines(data) + [
        f"{s.id}: load {load} (older release than load {by})"
        for s in load_registry().sources
        for load, by in sorted((read_state(data, s.id).get("older_releases") or {}).items())
    ]
    if older:
        lines += ["", "kept, not published (an earlier load holds a newer version or release):"]
        lines += [f"  {line}" for line in older]
    failures = held_back(data)
    if failures:
        lines += ["", "held back (their last published load is used):"]
        lines += [f"  {f['line']}" for f in failures]
    lines += ["", f"{'run':<44} {'started':<26} {'outcome':<12} {'gate':<22} detail"]
    for r in runs:
        lines.append(
            f"{r['run_id']:<44} {local_time(r.get('started_at')):<26} {r['outcome']:<12} {_gate(r):<22} "
            f"{r.get('snapshot_id') or r.get('error') or ''}"
        )
    return "\n".join(lines)
