"""Stage 2 — build a candidate mart from raw with dbt: full or incremental, with failure isolation per source."""
