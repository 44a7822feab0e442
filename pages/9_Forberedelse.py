"""Forberedelse: each participant's preparation sheet for the meeting, saved as a draft."""

import streamlit as st

import amo_ui as ui

user = ui.setup("Forberedelse", "📝")
st.title("Forberedelse til mødet")
st.caption("Ca. 30 minutter pr. deltager. Skriv dine punkter pr. arbejdsmiljøområde; de bliver vist ved mødet, "
           "side om side med de andres, så ingen skal skrive noget to gange.")

department, year = ui.choose_department_year(user, "prep")
author = ui.author_of(user, "prep")
if author is None:
    st.info("Skriv dit navn for at begynde.")
    st.stop()
ui.preparation_form(department, year, author)
st.page_link("pages/10_Møde.py", label="Gå til mødet", icon=":material/groups:")
