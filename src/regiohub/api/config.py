"""API settings from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _list(name: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in os.environ.get(name, "").split(",") if x.strip())


@dataclass(frozen=True)
class ApiSettings:
    """``REGIOHUB_API_ORIGINS``: partners' web origins (CORS, iframe embedding), comma separated;
    ``REGIOHUB_API_RATE`` / ``REGIOHUB_API_BURST``: requests per second and burst per client (rate 0: off);
    ``REGIOHUB_API_BASE_URL``: the public URL of the API (links in the DCAT catalogue);
    ``REGIOHUB_API_TRUSTED_PROXIES``: addresses or networks that may set ``X-Forwarded-For`` (none: ignored);
    ``REGIOHUB_API_MAX_CONNECTIONS``: open connections and tasks before 503 (see :mod:`regiohub.api.server`)."""

    origins: tuple[str, ...] = field(default_factory=lambda: _list("REGIOHUB_API_ORIGINS"))
    rate: float = field(default_factory=lambda: float(os.environ.get("REGIOHUB_API_RATE", "20")))
    burst: int = field(default_factory=lambda: int(os.environ.get("REGIOHUB_API_BURST", "100")))
    trusted_proxies: tuple[str, ...] = field(default_factory=lambda: _list("REGIOHUB_API_TRUSTED_PROXIES"))
    max_connections: int = field(default_factory=lambda: int(os.environ.get("REGIOHUB_API_MAX_CONNECTIONS", "512")))
    base_url: str = field(
        default_factory=lambda: os.environ.get("REGIOHUB_API_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    )


MAX_PAGE = 10_000
MAX_OFFSET = 1_000_000_000  # larger offsets are a 400, not a DuckDB overflow
DEFAULT_PAGE = 1_000
