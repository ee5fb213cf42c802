"""A state file that is valid JSON of the wrong shape: kept aside and rebuilt, not a TypeError forever."""

from __future__ import annotations

import json

import pytest

from regiohub.core import settings
from regiohub.ingest.replay import offline
from regiohub.ingest.source import ingest_source
from regiohub.store.state import read_state, read_state_or_empty

SOURCE = "rki_inzidenz"


@pytest.mark.parametrize("bad", [
    {"validators": "notadict"},
    {"validators": {"https://example.org/x.csv": ["etag"]}},
    {"rows": [1, 2, 3]},
    {"quarantined": {"values": "many"}},
    {"last_load_id": {"nested": True}},
])
def test_a_state_of_the_wrong_shape_is_kept_aside_and_rebuilt(data_dir, bad) -> None:
    data = settings.paths(data_dir)
    with offline():
        first = ingest_source(SOURCE, data=data)
    path = data.state / f"{SOURCE}.json"
    path.write_text(json.dumps(bad), encoding="utf-8")

    shown = read_state_or_empty(data, SOURCE)  # readers (status, dashboards) get one line, not a crash
    assert "does not match its schema" in shown["last_error"] and "\n" not in shown["last_error"]

    for _ in range(2):  # not forever: the first ingest rebuilds it, the second finds it sound
        with offline():
            again = ingest_source(SOURCE, data=data)
        assert again.status == "unchanged", again
    assert [p.read_text(encoding="utf-8") for p in data.state.glob(f"{SOURCE}.json.corrupt-*")] == [json.dumps(bad)]
    assert read_state(data, SOURCE)["last_load_id"] == first.load_id
