"""Password attempts throttled per client: a growing delay, then a lockout (Datenqualität's shared password).

The first :data:`FREE_FAILURES` wrong passwords cost nothing; each further one waits twice as long before it
is checked (``REGIOHUB_LOGIN_DELAY`` seconds, default 1, doubling, at most :data:`MAX_DELAY_S`); after
:data:`LOCK_AFTER` failures within :data:`WINDOW_S` the client is refused without a check until the window
has passed. A right password clears the record. The client is the address Streamlit sees; behind a reverse
proxy listed in ``REGIOHUB_DASHBOARD_TRUSTED_PROXIES`` (addresses or networks) it is the rightmost address of
``X-Forwarded-For`` that is no trusted proxy (:func:`client_address`), so one guesser cannot lock out everyone.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import time
from collections import OrderedDict

FREE_FAILURES, LOCK_AFTER, WINDOW_S, MAX_DELAY_S, MAX_CLIENTS = 3, 10, 900.0, 30.0, 10_000


def base_delay() -> float:
    return float(os.environ.get("REGIOHUB_LOGIN_DELAY") or 1.0)


class LoginThrottle:
    """Failures per client (first failure time, count), least recently seen dropped beyond MAX_CLIENTS."""

    def __init__(self) -> None:
        self._clients: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self._lock = threading.Lock()

    def _failures(self, client: str, now: float) -> int:
        first, count = self._clients.get(client, (now, 0))
        if now - first > WINDOW_S:
            self._clients.pop(client, None)
            return 0
        return count

    def locked_for(self, client: str, now: float | None = None) -> float:
        """Seconds until ``client`` may try again (0: it may)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if self._failures(client, now) < LOCK_AFTER:
                return 0.0
            return max(0.0, self._clients[client][0] + WINDOW_S - now)

    def delay(self, client: str, now: float | None = None) -> float:
        """Seconds to wait before checking this client's next attempt."""
        now = time.monotonic() if now is None else now
        with self._lock:
            extra = self._failures(client, now) - FREE_FAILURES
        return 0.0 if extra < 0 else min(MAX_DELAY_S, base_delay() * 2**extra)

    def failed(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            count = self._failures(client, now)
            first = self._clients.pop(client, (now, 0))[0] if count else now
            self._clients[client] = (first, count + 1)
            while len(self._clients) > MAX_CLIENTS:
                self._clients.popitem(last=False)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)


THROTTLE = LoginThrottle()


def _networks(spec: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    nets = []
    for item in (x.strip() for x in spec.split(",")):
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue
    return nets


def _trusted(address: str, nets: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in nets)


def client_address(peer: str | None, forwarded: str | None, trusted: str | None = None) -> str:
    """The client to throttle: the peer, or behind trusted proxies the last forwarded address not one of them."""
    nets = _networks(os.environ.get("REGIOHUB_DASHBOARD_TRUSTED_PROXIES", "") if trusted is None else trusted)
    if not peer or not nets or not _trusted(peer, nets):
        return peer or "unbekannt"
    hops = [h.strip() for h in (forwarded or "").split(",") if h.strip()]
    while hops and _trusted(hops[-1], nets):
        hops.pop()
    return hops[-1][:64] if hops else peer
