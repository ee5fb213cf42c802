"""The read API as a hostile client and a reverse proxy would meet it: the real ``regiohub api`` process.

Forwarded addresses count only from trusted proxies (so the rate limit is per real client and cannot be
dodged by inventing addresses), numeric parameters are bounded (400, never 500), echoed values are cut,
and ``If-Modified-Since`` never answers 304 for data newer than what is served.
"""

from __future__ import annotations

import socket
from email.utils import format_datetime

import httpx
import pytest

from regiohub.publish.swap import rollback

from .conftest import NEW, OLD


def _statuses(url: str, forwarded: list[str], path: str = "/v1/snapshot") -> list[int]:
    with httpx.Client(base_url=url, timeout=5) as client:
        return [client.get(path, headers={"X-Forwarded-For": f}).status_code for f in forwarded]


# --- forwarded addresses and the rate limit --------------------------------------------------------------


@pytest.mark.parametrize("trusted", ["", "10.0.0.0/8"])
def test_invented_forwarded_addresses_from_an_untrusted_peer_do_not_dodge_the_limit(api_process, trusted) -> None:
    url = api_process(REGIOHUB_API_RATE="1", REGIOHUB_API_BURST="5", REGIOHUB_API_TRUSTED_PROXIES=trusted)
    codes = _statuses(url, [f"203.0.113.{i}" for i in range(1, 21)])
    assert codes.count(429) >= 13  # one bucket for the peer, whatever it claims


def test_behind_a_trusted_proxy_each_real_client_has_its_own_bucket(api_process) -> None:
    url = api_process(REGIOHUB_API_RATE="1", REGIOHUB_API_BURST="5", REGIOHUB_API_TRUSTED_PROXIES="127.0.0.1")
    flood = _statuses(url, ["203.0.113.9"] * 20)
    polite = _statuses(url, ["198.51.100.7"] * 3)
    assert flood.count(429) >= 13 and polite == [200, 200, 200]


def test_rotating_ipv6_addresses_of_one_prefix_share_a_bucket(api_process) -> None:
    url = api_process(REGIOHUB_API_RATE="1", REGIOHUB_API_BURST="5", REGIOHUB_API_TRUSTED_PROXIES="127.0.0.1")
    codes = _statuses(url, [f"2001:db8:1:2::{i:x}" for i in range(1, 21)])
    assert codes.count(429) >= 13 and _statuses(url, ["2001:db8:9:9::1"]) == [200]


def test_a_spoofed_left_part_of_the_forwarded_chain_is_ignored(api_process) -> None:
    """The proxy appends the real peer; what the client put in front of it does not choose the bucket."""
    url = api_process(REGIOHUB_API_RATE="1", REGIOHUB_API_BURST="5", REGIOHUB_API_TRUSTED_PROXIES="127.0.0.1")
    codes = _statuses(url, [f"198.18.0.{i}, 203.0.113.9" for i in range(1, 21)])
    assert codes.count(429) >= 13


# --- parameters and echoes ------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "offset=99999999999999999999999", "limit=99999999999999999999999", "offset=-1", "offset=1e3",
    "offset=1000000001", "limit=0", "offset=%00", "limit=" + "9" * 5000,
])
def test_numeric_parameters_out_of_bounds_are_400_never_500(shared_api, query) -> None:
    response = httpx.get(f"{shared_api}/v1/values?{query}", timeout=5)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert len(response.text) < 1500  # the invalid value is not echoed at length


@pytest.mark.parametrize("size", [200_000, 1_000_000])
def test_an_oversized_request_head_is_refused_and_the_server_stays(shared_api, size) -> None:
    port = int(shared_api.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        try:
            sock.sendall(b"GET /v1/snapshot HTTP/1.1\r\nHost: a\r\nX-Big: " + b"a" * size + b"\r\n\r\n")
        except OSError:
            pass  # the server may close while we are still sending
        try:
            answer = sock.recv(1024)
        except OSError:
            answer = b""
    assert answer == b"" or answer.split(b" ")[1] in (b"400", b"431")
    assert httpx.get(f"{shared_api}/v1/snapshot", timeout=5).status_code == 200


def test_a_long_path_value_is_echoed_cut(shared_api) -> None:
    response = httpx.get(f"{shared_api}/v1/partners/{'x' * 5000}/steckbrief", timeout=5)
    assert response.status_code == 404
    assert "xxxxx…" in response.json()["detail"] and len(response.json()["detail"]) < 120


# --- conditional requests after a rollback --------------------------------------------------------------


def test_if_modified_since_never_hides_a_rollback(api_process, two_snapshots) -> None:
    url = api_process()
    newer = httpx.get(f"{url}/v1/snapshot", timeout=5)
    assert newer.headers["last-modified"] == format_datetime(NEW, usegmt=True)
    assert httpx.get(f"{url}/v1/snapshot", headers={"If-Modified-Since": newer.headers["last-modified"]},
                     timeout=5).status_code == 304  # unchanged data: 304 as before
    assert rollback(two_snapshots) == "20261101T080000Z"
    after = httpx.get(f"{url}/v1/snapshot", headers={"If-Modified-Since": newer.headers["last-modified"]},
                      timeout=5)
    assert after.status_code == 200 and after.json()["items"][0]["snapshot_id"] == "20261101T080000Z"
    assert after.headers["last-modified"] == format_datetime(OLD, usegmt=True)
    by_etag = httpx.get(f"{url}/v1/snapshot", headers={"If-None-Match": newer.headers["etag"]}, timeout=5)
    assert by_etag.status_code == 200 and by_etag.headers["etag"] != newer.headers["etag"]
    later = format_datetime(NEW.replace(year=2027), usegmt=True)  # any other date: the full answer
    assert httpx.get(f"{url}/v1/snapshot", headers={"If-Modified-Since": later}, timeout=5).status_code == 200
    assert httpx.get(f"{url}/v1/snapshot", headers={"If-Modified-Since": after.headers["last-modified"]},
                     timeout=5).status_code == 304  # the served snapshot's own date still revalidates
