"""One line for what ended a run: the first line of an error; a file-system error saying what is left and what to do."""

from __future__ import annotations

import errno

from regiohub.core import settings
from regiohub.core.echo import cut
from regiohub.store.snapshots import candidates as candidate_marts

ERROR_LIMIT = 1000  # characters of one error line kept in run history and status (values inside are cut at 120)


def first_line(exc: BaseException) -> str:
    """The error's first line, bounded (a hostile value quoted in it must not fill the run history)."""
    text = str(exc).strip()
    return cut(text.splitlines()[0], ERROR_LIMIT) if text else type(exc).__name__


def os_error(exc: OSError, data: settings.Paths) -> str:
    """One line for a file-system error, saying what is left and what to do."""
    left = bool(candidate_marts(data))
    cleanup = "the next run removes the candidate" if left else "no candidate was left behind"
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return (f"disk full under {data.data_dir}: {exc.strerror}; nothing was published and {cleanup} — "
                "free space, then `regiohub run`")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (f"the data folder {data.data_dir} is not writable: {exc.strerror}{where}; nothing was "
                "published — check its permissions or mount, then `regiohub run`")
    return f"{exc.strerror or exc}{where}" if exc.strerror else first_line(exc)
