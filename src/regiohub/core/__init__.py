"""Foundations every layer may import: settings, errors, ids, DuckDB configuration, HTTP client, geometry."""
