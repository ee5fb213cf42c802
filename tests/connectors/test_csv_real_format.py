"""The CSV connectors on their publishers' real layouts (see ``csvkit`` for the documents each follows).

Each test names the defect of issue 10 it covers; all of them failed on the code before the shared
CSV reader (dates as year 0020, distinct facilities quarantined as duplicates, ``zwei`` and ``1e400``
as NULL/inf in raw, an empty region failing only in dbt, the Deutschlandatlas key columns, the RKI
hospitalisation file accepted as incidence).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from csvkit import (
    OLD_REAL,
    REAL_AC,
    REAL_DC,
    atlas,
    current_register,
    ingest_file,
    old_register,
    old_row,
    quarantined,
    raw_rows,
    region_row,
    rki,
)

from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest.connectors.base import Connector, find_payloads
from regiohub.ingest.connectors.csv_payloads import Column, load, open_csv, select_columns
from regiohub.ingest.connectors.csv_values import Horizon, date_value, number, problem
from regiohub.ingest.quarantine import classify
from regiohub.ingest.replay import Fault, offline
from regiohub.ingest.source import ingest_source
from regiohub.registry.model import load_registry

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"
HOSPITALISATION = SHARED / "rki" / "Aktuell_Deutschland_adjustierte-COVID-19-Hospitalisierungen.EXCERPT_Brandenburg.csv"
PAGE = "www.bundesnetzagentur.de/DE/Fachthemen/ElektrizitaetundGas/E-Mobilitaet/Ladesaeulenkarte/start.html"


# --- values ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11.01.20", date(2020, 1, 11)),  # older Ladesäulenregister: dd.mm.yy, this century
        ("03.02.98", date(1998, 2, 3)),  # … the last century where 20yy would lie beyond the horizon
        ("19.03.2019", date(2019, 3, 19)),
        ("2026-09-01", date(2026, 9, 1)),
        ("2026-09-01T23:30:00+02:00", date(2026, 9, 1)),  # the calendar date as written
        ("2026-09-01 10:15:00Z", date(2026, 9, 1)),
        ("2026-09-01T10:15:00.123-0100", date(2026, 9, 1)),
        ("31.02.2026", None),
        ("gestern", None),
        ("", None),
    ],
)
def test_every_date_style_of_the_publishers(text, expected):
    horizon = Horizon(date(1990, 1, 1), date(2026, 10, 1))
    assert duckdb.execute(f"select {date_value('c0', horizon)} from (select $v as c0)", {"v": text}).fetchone()[0] \
        == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("22", 22.0), ("22,5", 22.5), ("1.234,5", 1234.5), ("52.408889", 52.408889), ("-3,7", -3.7),
     ("zwei", None), ("NaN", None), ("inf", None), ("-Infinity", None), ("1e400", None), ("1" + "0" * 400, None)],
)
def test_numbers_are_finite_or_not_numbers(text, expected):
    assert duckdb.execute(f"select {number('c0')} from (select $v as c0)", {"v": text}).fetchone()[0] == expected


def test_a_cell_with_text_but_no_value_names_its_problem():
    horizon = Horizon(date(2020, 1, 1), date(2026, 10, 1))
    sql = f"select {problem('date', 'c0', 'Meldedatum', horizon)} from (select $v as c0)"
    assert duckdb.execute(sql, {"v": "2031-01-01"}).fetchone()[0] == \
        "date outside 01.01.2020–01.10.2026 in 'Meldedatum'"
    assert duckdb.execute(sql, {"v": "kaputt"}).fetchone()[0] == "unreadable date in 'Meldedatum'"
    assert duckdb.execute(sql, {"v": ""}).fetchone()[0] is None


# --- Ladesäulenregister ---------------------------------------------------------------------------

def test_older_layout_dates_dd_mm_yy_land_in_the_right_century(tmp_path, data_dir):
    """Issue 10: "the older layout writes dates as dd.mm.yy: they were stored as years 0013–0021"."""
    body = old_register(OLD_REAL, old_row(date="15.03.19"), old_row(street="Steinstraße", date="02.12.13"))
    result = ingest_file("ladesaeulenregister", "Ladesaeulenregister.csv", body, tmp_path, data_dir)
    assert result.status == "loaded" and not result.quarantined
    dates = sorted(r[0] for r in raw_rows(data_dir, "ladesaeulenregister", "charging_facilities", "commissioned_on"))
    assert dates == [date(2013, 12, 2), date(2019, 3, 15), date(2020, 1, 11)]
    assert {r[0] for r in raw_rows(data_dir, "ladesaeulenregister", "charging_facilities", "release_date")} == {
        date(2021, 12, 1)}  # "Stand: 01.12.2021"


def test_distinct_facilities_of_the_older_layout_are_never_duplicates(tmp_path, data_dir):
    """Issue 10: "12 of 30 distinct charging stations of one real file were quarantined as duplicate row".

    The older layout has no id; facilities at one site share operator, address, date and power and
    differ only in their charging points (plugs, Public Keys), or not at all (two identical wallboxes).
    """
    rows = [old_row(street=f"Straße {i}", lat=f"52,40{i:02d}") for i in range(18)]
    rows += [old_row(key1=f"KEY{i}") for i in range(6)]  # one site, six facilities told apart by key
    rows += [old_row(plug2="AC Steckdose Typ 2", points="2"), old_row(points="1")] * 3  # 6 identical in pairs
    result = ingest_file("ladesaeulenregister", "Ladesaeulenregister.csv", old_register(*rows), tmp_path, data_dir)
    assert result.status == "loaded"
    assert result.rows == {"charging_facilities": 30} and not result.quarantined
    keys = raw_rows(data_dir, "ladesaeulenregister", "charging_facilities", "record_key")
    assert len({k[0] for k in keys}) == 30  # staging's facility_id is unique


def test_duplicates_of_the_current_layout_are_judged_by_the_registers_id(tmp_path, data_dir):
    rows = [region_row("2000001"), region_row("2000002"), region_row("2000001"),  # one repeated line
            region_row("2000003"), region_row("2000003", **{"Anzahl Ladepunkte": "4"}),  # one id, two facts
            *[region_row(f"20000{i}") for i in range(10, 14)]]  # the same site, other ids: distinct
    result = ingest_file("ladesaeulenregister", "register.csv", current_register(*rows), tmp_path, data_dir)
    assert result.rows == {"charging_facilities": 6}
    assert quarantined(data_dir, "ladesaeulenregister") == {
        "duplicate row": 1, "conflicting rows for key (record_key)": 2}


def test_real_rows_with_quoted_delimiters_are_read(tmp_path, data_dir):
    body = current_register(REAL_AC, REAL_DC, region_row())
    assert ingest_file("ladesaeulenregister", "register.csv", body, tmp_path, data_dir).status == "loaded"
    rows = {r[0]: r[1:] for r in raw_rows(
        data_dir, "ladesaeulenregister", "charging_facilities",
        "facility_id, charging_points, power_kw, commissioned_on, latitude, longitude, release_date")}
    assert rows["1010338"] == (2, 22.0, date(2020, 1, 11), 48.442398, 9.659075, date(2026, 9, 1))
    assert rows["1025458"] == (2, 93.0, date(2019, 3, 19), 48.578534, 9.87484, date(2026, 9, 1))


@pytest.mark.parametrize(
    ("cell", "value", "reason"),
    [
        ("Anzahl Ladepunkte", "zwei", "unreadable whole number in 'Anzahl Ladepunkte'"),
        ("Nennleistung Ladeeinrichtung [kW]", "1e400", "unreadable number in 'Nennleistung Ladeeinrichtung [kW]'"),
        ("Breitengrad", "NaN", "unreadable number in 'Breitengrad'"),
        ("Inbetriebnahmedatum", "01.01.2031", "date outside 01.01.1990–02.10.2026 in 'Inbetriebnahmedatum'"),
    ],
)
def test_unreadable_values_are_quarantined_never_null_in_raw(tmp_path, data_dir, cell, value, reason):
    """Issue 10: "zwei" in Anzahl Ladepunkte became NULL in raw; 1e400 was accepted as inf."""
    body = current_register(region_row("2000001"), region_row("2000002", **{cell: value}))
    result = ingest_file("ladesaeulenregister", "register.csv", body, tmp_path, data_dir)
    assert result.rows == {"charging_facilities": 1}
    assert result.quarantined == {"charging_facilities": {reason: 1}}
    nulls = raw_rows(data_dir, "ladesaeulenregister", "charging_facilities",
                     "count(*) filter (where charging_points is null or not isfinite(power_kw) "
                     "or latitude is null or commissioned_on is null)")
    assert nulls == [(0,)]


def test_a_release_without_the_region_is_rejected_at_ingest(tmp_path, data_dir):
    """Issue 10: the load "broke the whole dbt build (an enforced contract on an empty region)"."""
    outcome = ingest_file("ladesaeulenregister", "register.csv", current_register(REAL_AC, REAL_DC), tmp_path, data_dir)
    assert isinstance(outcome, SourceError)
    assert str(outcome) == ("ladesaeulenregister: register.csv has no rows for the region "
                            "(Kreise 12051, 12054, 12063, 12069, 12072): release rejected")
    assert not (data_dir / "raw" / "ladesaeulenregister").exists()


def test_the_current_register_is_found_on_the_download_page(data_dir):
    """Issue 10: "the Ladesäulenregister release date must be edited by hand every month"."""
    with offline() as server:
        first = ingest_source("ladesaeulenregister", data=settings.paths(data_dir))
        again = ingest_source("ladesaeulenregister", data=settings.paths(data_dir))
        asked = [r.path for r in server.requests]
    assert first.status == "loaded" and again.status == "unchanged"
    # the page links last month's file too: the newest one was taken, no release typed anywhere
    assert any(p.endswith("Ladesaeulenregister_BNetzA_2026-10-29.csv") for p in asked)
    assert not any("2026-09-01" in p for p in asked) and sum(p.endswith("start.html") for p in asked) == 2
    # an unchanged poll hides nothing: raw says which release the publisher stated
    assert {r[0] for r in raw_rows(data_dir, "ladesaeulenregister", "charging_facilities", "release_date")} == {
        date(2026, 10, 29)}


def test_a_page_without_a_register_link_says_so(data_dir):
    with offline() as server:
        server.inject(PAGE, Fault(body=b"<html><body><p>Umgezogen.</p></body></html>"))
        with pytest.raises(SourceError, match="download page links no Ladesäulenregister CSV"):
            ingest_source("ladesaeulenregister", data=settings.paths(data_dir))


def test_links_to_other_hosts_or_paths_are_not_followed(data_dir):
    page = (b'<a href="https://evil.example/Ladesaeulenregister_BNetzA_2027-01-01.csv">x</a>'
            b'<a href="/DE/Ladesaeulenregister_BNetzA_2026-10-29.csv">y</a>')
    with offline() as server:
        server.inject(PAGE, Fault(body=page))
        with pytest.raises(SourceError, match="publisher answered HTTP 404"):
            ingest_source("ladesaeulenregister", data=settings.paths(data_dir))
        assert not any("evil" in r.path or "2027" in r.path for r in server.requests)


# --- Deutschlandatlas and RKI ---------------------------------------------------------------------

def test_deutschlandatlas_real_layout_with_8_digit_keys(tmp_path, data_dir):
    """Issue 10: "the Deutschlandatlas CSV uses 8-digit keys in a column like KRS1222 and Kreisname"."""
    result = ingest_file("deutschlandatlas_aerzte", "Deutschlandatlas_KRS1222_HA26.csv", atlas(), tmp_path, data_dir)
    assert result.status == "loaded" and not result.quarantined
    rows = sorted(raw_rows(data_dir, "deutschlandatlas_aerzte", "values", "kreis_ags, region_name, indicator, value"))
    assert rows[:2] == [("01001", "Flensburg", "v_harzt", 60.2), ("01001", "Flensburg", "v_karzt", 9.9)]
    assert ("12054", "Potsdam", "v_harzt", 71.3) in rows and len(rows) == 8


def test_deutschlandatlas_older_layout_still_read(tmp_path, data_dir):
    body = ("Kennziffer;Raumeinheit;Aggregat;v_harzt;v_karzt\r\n"
            "12054;Potsdam;KRS;71,3;10,2\r\n1001;Flensburg;KRS;1;2\r\n")
    result = ingest_file("deutschlandatlas_aerzte", "atlas.csv", body.encode("cp1252"), tmp_path, data_dir)
    assert result.rows == {"values": 4}
    assert ("12054", "v_karzt", 10.2) in raw_rows(data_dir, "deutschlandatlas_aerzte", "values",
                                                 "kreis_ags, indicator, value")


def test_rki_ids_that_are_no_kreis_are_quarantined_with_a_reason(tmp_path, data_dir):
    """Issue 10: "RKI ids such as 17000 or u"; the schema's ``1001`` (no leading zero) is Flensburg."""
    body = rki("2026-09-03,17000,1,1,1,1,0.5", "2026-09-03,u,1,1,1,1,0.5", "2026-09-03,12000,1,1,1,1,0.5")
    result = ingest_file("rki_inzidenz", "COVID-19-Faelle_7-Tage-Inzidenz_Landkreise.csv", body, tmp_path, data_dir)
    assert result.rows == {"incidence": 5}
    assert result.quarantined == {"incidence": {"not a Kreis key (a Land total or unknown)": 3}}
    assert ("01001",) in raw_rows(data_dir, "rki_inzidenz", "incidence", "district_id")


