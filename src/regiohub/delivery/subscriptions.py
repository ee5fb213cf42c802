"""The subscription list (``registry/subscriptions.yml``, or ``REGIOHUB_SUBSCRIPTIONS``)."""

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
PARTNER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class SubscriptionError(RegiohubError):
    """The subscription list is invalid."""


class Subscription(BaseModel):
    """One partner's reports: who gets them and for which years."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    partner: str
    recipients: list[str] = Field(default_factory=list)
    periods: list[Literal["latest"] | int] = Field(default_factory=lambda: ["latest"], min_length=1)

    @field_validator("partner")
    @classmethod
    def _partner(cls, value: str) -> str:
        if not PARTNER.match(value):
            raise ValueError(f"invalid partner id {value!r}")
        return value

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, value: list[str]) -> list[str]:
        bad = [r for r in value if not EMAIL.match(r)]
        if bad:
            raise ValueError(f"invalid e-mail address(es): {', '.join(bad)}")
        return value


class Subscriptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subscriptions: list[Subscription] = Field(default_factory=list)


def subscriptions_file() -> Path:
    return Path(os.environ.get("REGIOHUB_SUBSCRIPTIONS", settings.REPO_ROOT / "registry" / "subscriptions.yml"))


def load_subscriptions(path: Path | None = None) -> list[Subscription]:
    """The subscriptions; one clear error naming the file and the problem if it is invalid."""
    path = path or subscriptions_file()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Subscriptions.model_validate(raw).subscriptions
    except FileNotFoundError as exc:
        raise SubscriptionError(f"subscriptions: {path} not found") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        first = str(exc).splitlines()
        raise SubscriptionError(f"subscriptions: {path}: {' '.join(first[:3])}") from exc
