"""dbt lineage: which registry sources feed a model or test (isolation traces failures by it)."""

from __future__ import annotations

from typing import Any

from regiohub.registry.model import Registry


def upstream_sources(manifest: dict[str, Any], unique_id: str, registry: Registry) -> set[str]:
    """Registry source ids upstream of a dbt node (reference data such as boundaries excluded)."""
    nodes = {**manifest.get("nodes", {}), **manifest.get("unit_tests", {})}
    sources = manifest.get("sources", {})
    connectors = {s.id: s.connector for s in registry.sources}
    seen: set[str] = set()
    found: set[str] = set()
    stack = [unique_id]
    while stack:
        node_id = stack.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        if node_id in sources:
            name = sources[node_id]["source_name"]
            found |= {name} if name in connectors else {s for s, c in connectors.items() if c == name}
            continue
        stack += (nodes.get(node_id, {}).get("depends_on") or {}).get("nodes", [])
    return found

