"""MQTT in, against the real Mosquitto on 127.0.0.1:1883: uplink formats, 10,000 messages across a crash, latency."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import duckdb
import paho.mqtt.client as mqtt
import pytest
import yaml

from regiohub.core import settings
from regiohub.ingest.mqtt.messages import message_id, rows_of
from regiohub.registry.model import StreamMapping

HERE = Path(__file__).parent
CHIRPSTACK = HERE / "recordings" / "lorawan" / "chirpstack_v4_up_decentlab_dl5tm_object.json"
REAL = settings.REPO_ROOT.parent / "shared" / "data" / "real" / "lorawan"
STREAMS = [
    StreamMapping(device="70b3d57ba0003bb8", field="volumetric_water_content.value", datastream="bf-volkspark",
                  observed_property="Bodenfeuchte", unit="m3/m3", ars="120540000000"),
    StreamMapping(device="rs261-erik-internal", field="Temperature", datastream="t-1",
                  observed_property="Lufttemperatur", unit="°C"),
    StreamMapping(device="17", datastream="lp-7", observed_property="Belegung"),
]


def test_chirpstack_object_field_is_mapped_to_its_datastream() -> None:
    payload = CHIRPSTACK.read_bytes()
    (row,) = rows_of("application/modus/device/70b3d57ba0003bb8/event/up", payload, STREAMS)
    assert (row["datastream_id"], row["result_number"], row["_problem"]) == ("bf-volkspark", -0.0215, None)
    assert row["phenomenon_start"] == "2024-11-10T12:51:50+00:00"  # `time`, not the gateway's time two days later


def test_real_uplinks_tts_envelope_unwrapped_and_chirpstack_without_object_dead_lettered() -> None:
    files = {p.name.split("_")[0]: p for p in REAL.glob("*.json")} if REAL.is_dir() else {}
    if len(files) < 2:
        pytest.skip(f"real LoRaWAN payloads not present ({REAL}): see PROVENANCE.md section 11")
    (tts,) = rows_of("v3/thingsboard-ttn-demo@ttn/devices/rs261-erik-internal/up", files["tts"].read_bytes(), STREAMS)
    assert (tts["datastream_id"], tts["result_number"], tts["phenomenon_start"]) == (
        "t-1", 22.12, "2025-11-07T10:23:15.092851+00:00")  # the uplink's own received_at
    (cs,) = rows_of("application/x/device/70b3d57ba0003bb8/event/up", files["chirpstack"].read_bytes(), STREAMS)
    assert cs["datastream_id"] is None and cs["_problem"].startswith("no decoded payload ('object' missing")
    assert cs["message"].startswith("{")  # the dead letter keeps the message


def test_sta_topic_and_poison_messages() -> None:
    (ok,) = rows_of("v1.1/Datastreams(17)/Observations",
                    b'{"phenomenonTime":"2026-12-01T10:00:00.000Z","result":1}', STREAMS)
    assert (ok["datastream_id"], ok["result_type"], ok["result_number"]) == ("lp-7", "number", 1.0)
    reasons = [rows_of(t, p, STREAMS)[0]["_problem"] for t, p in [
        ("v1.1/Datastreams(17)/Observations", b"\xff\xfe"),
        ("v1.1/Datastreams(99)/Observations", b'{"phenomenonTime":"2026-12-01T10:00:00Z","result":1}'),
        ("application/x/device/0000000000000001/event/up", b'{"object":{}}'),
        ("something/else", b"{}"),
        ("v1.1/Datastreams(17)/Observations", b"{" + b" " * 70_000 + b"}"),
    ]]
    assert reasons == ["message is not JSON", "Datastream of the topic is not in the registry's streams",
                       "device is not in the registry's streams",
                       "unknown topic (not ChirpStack v4, TTS v3 or SensorThings)",
                       "message of 70002 bytes (limit 65536)"]


# --- through the real broker ---------------------------------------------------------------------------------

def broker_up() -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", 1883)) == 0


@pytest.fixture
def lorawan(tmp_path: Path):
    if not broker_up():
        pytest.skip("no MQTT broker on 127.0.0.1:1883 (Mosquitto)")
    app = f"rh-test-{uuid.uuid4().hex[:10]}"
    devices = [f"70b3d57ba00{i:05x}" for i in range(10)]
    registry = yaml.safe_load(settings.REGISTRY_FILE.read_text())
    registry["sources"] = [{
        "id": "sensoren_lorawan", "name": "LoRaWAN-Sensoren (Test)", "domain": "water", "connector": "mqtt",
        "url": "mqtt://127.0.0.1:1883", "schedule": "@once", "publisher": "Stadtwerke Potsdam",
        "licence": "dl-de/by-2-0", "licence_url": "https://www.govdata.de/dl-de/by-2-0", "attribution": "Test",
        "params": {"topics": f"application/{app}/device/+/event/up", "plausible": "Bodenfeuchte=0..1"},
        "streams": [{"device": d, "field": "volumetric_water_content.value", "datastream": f"bf-{i}",
                     "observed_property": "Bodenfeuchte"} for i, d in enumerate(devices)],
    }]
    (tmp_path / "sources.yml").write_text(yaml.safe_dump(registry, allow_unicode=True))
    client_id = f"regiohub-test-{app}"
    env = {**os.environ, "REGIOHUB_REGISTRY": str(tmp_path / "sources.yml"), "REGIOHUB_DATA_DIR": str(tmp_path / "d"),
           "REGIOHUB_MQTT_CLIENT_ID": client_id}
    env.pop("REGIOHUB_AIRFLOW_API_URL", None)
    procs: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        log = tmp_path / f"consumer-{len(procs)}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "regiohub.cli", "mqtt", "sensoren_lorawan",
                                     "--batch-seconds", "1"], env=env, stdout=out, stderr=subprocess.STDOUT)
        procs.append(proc)
        deadline = time.monotonic() + 60
        while b"subscribed to" not in log.read_bytes():
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        return proc

    yield app, devices, tmp_path / "d", start
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
    end = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    end.connect("127.0.0.1", 1883, clean_start=True)  # session expiry 0: the broker forgets the test session
    end.disconnect()


def uplink(app: str, device: str, n: int) -> tuple[str, bytes]:
    body = json.loads(CHIRPSTACK.read_text())
    body["deviceInfo"]["devEui"], body["fCnt"] = device, n
    body["time"] = f"2026-12-0{1 + n % 5}T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}+00:00"
    body["object"]["volumetric_water_content"]["value"] = round(0.05 + (n % 40) / 100, 3)
    return f"application/{app}/device/{device}/event/up", json.dumps(body).encode()


def seen_ids(data: Path) -> set[str]:
    files = [str(p) for sub in ("raw", "quarantine") for p in (data / sub / "sensoren_lorawan" / "observations").glob(
        "*.parquet")]
    if not files:
        return set()
    with duckdb.connect() as con:
        return {r[0] for r in con.execute("select distinct message_id from read_parquet(?, union_by_name = true)",
                                          [files]).fetchall()}


def test_10000_uplinks_none_lost_across_a_consumer_crash(lorawan) -> None:
    app, devices, data, start = lorawan
    consumer = start()
    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{app}", protocol=mqtt.MQTTv5)
    pub.max_inflight_messages_set(500)
    pub.connect("127.0.0.1", 1883)
    pub.loop_start()
    # latency: a message is in raw within 5 s
    latencies = []
    for n in range(6):
        topic, payload = uplink(app, devices[0], 900_000 + n)
        t0 = time.monotonic()
        pub.publish(topic, payload, qos=1).wait_for_publish(10)
        while message_id(topic, payload) not in seen_ids(data):
            assert time.monotonic() - t0 < 5, f"probe {n} not in raw"
            time.sleep(0.05)
        latencies.append(time.monotonic() - t0)
    print(f"\nlatency publish → raw (s): {', '.join(f'{x:.2f}' for x in latencies)}")
    assert max(latencies) < 5

    expected: dict[str, int] = {}
    t0 = time.monotonic()
    for n in range(10_000):
        if n % 100 == 7:
            topic, payload = f"application/{app}/device/{devices[1]}/event/up", b"\x00 not json %d" % n
        elif n % 100 == 8:
            topic, payload = uplink(app, "ffffffffffffffff", n)  # device not in the registry
        else:
            topic, payload = uplink(app, devices[n % 10], n)
        expected[message_id(topic, payload)] = n
        info = pub.publish(topic, payload, qos=1)
        if n % 250 == 249 and consumer.poll() is None:
            # Mosquitto's default keeps at most 1,000 messages per session (max_queued_messages): the
            # publisher waits while the consumer is more than 500 behind (the compose broker keeps 1,000,000)
            while len(seen_ids(data) & set(expected)) < n - 500:
                time.sleep(0.05)
        if n == 5_000:
            info.wait_for_publish(30)
            while len(seen_ids(data) & set(expected)) < 4_500:
                time.sleep(0.05)
            consumer.send_signal(signal.SIGKILL)  # a crash in the middle of a batch: no clean shutdown
            consumer.wait(10)
        if n == 5_400:  # 400 published while no consumer runs: kept by the broker for the session
            info.wait_for_publish(30)
            consumer = start()
    info.wait_for_publish(60)
    published_s = time.monotonic() - t0
    deadline = time.monotonic() + 180
    while not set(expected) <= (got := seen_ids(data)) and time.monotonic() < deadline:
        time.sleep(0.5)
    print(f"10,000 published in {published_s:.1f} s; all in raw or dead letter after {time.monotonic() - t0:.1f} s")
    pub.loop_stop()
    lost = sorted(n for i, n in expected.items() if i not in got)
    assert not lost, f"{len(lost)} messages lost: {lost[:5]} … {lost[-5:]}"
    with duckdb.connect() as con:
        raw_rows, raw_distinct = con.execute(
            "select count(*), count(distinct observation_id) from read_parquet(?)",
            [str(data / "raw/sensoren_lorawan/observations/*.parquet")]).fetchone()
        dead = dict(con.execute("select _reason, count(distinct message_id) from read_parquet(?) group by 1",
                                [str(data / "quarantine/sensoren_lorawan/observations/*.parquet")]).fetchall())
    assert raw_rows == raw_distinct == 9_800 + 6  # redelivered messages are not in raw twice
    assert dead["message is not JSON"] == 100 and dead["device is not in the registry's streams"] == 100


def test_new_observations_are_published_as_sta_mqtt_topics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from regiohub.ingest.mqtt.consumer import Consumer
    from regiohub.registry.model import Registry, Source, load_registry

    if not broker_up():
        pytest.skip("no MQTT broker on 127.0.0.1:1883 (Mosquitto)")
    app = f"rh-test-{uuid.uuid4().hex[:10]}"
    source = Source(id=f"lw_{app[8:]}", name="LoRaWAN (Test)", domain="water", connector="mqtt", url="mqtt://x",
                    params={"topics": f"application/{app}/device/+/event/up"}, schedule="@once", publisher="-",
                    licence="-", licence_url="-", attribution="-",
                    streams=[StreamMapping(device="70b3d57ba0003bb8", field="soil_temperature.value",
                                           datastream="bt-1", observed_property="Bodentemperatur")])
    registry = Registry(cooperation=load_registry().cooperation, partners=load_registry().partners, sources=[source])
    monkeypatch.setenv("REGIOHUB_MQTT_STA_OUT", "1")
    monkeypatch.setenv("REGIOHUB_MQTT_CLIENT_ID", f"regiohub-test-{app}")
    received: list[tuple[str, dict]] = []
    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"sub-{app}", protocol=mqtt.MQTTv5)
    sub.on_message = lambda _c, _u, m: received.append((m.topic, json.loads(m.payload)))
    sub.connect("127.0.0.1", 1883)
    sub.subscribe(f"v1.1/Datastreams('{source.id}:bt-1')/Observations", qos=1)
    sub.loop_start()
    consumer = Consumer(source, registry, settings.paths(tmp_path), batch_seconds=0.3)
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,))
    thread.start()
    try:
        while not consumer.stats.connects:
            time.sleep(0.05)
        time.sleep(0.5)  # subscribed
        pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        pub.connect("127.0.0.1", 1883)
        pub.loop_start()
        for n in range(3):
            body = json.loads(CHIRPSTACK.read_text())
            body["time"], body["object"]["soil_temperature"]["value"] = f"2026-12-01T10:0{n}:00+00:00", 20 + n
            topic = f"application/{app}/device/70b3d57ba0003bb8/event/up"
            pub.publish(topic, json.dumps(body), qos=1).wait_for_publish(5)
        deadline = time.monotonic() + 20
        while len(received) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        pub.loop_stop()
    finally:
        stop.set()
        thread.join(30)
        sub.loop_stop()
        end = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"regiohub-test-{app}", protocol=mqtt.MQTTv5)
        end.connect("127.0.0.1", 1883, clean_start=True)  # the broker forgets the test session
        end.disconnect()
    assert sorted(b["result"] for _, b in received) == [20, 21, 22]
    assert received[0][1]["phenomenonTime"].startswith("2026-12-01T10:0")


def test_a_scheduled_load_takes_only_batches_the_consumer_left_behind(tmp_path: Path) -> None:
    from regiohub.ingest.mqtt.connector import spool_line
    from regiohub.ingest.mqtt.spool import spool_dir
    from regiohub.ingest.source import ingest_source
    from regiohub.registry.model import Registry, Source, load_registry

    source = Source(id="lw", name="LoRaWAN", domain="water", connector="mqtt", url="mqtt://x", schedule="@once",
                    publisher="-", licence="-", licence_url="-", attribution="-", streams=STREAMS)
    registry = Registry(cooperation=load_registry().cooperation, partners=load_registry().partners, sources=[source])
    data = settings.paths(tmp_path)
    assert ingest_source("lw", data=data, registry=registry).status == "unchanged"  # nothing spooled
    folder = spool_dir(data, "lw")
    folder.mkdir(parents=True)
    stuck = folder / "1.jsonl"
    stuck.write_text(spool_line("application/a/device/70b3d57ba0003bb8/event/up", CHIRPSTACK.read_bytes()))
    os.utime(stuck, (time.time() - 3600, time.time() - 3600))
    result = ingest_source("lw", data=data, registry=registry)
    assert result.status == "loaded" and result.rows["observations"] == 1 and not stuck.exists()


def test_the_consumer_reconnects_after_a_broker_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A broker of our own (the stock one is shared): stopped and started again with its persistence."""
    import shutil
    import threading

    from regiohub.ingest.mqtt.consumer import Consumer
    from regiohub.registry.model import Registry, Source, load_registry

    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        pytest.skip("mosquitto is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                    f"persistence_location {tmp_path}/\n")

    def broker() -> subprocess.Popen:
        proc = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return proc
            assert time.monotonic() < deadline, "mosquitto did not start"
            time.sleep(0.05)

    source = Source(id="lw", name="LoRaWAN", domain="water", connector="mqtt", url="mqtt://x", schedule="@once",
                    params={"topics": "application/+/device/+/event/up"}, publisher="-", licence="-",
                    licence_url="-", attribution="-", streams=STREAMS)
    registry = Registry(cooperation=load_registry().cooperation, partners=load_registry().partners, sources=[source])
    monkeypatch.setenv("REGIOHUB_MQTT_PORT", str(port))
    data = settings.paths(tmp_path / "d")
    first = broker()
    consumer = Consumer(source, registry, data, batch_seconds=0.3)
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,))
    thread.start()

    def publish(n: int) -> str:
        body = json.loads(CHIRPSTACK.read_text())
        body["time"] = f"2026-12-01T10:0{n}:00+00:00"
        pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        pub.connect("127.0.0.1", port)
        pub.loop_start()
        pub.publish("application/a/device/70b3d57ba0003bb8/event/up", json.dumps(body), qos=1).wait_for_publish(5)
        pub.loop_stop()
        pub.disconnect()
        return message_id("application/a/device/70b3d57ba0003bb8/event/up", json.dumps(body).encode())

    def wait_for(ids: set[str]) -> None:
        deadline = time.monotonic() + 30
        while not ids <= _ids(data, "lw"):
            assert time.monotonic() < deadline, f"not in raw ({consumer.stats})"
            time.sleep(0.1)

    second = None
    try:
        while consumer.stats.connects < 1:
            time.sleep(0.05)
        time.sleep(0.3)
        wait_for({publish(1)})
        first.terminate()  # the broker goes away (saving its sessions) …
        first.wait(10)
        time.sleep(1.5)
        second = broker()  # … and comes back: paho reconnects (backoff 1–60 s) and subscribes again
        deadline = time.monotonic() + 30
        while consumer.stats.connects < 2:
            assert time.monotonic() < deadline, "no reconnect"
            time.sleep(0.05)
        time.sleep(0.3)
        wait_for({publish(2)})
    finally:
        stop.set()
        thread.join(30)
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(10)
    assert consumer.stats.connects >= 2


def _ids(data: settings.Paths, source_id: str) -> set[str]:
    files = sorted(str(p) for p in (data.raw / source_id / "observations").glob("*.parquet"))
    if not files:
        return set()
    with duckdb.connect() as con:
        return {r[0] for r in con.execute("select message_id from read_parquet(?)", [files]).fetchall()}
