"""AMO-kompetencer — home page (Overblik) for management.

Streamlit's automatic multipage mode: this file is the home page and ``pages/`` holds the other
screens, numbered for order. Shared configuration and the sidebar live in ``amo_ui``.
"""

import streamlit as st

import amo_ui as ui

ui.setup("Overblik", "🦺")
st.title("Overblik over arbejdsmiljøkompetencerne")
st.caption("Hvad lykkes vi med, hvad har vi brug for at styrke, og hvordan går det med handleplanen? "
           "Samlet for alle afdelinger ud fra den årlige drøftelse af kompetencerne i AMO.")

outline = ui.outline()
ui.sample_banner()
ui.empty_state(outline)
filters = ui.sidebar_filters(outline)
# The chosen year's rows only (all rows for "Alle år"), figures cached by the data version.
figures = ui.figures("overview", filters, filters.year, ui.today())
t = dict(figures["tiles"])
t["departments_total"] = ui.departments_total(filters)  # over every year, not only the loaded one
year_text = str(filters.year or ui.today().year)
row1 = st.columns(4)
row1[0].metric(f"Afdelinger med drøftelse {year_text}",
               f"{t['departments_with_discussion_this_year']} af {t['departments_total']}")
row1[1].metric("Styrker", t["strengths"], help="Punkter i kategorien Lykkes")
row1[2].metric("Behov", t["needs"], help="Punkter i kategorien Brug for at styrke")
row1[3].metric("Åbne handlinger", t["open_actions"], help="Hverken Gennemført eller Aflyst")
row2 = st.columns(4)
row2[0].metric("Overskredne handlinger", t["overdue"], help="Åbne handlinger, hvis kvartal er slut")
row2[1].metric("Hastende handlinger", t["urgent"], help="'Snarest' eller 'Straks' og stadig åbne")
row2[2].metric(f"Sagkyndig bistand {year_text}", t["expert_requests_this_year"],
               help="Handlinger med Hjælp udefra i året")
row2[3].metric("Uddannelse gennemført", t["training_actions_completed"],
               help="Supplerende arbejdsmiljøuddannelse: handlinger med Egen kompetenceudvikling og status Gennemført")

missing = ui.departments_without_discussion(filters)  # over every year
if missing:
    st.warning("**Afdelinger uden årlig drøftelse** (ingen drøftelse de seneste 365 dage): "
               + ", ".join(ui.md_escape(d) for d in missing))
else:
    st.success(("De valgte afdelinger" if filters.departments else "Alle afdelinger")
               + " har holdt deres årlige drøftelse af kompetencerne inden for de seneste 365 dage.")

left, right = st.columns(2)
with left:
    ui.chart(figures["by_area"])
with right:
    ui.chart(figures["by_quarter"])
