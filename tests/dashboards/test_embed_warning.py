"""The embed snippet warns when the API has no public address: a snippet pointing at 127.0.0.1 cannot work on a
partner's website."""

from __future__ import annotations

from regiohub.dashboard.indicator_view import embed, has_public_base_url


def test_only_a_public_address_counts():
    assert not has_public_base_url("http://127.0.0.1:8000")
    assert not has_public_base_url("http://localhost:8000")
    assert has_public_base_url("https://daten.smart-region.example")
    assert embed("inzidenz_7_tage", "potsdam", "COVID", "https://daten.smart-region.example").url.startswith(
        "https://daten.smart-region.example/embed/")


def test_the_default_without_configuration_is_not_public(monkeypatch):
    monkeypatch.delenv("REGIOHUB_API_BASE_URL", raising=False)
    assert not has_public_base_url()
