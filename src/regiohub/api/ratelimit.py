"""A simple in-process token bucket per client address (pure ASGI middleware).

The client is ``scope["client"]``: the TCP peer, or — only when the peer is a trusted proxy, see
:mod:`regiohub.api.server` — the address it forwarded. IPv6 clients share a bucket per /64 (one
subscriber's prefix), so rotating addresses within it gains nothing.
"""

from __future__ import annotations

import ipaddress
import json
import math
import threading
import time
from collections import OrderedDict

from starlette.types import ASGIApp, Receive, Scope, Send

MAX_CLIENTS = 10_000


class TokenBucket:
    """``rate`` tokens per second, at most ``burst``, per key; least recently seen keys are dropped first."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """0 if a request may pass, else the seconds until it may."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            self._buckets[key] = (tokens - 1 if wait == 0 else tokens, now)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
            return wait


def client_key(host: str) -> str:
    """The bucket of an address: itself for IPv4, its /64 for IPv6, the text for anything else."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else str(ip)


class RateLimit:
    """Answers 429 (problem+json, ``Retry-After``) when a client exceeds its bucket; off when rate <= 0."""

    def __init__(self, app: ASGIApp, rate: float, burst: int) -> None:
        self.app = app
        self.bucket = TokenBucket(rate, burst) if rate > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.bucket is None or scope.get("method") == "OPTIONS":
            await self.app(scope, receive, send)
            return
        wait = self.bucket.take(client_key((scope.get("client") or ("unknown", 0))[0]))
        if wait == 0:
            await self.app(scope, receive, send)
            return
        body = json.dumps({
            "type": "about:blank", "title": "Too Many Requests", "status": 429,
            "detail": "Zu viele Anfragen; bitte später erneut versuchen.", "instance": scope.get("path", ""),
        }).encode()
        await send({"type": "http.response.start", "status": 429, "headers": [
            (b"content-type", b"application/problem+json"),
            (b"retry-after", str(max(1, math.ceil(wait))).encode()),
            (b"content-length", str(len(body)).encode()),
        ]})
        await send({"type": "http.response.body", "body": body})
