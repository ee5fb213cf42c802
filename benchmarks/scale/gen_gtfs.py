"""A VBB-shaped GTFS feed (ZIP; ``stops.txt`` with BOM, CRLF, DHID stop ids carrying the Kreis key)
with stations in every Gemeinde of Brandenburg and in Berlin, lines within and across Kreise."""

from __future__ import annotations

from pathlib import Path

from shapely.geometry import shape

from benchmarks.scale.common import rng, samples, write_zip

STOP_HEADER = ("stop_id,stop_code,stop_name,stop_lat,stop_lon,location_type,parent_station,wheelchair_boarding,"
               "platform_code,zone_id,level_id")
ROUTE_TYPES = [(3, "Bus"), (3, "Bus"), (3, "Bus"), (2, "RE"), (900, "Tram"), (109, "S")]
AGENCIES = ["DB", "SB", "VIP", "VBBR", "VTF", "REG", "BVG", "ODEG", "HVG", "RVS"]


def _stations(seed: int, pop: dict[str, int], per_station: int) -> list[tuple[str, str, float, float]]:
    """(station id, name, lat, lon): one per ``per_station`` inhabitants and Gemeinde (at least one), plus Berlin."""
    r = rng(seed, "gtfs-stations")
    out = []
    for f in sorted(samples.GEMEINDEN, key=lambda f: f["properties"]["ARS"]):
        p = f["properties"]
        geom = shape(f["geometry"])
        for i in range(max(1, pop[p["ARS"]] // per_station)):
            lat, lon = samples.random_point_in_with(geom, r)
            out.append((f"de:{p['ARS'][:5]}:{p['ARS'][5:]}{i:03d}", f"{p['GEN']}, Halt {i + 1}", lat, lon))
    for i in range(300):
        out.append((f"de:11000:900{i:06d}", f"Berlin, Halt {i + 1}", round(r.uniform(52.40, 52.62), 6),
                    round(r.uniform(13.15, 13.65), 6)))
    return out


def _lines(r, stations: list[tuple], n_routes: int) -> list[list[str]]:
    """Platform sequences: a line runs through neighbouring stations (sorted by position)."""
    ordered = sorted(stations, key=lambda s: (round(s[2], 1), s[3]))
    lines = []
    for _ in range(n_routes):
        length = r.randint(8, 32)
        first = r.randrange(0, max(1, len(ordered) - length))
        stride = r.choice([1, 1, 2, 3])
        lines.append([f"{s[0]}:1:5{1 + k % 2}" for k, s in enumerate(ordered[first:first + length * stride:stride])])
    return lines


def gtfs(target: Path, seed: int, trips: int, pop: dict[str, int]) -> dict:
    """Write the feed ZIP; return counts (stops, trips, stop times)."""
    r = rng(seed, "gtfs")
    # more trips, more stations (as in a bigger feed): departures per inhabitant stay plausible
    stations = _stations(seed, pop, max(100, round(4000 * 17_500 / trips)))
    stops = [STOP_HEADER]
    for sid, name, lat, lon in stations:
        stops.append(f'{sid},,"{name}",{lat},{lon},1,,,,,')
        for i in (1, 2):
            stops.append(f'{sid}:1:5{i},,"{name}",{lat + i / 10000:.6f},{lon:.6f},0,{sid},1,{i},,')
    n_routes = max(12, trips // 60)
    lines = _lines(r, stations, n_routes)
    routes = ["route_id,agency_id,route_short_name,route_long_name,route_type,route_color,route_text_color,route_desc"]
    kinds = []
    for k in range(n_routes):
        kind, prefix = ROUTE_TYPES[k % len(ROUTE_TYPES)]
        kinds.append(kind)
        routes.append(f"{k + 1}_{AGENCIES[k % len(AGENCIES)]},{AGENCIES[k % len(AGENCIES)]},{prefix}{k + 1},,{kind},,,")
    trip_rows = ["route_id,service_id,trip_id,trip_headsign,trip_short_name,direction_id,block_id,shape_id,"
                 "wheelchair_accessible,bikes_allowed"]
    plan = []
    for t in range(1, trips + 1):
        route = r.randrange(n_routes)
        service = r.choice([1, 1, 1, 2, 3, 4])
        trip_rows.append(f"{route + 1}_{AGENCIES[route % len(AGENCIES)]},{service},{t},Richtung {t % 2},,{t % 2},,,1,")
        plan.append((t, route, 4 * 3600 + r.randrange(0, 20 * 3600)))
    counts = {"stations": len(stations), "stops": len(stops) - 1, "trips": trips, "stop_times": 0}

    def stop_times():
        yield "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type,stop_headsign\r\n"
        chunk = []
        for trip, route, t in plan:
            seq = lines[route] if trip % 2 == 0 else lines[route][::-1]
            for n, stop in enumerate(seq, start=1):
                hhmmss = f"{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}"
                chunk.append(f"{trip},{hhmmss},{hhmmss},{stop},{n},0,0,\r\n")
                t += r.randint(60, 420)
            counts["stop_times"] += len(seq)
            if len(chunk) > 50_000:
                yield "".join(chunk)
                chunk = []
        yield "".join(chunk)

    agencies = "agency_id,agency_name,agency_url,agency_timezone,agency_lang,agency_phone\r\n" + "".join(
        f"{a},{a} Verkehr,https://www.vbb.de,Europe/Berlin,de,\r\n" for a in AGENCIES)
    calendar = ("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\r\n"
                "1,1,1,1,1,1,0,0,20261201,20271212\r\n2,0,0,0,0,0,1,0,20261201,20271212\r\n"
                "3,0,0,0,0,0,0,1,20261201,20271212\r\n4,1,1,1,1,1,1,1,20261201,20271212\r\n")
    write_zip(target, [
        ("agency.txt", [agencies]),
        ("stops.txt", ["\r\n".join(stops) + "\r\n"]),
        ("routes.txt", ["\r\n".join(routes) + "\r\n"]),
        ("trips.txt", ["\r\n".join(trip_rows) + "\r\n"]),
        ("stop_times.txt", stop_times()),
        ("calendar.txt", [calendar]),
    ], bom=["stops.txt"])
    return counts
