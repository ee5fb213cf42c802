"""The data folder's owner: per-source state, load ledger, versions, snapshots, locks and run records."""
