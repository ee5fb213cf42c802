"""Which reports were delivered: one row per (snapshot, partner, period, channel), in ``runs/deliveries.sqlite3``."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS delivery (
    snapshot_id TEXT NOT NULL, partner_id TEXT NOT NULL, period TEXT NOT NULL, channel TEXT NOT NULL,
    delivered_at TEXT NOT NULL, detail TEXT,
    PRIMARY KEY (snapshot_id, partner_id, period, channel)
)"""


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as con, con:
            con.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def done(self, snapshot_id: str, partner_id: str, period: str, channel: str) -> bool:
        with closing(self._connect()) as con:
            row = con.execute("SELECT 1 FROM delivery WHERE snapshot_id = ? AND partner_id = ? AND period = ? "
                              "AND channel = ?", (snapshot_id, partner_id, period, channel)).fetchone()
        return row is not None

    def record(self, snapshot_id: str, partner_id: str, period: str, channel: str, detail: str = "") -> None:
        with closing(self._connect()) as con, con:
            con.execute("INSERT OR IGNORE INTO delivery VALUES (?, ?, ?, ?, ?, ?)",
                        (snapshot_id, partner_id, period, channel, datetime.now(UTC).isoformat(), detail))

    def entries(self) -> list[tuple[str, str, str, str]]:
        with closing(self._connect()) as con:
            return con.execute("SELECT snapshot_id, partner_id, period, channel FROM delivery "
                               "ORDER BY delivered_at").fetchall()
