"""Presentation shared by the dashboards and the reports: German formatting, labels, safe exports.

No Streamlit import and no import of ``regiohub.dashboard`` or ``regiohub.reports``: both depend on this
package, never the other way round.
"""
