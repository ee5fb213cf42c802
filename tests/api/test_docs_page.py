"""``/docs`` is served from the package: German, every documented endpoint, no script or stylesheet from elsewhere."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from regiohub.api.app import create_app


def test_docs_are_german_complete_and_need_no_cdn(tmp_path):
    client = TestClient(create_app(tmp_path / "regiohub.duckdb"))
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="de">' in html and "Dokumentation" in html
    for path in client.get("/openapi.json").json()["paths"]:
        assert f"<code>{path}</code>" in html
    assert "<code>progress_class</code>" in html  # the targets' filter, documented
    assert not re.search(r"<script|<link[^>]+stylesheet|https?://cdn", html)
    assert client.get("/redoc").status_code == 404
