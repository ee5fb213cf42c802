"""Deliver each subscribed partner's report for the published snapshot: outbox folder and e-mail, once.

The ledger is keyed on snapshot id + partner + period + channel and written after each successful
delivery, so a re-run (or a retry after a failure) only delivers what is missing. A crash between
sending a mail and recording it can send that one mail again (at-least-once).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from regiohub.core import settings
from regiohub.core.errors import PipelineError
from regiohub.delivery import render
from regiohub.delivery.ledger import Ledger
from regiohub.delivery.mailer import SmtpSettings, report_message, send
from regiohub.delivery.subscriptions import Subscription, load_subscriptions
from regiohub.store import layout
from regiohub.store.snapshot_store import published_snapshot

log = logging.getLogger("regiohub.delivery")


@dataclass
class DeliveryResult:
    snapshot_id: str
    written: list[str] = field(default_factory=list)  # outbox files
    mailed: list[str] = field(default_factory=list)  # "partner/period"
    skipped: list[str] = field(default_factory=list)  # already delivered
    failed: list[str] = field(default_factory=list)


outbox_dir = layout.outbox_dir


def _write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


def _years(sub: Subscription, available: list[int]) -> list[int]:
    years = {max(available) if p == "latest" else p for p in sub.periods if available}
    return sorted(y for y in years if y in available)


def deliver_reports(data: settings.Paths | None = None, subscriptions: list[Subscription] | None = None,
                    smtp: SmtpSettings | None = None) -> DeliveryResult:
    """Deliver the reports of the published snapshot that have not been delivered yet."""
    data = data or settings.paths()
    snapshot = published_snapshot(data)
    if snapshot is None:
        raise PipelineError("no published mart: nothing to deliver")
    snapshot_id, published = snapshot["snapshot_id"], data.published
    subscriptions = load_subscriptions() if subscriptions is None else subscriptions
    smtp = smtp or SmtpSettings()
    ledger = Ledger(layout.deliveries_ledger(data))
    result = DeliveryResult(snapshot_id)
    available = render.report_years(published)
    for sub in subscriptions:
        for year in _years(sub, available):
            channels = ["outbox"] + (["email"] if smtp.enabled and sub.recipients else [])
            due = [c for c in channels if not ledger.done(snapshot_id, sub.partner, str(year), c)]
            if not due:
                result.skipped.append(f"{sub.partner}/{year}")
                continue
            try:
                report = render.render_report(published, sub.partner, year)
                if "outbox" in due:
                    folder = outbox_dir(data) / sub.partner / snapshot_id
                    for suffix, content in (("pdf", report.pdf), ("xlsx", report.xlsx)):
                        _write_atomic(folder / f"{report.basename}.{suffix}", content)
                        result.written.append(str(folder / f"{report.basename}.{suffix}"))
                    ledger.record(snapshot_id, sub.partner, str(year), "outbox", str(folder))
                if "email" in due:
                    send(report_message(report, sub.recipients, smtp.sender, snapshot_id), smtp)
                    ledger.record(snapshot_id, sub.partner, str(year), "email", ", ".join(sub.recipients))
                    result.mailed.append(f"{sub.partner}/{year}")
            except Exception as exc:  # one partner's failure must not stop the others
                log.error("report %s/%s of snapshot %s not delivered (via %s): %s: %s", sub.partner, year,
                          snapshot_id, smtp.describe() if smtp.enabled else "outbox", type(exc).__name__, exc)
                result.failed.append(f"{sub.partner}/{year}")
    return result
