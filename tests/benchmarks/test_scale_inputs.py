"""The scale benchmark's inputs: reproducible, and read by the real connectors as publisher payloads.

Runs the generator at a small fraction of the base (1x/200) so it stays fast; the end-to-end run of
the harness is in ``test_scale_smoke.py``.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from regiohub.core import settings
from regiohub.ingest.source import ingest_source
from regiohub.registry.model import load_registry

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.scale.generate import changed_rki, generate  # noqa: E402

FRACTION = 1 / 200


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("scale-inputs")
    return out, generate(out, 1, FRACTION, seed=7, progress=lambda _: None)


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_values(inputs, tmp_path):
    out, manifest = inputs
    again = generate(tmp_path / "again", 1, FRACTION, seed=7, progress=lambda _: None)
    other = generate(tmp_path / "other", 1, FRACTION, seed=8, progress=lambda _: None)
    assert _digests(out) == _digests(tmp_path / "again")
    assert again["rows"] == manifest["rows"]
    differs = _digests(tmp_path / "other")
    assert differs["rki_inzidenz/COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"] != \
        _digests(out)["rki_inzidenz/COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"]
    assert other["rows"]["pegelonline.measurements"] == manifest["rows"]["pegelonline.measurements"]


def test_every_payload_loads_with_its_real_connector(inputs, tmp_path):
    out, manifest = inputs
    registry = load_registry(out / "registry.yml")
    data = settings.paths(tmp_path / "data")
    loaded = {}
    for source, rel in manifest["inputs"].items():
        result = ingest_source(source, from_path=out / rel, data=data, registry=registry)
        assert result.status == "loaded", (source, result.error)
        assert not result.quarantined, (source, result.quarantined)
        loaded[source] = result.rows
    rows = manifest["rows"]
    assert loaded["pegelonline"] == {"stations": 40, "measurements": rows["pegelonline.measurements"]}
    assert loaded["ladesaeulenregister"]["charging_facilities"] == rows["ladesaeulenregister"]
    assert loaded["rki_inzidenz"]["incidence"] == rows["rki_inzidenz"]
    assert loaded["vbb_gtfs"]["stop_times"] == rows["vbb_gtfs.stop_times"]
    assert loaded["vbb_gtfs"]["stops"] == rows["vbb_gtfs.stops"]
    assert loaded["regionalstatistik_bevoelkerung"]["values"] == rows["regionalstatistik_bevoelkerung"]
    # the next RKI release is the same series one day longer: a new load of all Kreise
    release = ingest_source("rki_inzidenz", from_path=changed_rki(out, manifest), data=data, registry=registry)
    assert release.status == "loaded"
    assert release.rows["incidence"] == rows["rki_inzidenz"] + 400


def test_peak_rss_counts_the_whole_process_tree(tmp_path):
    # a grandchild holds 300 MB while its parent stays small: the tree's peak must show it. Measured from a small
    # process, as the harness is: a forked child's ru_maxrss starts at its parent's size (a test worker's GBs)
    grandchild = "import time; b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.5)"
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}], check=True)"
    measure = (
        "import json, sys; from pathlib import Path; from benchmarks.scale.measure import run_measured; "
        f"m = run_measured([sys.executable, '-c', {child!r}], {{}}, Path({str(tmp_path)!r}), "
        f"Path({str(tmp_path / 'log.txt')!r})); print(json.dumps([m.returncode, m.peak_rss_mb, m.wall_s]))"
    )
    done = subprocess.run([sys.executable, "-c", measure], capture_output=True, text=True, check=True,
                          cwd=settings.REPO_ROOT)
    returncode, peak_rss_mb, wall_s = json.loads(done.stdout.strip().splitlines()[-1])
    assert returncode == 0, (tmp_path / "log.txt").read_text()
    assert 300 <= peak_rss_mb < 600
    assert wall_s >= 0.5
