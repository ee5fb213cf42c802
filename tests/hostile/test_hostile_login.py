"""Guessing the Datenqualität password: the real login form in Streamlit's script runner, throttled per client.

The issue's finding was 200 wrong passwords in 2 s. Now the fourth wrong one waits, each further one twice as
long, and after ten the client is locked out — even the right password is not checked until the window ends.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from regiohub.dashboard import access, login_throttle
from regiohub.dashboard.login_throttle import LOCK_AFTER, WINDOW_S, LoginThrottle

SECRET = "richtig-langes-passwort"
PAGE = ("from regiohub.dashboard.access import require_login\nimport streamlit as st\n"
        "require_login()\nst.write('DRIN')\n")


@pytest.fixture
def login_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("REGIOHUB_DASHBOARD_LOGIN", "password")
    monkeypatch.setenv("REGIOHUB_DASHBOARD_PASSWORD", SECRET)
    monkeypatch.setenv("REGIOHUB_LOGIN_DELAY", "0.05")
    monkeypatch.setattr(access, "THROTTLE", LoginThrottle())
    script = tmp_path / "page.py"
    script.write_text(PAGE, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.run()
    return at


def _attempt(at, password: str) -> tuple[float, str]:
    at.text_input[0].input(password)
    started = time.monotonic()
    at.button[0].click().run()
    shown = " ".join(e.value for e in at.error) + " ".join(m.value for m in at.markdown)
    return time.monotonic() - started, shown


def test_wrong_passwords_slow_down_then_lock_the_client_out(login_page) -> None:
    times, texts = zip(*(_attempt(login_page, f"falsch-{i}") for i in range(LOCK_AFTER + 2)), strict=True)
    assert all("nicht richtig" in t for t in texts[:LOCK_AFTER])
    assert times[4] >= 0.1 and times[6] >= 0.4 and times[9] >= 3.2  # 0.05 s doubling from the fourth failure
    assert sum(times) >= 6  # twelve guesses take seconds, not milliseconds
    assert all("Zu viele Fehlversuche" in t for t in texts[LOCK_AFTER:])
    _, shown = _attempt(login_page, SECRET)  # locked: not even the right password is checked
    assert "Zu viele Fehlversuche" in shown and "DRIN" not in shown


def test_the_right_password_after_a_few_typos_opens_and_clears(login_page) -> None:
    for i in range(2):
        assert "nicht richtig" in _attempt(login_page, f"tippfehler-{i}")[1]
    elapsed, shown = _attempt(login_page, SECRET)
    assert "DRIN" in shown and elapsed < 1
    assert access.THROTTLE.delay("unbekannt") == 0 and access.THROTTLE.locked_for("unbekannt") == 0


def test_the_lockout_is_per_client_and_ends_with_its_window(monkeypatch) -> None:
    monkeypatch.setenv("REGIOHUB_LOGIN_DELAY", "1")
    throttle = LoginThrottle()
    for i in range(LOCK_AFTER):
        throttle.failed("203.0.113.9", now=100.0 + i)
    assert throttle.locked_for("203.0.113.9", now=120.0) == pytest.approx(WINDOW_S - 20)
    assert throttle.locked_for("198.51.100.7", now=120.0) == 0 and throttle.delay("198.51.100.7", 120.0) == 0
    assert throttle.locked_for("203.0.113.9", now=100.0 + WINDOW_S + 1) == 0


def test_the_delay_doubles_and_is_capped(monkeypatch) -> None:
    monkeypatch.setenv("REGIOHUB_LOGIN_DELAY", "1")
    throttle = LoginThrottle()
    delays = []
    for _ in range(9):
        delays.append(throttle.delay("c", now=0.0))
        throttle.failed("c", now=0.0)
    assert delays == [0, 0, 0, 1, 2, 4, 8, 16, login_throttle.MAX_DELAY_S]


@pytest.mark.parametrize("peer, forwarded, trusted, client", [
    ("203.0.113.9", None, "", "203.0.113.9"),  # no proxy configured: the peer
    ("10.0.0.2", "198.51.100.7", "", "10.0.0.2"),  # a header from an untrusted peer is ignored
    ("10.0.0.2", "198.51.100.7", "10.0.0.0/8", "198.51.100.7"),  # behind the proxy: the real client
    ("10.0.0.2", "1.2.3.4, 198.51.100.7", "10.0.0.0/8", "198.51.100.7"),  # a spoofed left part is ignored
    ("10.0.0.2", "198.51.100.7, 10.0.0.9", "10.0.0.0/8", "198.51.100.7"),  # two proxies
    ("203.0.113.9", "198.51.100.7", "10.0.0.0/8", "203.0.113.9"),  # peer is no proxy: header ignored
    (None, "198.51.100.7", "10.0.0.0/8", "unbekannt"),
])
def test_the_throttled_client_behind_a_proxy(peer, forwarded, trusted, client) -> None:
    assert login_throttle.client_address(peer, forwarded, trusted) == client
