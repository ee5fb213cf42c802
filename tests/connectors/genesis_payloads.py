"""Real-format GENESIS payloads for the population tests, written byte-faithfully from public documents.

Layout and packaging follow:

* GENESIS-Webservices, REST 2020 (``data/tablefile``, ``format=ffcsv``), as documented by Destatis in
  "GENESIS-Webservices_Einfuehrung.pdf" and used by the R package ``restatis``;
* a recorded answer of the GENESIS ``tablefile`` service in restatis' test fixtures
  (``tests/testthat/table1/api/data/tablefile-86e7c4-23a648-POST.R``, recorded 2026-05-31): a ZIP
  (``Content-Type: application/zip``) even with ``compress=false``, one member
  ``<table>_<timestamp>_<language>_flat.csv``, UTF-8 with BOM, ``;``-separated, LF line ends, no
  ``value_q`` column unless quality flags are requested, header ``statistics_code;statistics_label;
  time_code;time_label;time;1_variable_code;1_variable_label;1_variable_attribute_code;
  1_variable_attribute_label;[2_variable_…;]value;value_unit;value_variable_code;value_variable_label``;
* the real 12411-01-01-4 as described in the project's issue: UTF-8 with BOM, an empty code for the
  "Insgesamt" row; the sex variable ``GES`` has an empty attribute code for its total.

Population on 31.12.2023: Potsdam-Mittelmark (223,531) and the Land Brandenburg (2,581,667) are the
official figures published by the Amt für Statistik Berlin-Brandenburg (Statistischer Bericht
"Bevölkerungsstand in den Gemeinden Brandenburgs 31.12.2023", statistik-berlin-brandenburg.de/a-i-4-a-v-2-j).
Germany (84,669,326) is the figure of table 12411-01-01-4 for 31.12.2023 as quoted in a public
planning document. The official figures of the other four units were not available here: their
values below are ILLUSTRATIVE, clearly not the publisher's, and the tests only assert that they
arrive unchanged and add up.
"""

from __future__ import annotations

import io
import zipfile

HEADER = ("statistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
          "1_variable_attribute_code;1_variable_attribute_label;2_variable_code;2_variable_label;"
          "2_variable_attribute_code;2_variable_attribute_label;value;value_unit;value_variable_code;"
          "value_variable_label")
KREISE_2023 = {  # key -> (label as published, population 31.12.2023)
    "12051": ("Brandenburg an der Havel, kreisfreie Stadt", 72_040),  # illustrative
    "12054": ("Potsdam, kreisfreie Stadt", 185_750),  # illustrative
    "12063": ("Havelland, Landkreis", 166_080),  # illustrative
    "12069": ("Potsdam-Mittelmark, Landkreis", 223_531),  # official (AfS Berlin-Brandenburg)
    "12072": ("Teltow-Fläming, Landkreis", 172_950),  # illustrative
}
LAND_2023 = 2_581_667  # official (AfS Berlin-Brandenburg)
UNITS_ARS = {k + "0000000": v[1] for k, v in KREISE_2023.items()}
COOPERATION_2023 = sum(v[1] for v in KREISE_2023.values())


def kreis_table(year: int = 2023, germany: int = 84_669_326) -> bytes:
    """12411-01-01-4 for 31 December of ``year``: Germany, a Kreis elsewhere, the Land and the five units."""
    regions = [("", "Insgesamt", germany), ("01001", "Flensburg, kreisfreie Stadt", 92_550),
               ("12", "Brandenburg", LAND_2023),
               *[(k, label, n) for k, (label, n) in KREISE_2023.items()]]
    lines = [HEADER]
    for code, label, total in regions:
        male = round(total * 0.493)
        for sex_code, sex_label, n in (("", "Insgesamt", total), ("GESM", "männlich", male),
                                       ("GESW", "weiblich", total - male)):
            lines.append(f"12411;Fortschreibung des Bevölkerungsstandes;STAG;Stichtag;{year}-12-31;KREISE;"
                         f"Kreise und krfr. Städte;{code};{label};GES;Geschlecht;{sex_code};{sex_label};{n};"
                         f"Anzahl;BEVSTD;Bevölkerungsstand")
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def tablefile_zip(csv: bytes, member: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, csv)
    return buf.getvalue()


def area_table() -> bytes:
    """GENESIS 11111-0001 (Gebietsfläche: Deutschland, Stichtag): another statistic."""
    return ("\ufeffstatistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
            "1_variable_attribute_code;1_variable_attribute_label;value;value_unit;value_variable_code;"
            "value_variable_label\n"
            "11111;Feststellung des Gebietsstands;STAG;Stichtag;2023-12-31;DINSG;Deutschland insgesamt;DG;"
            "Deutschland;357595,97;qkm;FLC006;Gebietsfläche\n").encode("utf-8")


def zensus_table(statistic: str, region_variable: str, key: str, label: str) -> bytes:
    """A Zensus 2022 database ffcsv (header with ``value_q``, decimal commas), e.g. 1000A-1018 by GEOBL1."""
    return ("\ufeffstatistics_code;statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;"
            "1_variable_attribute_code;1_variable_attribute_label;2_variable_code;2_variable_label;"
            "2_variable_attribute_code;2_variable_attribute_label;value;value_unit;value_variable_code;"
            "value_variable_label;value_q\n"
            f"{statistic};Bevölkerung kompakt (Gebietsstand 15.05.2022);STAG;Stichtag;2022-05-15;{region_variable};"
            f"Bundesländer;{key};{label};RELZG2;Religion;REL-RK-OR;Römisch-katholische Kirche (öffentlich-rechtlich);"
            "49282;Anzahl;PRS018;Personen;e\n").encode()
