"""The AMO's members and their training, as the Uddannelse page shows them.

Every figure comes from :func:`amo_data.entitlement.figures` (the command-line contract's
"Training entitlement"); this module only loads the chosen departments' ``Medlemmer`` and
``Uddannelse`` rows (every year: a course may count in another year than its own), puts the
figures per member, and shows them: one row per member with the state of the current year of
service in Danish words and a colour, the hours offered and completed against the entitlement,
the due date, the basic training; the members who need attention first; the history of one
member's years on demand.

Privacy: an e-mail address is shown only to an administrator and to the AMO users of the
member's own department (:func:`may_see_email`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from amo_data import auth, entitlement
from amo_data.schema import MEDLEMMER, UDDANNELSE
from amo_data.template import write_template
from amo_data.text import danish_key, danish_number, department_key, joined, name_key

from .data import load_cached, rows_at
from .filters import Filters
from .shell import UPLOAD_PAGE, current_user
from .views import XLSX_MIME, danish_date, danish_quarter, lazy_excel, md_escape, plural

# The words of a state that is not one of the contract's (a role without the entitlement, a
# member who has not joined yet); the contract's are entitlement.STATE_LABELS.
NOT_COVERED = "Ikke omfattet"
NOT_JOINED = "Ikke tiltrådt endnu"

# A colour per state, always beside the state's words (never the only signal): green met,
# amber open or due, red missed or overdue, grey ended or not covered.
_GREEN, _AMBER, _RED, _GREY = "#d7f0dd", "#fff1c2", "#f8d3d3", "#e8e8ec"
STATE_COLOURS = {
    entitlement.STATE_LABELS["met"]: _GREEN, entitlement.STATE_LABELS["open"]: _AMBER,
    entitlement.STATE_LABELS["missed"]: _RED, entitlement.STATE_LABELS["ended"]: _GREY,
    NOT_COVERED: _GREY, NOT_JOINED: _GREY,
}
BASIC_OVERDUE, BASIC_DUE, BASIC_DONE = "Overskredet", "Skal gennemføres", "Gennemført"

# Attention order: basic training overdue, due, then a current year of service without its offer.
_RANK_OVERDUE, _RANK_DUE, _RANK_MISSING, _RANK_REST = range(4)

# What a user acts on first (who, the state, by when, the hours, the basic training) fits a laptop
# screen; the rest is to the right.
MEMBER_COLUMNS = ("Afdeling", "Navn", "Rolle", "Status", "Frist", "Tilbudt (timer)", "Grunduddannelse",
                  "Gennemført (timer)", "Funktionsår", "Ikke opfyldte år", "Tiltrådt", "Fratrådt", "E-mail")
_WIDTHS = {"Rolle": 100, "Status": 115, "Frist": 95, "Tilbudt (timer)": 115, "Grunduddannelse": 215,
           "Gennemført (timer)": 135, "Funktionsår": 95, "Ikke opfyldte år": 125, "Tiltrådt": 95, "Fratrådt": 95}


@dataclass(frozen=True)
class People:
    """The chosen departments' members and their training, computed by the core.

    ``members``: one row per member (current and former), in attention order, with the columns
    of :data:`MEMBER_COLUMNS` (Danish, ready to show) and ``key``, ``current``, ``rank``,
    ``missing_offer``, ``state``, ``basic_state`` (overdue, due, done or None) and
    ``basic_deadline``. ``years``: every year of service of every member (the rows of
    ``entitlement.figures`` plus ``key``). ``courses``: the departments' named courses, every
    year, with ``key``."""

    members: pd.DataFrame
    years: pd.DataFrame
    courses: pd.DataFrame
    count: int  # members today (the contract's "members")
    basic_overdue: int
    basic_due: int
    missing_offer: int  # current AMR/arbejdsledere whose current year of service is open
    missed: int  # years of service missed (the contract's entitlement_missed, with the year)
    departments: tuple[str, ...]  # the departments with a member list


def people(filters: Filters, today: dt.date) -> People:
    """The chosen departments' members as of ``today``; ``missed`` and each member's
    "Ikke opfyldte år" count the years of service due in the chosen year (all: every year)."""
    return load_cached(_people, filters.year, filters.departments, today)


@st.cache_data(show_spinner=False, max_entries=32)
def _people(url: str, version: int, year: int | None, departments: tuple[str, ...], today: dt.date) -> People:
    tables = rows_at(url, version, None, departments, (MEDLEMMER, UDDANNELSE))
    return build(tables[MEDLEMMER], tables[UDDANNELSE], today, year)


def _key(department: object, name: object) -> tuple[str, str]:
    return department_key(department), name_key(name)


def _hours(value: float | None) -> str:
    return "" if value is None else danish_number(float(value), 1)


def build(members: pd.DataFrame, training: pd.DataFrame, today: dt.date, year: int | None = None) -> People:
    """:class:`People` of these ``Medlemmer`` and ``Uddannelse`` rows (already the chosen
    departments', every year)."""
    every = entitlement.figures(members, training, today)
    in_year = every if year is None else entitlement.figures(members, training, today, year)
    courses = entitlement.courses_of(training)
    basic = {_key(b["department"], b["name"]): b for b in every["basic_training"]}
    latest: dict[tuple[str, str], dict] = {}
    for y in every["entitlement"]:
        latest[_key(y["department"], y["name"])] = y  # sorted by year of service: the last one stays
    missed: dict[tuple[str, str], int] = {}
    for y in in_year["entitlement"]:
        if y["state"] == "missed":
            key = _key(y["department"], y["name"])
            missed[key] = missed.get(key, 0) + 1

    rows = []
    people_ = entitlement.members_of(members)
    for m in people_:
        key = m.key
        current = m.current(today)
        year_now = latest.get(key) if m.entitled else None
        if not m.entitled:
            state, state_code = NOT_COVERED, None
        elif year_now is None:
            state, state_code = NOT_JOINED, None
        else:
            state_code = year_now["state"]
            state = entitlement.STATE_LABELS[state_code]
        missing_offer = current and state_code == "open"
        due_basic = basic.get(key)
        if due_basic is not None:
            basic_state = due_basic["state"]
            basic_text = (f"{BASIC_OVERDUE} (frist {danish_date(dt.date.fromisoformat(due_basic['deadline']))})"
                          if basic_state == "overdue"
                          else f"{BASIC_DUE} senest {danish_date(dt.date.fromisoformat(due_basic['deadline']))}")
        elif m.entitled:
            done = entitlement.basic_training_done(m, courses)
            basic_state = "done" if done else None
            basic_text = f"{BASIC_DONE} {danish_date(done)}" if done else "Ikke registreret"
        else:
            basic_state, basic_text = None, ""
        if basic_state == "overdue":
            rank = _RANK_OVERDUE
        elif basic_state == "due":
            rank = _RANK_DUE
        elif missing_offer:
            rank = _RANK_MISSING
        else:
            rank = _RANK_REST
        due = dt.date.fromisoformat(year_now["due"]) if year_now else None
        rows.append({
            "Afdeling": m.department, "Navn": m.name, "Rolle": m.role, "Status": state,
            "Frist": danish_date(due) if year_now and state_code not in ("ended",) else "",
            # the hours offered against the entitlement: "7,4 af 11,1"
            "Tilbudt (timer)": (f"{_hours(year_now['offered_hours'])} af {_hours(year_now['entitled_hours'])}"
                                if year_now else ""),
            "Gennemført (timer)": _hours(year_now["completed_hours"]) if year_now else "",
            "Funktionsår": f"{year_now['year_of_service']}." if year_now else "",
            "Grunduddannelse": basic_text, "Ikke opfyldte år": missed.get(key, 0) if m.entitled else None,
            "Tiltrådt": danish_date(m.joined), "Fratrådt": danish_date(m.left), "E-mail": m.email or "",
            "key": key, "current": current, "rank": rank, "missing_offer": missing_offer, "state": state_code,
            "basic_state": basic_state,
            "basic_deadline": dt.date.fromisoformat(due_basic["deadline"]) if due_basic is not None else None,
            "_due": due or dt.date.max, "_order": (danish_key(m.department), danish_key(m.name)),
        })
    table = pd.DataFrame(rows, columns=[*MEMBER_COLUMNS, "key", "current", "rank", "missing_offer", "state",
                                        "basic_state", "basic_deadline", "_due", "_order"])
    if not table.empty:
        # Within a rank the nearest deadline first (the basic training's, else the year's); the
        # rest in Danish order of department and name.
        table["_sort"] = [(rank, basic_deadline or due if rank < _RANK_REST else dt.date.max, order)
                          for rank, basic_deadline, due, order in zip(table["rank"], table["basic_deadline"],
                                                                      table["_due"], table["_order"], strict=True)]
        table = table.sort_values("_sort", kind="stable").drop(columns=["_sort"]).reset_index(drop=True)
    table = table.drop(columns=["_due", "_order"])

    years = pd.DataFrame(every["entitlement"])
    if not years.empty:
        years["key"] = [_key(d, n) for d, n in zip(years["department"], years["name"], strict=True)]
    named = training.loc[training["name"].notna()] if "name" in training.columns else training.iloc[:0]
    named = named.copy()
    named["key"] = [_key(d, n) for d, n in zip(named["department"], named["name"], strict=True)]
    current = table.loc[table["current"]] if not table.empty else table
    return People(
        members=table, years=years, courses=named, count=every["members"],
        basic_overdue=sum(1 for b in every["basic_training"] if b["state"] == "overdue"),
        basic_due=sum(1 for b in every["basic_training"] if b["state"] == "due"),
        missing_offer=int(current["missing_offer"].sum()) if not current.empty else 0,
        missed=in_year["entitlement_missed"],
        departments=tuple(dict.fromkeys(m.department for m in people_)))


# --------------------------------------------------------------------------- privacy


def may_see_email(user: auth.User, department: object) -> bool:
    """E-mail addresses of members (the rule: :meth:`amo_data.auth.User.may_see_email`)."""
    return user.may_see_email(department)


# --------------------------------------------------------------------------- widgets


def departments_without_members(found: People, departments: tuple[str, ...]) -> list[str]:
    """Which of ``departments`` have no member list."""
    have = {department_key(d) for d in found.departments}
    return [d for d in departments if department_key(d) not in have]


def no_member_list(departments: list[str] | tuple[str, ...]) -> None:
    """The empty state of departments without a member list: what to do about it."""
    if len(departments) == 1:
        who = f"{md_escape(departments[0])} har ingen medlemsliste"
    elif departments:
        who = "Afdelingerne har ingen medlemsliste"
    else:
        who = "Der er ingen medlemsliste"
    st.info(f"{who} endnu, så siden kan ikke vise, hvem i AMO der har fået tilbudt den "
            "uddannelse, loven kræver. Skriv AMO's medlemmer (navn, rolle og dato for tiltrædelse) i arket "
            "**Medlemmer** i skabelonen, og indlæs det på siden Upload.", icon=":material/group_add:")
    left, right = st.columns(2)
    left.download_button("Hent Excel-skabelonen", lazy_excel(write_template), "AMO-kompetencer-skabelon.xlsx",
                         mime=XLSX_MIME, icon=":material/download:", key="members_template")
    with right:
        st.page_link(UPLOAD_PAGE, label="Gå til Upload", icon=":material/upload_file:")


def tiles(found: People, year: int | None) -> None:
    """Members today, basic training overdue, members without their offer, years missed."""
    cols = st.columns([0.8, 1.2, 0.8, 1.2])
    cols[0].metric("Medlemmer i AMO", danish_number(found.count, 0))
    cols[1].metric("Grunduddannelse overskredet", danish_number(found.basic_overdue, 0),
                   help="AMR og arbejdsledere, der ikke har gennemført den obligatoriske arbejdsmiljøuddannelse "
                        "inden for 3 måneder efter, de tiltrådte.")
    cols[2].metric("Mangler tilbud", danish_number(found.missing_offer, 0),
                   help="AMR og arbejdsledere, der i deres igangværende funktionsår endnu ikke har fået tilbudt "
                        "de timers supplerende uddannelse, de har ret til.")
    cols[3].metric(f"Ikke opfyldte år ({year if year else 'alle år'})", danish_number(found.missed, 0),
                   help="Funktionsår med frist i det valgte år, hvor tilbuddet ikke nåede op på de timer, "
                        "personen havde ret til. Ubrugte timer bortfalder.")


def attention(found: People) -> None:
    """The members whose basic training is overdue or due, one line each, at the top."""
    if found.members.empty:
        return
    for r in found.members.loc[found.members["basic_state"].isin(["overdue", "due"])].to_dict("records"):
        who = f"**{md_escape(r['Navn'])}** ({md_escape(r['Rolle'])}, {md_escape(r['Afdeling'])})"
        deadline = md_escape(danish_date(r["basic_deadline"]))
        if r["basic_state"] == "overdue":  # a warning like every missed duty; an error is the app's own failure
            st.warning(f"{who} har ikke gennemført den obligatoriske arbejdsmiljøuddannelse. Fristen var {deadline}.",
                       icon=":material/error:")
        else:
            st.warning(f"{who} skal gennemføre den obligatoriske arbejdsmiljøuddannelse senest {deadline}.",
                       icon=":material/schedule:")


def member_view(found: People, user: auth.User, *, only_missing: bool = False,
                with_former: bool = False) -> pd.DataFrame:
    """The member table as ``user`` may see it: current members (``with_former``: also those
    who left or have not joined yet), ``only_missing``: only those without their offer; the
    E-mail column only when the user may see some address, and only those addresses."""
    rows = found.members
    if rows.empty:
        return rows.reindex(columns=[c for c in MEMBER_COLUMNS if c != "E-mail"])
    if not with_former:
        rows = rows.loc[rows["current"]]
    if only_missing:
        rows = rows.loc[rows["missing_offer"]]
    view = rows[list(MEMBER_COLUMNS)].copy()
    allowed = [may_see_email(user, d) for d in view["Afdeling"]]
    if any(allowed) and view["E-mail"].astype(bool).any():
        view["E-mail"] = [e if ok else "" for e, ok in zip(view["E-mail"], allowed, strict=True)]
    else:
        view = view.drop(columns=["E-mail"])
    if not with_former:
        view = view.drop(columns=["Fratrådt"])
    view["Ikke opfyldte år"] = [("" if pd.isna(n) else str(int(n))) for n in view["Ikke opfyldte år"]]
    return view.reset_index(drop=True)


def _state_style(value: object) -> str:
    colour = STATE_COLOURS.get(value)
    return f"background-color: {colour}" if colour else ""


def _basic_style(value: object) -> str:
    text = str(value or "")
    if text.startswith(BASIC_OVERDUE):
        return f"background-color: {_RED}"
    if text.startswith(BASIC_DUE):
        return f"background-color: {_AMBER}"
    return ""


def show_members(view: pd.DataFrame) -> None:
    """The member table, the state and the basic training coloured beside their words."""
    styled = view.style.map(_state_style, subset=["Status"]).map(_basic_style, subset=["Grunduddannelse"])
    widths = {c: st.column_config.Column(c, width=w) for c, w in _WIDTHS.items() if c in view.columns}
    st.dataframe(styled, hide_index=True, width="stretch", column_config=widths)


def member_options(view: pd.DataFrame) -> list[tuple[str, str]]:
    """(department, name) of the members of ``view``, for the history's choice."""
    return list(zip(view["Afdeling"], view["Navn"], strict=True))


def history(found: People, department: str, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One member's years of service (newest first) and courses (every year, newest first), as
    the page shows them."""
    key = _key(department, name)
    years = found.years.loc[found.years["key"] == key] if not found.years.empty else found.years
    years_view = pd.DataFrame({
        "Funktionsår": [f"{k}." for k in years.get("year_of_service", [])],
        "Fra": [danish_date(dt.date.fromisoformat(d)) for d in years.get("from", [])],
        "Til (frist)": [danish_date(dt.date.fromisoformat(d)) for d in years.get("to", [])],
        "Ret (timer)": [_hours(h) for h in years.get("entitled_hours", [])],
        "Tilbudt (timer)": [_hours(h) for h in years.get("offered_hours", [])],
        "Gennemført (timer)": [_hours(h) for h in years.get("completed_hours", [])],
        "Status": [entitlement.STATE_LABELS[s] for s in years.get("state", [])],
    }).iloc[::-1].reset_index(drop=True)
    courses = found.courses.loc[found.courses["key"] == key] if not found.courses.empty else found.courses
    order = [entitlement.course_day(w, q) or dt.date.min for w, q in
             zip(courses.get("when", []), courses.get("quarter", []), strict=True)]
    courses = courses.assign(_day=order).sort_values("_day", ascending=False, kind="stable")
    course_view = pd.DataFrame({
        "Hvornår": [_when(w, q) for w, q in zip(courses.get("when", []), courses.get("quarter", []), strict=True)],
        "Kursus": [str(c) if isinstance(c, str) else "" for c in courses.get("course", [])],
        "Type": [t if isinstance(t, str) else entitlement.SUPPLEMENTARY for t in courses.get("type", [])],
        "Timer": [_hours(h) if pd.notna(h) else "" for h in courses.get("hours", [])],
        "Status": [s if isinstance(s, str) else "" for s in courses.get("status", [])],
    })
    return years_view, course_view


def _when(when: object, quarter: object) -> str:
    day = entitlement.course_day(when, None)
    return danish_date(day) if day is not None else danish_quarter(quarter)


def show_history(found: People, options: list[tuple[str, str]]) -> None:
    """A member chosen in a selectbox: their years of service and their courses."""
    if not options:
        return
    chosen = st.selectbox("Vis historik for", options, index=None, placeholder="Vælg et medlem",
                          format_func=lambda o: f"{o[1]} ({o[0]})", key="member_history")
    if chosen is None:
        st.caption("Vælg et medlem for at se alle funktionsår og kurser.")
        return
    years, courses = history(found, *chosen)
    if years.empty:
        st.caption(f"{md_escape(chosen[1])} har ingen funktionsår med ret til supplerende uddannelse "
                   "(kun AMR og arbejdsledere har retten).")
    else:
        styled = years.style.map(_state_style, subset=["Status"])
        st.dataframe(styled, hide_index=True, width="stretch")
    if courses.empty:
        st.caption(f"Der er ingen kurser for {md_escape(chosen[1])} i arket Uddannelse.")
    else:
        st.caption(f"{plural(len(courses), 'kursus', 'kurser')} for {md_escape(chosen[1])}:")
        st.dataframe(courses, hide_index=True, width="stretch")


def member_caption(found: People, shown: int, today: dt.date) -> str:
    """What the table shows, in one line."""
    return (f"{plural(shown, 'medlem', 'medlemmer')}. Status gælder det igangværende funktionsår pr. "
            f"{danish_date(today)}; Frist er funktionsårets sidste dag. Medlemmer, hvis grunduddannelse er "
            "overskredet eller skal gennemføres, står øverst, derefter dem, der mangler tilbud.")


def listing(names: list[str]) -> str:
    return joined([md_escape(n) for n in names])


def people_section(filters: Filters, departments: tuple[str, ...], today: dt.date) -> None:
    """The Uddannelse page's members part: tiles, the attention lines, the member table with its
    filters, and a member's history; the empty state when no chosen department has a member list.
    ``departments``: the departments the sidebar offers (to name those without a member list)."""
    found = people(filters, today)
    chosen = filters.departments or departments
    missing = departments_without_members(found, chosen)
    if found.members.empty:
        no_member_list(chosen)
        return
    tiles(found, filters.year)
    attention(found)
    left, right = st.columns(2)
    only_missing = left.toggle("Kun dem, der mangler tilbud", key="only_missing_offer",
                               help="AMR og arbejdsledere, der endnu ikke har fået tilbudt de timer, "
                                    "de har ret til i deres igangværende funktionsår.")
    with_former = right.toggle("Vis også fratrådte medlemmer", key="with_former_members")
    view = member_view(found, current_user(), only_missing=only_missing, with_former=with_former)
    if view.empty:
        st.success("Alle AMR og arbejdsledere har fået tilbudt de timer, de har ret til i deres igangværende "
                   "funktionsår." if only_missing else "Der er ingen medlemmer at vise.",
                   icon=":material/check_circle:")
    else:
        show_members(view)
        st.caption(member_caption(found, len(view), today))
    if missing:
        st.caption(f"Ingen medlemsliste for {listing(missing)}: skriv medlemmerne i arket Medlemmer i "
                   "skabelonen, og indlæs det på siden Upload.")
    show_history(found, member_options(member_view(found, current_user(), with_former=True)))
