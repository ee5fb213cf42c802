"""The one HTTP client every connector uses: timeouts, retries with backoff, a descriptive User-Agent.

Retries are urllib3's ``Retry`` mounted on a requests ``Session``: 429 and 5xx answers and
connection errors are retried with exponential backoff, honouring ``Retry-After`` (capped, so a
publisher cannot stall a run for hours). Downloads are streamed to disk; a body that ends before
its announced ``Content-Length`` raises :class:`IncompleteDownload`. Conditional requests send
``If-None-Match`` / ``If-Modified-Since`` from the validators of the last good load.

Tuning (e.g. in tests): ``REGIOHUB_HTTP_TIMEOUT`` (read timeout, s), ``REGIOHUB_HTTP_RETRIES``,
``REGIOHUB_HTTP_BACKOFF`` (backoff factor, s).

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

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 120.0
OFFLINE_ENV = "REGIOHUB_OFFLINE_BASE"
RETRY_AFTER_MAX = 120.0


class IncompleteDownload(requests.RequestException):
    """The connection closed before the announced body was complete."""


class _CappedRetry(Retry):
    """urllib3 ``Retry`` that honours ``Retry-After`` up to :data:`RETRY_AFTER_MAX` seconds."""

    def get_retry_after(self, response):  # type: ignore[no-untyped-def]
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, RETRY_AFTER_MAX)


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def timeout() -> tuple[float, float]:
    """(connect, read) timeout in seconds."""
    return CONNECT_TIMEOUT, _env_float("REGIOHUB_HTTP_TIMEOUT", READ_TIMEOUT)


def session(total_retries: int | None = None, backoff_factor: float | None = None) -> requests.Session:
    """A requests session with retries on 429/5xx and connection errors."""
    total = int(_env_float("REGIOHUB_HTTP_RETRIES", 5)) if total_retries is None else total_retries
    backoff = _env_float("REGIOHUB_HTTP_BACKOFF", 1.0) if backoff_factor is None else backoff_factor
    retry = _CappedRetry(
        total=total,
        connect=total,
        read=total,
        status=total,
        backoff_factor=backoff,
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


def is_offline() -> bool:
    return bool(os.environ.get(OFFLINE_ENV))


def conditional_headers(validators: dict[str, str] | None) -> dict[str, str]:
    """``If-None-Match`` / ``If-Modified-Since`` from a previous answer's ``etag`` / ``last_modified``."""
    headers = {}
    if validators and validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators and validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    return headers


def validators_of(resp: requests.Response) -> dict[str, str]:
    return {k: v for k, v in (("etag", resp.headers.get("ETag")), ("last_modified", resp.headers.get("Last-Modified")))
            if v}


def download(
    http: requests.Session,
    url: str,
    target: Path,
    *,
    method: str = "GET",
    validators: dict[str, str] | None = None,
    **kwargs: object,
) -> requests.Response:
    """Stream ``url`` into ``target``; raise ``requests.HTTPError`` on a non-2xx answer.

    The body is written to ``target`` even for an error answer, so that what the publisher sent
    is kept for inspection. With ``validators`` the request is conditional: a ``304`` answer writes
    nothing and is returned as is.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    headers = {**conditional_headers(validators), **dict(kwargs.pop("headers", None) or {})}  # type: ignore[call-overload]
    with http.request(
        method, effective_url(url), stream=True, timeout=timeout(), headers=headers, **kwargs
    ) as resp:
        if resp.status_code == 304:
            return resp
        written = 0
        with open(target, "wb") as fh:
            try:
                for chunk in resp.iter_content(chunk_size=1 << 16):
                    fh.write(chunk)
                    written += len(chunk)
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError) as exc:
                expected = resp.headers.get("Content-Length", "?")
                raise IncompleteDownload(
                    f"connection closed after {written} of {expected} bytes", response=resp
                ) from exc
        resp.raise_for_status()
        return resp
