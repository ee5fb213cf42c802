"""Crafted HTTP answers against real local servers: huge and endless bodies, redirects to other hosts.

The download limit holds whatever the server announces; credentials (the Regionalstatistik
``username``/``password`` headers, ``Authorization``) never reach another host; errors are one line
without query strings.
"""

from __future__ import annotations

import re

import pytest
import requests

from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.core.http import OFFLINE_ENV, DownloadTooLarge, describe_error, download, safe_url, session
from regiohub.ingest.source import ingest_source
from regiohub.registry.model import load_registry

from .conftest import FAKE_SECRETS, LOCAL, QuietHandler, assert_no_secrets, mart_untouched

TOKEN = FAKE_SECRETS["REGIOHUB_REGIONALSTATISTIK_TOKEN"]
MIB = 1 << 20


class HugeLength(QuietHandler):
    """Announces 10 GiB and sends a little."""

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", str(10 << 30))
        self.end_headers()
        self.wfile.write(b"Meldedatum,Landkreis_id\n")


class Endless(QuietHandler):
    """No Content-Length; sends until the client hangs up."""

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.end_headers()
        try:
            while True:
                self.wfile.write(b"0" * 65536)
        except OSError:
            pass


class Recorder(QuietHandler):
    """Answers 200 with a small CSV and records every request's headers."""

    seen: list[dict[str, str]] = []

    def _answer(self) -> None:
        Recorder.seen.append({k.lower(): v for k, v in self.headers.items()})
        body = b"statistics_code;time\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer  # noqa: N815


def redirecting_to(target: str, status: int = 307) -> type[QuietHandler]:
    class Redirect(QuietHandler):
        seen: list[dict[str, str]] = []

        def _redirect(self) -> None:
            Redirect.seen.append({k.lower(): v for k, v in self.headers.items()})
            self.send_response(status)
            self.send_header("Location", f"{target}/elsewhere{self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = _redirect  # noqa: N815

    return Redirect


def test_a_huge_content_length_is_refused_before_reading(serve, fast_http, tmp_path) -> None:
    base = serve(HugeLength)
    target = tmp_path / "x.csv"
    with pytest.raises(DownloadTooLarge) as err:
        download(session(allow_hosts=LOCAL), f"{base}/x.csv?token=abc", target)
    assert not target.exists()
    assert describe_error(err.value) == (
        f"download of {base}/x.csv refused: answer announces 10 GiB, above the download limit of 2 GiB "
        "(REGIOHUB_MAX_DOWNLOAD_BYTES); nothing kept"
    )


def test_an_endless_body_stops_at_the_limit(serve, fast_http, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("REGIOHUB_MAX_DOWNLOAD_BYTES", str(MIB))
    base = serve(Endless)
    target = tmp_path / "x.csv"
    with pytest.raises(DownloadTooLarge, match="sent more than 1 MiB"):
        download(session(allow_hosts=LOCAL), f"{base}/x.csv", target)
    assert not target.exists()  # at most the limit was ever on disk, and that is removed


def test_ingest_of_an_oversized_answer_is_one_line_and_the_mart_stays(
    serve, fast_http, tiny_published, monkeypatch
) -> None:
    monkeypatch.setenv(OFFLINE_ENV, serve(HugeLength))  # every publisher URL now goes to the crafted server
    with mart_untouched(tiny_published), pytest.raises(SourceError) as err:
        ingest_source("rki_inzidenz", data=settings.paths(tiny_published))
    message = str(err.value)
    assert message.startswith("rki_inzidenz: ") and "\n" not in message
    assert re.search(r"download limit|DownloadTooLarge", message)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_credentials_never_follow_a_redirect_to_another_host(serve, fast_http, tmp_path, status) -> None:
    Recorder.seen = []
    other = serve(Recorder, host="localhost")  # another origin: other host name and port
    first = serve(redirecting_to(other, status))
    headers = {"username": TOKEN, "password": "", "Authorization": f"Bearer {TOKEN}", "X-API-Key": TOKEN}
    download(session(allow_hosts=LOCAL), f"{first}/tablefile", tmp_path / "t.csv", method="POST", headers=headers)
    assert len(Recorder.seen) == 1
    assert not {"username", "password", "authorization", "x-api-key"} & set(Recorder.seen[0])
    assert TOKEN not in str(Recorder.seen)


def test_credentials_stay_on_a_redirect_within_the_same_origin(serve, fast_http, tmp_path) -> None:
    """The check above can fail: on the same host and port the token does follow (the publisher needs it)."""

    class SameOrigin(Recorder):
        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/a":
                self.send_response(302)
                self.send_header("Location", "/b")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._answer()

    Recorder.seen = []
    download(session(allow_hosts=LOCAL), f"{serve(SameOrigin)}/a", tmp_path / "a.csv", headers={"username": TOKEN})
    assert [h.get("username") for h in Recorder.seen] == [TOKEN]


def test_the_regionalstatistik_token_does_not_reach_a_redirect_target(
    serve, fast_http, data_dir, fake_secrets, monkeypatch
) -> None:
    Recorder.seen = []
    other = serve(Recorder, host="localhost")
    handler = redirecting_to(other)
    monkeypatch.setenv(OFFLINE_ENV, serve(handler))
    registry = load_registry().model_copy(update={"internal_hosts": ["localhost"]})  # the redirect target
    with pytest.raises(SourceError):  # the answer is not a table; what matters is where the token went
        ingest_source("regionalstatistik_bevoelkerung", data=settings.paths(data_dir), registry=registry)
    assert handler.seen and handler.seen[0]["username"] == TOKEN  # the publisher's own host got it
    assert Recorder.seen and all("username" not in h and "password" not in h for h in Recorder.seen)
    assert_no_secrets([data_dir])


def test_a_redirect_loop_is_one_line(serve, fast_http, tmp_path) -> None:
    class Loop(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(302)
            self.send_header("Location", self.path + "x")
            self.send_header("Content-Length", "0")
            self.end_headers()

    base = serve(Loop)
    with pytest.raises(requests.TooManyRedirects) as err:
        download(session(allow_hosts=LOCAL), f"{base}/r?secret=1", tmp_path / "r")
    assert describe_error(err.value).startswith(f"download of {base}/r")
    assert "secret" not in describe_error(err.value) and "more than 10 redirects" in describe_error(err.value)


def test_safe_url_drops_query_fragment_and_userinfo() -> None:
    assert safe_url("https://user:pw@example.org:8443/a/b?token=1#x") == "https://example.org:8443/a/b"
    assert safe_url("/relative?x=1") == "/relative"


def test_describe_error_of_an_http_error_without_url(serve, fast_http) -> None:
    class NotFound(QuietHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    url = f"{serve(NotFound)}/hooks/{TOKEN}"
    response = requests.post(url, timeout=5)
    with pytest.raises(requests.HTTPError) as err:
        response.raise_for_status()
    assert TOKEN in str(err.value)  # what requests would print
    assert describe_error(err.value, with_url=False) == "publisher answered HTTP 404"
    assert describe_error(err.value) == f"publisher answered HTTP 404 for {url}"
