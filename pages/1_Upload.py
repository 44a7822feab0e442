"""Upload (AMO): template, check of filled sheets, saving, import history with undo, export."""

import streamlit as st

import amo_ui as ui
from amo_data.template import write_template
from amo_data.validate import check_bytes
from amo_data.workbook import write_workbook

user = ui.setup("Upload", "📤")
st.title("Upload af kompetenceark")
ui.sample_banner()
st.write("Hent skabelonen, udfyld den efter jeres årlige drøftelse af arbejdsmiljøkompetencerne, "
         "og indlæs den her. Filerne kontrolleres, før noget gemmes.")

st.download_button("Hent Excel-skabelonen", ui.lazy_excel(write_template), "AMO-kompetencer-skabelon.xlsx",
                   mime=ui.XLSX_MIME, icon=":material/download:")

if not user.can_import():
    st.info(f"Din rolle ({user.role_label}) kan se alle data, men ikke indlæse eller fortryde. "
            "Kontakt AMO eller en administrator.")
    files = []
else:
    files = ui.upload_files()
    if scope := ui.upload_scope():
        st.caption(scope)

# One slot for what changes with the chosen files, so that what follows keeps its place on the page.
with st.container():
    results = ui.check_uploads(files, check_bytes)
    for result in results:
        ui.show_check_result(result)

    refused = [problem for result in results for problem in result.refused]
    if refused:
        st.error("Upload afvist: filerne indeholder afdelinger, du ikke kan ændre. Intet er gemt.")
        ui.show_problems(refused)
    elif results:
        if all(r.ok for r in results):
            ui.save_button(results, check_bytes)
        else:
            st.error("Der er fejl i mindst én fil. Ret fejlene i filen, og upload den igen: intet er gemt.")
ui.show_saved_message()

st.divider()
st.subheader("Importhistorik")
ui.history_with_undo()

st.divider()
st.subheader("Eksport")
if not ui.has_rows():
    st.caption("Der er endnu ingen gemte data at eksportere.")
else:
    st.download_button("Hent de gemte data som Excel", ui.lazy_export(write_workbook, ui.current_user()),
                       "AMO-kompetencer-data.xlsx", mime=ui.XLSX_MIME, icon=":material/table_view:")
