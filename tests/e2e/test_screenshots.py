"""The map and the PDF download in headless Chromium (every page itself: ``test_pages_a11y``)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

# url path → (title, text near the end of the page: the script has rendered everything before it)
PAGES = {
    "": ("Übersicht", "Quellen und Lizenzen"),
    "indikatoren": ("Indikatoren", "Quellen und Lizenzen"),
    "kooperationsbericht": ("Kooperationsbericht", "Quellen und Lizenzen"),
    "datenqualitaet": ("Datenqualität", "Prüfberichte"),
    "datenkatalog": ("Datenkatalog", "Für Analystinnen und Analysten"),
}
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def open_page(page: Page, url: str, path: str) -> None:
    """Load a page and wait until Streamlit has rendered it: Streamlit sends the content over a websocket, so
    wait for the title and the page's last section, then until the running indicator (status widget) is gone."""
    title, last = PAGES[path]
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=60_000)
    page.get_by_text(last).first.wait_for(timeout=60_000)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=60_000)
    page.wait_for_timeout(300)  # let charts finish drawing before the screenshot


def test_map_is_drawn_with_bkg_attribution(browser_page: Page, app_url: str, tmp_path: Path):
    open_page(browser_page, f"{app_url}/indikatoren?indikator=Mobilit%C3%A4t+%C2%B7+%C3%96ffentliche+Ladepunkte",
              "indikatoren")
    browser_page.get_by_role("tab", name="Karte").click()
    panel = browser_page.get_by_role("tabpanel", name="Karte")
    panel.locator('[data-testid="stVegaLiteChart"] svg path').first.wait_for(timeout=60_000)
    assert panel.locator('[data-testid="stVegaLiteChart"] svg path').count() > 20  # the Kreise are drawn
    browser_page.screenshot(path=str(tmp_path / "karte.png"), full_page=True)
    assert "© GeoBasis-DE / BKG 2021 (Daten verändert)" in browser_page.inner_text("body")


def test_report_pdf_downloads_from_the_page(browser_page: Page, app_url: str, tmp_path: Path):
    open_page(browser_page, f"{app_url}/kooperationsbericht?partner=Luckenwalde", "kooperationsbericht")
    with browser_page.expect_download(timeout=60_000) as download:
        browser_page.get_by_role("button", name="Bericht als PDF").click()
    target = tmp_path / "bericht.pdf"
    download.value.save_as(target)
    assert download.value.suggested_filename.endswith("_luckenwalde.pdf")
    assert target.read_bytes().startswith(b"%PDF-") and target.stat().st_size > 2_000
