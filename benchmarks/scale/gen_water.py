"""PEGELONLINE payloads as the REST API v2 serves them: ``stations.json`` and one
``stations/<uuid>/W/measurements.json`` per gauge (``[{"timestamp":"…+01:00","value":333},…]``,
15-minute spacing, local time with its UTC offset)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from shapely.geometry import shape

from benchmarks.scale.common import END, rng, samples

BERLIN = ZoneInfo("Europe/Berlin")
RIVERS = [("UHW", "UNTERE HAVEL-WASSERSTRASSE"), ("SPREE", "SPREE-ODER-WASSERSTRASSE"), ("ODER", "ODER"),
          ("ELBE", "ELBE"), ("HOW", "HAVEL-ODER-WASSERSTRASSE"), ("DAHME", "DAHME-WASSERSTRASSE"),
          ("TK", "TELTOWKANAL"), ("NEISSE", "LAUSITZER NEISSE")]


def gauges(seed: int, n: int) -> list[dict]:
    """The six real Havel gauges of the samples plus ``n - 6`` plausible ones inside Brandenburg."""
    r = rng(seed, "gauges")
    out = [dict(zip(("short", "number", "uuid", "km", "wshort", "wlong", "lat", "lon", "level", "zero"), g))
           for g in samples.GAUGES]
    gemeinden = sorted(samples.GEMEINDEN, key=lambda f: f["properties"]["ARS"])
    while len(out) < n:
        f = r.choice(gemeinden)
        lat, lon = samples.random_point_in_with(shape(f["geometry"]), r)
        wshort, wlong = r.choice(RIVERS)
        out.append({"short": f["properties"]["GEN"].upper()[:20], "number": str(590000 + len(out)),
                    "uuid": str(uuid.UUID(int=r.getrandbits(128), version=4)), "km": round(r.uniform(1, 200), 3),
                    "wshort": wshort, "wlong": wlong, "lat": lat, "lon": lon, "level": r.randint(80, 400),
                    "zero": round(r.uniform(20, 60), 2)})
    return out


def _station(g: dict, last: dict) -> dict:
    return {
        "uuid": g["uuid"], "number": g["number"], "shortname": g["short"], "longname": g["short"], "km": g["km"],
        "agency": "WSA BRANDENBURG", "longitude": g["lon"], "latitude": g["lat"],
        "water": {"shortname": g["wshort"], "longname": g["wlong"]},
        "timeseries": [{
            "shortname": "W", "longname": "WASSERSTAND ROHDATEN", "unit": "cm", "equidistance": 15,
            "currentMeasurement": {**last, "value": float(last["value"]), "stateMnwMhw": "normal",
                                   "stateNswHsw": "normal"},
            "gaugeZero": {"unit": "m. ü. NN", "value": g["zero"], "validFrom": "2019-11-01"},
        }],
    }


def timestamps(days: int) -> list[str]:
    """ISO timestamps every 15 minutes over ``days`` days ending with END 23:45, in Europe/Berlin."""
    start = datetime(END.year, END.month, END.day, tzinfo=BERLIN) - timedelta(days=days - 1)
    utc = start.astimezone(ZoneInfo("UTC"))
    out = []
    for k in range(days * 96):
        out.append((utc + timedelta(minutes=15 * k)).astimezone(BERLIN).isoformat())
    return out


def pegelonline(target: Path, seed: int, n_gauges: int, days: int) -> dict:
    """Write the payload folder; return the gauges (number, uuid, …) for the registry and the checks."""
    stamps = timestamps(days)
    stations, listed = [], gauges(seed, n_gauges)
    for g in listed:
        r = np.random.default_rng(rng(seed, f"levels:{g['uuid']}").getrandbits(64))
        steps = r.normal(0, 0.6, len(stamps)) + 0.4 * np.sin(np.arange(len(stamps)) * np.pi / 48)
        values = np.clip(np.round(g["level"] + np.cumsum(steps) * 0.15), -900, 2900).astype(int).tolist()
        path = target / "stations" / g["uuid"] / "W" / "measurements.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("[")
            for i in range(0, len(stamps), 9600):
                fh.write(("," if i else "") + ",".join(
                    f'{{"timestamp":"{t}","value":{v}}}' for t, v in zip(stamps[i:i + 9600], values[i:i + 9600])))
            fh.write("]")
        stations.append(_station(g, {"timestamp": stamps[-1], "value": values[-1]}))
    (target / "stations.json").write_text(json.dumps(stations, ensure_ascii=False, indent=1), encoding="utf-8")
    gauge_ids = [{"number": g["number"], "uuid": g["uuid"]} for g in listed]
    return {"gauges": gauge_ids, "readings": len(stamps) * len(listed)}


def next_poll(target: Path, payload: Path) -> int:
    """One new poll after ``payload`` (as :func:`pegelonline` wrote it): each gauge's next 15-minute reading
    (one per gauge) and the station list with it as the current measurement; returns the readings."""
    last = datetime(END.year, END.month, END.day, 23, 45, tzinfo=BERLIN).astimezone(ZoneInfo("UTC"))
    stamp = (last + timedelta(minutes=15)).astimezone(BERLIN).isoformat()
    stations = json.loads((payload / "stations.json").read_text(encoding="utf-8"))
    for station in stations:
        current = station["timeseries"][0]["currentMeasurement"]
        current.update(timestamp=stamp, value=current["value"] + 1)
        path = target / "stations" / station["uuid"] / "W" / "measurements.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps([{"timestamp": stamp, "value": int(current["value"])}]), encoding="utf-8")
    (target / "stations.json").write_text(json.dumps(stations, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(stations)
