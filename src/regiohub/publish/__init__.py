"""Stage 4 — publish an audited candidate atomically, keeping snapshots to roll back to."""
