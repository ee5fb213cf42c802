"""What a screen reader gets, read from Chromium's accessibility tree: each page its own German title, no
English Streamlit chrome, every chart one German text alternative (not a dump of axis text), headings in order."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page
from test_pages_a11y import PAGES, load

ENGLISH = re.compile(
    r"Skip to main content|Main menu|Made with Streamlit|Show data|Download as|Link to heading|Help for|"
    r"App pages|\bSidebar\b|visuali[sz]ation|group mark container|\bicon\b|Fullscreen"
)
ENGLISH_NAMES = {"Open", "Close", "Clear all", "Download", "Menu"}  # whole names (not "Open-Data-Portal")
GENERIC_CHART_NAMES = {"", "Diagramm", "Vega visualization"}


def ax_nodes(page: Page) -> list[dict]:
    """The page's accessibility tree as Chromium exposes it to screen readers (ignored nodes left out)."""
    session = page.context.new_cdp_session(page)
    try:
        return [n for n in session.send("Accessibility.getFullAXTree")["nodes"] if not n.get("ignored")]
    finally:
        session.detach()


def _prop(node: dict, name: str) -> str:
    return next((str(p["value"].get("value", "")) for p in node.get("properties", []) if p["name"] == name), "")


@pytest.fixture(scope="module")
def trees(browser_page: Page, app_url: str) -> dict[str, list[dict]]:
    out = {}
    for path in PAGES:
        load(browser_page, app_url, path)
        out[path] = ax_nodes(browser_page)
    return out


def test_every_page_has_its_own_german_title(trees):
    titles = {path: next(n["name"]["value"] for n in nodes if n["role"]["value"] == "RootWebArea")
              for path, nodes in trees.items()}
    assert len(set(titles.values())) == len(PAGES), titles
    for path, title in titles.items():
        assert title == f"{PAGES[path][0]} – Regio.hub"


def test_no_english_chrome_reaches_a_screen_reader(trees):
    for path, nodes in trees.items():
        spoken = [str(n.get("name", {}).get("value", "")) for n in nodes] + [
            _prop(n, "roledescription") for n in nodes]
        hits = sorted({m.group(0) for s in spoken for m in [ENGLISH.search(s)] if m} | (set(spoken) & ENGLISH_NAMES))
        assert not hits, f"{path or 'uebersicht'}: {hits}"


def test_each_chart_is_one_german_text_alternative_and_headings_are_in_order(trees):
    for path, nodes in trees.items():
        charts = [n.get("name", {}).get("value", "") for n in nodes if n["role"]["value"] == "graphics-document"]
        assert not [c for c in charts if c in GENERIC_CHART_NAMES], (path, charts)
        dumps = [n["name"]["value"] for n in nodes if n["role"]["value"].startswith("graphics")
                 and re.search(r"\b[xy]: ", str(n.get("name", {}).get("value", "")))]
        assert not dumps, (path, dumps[:2])  # axis and point text is not read out
        levels = [int(_prop(n, "level")) for n in nodes if n["role"]["value"] == "heading"]
        assert levels and levels[0] == 1, (path, levels)
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (path, levels)
    overview = [n["name"]["value"] for n in trees[""] if n["role"]["value"] == "graphics-document"]
    assert any("Ziel" in c and "Bewertung" in c for c in overview)  # the goal cards' trend lines
