"""Start a process that ends with its launcher: ``python -m regiohub.orchestration.child PID COMMAND…``.

Sets Linux's ``PR_SET_PDEATHSIG`` (SIGTERM when the parent dies, kept across ``exec``), checks that the
launcher ``PID`` is still its parent, then becomes ``COMMAND`` (an Airflow component). Elsewhere the signal
is not available; a launcher killed hard then leaves the component running and the next start reports it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    launcher, command = int(argv[0]), argv[1:]
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != launcher:  # the launcher died before the signal was armed
        sys.exit(1)
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
