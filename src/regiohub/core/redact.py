"""Secrets out, sizes bounded: what notifications, alerts and webhooks may repeat.

:func:`redact` replaces the value of every secret environment variable (tokens, passwords, the webhook URL …)
in a text by ``***``; :func:`scrub` does the same through nested structures (dicts, lists, tuples) and bounds
them: every string cut (:func:`regiohub.core.echo.cut`), at most :data:`MAX_ITEMS` entries per level and
:data:`MAX_DEPTH` levels, so a hostile value can neither carry a secret out nor grow an alert without bound.
"""

from __future__ import annotations

import os
import re
from typing import Any

from regiohub.core.echo import ECHO_LIMIT, cut

SECRET_NAMES = re.compile(r"TOKEN|PASSWORD|SECRET|WEBHOOK_URL|FERNET|_KEY$|REDIS_URL|SQL_ALCHEMY_CONN|^AIRFLOW_CONN_")
MIN_SECRET_LENGTH = 6  # shorter values would mask ordinary words
MAX_ITEMS, MAX_DEPTH = 50, 5


def redact(text: str) -> str:
    """``text`` with the value of every secret environment variable replaced by ``***``."""
    for name, value in os.environ.items():
        if value and len(value) >= MIN_SECRET_LENGTH and SECRET_NAMES.search(name) and value in text:
            text = text.replace(value, "***")
    return text


def scrub(value: Any, limit: int = ECHO_LIMIT, depth: int = 0) -> Any:
    """``value`` redacted and bounded at every level (strings cut after redaction, so no secret is half-kept)."""
    if isinstance(value, str):
        return cut(redact(value), limit)
    if value is None or isinstance(value, bool | int | float):
        return value
    if depth >= MAX_DEPTH:
        return "…"
    if isinstance(value, dict):
        items = list(value.items())
        kept = {cut(redact(str(k)), 60): scrub(v, limit, depth + 1) for k, v in items[:MAX_ITEMS]}
        if len(items) > MAX_ITEMS:
            kept["…"] = f"{len(items) - MAX_ITEMS} weitere"
        return kept
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        kept_list = [scrub(v, limit, depth + 1) for v in items[:MAX_ITEMS]]
        return kept_list + ([f"… {len(items) - MAX_ITEMS} weitere"] if len(items) > MAX_ITEMS else [])
    return cut(redact(str(value)), limit)
