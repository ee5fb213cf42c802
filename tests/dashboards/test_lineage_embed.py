"""Datenkatalog „Herkunft eines Werts“ shows the loads of one value as the mart records them; the Indikatoren page
shows an embed snippet whose URLs the read API serves."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from dash_helpers import all_tables, mart_rows, open_app, page_text
from fastapi.testclient import TestClient

from regiohub.api.app import create_app
from regiohub.api.config import ApiSettings
from regiohub.core import settings
from regiohub.dashboard.lineage_view import ORIGIN_LABELS, SHORT_HASH

INDICATOR, PARTNER = "ladepunkte_je_10000_ew", "luckenwalde"


def test_lineage_of_a_value_lists_exactly_its_loads_with_hashes(mart_data_dir, monkeypatch):
    at = open_app(mart_data_dir, monkeypatch, "pages/datenkatalog.py")
    at.selectbox(key="herkunft_indikator").set_value(INDICATOR).run()
    at.selectbox(key="herkunft_partner").set_value(PARTNER).run()
    period = at.selectbox(key="herkunft_zeitraum").value
    assert not at.exception, [e.value for e in at.exception]

    expected = mart_rows(mart_data_dir, """
        SELECT l.load_id, l.payload_sha256, s.name, l.origin
        FROM fct_partner_indicator_value p
        JOIN fct_indicator_value v ON v.region_ars = p.measured_ars AND v.indicator_id = p.indicator_id
                                  AND v.period = p.period
        JOIN dim_load l ON list_contains(v.source_load_ids, l.load_id)
        JOIN dim_source s ON s.source_id = l.source_id
        WHERE p.indicator_id = ? AND p.partner_id = ? AND p.period = ?""", [INDICATOR, PARTNER, period])
    assert expected and all(len(sha) == 64 for _, sha, _, _ in expected)

    code = next(c.value for c in at.code if c.value.startswith("# Ladevorgang"))
    shown = {tuple(line.split()) for line in code.splitlines()[1:]}
    assert shown == {(load_id, sha) for load_id, sha, _, _ in expected}

    table = next(t.value for t in all_tables(at) if "Prüfsumme (SHA-256)" in t.value.columns)
    assert sorted(table["Prüfsumme (SHA-256)"]) == sorted(sha[:SHORT_HASH] + "…" for _, sha, _, _ in expected)
    assert sorted(table["Quelle"]) == sorted(name for _, _, name, _ in expected)
    assert sorted(table["Herkunft"]) == sorted(ORIGIN_LABELS[origin] for *_, origin in expected)
    assert all(re.fullmatch(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr", t) for t in table["Abgerufen am"])
    html = next(h.value for h in at.get("html") if "Prüfsumme (SHA-256)" in h.value)
    for _, sha, _, _ in expected:  # the full hash is on the shortened one, the licence is a link
        assert f'title="{sha}"' in html
    licences = mart_rows(mart_data_dir, "SELECT DISTINCT licence_url FROM dim_load WHERE list_contains(?, load_id)",
                         [[r[0] for r in expected]])
    assert all(f'href="{url}"' in html for (url,) in licences)
    assert "**Wert:**" in page_text(at)


def test_embed_snippet_points_at_the_api_view_of_indicator_and_partner(mart_data_dir, monkeypatch):
    monkeypatch.setenv("REGIOHUB_API_BASE_URL", "https://daten.example.de/regiohub/")
    at = open_app(mart_data_dir, monkeypatch, "pages/indikatoren.py", {"indikator": INDICATOR})
    expander = next(e for e in at.expander if e.label == "Auf der eigenen Website einbinden")
    expander.selectbox(key="einbetten_partner").set_value(PARTNER).run()
    assert not at.exception, [e.value for e in at.exception]
    url = f"https://daten.example.de/regiohub/embed/{INDICATOR}/{PARTNER}"
    codes = [c.value for c in at.code]
    iframe = next(c for c in codes if c.startswith("<iframe"))
    assert f'src="{url}"' in iframe and 'title="' in iframe
    assert f"{url}.svg" in codes and any(f'<img src="{url}.svg"' in c for c in codes)

    client = TestClient(create_app(settings.paths(mart_data_dir).published, ApiSettings(rate=0)))
    page = client.get(urlsplit(url).path.removeprefix("/regiohub"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    image = client.get(urlsplit(f"{url}.svg").path.removeprefix("/regiohub"))
    assert image.status_code == 200 and image.headers["content-type"] == "image/svg+xml"
