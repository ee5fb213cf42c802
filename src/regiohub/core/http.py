"""The one HTTP client every connector uses: timeouts, retries with backoff, a descriptive User-Agent.

Retries are urllib3's ``Retry`` mounted on a requests ``Session``: 429 and 5xx answers and
connection errors are retried with exponential backoff, honouring ``Retry-After`` (capped, so a
publisher cannot stall a run for hours). Downloads are streamed to disk; a body that ends before
its announced ``Content-Length`` raises :class:`IncompleteDownload`, a body larger than the download
limit :class:`DownloadTooLarge` (checked against ``Content-Length`` first, then while streaming).
Conditional requests send ``If-None-Match`` / ``If-Modified-Since`` from the validators of the last good load.

Credentials never leave their host: on a redirect to another host, port or scheme, every credential
header (``Authorization``, the Regionalstatistik ``username``/``password`` headers, API-key headers) is
dropped (:class:`SafeSession`). No request and no redirect reaches a loopback, private, link-local or
metadata address unless allowed explicitly (:mod:`regiohub.core.outbound`). Errors name the status code,
content type and size of an answer, never its body.

Tuning (e.g. in tests): ``REGIOHUB_HTTP_TIMEOUT`` (read timeout, s), ``REGIOHUB_HTTP_RETRIES``,
``REGIOHUB_HTTP_BACKOFF`` (backoff factor, s); limits see :func:`limits`.

In offline mode (``REGIOHUB_OFFLINE_BASE`` set, see :mod:`regiohub.ingest.replay`) every URL
``https://host/path`` is rewritten to ``<offline base>/host/path`` so that the same connector code
runs against the local replay server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from urllib3.util.retry import Retry

from regiohub.core import settings
from regiohub.core.http_errors import (
    MAX_REDIRECTS,
    DownloadTooLarge,
    IncompleteDownload,
    answer_summary,
    describe_error,
    human_bytes,
    reason,
    safe_url,
)
from regiohub.core.outbound import (
    OFFLINE_ENV,
    REFUSED_PEER,
    InternalAddressRefused,
    allowed_origins,
    check,
    guarded_adapter,
)

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 120.0
RETRY_AFTER_MAX = 120.0
# Request headers that carry credentials (lower case); dropped on a redirect to another origin.
CREDENTIAL_HEADERS = frozenset({
    "authorization", "proxy-authorization", "cookie", "username", "password", "x-api-key", "api-key", "apikey",
    "x-auth-token", "token", "private-token",
})
GIB = 1 << 30
__all__ = ["MAX_REDIRECTS", "OFFLINE_ENV", "DownloadTooLarge", "IncompleteDownload", "Limits", "answer_summary",
           "describe_error", "download", "human_bytes", "limits", "reason", "safe_url", "session", "timeout"]


@dataclass(frozen=True)
class Limits:
    """Size limits for payloads from outside (configurable by environment variable, see :func:`limits`)."""

    download_bytes: int = 2 * GIB  # REGIOHUB_MAX_DOWNLOAD_BYTES
    zip_members: int = 10_000  # REGIOHUB_MAX_ZIP_MEMBERS
    unpacked_bytes: int = 4 * GIB  # REGIOHUB_MAX_UNPACKED_BYTES (all extracted members together)
    zip_ratio: float = 200.0  # REGIOHUB_MAX_ZIP_RATIO (uncompressed : compressed, per member above 1 MiB)


def limits() -> Limits:
    """The limits in force: defaults, overridden by ``REGIOHUB_MAX_*`` environment variables."""
    d = Limits()
    return Limits(
        download_bytes=int(_env_float("REGIOHUB_MAX_DOWNLOAD_BYTES", d.download_bytes)),
        zip_members=int(_env_float("REGIOHUB_MAX_ZIP_MEMBERS", d.zip_members)),
        unpacked_bytes=int(_env_float("REGIOHUB_MAX_UNPACKED_BYTES", d.unpacked_bytes)),
        zip_ratio=_env_float("REGIOHUB_MAX_ZIP_RATIO", d.zip_ratio),
    )


class _CappedRetry(Retry):
    """urllib3 ``Retry`` that honours ``Retry-After`` up to :data:`RETRY_AFTER_MAX` seconds."""

    def get_retry_after(self, response):  # type: ignore[no-untyped-def]
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, RETRY_AFTER_MAX)


class SafeSession(requests.Session):
    """A session that drops every credential header when a redirect leaves the original origin.

    requests' own ``rebuild_auth`` strips only ``Authorization``; publishers such as Regionalstatistik
    take the token in ``username``/``password`` headers, which would otherwise follow any redirect.
    Every request, redirects included, passes :func:`regiohub.core.outbound.check` first.
    """

    allowed_hosts: frozenset[str] = frozenset()

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        check(request.url or "", allowed_origins(self.allowed_hosts), request)
        try:
            return super().send(request, **kwargs)
        except requests.ConnectionError as exc:  # the socket reached an internal address after all
            if REFUSED_PEER in str(exc):
                raise InternalAddressRefused(f"refused: {REFUSED_PEER} (DNS rebinding?); allow the host in the "
                                             "registry's internal_hosts if that is intended", request=request) from None
            raise

    def rebuild_auth(self, prepared_request, response):  # type: ignore[no-untyped-def]
        if self.should_strip_auth(response.request.url, prepared_request.url):
            for name in [h for h in prepared_request.headers if h.lower() in CREDENTIAL_HEADERS]:
                del prepared_request.headers[name]
        super().rebuild_auth(prepared_request, response)


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def timeout() -> tuple[float, float]:
    """(connect, read) timeout in seconds."""
    return CONNECT_TIMEOUT, _env_float("REGIOHUB_HTTP_TIMEOUT", READ_TIMEOUT)


def session(total_retries: int | None = None, backoff_factor: float | None = None,
            allow_hosts: tuple[str, ...] | frozenset[str] = ()) -> requests.Session:
    """A requests session with retries on 429/5xx and connection errors; ``allow_hosts`` may be internal."""
    total = int(_env_float("REGIOHUB_HTTP_RETRIES", 5)) if total_retries is None else total_retries
    backoff = _env_float("REGIOHUB_HTTP_BACKOFF", 1.0) if backoff_factor is None else backoff_factor
    retry = _CappedRetry(
        total=total, connect=total, read=total, status=total, backoff_factor=backoff, backoff_max=60,
        status_forcelist=(429, 500, 502, 503, 504), allowed_methods=frozenset({"GET", "HEAD", "POST"}),
        respect_retry_after_header=True, raise_on_status=False,
    )
    s = SafeSession()
    s.allowed_hosts = frozenset(allow_hosts)
    s.max_redirects = MAX_REDIRECTS
    s.headers["User-Agent"] = settings.USER_AGENT
    adapter = guarded_adapter(s.allowed_hosts, max_retries=retry)
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
    nothing and is returned as is. A body above ``limits().download_bytes`` raises
    :class:`DownloadTooLarge` before more than the limit is written (the partial file is removed).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    headers = {**conditional_headers(validators), **dict(kwargs.pop("headers", None) or {})}  # type: ignore[call-overload]
    limit = limits().download_bytes
    with http.request(
        method, effective_url(url), stream=True, timeout=timeout(), headers=headers, **kwargs
    ) as resp:
        if resp.status_code == 304:
            return resp
        announced = resp.headers.get("Content-Length", "")
        if announced.isdigit() and int(announced) > limit:
            raise DownloadTooLarge(_too_large(int(announced), limit, "announces"), response=resp)
        written = 0
        with open(target, "wb") as fh:
            try:
                for chunk in resp.iter_content(chunk_size=1 << 16):
                    if written + len(chunk) > limit:
                        fh.close()
                        target.unlink()
                        raise DownloadTooLarge(_too_large(written + len(chunk), limit, "sent more than"),
                                               response=resp)
                    fh.write(chunk)
                    written += len(chunk)
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError) as exc:
                expected = resp.headers.get("Content-Length", "?")
                raise IncompleteDownload(
                    f"connection closed after {written} of {expected} bytes", response=resp
                ) from exc
        resp.raise_for_status()
        return resp


def _too_large(size: int, limit: int, verb: str) -> str:
    amount = human_bytes(size) if verb == "announces" else human_bytes(limit)
    return (f"answer {verb} {amount}, above the download limit of {human_bytes(limit)} "
            "(REGIOHUB_MAX_DOWNLOAD_BYTES); nothing kept")
