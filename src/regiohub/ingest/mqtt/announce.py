"""An Airflow asset event on ``regiohub://raw/<source>`` for every micro-batch that changed raw data.

Through Airflow's REST API (the same calls as in docs/airflow.md): ``REGIOHUB_AIRFLOW_API_URL`` (e.g.
``http://localhost:8080``), ``REGIOHUB_AIRFLOW_USER`` (default ``regiohub``) and
``REGIOHUB_AIRFLOW_PASSWORD``. Without the URL nothing is posted (the next scheduled build reads raw).
A failed post is logged and never stops the consumer: the data is already in raw.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

import requests

from regiohub.core.echo import cut

log = logging.getLogger(__name__)


def raw_uri(source_id: str) -> str:
    """As :func:`regiohub.orchestration.assets.raw_asset` (not imported: that module loads Airflow)."""
    return f"regiohub://raw/{source_id}"


class AssetAnnouncer:
    def __init__(self, api_url: str, user: str, password: str, source_id: str) -> None:
        self.api, self.user, self.password, self.source_id = api_url.rstrip("/"), user, password, source_id
        self.http = requests.Session()
        self._token: str | None = None
        self._asset_id: int | None = None
        self.posted = 0

    def _auth(self) -> dict[str, str]:
        if self._token is None:
            resp = self.http.post(f"{self.api}/auth/token", json={"username": self.user, "password": self.password},
                                  timeout=10)
            resp.raise_for_status()
            self._token = resp.json()["access_token"]
        return {"Authorization": f"Bearer {self._token}"}

    def __call__(self, result: object) -> None:
        try:
            if self._asset_id is None:
                resp = self.http.get(f"{self.api}/api/v2/assets", params={"uri_pattern": raw_uri(self.source_id)},
                                     headers=self._auth(), timeout=10)
                resp.raise_for_status()
                self._asset_id = resp.json()["assets"][0]["id"]
            extra = {"load_id": getattr(result, "load_id", None), "rows": getattr(result, "rows", {})}
            resp = self.http.post(f"{self.api}/api/v2/assets/events", headers=self._auth(), timeout=10,
                                  json={"asset_id": self._asset_id, "extra": extra})
            if resp.status_code == 401:
                self._token = None
            resp.raise_for_status()
            self.posted += 1
        except (requests.RequestException, KeyError, IndexError, ValueError) as exc:
            log.warning("%s: asset event not posted (%s); the next build reads the batch anyway",
                        self.source_id, cut(exc))


def from_environment(source_id: str) -> Callable[[object], None] | None:
    url = os.environ.get("REGIOHUB_AIRFLOW_API_URL")
    if not url:
        return None
    return AssetAnnouncer(url, os.environ.get("REGIOHUB_AIRFLOW_USER", "regiohub"),
                          os.environ.get("REGIOHUB_AIRFLOW_PASSWORD", ""), source_id)
