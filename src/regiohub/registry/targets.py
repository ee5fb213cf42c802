"""The cooperation's targets (``registry/targets.yml``): validated on load and exported as rows for dbt.

Readers (dashboards, reports, API) never read this file: they read the targets the published mart was built
with (``fct_target_progress``), so what they show always matches the snapshot.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from regiohub.core import settings
from regiohub.core.errors import PipelineError
from regiohub.registry.model import Registry

TARGETS_FILE = settings.REPO_ROOT / "registry" / "targets.yml"
PERIOD = r"^\d{4}(-\d{2}-\d{2})?$"  # a year (2030) or a day (2026-11-01)


def period_start(period: str) -> date:
    """First day of a target's base or target period: ``2030`` → 2030-01-01, a day → that day."""
    return date(int(period), 1, 1) if len(period) == 4 else date.fromisoformat(period)


class Target(BaseModel):
    """A target for one indicator: value, direction, base and target period, agreed or only proposed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator_id: str = Field(pattern=r"^[a-z0-9_]+$")
    comparison: Literal["at_least", "at_most"] = Field(description="at_least: higher is better; at_most: lower")
    target_value: float | None = Field(default=None, description="none: only the direction is agreed")
    base_period: str = Field(pattern=PERIOD, description="progress is measured from the first value in it")
    target_period: str = Field(pattern=PERIOD, description="by when the target value shall be reached")
    agreement: Literal["agreed", "proposed"] = Field(description="agreed by the partners or a proposal")
    close_within_percent: float = Field(default=10, ge=0)
    note: str | None = None
    partners: dict[str, float] = Field(default_factory=dict, description="partner id -> partner-specific target")

    @model_validator(mode="after")
    def _periods_in_order(self) -> Target:
        if period_start(self.target_period) <= period_start(self.base_period):
            raise ValueError(f"{self.indicator_id}: target_period must come after base_period")
        return self


class Targets(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    targets: list[Target]


def load_targets(path: Path = TARGETS_FILE) -> list[Target]:
    """Read and validate the targets file; raise :class:`PipelineError` naming the problem."""
    try:
        return Targets.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).targets
    except (OSError, yaml.YAMLError, ValidationError, ValueError) as exc:
        raise PipelineError(f"targets file {path.name} is invalid: {exc}") from None


def target_rows(targets: list[Target], registry: Registry) -> list[dict]:
    """One row per target and per partner-specific override, as dbt reads them."""
    known = {p.id for p in registry.partners}
    rows = []
    for t in targets:
        unknown = set(t.partners) - known
        if unknown:
            raise PipelineError(f"targets file: {t.indicator_id} names unknown partners {sorted(unknown)}")
        base = {"indicator_id": t.indicator_id, "comparison": t.comparison,
                "close_within_percent": t.close_within_percent, "note": t.note, "agreement": t.agreement,
                "base_period": t.base_period, "base_period_start": period_start(t.base_period).isoformat(),
                "target_period": t.target_period,
                "target_period_start": period_start(t.target_period).isoformat()}
        rows.append({**base, "partner_id": None, "target_value": t.target_value})
        rows += [{**base, "partner_id": p, "target_value": v} for p, v in sorted(t.partners.items())]
    return rows
