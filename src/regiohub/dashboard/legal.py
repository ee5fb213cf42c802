"""Legal pages (Barrierefreiheit, Impressum, Datenschutz) and the page set-up every page shares: German
document language, visible keyboard focus, captions with sufficient contrast, links to the legal pages.

Each deployment supplies its own texts as Markdown files in ``REGIOHUB_LEGAL_DIR`` (``barrierefreiheit.md``,
``impressum.md``, ``datenschutz.md``); missing files fall back to the shipped templates, which say so.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from regiohub.core import settings

LEGAL_ENV = "REGIOHUB_LEGAL_DIR"
DEFAULT_DIR = settings.REPO_ROOT / "dashboards" / "legal"
DOCUMENTS = {"barrierefreiheit": "Barrierefreiheit", "impressum": "Impressum", "datenschutz": "Datenschutz"}
MAX_BYTES = 200_000

# Streamlit serves <html lang="en">: set the document language (WCAG 3.1.1), show the keyboard focus
# (2.4.7) and darken the grey captions to at least 4.5:1 on white (1.4.3).
PAGE_SETUP = """
<script>document.documentElement.lang = "de";</script>
<style>
  :focus-visible { outline: 3px solid #0072B2 !important; outline-offset: 2px !important; }
  [data-testid="stSidebarNav"] a:focus-visible { outline: 3px solid #0072B2 !important; }
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {
    color: #4a4a4a !important; opacity: 1 !important;
  }
  blockquote, blockquote p, code { color: #2f2d2b !important; opacity: 1 !important; }
  [data-testid="stDataFrame"] { max-width: 100%; }
  [data-testid="stMultiSelectTagsContainer"] { flex-wrap: wrap !important; overflow-x: visible !important; }
  .rh-table table { width: 100%; border-collapse: collapse; font-size: 0.92rem; table-layout: auto; }
  .rh-table caption { text-align: left; color: #4a4a4a; padding-bottom: 0.3rem; }
  .rh-table th, .rh-table td { border-bottom: 1px solid #d5d5d5; padding: 0.35rem 0.5rem; text-align: left;
    vertical-align: top; overflow-wrap: break-word; hyphens: auto; }
  .rh-table th { background: #eef2f6; color: #1f1f1f; font-weight: 600; overflow-wrap: normal; }
  .rh-table td.num { text-align: right; white-space: nowrap; }
  @media (max-width: 640px) {
    .rh-table table { table-layout: auto; }
    .rh-table colgroup, .rh-table thead { display: none; }
    .rh-table tr { display: block; border: 1px solid #d5d5d5; border-radius: 0.5rem; margin-bottom: 0.6rem;
      padding: 0.2rem 0.5rem; }
    .rh-table td, .rh-table td.num { display: flex; justify-content: space-between; gap: 0.75rem; border: none;
      text-align: right; padding: 0.2rem 0; white-space: normal; overflow-wrap: anywhere; }
    .rh-table td::before { content: attr(data-label); font-weight: 600; text-align: left; flex: 0 0 45%; }
  }
</style>
"""


# Streamlit's own chrome speaks English: the skip link and menus are named in German, the chart and table
# toolbars ("Show data", "Download as PNG", fullscreen) are hidden — every chart has a German table or text
# next to it, and the pages offer their own CSV/Excel downloads.
CHROME_DE = """
<style>
  [data-testid="stElementToolbar"], .vega-embed details, .vega-embed .vega-actions, footer { display: none !important; }
</style>
<script>
(() => {
  const words = {"Skip to main content": "Zum Hauptinhalt springen", "Main menu": "Hauptmenü",
                 "Sidebar": "Seitenleiste", "App pages": "Seiten", "Open": "Öffnen", "Clear all": "Alle entfernen",
                 "Close sidebar": "Seitenleiste schließen", "Open sidebar": "Seitenleiste öffnen",
                 "Collapse sidebar": "Seitenleiste einklappen", "Expand sidebar": "Seitenleiste ausklappen",
                 "Link to heading": "Link zu dieser Überschrift", "Show more": "Mehr anzeigen",
                 "Show less": "Weniger anzeigen", "Running...": "Lädt …", "visualization": "Diagramm",
                 "Vega visualization": "Diagramm", "group mark container": "Diagrammfläche",
                 "Fullscreen": "Vollbild", "Close fullscreen": "Vollbild beenden", "Download": "Herunterladen"};
  const prefixes = [["Help for ", "Hilfe zu "]];
  const german = (v) => {
    if (words[v]) return words[v];
    for (const [en, de] of prefixes) if (v.startsWith(en)) return de + v.slice(en.length);
    return null;
  };
  const fix = () => {
    document.querySelectorAll("[aria-label], [title], [aria-roledescription], a, button").forEach((el) => {
      const label = el.getAttribute("aria-label");
      if (label && label.endsWith(" icon")) el.setAttribute("aria-hidden", "true");  // decorative icons
      for (const attr of ["aria-label", "title", "aria-roledescription"]) {
        const v = el.getAttribute(attr), de = v && german(v);
        if (de) el.setAttribute(attr, de);
      }
      const text = el.children.length === 0 ? el.textContent.trim() : "";
      if (text && words[text]) el.textContent = words[text];
    });
  };
  fix();
  if (!window.__rhChrome) {
    let queued = false;
    window.__rhChrome = new MutationObserver(() => {
      if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; fix(); }); }
    });
    window.__rhChrome.observe(document.body, {childList: true, subtree: true, attributes: true,
                                              attributeFilter: ["aria-label", "title", "aria-roledescription"]});
  }
})();
</script>
"""


def document(name: str) -> str:
    """The Markdown of a legal page: the deployment's file if present (a regular file inside the folder, not
    too large), else the shipped template."""
    if name not in DOCUMENTS:
        raise KeyError(name)
    folder = os.environ.get(LEGAL_ENV, "").strip()
    if folder:
        base = Path(folder).resolve()
        path = base / f"{name}.md"
        if path.is_file() and not path.is_symlink() and path.resolve().parent == base \
                and path.stat().st_size <= MAX_BYTES:
            return path.read_text(encoding="utf-8")
    return (DEFAULT_DIR / f"{name}.md").read_text(encoding="utf-8")


def page_setup(title: str) -> None:
    """The page's own German title (browser tab, first thing a screen reader announces), then language, focus
    and contrast fixes and German or hidden Streamlit chrome; run at the start of every page."""
    if PagesManager.uses_pages_directory and "_rh_navigation" not in st.session_state:
        # Until the default page has run once, Streamlit treats dashboards/pages/ as old-style pages and lists
        # the file names ("streamlit app", "uebersicht") as navigation; run again through st.navigation instead
        # (once per session, on its first run: no widget event is lost).
        st.session_state["_rh_navigation"] = True
        PagesManager.uses_pages_directory = False
        st.rerun()
    st.set_page_config(page_title=f"{title} – Regio.hub")
    st.html(PAGE_SETUP + CHROME_DE, unsafe_allow_javascript=True)


def render(name: str) -> None:
    """A legal page."""
    page_setup(DOCUMENTS[name])
    st.title(DOCUMENTS[name])
    st.markdown(document(name))
