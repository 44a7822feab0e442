"""Styrker og behov: strengths against needs per area, need share, and the points' own words."""

import streamlit as st

import amo_ui as ui
from amo_data import metrics

ui.setup("Styrker og behov", "⚖️")
st.title("Styrker og behov")
st.caption("Hvad lykkes I med, og hvad har I brug for at styrke — pr. arbejdsmiljøområde.")

choices = ui.choices()
ui.sample_banner()
ui.empty_state(choices)
filters = ui.sidebar_filters(choices)

include_important = st.toggle("Vis også vigtige opgaver", value=False)
strengths = ui.strengths(filters, include_important)  # the chosen year, counted in the database
if not strengths.areas:
    st.info(ui.nothing_chosen(filters, "arbejdsark"))
    st.stop()
ui.chart(strengths.by_area)
left, right = st.columns(2)
with left:
    ui.chart(strengths.need_share)
with right:
    ui.chart(strengths.by_help)

st.subheader("Punkterne med jeres egne ord")
st.caption("Det, I skrev på arbejdsarket. Vælg et område og evt. en afdeling eller en kategori.")
c1, c2, c3 = st.columns(3)
area = c1.selectbox("Område", strengths.areas, key="words_area")
department = c2.selectbox("Afdeling", ["Alle afdelinger", *strengths.departments], key="words_department")
category = c3.selectbox("Kategori", ["Alle kategorier", *metrics.CATEGORY_COLUMNS], key="words_category")
points = ui.points(filters, area, None if department == "Alle afdelinger" else department,
                   None if category == "Alle kategorier" else category)
st.write(ui.plural(len(points), "punkt", "punkter"))
ui.show_view(points)
