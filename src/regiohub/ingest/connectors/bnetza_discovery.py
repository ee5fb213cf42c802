"""Finding the Ladesäulenregister's current file: the publisher's download page links it.

The Bundesnetzagentur publishes the register monthly under a new, dated file name
(``…/E-Mobilitaet/Ladesaeulenregister_BNetzA_2026-10-29.csv`` on ``data.bundesnetzagentur.de``) and
links it, next to the XLSX version, from the Ladesäulenkarte page (the source's ``url``). The newest
``Ladesaeulenregister…csv`` link on that page is the current release. Only links to the publisher's
own hosts are followed, and the file name must be a plain name (no path can leave the landing folder).
"""

from __future__ import annotations

import html
import re
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.base import FetchContext
from regiohub.registry.model import Source

HOSTS = ("www.bundesnetzagentur.de", "data.bundesnetzagentur.de", "bundesnetzagentur.de")
_LINK = re.compile(r"""href\s*=\s*["']([^"']*Ladesaeulenregister[^"']*?\.csv(?:[?;][^"']*)?)["']""", re.IGNORECASE)
_DATED = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.csv")
MAX_PAGE = 2 << 20


def current_file(ctx: FetchContext) -> str:
    """The URL of the newest register CSV linked from the download page."""
    page_url = ctx.source.resolved_url()
    page = ctx.landing_dir.parent / f".{ctx.landing_dir.name}.page.html"  # outside the payload folder
    try:
        ctx.get(page_url, page, conditional=False)
        if page.stat().st_size > MAX_PAGE:
            raise SourceError(ctx.source.id, "the download page is larger than 2 MiB: not the publisher's page")
        text = page.read_text(encoding="utf-8", errors="replace")
    finally:
        page.unlink(missing_ok=True)
    return newest_link(text, page_url, ctx.source)


def newest_link(text: str, page_url: str, source: Source) -> str:
    links = []
    for href in _LINK.findall(text):
        url = urljoin(page_url, html.unescape(href))
        if urlsplit(url).scheme == "https" and urlsplit(url).hostname in HOSTS:
            links.append(url)
    if not links:
        raise SourceError(
            source.id,
            "the download page links no Ladesäulenregister CSV (page changed?); pin a file with params.file",
        )
    return max(links, key=_release)  # the newest dated name; the first link among equals


def _release(url: str) -> str:
    m = _DATED.search(PurePosixPath(urlsplit(url).path).name)
    return m.group(1) if m else ""


def file_name(url: str, source: Source) -> str:
    """The plain file name of a register URL (``…/Ladesaeulenregister_BNetzA_2026-10-29.csv``)."""
    name = PurePosixPath(urlsplit(url).path.split(";", 1)[0]).name
    if not _NAME.fullmatch(name):
        raise SourceError(source.id, "the register link has no plain CSV file name; pin a file with params.file")
    return name
