"""Building blocks of the Streamlit dashboards (``dashboards/``).

``data`` reads the published mart (read-only, cached per snapshot), ``fmt`` formats numbers and
dates the German way, ``charts`` and ``geo`` build Altair charts, ``components`` renders the
reusable pieces (metric card, chart with caption and source line, attributions).
"""