@pytest.mark.skipif(not HOSPITALISATION.exists(), reason="../shared/data/real is absent (real payloads not at hand)")
def test_rki_hospitalisation_series_is_refused_as_out_of_scope(tmp_path, data_dir):
    """The real Land-level hospitalisation file (../shared/data/real/rki) is not the 7-day incidence."""
    with pytest.raises(SourceError) as err:
        ingest_source("rki_inzidenz", from_path=HOSPITALISATION, data=settings.paths(data_dir))
    assert str(err.value) == (
        f"rki_inzidenz: {HOSPITALISATION.name} is the RKI COVID-19 hospitalisation series per Land "
        "(Bundesland_Id, Altersgruppe), not the 7-day incidence per Landkreis: out of scope for this source")
    kept = next((data_dir / "landing" / "rki_inzidenz").iterdir()) / HOSPITALISATION.name
    assert kept.read_bytes() == HOSPITALISATION.read_bytes()


# --- the shared reader ----------------------------------------------------------------------------

class _Levels(Connector):
    """A whole connector on the shared reader: a cp1252 file with a preamble, dates and decimal commas."""

    entities = ("values",)
    columns = (Column("day", ("Datum",), "date", required=True), Column("value", ("Wert [cm]",), "number"))

    def parse(self, con, landing_dir, source, workdir):
        path = find_payloads(landing_dir, ["*.csv"], source, "CSV file")[0]
        table = open_csv(path, source, workdir, delimiter=";", header_starts=("Datum;",))
        exprs, problem = select_columns(table, self.columns, source)
        select = f"select {', '.join(exprs)}, {problem} as _problem, $payload as _payload from {{reader}}"
        return {"values": load(con, "values", table, select, source)}


