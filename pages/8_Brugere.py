"""Brugere (admin): who may sign in, and with which role.

With single sign-on and roles from the store (``[auth.roles] source = "store"``) an administrator
gives and removes roles here, by e-mail address (``Store.assign_role`` / ``Store.revoke_role``,
both audited). In the other modes the page shows where the roles come from (read-only).
"""

import pandas as pd
import streamlit as st

import amo_ui as ui
from amo_data import auth, sso
from amo_data.errors import AmoError
from amo_ui.data import writing
from amo_ui.shell import configured_users, single_sign_on

user = ui.setup("Brugere", "👥")
st.title("Brugere og roller")
if not user.can_manage_users():
    st.warning("Siden Brugere kan kun ses af administratorer.")
    st.stop()


def departments_text(names) -> str:
    return ", ".join(names) if names else "–"


users, sign_on = configured_users(), single_sign_on()
if users is None and sign_on is None:
    st.info("Der er ikke sat login op: appen kører som én lokal bruger med alle rettigheder. Læs i README, hvordan "
            "I sætter login op med virksomhedens konti (single sign-on) eller med en liste af lokale brugere.")
    st.stop()

if users:
    st.subheader("Lokale brugere")
    st.caption("Fra [users] i .streamlit/secrets.toml. Opret en bruger med kommandoen "
               "python -m amo_data user add, og genstart appen.")
    ui.show_view(pd.DataFrame([{"Brugernavn": r.username, "Navn": r.name, "Rolle": auth.ROLE_LABELS[r.role],
                                "Afdelinger": departments_text(r.departments)} for r in users.values()]))

if sign_on is None:
    st.stop()
_providers, source = sign_on
if source.admins:
    st.caption("Altid administrator (admins i [auth.roles] i secrets.toml): " + ui.md_escape(", ".join(source.admins)))

if source.source == sso.CLAIM:
    st.subheader("Roller fra login-tjenesten")
    st.caption(f"Rollen følger værdierne i kravet »{ui.md_escape(source.claim)}« i personens login (fx grupper eller "
               "app-roller i Entra ID). Roller gives og fjernes i login-tjenesten; tabellen her ændres i "
               "[auth.roles.map] i secrets.toml. En ændring gælder, næste gang personen logger ind.")
    ui.show_view(pd.DataFrame([{"Værdi": value, "Rolle": auth.ROLE_LABELS[g.role],
                                "Afdelinger": departments_text(g.departments)} for value, g in source.grants.items()]))
    st.stop()

st.subheader("Roller")
st.caption("Personer logger ind med deres arbejdskonto; her bestemmer I, hvad de må. En ændring gælder fra personens "
           "næste klik og skrives i revisionsloggen.")
assigned = ui.store().roles()
if assigned:
    ui.show_view(pd.DataFrame([{"E-mail": r.email, "Rolle": auth.ROLE_LABELS.get(r.role, r.role),
                                "Afdelinger": departments_text(r.departments)} for r in assigned]))
else:
    st.caption("Ingen har fået en rolle endnu.")


def refused_for(email: str) -> str | None:
    """Why the role of ``email`` may not be changed here (None: it may)."""
    if email == sso.email_key(user.username):
        return "Du kan ikke ændre din egen rolle. Bed en anden administrator om det."
    if email in source.admins:
        return f"{email} er altid administrator (admins i [auth.roles] i secrets.toml) og ændres dér."
    return None


with st.form("assign_role", clear_on_submit=False):
    st.markdown("**Giv en rolle**")
    email = st.text_input("E-mailadresse", key="assign_email", placeholder="fornavn.efternavn@firma.dk")
    role = st.selectbox("Rolle", auth.ROLES, format_func=auth.ROLE_LABELS.get, key="assign_role_choice")
    departments = st.multiselect("Afdelinger (kun for AMO)", ui.known_departments(), key="assign_departments",
                                 accept_new_options=True, placeholder="Vælg eller skriv afdelinger")
    if st.form_submit_button("Gem rolle", type="primary"):
        try:
            address, role, departments = sso.check_grant(email, role, departments)
            if reason := refused_for(address):
                raise AmoError(reason, 2)
        except AmoError as exc:
            st.error(ui.md_escape(exc.message))
        else:
            with writing():
                ui.store().assign_role(address, role, list(departments), user=user.username)
                st.session_state["_toast"] = f"{address} har nu rollen {auth.ROLE_LABELS[role]}."
                st.rerun()

if assigned:
    st.markdown("**Fjern en rolle**")
    chosen = st.selectbox("Person", [r.email for r in assigned], index=None, key="revoke_email",
                          placeholder="Vælg personen")
    if st.button("Fjern rolle", disabled=chosen is None, key="revoke_button"):
        if reason := refused_for(sso.email_key(chosen)):
            st.error(ui.md_escape(reason))
        else:
            with writing():
                ui.store().revoke_role(chosen, user=user.username)
                st.session_state["_toast"] = f"{chosen} har ikke længere en rolle og kan ikke se data."
                st.rerun()
