"""The documents of a discussion as downloads: the written record (PDF, for Arbejdstilsynet)
and the deadlines as a calendar file or the user's own subscription link.

The documents are the core's: :func:`amo_data.cli_records.record_of` +
:func:`amo_data.record.write_pdf`, :func:`amo_data.cli_records.calendar_of`; links are
``Store.add_token``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os

import streamlit as st

from amo_data import auth
from amo_data.cli_records import calendar_of, record_of
from amo_data.metrics import danish_sorted
from amo_data.record import write_pdf
from amo_data.schema import ARBEJDSARK
from amo_data.text import department_key, joined

from .data import store, store_at, table_groups, today, writing
from .shell import current_user
from .views import md_escape

PDF_MIME = "application/pdf"
ICS_MIME = "text/calendar"


def record_pdf(url: str, department: str, year: int, day: dt.date) -> bytes:
    """The written record of the department's discussion in ``year`` (``report``'s PDF)."""
    return write_pdf(record_of(store_at(url), department, year, day))


def record_button(department: str, year: int, key: str) -> None:
    st.download_button(f"Hent referatet af {md_escape(department)}s drøftelse {year} (PDF)",
                       functools.partial(record_pdf, store().url, department, year, today()),
                       f"Referat {department} {year}.pdf", mime=PDF_MIME, icon=":material/picture_as_pdf:",
                       key=key, on_click="ignore")


def record_download(departments: tuple[str, ...], year: int | None) -> None:
    """Handleplan: the written record of one department's year, for Arbejdstilsynet."""
    groups = table_groups(ARBEJDSARK)
    if departments:
        keys = {department_key(d) for d in departments}
        groups = groups.loc[[department_key(d) in keys for d in groups["department"]]]
    if year is not None:
        groups = groups.loc[groups["year"] == year]
    if groups.empty:
        st.caption("Der er ingen drøftelse (arbejdsark) i de valgte år og afdelinger at skrive referat af.")
        return
    left, right = st.columns(2)
    department = left.selectbox("Afdeling", danish_sorted(set(groups["department"])), key="record_department")
    years = sorted({int(y) for y in groups.loc[groups["department"] == department, "year"]}, reverse=True)
    chosen = right.selectbox("År", years, key="record_year")
    record_button(department, int(chosen), key="plan_record")


def calendar_ics(url: str, departments: tuple[str, ...], day: dt.date, base_url: str | None) -> bytes:
    return calendar_of(store_at(url), day, list(departments) or None, base_url)


def base_url() -> str:
    """The dashboard's address for links: ``AMO_BASE_URL``, else the address the browser used."""
    from urllib.parse import urlsplit

    configured = os.environ.get("AMO_BASE_URL")
    if configured:
        return configured.rstrip("/")
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "http://localhost:8501"


def _new_link(departments: tuple[str, ...]) -> None:
    """A new subscription link of the signed-in user; the user's earlier links stop working."""
    user = current_user()
    with writing():
        secret = store().new_calendar_link(list(departments), user=user.username)
        st.session_state["_calendar_link"] = f"{base_url()}/api/kalender.ics?token={secret}"


def calendar_section(departments: tuple[str, ...]) -> None:
    """Handleplan: the deadlines as a one-off .ics file, and the user's own subscription link."""
    user = current_user()
    # An AMO member's calendar holds the own departments; other roles the departments chosen (none: all).
    scope = tuple(user.departments) if user.role == auth.AMO and not user.is_local else departments
    where = md_escape(joined(list(scope))) if scope else "alle afdelinger"
    st.download_button("Hent fristerne som kalenderfil (.ics)",
                       functools.partial(calendar_ics, store().url, scope, today(), os.environ.get("AMO_BASE_URL")),
                       "AMO-frister.ics", mime=ICS_MIME, icon=":material/event:", key="calendar_download",
                       on_click="ignore")
    st.caption(f"Frister for {where}: handlingernes kvartaler, næste årlige drøftelse og medlemmernes uddannelse. "
               "Filen er et øjebliksbillede; et abonnement holder sig selv opdateret.")
    st.markdown("**Abonnér i Outlook eller Google Kalender**")
    link = st.session_state.get("_calendar_link")
    if link:
        st.code(link, language=None)
        st.caption("Kopiér linket nu: det vises kun denne gang. I Outlook: Tilføj kalender › Fra internettet. "
                   "I Google Kalender: Andre kalendere › Fra webadresse. Linket er personligt; del det ikke.")
    st.button("Lav et nyt kalenderlink" if link else "Lav mit kalenderlink", key="calendar_link",
              icon=":material/link:", on_click=_new_link, args=(scope,),
              help=f"Linket viser fristerne for {where}. Et nyt link gør dit tidligere link ugyldigt.")
