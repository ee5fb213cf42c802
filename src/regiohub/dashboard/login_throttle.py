"""Password attempts throttled per client: a growing delay, then a lockout (Datenqualität's shared password).

The first :data:`FREE_FAILURES` wrong passwords cost nothing; each further one waits twice as long before it
is checked (``REGIOHUB_LOGIN_DELAY`` seconds, default 1, doubling, at most :data:`MAX_DELAY_S`); after
:data:`LOCK_AFTER` failures within :data:`WINDOW_S` the client is refused without a check until the window
has passed. A right password clears the record. The client is the address Streamlit sees (behind a reverse
proxy: the proxy, so the throttle then holds for all clients together — still no brute force).
"""

from __future__ import annotations

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
