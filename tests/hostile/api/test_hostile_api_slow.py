"""Slow and oversized clients against the real ``regiohub api`` process, and where the servers listen.

A client that sends its request head slowly (or not at all) is cut off after the header timeout, also on a
keep-alive connection; hundreds of them do not keep a normal client out; ``regiohub api`` and ``regiohub
serve`` listen on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from regiohub.cli import _parser

from .conftest import free_port

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
    port = free_port()
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
