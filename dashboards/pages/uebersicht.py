"""Übersicht: the region or one partner at a glance — key indicator per domain with trend and target status,
the partners side by side, data freshness and what changed with the last publish."""

import streamlit as st

from regiohub.dashboard import components as ui
from regiohub.dashboard import data, goals, overview, values
from regiohub.presentation.labels import METHOD_NOTE, domain_label

ui.page("Übersicht")
mart = ui.require_mart()
ui.snapshot_caption(mart)

partners = data.partners(mart)
names = {data.REGION: "Kooperationsregion (gesamt)", **dict(zip(partners["partner_id"], partners["partner_name"]))}
subject = st.selectbox("Ansicht", list(names), format_func=names.get, key="partner", bind="query-params")

st.header(f"Gemeinsame Ziele: {names[subject]}")
agreed = goals.goals(mart, subject)
st.markdown(goals.summary(agreed) + ".")
with st.expander("Wie wird der Fortschritt bewertet?"):
    st.markdown(METHOD_NOTE)
goals.render(agreed)

st.header(f"Kennzahlen je Bereich: {names[subject]}")
headline = values.headline_indicators(mart)
cards = [overview.key_figure(mart, subject, indicator_id) for indicator_id in headline.values()]
for column, domain, card in zip(st.columns(max(len(cards), 1)), headline, cards, strict=False):
    with column:
        overview.render_card(domain_label(domain), card)
ui.suppression_note(any(c.suppressed for c in cards))
st.caption(
    "Trend: Veränderung gegenüber dem vorherigen Zeitraum. Wie weit die Ziele erreicht sind, steht oben "
    "unter „Gemeinsame Ziele“ (mit dem Verlauf als Linie)."
)

st.header("Die Partner der Kooperation")
table, caption, suppressed, is_sample = overview.partner_table(mart, tuple(headline.values()))
ui.table(table)
st.caption(caption)
ui.suppression_note(suppressed)
if is_sample:
    ui.sample_badge(True)
    st.caption("Mit „Beispieldaten“ markierte Werte sind plausible Beispielwerte, keine amtlichen Daten.")

left, right = st.columns(2)
with left:
    st.header("Aktualität der Daten")
    ui.table(overview.freshness_table(mart))
with right:
    st.header("Was ist neu?")
    overview.render_changes()

ui.source_attributions(mart, data.indicators(mart).loc[list(headline.values()), "source_id"].tolist())
