"""The cooperation itself (``registry/cooperation.yml``): its name, members, the issuing body and contact that
reports print on the cover and in the colophon."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from regiohub.core import settings
from regiohub.core.errors import PipelineError

COOPERATION_FILE = settings.REPO_ROOT / "registry" / "cooperation.yml"


class Cooperation(BaseModel):
    """Name, members, issuing body and contact of the cooperation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    members: str = Field(min_length=1, max_length=400)
    issuer: str = Field(min_length=1, max_length=200, description="Herausgeber of the reports")
    contact: str = Field(min_length=1, max_length=300)


def load_cooperation(path: Path = COOPERATION_FILE) -> Cooperation:
    """Read and validate the cooperation file; raise :class:`PipelineError` naming the problem."""
    try:
        return Cooperation.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise PipelineError(f"cooperation file {path.name} is invalid: {exc}") from None
