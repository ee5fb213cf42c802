"""Stage 1 — ingestion: fetch or take a payload, parse it with a connector, quarantine bad rows, write raw with lineage.

Event sources that start loads outside the schedules live here too: the partner inbox
(:mod:`regiohub.ingest.source.inbox`) and the sensor stream (:mod:`regiohub.ingest.source.sensor_stream`)."""
