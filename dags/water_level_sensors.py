"""Airflow DAG ``ingest_water_level_sensors``: near-real-time water levels, woken by Redis pub/sub."""

from __future__ import annotations

from regiohub.orchestration.sensor_dag import build_sensor_dag

ingest_water_level_sensors = build_sensor_dag()
