"""Every real publisher payload in ../shared/data/real/ goes through `regiohub ingest SOURCE --from PATH`.

Each file either lands with the values the publisher wrote (asserted against the file, read here
with plain Python) or is rejected with one line saying why it is out of scope. Provenance of the
files: ../shared/data/real/PROVENANCE.md. The RKI hospitalisation excerpt belongs to another source.
"""

from __future__ import annotations

import zipfile

import pytest
from real_payloads import (
    DWD,
    DWD_BERLIN,
    DWD_POTSDAM,
    DWD_STATIONS,
    ESI_CORA,
    GTFS_FLEX,
    PEGEL,
    dwd_rows,
    esi_cora_potsdam,
    raw,
    real,
    registry_variant,
)

from regiohub.cli import main
from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest.source import ingest_source

REGISTERED_GAUGES = {"580412", "580430", "580440", "580450", "587560", "580650"}


def ingest_fails(capsys, source: str, path) -> str:
    assert main(["ingest", source, "--from", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"error: {source}: "), err
    return err


# --- PEGELONLINE ------------------------------------------------------------------------------


def test_pegelonline_station_list_of_any_name_loads_its_registered_gauges(data_dir, capsys):
    stations = real(PEGEL / "stations_2014-04.json")
    assert main(["ingest", "pegelonline", "--from", str(stations)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "pegelonline: loaded stations=6, measurements=0" in out
    assert "599 of 605 stations are not registered gauges and were skipped" in out
    got = {r[0]: r[1:] for r in raw(data_dir, "pegelonline", "stations",
                                    "select number, shortname, km, agency, longitude, latitude, water_shortname, "
                                    "water_longname, w_unit from t")}
    assert set(got) == REGISTERED_GAUGES
    # POTSDAM exactly as published in April 2014 (metadata only: no timeseries, so no unit)
    assert got["580412"] == ("POTSDAM", 26.63, "WSA BRANDENBURG", 13.061691889869897, 52.39399735685711,
                             "PHv", "POTSDAMER HAVEL", None)
    assert got["587560"][0] == "PLAUE OP" and got["580650"][0] == "RATHENOW UP"


def test_pegelonline_folder_loads_stations_and_names_what_it_ignored(data_dir, capsys):
    real(PEGEL / "stations_2014-04.json")
    assert main(["ingest", "pegelonline", "--from", str(PEGEL)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "waters_2014-04-24.json is a list of waters (waters.json), not stations or measurements: ignored" in out
    assert "waters_2014-04-24.header.txt is not a PEGELONLINE JSON document: ignored" in out
    assert raw(data_dir, "pegelonline", "stations")[0][0] == 6


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("waters_2014-04-24.json", "waters_2014-04-24.json is a list of waters (waters.json), not stations"),
        ("waters_2014-04-24.header.txt", "waters_2014-04-24.header.txt is not a PEGELONLINE JSON document"),
    ],
)
def test_pegelonline_files_without_stations_or_measurements_are_out_of_scope(data_dir, capsys, name, why):
    err = ingest_fails(capsys, "pegelonline", real(PEGEL / name))
    assert "no PEGELONLINE station list or measurements to load" in err and why in err
    assert not (data_dir / "raw" / "pegelonline").exists()


def test_pegelonline_stations_without_coordinates_and_mixed_case_waters_are_read(data_dir, tmp_path):
    """Registered numbers given to real stations without coordinates (ACHLEITEN; PRELOUC also without agency)."""
    import json

    doc = json.loads(real(PEGEL / "stations_2014-04.json").read_text(encoding="utf-8"))
    picked = [s for s in doc if s["shortname"] in ("ACHLEITEN", "PRELOUC", "SCHÖNWALDE OP")]
    for station, number in zip(picked, ["580412", "580430", "580440"]):
        station["number"] = number
    path = tmp_path / "auswahl.json"
    path.write_text(json.dumps(picked, ensure_ascii=False, indent=2), encoding="utf-8")
    result = ingest_source("pegelonline", from_path=path, data=settings.paths(data_dir))
    assert result.rows == {"stations": 3, "measurements": 0} and not result.quarantined
    got = {r[0]: r[1:] for r in raw(data_dir, "pegelonline", "stations",
                                    "select shortname, longitude, agency, water_shortname from t")}
    assert got["ACHLEITEN"][0] is None and got["PRELOUC"][:2] == (None, None)  # no coordinates; no agency
    assert got["SCHÖNWALDE OP"] == (13.08887895304931, "WSA BRANDENBURG", "HvK")


# --- DWD ----------------------------------------------------------------------------------------


def test_dwd_extracted_potsdam_product_loads_with_the_published_values(data_dir, capsys):
    product = real(DWD_POTSDAM)
    assert main(["ingest", "dwd_klima_potsdam", "--from", str(product)]) == 0, capsys.readouterr().err
    expected = dwd_rows(product)
    got = {r[0]: r[1:] for r in raw(data_dir, "dwd_klima_potsdam", "daily",
                                    "select strftime(day, '%Y%m%d'), station_id, quality_wind, precipitation_mm, "
                                    "sunshine_h, temp_mean_c, temp_max_c, pressure_hpa from t")}
    assert set(got) == set(expected) and len(got) == 31
    for day, f in expected.items():  # STATIONS_ID;MESS_DATUM;QN_3;FX;FM;QN_4;RSK;RSKF;SDK;…;PM;TMK;UPM;TXK
        assert got[day] == (int(f[0]), int(f[2]), float(f[6]), float(f[8]), float(f[13]), float(f[15]), float(f[12]))


def test_dwd_product_with_crlf_or_zipped_under_any_name_loads_the_same(data_dir, tmp_path):
    product = real(DWD_POTSDAM)
    crlf = tmp_path / "klima.txt"
    crlf.write_bytes(product.read_bytes().replace(b"\n", b"\r\n"))
    archive = tmp_path / "download (1).zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(crlf, "produkt_klima_tag_20231201_20231231_03987.txt")
        zf.writestr("Metadaten_Geographie_03987.txt", "Stations_id;Stationshoehe\r\n3987;81\r\n")
    for path in (crlf, archive):
        data = settings.paths(tmp_path / path.stem)
        assert ingest_source("dwd_klima_potsdam", from_path=path, data=data).rows == {"daily": 31}
    assert raw(tmp_path / "klima", "dwd_klima_potsdam", "daily", "select sum(precipitation_mm) from t") == raw(
        tmp_path / "download (1)", "dwd_klima_potsdam", "daily", "select sum(precipitation_mm) from t")


def test_dwd_berlin_station_is_not_loaded_as_potsdam(data_dir, capsys):
    err = ingest_fails(capsys, "dwd_klima_potsdam", real(DWD_BERLIN))
    assert err == ("error: dwd_klima_potsdam: produkt_klima_tag_19861001_19870131_00429.txt: "
                   "station 00429 is not the registered station 03987 (Potsdam)")
    assert not (data_dir / "raw" / "dwd_klima_potsdam").exists()


def test_dwd_station_01358_in_a_zip_is_rejected_naming_both_stations(data_dir, tmp_path, capsys):
    text = real(DWD_BERLIN).read_bytes().replace(b"        429;", b"       1358;")
    archive = tmp_path / "tageswerte_KL_01358_19861001_19870131_hist.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("produkt_klima_tag_19861001_19870131_01358.txt", text)
    err = ingest_fails(capsys, "dwd_klima_potsdam", archive)
    assert "station 01358 is not the registered station 03987 (Potsdam)" in err and archive.name in err


def test_dwd_berlin_file_read_byte_exact_for_its_own_station(data_dir, tmp_path):
    """The verbatim CRLF file with -999 inside padded columns, loaded for a source registered for 00429."""
    registry = registry_variant(tmp_path, 'station: "03987"', 'station: "00429"')
    product = real(DWD_BERLIN)
    result = ingest_source("dwd_klima_potsdam", from_path=product, data=settings.paths(data_dir), registry=registry)
    assert result.rows == {"daily": 123} and not result.quarantined
    first = raw(data_dir, "dwd_klima_potsdam", "daily",
                "select station_id, quality_wind, wind_max_ms, pressure_hpa, temp_mean_c, humidity_pct, "
                "temp_ground_min_c from t where day = '1986-10-01'")
    assert first == [(429, None, None, None, 13.9, 65.0, None)]  # -999 is missing, never a value


def test_dwd_station_list_is_out_of_scope(data_dir, capsys):
    err = ingest_fails(capsys, "dwd_klima_potsdam", real(DWD_STATIONS))
    assert "KL_Tageswerte_Beschreibung_Stationen.txt is the DWD station list" in err and "not daily values" in err


def test_dwd_folder_loads_nothing_when_one_product_is_another_station(data_dir, capsys):
    err = ingest_fails(capsys, "dwd_klima_potsdam", real(DWD))
    assert "station 00429 is not the registered station 03987" in err
    assert not (data_dir / "raw" / "dwd_klima_potsdam").exists()


# --- GTFS ---------------------------------------------------------------------------------------


def test_bbnavi_flex_feed_outside_the_partner_region_is_rejected_as_folder_and_zip(data_dir, tmp_path, capsys):
    folder = real(GTFS_FLEX)
    archive = tmp_path / "gtfs-flex.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    why = ("(feed of DigitalAgentur Brandenburg GmbH) has no stop in the partner region "
           "(Kreise 12051, 12054, 12063, 12069, 12072): not loaded, it would replace the current timetable")
    assert ingest_fails(capsys, "vbb_gtfs", folder) == f"error: vbb_gtfs: the GTFS folder {why}"
    assert ingest_fails(capsys, "vbb_gtfs", archive) == f"error: vbb_gtfs: gtfs-flex.zip {why}"
    assert not (data_dir / "raw" / "vbb_gtfs").exists()


def test_bbnavi_flex_feed_loads_for_a_region_that_covers_it(data_dir, tmp_path, monkeypatch):
    """GTFS-Flex quirks: empty times with pickup windows, location-group stop_ids, route_type 715, umlauts in ids."""
    folder = real(GTFS_FLEX)
    uckermark = '  - {id: uckermark, name: Uckermark, ars: "120730000000", level: landkreis}\n'
    registry = registry_variant(tmp_path, "partners:\n", "partners:\n" + uckermark)
    monkeypatch.setattr(settings, "REGISTRY_FILE", tmp_path / "sources.yml")
    result = ingest_source("vbb_gtfs", from_path=folder, data=settings.paths(data_dir), registry=registry)
    assert result.rows == {"stops": 378, "routes": 5, "trips": 8, "stop_times": 8, "calendar": 2}
    assert raw(data_dir, "vbb_gtfs", "routes", "select distinct route_type from t") == [(715,)]
    flex = raw(data_dir, "vbb_gtfs", "stop_times",
               "select departure_time, start_pickup_dropoff_window, end_pickup_dropoff_window, "
               "pickup_booking_rule_id from t where trip_id = 'flex-476-weekdays'")
    assert flex == [(None, "17:30:00", "22:00:00", "flächenrufbus-angermünde-weekdays")]
    kreise = dict(raw(data_dir, "vbb_gtfs", "stops", "select kreis_ags, count(*) from t group by 1"))
    assert kreise["12073"] == 367 and kreise[None] == 1  # 000300603005 has no DHID


# --- RKI wastewater -----------------------------------------------------------------------------


def test_esi_cora_wastewater_loads_the_potsdam_rows_as_published(data_dir, capsys):
    tsv = real(ESI_CORA)
    assert main(["ingest", "rki_abwasser", "--from", str(tsv)]) == 0, capsys.readouterr().err
    expected = esi_cora_potsdam(tsv)
    got = dict(raw(data_dir, "rki_abwasser", "samples",
                   "select strftime(sample_date, '%Y-%m-%d'), viral_load_normalised from t"))
    assert len(expected) == 94 and set(got) == set(expected)
    assert all(got[d] == float(v) for d, v in expected.items())
    assert min(got) == "2022-03-14" and max(got) == "2023-02-15"
    meta = raw(data_dir, "rki_abwasser", "samples", "select distinct site, land, region_ars, pathogen, layout from t")
    assert meta == [("Potsdam", "BB", "120540000000", "SARS-CoV-2", "esi_cora")]


def test_esi_cora_without_potsdam_is_rejected(data_dir, tmp_path, capsys):
    lines = real(ESI_CORA).read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "ohne_potsdam.tsv"
    path.write_text("".join(line for line in lines if "\tPotsdam\t" not in line), encoding="utf-8")
    err = ingest_fails(capsys, "rki_abwasser", path)
    assert err.endswith("ohne_potsdam.tsv: no rows for the registered site(s) Potsdam (BB): nothing to load")


def test_a_rejected_payload_keeps_the_good_data(data_dir, capsys):
    """A DWD file of another station after a good load: raw and state of the good load stay as they were."""
    assert main(["ingest", "dwd_klima_potsdam", "--from", str(real(DWD_POTSDAM))]) == 0
    before = sorted((data_dir / "raw" / "dwd_klima_potsdam").rglob("*.parquet"))
    ingest_fails(capsys, "dwd_klima_potsdam", real(DWD_BERLIN))
    assert sorted((data_dir / "raw" / "dwd_klima_potsdam").rglob("*.parquet")) == before
    with pytest.raises(SourceError, match="station 00429"):
        ingest_source("dwd_klima_potsdam", from_path=DWD_BERLIN, data=settings.paths(data_dir))
    assert raw(data_dir, "dwd_klima_potsdam", "daily")[0][0] == 31
