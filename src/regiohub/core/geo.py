"""Point-in-polygon against the shipped BKG boundaries (no DuckDB spatial extension needed)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from shapely import STRtree, points
from shapely.geometry import shape

from regiohub.core import settings


@lru_cache(maxsize=4)
def _gemeinden(geo_dir: str) -> tuple[STRtree, list[str]]:
    doc = json.loads((Path(geo_dir) / "brandenburg_gemeinden.geojson").read_text(encoding="utf-8"))
    geoms = [shape(f["geometry"]) for f in doc["features"]]
    keys = [f["properties"]["ARS"] for f in doc["features"]]
    return STRtree(geoms), keys


def gemeinde_ars(
    latitudes: list[float | None], longitudes: list[float | None], geo_dir: Path | str = settings.GEO_DIR
) -> list[str | None]:
    """12-digit ARS of the Brandenburg Gemeinde containing each point; None outside or without coordinates."""
    tree, keys = _gemeinden(str(geo_dir))
    result: list[str | None] = [None] * len(latitudes)
    valid = [i for i, (la, lo) in enumerate(zip(latitudes, longitudes)) if la is not None and lo is not None
             and la == la and lo == lo]  # drops None and NaN
    if not valid:
        return result
    pts = points([longitudes[i] for i in valid], [latitudes[i] for i in valid])
    point_idx, geom_idx = tree.query(pts, predicate="within")
    for p, g in zip(point_idx, geom_idx):
        result[valid[p]] = keys[g]
    return result
