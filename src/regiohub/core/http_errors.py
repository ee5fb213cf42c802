"""Error wording for operators: what went wrong with a download, without query strings, headers or bodies."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from regiohub.core.echo import cut
from regiohub.core.outbound import InternalAddressRefused

MAX_REDIRECTS = 10


def human_bytes(n: float) -> str:
    """``2 GiB``, ``512 MiB``, ``1.5 KiB``, ``17 B``."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if n == int(n) else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} GiB"  # pragma: no cover


class IncompleteDownload(requests.RequestException):
    """The connection closed before the announced body was complete."""


class DownloadTooLarge(requests.RequestException):
    """The answer is larger than the download limit; the partial file was removed."""


def safe_url(exc_or_url: requests.RequestException | str | None) -> str:
    """The URL of an error (or a URL) without query string or fragment, which could carry tokens."""
    if isinstance(exc_or_url, requests.RequestException):
        response, request = exc_or_url.response, exc_or_url.request
        url = response.url if response is not None else (request.url if request is not None else "")
    else:
        url = exc_or_url or ""
    parts = urlsplit(url or "")
    netloc = parts.netloc.rsplit("@", 1)[-1]  # never user:password@
    return f"{parts.scheme}://{netloc}{parts.path}" if parts.scheme else url.split("?", 1)[0].split("#", 1)[0]


def reason(exc: requests.RequestException) -> str:
    """The error class and its innermost reason, without URLs, query strings or headers."""
    first = exc.args[0] if exc.args else None
    inner = getattr(first, "reason", None)
    if inner is not None:
        if "timed out" in str(inner).lower() or "timeout" in type(inner).__name__.lower():
            return f"{type(exc).__name__}: timed out after retries (read timeout {_read_timeout():g} s)"
        return f"{type(exc).__name__}: {type(inner).__name__}"
    return type(exc).__name__


def answer_summary(resp: requests.Response | None, where: str = "") -> str:
    """``HTTP 404 for … (text/html, 1.2 KiB)``: status, content type and size of an answer, never its body."""
    if resp is None:
        return f"HTTP ?{where}"
    kind = cut(resp.headers.get("Content-Type", "").split(";")[0].strip(), 60)
    size = resp.headers.get("Content-Length", "")
    details = [d for d in (kind, human_bytes(int(size)) if size.isdigit() and int(size) else "") if d]
    return f"HTTP {resp.status_code}{where}" + (f" ({', '.join(details)})" if details else "")


def describe_error(exc: requests.RequestException, *, with_url: bool = True) -> str:
    """One line for the operator: what went wrong, for which URL (without query; none with ``with_url=False``)."""
    where = f" for {safe_url(exc)}" if with_url else ""
    of = f" of {safe_url(exc)}" if with_url else ""
    if isinstance(exc, requests.HTTPError):
        return f"publisher answered {answer_summary(exc.response, where)}"
    if isinstance(exc, InternalAddressRefused):
        return f"download{of} {exc}"
    if isinstance(exc, DownloadTooLarge):
        return f"download{of} refused: {exc}"
    if isinstance(exc, IncompleteDownload):
        return f"download{of} incomplete: {exc} (payload kept)"
    if isinstance(exc, requests.TooManyRedirects):
        return f"download{of} failed: more than {MAX_REDIRECTS} redirects"
    if isinstance(exc, requests.Timeout):
        return f"download timed out (read timeout {_read_timeout():g} s)"
    return f"download failed: {reason(exc)}"


def _read_timeout() -> float:
    from regiohub.core.http import timeout

    return timeout()[1]
