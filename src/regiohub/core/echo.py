"""Bounded echoes: every value a message, log, alert, status line or page quotes goes through :func:`cut`.

A hostile publisher or partner controls the values we quote (a 10 MB station id, a header line of an
error page); quoting them whole would let them fill logs, run history and pages.
"""

from __future__ import annotations

ECHO_LIMIT = 120


def cut(value: object, limit: int = ECHO_LIMIT) -> str:
    """``value`` as one line of at most ``limit`` characters, ending in "…" where it was cut."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
