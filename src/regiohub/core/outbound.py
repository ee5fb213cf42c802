"""Outbound requests cannot reach inside: no URL or redirect to a loopback, private, link-local or metadata address.

Every request of :class:`regiohub.core.http.SafeSession` (the first one and every redirect hop) passes
:func:`check`: the host is resolved and refused when any of its addresses is not a public (global) one —
127.0.0.0/8, ::1, 10/8, 172.16/12, 192.168/16, 169.254/16 (cloud metadata), fc00::/7, fe80::/10,
100.64/10, multicast, unspecified. Exceptions are explicit: the registry's ``internal_hosts`` (``host`` or
``host:port``) and the offline replay server (its exact ``host:port``, which we start ourselves).

Only http and https are checked here; any other scheme is refused by requests itself (``InvalidSchema``).
A name that does not resolve is left to the connection, which then fails as usual.

The check runs twice: on the URL before the request (a clear message, nothing sent) and on the address
the socket actually connected to (:func:`guarded_adapter`), so a name that resolves to a public address
first and to an internal one a moment later (DNS rebinding) is refused too.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from regiohub.core.echo import cut

OFFLINE_ENV = "REGIOHUB_OFFLINE_BASE"
DEFAULT_PORTS = {"http": 80, "https": 443}


class InternalAddressRefused(requests.RequestException):
    """A request (or a redirect) would reach an internal address that no one allowed."""


def _origin(url: str) -> tuple[str, int] | None:
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        return None  # requests refuses the URL itself
    return parts.hostname.lower().rstrip("."), port


def allowed_origins(extra: Iterable[str] = ()) -> frozenset[str]:
    """``extra`` (hosts or ``host:port``, lower case) plus the offline replay server's ``host:port``."""
    allowed = {h.strip().lower().rstrip(".") for h in extra if h.strip()}
    base = _origin(os.environ.get(OFFLINE_ENV, ""))
    if base:
        allowed.add(f"{base[0]}:{base[1]}")
    return frozenset(allowed)


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_internal(address: str) -> bool:
    """True for every address that is not a public unicast one; an IPv6 address carrying an IPv4 one
    (IPv4-mapped, NAT64, 6to4, Teredo) is judged by that IPv4 address too."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
        if ip in NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        candidates += [e for e in embedded if e is not None]
        if ip.ipv4_mapped is not None:
            candidates.remove(ip)  # ::ffff:a.b.c.d is exactly a.b.c.d
    return any(not c.is_global or c.is_multicast or c.is_unspecified for c in candidates)


def check(url: str, allowed: frozenset[str], request: requests.PreparedRequest | None = None) -> None:
    """Raise :class:`InternalAddressRefused` if ``url`` leads to an internal address not in ``allowed``."""
    origin = _origin(url)
    if origin is None:
        return
    host, port = origin
    if host in allowed or f"{host}:{port}" in allowed:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return  # the connection attempt fails on its own
    if any(is_internal(str(info[4][0])) for info in infos):
        raise InternalAddressRefused(
            f"refused: {cut(host, 80)} is an internal address (loopback, private, link-local or metadata); "
            "allow it in the registry's internal_hosts if that is intended", request=request,
        )


REFUSED_PEER = "connected address is internal"


def _checked(conn: HTTPConnection, sock: socket.socket, extra: frozenset[str]) -> socket.socket:
    """``sock`` unless it leads to an internal address not allowed for ``conn``'s host (then closed)."""
    if conn.proxy is not None:  # the socket leads to the configured proxy, not to the publisher
        return sock
    host, allowed = str(conn.host).lower().rstrip("."), allowed_origins(extra)
    if host in allowed or f"{host}:{conn.port}" in allowed:
        return sock
    try:
        address = str(sock.getpeername()[0])
    except OSError:
        return sock
    if is_internal(address):
        sock.close()
        raise NewConnectionError(conn, f"refused: {REFUSED_PEER} (DNS rebinding?)")
    return sock


def guarded_adapter(extra: frozenset[str], **kwargs: object) -> HTTPAdapter:
    """An ``HTTPAdapter`` whose connections refuse an internal peer address (see the module docstring)."""

    class Conn(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return _checked(self, super()._new_conn(), extra)

    class TlsConn(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return _checked(self, super()._new_conn(), extra)

    class Pool(HTTPConnectionPool):
        ConnectionCls = Conn

    class TlsPool(HTTPSConnectionPool):
        ConnectionCls = TlsConn

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kw):  # type: ignore[no-untyped-def]
            super().init_poolmanager(*args, **kw)
            self.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": TlsPool}

    return Adapter(**kwargs)  # type: ignore[arg-type]
