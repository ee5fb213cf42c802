"""Stage 0 — the source registry: partners, sources and targets, validated on load."""
