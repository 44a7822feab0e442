"""Handleplan (AMO): the actions with filters, status edited in place, plans by quarter, årshjul, the
written record (PDF) and the deadlines as a calendar."""

import streamlit as st

import amo_ui as ui
from amo_data import vocab
from amo_data.export import write_action_plan

ui.setup("Handleplan", "✅")
ui.save_status_edits()  # the edits made in the table, before anything is loaded: the page shows them
st.title("Handleplan")
st.caption("Hvad? Hvorfor? Hvordan? Hvornår? Hvem? Opfølgning? — og hvordan det går.")

choices = ui.choices()
ui.sample_banner()
ui.empty_state(choices)
filters = ui.sidebar_filters(choices)
today = ui.today()
# The wheel of the chosen year; with "Alle år", every year's actions in their quarter (not an
# empty wheel of this year while the plan above lists other years' actions).
plan = ui.plan(filters, today, filters.year)  # the chosen year's rows, cached


def documents() -> None:
    """The written record for Arbejdstilsynet and the deadlines for the calendar."""
    st.subheader("Referat og kalender")
    left, right = st.columns(2)
    with left.container(border=True):
        st.markdown("**Referat af den årlige drøftelse (PDF)**")
        st.caption("Den skriftlige dokumentation, I kan vise Arbejdstilsynet: deltagere, arbejdsark, handleplan "
                   "og medlemmernes uddannelse.")
        ui.record_download(filters.departments, filters.year)
    with right.container(border=True):
        st.markdown("**Frister i kalenderen**")
        ui.calendar_section(filters.departments)


if not plan.quarters:  # every action has a quarter: no action in the chosen year and departments
    st.info(ui.nothing_chosen(filters, "handleplan"))
    documents()
    st.stop()

c1, c2, c3, c4 = st.columns(4)
areas = c1.multiselect("Område", plan.areas, placeholder="Alle")
helps = c2.multiselect("Hjælp", vocab.HELP.values, placeholder="Alle")
statuses = c3.multiselect("Status", vocab.STATUS.values, placeholder="Alle")
quarters = c4.multiselect("Kvartal", plan.quarters, format_func=ui.danish_quarter, placeholder="Alle")
shown = ui.actions(filters, areas, helps, statuses, quarters)

st.write(ui.plan_intro(len(shown)))
ui.action_editor(shown)
if not shown.empty:  # no empty sheet to print
    st.download_button("Hent handleplanen til opslag (Excel, liggende A4)", ui.lazy_excel(write_action_plan, shown),
                       "Handleplan.xlsx", mime=ui.XLSX_MIME, icon=":material/print:", on_click="ignore")

overdue, urgent = plan.overdue, plan.urgent
st.subheader(f"Overskredne ({ui.danish_number(len(overdue), 0)})")
st.caption("Handlinger, hvis kvartal er slut, og som hverken er gennemført eller aflyst.")
ui.show_long_table(overdue, ui.ACTION_SHORT_COLUMNS, "overdue_page", "Vis overskredne",
                   empty="Ingen overskredne handlinger.")
st.subheader(f"Hastende ({ui.danish_number(len(urgent), 0)})")
st.caption("Handlinger med Hvornår »Snarest«, »Straks« eller lignende, som stadig er åbne.")
ui.show_long_table(urgent, ui.ACTION_SHORT_COLUMNS, "urgent_page", "Vis hastende",
                   empty="Ingen hastende handlinger.")

left, right = st.columns(2)
with left:
    ui.chart(plan.training)
with right:
    ui.chart(plan.expert)

ui.chart(plan.wheel)

documents()
