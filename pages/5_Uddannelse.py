"""Uddannelse: the supplementary training register."""

import streamlit as st

import amo_ui as ui
from amo_data import charts, metrics

ui.setup("Uddannelse", "🎓")
st.title("Supplerende arbejdsmiljøuddannelse")
st.caption("Arbejdsmiljørepræsentanter og arbejdsledere i AMO skal tilbydes 2 dage (ca. 14,8 timer) det første år "
           "og 1½ dag (ca. 11,1 timer) hvert år derefter.")

outline = ui.outline()
ui.sample_banner()
ui.empty_state(outline)
filters = ui.sidebar_filters(outline)
data = ui.tables(filters.year, ("uddannelse",))
training = filters.apply(data)["uddannelse"]

if training.empty:
    st.info("Der er ingen kurser i uddannelsesregistret for de valgte filtre. Udfyld arket Uddannelse i "
            "skabelonen, og indlæs det på siden Upload.")
    st.stop()

t = metrics.training_totals(training)
cols = st.columns(3)
cols[0].metric("Kurser", t["courses"])
cols[1].metric("Gennemført", t["completed"])
cols[2].metric("Timer gennemført", ui.danish_number(t["hours_completed"]))

left, right = st.columns(2)
with left:
    ui.chart(charts.training_by_quarter(metrics.training_by_quarter(training)))
with right:
    ui.chart(charts.training_hours_by_department_role(metrics.training_hours_by_department_role(training)))

st.subheader("Kurser")
ui.show_table(metrics.training_list(training), ui.TRAINING_COLUMNS)
