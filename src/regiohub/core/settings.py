"""One place for paths and settings.

Everything the platform writes lives under ``REGIOHUB_DATA_DIR`` (default ``data/`` in the repository,
whatever the working directory)::

    data/
      landing/<source_id>/<load_id>/   original payloads, exactly as fetched (kept for replay)
      raw/<source_id>/<entity>/        parsed rows as Parquet, one file per load, with lineage columns
      state/<source_id>.json           per-source state (last load, payload hash)
      build/                           candidate marts being built and audited
      published/regiohub.duckdb        the published mart (read-only for everyone else)
      runs/                            run history and validation results
      inbox/<source_id>/               partners' drop folders (partners may write here, nothing else)
      inbox-claims/<source_id>/        claimed drops, out of the partners' reach
      inbox-rejected/<source_id>/      refused drop files and their reasons, out of the partners' reach

:class:`Paths` names these roots; every file and folder below them is named in :mod:`regiohub.store.layout`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Paths:
    """Directories of one data dir; create with :func:`paths`."""

    data_dir: Path

    @property
    def landing(self) -> Path:
        return self.data_dir / "landing"

    @property
    def raw(self) -> Path:
        return self.data_dir / "raw"

    @property
    def state(self) -> Path:
        return self.data_dir / "state"

    @property
    def build(self) -> Path:
        return self.data_dir / "build"

    @property
    def published_dir(self) -> Path:
        return self.data_dir / "published"

    @property
    def published(self) -> Path:
        return self.published_dir / "regiohub.duckdb"

    @property
    def runs(self) -> Path:
        return self.data_dir / "runs"

    @property
    def inbox(self) -> Path:
        return self.data_dir / "inbox"

    @property
    def claims(self) -> Path:
        return self.data_dir / "inbox-claims"

    @property
    def rejected(self) -> Path:
        return self.data_dir / "inbox-rejected"

    def ensure(self) -> Paths:
        for d in (self.landing, self.raw, self.state, self.build, self.published_dir, self.runs):
            d.mkdir(parents=True, exist_ok=True)
        return self


def data_dir() -> Path:
    return Path(os.environ.get("REGIOHUB_DATA_DIR") or REPO_ROOT / "data").resolve()


def paths(base: Path | None = None) -> Paths:
    return Paths((base or data_dir()).resolve())


# Shipped reference material (part of the repository).
REGISTRY_FILE = Path(os.environ.get("REGIOHUB_REGISTRY", REPO_ROOT / "registry" / "sources.yml"))
SAMPLES_DIR = REPO_ROOT / "samples"
GEO_DIR = REPO_ROOT / "reference" / "geo"
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
GX_DIR = REPO_ROOT / "great_expectations"
DASHBOARD_APP = REPO_ROOT / "dashboards" / "streamlit_app.py"

USER_AGENT = "Regio.hub/0.1 (+https://github.com/regiohub/regiohub; open-data platform of the Potsdam smart region)"
