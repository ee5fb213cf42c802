"""More crafted answers and drops: a gzip bomb in Content-Encoding, redirects to other schemes,
archives through the GTFS connector, inbox file names made to break log lines.
"""

from __future__ import annotations

import gzip
import json

import pytest
import requests

from regiohub import cli
from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.core.http import DownloadTooLarge, describe_error, download, session
from regiohub.ingest import inbox

from .conftest import LOCAL, QuietHandler, mart_untouched
from .zipcraft import archive

MIB = 1 << 20


def test_a_gzip_bomb_in_content_encoding_stops_at_the_limit(serve, fast_http, tmp_path, monkeypatch) -> None:
    """requests inflates ``Content-Encoding: gzip`` itself: the limit counts the inflated bytes."""
    body = gzip.compress(b"\0" * (64 * MIB), compresslevel=9)  # 64 KiB on the wire

    class GzipBomb(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    monkeypatch.setenv("REGIOHUB_MAX_DOWNLOAD_BYTES", str(4 * MIB))
    target = tmp_path / "x.csv"
    with pytest.raises(DownloadTooLarge, match="sent more than 4 MiB"):
        download(session(allow_hosts=LOCAL), f"{serve(GzipBomb)}/x.csv", target)
    assert not target.exists()


@pytest.mark.parametrize("location", ["file:///etc/passwd", "gopher://127.0.0.1:70/x", "ftp://127.0.0.1/x"])
def test_a_redirect_to_another_scheme_is_refused(serve, fast_http, tmp_path, location) -> None:
    class Elsewhere(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

    target = tmp_path / "x.csv"
    with pytest.raises(requests.RequestException) as err:
        download(session(allow_hosts=LOCAL), f"{serve(Elsewhere)}/x.csv", target)
    assert describe_error(err.value).startswith("download failed: InvalidSchema")
    assert not target.exists() or b"root:" not in target.read_bytes()


def test_a_gtfs_archive_with_a_symlink_member_is_refused(tmp_path, tiny_published, capsys) -> None:
    feed = archive(tmp_path / "GTFS.zip", {"agency.txt": b"agency_id,agency_name\n1,VBB\n"},
                   symlinks={"stops.txt": "/etc/shadow"})
    with mart_untouched(tiny_published):
        code = cli.main(["ingest", "vbb_gtfs", "--from", str(feed)])
    assert code == 1
    assert capsys.readouterr().err.strip() == (
        "error: vbb_gtfs: GTFS.zip: member 'stops.txt' is a symbolic link; archive refused"
    )
    kept = list((settings.paths(tiny_published).landing / "vbb_gtfs").rglob("GTFS.zip"))
    assert len(kept) == 1 and not list(settings.paths(tiny_published).raw.rglob("*.parquet"))


@pytest.mark.parametrize("name", ["zeile1\nERROR forged: alles gut.csv", "tab\tund\rwagen.csv", "bytes-\udcff.csv"])
def test_inbox_names_cannot_forge_log_lines(tiny_published, caplog, name) -> None:
    data = settings.paths(tiny_published)
    folder = inbox.inbox_dir("rki_inzidenz", data)
    folder.mkdir(parents=True)
    (folder / name).write_bytes(b"")
    with pytest.raises(SourceError) as err:
        inbox.ingest_drop("rki_inzidenz", "run-1", data=data)
    assert "\n" not in str(err.value) and "\r" not in str(err.value)
    lines = [r.getMessage() for r in caplog.records if r.name == "regiohub.ingest.inbox"]
    assert len(lines) == 1 and lines[0].isprintable()
    reasons = json.loads((inbox.rejected_dir("rki_inzidenz", data) / "run-1.json").read_text(encoding="utf-8"))
    assert list(reasons) == [inbox.printable(name)]
    kept = inbox.rejected_dir("rki_inzidenz", data) / "run-1"
    assert [p.name for p in kept.iterdir()] == [name]  # kept under its own name
