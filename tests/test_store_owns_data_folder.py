"""The store owns the data folder: no module outside ``store/`` builds a path below it or spells the name of
one of its files, and no stage imports a later one. The few modules that still do are named with a reason."""

from __future__ import annotations

import ast
import re

from regiohub.core import settings
from regiohub.ingest.connectors import CONNECTORS, connector_for
from regiohub.registry.raw_entities import RAW_ENTITIES

SRC = settings.REPO_ROOT / "src" / "regiohub"
ROOTS = "landing|raw|state|build|published_dir|published|runs|data_dir|inbox|claims|rejected"
# ``data.raw / …``, ``(data or settings.paths()).runs / …``, ``paths().build.glob(…)``: below a data-folder root
JOIN = re.compile(rf"\.(?:{ROOTS})\b\)?\s*(?:/|\.(?:glob|rglob|iterdir|joinpath|with_name)\()")
# names of files and folders below the data folder (spelled in store/layout.py); generic words such as
# "registry", "exports" or "logs" are left out: they name other things too
DATA_NAMES = {
    "ingest_log.jsonl", "history.sqlite3", "validations", "data_docs", "deliveries.sqlite3", "openlineage.jsonl",
    "freshness.json", "dbt_target", "dbt_logs", "full-build-requested", "dbt_candidate.duckdb", "catalog.ttl",
    "_loads", "raw_view", "quarantine", "spool", "snapshots", "regiohub.duckdb", "inbox-claims", "inbox-rejected",
}
DATA_PREFIXES = (".incoming-", "crashpoint-", ".parquet-")
OWNERS = ("store/", "core/settings.py")
STILL_JOINING = {  # module -> (joins and names found, why it is allowed)
    # parallel work moves load provenance to one place in lineage/, api/, catalog/ and orchestration/callbacks
    "lineage/loads.py": (3, "parallel work on load provenance"),
    "lineage/events.py": (2, "parallel work on load provenance"),
    "lineage/publish_hook.py": (1, "parallel work on load provenance (a log label)"),
    "orchestration/callbacks.py": (2, "parallel work on load provenance"),
    "catalog/build.py": (1, "parallel work on load provenance"),
    "api/mart.py": (1, "parallel work on load provenance"),
    # below the store's layer, so they cannot ask it
    "core/crashpoints.py": (2, "a test hook in core marks where a killed process stopped"),
    "registry/regions.py": (1, "the registry reads the data folder's own region reference"),
}
LAYER = {"core": 0, "registry": 0, "store": 1, "ingest": 2, "build": 3, "audit": 4, "publish": 5, "ops": 6,
         # readers of the published snapshot and the orchestration above them
         "lineage": 7, "catalog": 7, "delivery": 7, "reports": 7, "presentation": 7, "dashboard": 8, "api": 8,
         "orchestration": 9}
STILL_UPWARD = {  # (module, imported module) of a later stage -> why it stays
    ("publish/swap.py", "regiohub.lineage.publish_hook"):
        "every publish writes the catalogue and OpenLineage events; lineage/ is reworked in parallel",
}


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        yield path.relative_to(SRC).as_posix(), path.read_text(encoding="utf-8")


def _data_names(text: str) -> list[str]:
    """String literals in ``text`` that name a file or folder below the data folder."""
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            if (value in DATA_NAMES or value.startswith(DATA_PREFIXES)
                    or any(value.startswith(f"{name}/") for name in DATA_NAMES)):
                found.append(value)
    return found


def places_below_the_data_folder(text: str) -> int:
    """Paths joined below a data-folder root, and literal names of its files, in one module's source."""
    return len(JOIN.findall(text)) + len(_data_names(text))


def test_no_module_outside_the_store_builds_paths_below_the_data_folder():
    found = {rel: n for rel, text in _modules() if not rel.startswith(OWNERS)
             and (n := places_below_the_data_folder(text))}
    grown = {rel: (n, STILL_JOINING.get(rel, (0,))[0]) for rel, n in found.items()
             if n > STILL_JOINING.get(rel, (0,))[0]}
    assert not grown, f"paths below the data folder built outside regiohub.store (found, allowed): {grown}"


def test_the_check_sees_the_forms_a_join_takes():
    joins = ['data.raw / source_id', '(data or settings.paths()).runs / "x"', 'settings.paths().build.glob("*")',
             'data.data_dir / "outbox"', 'self.data.published_dir/ "y"']
    assert all(places_below_the_data_folder(j) for j in joins)
    assert places_below_the_data_folder('open(folder / "ingest_log.jsonl")') == 1
    assert places_below_the_data_folder('f"crashpoint-{point}"') == 1
    assert not places_below_the_data_folder('layout.raw_file(data, source_id, entity, load_id)')
    assert not places_below_the_data_folder('ctx.landing_dir / "exports" / "records.json"')


def test_every_data_name_is_spelled_in_the_store_layout():
    layout = (SRC / "store" / "layout.py").read_text(encoding="utf-8")
    owners = layout + (SRC / "core" / "settings.py").read_text(encoding="utf-8")
    assert not [n for n in sorted(DATA_NAMES) if f'"{n}"' not in owners and f"'{n}'" not in owners]


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
    assert upward <= set(STILL_UPWARD), sorted(upward - set(STILL_UPWARD))


def test_the_connectors_write_the_raw_entities_the_store_reads():
    classes = {name: type(connector_for(name)) for name in CONNECTORS}
    from regiohub.ingest.connectors.pegelonline_stream import StreamReadingsConnector

    classes["pegelonline_stream"] = StreamReadingsConnector
    assert set(classes) == set(RAW_ENTITIES)
    for name, cls in classes.items():
        assert (cls.entities, cls.accumulate) == (RAW_ENTITIES[name].entities, RAW_ENTITIES[name].accumulate), name
