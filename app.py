"""AMO-kompetencer — home page (Overblik) for management.

Streamlit's automatic multipage mode: this file is the home page and ``pages/`` holds the other
screens, numbered for order. Shared configuration and the sidebar live in ``amo_ui``.
"""

import functools

import streamlit as st

import amo_ui as ui

ui.setup("Overblik", "🦺")
st.title("Overblik over arbejdsmiljøkompetencerne")

choices = ui.choices()
ui.sample_banner()
ui.empty_state(choices)
filters = ui.sidebar_filters(choices)
chosen = filters.departments
who = "alle afdelinger" if not chosen else chosen[0] if len(chosen) == 1 else f"{len(chosen)} valgte afdelinger"
st.caption("Hvad lykkes vi med, hvad har vi brug for at styrke, og hvordan går det med handleplanen? "
           f"Samlet for {ui.md_escape(who)} ud fra den årlige drøftelse af kompetencerne i AMO.")
# The chosen year's rows only (all rows for "Alle år"); the discussions over every year.
overview = ui.overview(filters, ui.today())
t = overview.tiles
year_text = str(filters.year) if filters.year else f"i år ({ui.today().year})"
n = functools.partial(ui.danish_number, decimals=0)  # 1.200, as everywhere in the app
row1 = st.columns(4)
row1[0].metric(f"Afdelinger med drøftelse {year_text}",
               f"{n(t['departments_with_discussion_this_year'])} af {n(t['departments_total'])}")
row1[1].metric("Styrker", n(t["strengths"]), help="Punkter i kategorien Lykkes")
row1[2].metric("Behov", n(t["needs"]), help="Punkter i kategorien Brug for at styrke")
row1[3].metric("Åbne handlinger", n(t["open_actions"]), help="Hverken Gennemført eller Aflyst")
row2 = st.columns(4)
row2[0].metric("Overskredne handlinger", n(t["overdue"]), help="Åbne handlinger, hvis kvartal er slut")
row2[1].metric("Hastende handlinger", n(t["urgent"]), help="'Snarest' eller 'Straks' og stadig åbne")
row2[2].metric(f"Sagkyndig bistand {year_text}", n(t["expert_requests_this_year"]),
               help="Handlinger med Hjælp udefra i året")
row2[3].metric("Uddannelse gennemført", n(t["training_actions_completed"]),
               help="Supplerende arbejdsmiljøuddannelse: handlinger med Egen kompetenceudvikling og status Gennemført")

missing = overview.without_discussion
if missing:
    st.warning("**Afdelinger uden årlig drøftelse** (ingen drøftelse de seneste 365 dage): "
               + ", ".join(ui.md_escape(d) for d in missing))
elif len(chosen) == 1:
    st.success(f"{ui.md_escape(chosen[0])} har holdt sin årlige drøftelse af kompetencerne inden for de seneste 365 dage.")
else:
    st.success(("De valgte afdelinger" if chosen else "Alle afdelinger")
               + " har holdt deres årlige drøftelse af kompetencerne inden for de seneste 365 dage.")

if overview.empty:  # no empty charts: which years do have rows, or where to load them
    st.info(ui.nothing_chosen(filters, "arbejdsark"))
else:
    left, right = st.columns(2)
    with left:
        ui.chart(overview.by_area)
    with right:
        ui.chart(overview.by_quarter)
