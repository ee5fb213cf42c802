"""Named points in a run where the crash-safety tests stop the process.

In production this does nothing. A test sets ``REGIOHUB_CRASH_AT=<point>`` for a child process; when
the process reaches that point it writes ``<data>/runs/crashpoint-<point>`` and waits there, so the test
can SIGKILL it at exactly that moment. ``REGIOHUB_FAIL_AT=<point>`` instead raises the error a full
disk gives (``OSError`` ENOSPC) at that point, in-process.
"""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

from regiohub.core import settings

ENV = "REGIOHUB_CRASH_AT"
FAIL_ENV = "REGIOHUB_FAIL_AT"


def reached(point: str) -> None:
    if os.environ.get(FAIL_ENV) == point:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), point)
    if os.environ.get(ENV) != point:
        return
    marker = settings.paths().runs / f"crashpoint-{point.replace(':', '_')}"
    marker.parent.mkdir(parents=True, exist_ok=True)
    Path(marker).write_text(str(os.getpid()))
    while True:  # wait for the test's SIGKILL
        time.sleep(0.1)
