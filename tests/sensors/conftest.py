"""Sensor tests talk to their own local servers: never through an offline replay another test left behind."""

from __future__ import annotations

import pytest

from regiohub.core.outbound import OFFLINE_ENV


@pytest.fixture(autouse=True)
def _online(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(OFFLINE_ENV, raising=False)
