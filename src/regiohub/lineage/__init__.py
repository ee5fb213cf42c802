"""Lineage: where each published value came from (loads, payload hashes, publishers) and OpenLineage events."""
