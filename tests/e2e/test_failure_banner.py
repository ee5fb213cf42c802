"""The failure banner on Datenqualität in headless Chromium at 1400 px and 390 px: German, no ids, fits the
screen, passes axe; gone once acknowledged. (The real DAG run behind it: ``tests/dags/test_failures_reach_a_person``.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from regiohub import cli
from regiohub.core import settings
from regiohub.ops.notify import notify
from regiohub.store import alerts

HEADING = "2 Störungen sind noch nicht bestätigt"
FAILED = "Abruf von „RKI COVID-19 7-Tage-Inzidenz nach Landkreisen“ fehlgeschlagen"


@pytest.fixture(scope="module")
def failing_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with two open failures with the details the Airflow callback sends: an ingest and a validation."""
    data_dir = tmp_path_factory.mktemp("failures") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REGIOHUB_DATA_DIR", str(data_dir))
        mp.setenv("REGIOHUB_NOTIFY", "log")
        notify("Regio.hub: ingest_rki_inzidenz.ingest failed (source rki_inzidenz)", "…",
               {"dag_id": "ingest_rki_inzidenz", "task_id": "ingest", "source_id": "rki_inzidenz",
                "error": "rki_inzidenz: publisher answered HTTP 503"})
        notify("Regio.hub: build_mart.validate_candidate failed", "…",
               {"dag_id": "build_mart", "task_id": "validate_candidate", "error": "gate failed: 2 expectations"})
    return data_dir


def _load(page: Page, url: str) -> None:
    page.goto(f"{url}/datenqualitaet", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Datenqualität", level=1).wait_for(timeout=90_000)
    page.get_by_text("Prüfberichte").first.wait_for(timeout=90_000)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=90_000)


@pytest.mark.parametrize("width", [1400, 390])
def test_the_banner_is_german_and_fits(width: int, browser_page: Page, phone_page: Page, failing_data_dir: Path,
                                       serve_dashboards, axe_script: Path, tmp_path_factory) -> None:
    from test_pages_a11y import AXE_TAGS, FORBIDDEN

    page = browser_page if width == 1400 else phone_page
    _load(page, _url(serve_dashboards, failing_data_dir))
    banner = page.locator('[data-testid="stAlertContentError"]')
    assert banner.count() == 1
    text = banner.inner_text()
    assert HEADING in text and FAILED in text and "Aktualisierung des Datenbestands fehlgeschlagen (Prüfung)" in text
    assert not FORBIDDEN.findall(text) and "503" not in text  # names, never ids or English errors
    box = banner.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    page.screenshot(path=str(_shots(tmp_path_factory) / f"datenqualitaet_stoerung_{width}.png"), full_page=False)
    if width == 1400:
        page.add_script_tag(path=str(axe_script))
        result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                               AXE_TAGS)
        assert not [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_acknowledged_failures_leave_the_page(browser_page: Page, failing_data_dir: Path, serve_dashboards,
                                              monkeypatch) -> None:
    monkeypatch.setenv("REGIOHUB_DATA_DIR", str(failing_data_dir))
    first = alerts.open_alerts(settings.paths(failing_data_dir))[-1]["id"]
    assert cli.main(["ack", first]) == 0  # one of two
    _load(browser_page, _url(serve_dashboards, failing_data_dir))
    assert "Eine Störung ist noch nicht bestätigt" in browser_page.locator('[data-testid="stAlertContentError"]'
                                                                           ).inner_text()
    assert cli.main(["ack"]) == 0
    _load(browser_page, _url(serve_dashboards, failing_data_dir))
    assert browser_page.locator('[data-testid="stAlertContentError"]').count() == 0


_URLS: dict[Path, str] = {}


def _url(serve, data_dir: Path) -> str:
    """One Streamlit server per data dir for the module."""
    if data_dir not in _URLS:
        _URLS[data_dir] = serve(data_dir)
    return _URLS[data_dir]


def _shots(factory: pytest.TempPathFactory) -> Path:
    path = factory.getbasetemp() / "screenshots-failures"
    path.mkdir(exist_ok=True)
    return path
