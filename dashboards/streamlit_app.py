"""Regio.hub dashboards: entry point (``streamlit run dashboards/streamlit_app.py``)."""

import streamlit as st

st.set_page_config(page_title="Regio.hub", page_icon=":material/hub:", layout="wide")

pages = [
    st.Page("pages/uebersicht.py", title="Übersicht", icon=":material/dashboard:", default=True),
    st.Page("pages/indikatoren.py", title="Indikatoren", icon=":material/monitoring:"),
    st.Page("pages/karte.py", title="Karte", icon=":material/map:"),
]
st.navigation(pages).run()
