"""The store owns the data folder: no new module outside ``store/`` builds a path below it, and no stage
imports one above it. The modules that still do are named here with their count (a ratchet: only down)."""

from __future__ import annotations

import ast
import re

from regiohub.core import settings

SRC = settings.REPO_ROOT / "src" / "regiohub"
# ``data.raw / …``, ``paths().published_dir / …``: a path joined below a data-folder root
JOIN = re.compile(r"\b(?:data|paths\(\)|self\.data|d)\.(?:landing|raw|state|build|published_dir|published|runs|"
                  r"data_dir|inbox|claims|rejected)\s*/")
STILL_JOINING = {  # module -> joins left (move them into the store, then lower the number)
    "publish/swap.py": 12, "build/transform.py": 10, "build/incremental.py": 6, "ingest/source.py": 4,
    "dashboard/ops.py": 3, "audit/gate.py": 2, "delivery/deliver.py": 2, "ingest/raw_writer.py": 2,
    "ingest/sensor_stream.py": 2, "audit/raw.py": 1, "build/isolation.py": 1,
    "core/crashpoints.py": 1, "dashboard/data.py": 1, "ingest/quarantine.py": 1, "ops/status.py": 1,
}
LAYER = {"core": 0, "registry": 0, "store": 1, "ingest": 2, "build": 3, "audit": 4, "publish": 5, "ops": 6}
STILL_UPWARD = {  # known imports of a later stage (to be removed)
    ("build/isolation.py", "regiohub.audit.content"), ("ingest/inbox.py", "regiohub.ops.notify"),
    ("store/provenance.py", "regiohub.ingest.connectors"), ("store/versions.py", "regiohub.ingest.connectors"),
}


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        yield path.relative_to(SRC).as_posix(), path.read_text(encoding="utf-8")


def test_no_module_outside_the_store_builds_new_paths_below_the_data_folder():
    found = {rel: len(JOIN.findall(text)) for rel, text in _modules()
             if not rel.startswith("store/") and rel != "core/settings.py"}
    grown = {rel: (n, STILL_JOINING.get(rel, 0)) for rel, n in found.items() if n > STILL_JOINING.get(rel, 0)}
    assert not grown, f"paths below the data folder built outside regiohub.store (found, allowed): {grown}"


def test_no_stage_imports_a_later_one():
    upward = set()
    for rel, text in _modules():
        stage = rel.split("/")[0]
        if stage not in LAYER:
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("regiohub."):
                target = node.module.split(".")[1]
                if LAYER.get(target, -1) > LAYER[stage]:
                    upward.add((rel, node.module))
    assert upward <= STILL_UPWARD, sorted(upward - STILL_UPWARD)
