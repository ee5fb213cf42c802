"""Helpers for the API tests: a partner origin and the real API server in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from regiohub.orchestration.local import free_port

PARTNER_ORIGIN = "https://www.potsdam.de"


@contextmanager
def api_server_on(data_dir: Path, **env: str) -> Iterator[str]:
    """``regiohub api`` over ``data_dir`` as a child process on a free port (rate limit off, its own address as
    ``REGIOHUB_API_BASE_URL``, ``env`` added); yields its base URL once it answers, stops it afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(data_dir), "REGIOHUB_API_RATE": "0", "REGIOHUB_API_BASE_URL": url,
           **env}
    proc = subprocess.Popen([sys.executable, "-m", "regiohub.cli", "api", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"API server did not start:\n{proc.stdout.read().decode() if proc.stdout else ''}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
