"""Boundaries of Brandenburg (BKG VG5000, shipped in ``reference/geo/``) and the map chart."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from regiohub.core import settings
from regiohub.dashboard import charts
from regiohub.presentation.fmt import common_decimals, fmt_cell, fmt_period

GEO_ATTRIBUTION = "© GeoBasis-DE / BKG 2021 (Daten verändert)"
GEO_ATTRIBUTION_URL = "http://www.bkg.bund.de"
KREISE_FILE = "brandenburg_kreise.geojson"
GEMEINDEN_FILE = "brandenburg_gemeinden.geojson"
LEVEL_KREISE = "Kreise und kreisfreie Städte (Brandenburg)"
LEVEL_GEMEINDEN = "Gemeinden der Partnerregion"
PARTNER_COLOUR = "#b71c1c"


@dataclass(frozen=True)
class Area:
    """One administrative unit with its boundary; ``ars`` is the 12-digit ARS."""

    ars: str
    name: str
    bez: str
    geometry: dict[str, Any]


def ars12(ars: str) -> str:
    """Pad a BKG ARS (5 digits for Kreise) to the 12 digits used in the mart."""
    return ars.ljust(12, "0")


@lru_cache(maxsize=4)
def load_areas(filename: str) -> tuple[Area, ...]:
    """All units of one shipped GeoJSON file."""
    features = json.loads((settings.GEO_DIR / filename).read_text(encoding="utf-8"))["features"]
    return tuple(
        Area(ars12(f["properties"]["ARS"]), f["properties"]["GEN"], f["properties"]["BEZ"], f["geometry"])
        for f in features
    )


def areas_for(level: str, partner_ars: set[str]) -> list[Area]:
    """The units shown at one map level: all Kreise, or the Gemeinden inside the partners' Kreise."""
    if level == LEVEL_KREISE:
        return list(load_areas(KREISE_FILE))
    kreise = {a[:5] for a in partner_ars}
    return [a for a in load_areas(GEMEINDEN_FILE) if a.ars[:5] in kreise]


def partner_gemeinden(partner_ars: set[str]) -> list[Area]:
    """Partner Gemeinden that are not Kreise themselves (outlined on the Kreis map)."""
    return [a for a in load_areas(GEMEINDEN_FILE) if a.ars in partner_ars and not a.ars.endswith("0000000")]


def _features(areas: list[Area], values: dict[str, float], partner_ars: set[str], label: str) -> list[dict]:
    decimals = common_decimals(values.values())
    return [
        {
            "type": "Feature",
            "geometry": a.geometry,
            "properties": {
                "ars": a.ars,
                "name": a.name,
                "bez": a.bez,
                "partner": "Partner" if a.ars in partner_ars else "–",
                "value": values.get(a.ars),
                "label": f"{fmt_cell(values[a.ars], False, decimals)} {label}".strip()
                if a.ars in values
                else "keine Daten",
            },
        }
        for a in areas
    ]


def centre(geometry: dict[str, Any]) -> tuple[float, float]:
    """A label point of a (multi)polygon: the centre of the bounding box of its largest ring."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    ring = max((poly[0] for poly in polygons), key=len)
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2


_TOOLTIP = [
    {"field": "properties.name", "type": "nominal", "title": "Gebiet"},
    {"field": "properties.bez", "type": "nominal", "title": "Art"},
    {"field": "properties.partner", "type": "nominal", "title": "Kooperation"},
    {"field": "properties.label", "type": "nominal", "title": "Wert"},
]


def choropleth(
    areas: list[Area],
    values: dict[str, float],
    partner_ars: set[str],
    *,
    title: str = "",
    unit: str = "",
    outlined: list[Area] | None = None,
    scheme: str = "blues",
) -> dict[str, Any]:
    """Vega-Lite spec: units coloured by ``values`` (by ARS; grey where missing), partners outlined in red.

    Built as a plain spec (not with Altair), because Altair deep-copies and validates the inline
    boundaries on every rerun; the geometry objects are shared with the cached boundary files.
    """
    features = _features(areas, values, partner_ars, unit)
    partner_features = [f for f in features if f["properties"]["ars"] in partner_ars]
    partner_features += _features(outlined or [], values, partner_ars, unit)
    layers: list[dict[str, Any]] = [
        {
            "data": {"name": "areas"},
            "mark": {"type": "geoshape", "fill": "#e6e9ec", "stroke": "white", "strokeWidth": 0.7},
            "encoding": {"tooltip": _TOOLTIP},
        }
    ]
    if any(f["properties"]["value"] is not None for f in features):
        layers.append(
            {
                "data": {"name": "areas"},
                "transform": [{"filter": "isValid(datum.properties.value)"}],
                "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.7},
                "encoding": {
                    "color": {
                        "field": "properties.value",
                        "type": "quantitative",
                        "title": title,
                        "scale": {"scheme": scheme},
                        "legend": {"orient": "bottom", "gradientLength": 260, "titleLimit": 0, "labelLimit": 0},
                    },
                    "tooltip": _TOOLTIP,
                },
            }
        )
    layers.append(
        {
            "data": {"name": "partners"},
            "mark": {"type": "geoshape", "filled": False, "stroke": PARTNER_COLOUR, "strokeWidth": 2.2},
            "encoding": {"tooltip": _TOOLTIP},
        }
    )
    labels = [{"name": a.name, "lon": lon, "lat": lat} for a in areas
              if a.ars in partner_ars for lon, lat in [centre(a.geometry)]]
    layers.append({  # place names of the partners
        "data": {"values": labels},
        "mark": {"type": "text", "fontSize": 12, "fontWeight": "bold", "color": "#111111",
                 "description": "Namen der Partner"},
        "encoding": {"longitude": {"field": "lon", "type": "quantitative"},
                     "latitude": {"field": "lat", "type": "quantitative"},
                     "text": {"field": "name", "type": "nominal"}},
    })
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "datasets": {"areas": features, "partners": partner_features},
        "layer": layers,
        "projection": {"type": "mercator"},
        "height": 560,
        "config": {"locale": charts.GERMAN_LOCALE},
    }


def area_table(areas: list[Area], values: pd.DataFrame, partner_ars: set[str], period_type: str) -> pd.DataFrame:
    """The table alternative to the map: unit, type, partner flag, value and period."""
    by_ars = values.set_index("region_ars") if not values.empty else None
    decimals = common_decimals(values["value"]) if by_ars is not None else 0
    rows = []
    for a in areas:
        hit = by_ars.loc[a.ars] if by_ars is not None and a.ars in by_ars.index else None
        rows.append(
            {
                "Gebiet": a.name,
                "Art": a.bez,
                "Partner": "ja" if a.ars in partner_ars else "",
                "Wert": fmt_cell(hit["value"], hit.get("is_suppressed", False), decimals) if hit is not None else "–",
                "Zeitraum": fmt_period(hit["period"], period_type) if hit is not None else "–",
            }
        )
    df = pd.DataFrame(rows)
    return df.sort_values(["Partner", "Gebiet"], ascending=[False, True], ignore_index=True)
