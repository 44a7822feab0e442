"""Møde: hold the yearly competence meeting in four steps and save it as an import."""

import streamlit as st

import amo_ui as ui

user = ui.setup("Møde", "🕒")
st.title("Mødet: årlig drøftelse af kompetencer")
st.caption("Ca. 60 minutter i fire trin. Forberedelserne står side om side; det, I bliver enige om, skrives på "
           "det fælles arbejdsark og i handleplanen. »Gem mødet« gemmer det hele som en import.")

department, year = ui.choose_department_year(user, "meeting")
draft = ui.draft_of(department, year)
ui.apply_edits(draft)  # the edits made in the tables, before anything is drawn
ui.meeting_setup(draft)
step = ui.meeting_step()
ui.clock(step)
if step.category:
    ui.work_step(draft, step)
else:
    ui.plan_step(draft)
ui.save_section(draft)
