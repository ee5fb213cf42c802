"""What the operator sees while a command runs: progress lines, and the per-source summary of a run."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regiohub.store.runs import RunReport


def progress() -> Callable[[str], None]:
    """Progress lines on stderr: dbt's node lines overwrite each other on a terminal, plain lines otherwise."""
    tty = sys.stderr.isatty()

    def say(message: str) -> None:
        if tty and message.startswith("dbt "):
            width = shutil.get_terminal_size().columns - 1
            sys.stderr.write("\r\x1b[K" + message[:width])
        else:
            sys.stderr.write(("\r\x1b[K" if tty else "") + message + "\n")
        sys.stderr.flush()

    return say


def summary(report: RunReport) -> None:
    """One line per source: what was loaded, or why it failed / was held back."""
    for item in report.ingested:
        rows = ", ".join(f"{k}={v}" for k, v in item.get("rows", {}).items())
        status = item["status"]
        if status == "loaded" and item.get("superseded_by"):  # an earlier load holds a newer release
            status, rows = "kept, not published (older release)", f"{rows} (newer: load {item['superseded_by']})"
        if item.get("quarantined"):
            rows += f" (quarantined {item['quarantined']})"
        print(f"  {item['source_id']:<30} {status:<10} {item.get('error') or rows}")
        for note in item.get("notes") or []:
            if "unknown to the region reference" in note:  # a key no directory knows: named in the run output
                print(f"    note: {note}")
