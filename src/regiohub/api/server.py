"""Running the API with uvicorn, hardened for the open network and a reverse proxy in front.

* Only the addresses in ``REGIOHUB_API_TRUSTED_PROXIES`` (IPs or CIDR networks, comma separated; e.g. the
  reverse proxy, or the compose network's gateway) may set ``X-Forwarded-For``; uvicorn then takes the client
  from it (the rightmost address not a trusted proxy), so the rate limit applies per real client. With no
  trusted proxy the header is ignored altogether (uvicorn would otherwise trust 127.0.0.1).
* A client must send its request head within ``REGIOHUB_API_HEADER_TIMEOUT`` seconds (10) of connecting or of
  its previous answer (:class:`HeaderTimeoutH11Protocol`); idle keep-alive connections close after 5 s, and
  beyond ``REGIOHUB_API_MAX_CONNECTIONS`` (512) open connections and tasks uvicorn answers 503.
* Binds 127.0.0.1 unless ``--host`` says otherwise.
"""

from __future__ import annotations

import asyncio
import os

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from regiohub.api.config import ApiSettings

KEEP_ALIVE_S = 5
MAX_HEADER_BYTES = 16 * 1024


def header_timeout() -> float:
    return float(os.environ.get("REGIOHUB_API_HEADER_TIMEOUT") or 10)


class HeaderTimeoutH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for the request head (uvicorn has none: a client sending one
    byte now and then, or nothing at all, would hold its connection for ever)."""

    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(header_timeout(), self._head_too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            self._arm()  # a new request head starts (also after a keep-alive answer)
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def uvicorn_options(config: ApiSettings) -> dict[str, object]:
    """Keyword arguments for ``uvicorn.run`` from the settings."""
    proxies = list(config.trusted_proxies)
    return {
        "proxy_headers": bool(proxies), "forwarded_allow_ips": proxies or [],
        "http": f"{__name__}:HeaderTimeoutH11Protocol", "timeout_keep_alive": KEEP_ALIVE_S,
        "limit_concurrency": config.max_connections, "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        "server_header": False,
    }


def run(host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    uvicorn.run("regiohub.api.app:app", factory=True, host=host, port=port, workers=workers,
                **uvicorn_options(ApiSettings()))  # type: ignore[arg-type]
