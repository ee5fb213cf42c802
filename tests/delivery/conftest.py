"""A real SMTP server (aiosmtpd in a thread) and subscriptions for two partners."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest


class Inbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        msg = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A local SMTP server on a free port; REGIOHUB_SMTP_* point at it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("REGIOHUB_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("REGIOHUB_SMTP_PORT", str(port))
    monkeypatch.setenv("REGIOHUB_SMTP_FROM", "berichte@regiohub.example.org")
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def subscriptions_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "subscriptions.yml"
    path.write_text(
        "subscriptions:\n"
        "  - partner: luckenwalde\n"
        "    recipients: [rathaus@luckenwalde.example.org, kaemmerei@luckenwalde.example.org]\n"
        "    periods: [latest]\n"
        "  - partner: potsdam\n"
        "    recipients: [statistik@potsdam.example.org]\n"
        "    periods: [latest]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("REGIOHUB_SUBSCRIPTIONS", str(path))
    return path
