"""Generate the scale benchmark's inputs: one payload per registered source, in the publisher's format.

    uv run python -m benchmarks.scale.generate OUT_DIR [--scale 1] [--fraction 1.0] [--seed 15]

Scaled (see :mod:`benchmarks.scale.common` for the base): PEGELONLINE, RKI incidence, charging register,
GTFS. All Gemeinden x ten years at every scale: GENESIS 12411 population. Taken as shipped (small, not
scaled): Zensus 2022, DWD climate, Deutschlandatlas, Potsdam's portal, AMELAG wastewater. Also writes
``registry.yml`` (the project's registry with all generated gauges registered) and ``manifest.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from datetime import timedelta
from pathlib import Path

import yaml

from benchmarks.scale import gen_gtfs, gen_tables, gen_water
from benchmarks.scale.common import BASE, END, ROOT, SAMPLES, gemeinde_population

SHIPPED = {  # source id -> (recording, file name in the input folder)
    "zensus2022_bevoelkerung": ("ergebnisse.zensus2022.de/api/rest/2020/data/tablefile", "tablefile"),
    "dwd_klima_potsdam": ("opendata.dwd.de/climate_environment/CDC/observations_germany/climate/daily/kl/recent/"
                          "tageswerte_KL_03987_akt.zip", "tageswerte_KL_03987_akt.zip"),
    "deutschlandatlas_aerzte": ("deutschlandatlas.bund.de/fileadmin/Downloaddateien/HA26/"
                                "Deutschlandatlas_KRS1222_HA26.csv", "Deutschlandatlas_KRS1222_HA26.csv"),
    "potsdam_einwohner_stadtteile": ("opendata.potsdam.de/api/explore/v2.1/catalog/datasets/"
                                     "einwohner-nach-stadtteilen/exports/json", "exports/records.json"),
    "rki_abwasser": ("raw.githubusercontent.com/robert-koch-institut/Abwassersurveillance_AMELAG/main/"
                     "amelag_einzelstandorte.tsv", "amelag_einzelstandorte.tsv"),
}
RKI_FILE = "COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"


def generate(out: Path, scale: float = 1, fraction: float = 1.0, seed: int = 15, progress=print) -> dict:
    """Write every source's payload below ``out``; return the manifest (inputs, rows, gauges, base)."""
    out.mkdir(parents=True, exist_ok=True)
    f = scale * fraction
    pop = gemeinde_population(seed)
    inputs, rows, t0 = {}, {}, time.monotonic()

    def step(name: str) -> None:
        progress(f"  generate {scale:g}x: {name} ({time.monotonic() - t0:.0f} s)")

    step("PEGELONLINE")
    water = gen_water.pegelonline(out / "pegelonline", seed, BASE.gauges, max(2, round(BASE.gauge_days * f)))
    inputs["pegelonline"], rows["pegelonline.measurements"] = "pegelonline", water["readings"]
    step("charging register")
    inputs["ladesaeulenregister"] = f"ladesaeulenregister/{gen_tables.REGISTER_NAME}"
    rows["ladesaeulenregister"] = gen_tables.ladesaeulen(out / inputs["ladesaeulenregister"], seed,
                                                         max(200, round(BASE.facilities * f)), pop)
    step("RKI")
    rki_days = max(8, round(BASE.rki_days * f))
    inputs["rki_inzidenz"] = f"rki_inzidenz/{RKI_FILE}"
    rows["rki_inzidenz"] = gen_tables.rki(out / inputs["rki_inzidenz"], seed, rki_days, pop)
    step("GTFS")
    inputs["vbb_gtfs"] = "vbb_gtfs/vbbgtfs.zip"
    gtfs = gen_gtfs.gtfs(out / inputs["vbb_gtfs"], seed, max(300, round(BASE.trips * f)), pop)
    rows.update({f"vbb_gtfs.{k}": v for k, v in gtfs.items()})
    step("GENESIS 12411")
    inputs["regionalstatistik_bevoelkerung"] = "regionalstatistik_bevoelkerung/tablefile"
    rows["regionalstatistik_bevoelkerung"] = gen_tables.regionalstatistik(
        out / inputs["regionalstatistik_bevoelkerung"], seed, pop)
    for source, (recording, name) in SHIPPED.items():
        (out / source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / recording, out / source / name)
        inputs[source] = f"{source}/{name}" if "/" not in name else source
    write_registry(out / "registry.yml", [g["number"] for g in water["gauges"]])
    manifest = {"scale": scale, "fraction": fraction, "seed": seed, "base": BASE.describe(fraction),
                "rki_days": rki_days, "inputs": inputs, "rows": rows, "gauges": water["gauges"],
                "bytes": {s: _size(out / p) for s, p in inputs.items()}}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    step("done")
    return manifest


def changed_rki(out: Path, manifest: dict) -> Path:
    """The next RKI release: the same series one day longer (a daily full rebuild of the file)."""
    target = out / "rki_release_2" / RKI_FILE
    pop = gemeinde_population(manifest["seed"])
    gen_tables.rki(target, manifest["seed"], manifest["rki_days"], pop, end=END + timedelta(days=1))
    return target


def new_poll(out: Path) -> Path:
    """The next PEGELONLINE poll: one new 15-minute reading per gauge (and the station list), as fetched."""
    target = out / "pegelonline_poll"
    gen_water.next_poll(target, out / "pegelonline")
    return target


def write_registry(path: Path, gauges: list[str]) -> None:
    """The project's registry with every generated gauge registered for PEGELONLINE."""
    registry = yaml.safe_load((ROOT / "registry" / "sources.yml").read_text(encoding="utf-8"))
    for source in registry["sources"]:
        if source["id"] == "pegelonline":
            source["params"]["gauges"] = ",".join(gauges)
    path.write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--fraction", type=float, default=1.0, help="shrink the base (for quick runs)")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    manifest = generate(args.out, args.scale, args.fraction, args.seed)
    print(manifest["base"])
    print(json.dumps(manifest["rows"], indent=1))


if __name__ == "__main__":
    main()
