"""Dashboards and analysts hold the published file open while new snapshots are published."""

import threading

import duckdb

from regiohub.core import settings
from regiohub.publish.swap import publish_candidate


def test_open_readers_see_no_errors_and_new_connections_see_the_newest(candidate, published_copy):
    data = settings.paths(published_copy)
    errors: list[Exception] = []
    reads = {"dashboard": 0, "analyst": 0, "fresh": 0}
    stop = threading.Event()

    def hold_open(name: str) -> None:
        con = duckdb.connect(str(data.published), read_only=True)  # opened once, kept open
        try:
            while not stop.is_set():
                con.execute("select count(*), sum(value) from fct_indicator_value").fetchall()
                reads[name] += 1
        except Exception as exc:  # noqa: BLE001 — any error fails the test
            errors.append(exc)
        finally:
            con.close()

    def reconnect_each_time() -> None:
        while not stop.is_set():
            try:
                with duckdb.connect(str(data.published), read_only=True) as con:
                    con.execute("select snapshot_id from meta_snapshot").fetchall()
                reads["fresh"] += 1
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

    threads = [threading.Thread(target=hold_open, args=(n,)) for n in ("dashboard", "analyst")]
    threads.append(threading.Thread(target=reconnect_each_time))
    for t in threads:
        t.start()
    published = [publish_candidate(candidate, data).snapshot_id for _ in range(4)]
    stop.set()
    for t in threads:
        t.join()

    assert errors == []
    assert all(n > 0 for n in reads.values()), reads
    with duckdb.connect(str(data.published), read_only=True) as con:
        assert con.execute("select snapshot_id from meta_snapshot").fetchall()[0][0] == published[-1]
