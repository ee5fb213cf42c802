"""Hostile input for GTFS and RKI wastewater: crafted headers, names and values stay data, never SQL.

GTFS payloads start from the shipped VBB-format recording (GTFS Schedule reference,
https://gtfs.org/documentation/schedule/reference/); wastewater payloads from the shipped AMELAG
recording, whose layout follows the RKI repository's ``Readme.md`` and
``Metadaten/schemas/tableschema_amelag_einzelstandorte.json`` (Abwassersurveillance_AMELAG).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hostile_connector_kit import CANARY, assert_no_leak, loaded, rejected
from real_payloads import raw

from regiohub.ingest.replay import RECORDINGS_DIR

VBB_ZIP = RECORDINGS_DIR / "www.vbb.de/vbbgtfs"
AMELAG = RECORDINGS_DIR / "raw.githubusercontent.com/robert-koch-institut/Abwassersurveillance_AMELAG/main"
AMELAG_TSV = AMELAG / "amelag_einzelstandorte.tsv"
INJECTION = "x') as y from read_text('/proc/self/environ') --"
FORMULA = '=HYPERLINK("http://example.invalid","klick")'


@pytest.fixture(autouse=True)
def canary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGIOHUB_LEAK_CANARY", CANARY)


def feed(tmp_path: Path, edit=None) -> Path:
    """The recorded VBB feed extracted to a folder; ``edit(folder)`` changes it."""
    folder = tmp_path / "feed"
    with zipfile.ZipFile(VBB_ZIP) as zf:
        zf.extractall(folder)
    if edit:
        edit(folder)
    return folder


def rewrite(path: Path, change) -> None:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")


# --- GTFS ---------------------------------------------------------------------------------------


def test_sql_in_a_gtfs_header_and_formulas_in_names_stay_text(data_dir, tmp_path, capsys):
    def edit(folder):
        rewrite(folder / "stops.txt", lambda ls: [
            ls[0] + f',"{INJECTION.replace(chr(34), "")}"',
            *[line + ",1" for line in ls[1:2]],
            *[line.replace('"S Potsdam Hauptbahnhof"', f'"{FORMULA.replace(chr(34), chr(34) * 2)}"') + ",1"
              for line in ls[2:3]],
            *[line + ",1" for line in ls[3:]],
        ])
    loaded(capsys, "vbb_gtfs", feed(tmp_path, edit))
    names = [r[0] for r in raw(data_dir, "vbb_gtfs", "stops", "select stop_name from t")]
    assert FORMULA in names  # stored as the publisher wrote it; exports guard formulas downstream
    assert_no_leak(data_dir)


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda f: (f / "stops.txt").unlink(), "the GTFS folder holds no stops.txt"),
        (lambda f: rewrite(f / "stops.txt", lambda ls: [ls[0], *[x.replace("de:12", "de:11") for x in ls[1:]]]),
         "has no stop in the partner region"),
        (lambda f: rewrite(f / "trips.txt", lambda ls: [ls[0].replace("trip_id", "fahrt_id"), *ls[1:]]),
         "unknown column layout in the GTFS folder: trips.txt: missing trip_id"),
        (lambda f: (f / "routes.txt").write_bytes(b"\x00\x01PK\x00" * 50), "routes.txt"),
        (lambda f: (f / "sub").mkdir() or (f / "sub" / "stops.txt").write_text("stop_id\n"), "holds stops.txt twice"),
    ],
    ids=["no-stops", "outside-region", "renamed-column", "binary-file", "two-feeds"],
)
def test_bad_gtfs_folders_are_rejected(data_dir, tmp_path, capsys, edit, problem):
    rejected(capsys, data_dir, "vbb_gtfs", feed(tmp_path, edit), problem)


def test_two_zips_or_a_stray_file_are_not_a_feed(data_dir, tmp_path, capsys):
    both = tmp_path / "both"
    both.mkdir()
    for name in ("a.zip", "b.zip"):
        (both / name).write_bytes(VBB_ZIP.read_bytes())
    rejected(capsys, data_dir, "vbb_gtfs", both, "more than one ZIP archive (a.zip, b.zip)")
    stray = tmp_path / "fahrplan.csv"
    stray.write_text("stop_id,stop_name\n1,A\n", encoding="utf-8")
    rejected(capsys, data_dir, "vbb_gtfs", stray, "fahrplan.csv is neither a GTFS ZIP archive nor a GTFS folder")


def test_unreadable_or_infinite_coordinates_are_quarantined(data_dir, tmp_path, capsys):
    def edit(folder):
        def change(lines):
            bad = [line.split(",") for line in lines[1:3]]
            bad[0][0], bad[0][3] = "de:12054:1:x", "1e400"
            bad[1][0], bad[1][4] = "de:12054:2:x", "NaN"
            return [*lines, *[",".join(b) for b in bad]]
        rewrite(folder / "stops.txt", change)
    out = loaded(capsys, "vbb_gtfs", feed(tmp_path, edit))
    assert "quarantined stops: 2 coordinates outside Germany" in out


# --- RKI wastewater -----------------------------------------------------------------------------


def amelag(tmp_path: Path, *extra: str, header: str | None = None, name: str = "amelag.tsv") -> Path:
    lines = AMELAG_TSV.read_text(encoding="utf-8").splitlines()
    path = tmp_path / name
    path.write_text("\n".join([header or lines[0], *lines[1:], *extra]) + "\n", encoding="utf-8")
    return path


def row(datum: str = "2026-11-16", viruslast: str = "1000", standort: str = "Potsdam") -> str:
    return "\t".join([standort, "BB", datum, viruslast, viruslast, "900", "1200", "700", "186000", "nein",
                      "SARS-CoV-2", "nein"])


def test_amelag_layout_lands_as_documented(data_dir, capsys):
    """All twelve documented columns, NA as missing, every virus kept in raw; only the Potsdam site (BB)."""
    out = loaded(capsys, "rki_abwasser", AMELAG_TSV)
    lines = [x.split("\t") for x in AMELAG_TSV.read_text(encoding="utf-8").splitlines()[1:]]
    potsdam = [x for x in lines if x[0] == "Potsdam" and x[1] == "BB"]
    assert f"rki_abwasser: loaded samples={len(potsdam)}" in out
    got = raw(data_dir, "rki_abwasser", "samples",
              "select pathogen, count(*), count(viral_load), "
              "count(*) filter (where below_quantification_limit = 'ja'), "
              "min(population_connected), any_value(layout) from t group by 1 order by 1")
    expected = [
        (typ, len(rows), sum(r[3] != "NA" for r in rows), sum(r[11] == "ja" for r in rows), 186000.0, "amelag")
        for typ in ("Influenza A", "SARS-CoV-2") for rows in [[r for r in potsdam if r[10] == typ]]
    ]
    assert got == expected


def test_bad_wastewater_rows_are_quarantined_with_their_reason(data_dir, tmp_path, capsys):
    no_type = row("2026-11-12").replace("SARS-CoV-2", "NA")
    path = amelag(tmp_path, row(viruslast="zwei"), row("2026-11-17", "1e400"), row("2026-11-18", "-5"),
                  row("2098-01-05"), row("05.01.2026"), no_type)
    out = loaded(capsys, "rki_abwasser", path)
    for reason in ("1 unreadable number", "1 number not finite", "1 virus load out of range",
                   "1 sample date in the future", "1 unreadable date", "1 missing virus type"):
        assert reason in out, out
    assert raw(data_dir, "rki_abwasser", "samples", "select max(sample_date)::varchar from t")[0][0] < "2098"


def test_sql_in_a_wastewater_header_or_site_stays_data(data_dir, tmp_path, capsys):
    lines = AMELAG_TSV.read_text(encoding="utf-8").splitlines()
    path = amelag(tmp_path, row(standort=f"Potsdam{INJECTION}"), header=lines[0] + f"\t{INJECTION}")
    path.write_text("\n".join(x + "\t1" if i else x for i, x in enumerate(path.read_text().splitlines())) + "\n",
                    encoding="utf-8")
    out = loaded(capsys, "rki_abwasser", path)
    assert "new column(s) ignored" in out
    assert raw(data_dir, "rki_abwasser", "samples", "select count(distinct site) from t")[0][0] == 1
    assert_no_leak(data_dir)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda t: amelag(t, header="ort\tland\ttag\twert"), "unknown column layout in amelag.tsv"),
        (lambda t: _write(t / "a.tsv", '{"message": "API rate limit exceeded"}'), "is a JSON document, not TSV"),
        (lambda t: _write(t / "a.tsv", "<html><body>404</body></html>"), "is an HTML page"),
        (lambda t: _write(t / "a.tsv", AMELAG_TSV.read_text().replace("\tPotsdam\t", "\tPotsdam'; --\t")
                          .replace("Potsdam\t", "Potsdam'; --\t")), "no rows for the registered site(s) Potsdam (BB)"),
        (lambda t: _two(t), "expected one TSV file, found 2"),
        (lambda t: _write(t / "a.tsv", ""), "is empty"),
    ],
    ids=["unknown-layout", "json-error", "html", "no-registered-site", "two-files", "empty"],
)
def test_bad_wastewater_payloads_are_rejected(data_dir, tmp_path, capsys, make, problem):
    rejected(capsys, data_dir, "rki_abwasser", make(tmp_path), problem)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _two(tmp_path: Path) -> Path:
    folder = tmp_path / "zwei"
    folder.mkdir()
    for name in ("a.tsv", "b.tsv"):
        (folder / name).write_bytes(AMELAG_TSV.read_bytes())
    return folder
