"""Regio.hub dashboards: entry point (``streamlit run dashboards/streamlit_app.py``), a thin router."""

import streamlit as st

st.set_page_config(page_icon=":material/hub:", layout="wide")  # each page sets its own title

# One flat list (section headers would put non-list elements into the navigation list, WCAG 1.3.1).
pages = [
    st.Page("pages/uebersicht.py", title="Übersicht", icon=":material/dashboard:", default=True),
    st.Page("pages/steckbrief.py", title="Steckbrief", icon=":material/location_city:", url_path="steckbrief"),
    st.Page("pages/indikatoren.py", title="Indikatoren", icon=":material/monitoring:"),
    st.Page("pages/kooperationsbericht.py", title="Kooperationsbericht", icon=":material/description:"),
    st.Page("pages/datenqualitaet.py", title="Datenqualität", icon=":material/fact_check:"),
    st.Page("pages/datenkatalog.py", title="Datenkatalog", icon=":material/menu_book:"),
    st.Page("pages/barrierefreiheit.py", title="Barrierefreiheit", icon=":material/accessibility:"),
    st.Page("pages/impressum.py", title="Impressum", icon=":material/info:"),
    st.Page("pages/datenschutz.py", title="Datenschutz", icon=":material/privacy_tip:"),
]
st.navigation(pages).run()
