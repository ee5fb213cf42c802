"""Bad rows are quarantined with a reason, bad payloads rejected; either way the payload is kept."""

from __future__ import annotations

import json

import duckdb
import pytest
from faultkit import PEGEL, PEGEL_PATH, RKI, RKI_PATH, snapshot

from regiohub.cli import main
from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest.quarantine import summary
from regiohub.ingest.replay import Fault, offline
from regiohub.ingest.source import ingest_source

LINES = RKI.read_text().splitlines()


def drifted_rki() -> bytes:
    """The RKI file with a new column and six bad rows of every kind."""
    header, rows = LINES[0], LINES[1:]
    second = rows[1].split(",")
    conflicting = ",".join([*second[:-1], "999.9"])
    bad = [
        rows[0],  # exact duplicate
        conflicting,  # same day and district, other values
        "2026-11-01,99999,1000,1,1,1,100.0",  # unknown district key
        "2026-08-01,12054,180000,1,1,-5,-2.8",  # negative incidence
        "gestern,12054,180000,1,1,5,2.8",  # unreadable date
        "2026-08-02,12069,abc,1,1,5,2.8",  # unreadable number
    ]
    return ("\n".join([header + ",Hospitalisierung", *[r + ",0" for r in rows + bad]]) + "\n").encode()


def test_bad_rows_are_quarantined_with_reasons_and_the_rest_loads(published_copy, capsys):
    before_mart = snapshot(published_copy)
    with offline() as server:
        server.inject(RKI_PATH, Fault(body=drifted_rki()))
        assert main(["ingest", "rki_inzidenz"]) == 0
    out = capsys.readouterr().out
    assert "rki_inzidenz: loaded incidence=" in out
    assert "note: COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv: new column(s) ignored: Hospitalisierung" in out
    data = settings.paths(published_copy)
    reasons = {reason: n for (_, entity, reason), n in summary(data, "rki_inzidenz").items()}
    assert reasons == {
        "duplicate row": 1,
        "conflicting rows for key (report_date, district_id)": 2,
        "not a Kreis key (a Land total or unknown)": 1,
        "value out of range": 1,
        "unreadable date in 'Meldedatum'": 1,
        "unreadable whole number in 'Bevoelkerung'": 1,
    }
    load = sorted((published_copy / "landing" / "rki_inzidenz").iterdir())[-1].name
    raw = duckdb.sql(
        f"select count(*), count(distinct (report_date, district_id)) "
        f"from read_parquet('{published_copy}/raw/rki_inzidenz/incidence/{load}.parquet')"
    ).fetchall()[0]
    assert raw == (len(LINES) - 2, len(LINES) - 2)  # all but the conflicting pair, each key once
    # quarantined rows keep their lineage: the payload they came from is still there to replay
    digest = duckdb.sql(
        f"select distinct _payload_sha256 from read_parquet('{published_copy}/quarantine/rki_inzidenz/*/*.parquet')"
    ).fetchall()
    kept = published_copy / "landing" / "rki_inzidenz" / load / RKI.name
    assert kept.read_bytes() == drifted_rki() and len(digest) == 1
    # an ingest does not publish: the mart is untouched until the next build passes the gate
    mart = "published/regiohub.duckdb"
    assert snapshot(published_copy)[mart] == before_mart[mart]


def test_out_of_range_and_unreadable_readings_are_quarantined(data_dir):
    stations = json.loads((PEGEL / "stations.json").read_text())
    body = json.dumps([
        {"timestamp": "2026-11-15T10:00:00+01:00", "value": 296},
        {"timestamp": "2026-11-15T10:15:00+01:00", "value": 99999},
        {"timestamp": "kaputt", "value": 296},
        {"timestamp": "2026-11-15T10:30:00+01:00", "value": 297},
    ]).encode()
    with offline() as server:
        server.inject(f"{PEGEL_PATH}/stations/*/W/measurements.json", Fault(body=body, times=None))
        result = ingest_source("pegelonline", data=settings.paths(data_dir))
    assert result.rows == {"stations": len(stations), "measurements": 2 * len(stations)}
    assert result.quarantined == {
        "measurements": {"water level out of range": len(stations), "unreadable timestamp or value": len(stations)}
    }


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("\n".join([LINES[0], *[",".join(["2026-11-01", "ABCDE", *r.split(",")[2:]]) for r in LINES[1:]]]).encode(),
         "has no rows for the region (Kreise 12051, 12054, 12063, 12069, 12072): release rejected"),
        ("\n".join(line.rsplit(",", 5)[0] + "," + ",".join(line.rsplit(",", 5)[2:]) for line in LINES).encode(),
         "unknown column layout in COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv: missing Bevoelkerung"),
        (b"\x00\x01\x02PK\x99\x00" * 100, "contains NUL bytes"),
    ],
    ids=["mostly-bad", "missing-column", "binary"],
)
def test_unusable_payloads_are_rejected_and_kept(data_dir, body, problem):
    with offline() as server:
        server.inject(RKI_PATH, Fault(body=body))
        with pytest.raises(SourceError) as err:
            ingest_source("rki_inzidenz", data=settings.paths(data_dir))
    assert problem in str(err.value)
    assert not (data_dir / "raw" / "rki_inzidenz").exists() and not (data_dir / "quarantine").exists()
    kept = next((data_dir / "landing" / "rki_inzidenz").iterdir()) / RKI.name
    assert kept.read_bytes() == body


def test_utf16_and_windows_line_endings_are_read(data_dir):
    text = RKI.read_text()
    for encoded in (b"\xff\xfe" + text.encode("utf-16-le"), text.replace("\n", "\r\n").encode("cp1252")):
        with offline() as server:
            server.inject(RKI_PATH, Fault(body=encoded))
            result = ingest_source("rki_inzidenz", data=settings.paths(data_dir))
        assert result.status == "loaded" and result.rows == {"incidence": len(LINES) - 1} and not result.quarantined
