"""Outbound requests cannot be turned inward: redirects and URLs to internal addresses, error bodies, webhooks.

Real local servers play the publisher (as the offline base, which is allowed) and the "internal" service
(another port on 127.0.0.1, which is not): a publisher redirect to it is refused before any byte reaches
it, and nothing the internal service could say lands in state, logs or ``regiohub status``.
"""

from __future__ import annotations

import pytest
import requests

from regiohub import cli
from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.core.http import OFFLINE_ENV, describe_error, download, session
from regiohub.core.outbound import InternalAddressRefused, is_internal
from regiohub.ingest.source import ingest_source
from regiohub.registry.model import load_registry

from .conftest import QuietHandler, mart_untouched

SECRET = b"INTERNAL_SECRET_42; db_password=hunter2\n"


class Internal(QuietHandler):
    """An internal service: counts requests, answers its secret."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        Internal.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", str(len(SECRET)))
        self.end_headers()
        self.wfile.write(SECRET)

    do_POST = do_GET  # noqa: N815


def redirect_to(location: str, status: int = 302) -> type[QuietHandler]:
    class Redirect(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(status)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_POST = do_GET  # noqa: N815

    return Redirect


def _texts(data_dir) -> str:
    """Everything a person could read afterwards: state, run logs, alerts."""
    return "".join(p.read_text(errors="replace") for folder in ("state", "runs")
                   for p in (data_dir / folder).rglob("*") if p.is_file() and p.suffix in (".json", ".jsonl"))


@pytest.fixture
def internal(serve) -> str:
    Internal.hits = []
    return serve(Internal)


def test_a_publisher_redirect_to_an_internal_service_is_refused_and_nothing_leaks(
    serve, fast_http, internal, data_dir, monkeypatch, capsys
) -> None:
    monkeypatch.setenv(OFFLINE_ENV, serve(redirect_to(f"{internal}/internal/secret")))
    with mart_untouched(data_dir):
        assert cli.main(["ingest", "rki_inzidenz"]) == 1
    err = capsys.readouterr().err
    assert "is an internal address" in err and "internal_hosts" in err
    assert Internal.hits == []  # not a single request reached it
    assert cli.main(["status"]) == 0
    status = capsys.readouterr().out
    for text in (err, status, _texts(data_dir)):
        assert "INTERNAL_SECRET" not in text and "hunter2" not in text


@pytest.mark.parametrize("host", [
    "127.0.0.2", "localhost", "10.0.0.1", "172.16.5.4", "192.168.178.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "[::1]", "[fe80::1]", "[fd00::1]", "[::ffff:127.0.0.1]", "[::ffff:169.254.169.254]",
])
def test_redirects_to_every_kind_of_internal_address_are_refused(serve, fast_http, tmp_path, monkeypatch,
                                                                  host) -> None:
    base = serve(redirect_to(f"http://{host}:9/latest/meta-data/"))
    monkeypatch.setenv(OFFLINE_ENV, base)  # the publisher itself is allowed, only as the replay base
    with pytest.raises(InternalAddressRefused) as err:
        download(session(), f"{base}/x.csv", tmp_path / "x.csv")
    assert describe_error(err.value).startswith("download of http://")
    assert "internal address" in describe_error(err.value)


@pytest.mark.parametrize("address, internal", [
    ("8.8.8.8", False), ("2a00:1450:4001:80b::200e", False), ("127.0.0.1", True), ("169.254.169.254", True),
    ("::ffff:10.1.2.3", True), ("224.0.0.1", True), ("fe80::1%eth0", True), ("::ffff:8.8.8.8", False),
    ("64:ff9b::7f00:1", True), ("64:ff9b::808:808", False), ("2002:7f00:1::1", True), ("2002:a9fe:a9fe::1", True),
    ("100.100.100.200", True), ("fd00:ec2::254", True),
])
def test_internal_addresses_are_recognised(address, internal) -> None:
    assert is_internal(address) is internal


def test_a_configured_url_to_an_internal_host_is_refused_without_contact(fast_http, internal, tmp_path) -> None:
    with pytest.raises(InternalAddressRefused):
        download(session(), f"{internal}/x.csv", tmp_path / "x.csv")
    assert Internal.hits == []


def test_a_registry_allowance_opens_exactly_that_host(serve, fast_http, internal, tiny_published,
                                                      monkeypatch) -> None:
    """The refusal above can be lifted, explicitly: the registry names the internal host."""
    monkeypatch.setenv(OFFLINE_ENV, serve(redirect_to(f"{internal}/internal/data.csv")))
    registry = load_registry().model_copy(update={"internal_hosts": [internal.removeprefix("http://")]})
    with pytest.raises(SourceError) as err:  # reached, but the answer is no RKI table
        ingest_source("rki_inzidenz", data=settings.paths(tiny_published), registry=registry)
    assert Internal.hits == ["/internal/data.csv"]
    assert "internal address" not in str(err.value)


def test_the_offline_replay_server_stays_allowed(data_dir) -> None:
    from regiohub.ingest.replay import offline

    with offline():
        result = ingest_source("rki_inzidenz", data=settings.paths(data_dir))
    assert result.status == "loaded"


def test_an_error_page_is_named_by_status_type_and_size_never_its_body(serve, fast_http, data_dir,
                                                                       monkeypatch, capsys) -> None:
    class ErrorPage(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = b"INTERNAL_SECRET_42 stack trace: db_password=hunter2\n" * 20
            self.send_response(500)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    monkeypatch.setenv(OFFLINE_ENV, serve(ErrorPage))
    assert cli.main(["ingest", "rki_inzidenz"]) == 1
    err = capsys.readouterr().err
    assert "publisher answered HTTP 500 for http://127.0.0.1:" in err and "(text/plain, 1.0 KiB)" in err
    cli.main(["status"])
    for text in (err, capsys.readouterr().out, _texts(data_dir)):
        assert "INTERNAL_SECRET" not in text and "hunter2" not in text


def test_a_dns_name_of_an_internal_address_is_refused_like_the_address(fast_http, internal, tmp_path) -> None:
    port = internal.rsplit(":", 1)[1]
    with pytest.raises(requests.RequestException, match="internal address"):
        download(session(), f"http://localhost:{port}/x", tmp_path / "x")
    assert Internal.hits == []


def test_a_name_that_turns_internal_after_the_check_is_refused_at_connect(fast_http, internal, tmp_path,
                                                                           monkeypatch) -> None:
    """DNS rebinding: the URL check saw a public address; the socket reached an internal one."""
    from regiohub.core import http

    monkeypatch.setattr(http, "check", lambda *args, **kwargs: None)  # as if the name had resolved publicly
    with pytest.raises(InternalAddressRefused, match="connected address is internal"):
        download(session(), f"{internal}/x.csv?token=abc", tmp_path / "x.csv")
    assert Internal.hits == []


def test_the_connect_check_lets_an_allowed_host_through(fast_http, internal, tmp_path, monkeypatch) -> None:
    from regiohub.core import http

    monkeypatch.setattr(http, "check", lambda *args, **kwargs: None)
    download(session(allow_hosts=("127.0.0.1",)), f"{internal}/x.csv", tmp_path / "x.csv")
    assert Internal.hits == ["/x.csv"]
