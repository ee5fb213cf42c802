"""Where failure notifications go: ``registry/notifications.yml`` (or ``REGIOHUB_NOTIFICATIONS``), then the
environment. The file holds no secret (SMTP login and webhook URL come from the environment only)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from regiohub.core import settings
from regiohub.core.errors import RegiohubError

EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
Channel = Literal["log", "email", "webhook"]


class NotificationsError(RegiohubError):
    """The notifications file is invalid."""


class Email(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipients: list[str] = Field(default_factory=list)
    smtp_host: str = "localhost"
    smtp_port: int = Field(25, ge=1, le=65535)
    sender: str = "regiohub@localhost"
    starttls: bool = False

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        bad = [r for r in value if not EMAIL.match(r)]
        if bad:
            raise ValueError(f"invalid e-mail address(es): {', '.join(bad)}")
        return value


class Notifications(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channels: list[Channel] = Field(default_factory=lambda: ["log"])
    email: Email = Field(default_factory=Email)


def config_file() -> Path:
    return Path(os.environ.get("REGIOHUB_NOTIFICATIONS") or settings.REPO_ROOT / "registry" / "notifications.yml")


def config() -> Notifications:
    """The file's settings with the environment's overrides (read at every call: notifications are rare)."""
    path = config_file()
    try:
        raw = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.is_file() else {}
        cfg = Notifications.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        problem = " ".join(str(exc).split())[:300]
        raise NotificationsError(f"notifications file {path}: {problem}") from None
    env = os.environ
    if env.get("REGIOHUB_NOTIFY"):
        cfg.channels = [c.strip() for c in env["REGIOHUB_NOTIFY"].split(",") if c.strip()]  # type: ignore[misc]
    email = cfg.email
    if env.get("REGIOHUB_NOTIFY_EMAIL"):
        email.recipients = [r.strip() for r in env["REGIOHUB_NOTIFY_EMAIL"].split(",") if r.strip()]
    email.smtp_host = env.get("REGIOHUB_SMTP_HOST") or email.smtp_host
    email.smtp_port = int(env.get("REGIOHUB_SMTP_PORT") or email.smtp_port)
    email.sender = env.get("REGIOHUB_SMTP_FROM") or email.sender
    email.starttls = env.get("REGIOHUB_SMTP_STARTTLS", "") == "1" or email.starttls
    return cfg
