"""Revisionslog (admin, ledelse): who imported, undid, edited and deleted what, and when.
Administrators can also erase one department's data or one person in the training register."""

import streamlit as st

import amo_ui as ui

user = ui.setup("Revisionslog", "📜")
st.title("Revisionslog")
if not user.can_see_audit():
    st.warning("Revisionsloggen kan kun ses af ledelsen og administratorer.")
    st.stop()
st.caption("Alle importer, fortrydelser, statusændringer og sletninger med hvem og hvornår. Loggen kan ikke ændres "
           "fra appen.")

rows = ui.audit_table()  # formatted once per data version
if rows.empty:
    st.info("Loggen er tom: der er endnu ikke indlæst eller ændret noget.")
else:
    # Narrow fixed columns: Detaljer (files, the status change) gets the width instead of an even share.
    st.dataframe(rows, hide_index=True, width="stretch", column_config={
        "Tidspunkt": st.column_config.TextColumn(width=130), "Bruger": st.column_config.TextColumn(width=120),
        "Handling": st.column_config.TextColumn(width=160), "Detaljer": st.column_config.TextColumn(width=1000)})

if user.can_delete_data():
    st.divider()
    st.subheader("Slet data (databeskyttelse)")
    st.caption("Sletningen fjerner data helt, også tidligere versioner, og kan ikke fortrydes. Den skrives i loggen.")
    tab_department, tab_person = st.tabs(["Slet en afdeling", "Slet en person i uddannelsesregistret"])
    with tab_department:
        departments = ui.known_departments()
        if not departments:
            st.caption("Der er ingen afdelinger at slette.")
        else:
            department = st.selectbox("Afdeling", departments, key="erase_department", index=None,
                                      placeholder="Vælg den afdeling, der skal slettes")
            sure = department is not None and st.checkbox(f"Ja, slet alle data for {department} permanent",
                                                          key="erase_department_ok")
            if st.button("Slet afdelingen", disabled=not sure, type="primary", key="erase_department_button"):
                ui.erase(lambda: ui.store().delete_department(department, user=user.username))
    with tab_person:
        name = st.text_input("Navn eller initialer, som de står i uddannelsesregistret", key="erase_person")
        sure = st.checkbox("Ja, slet personens kurser permanent", key="erase_person_ok")
        if st.button("Slet personen", disabled=not (sure and name.strip()), type="primary", key="erase_person_button"):
            ui.erase(lambda: ui.store().delete_person(name, user=user.username))
