"""Received MQTT messages on disk before they are acknowledged to the broker.

``<data>/spool/mqtt/<source>/``: the open segment ``<n>.jsonl.open`` takes every message as it arrives;
:meth:`Spool.sync` writes it through to the disk (``fsync``), and only then are the messages acknowledged
(QoS 1). A micro-batch closes the segment (renamed to ``<n>.jsonl``), ingests it, and removes it. After a
crash, :meth:`Spool.recover` closes what was open: nothing acknowledged is ever only in memory, and what
was not acknowledged the broker delivers again (duplicates are dropped in raw by their message id).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from regiohub.ingest.mqtt.connector import spool_line
from regiohub.store.sensors import spool_dir

__all__ = ["Spool", "spool_dir"]


class Spool:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.count = 0  # messages in the open segment
        self.opened_at = time.monotonic()
        self._fh = None

    def recover(self) -> list[Path]:
        """Close segments a crashed consumer left open; every closed segment, oldest first."""
        for left in sorted(self.folder.glob("*.jsonl.open")):
            if left.stat().st_size:
                os.replace(left, left.with_suffix(""))
            else:
                left.unlink()
        return self.ready()

    def ready(self) -> list[Path]:
        return sorted(self.folder.glob("*.jsonl"), key=lambda p: int(p.stem) if p.stem.isdigit() else 0)

    def append(self, topic: str, payload: bytes) -> None:
        if self._fh is None:
            self._path = self.folder / f"{time.time_ns()}.jsonl.open"
            self._fh = open(self._path, "a", encoding="utf-8")  # noqa: SIM115 (kept open across messages)
            self.opened_at = time.monotonic()
        self._fh.write(spool_line(topic, payload))
        self.count += 1

    def sync(self) -> None:
        """Everything appended so far is on the disk."""
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def rotate(self) -> Path | None:
        """Close the open segment; its path for ingesting (None if it was empty)."""
        if self._fh is None:
            return None
        self.sync()
        self._fh.close()
        self._fh = None
        closed = self._path.with_suffix("")
        os.replace(self._path, closed)
        self.count = 0
        return closed

    def age(self) -> float:
        return time.monotonic() - self.opened_at if self._fh is not None else 0.0
