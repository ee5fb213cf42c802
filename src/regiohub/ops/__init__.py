"""Operating the platform: the whole pipeline, status, sources check, snapshot admin, notifications, console output."""
