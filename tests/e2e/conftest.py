"""End-to-end set-up: Debian's chromium (installed with apt-get where missing) and the app served by Streamlit."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from filelock import FileLock
from playwright.sync_api import Browser, Page, sync_playwright

from regiohub.core import settings

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_LOCK = Path(os.environ.get("TMPDIR", "/tmp")) / "regiohub-chromium-install.lock"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _install_chromium() -> str | None:
    """Install Debian's chromium with apt-get; returns why it could not be installed, or None."""
    if shutil.which("apt-get") is None:
        return "apt-get is not available"
    if os.geteuid() != 0:
        return "installing chromium needs root"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            return f"{' '.join(cmd)} failed: {done.stderr.strip()[-300:]}"
    return None


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The chromium executable (installed on first use where missing; the test is skipped if impossible)."""
    reason = None
    with FileLock(INSTALL_LOCK):  # test workers run in parallel; one apt-get at a time
        if not CHROMIUM.exists():
            reason = _install_chromium()
    if reason or not CHROMIUM.exists():
        pytest.skip(f"headless chromium unavailable: {reason or 'not installed'}")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def served_data_dir(demo_data_dir: Path) -> Path:
    """The app serves the published mart of the session's offline pipeline run."""
    return demo_data_dir


@pytest.fixture(scope="session")
def app_url(served_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run`` of the dashboards on a free local port, over the demo mart."""
    yield from serve_app(served_data_dir, tmp_path_factory.mktemp("streamlit") / "streamlit.log")


@pytest.fixture(scope="module")
def serve_dashboards(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Path], str]]:
    """Serve the dashboards over another data dir: ``url = serve_dashboards(data_dir)`` (stopped after the module)."""
    with contextlib.ExitStack() as stack:
        yield lambda data_dir: stack.enter_context(contextlib.contextmanager(serve_app)(
            data_dir, tmp_path_factory.mktemp("streamlit") / "streamlit.log"))


def serve_app(data_dir: Path, log: Path) -> Iterator[str]:
    """Run the dashboards with ``streamlit run`` over ``data_dir`` on a free port; yield the URL."""
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(settings.DASHBOARD_APP), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(data_dir)}
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=settings.REPO_ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(chromium), headless=True, args=LAUNCH_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def _page(browser: Browser, width: int, height: int) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="de-DE",
                                  timezone_id="Europe/Berlin", accept_downloads=True)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def browser_page(browser: Browser) -> Iterator[Page]:
    """A desktop page (1400 px wide, German locale, downloads allowed), shared by the session."""
    yield from _page(browser, 1400, 1000)


@pytest.fixture(scope="session")
def phone_page(browser: Browser) -> Iterator[Page]:
    """A phone page (390 px wide), shared by the session."""
    yield from _page(browser, 390, 844)


AXE_VERSION = "4.10.3"
AXE_DIR = settings.REPO_ROOT / ".tools" / "axe"


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's axe.min.js from npm (installed once into .tools/axe; skipped without npm)."""
    path = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    with FileLock(AXE_DIR.with_suffix(".lock")):
        if not path.exists():
            _install_axe(path)
    return path


def _install_axe(path: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not available to install axe-core")
    done = subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR),
                           f"axe-core@{AXE_VERSION}"], capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0 or not path.exists():
        pytest.skip(f"axe-core could not be installed: {done.stderr.strip()[-300:]}")