def test_a_new_csv_connector_is_a_few_lines(tmp_path):
    (tmp_path / "in").mkdir()
    text = "Pegel Potsdam;\r\nStand: 01.10.2026;\r\nDatum;Wert [cm];Bemerkung\r\n01.09.26;296,5;\r\n02.09.26;zwei;\r\n"
    (tmp_path / "in" / "pegel.csv").write_bytes(text.encode("cp1252"))
    source = load_registry().source("rki_inzidenz")
    with duckdb.connect() as con:
        rel = _Levels().parse(con, tmp_path / "in", source, tmp_path)["values"]
        rel.create_view("_v")
        total, reasons = classify(con, "_v", "_checked", (), None)
        rows = con.execute("select day, value, _reason from _checked order by day").fetchall()
    assert total == 2 and reasons == {"unreadable number in 'Wert [cm]'": 1}
    assert rows == [(date(2026, 9, 1), 296.5, None), (date(2026, 9, 2), None, "unreadable number in 'Wert [cm]'")]


def test_an_older_release_keeps_typed_columns_through_the_located_model():
    """Issue 10: the older-layout load "then broke the whole dbt build" (its empty Status became an
    untyped NULL column that fct_charging_facility's enforced contract refused)."""
    import importlib.util

    models = Path(__file__).resolve().parents[2] / "dbt_project/models/intermediate"
    path = models / "mobility/int_charging_facilities__located.py"
    spec = importlib.util.spec_from_file_location("located", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    staged = duckdb.sql(
        "select '1' as facility_id, 'Stadtwerke' as operator, null::varchar as status, null::varchar as facility_type, "
        "2 as charging_points, 22.0 as power_kw, DATE '2019-03-15' as commissioned_on, 'Markt' as street, "
        "'1' as house_number, '14776' as postcode, 'Brandenburg an der Havel' as city, 'Kreisfreie Stadt' as district, "
        "null::varchar as state, 52.408889 as latitude, 12.560833 as longitude, 'L1' as load_id"
    )

    class Config:
        def __call__(self, **kwargs):
            pass

        def get(self, key):
            return str(settings.GEO_DIR)

    class FakeDbt:  # what a dbt Python model uses here: config() and ref()
        config = Config()

        def ref(self, name):
            return staged

    located = module.model(FakeDbt(), None)
    con = duckdb.connect()
    con.register("located", located)
    types = {name: kind for name, kind, *_ in con.execute("describe select * from located").fetchall()}
    assert types["status"] == "VARCHAR" and types["facility_type"] == "VARCHAR" and types["state"] == "VARCHAR"
    assert located["gemeinde_ars"].tolist() == ["120510000000"]
