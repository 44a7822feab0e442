"""Styrker og behov: strengths against needs per area, need share, and the points' own words."""

import streamlit as st

import amo_ui as ui
from amo_data import charts, metrics

ui.setup("Styrker og behov", "⚖️")
st.title("Styrker og behov")
st.caption("Hvad lykkes I med, og hvad har I brug for at styrke — pr. arbejdsmiljøområde.")

outline = ui.outline()
ui.sample_banner()
ui.empty_state(outline)
filters = ui.sidebar_filters(outline)
data = ui.tables(filters.year, ("arbejdsark",))
ark = filters.apply(data)["arbejdsark"]

include_important = st.toggle("Vis også vigtige opgaver", value=False)
ui.chart(charts.strengths_vs_needs_by_area(metrics.entries_by_area(ark), include_important=include_important))
left, right = st.columns(2)
with left:
    ui.chart(charts.need_share_by_area(metrics.need_share_by_area(ark)))
with right:
    ui.chart(charts.needs_by_help(metrics.needs_by_help(ark)))

st.subheader("Punkterne med jeres egne ord")
st.caption("Det, I skrev på arbejdsarket. Vælg et område og evt. en afdeling.")
areas = metrics.area_order(ark["area"].dropna().unique())
if not areas:
    st.info("Der er ingen punkter for de valgte filtre.")
    st.stop()
c1, c2, c3 = st.columns(3)
area = c1.selectbox("Område", areas, key="words_area")
departments = metrics.departments({"arbejdsark": ark})
department = c2.selectbox("Afdeling", ["Alle afdelinger", *departments], key="words_department")
category = c3.selectbox("Kategori", ["Alle kategorier", *metrics.CATEGORY_COLUMNS], key="words_category")
points = metrics.points(ark, area=area,
                        department=None if department == "Alle afdelinger" else department,
                        category=None if category == "Alle kategorier" else category)
st.write(ui.plural(len(points), "punkt", "punkter"))
ui.show_table(points, ui.POINT_COLUMNS)
