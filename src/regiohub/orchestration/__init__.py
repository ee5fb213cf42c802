"""Airflow wiring for Regio.hub: asset definitions, shared DAG settings and the DAG factories.

The DAG files in ``dags/`` only call into this package; the work itself is done by the library
(:mod:`regiohub.ingest.source`, :mod:`regiohub.ops.pipeline`), imported inside the task functions so that
parsing a DAG file stays fast.
"""
