"""The token bucket: a client over its budget gets 429 problem+json with Retry-After; others are unaffected."""

from __future__ import annotations

from fastapi.testclient import TestClient

from regiohub.api.app import create_app
from regiohub.api.config import ApiSettings
from regiohub.api.ratelimit import TokenBucket


def test_bucket_refills_at_its_rate():
    bucket = TokenBucket(rate=2, burst=2)
    assert [bucket.take("a", now=0.0) for _ in range(2)] == [0, 0]
    assert bucket.take("a", now=0.0) == 0.5
    assert bucket.take("b", now=0.0) == 0
    assert bucket.take("a", now=0.5) == 0


def test_over_the_budget_is_429(demo_data_dir):
    config = ApiSettings(origins=(), rate=0.01, burst=3, base_url="http://testserver")
    client = TestClient(create_app(demo_data_dir / "published" / "regiohub.duckdb", config))
    statuses = [client.get("/v1/snapshot").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    r = client.get("/v1/snapshot")
    assert r.headers["content-type"] == "application/problem+json" and int(r.headers["retry-after"]) >= 1
