"""``regiohub mqtt SOURCE``: subscribe to a broker, spool, acknowledge, ingest micro-batches into raw.

MQTT v5, QoS 1, a persistent session: a fixed client id (``REGIOHUB_MQTT_CLIENT_ID``, default
``regiohub-<source>``), ``clean_start`` false and a session expiry of 7 days, so the broker keeps what is
published while the consumer is down. Messages are acknowledged by hand only after they are on disk
(:mod:`.spool`); every ``batch_seconds`` (or ``batch_max`` messages) the spooled segment is ingested like
an operator's file (``mqtt`` connector: raw, dead letters in quarantine) and, if it changed data, an
Airflow asset event on ``regiohub://raw/<source>`` is posted (:mod:`.announce`). paho reconnects with a
backoff of 1 to 60 s. Broker settings come from the environment only:

``REGIOHUB_MQTT_HOST`` (127.0.0.1), ``REGIOHUB_MQTT_PORT`` (1883; 8883 with TLS), ``REGIOHUB_MQTT_USERNAME``,
``REGIOHUB_MQTT_PASSWORD``, ``REGIOHUB_MQTT_TLS`` (1: TLS with the system's CAs or ``REGIOHUB_MQTT_CA_FILE``).
Topics: the source's ``params.topics`` (comma-separated, MQTT wildcards allowed).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from regiohub.core import settings
from regiohub.core.echo import cut
from regiohub.ingest.mqtt.spool import Spool, spool_dir
from regiohub.registry.model import Registry, Source

log = logging.getLogger(__name__)
SESSION_EXPIRY_S = 7 * 24 * 3600
RECEIVE_MAXIMUM = 1000  # unacknowledged messages the broker may send at once
# fsync and acknowledge every 10 messages (and every 50 ms): below the broker's in-flight window (Mosquitto: 20)
ACK_EVERY = 10


@dataclass
class Stats:
    received: int = 0
    batches: int = 0
    loaded_rows: int = 0
    dead_letters: int = 0
    connects: int = 0
    errors: list[str] = field(default_factory=list)


def broker_config(source: Source) -> dict:
    tls = os.environ.get("REGIOHUB_MQTT_TLS", "") in ("1", "true", "yes")
    return {
        "host": os.environ.get("REGIOHUB_MQTT_HOST", "127.0.0.1"),
        "port": int(os.environ.get("REGIOHUB_MQTT_PORT", "8883" if tls else "1883")),
        "username": os.environ.get("REGIOHUB_MQTT_USERNAME") or None,
        "password": os.environ.get("REGIOHUB_MQTT_PASSWORD") or None,
        "tls": tls, "ca_file": os.environ.get("REGIOHUB_MQTT_CA_FILE") or None,
        "client_id": os.environ.get("REGIOHUB_MQTT_CLIENT_ID", f"regiohub-{source.id}"),
        "topics": [t.strip() for t in source.params.get("topics", "").split(",") if t.strip()],
    }


class Consumer:
    def __init__(self, source: Source, registry: Registry, data: settings.Paths | None = None, *,
                 batch_seconds: float = 2.0, batch_max: int = 20_000,
                 announce: Callable[[object], None] | None = None) -> None:
        self.source, self.registry = source, registry
        self.data = (data or settings.paths()).ensure()
        self.batch_seconds, self.batch_max = batch_seconds, batch_max
        self.announce = announce
        self.sta_out: mqtt.Client | None = None  # set by run() when REGIOHUB_MQTT_STA_OUT=1
        self.config = broker_config(source)
        self.spool = Spool(spool_dir(self.data, source.id))
        self.stats = Stats()
        self._lock = threading.Lock()
        self._pending: list[tuple[int, int]] = []  # (mid, qos) on disk? only after sync
        self._synced_at = time.monotonic()

    def _client(self) -> mqtt.Client:
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.config["client_id"],
                        protocol=mqtt.MQTTv5, manual_ack=True)
        if self.config["username"]:
            c.username_pw_set(self.config["username"], self.config["password"])
        if self.config["tls"]:
            c.tls_set(ca_certs=self.config["ca_file"])
        c.reconnect_delay_set(min_delay=1, max_delay=60)
        c.on_connect = self._on_connect
        c.on_message = self._on_message
        c.on_subscribe = self._on_subscribe
        c.on_disconnect = lambda _c, _u, _f, rc, _p: log.warning("%s: MQTT disconnected (%s); reconnecting",
                                                                  self.source.id, rc)
        return c

    def _on_connect(self, client: mqtt.Client, _userdata, flags, reason_code, _props) -> None:
        self.stats.connects += 1
        if reason_code.is_failure:
            log.error("%s: broker refused the connection: %s", self.source.id, reason_code)
            return
        log.info("%s: connected (session present: %s)", self.source.id, flags.session_present)
        with self._lock:  # packet ids of an earlier connection: the broker sends those messages again
            self.spool.sync()
            self._pending.clear()
        client.subscribe([(t, 1) for t in self.config["topics"]])

    def _on_subscribe(self, _client, _userdata, _mid, reason_codes, _props) -> None:
        refused = [str(rc) for rc in reason_codes if rc.is_failure]
        if refused:
            log.error("%s: subscription refused: %s", self.source.id, ", ".join(refused))
        else:
            log.info("%s: subscribed to %s (QoS 1)", self.source.id, ", ".join(self.config["topics"]))

    def _on_message(self, client: mqtt.Client, _userdata, msg: mqtt.MQTTMessage) -> None:
        with self._lock:
            self.spool.append(msg.topic, msg.payload)
            self.stats.received += 1
            self._pending.append((msg.mid, msg.qos))
            if len(self._pending) >= ACK_EVERY:
                self._sync_and_ack(client)

    def _sync_and_ack(self, client: mqtt.Client) -> None:
        """Caller holds the lock: messages on disk, then acknowledged."""
        self.spool.sync()
        for mid, qos in self._pending:
            if qos:
                client.ack(mid, qos)
        self._pending.clear()
        self._synced_at = time.monotonic()

    def ingest_ready(self) -> None:
        """Ingest every closed segment, oldest first; a segment that fails stays for the next attempt."""
        from regiohub.ingest.source import ingest_source

        for segment in self.spool.ready():
            try:
                result = ingest_source(self.source.id, from_path=segment, data=self.data, registry=self.registry)
            except Exception as exc:  # the segment stays; the consumer goes on (it is retried next batch)
                self.stats.errors.append(cut(exc))
                log.error("%s: batch %s not ingested: %s", self.source.id, segment.name, cut(exc))
                return
            self.stats.batches += 1
            self.stats.loaded_rows += sum(result.rows.values())
            self.stats.dead_letters += sum(sum(r.values()) for r in result.quarantined.values())
            segment.unlink()
            if result.changed and self.announce is not None:
                self.announce(result)
            if result.changed and self.sta_out is not None:
                self._publish_sta(result.load_id)

    def _publish_sta(self, load_id: str) -> None:
        """New observations as SensorThings MQTT messages: ``v1.1/Datastreams('<source>:<id>')/Observations``."""
        from regiohub.ingest.mqtt.sta_out import observations_of

        for topic, body in observations_of(self.data, self.source.id, load_id):
            self.sta_out.publish(topic, body, qos=1)

    def run(self, stop: threading.Event) -> Stats:
        """Consume until ``stop`` is set; then ingest what is spooled and disconnect."""
        self.spool.recover()
        self.ingest_ready()
        client = self._client()
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = SESSION_EXPIRY_S
        props.ReceiveMaximum = RECEIVE_MAXIMUM
        client.connect_async(self.config["host"], self.config["port"], keepalive=30, clean_start=False,
                             properties=props)
        client.loop_start()
        if os.environ.get("REGIOHUB_MQTT_STA_OUT", "") in ("1", "true", "yes"):
            self.sta_out = client  # the same connection: what we received, re-published as STA
        try:
            while not stop.wait(0.05):
                with self._lock:
                    if self._pending and time.monotonic() - self._synced_at > 0.05:
                        self._sync_and_ack(client)
                    due = self.spool.count and (self.spool.age() >= self.batch_seconds
                                                or self.spool.count >= self.batch_max)
                    if due:
                        self._sync_and_ack(client)
                        self.spool.rotate()
                if due:
                    self.ingest_ready()
        finally:
            with self._lock:
                self._sync_and_ack(client)
                self.spool.rotate()
            client.disconnect()
            client.loop_stop()
            self.ingest_ready()
        return self.stats
