"""The source registry: partners and sources, validated on load.

The registry is one YAML file (``registry/sources.yml``). Adding a partner or a source is a change
to that file only; :func:`load_registry` rejects a malformed file with a message that names the
entry and the field.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from regiohub.core import settings
from regiohub.core.errors import RegiohubError

Domain = Literal["water", "population", "mobility", "health"]
Level = Literal["land", "kreis", "verwaltungsgemeinschaft", "gemeinde"]


class RegistryError(RegiohubError, ValueError):
    """The registry file is missing or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Partner(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    ars: str = Field(description="12-digit Amtlicher Regionalschlüssel")
    level: Literal["kreisfreie_stadt", "landkreis", "gemeinde"]
    reference_gauge: str | None = Field(
        default=None, description="PEGELONLINE gauge number whose water level the partner monitors"
    )

    @field_validator("ars")
    @classmethod
    def _ars_is_12_digits(cls, v: str) -> str:
        if not re.fullmatch(r"(0[1-9]|1[0-6])\d{10}", v):
            raise ValueError(f"ARS must be 12 digits starting with a Land key 01…16, got {v!r}")
        return v


class StreamMapping(_Strict):
    """A field of a device's decoded uplink (or an STA topic's Datastream) mapped to a Datastream of ours."""

    device: str = Field(description="ChirpStack devEui, TTS device_id, or the Datastream id of an STA topic")
    field: str = Field(default="result", description="key in the decoded payload; dots for nesting")
    datastream: str = Field(pattern=r"^[A-Za-z0-9_.:\-]{1,80}$", description="our Datastream id")
    observed_property: str
    unit: str = ""
    name: str = ""
    ars: str = Field(default="", description="12-digit ARS of the Gemeinde the sensor stands in")
    longitude: float | None = None
    latitude: float | None = None
class Cooperation(_Strict):
    """The cooperation region: its name, its own (synthetic) key and the Land its partners lie in."""

    name: str
    ars: str = Field(description="12-digit key of the Kooperationsraum that no official unit has (Land + 9990000000)")
    land: str = Field(description="2-digit key of the Land the partners lie in (12 = Brandenburg)")

    @field_validator("land")
    @classmethod
    def _land_key(cls, v: str) -> str:
        if not re.fullmatch(r"0[1-9]|1[0-6]", v):
            raise ValueError(f"land must be a 2-digit Land key 01…16, got {v!r}")
        return v

    @field_validator("ars")
    @classmethod
    def _synthetic_key(cls, v: str) -> str:
        if not re.fullmatch(r"(0[1-9]|1[0-6])\d{10}", v):
            raise ValueError(f"ars must be 12 digits starting with the Land key, got {v!r}")
        return v

    @property
    def land_ars(self) -> str:
        return self.land.ljust(12, "0")


class Source(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    domain: Domain
    connector: str
    url: str = Field(description="URL template; {placeholders} are filled from params")
    params: dict[str, str] = Field(default_factory=dict)
    schedule: str = Field(description="cron expression or Airflow preset such as @daily")
    publisher: str
    licence: str
    licence_url: str
    attribution: str
    credentials_env: str | None = Field(
        default=None, description="name of an environment variable holding credentials (never the value)"
    )
    description: str = ""
    streams: list[StreamMapping] = Field(
        default_factory=list, description="sensor sources (MQTT): device and field → Datastream"
    )

    def resolved_url(self, **extra: str) -> str:
        try:
            return self.url.format(**{**self.params, **extra})
        except KeyError as exc:
            raise RegistryError(f"source {self.id}: url placeholder {exc} has no value in params") from exc


class Registry(_Strict):
    cooperation: Cooperation
    partners: list[Partner]
    sources: list[Source]
    internal_hosts: list[str] = Field(
        default_factory=list,
        description="hosts (or host:port) on an internal network that fetches may reach; none by default",
    )

    @model_validator(mode="after")
    def _partners_in_the_land(self) -> Registry:
        coop = self.cooperation
        if not coop.ars.startswith(coop.land):
            raise ValueError(f"cooperation.ars {coop.ars} does not start with its Land key {coop.land}")
        outside = [p.id for p in self.partners if not p.ars.startswith(coop.land)]
        if outside:
            raise ValueError(f"partners {', '.join(outside)} do not lie in Land {coop.land} of the cooperation")
        if any(p.ars == coop.ars for p in self.partners):
            raise ValueError(f"cooperation.ars {coop.ars} is a partner's key: choose a key no unit has")
        return self

    @model_validator(mode="after")
    def _unique_ids(self) -> Registry:
        for kind, items in (("partner", self.partners), ("source", self.sources)):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise ValueError(f"duplicate {kind} id {item.id!r}")
                seen.add(item.id)
        return self

    @cached_property
    def _sources_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    def source(self, source_id: str) -> Source:
        try:
            return self._sources_by_id[source_id]
        except KeyError:
            raise RegistryError(
                f"unknown source {source_id!r}; known sources: {', '.join(self._sources_by_id)}"
            ) from None


def load_registry(path: Path | None = None) -> Registry:
    """Read and validate the registry; raise :class:`RegistryError` with a readable message."""
    path = path or settings.REGISTRY_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(f"registry file not found: {path}") from None
    except yaml.YAMLError as exc:
        raise RegistryError(f"registry {path.name} is not valid YAML: {exc}") from None
    try:
        return Registry.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(err, data) for err in exc.errors())
        raise RegistryError(f"registry {path.name} is invalid: {problems}") from None


def _describe(err: dict, data: object) -> str:
    loc = list(err["loc"])
    where = ".".join(str(p) for p in loc)
    # Name the entry by its id rather than its list index where we can.
    if len(loc) >= 2 and isinstance(data, dict) and isinstance(loc[1], int):
        items = data.get(loc[0]) or []
        if loc[1] < len(items) and isinstance(items[loc[1]], dict) and "id" in items[loc[1]]:
            where = f"{loc[0]}[{items[loc[1]]['id']}]" + "".join(f".{p}" for p in loc[2:])
    return f"{where}: {err['msg']}"
