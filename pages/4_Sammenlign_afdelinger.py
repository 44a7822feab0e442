"""Sammenlign afdelinger (consultant): heatmap, chosen departments against the average, trend."""

import functools

import streamlit as st

import amo_ui as ui

ui.setup("Sammenlign afdelinger", "🔍")
st.title("Sammenlign afdelinger")
st.caption("Hvor ligger behovene og styrkerne i de enkelte afdelinger, og hvordan udvikler de sig?")

choices = ui.choices()
ui.sample_banner()
ui.empty_state(choices)
filters = ui.sidebar_filters(choices)

measures = {"needs": "Behov", "strengths": "Styrker", "need_share": "Andel behov"}
measure = st.radio("Vis", list(measures), format_func=measures.get, horizontal=True, key="heatmap_measure")
comparison = ui.comparison(filters, measure)  # the chosen year, counted in the database
departments = comparison.departments
if not departments:  # no empty heatmap and comparison: what to choose instead (the trend below has every year)
    st.info(ui.nothing_chosen(filters, "arbejdsark"))
else:
    ui.chart(comparison.heatmap)
    # The CSV is only written when the user clicks (500 departments: several ms on every run).
    st.download_button("Hent tabellen (CSV)", functools.partial(ui.matrix_csv, comparison.matrix),
                       ui.matrix_csv_name(measures[measure], filters.year), mime="text/csv",
                       icon=":material/download:")

    st.subheader("Udvalgte afdelinger mod gennemsnittet")
    chosen = st.multiselect("Vælg 2–4 afdelinger", departments, default=departments[:2], max_selections=4,
                            key="compare_departments")
    categories = {"brug_for_at_styrke": "Brug for at styrke", "lykkes": "Lykkes", "vigtig_opgave": "Vigtig opgave"}
    category = st.radio("Kategori", list(categories), format_func=categories.get, horizontal=True,
                        key="compare_category")
    if len(departments) < 2:
        st.info("Der er kun én afdeling med drøftelser i de valgte filtre. Vælg flere afdelinger (eller ingen) i "
                "sidepanelet for at sammenligne.")
    elif len(chosen) < 2:
        st.info("Vælg mindst to afdelinger for at sammenligne dem.")
    else:
        ui.chart(ui.compared(filters, chosen, category))

st.subheader("Udviklingen over årene")
trend = ui.trend(filters)  # every year, the chosen departments
if len(trend.years) < 2:  # one point per area is no development: say so instead of a chart of dots
    st.info("Udviklingen vises, når der er behov fra mindst to år"
            + (f". Indtil nu er der kun behov fra {trend.years[0]}." if trend.years else
               ". Der er endnu ingen behov (Brug for at styrke) for de valgte afdelinger."))
else:
    ui.chart(trend.chart)
