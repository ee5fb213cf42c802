"""Hostile intake: ``--from`` at system files and hard links, region keys with a tail, Opendatasoft values,
duplicate CSV header names and duplicate ZIP member names.

Each is refused clearly (one line naming the problem, nothing of a secret quoted, the mart untouched) or
quarantined with its reason — never silently cut, resolved by chance or loaded as a number.
"""

from __future__ import annotations

import json
import os
import re

import duckdb
import pytest

from regiohub import cli
from regiohub.core import settings
from regiohub.core.http import OFFLINE_ENV
from regiohub.ingest.replay import RECORDINGS_DIR
from regiohub.ingest.source import ingest_source

from .conftest import QuietHandler, mart_untouched
from .zipcraft import archive

RKI = next(RECORDINGS_DIR.glob("raw.githubusercontent.com/**/COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv"))
SECRET_LINE = "db_password=hunter2-INTAKE"


def _refused(capsys, args: list[str]) -> str:
    assert cli.main(args) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err
    return err


# --- --from at system files and second names -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/proc/self/environ", "/proc/self/cmdline", "/proc/version", "/proc/self/status",
                                  "/sys/kernel/address_bits", "/dev/null", "/dev/shm"])
def test_from_refuses_system_folders(tiny_published, capsys, monkeypatch, path) -> None:
    if not os.path.exists(path):
        pytest.skip(f"{path} does not exist here")
    monkeypatch.setenv("REGIOHUB_TEST_SECRET_TOKEN", SECRET_LINE)
    with mart_untouched(tiny_published):
        err = _refused(capsys, ["ingest", "rki_inzidenz", "--from", path])
    assert "nothing was read" in err and SECRET_LINE not in err
    landing = settings.paths(tiny_published).landing
    assert not any(p.is_file() for p in landing.rglob("*"))


def test_from_refuses_a_folder_that_links_into_proc(tiny_published, tmp_path, capsys) -> None:
    (tmp_path / "drop").symlink_to("/proc/self")
    err = _refused(capsys, ["ingest", "rki_inzidenz", "--from", str(tmp_path / "drop" / "environ")])
    assert "/proc" in err and "nothing was read" in err


def test_from_refuses_a_hard_link_to_a_secret_file(tiny_published, tmp_path, capsys) -> None:
    secret = tmp_path / "geheim.conf"
    secret.write_text(SECRET_LINE + "\n")
    os.link(secret, tmp_path / "inzidenz.csv")
    with mart_untouched(tiny_published):
        err = _refused(capsys, ["ingest", "rki_inzidenz", "--from", str(tmp_path / "inzidenz.csv")])
    assert "has 2 hard links" in err and SECRET_LINE not in err
    assert not any(p.is_file() for p in settings.paths(tiny_published).landing.rglob("*"))


def test_from_refuses_a_folder_with_a_hard_linked_file(tiny_published, tmp_path, capsys) -> None:
    folder = tmp_path / "lieferung"
    folder.mkdir()
    (folder / "a.csv").write_bytes(RKI.read_bytes())
    os.link(folder / "a.csv", tmp_path / "zweitname.csv")
    assert "has 2 hard links" in _refused(capsys, ["ingest", "rki_inzidenz", "--from", str(folder)])


def test_from_still_takes_an_ordinary_file(tiny_published, tmp_path, capsys) -> None:
    """The refusals above are about the kind of file: the same content as a file of its own is loaded."""
    own = tmp_path / "inzidenz.csv"
    own.write_bytes(RKI.read_bytes())
    assert cli.main(["ingest", "rki_inzidenz", "--from", str(own)]) == 0, capsys.readouterr().err


# --- region keys validated whole -------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["12054GARBAGE'--", "120540", "12054 12063", "1205x", "012054", "12054.0"])
def test_a_district_key_with_a_tail_is_quarantined_not_cut(data_dir, tmp_path, key) -> None:
    header, *rows = RKI.read_text().splitlines()
    kreise = [r for r in rows if re.fullmatch(r"(0[1-9]|1[0-6])[0-9]{3}", r.split(",")[1])
              and not r.split(",")[1].endswith("000")][:100]
    payload = tmp_path / "inzidenz.csv"
    payload.write_text("\n".join([header, *kreise, f"2026-09-02,\"{key}\",4242,10,1,1,1.0"]) + "\n")
    result = ingest_source("rki_inzidenz", from_path=payload, data=settings.paths(data_dir))
    assert result.quarantined == {"incidence": {"not a Kreis key (a Land total or unknown)": 1}}
    assert result.rows == {"incidence": len(kreise)}
    with duckdb.connect() as con:
        loaded = con.execute("select count(*) from read_parquet(?) where population = 4242",
                             [str(next((settings.paths(data_dir).raw / "rki_inzidenz").rglob("*.parquet")))])
        assert loaded.fetchone() == (0,)  # not loaded as 12054 (or anything else)


