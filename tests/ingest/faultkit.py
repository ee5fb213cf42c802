"""Constants and helpers shared by the ingestion tests (imported as a plain module)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from regiohub.ingest.replay import RECORDINGS_DIR

RKI_PATH = (
    "raw.githubusercontent.com/robert-koch-institut/COVID-19_7-Tage-Inzidenz_in_Deutschland/main/"
    "COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"
)
RKI = RECORDINGS_DIR / RKI_PATH
PEGEL_PATH = "www.pegelonline.wsv.de/webservices/rest-api/v2"
PEGEL = RECORDINGS_DIR / PEGEL_PATH


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(data: Path) -> dict[str, str]:
    """Hashes of every raw Parquet file and of the published mart."""
    files = sorted((data / "raw").rglob("*.parquet"))
    published = data / "published" / "regiohub.duckdb"
    return {str(p.relative_to(data)): digest(p) for p in [*files, *([published] if published.exists() else [])]}
