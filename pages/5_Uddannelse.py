"""Uddannelse: each AMO member's training against the entitlement, and the course register."""

import streamlit as st

import amo_ui as ui

ui.setup("Uddannelse", "🎓")
st.title("Supplerende arbejdsmiljøuddannelse")
st.caption("Arbejdsmiljørepræsentanter og arbejdsledere i AMO skal gennemføre den obligatoriske "
           "arbejdsmiljøuddannelse senest 3 måneder efter, de er tiltrådt, og have tilbudt 2 dage (ca. 14,8 timer) "
           "supplerende uddannelse i det første funktionsår og 1½ dag (ca. 11,1 timer) i hvert funktionsår derefter.")

choices = ui.choices()
ui.sample_banner()
ui.empty_state(choices)
filters = ui.sidebar_filters(choices)

st.header("AMO's medlemmer")
ui.people_section(filters, choices.departments, ui.today())

st.header("Kurser")
training = ui.training(filters)  # the chosen year's courses, cached
if training is None:
    st.info(ui.nothing_chosen(filters, "uddannelse"))
    st.stop()

t = training.totals
cols = st.columns(3)
cols[0].metric("Kurser", ui.danish_number(t["courses"], 0))
cols[1].metric("Gennemført", ui.danish_number(t["completed"], 0))
cols[2].metric("Timer gennemført", ui.danish_number(t["hours_completed"]))

left, right = st.columns(2)
with left:
    ui.chart(training.by_quarter)
with right:
    ui.chart(training.by_department_role)

st.subheader("Kursusliste")
ui.show_view(training.courses)