# --- Opendatasoft values ---------------------------------------------------------------------------------


def _ods_server(serve, records: list[dict] | bytes) -> str:
    body = records if isinstance(records, bytes) else json.dumps(
        {"total_count": len(records), "results": records}, allow_nan=True).encode()

    class Portal(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return serve(Portal)


GOOD = [{"stadtteil": f"S{i}", "jahr": "2024", "einwohner": 1000 + i} for i in range(10)]


@pytest.mark.parametrize("bad, reason", [
    ({"einwohner": float("nan")}, "value not finite (NaN or Infinity)"),
    ({"einwohner": float("inf")}, "value not finite (NaN or Infinity)"),
    ({"einwohner": float("-inf")}, "value not finite (NaN or Infinity)"),
    ({"geo": {"lat": float("nan"), "lon": 13.0}}, "value not finite (NaN or Infinity)"),
    ({"einwohner": -5}, "negative count"),
    ({"anzahl_haushalte": -0.5}, "negative count"),
    ({"werte": {"bevoelkerung": -12}}, "negative count"),
])
def test_opendatasoft_bad_values_are_quarantined(serve, fast_http, data_dir, monkeypatch, bad, reason) -> None:
    monkeypatch.setenv(OFFLINE_ENV, _ods_server(serve, [*GOOD, {"stadtteil": "X", "jahr": "2024", **bad}]))
    result = ingest_source("potsdam_einwohner_stadtteile", data=settings.paths(data_dir))
    assert result.quarantined == {"ods_records": {reason: 1}} and result.rows == {"ods_records": 10}


def test_opendatasoft_1e400_is_not_a_number(serve, fast_http, data_dir, monkeypatch) -> None:
    body = (b'{"total_count": 11, "results": [' + b", ".join(json.dumps(r).encode() for r in GOOD)
            + b', {"stadtteil": "X", "einwohner": 1e400}]}')
    monkeypatch.setenv(OFFLINE_ENV, _ods_server(serve, body))
    result = ingest_source("potsdam_einwohner_stadtteile", data=settings.paths(data_dir))
    assert result.quarantined == {"ods_records": {"value not finite (NaN or Infinity)": 1}}


def test_a_change_may_be_negative(serve, fast_http, data_dir, monkeypatch) -> None:
    monkeypatch.setenv(OFFLINE_ENV, _ods_server(serve, [{**r, "einwohner_veraenderung": -3} for r in GOOD]))
    result = ingest_source("potsdam_einwohner_stadtteile", data=settings.paths(data_dir))
    assert result.quarantined == {} and result.rows == {"ods_records": 10}


def test_one_huge_opendatasoft_record_rejects_the_payload(serve, fast_http, tiny_published, monkeypatch) -> None:
    monkeypatch.setenv(OFFLINE_ENV, _ods_server(serve, [{"stadtteil": "X" * (3 << 20), "einwohner": 1}]))
    with mart_untouched(tiny_published), pytest.raises(Exception) as err:
        ingest_source("potsdam_einwohner_stadtteile", data=settings.paths(tiny_published))
    assert "record 0 has 3.0 MiB, above the limit of 1 MiB per record" in str(err.value)
    assert not list(settings.paths(tiny_published).raw.rglob("*.parquet"))


# --- duplicate names -------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [
    "Meldedatum,Landkreis_id,Bevoelkerung,Faelle_gesamt,Faelle_neu,Faelle_7-Tage,Inzidenz_7-Tage,Landkreis_id",
    "Meldedatum,Landkreis_id,Bevoelkerung,Faelle_gesamt,Faelle_neu,Faelle_7-Tage,Inzidenz_7-Tage,Inzidenz_7-Tage",
    "Meldedatum,Meldedatum,Landkreis_id,Bevoelkerung,Faelle_gesamt,Faelle_neu,Faelle_7-Tage,Inzidenz_7-Tage",
])
def test_a_header_naming_a_column_twice_refuses_the_file(tiny_published, tmp_path, capsys, header) -> None:
    payload = tmp_path / "inzidenz.csv"
    row = "2026-09-01,01001,91000,38232,0,12,13.2,99999"
    payload.write_text(f"{header}\n{row}\n")
    with mart_untouched(tiny_published):
        err = _refused(capsys, ["ingest", "rki_inzidenz", "--from", str(payload)])
    assert "appears twice" in err and "file refused" in err


