"""Ingestion tests run against the fault-injecting replay server with short timeouts and backoff."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fast_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short backoff and timeouts, so that retries are exercised without slowing the suite."""
    monkeypatch.setenv("REGIOHUB_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("REGIOHUB_HTTP_RETRIES", "2")
    monkeypatch.setenv("REGIOHUB_HTTP_TIMEOUT", "2")
