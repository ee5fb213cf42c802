"""The read API as a hostile client and a reverse proxy would meet it: the real ``regiohub api`` process.

Forwarded addresses count only from trusted proxies (so the rate limit is per real client and cannot be
dodged by inventing addresses), slow clients are cut off, numeric parameters are bounded (400, never
500), echoed values are cut, and ``If-Modified-Since`` never answers 304 for data newer than what is served.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import duckdb
import httpx
import pytest

from regiohub.cli import _parser
from regiohub.core import settings
from regiohub.publish.swap import rollback


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _snapshot(path: Path, snapshot_id: str, published_at: datetime) -> None:
    """A small published mart: its snapshot row and one partner."""
    with duckdb.connect(str(path)) as con:
        con.execute("create table meta_snapshot as select ?::varchar as snapshot_id, ?::timestamptz as "
                    "published_at, 'run-x'::varchar as run_id, 'c.duckdb'::varchar as candidate",
                    [snapshot_id, published_at])
        con.execute("create table dim_region as select 'potsdam' as partner_id, 'Potsdam' as partner_name, "
                    "'120540000000' as ars, 'kreisfreie_stadt' as level, '12054' as kreis_ars, true as is_partner")


OLD, NEW = datetime(2026, 11, 1, 8, 0, tzinfo=UTC), datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _two_snapshots(data_dir: Path) -> settings.Paths:
    data = settings.paths(data_dir).ensure()
    kept = data.published_dir / "snapshots"
    kept.mkdir(parents=True, exist_ok=True)
    _snapshot(kept / "20261101T080000Z.duckdb", "20261101T080000Z", OLD)
    _snapshot(kept / "20261201T080000Z.duckdb", "20261201T080000Z", NEW)
    os.link(kept / "20261201T080000Z.duckdb", data.published)
    return data


@pytest.fixture
def two_snapshots(data_dir: Path) -> settings.Paths:
    """Two kept snapshots (as the publisher keeps them), the newer one published."""
    return _two_snapshots(data_dir)


@contextlib.contextmanager
def _api_processes(data: settings.Paths) -> Iterator[Callable[..., str]]:
    procs: list[subprocess.Popen] = []

    def start(**env: str) -> str:
        port = _free_port()
        full = {**os.environ, "REGIOHUB_DATA_DIR": str(data.data_dir), "REGIOHUB_API_RATE": "0", **env}
        proc = subprocess.Popen([sys.executable, "-m", "regiohub.cli", "api", "--port", str(port)], env=full,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(proc)
        url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/v1/snapshot", timeout=1).status_code in (200, 429):
                    return url
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "API server did not start"
            time.sleep(0.1)

    try:
        yield start
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.fixture
def api_process(two_snapshots: settings.Paths) -> Iterator[Callable[..., str]]:
    """``start(**env)`` runs ``regiohub api`` with extra environment; returns its base URL."""
    with _api_processes(two_snapshots) as start:
        yield start


@pytest.fixture(scope="module")
def shared_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One default ``regiohub api`` for the tests that change nothing."""
    with _api_processes(_two_snapshots(tmp_path_factory.mktemp("api") / "data")) as start:
        yield start()


def _statuses(url: str, forwarded: list[str], path: str = "/v1/snapshot") -> list[int]:
    with httpx.Client(base_url=url, timeout=5) as client:
        return [client.get(path, headers={"X-Forwarded-For": f}).status_code for f in forwarded]


# --- forwarded addresses and the rate limit --------------------------------------------------------------


@pytest.mark.parametrize("trusted", ["", "10.0.0.0/8"])
def test_invented_forwarded_addresses_from_an_untrusted_peer_do_not_dodge_the_limit(api_process, trusted) -> None:
    url = api_process(REGIOHUB_API_RATE="1", REGIOHUB_API_BURST="5", REGIOHUB_API_TRUSTED_PROXIES=trusted)
    codes = _statuses(url, [f"203.0.113.{i}" for i in range(1, 21)])
    assert codes.count(429) >= 13  # one bucket for the peer, whatever it claims


