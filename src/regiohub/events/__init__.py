"""Event sources that start loads outside the sources' schedules.

- :mod:`regiohub.events.inbox` — partner file drops with a ready marker;
- :mod:`regiohub.events.sensor_stream` — water-level sensor readings in a Redis Stream, woken by pub/sub.

Plain library code: the Airflow wiring (asset watchers, DAGs) is in :mod:`regiohub.orchestration`.
"""