@pytest.mark.parametrize("names", [("a/stops.txt", "b/stops.txt"), ("stops.txt", "stops.txt"),
                                   ("stops.txt", "x/y/stops.txt")])
def test_two_zip_members_of_one_name_refuse_the_archive(tiny_published, tmp_path, capsys, names) -> None:
    import warnings
    import zipfile

    feed = tmp_path / "GTFS.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about a duplicate name: that is the point
        with zipfile.ZipFile(feed, "w") as zf:
            zf.writestr("agency.txt", "agency_id,agency_name\n1,VBB\n")
            for i, name in enumerate(names):
                zf.writestr(name, f"stop_id,stop_name\nde:12054:{i},Halt {i}\n")
    with mart_untouched(tiny_published):
        err = _refused(capsys, ["ingest", "vbb_gtfs", "--from", str(feed)])
    assert "member name 'stops.txt' occurs 2 times" in err and "archive refused" in err


def test_a_zip_member_name_is_quoted_cut(tiny_published, tmp_path, capsys) -> None:
    feed = archive(tmp_path / "GTFS.zip", {"../" + "x" * 5000 + ".txt": b"1"})
    err = _refused(capsys, ["ingest", "vbb_gtfs", "--from", str(feed)])
    assert "…" in err and len(err) < 400


# --- bounded echoes ---------------------------------------------------------------------------------------


def test_huge_hostile_values_never_reach_state_log_or_status_at_length(data_dir, tmp_path, capsys) -> None:
    huge = "X" * 500_000
    header = tmp_path / "inzidenz.csv"
    header.write_text(f"Meldedatum,{huge},Landkreis_id,{huge}\n2026-09-01,1,01001,2\n")
    member = archive(tmp_path / "GTFS.zip", {"/" + "Y" * 60_000: b"1"})
    bad_key = tmp_path / "schluessel.csv"
    bad_key.write_text(RKI.read_text().splitlines()[0] + f"\n2026-09-01,{'Z' * 1_000_000},1,1,1,1,1.0\n")
    outputs = [_refused(capsys, ["ingest", "rki_inzidenz", "--from", str(header)]),
               _refused(capsys, ["ingest", "vbb_gtfs", "--from", str(member)]),
               _refused(capsys, ["ingest", "rki_inzidenz", "--from", str(bad_key)])]
    assert cli.main(["status"]) == 0
    outputs.append(capsys.readouterr().out)
    data = settings.paths(data_dir)
    texts = [*outputs, *(p.read_text(errors="replace") for folder in (data.state, data.runs)
                         for p in folder.rglob("*") if p.is_file() and p.suffix in (".json", ".jsonl"))]
    assert len(texts) > 4
    for text in texts:
        for letter in "XYZ":
            assert letter * 121 not in text



@pytest.mark.parametrize("error", ["SourceError", "ValueError"])
def test_a_10_mb_value_in_any_error_is_bounded_everywhere(data_dir, tmp_path, capsys, monkeypatch, error) -> None:
    """The backstop for a connector that forgets to cut: state, ingest log, output and status stay small."""
    from regiohub.core.errors import SourceError
    from regiohub.ingest.connectors.rki_incidence import RkiIncidenceConnector

    station = "S" * 10_000_000

    def parse(self, con, landing_dir, source, workdir):  # noqa: ANN001, ARG001
        if error == "SourceError":
            raise SourceError(source.id, f"unknown station {station}")
        raise ValueError(f"unknown station {station}")

    monkeypatch.setattr(RkiIncidenceConnector, "parse", parse)
    payload = tmp_path / "inzidenz.csv"
    payload.write_bytes(RKI.read_bytes())
    if error == "SourceError":
        out = _refused(capsys, ["ingest", "rki_inzidenz", "--from", str(payload)])
    else:
        with pytest.raises(ValueError):
            cli.main(["ingest", "rki_inzidenz", "--from", str(payload)])
        out = capsys.readouterr().err
    assert cli.main(["status"]) == 0
    status = capsys.readouterr().out
    data = settings.paths(data_dir)
    files = [p for folder in (data.state, data.runs) for p in folder.rglob("*") if p.is_file()]
    assert files and all(p.stat().st_size < 20_000 for p in files)
    assert len(out) < 1_100 and len(status) < 20_000 and "S" * 1_000 not in status