def test_behind_a_trusted_proxy_each_real_client_has_its_own_bucket(api_process) -> None:
    url = api_process(REGIOHUB_API_RATE="1", REGIOHUB_API_BURST="5", REGIOHUB_API_TRUSTED_PROXIES="127.0.0.1")
    flood = _statuses(url, ["203.0.113.9"] * 20)
    polite = _statuses(url, ["198.51.100.7"] * 3)
    assert flood.count(429) >= 13 and polite == [200, 200, 200]


def test_rotating_ipv6_addresses_of_one_prefix_share_a_bucket(api_process) -> None:
    url = api_process(REGIOHUB_API_RATE="1", REGIOHUB_API_BURST="5", REGIOHUB_API_TRUSTED_PROXIES="127.0.0.1")
    codes = _statuses(url, [f"2001:db8:1:2::{i:x}" for i in range(1, 21)])
    assert codes.count(429) >= 13 and _statuses(url, ["2001:db8:9:9::1"]) == [200]


def test_a_spoofed_left_part_of_the_forwarded_chain_is_ignored(api_process) -> None:
    """The proxy appends the real peer; what the client put in front of it does not choose the bucket."""
    url = api_process(REGIOHUB_API_RATE="1", REGIOHUB_API_BURST="5", REGIOHUB_API_TRUSTED_PROXIES="127.0.0.1")
    codes = _statuses(url, [f"198.18.0.{i}, 203.0.113.9" for i in range(1, 21)])
    assert codes.count(429) >= 13


# --- slow clients ---------------------------------------------------------------------------------------


def _closed_within(sock: socket.socket, seconds: float, trickle: bytes = b"") -> float | None:
    """Seconds until the server closed ``sock`` (trickling one byte of ``trickle`` every 0.3 s), else None."""
    start, sent = time.monotonic(), 0
    sock.settimeout(0.3)
    while time.monotonic() - start < seconds:
        try:
            if sock.recv(1024) == b"":
                return time.monotonic() - start
        except TimeoutError:
            pass
        except OSError:
            return time.monotonic() - start
        if sent < len(trickle):
            try:
                sock.sendall(trickle[sent:sent + 1])
            except OSError:
                return time.monotonic() - start
            sent += 1
    return None


@pytest.mark.parametrize("kind", ["silent", "trickling header", "half a request line"])
def test_a_slow_client_is_cut_off_after_the_header_timeout(api_process, kind) -> None:
    url = api_process(REGIOHUB_API_HEADER_TIMEOUT="1.5")
    port = int(url.rsplit(":", 1)[1])
    trickle = {"silent": b"", "trickling header": b"GET /v1/snapshot HTTP/1.1\r\nHost: a\r\nX-Slow: " + b"a" * 200,
               "half a request line": b"GET /v1/snap"}[kind]
    with socket.create_connection(("127.0.0.1", port)) as sock:
        if kind == "half a request line":
            sock.sendall(trickle)
            trickle = b""
        closed = _closed_within(sock, 8, trickle)
    assert closed is not None and closed < 5


def test_a_keep_alive_connection_that_trickles_its_next_request_is_cut_off(api_process) -> None:
    url = api_process(REGIOHUB_API_HEADER_TIMEOUT="1.5")
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /v1/snapshot HTTP/1.1\r\nHost: a\r\n\r\n")
        time.sleep(0.5)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        closed = _closed_within(sock, 8, b"GET /v1/snapshot HTTP/1.1\r\nHost: a\r\nX: " + b"b" * 100)
    assert closed is not None and closed < 5


