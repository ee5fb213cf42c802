"""Cooperation reports from the published mart: the report model, its PDF (fpdf2) and Excel (openpyxl) exports.

Everything here reads the mart through a ``Reader`` (anything with ``query(sql, params) -> DataFrame``):
the dashboards pass their cached mart, scripts and tests a :class:`~regiohub.reports.reader.DuckDBReader`.
"""
