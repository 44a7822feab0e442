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
scope = ui.current_scope()
chosen = filters.departments
if filters.unit:
    who = filters.unit
else:
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

# The AMO members' training (the summary's members, basic_training and entitlement_missed).
people = ui.member_tiles(filters, ui.today())
row3 = st.columns(3)
training_page = "pages/5_Uddannelse.py"
for column, (label, value, hint) in zip(row3, [
        ("AMO-medlemmer", people.members, "Nuværende medlemmer af arbejdsmiljøorganisationen"),
        ("Grunduddannelse overskredet", people.basic_overdue,
         "Arbejdsmiljørepræsentanter og arbejdsledere, der ikke har fået den lovpligtige grunduddannelse "
         "inden for 3 måneder"),
        (f"Uddannelsesår uden tilbud {year_text}", people.years_missed,
         "År, hvor et medlem ikke har fået tilbudt de timers supplerende uddannelse, som reglerne kræver")]):
    column.metric(label, n(value), help=hint)
    column.page_link(training_page, label="Se på Uddannelse", icon=":material/school:",
                     query_params=ui.filter_params() or None)

missing = overview.without_discussion
SHOWN = 15  # names in the warning; the table below counts them per unit
if missing:
    names = ", ".join(ui.md_escape(d) for d in missing[:SHOWN])
    more = f" og {n(len(missing) - SHOWN)} flere" if len(missing) > SHOWN else ""
    st.warning(f"**Afdelinger uden årlig drøftelse** ({n(len(missing))}, ingen drøftelse de seneste 365 dage): "
               + names + more)
elif len(chosen) == 1:
    st.success(f"{ui.md_escape(chosen[0])} har holdt sin årlige drøftelse af kompetencerne inden for de seneste 365 dage.")
else:
    st.success(("De valgte afdelinger" if chosen else "Alle afdelinger")
               + " har holdt deres årlige drøftelse af kompetencerne inden for de seneste 365 dage.")

# The chosen unit's children (units or departments) with their key figures: where to act.
children = ui.children_overview(scope, filters.year, filters.departments, ui.today())
if not children.empty:
    word = ui.children_word(scope)
    st.subheader(f"{word.capitalize()} i {scope.name}" if scope.key else word.capitalize())
    st.caption("Dem uden årlig drøftelse står øverst, derefter dem med størst andel behov "
               f"(behov ÷ (styrker + behov) {year_text}). Vælg en for at se den nærmere.")
    rows = ui.paged(len(children), "overview", scope, word)
    shown = children.iloc[rows]
    st.dataframe(shown.drop(columns="key"), hide_index=True, width="stretch", column_config={
        "Enhed": st.column_config.TextColumn("Enhed" if word == "enheder" else "Afdeling"),
        "Uden årlig drøftelse": st.column_config.NumberColumn(
            "Uden årlig drøftelse", help="Afdelinger uden drøftelse de seneste 365 dage"),
        "Andel behov": st.column_config.NumberColumn("Andel behov", format="percent")})
    ui.drill_down(scope, list(shown["Enhed"]), "overview")

if overview.empty:  # no empty charts: which years do have rows, or where to load them
    st.info(ui.nothing_chosen(filters, "arbejdsark"))
else:
    left, right = st.columns(2)
    with left:
        ui.chart(overview.by_area)
    with right:
        ui.chart(overview.by_quarter)
