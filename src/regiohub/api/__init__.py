"""Read-only HTTP API over the published mart (FastAPI): ``regiohub api`` serves :func:`app.create_app`."""
