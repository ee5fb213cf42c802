"""The one HTTP client every connector uses: timeouts, retries with backoff, a descriptive User-Agent.

Retries are urllib3's ``Retry`` mounted on a requests ``Session``: 429 and 5xx answers and
connection errors are retried with exponential backoff, honouring ``Retry-After``.

In offline mode (``REGIOHUB_OFFLINE_BASE`` set, see :mod:`regiohub.replay`) every URL
``https://host/path`` is rewritten to ``<offline base>/host/path`` so that the same connector code
runs against the local replay server.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from regiohub import settings

TIMEOUT = (10, 120)  # connect, read (seconds)
OFFLINE_ENV = "REGIOHUB_OFFLINE_BASE"


def session(total_retries: int = 5, backoff_factor: float = 1.0) -> requests.Session:
    """A requests session with retries on 429/5xx and connection errors."""
    retry = Retry(
        total=total_retries,
        connect=total_retries,
        read=total_retries,
        status=total_retries,
        backoff_factor=backoff_factor,
        backoff_max=60,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET", "HEAD", "POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    s = requests.Session()
    s.headers["User-Agent"] = settings.USER_AGENT
    adapter = HTTPAdapter(max_retries=retry)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s


def effective_url(url: str) -> str:
    """The URL actually requested: unchanged online, rewritten to the replay server offline."""
    base = os.environ.get(OFFLINE_ENV)
    if not base:
        return url
    parts = urlsplit(url)
    rewritten = f"{base.rstrip('/')}/{parts.netloc}{parts.path}"
    return f"{rewritten}?{parts.query}" if parts.query else rewritten


def download(
    http: requests.Session,
    url: str,
    target: Path,
    *,
    method: str = "GET",
    **kwargs: object,
) -> requests.Response:
    """Stream ``url`` into ``target``; raise ``requests.HTTPError`` on a non-2xx answer.

    The body is written to ``target`` even for an error answer, so that what the publisher sent
    is kept for inspection.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with http.request(method, effective_url(url), stream=True, timeout=TIMEOUT, **kwargs) as resp:
        with open(target, "wb") as fh:
            for chunk in resp.iter_content(chunk_size=1 << 20):
                fh.write(chunk)
        resp.raise_for_status()
        return resp
