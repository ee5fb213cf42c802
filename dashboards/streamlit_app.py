"""Regio.hub dashboards: entry point (``streamlit run dashboards/streamlit_app.py``), a thin router."""

import streamlit as st

st.set_page_config(page_title="Regio.hub", page_icon=":material/hub:", layout="wide")

pages = {
    "Monitoring": [
        st.Page("pages/uebersicht.py", title="Übersicht", icon=":material/dashboard:", default=True),
        st.Page("pages/indikatoren.py", title="Indikatoren", icon=":material/monitoring:"),
        st.Page("pages/kooperationsbericht.py", title="Kooperationsbericht", icon=":material/description:"),
    ],
    "Daten": [
        st.Page("pages/datenqualitaet.py", title="Datenqualität", icon=":material/fact_check:"),
        st.Page("pages/datenkatalog.py", title="Datenkatalog", icon=":material/menu_book:"),
    ],
}
st.navigation(pages).run()
