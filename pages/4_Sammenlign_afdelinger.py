"""Sammenlign afdelinger (consultant): the chosen unit's children (units or departments) as a
heatmap ranked by need share, a page of rows at a time, with drilling down; chosen departments
against the average; the trend."""

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
scope = ui.current_scope()

measures = {"needs": "Behov", "strengths": "Styrker", "need_share": "Andel behov"}
measure = st.radio("Vis", list(measures), format_func=measures.get, horizontal=True, key="heatmap_measure")
matrix = ui.child_comparison(scope, filters.year, filters.departments, measure)  # counted in the database
departments = ui.departments_with_points(filters.year, filters.departments)
if matrix.empty:  # no empty heatmap and comparison: what to choose instead (the trend below has every year)
    if scope.key is not None and not scope.children:
        st.info(f"{ui.md_escape(scope.name)} er en afdeling: der er ikke noget under den at sammenligne. "
                "Gå et niveau op med linket øverst, eller se afdelingen mod gennemsnittet herunder.")
    else:
        st.info(ui.nothing_chosen(filters, "arbejdsark"))
else:
    word = ui.children_word(scope)
    st.subheader(f"{word.capitalize()} i {scope.name}" if scope.key else word.capitalize())
    st.caption("Rangeret efter andel behov (behov ÷ (styrker + behov) over alle områder), højeste først. "
               "Hold musen over et felt for at se tallet; hele tabellen kan hentes som CSV.")
    rows = ui.paged(len(matrix), "compare", scope, word)
    singular = "enhed" if word == "enheder" else "afdeling"
    ui.chart(ui.child_heatmap(scope, filters.year, filters.departments, measure, rows.start,
                              f"{measures[measure]} pr. {singular} og område"))
    ui.drill_down(scope, list(matrix.index[rows]), "compare")
    # The CSV is only written when the user clicks (500 departments: several ms on every run).
    st.download_button("Hent tabellen (CSV)", functools.partial(ui.matrix_csv, matrix),
                       ui.matrix_csv_name(measures[measure], filters.year), mime="text/csv",
                       icon=":material/download:")

if departments:
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