def test_many_slow_connections_do_not_keep_a_normal_client_out(api_process) -> None:
    url = api_process(REGIOHUB_API_HEADER_TIMEOUT="2")
    port = int(url.rsplit(":", 1)[1])
    slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(200)]
    try:
        for sock in slow:
            sock.sendall(b"GET / HTTP/1.1\r\n")
        started = time.monotonic()
        assert httpx.get(f"{url}/v1/snapshot", timeout=5).status_code == 200
        assert time.monotonic() - started < 2
        time.sleep(3)
        assert sum(_closed_within(sock, 0.1) is not None for sock in slow) == len(slow)  # all cut off by now
    finally:
        for sock in slow:
            sock.close()


# --- parameters and echoes ------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "offset=99999999999999999999999", "limit=99999999999999999999999", "offset=-1", "offset=1e3",
    "offset=1000000001", "limit=0", "offset=%00", "limit=" + "9" * 5000,
])
def test_numeric_parameters_out_of_bounds_are_400_never_500(shared_api, query) -> None:
    response = httpx.get(f"{shared_api}/v1/values?{query}", timeout=5)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert len(response.text) < 1500  # the invalid value is not echoed at length


@pytest.mark.parametrize("size", [200_000, 1_000_000])
def test_an_oversized_request_head_is_refused_and_the_server_stays(shared_api, size) -> None:
    port = int(shared_api.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        try:
            sock.sendall(b"GET /v1/snapshot HTTP/1.1\r\nHost: a\r\nX-Big: " + b"a" * size + b"\r\n\r\n")
        except OSError:
            pass  # the server may close while we are still sending
        try:
            answer = sock.recv(1024)
        except OSError:
            answer = b""
    assert answer == b"" or answer.split(b" ")[1] in (b"400", b"431")
    assert httpx.get(f"{shared_api}/v1/snapshot", timeout=5).status_code == 200


def test_a_long_path_value_is_echoed_cut(shared_api) -> None:
    response = httpx.get(f"{shared_api}/v1/partners/{'x' * 5000}/steckbrief", timeout=5)
    assert response.status_code == 404
    assert "xxxxx…" in response.json()["detail"] and len(response.json()["detail"]) < 120


# --- conditional requests after a rollback --------------------------------------------------------------


def test_if_modified_since_never_hides_a_rollback(api_process, two_snapshots) -> None:
    url = api_process()
    newer = httpx.get(f"{url}/v1/snapshot", timeout=5)
    assert newer.headers["last-modified"] == format_datetime(NEW, usegmt=True)
    assert httpx.get(f"{url}/v1/snapshot", headers={"If-Modified-Since": newer.headers["last-modified"]},
                     timeout=5).status_code == 304  # unchanged data: 304 as before
    assert rollback(two_snapshots) == "20261101T080000Z"
    after = httpx.get(f"{url}/v1/snapshot", headers={"If-Modified-Since": newer.headers["last-modified"]},
                      timeout=5)
    assert after.status_code == 200 and after.json()["items"][0]["snapshot_id"] == "20261101T080000Z"
    assert after.headers["last-modified"] == format_datetime(OLD, usegmt=True)


# --- where the servers listen ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["api", "serve"])
def test_servers_bind_to_loopback_unless_told(command) -> None:
    assert _parser().parse_args([command]).host == "127.0.0.1"
    assert _parser().parse_args([command, "--host", "0.0.0.0"]).host == "0.0.0.0"


def _listening(port: int) -> set[str]:
    """Local addresses (hex, as the kernel lists them) listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as fh:
            for line in fh.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.add(address)
    return found


@pytest.mark.parametrize("command", ["api", "serve"])
def test_the_real_server_listens_on_loopback_only(command, data_dir) -> None:
    if not os.path.exists("/proc/net/tcp"):
        pytest.skip("no /proc/net/tcp to read the listening sockets from")
    port = _free_port()
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "regiohub.cli", command, "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not _listening(port):
            assert proc.poll() is None and time.monotonic() < deadline, f"regiohub {command} did not start"
            time.sleep(0.2)
        assert _listening(port) == {"0100007F"}  # 127.0.0.1, nothing on 0.0.0.0 or ::
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # its own process group: whatever it started ends with it
        proc.wait(timeout=20)
