"""Dashboard pages in headless Chromium, served by ``streamlit run`` as deployed: first render and partner switch.

    uv run python benchmarks/dashboard_browser.py [--data-dir DIR] [--runs 10] [--restarts 3]

The data dir (``--data-dir`` or ``REGIOHUB_DATA_DIR``) must hold a published mart. Debian's chromium
(``/usr/bin/chromium``, as the end-to-end tests use it) is driven with Playwright; a render counts from
navigation until the page's heading and its last section are shown and Streamlit's running indicator
is gone (what a partner waits for):

- uncached: the first render of each page after a fresh server start (empty caches), once per start;
- cached: a new browser session opening the page again on the warm server, ``--runs`` times;
- partner switch: on the Steckbrief, each partner chosen once in the open page (its header shows it).

Prints p50/p95 per page and the load average before and after.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PAGES = {  # url path -> (h1, text of the page's last section)
    "": ("Übersicht", "Quellen und Lizenzen"),
    "steckbrief": ("Steckbrief", "Quellen und Lizenzen"),
    "indikatoren": ("Indikatoren", "Quellen und Lizenzen"),
    "kooperationsbericht": ("Kooperationsbericht", "Quellen und Lizenzen"),
    "datenqualitaet": ("Datenqualität", "Prüfberichte"),
    "datenkatalog": ("Datenkatalog", "Für Analystinnen und Analysten"),
}
TIMEOUT_MS = 180_000
ROOT = Path(__file__).resolve().parents[1]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@contextlib.contextmanager
def served(data_dir: Path) -> Iterator[str]:
    """``streamlit run`` of the dashboards over ``data_dir`` on a free port; yields its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboards" / "streamlit_app.py"),
           "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, env={**os.environ, "REGIOHUB_DATA_DIR": str(data_dir)}, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("streamlit did not start")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def rendered(page: Page, title: str, last: str) -> None:
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=TIMEOUT_MS)
    page.get_by_text(last).first.wait_for(timeout=TIMEOUT_MS)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=TIMEOUT_MS)


def first_render(browser: Browser, url: str, path: str) -> float:
    """Seconds from navigation to the rendered page, in a new browser session."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    try:
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(f"{url}/{path}", wait_until="domcontentloaded")
        rendered(page, *PAGES[path])
        return time.perf_counter() - t0
    finally:
        context.close()


def switches(browser: Browser, url: str, partners: dict[str, str]) -> list[float]:
    """Seconds per partner change on the Steckbrief: choose each partner once, until its header shows."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    times = []
    try:
        page = context.new_page()
        page.goto(f"{url}/steckbrief", wait_until="domcontentloaded")
        rendered(page, *PAGES["steckbrief"])
        shown = page.get_by_role("heading", level=2).first.inner_text()
        for name in (n for n in partners.values() if not shown.endswith(n)):
            t0 = time.perf_counter()
            page.get_by_label("Partner").click()
            page.get_by_role("option", name=name, exact=True).click()
            page.get_by_role("heading", name=f"Steckbrief {name}").wait_for(timeout=TIMEOUT_MS)
            page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=TIMEOUT_MS)
            times.append(time.perf_counter() - t0)
    finally:
        context.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("REGIOHUB_DATA_DIR"))
    parser.add_argument("--runs", type=int, default=10, help="cached renders per page")
    parser.add_argument("--restarts", type=int, default=3, help="server starts (one uncached render per page each)")
    args = parser.parse_args()
    data_dir = Path(args.data_dir or "data")
    if not (data_dir / "published" / "regiohub.duckdb").exists():
        sys.exit(f"{data_dir}: no published mart (run the pipeline or pass --data-dir)")
    from regiohub.registry.model import load_registry

    partners = {p.id: p.name for p in load_registry().partners}
    print(f"data: {data_dir}; load average {os.getloadavg()[0]:.2f}", flush=True)
    uncached: dict[str, list[float]] = {p: [] for p in PAGES}
    cached: dict[str, list[float]] = {p: [] for p in PAGES}
    switched: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for start in range(args.restarts):
                with served(data_dir) as url:
                    for path in PAGES:
                        uncached[path].append(first_render(browser, url, path))
                    if start == 0:
                        for path in PAGES:
                            cached[path] += [first_render(browser, url, path) for _ in range(args.runs)]
                        switched = switches(browser, url, partners)
        finally:
            browser.close()
    print(f"{'page':<22}{'uncached p50':>13}{'uncached p95':>13}{'cached p50':>12}{'cached p95':>12}")
    for path, (title, _) in PAGES.items():
        u, c = uncached[path], cached[path]
        print(f"{title:<22}{statistics.median(u):>12.2f}s{p95(u):>12.2f}s{statistics.median(c):>11.2f}s"
              f"{p95(c):>11.2f}s")
    if switched:
        print(f"partner switch (Steckbrief, {len(switched)} partners): p50 {statistics.median(switched):.2f} s, "
              f"p95 {p95(switched):.2f} s")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
