"""The ``api`` service of docker-compose.yml: the CLI command, read-only data, published on localhost only."""

from __future__ import annotations

import yaml

from regiohub.cli import _parser
from regiohub.core import settings

API = yaml.safe_load((settings.REPO_ROOT / "docker-compose.yml").read_text())["services"]["api"]


def test_api_service_serves_the_published_mart_read_only_on_localhost():
    args = _parser().parse_args(API["command"][1:])
    assert args.func.__name__ == "cmd_api" and args.port == 8000
    assert API["ports"] == ["127.0.0.1:${API_PORT:-8000}:8000"]
    assert API["volumes"] == ["regiohub-data:/data:ro"] and API["environment"]["REGIOHUB_DATA_DIR"] == "/data"
    assert "8000/openapi.json" in API["healthcheck"]["test"][-1]
