"""Every page at 1400 px and at 390 px in headless Chromium: German only, no ids, nothing wider than the screen,
and axe-core finds no serious or critical WCAG 2.1 A/AA violation. One page load per page and width."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

PAGES = {  # url path → (h1, text near the end of the page)
    "": ("Übersicht", "Quellen und Lizenzen"),
    "steckbrief?partner=Luckenwalde": ("Steckbrief", "Quellen und Lizenzen"),
    "indikatoren": ("Indikatoren", "Quellen und Lizenzen"),
    "kooperationsbericht?partner=Luckenwalde": ("Kooperationsbericht", "Quellen und Lizenzen"),
    "datenqualitaet": ("Datenqualität", "Prüfberichte"),
    "datenkatalog": ("Datenkatalog", "Für Analystinnen und Analysten"),
    "barrierefreiheit": ("Barrierefreiheit", "Durchsetzungsverfahren"),
    "impressum": ("Impressum", "Verantwortlich"),
    "datenschutz": ("Datenschutz", "Ihre Rechte"),
}
# Source and indicator ids, English UI words and raw codes that must never reach a partner's screen.
FORBIDDEN = re.compile(
    r"\b(pegelonline|vbb_gtfs|rki_inzidenz|ladesaeulenregister|dwd_klima_potsdam|zensus2022_\w+|"
    r"regionalstatistik_\w+|deutschlandatlas_\w+|kreis, gemeinde|gemeinde, kreis|once|yearly|daily|monthly|"
    r"weekly|Deploy|Running|Loading|No data|None|NaN|null|higher_is_better|lower_is_better|"
    r"[a-z]+_[a-z]+_[a-z0-9_]+)\b"
)
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def load(page: Page, url: str, path: str) -> None:
    """Open a page and wait until Streamlit has rendered it completely."""
    title, last = PAGES[path]
    page.goto(f"{url}/{path}", wait_until="domcontentloaded")
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=90_000)
    page.get_by_text(last).first.wait_for(timeout=90_000)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=90_000)
    page.wait_for_timeout(500)  # charts finish drawing


def check_page(page: Page, path: str, shots: Path, width: int, axe: Path | None) -> None:
    name = (path.split("?")[0] or "uebersicht") + f"_{width}"
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert page.locator(ERRORS).count() == 0, page.locator(ERRORS).all_inner_texts()
    assert page.evaluate("document.documentElement.lang") == "de"
    body = page.evaluate(  # the visible text without icon ligatures and analysts' code snippets
        """() => { const main = document.querySelector('[data-testid="stMain"]').cloneNode(true);
                   main.querySelectorAll('[data-testid="stIconMaterial"], pre, code').forEach(e => e.remove());
                   document.body.appendChild(main); const text = main.innerText; main.remove(); return text; }""")
    hits = sorted(set(FORBIDDEN.findall(body)))
    assert not hits, f"{name}: {hits}"
    wide = page.evaluate(
        """(w) => [...document.querySelectorAll('[data-testid="stMain"] *')]
              .filter(e => { const r = e.getBoundingClientRect();
                             return r.width > 0 && r.right > w + 1 && !e.parentElement.closest('svg'); })
              .map(e => e.getAttribute('data-testid') || e.tagName).slice(0, 5)""",
        width,
    )
    assert not wide and page.evaluate("document.scrollingElement.scrollWidth") <= width, (name, wide)
    scrolling = page.evaluate(  # boxes that scroll sideways inside the page (tables, code)
        """() => [...document.querySelectorAll('[data-testid="stMain"] *')].filter(e => {
                 const o = getComputedStyle(e).overflowX;
                 return (o === 'auto' || o === 'scroll') && e.scrollWidth > e.clientWidth + 2; })
               .map(e => (e.getAttribute('data-testid') || e.tagName) + ' ' + (e.innerText || '').slice(0, 60))""")
    assert not scrolling, (name, scrolling[:5])
    if axe is not None:
        page.add_script_tag(path=str(axe))
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        bad = [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, f"{name}: {json.dumps(bad, ensure_ascii=False)}"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.mark.parametrize("path", list(PAGES))
def test_page_at_1400px_is_german_fits_and_passes_axe(browser_page: Page, app_url: str, axe_script: Path,
                                                       shots: Path, path: str):
    load(browser_page, app_url, path)
    check_page(browser_page, path, shots, 1400, axe_script)


@pytest.mark.parametrize("path", list(PAGES))
def test_page_at_390px_fits_the_phone(phone_page: Page, app_url: str, shots: Path, path: str):
    load(phone_page, app_url, path)
    check_page(phone_page, path, shots, 390, None)
