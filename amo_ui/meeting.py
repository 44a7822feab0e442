"""Meeting mode: the members' preparation, the meeting in four steps and saving it as an
import (its record: :mod:`.documents`).

The rules live in the core: saving validates with the upload's engine
(:func:`amo_data.validate.validate_sheets`) and stores with ``Store.import_results(...,
meeting=..., expected=...)``; drafts are ``Store.save_preparation``.

A meeting in progress is a :class:`Draft` in the session, opened from what is stored for the
department and year; the store compares the fingerprint of what was stored when it was opened
(``Store.year_state``) when it saves: if someone else saved meanwhile, saving is refused and
nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import time
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from amo_data import auth, vocab
from amo_data.errors import StoreUnavailable
from amo_data.metrics import area_order, danish_sorted
from amo_data.reader import RawSheet
from amo_data.schema import ARBEJDSARK, HANDLEPLAN, MEDLEMMER, SCHEMA
from amo_data.store import Conflict, Meeting
from amo_data.text import clean, control_character, department_key, joined

from .data import forget_data_version, store, today, writing
from .documents import record_button
from .shell import current_user
from .views import XLSX_MIME, md_escape, plural

ASAP = "Snarest"

# The preparation sheet's four questions: (key in a draft, label, help).
PREP_FIELDS = (
    (vocab.VIGTIG_OPGAVE, "Vigtige opgaver og fokuspunkter",
     "Hvilke vigtige arbejdsmiljøopgaver har vi det kommende år? Se fx i APV-handlingsplanen, "
     "ulykkesregistreringen og sygefraværet."),
    (vocab.LYKKES, "Dette lykkes vi med", "Hvilke problemer forebygger vi allerede godt? Hvad gør vi, når det lykkes?"),
    (vocab.BRUG_FOR_AT_STYRKE, "Brug for at styrke", "Hvor har vi brug for mere viden eller flere kompetencer?"),
    ("Hvordan", "Hvordan kan vi styrke det?",
     "Ved egen kompetenceudvikling, ved at bruge andre på arbejdspladsen eller ved at få hjælp udefra?"),
)


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    minutes: int
    category: str | None  # the Arbejdsark Kategori the step writes; None: the action plan
    guide: str


STEPS = (
    Step(1, "Vigtige opgaver", 10, vocab.VIGTIG_OPGAVE,
         "Læg jeres vigtigste opgaver og fokuspunkter frem, og bliv enige om dem. Tag punkter med fra "
         "forberedelsen med ét klik, eller skriv dem nye."),
    Step(2, "Det lykkes vi med", 15, vocab.LYKKES,
         "Fortæl på skift, hvad I lykkes med, og hvorfor. Skriv det fælles på arbejdsarket."),
    Step(3, "Det har vi brug for at styrke", 20, vocab.BRUG_FOR_AT_STYRKE,
         "Drøft, hvor I mangler viden eller kompetencer, og vælg for hvert behov vejen: egen "
         "kompetenceudvikling, hjælp indefra eller hjælp udefra."),
    Step(4, "Handleplan", 15, None,
         "Prioritér de vigtigste behov, og skriv handleplanen: Hvad? Hvorfor? Hvordan? Hvornår? Hvem? Opfølgning?"),
)

# The seed tool's three examples of the three routes of help.
HELP_EXAMPLES = {
    vocab.EGEN: "fx Formidling og involvering af kolleger → supplerende uddannelse",
    vocab.INDEFRA: "fx Dialog om uklare og modstridende krav → den interne arbejdsmiljøkonsulent",
    vocab.UDEFRA: "fx Kemisk risikovurdering → sagkyndig bistand",
}

ENTRY_KEYS = ("area", "category", "description", "help", "rating", "role", "date")
ACTION_KEYS = ("what", "area", "why", "how", "help", "when", "who", "follow_up", "status", "date")

# --------------------------------------------------------------------------- who, where, when


def meeting_departments(user: auth.User) -> list[str]:
    """The departments ``user`` may prepare and hold meetings for: an AMO user's own, every
    known department for an administrator (and in local mode); none for the reading roles."""
    if not user.can_import():
        return []
    if user.role == auth.AMO and not user.is_local:
        return danish_sorted(user.departments)
    try:
        return store().departments()
    except StoreUnavailable as exc:
        st.error(md_escape(exc.message), icon=":material/cloud_off:")
        st.stop()


def choose_department_year(user: auth.User, key: str) -> tuple[str, int]:
    """Department and year of a preparation or meeting (the run stops when there is none)."""
    departments = meeting_departments(user)
    if not departments:
        if user.can_import():
            st.info("Der er ingen afdelinger endnu. Indlæs først afdelingens data på siden Upload.")
        else:
            st.info("Din rolle kan se data, men ikke forberede eller holde møder. Det gør AMO-medlemmerne "
                    "for deres egne afdelinger.")
        st.stop()
    wanted = st.query_params.get("afd")
    if st.session_state.get(f"{key}_department") not in departments and wanted in departments:
        st.session_state[f"{key}_department"] = wanted
    left, right = st.columns([3, 1])
    department = left.selectbox("Afdeling", departments, key=f"{key}_department")
    this_year = today().year
    year = right.selectbox("År", list(range(this_year + 1, this_year - 4, -1)), index=1, key=f"{key}_year")
    return department, int(year)


def author_of(user: auth.User, key: str) -> str | None:
    """Who writes: the signed-in user; in local mode (everyone is the same user) a typed name."""
    if not user.is_local:
        return user.username
    name = clean(st.text_input("Dit navn", key=f"{key}_author",
                               help="Uden brugere skal hver deltager skrive sit navn, så forberedelserne holdes adskilt."))
    if control_character(name):
        st.error(_control_message("Navnet", name))
        return None
    return name or None


def _control_message(what: str, text: str) -> str:
    char = control_character(text) or ""
    return f"{what} indeholder et usynligt styretegn (U+{ord(char):04X}), som ikke kan gemmes. Slet tegnet, og prøv igen."


def current_members(department: str) -> list[str]:
    """The names of the department's current members (sheet Medlemmer)."""
    from amo_data.entitlement import members_of

    members = store().current_tables((MEDLEMMER,), department=department)[MEDLEMMER]
    return danish_sorted({m.name for m in members_of(members) if m.current(today())})


# --------------------------------------------------------------------------- preparation


def points(text: object) -> list[str]:
    """The points of a preparation answer: one per line, bullets stripped."""
    found = []
    for line in str(text or "").splitlines():
        line = clean(line.lstrip().lstrip("•-–*").strip())
        if line:
            found.append(line)
    return found


def preparation_form(department: str, year: int, author: str) -> None:
    """The preparation sheet of ``author`` for a department's year, saved as a draft in the store."""
    stored = store().preparation(author, department, year) or {}
    areas_stored: dict = stored.get("areas") or {}
    prefix = f"prep|{department_key(department)}|{year}|{author}"
    options = list(vocab.areas().values)
    chosen = st.multiselect("Områder, du vil skrive om", options, default=[a for a in areas_stored if a in options],
                            key=f"{prefix}|areas", placeholder="Vælg et eller flere områder")
    if not chosen:
        st.caption("Vælg de arbejdsmiljøområder, du har noget at sige om.")
    with st.form(f"{prefix}|form", border=False):
        for area in chosen:
            with st.expander(area, expanded=True):
                cols = st.columns(2)
                for i, (name, label, hint) in enumerate(PREP_FIELDS):
                    cols[i % 2].text_area(label, value=(areas_stored.get(area) or {}).get(name, ""), help=hint,
                                          key=f"{prefix}|{area}|{name}", placeholder="Ét punkt pr. linje")
        saved = st.form_submit_button("Gem udkast", type="primary", icon=":material/save:")
    if saved:
        content = {"areas": {area: {name: st.session_state.get(f"{prefix}|{area}|{name}", "")
                                    for name, _l, _h in PREP_FIELDS} for area in chosen}}
        with writing():
            store().save_preparation(author, department, year, content)
            st.success(f"Dit udkast er gemt kl. {dt.datetime.now():%H:%M}. Det ligger i databasen: du kan lukke "
                       "browseren og fortsætte senere, også fra en anden computer.", icon=":material/check_circle:")
    others = [p["author"] for p in store().preparations(department, year) if p["author"] != author]
    if others:
        st.caption(f"Forberedelser til {md_escape(department)} {year} fra: {md_escape(joined(others))}.")


# --------------------------------------------------------------------------- the meeting's draft


@dataclass
class Draft:
    """A meeting in progress: the shared work sheet and action plan, not yet saved."""

    department: str
    year: int
    entries: list[dict]
    actions: list[dict]
    participants: list[str]
    held_on: dt.date
    fingerprint: str  # of what was stored when the meeting was opened (or last saved)
    newest_batch: int  # the newest import when opened: later ones are someone else's save
    amended: bool  # the year had stored rows: the meeting continues or amends them
    revision: int = 0  # part of the editors' keys: a new revision shows the draft anew
    saved_batch: int | None = None
    conflict: str | None = None
    problems: list[str] = field(default_factory=list)


def _plain(value: object) -> object:
    """A cell's value, every kind of empty (None, NaN, NA, blank text) as None."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _stored(department: str, year: int) -> tuple[list[dict], list[dict], str]:
    """The stored work sheet and plan of a department's year, and their fingerprint."""
    tables = store().current_tables((ARBEJDSARK, HANDLEPLAN), year=year, department=department)
    entries = [{k: _plain(r.get(k)) for k in ENTRY_KEYS} for r in tables[ARBEJDSARK].to_dict("records")]
    actions = [{k: _plain(r.get(k)) for k in ACTION_KEYS} for r in tables[HANDLEPLAN].to_dict("records")]
    return entries, actions, store().year_state(department, year)


def _newest_batch() -> int:
    history = store().history()
    return max((b["id"] for b in history), default=0)


def open_draft(department: str, year: int) -> Draft:
    """The meeting of a department's year as stored (to continue or amend), or a new one."""
    entries, actions, fingerprint = _stored(department, year)
    held = store().meetings(department, year)
    participants = list(held[0]["participants"]) if held else []
    held_on = held[0]["held_on"] if held else today()
    return Draft(department, year, entries, actions, participants, held_on, fingerprint, _newest_batch(),
                 bool(entries or actions))


def draft_of(department: str, year: int) -> Draft:
    """This session's meeting for the department and year (opened from the store the first time)."""
    drafts = st.session_state.setdefault("_meetings", {})
    key = (department_key(department), year)
    if key not in drafts:
        drafts[key] = open_draft(department, year)
    return drafts[key]


def _editor_key(draft: Draft, what: str) -> str:
    return f"meeting_{what}_{department_key(draft.department)}_{draft.year}_{draft.revision}"


def _same(entry: dict, other: dict, keys: tuple[str, ...]) -> bool:
    return all(clean(entry.get(k) or "") == clean(other.get(k) or "") for k in keys)


def add_entry(draft: Draft, area: str, category: str, description: str, help_: str | None = None) -> None:
    entry = {"area": area, "category": category, "description": clean(description),
             "help": help_ if category == vocab.BRUG_FOR_AT_STYRKE else None}
    if entry["description"] and not any(_same(entry, e, ("area", "category", "description")) for e in draft.entries):
        draft.entries.append(entry)
        draft.revision += 1


def meeting_setup(draft: Draft) -> None:
    """Date and participants: the department's members to tick, guests to add."""
    if draft.amended and not draft.saved_batch:
        st.info(f"{md_escape(draft.department)} har allerede et arbejdsark eller en handleplan for {draft.year}. "
                "Det gemte er hentet ind, så I kan fortsætte eller rette.", icon=":material/history:")
    suffix = f"{department_key(draft.department)}_{draft.year}"
    left, right = st.columns([1, 3])
    draft.held_on = left.date_input("Mødedato", value=draft.held_on, format="DD-MM-YYYY", key=f"meeting_date_{suffix}")
    members = current_members(draft.department)
    options = list(dict.fromkeys([*members, *draft.participants]))
    draft.participants = right.multiselect(
        "Deltagere", options, default=draft.participants, key=f"meeting_people_{suffix}", accept_new_options=True,
        placeholder="Vælg afdelingens medlemmer, eller skriv navnet på en gæst",
        help="Medlemmerne kommer fra arket Medlemmer. Skriv et navn og tryk Enter for at tilføje en gæst.")


def _step_label(number: int) -> str:
    step = STEPS[number - 1]
    return f"{step.number}. {step.title} ({step.minutes} min)"


def meeting_step() -> Step:
    """The step the meeting is at (its clock starts when it is first shown)."""
    number = st.radio("Trin", [s.number for s in STEPS], format_func=_step_label, horizontal=True,
                      key="meeting_step", label_visibility="collapsed")
    return STEPS[int(number) - 1]


# --------------------------------------------------------------------------- step editors

_ENTRY_COLUMNS = {"area": "Område", "description": "Beskrivelse", "help": "Hjælp"}
_ACTION_COLUMNS = {"what": "Hvad", "area": "Område", "why": "Hvorfor", "how": "Hvordan", "when": "Hvornår",
                   "who": "Hvem", "follow_up": "Opfølgning", "help": "Hjælp", "status": "Status"}


def _apply(rows: list[dict], columns: dict[str, str], edits: dict, new: dict) -> list[dict]:
    """``rows`` with the edits of a data editor (``edited_rows``, ``deleted_rows``, ``added_rows``)."""
    heading = {v: k for k, v in columns.items()}
    rows = [dict(r) for r in rows]
    for i, change in (edits.get("edited_rows") or {}).items():
        for column, value in change.items():
            if column in heading and int(i) < len(rows):
                rows[int(i)][heading[column]] = _plain(value)
    deleted = {int(i) for i in edits.get("deleted_rows") or ()}
    rows = [r for i, r in enumerate(rows) if i not in deleted]
    for added in edits.get("added_rows") or ():
        row = dict(new)
        row.update({heading[c]: _plain(v) for c, v in added.items() if c in heading})
        if any(_plain(row.get(k)) for k in columns):
            rows.append(row)
    return rows


def apply_edits(draft: Draft) -> None:
    """The edits made in this draft's tables since the last run (before anything is drawn)."""
    changed = False
    for step in STEPS[:3]:
        key = _editor_key(draft, f"ark{step.number}")
        edits = st.session_state.get(key)
        if edits and any(edits.get(k) for k in ("edited_rows", "deleted_rows", "added_rows")):
            mine = [e for e in draft.entries if e["category"] == step.category]
            others = [e for e in draft.entries if e["category"] != step.category]
            draft.entries = others + _apply(mine, _ENTRY_COLUMNS, edits, {"category": step.category})
            changed = True
    key = _editor_key(draft, "plan")
    edits = st.session_state.get(key)
    if edits and any(edits.get(k) for k in ("edited_rows", "deleted_rows", "added_rows")):
        draft.actions = _apply(draft.actions, _ACTION_COLUMNS, edits, {"status": vocab.IKKE_STARTET})
        changed = True
    if changed:
        draft.revision += 1


# Free text is shown empty where nothing is written (the editor would show "None").
_FREE_TEXT = {"description", "what", "why", "how", "when", "who", "follow_up"}


def _table(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    def shown(key: str, value: object) -> object:
        value = _plain(value)
        return "" if value is None and key in _FREE_TEXT else value

    return pd.DataFrame([{v: shown(k, r.get(k)) for k, v in columns.items()} for r in rows],
                        columns=list(columns.values()), dtype=object)


def clock(step: Step) -> None:
    """The step's suggested minutes and a visible clock from the step's start."""
    started = st.session_state.setdefault("_meeting_clock", {}).setdefault(step.number, time.time())
    end = dt.datetime.fromtimestamp(started + step.minutes * 60)
    left, right = st.columns([3, 1])
    left.markdown(f"**Trin {step.number}: {step.title}** · ca. {step.minutes} min · "
                  f"startet kl. {dt.datetime.fromtimestamp(started):%H:%M} · slut ca. kl. {end:%H:%M}")
    if right.button("Start uret forfra", key=f"meeting_clock_reset_{step.number}", icon=":material/restart_alt:"):
        st.session_state["_meeting_clock"][step.number] = started = time.time()
    _clock_face(started, step.minutes)


@st.fragment(run_every=dt.timedelta(seconds=10))
def _clock_face(started: float, minutes: int) -> None:
    """The minutes used of the step's suggested minutes; it moves by itself (only this part of
    the page runs again, every ten seconds)."""
    used = int(max(0.0, time.time() - started) // 60)
    if used < minutes:
        st.progress(used / minutes, text=f"Tid: {used} af {minutes} min brugt · {minutes - used} min tilbage")
    else:
        st.progress(1.0, text=f"Tid: {used} af {minutes} min brugt · tiden for trinnet er gået")


def _prepared(department: str, year: int, category: str) -> dict[str, list[tuple[str, str]]]:
    """Everyone's prepared points of one Kategori by area: area -> [(author, point)]."""
    found: dict[str, list[tuple[str, str]]] = {}
    for prep in store().preparations(department, year):
        for area, answers in ((prep.get("content") or {}).get("areas") or {}).items():
            for point in points((answers or {}).get(category)):
                found.setdefault(area, []).append((prep["author"], point))
    return found


def _write_new(draft: Draft, step: Step) -> None:
    prefix = f"meeting_new_{step.number}"
    add_entry(draft, st.session_state[f"{prefix}_area"], step.category, st.session_state.get(f"{prefix}_text", ""),
              st.session_state.get(f"{prefix}_help"))
    st.session_state[f"{prefix}_text"] = ""


def work_step(draft: Draft, step: Step) -> None:
    """Steps 1–3: everyone's preparation side by side, by area, and the shared work sheet."""
    st.caption(step.guide)
    prepared = _prepared(draft.department, draft.year, step.category)
    hows = _prepared(draft.department, draft.year, "Hvordan") if step.category == vocab.BRUG_FOR_AT_STYRKE else {}
    mine = [e for e in draft.entries if e["category"] == step.category]
    areas = area_order(set(prepared) | {e["area"] for e in mine if e.get("area")})
    if not prepared:
        st.info("Ingen har gemt en forberedelse til dette trin. Skriv punkterne direkte herunder.")
    for area in areas:
        st.markdown(f"##### {md_escape(area)}")
        authors = danish_sorted({a for a, _p in prepared.get(area, [])})
        if authors:
            for col, author in zip(st.columns(len(authors)), authors):
                with col.container(border=True):
                    st.markdown(f"**{md_escape(author)}**")
                    for i, (who, point) in enumerate(prepared[area]):
                        if who != author:
                            continue
                        taken = any(_same({"area": area, "category": step.category, "description": point}, e,
                                          ("area", "category", "description")) for e in mine)
                        st.text(point)
                        st.button("Taget med" if taken else "Tag med", disabled=taken, icon=":material/add:",
                                  key=f"accept_{step.number}_{hashlib.sha1(f'{area}|{i}|{point}'.encode()).hexdigest()[:10]}",
                                  on_click=add_entry, args=(draft, area, step.category, point))
                    for who, how in hows.get(area, []):
                        if who == author:
                            st.caption(f"Hvordan: {md_escape(how)}")
        shared = [e for e in mine if e.get("area") == area]
        if shared:
            st.markdown("Fælles arbejdsark:\n" + "\n".join(
                f"- {md_escape(e['description'])}" + (f" · *{md_escape(e['help'])}*" if e.get("help") else "")
                for e in shared))
    with st.form(f"meeting_new_{step.number}", border=True):
        st.markdown("**Skriv et nyt punkt**")
        cols = st.columns([2, 4, 2] if step.category == vocab.BRUG_FOR_AT_STYRKE else [2, 6])
        cols[0].selectbox("Område", list(vocab.areas().values), key=f"meeting_new_{step.number}_area")
        cols[1].text_area("Punkt", key=f"meeting_new_{step.number}_text", height=68)
        if step.category == vocab.BRUG_FOR_AT_STYRKE:
            cols[2].selectbox("Hjælp", list(vocab.HELP.values), key=f"meeting_new_{step.number}_help",
                              help="Egen kompetenceudvikling, hjælp indefra eller hjælp udefra.")
        st.form_submit_button("Skriv på arbejdsarket", icon=":material/add:", on_click=_write_new,
                              args=(draft, step))
    columns = dict(_ENTRY_COLUMNS) if step.category == vocab.BRUG_FOR_AT_STYRKE else \
        {k: v for k, v in _ENTRY_COLUMNS.items() if k != "help"}
    with st.expander(f"Ret eller slet punkter ({plural(len(mine), 'punkt', 'punkter')})"):
        st.data_editor(_table(mine, columns), key=_editor_key(draft, f"ark{step.number}"), hide_index=True,
                       num_rows="dynamic", width="stretch", column_config={
                           "Område": st.column_config.SelectboxColumn(options=list(vocab.areas().values), required=True),
                           "Beskrivelse": st.column_config.TextColumn(required=True, max_chars=2000),
                           "Hjælp": st.column_config.SelectboxColumn(options=list(vocab.HELP.values))})


def quarter_options(year: int) -> list[str]:
    return [ASAP] + [f"{q}. kvartal {y}" for y in (year, year + 1) for q in range(1, 5)]


def _need_to_action(need: dict) -> None:
    st.session_state["meeting_action_what"] = need["description"]
    st.session_state["meeting_action_area"] = need["area"]
    if need.get("help") in vocab.HELP.values:
        st.session_state["meeting_action_help"] = need["help"]


def _add_action(draft: Draft) -> None:
    s = st.session_state
    what = clean(s.get("meeting_action_what", ""))
    if not what:
        s["_meeting_action_error"] = "Skriv, hvad I vil gøre (Hvad), før handlingen kan tilføjes."
        return
    draft.actions.append({"what": what, "area": s["meeting_action_area"], "why": clean(s.get("meeting_action_why")),
                          "how": clean(s.get("meeting_action_how")), "when": s["meeting_action_when"],
                          "who": clean(s.get("meeting_action_who")),
                          "follow_up": clean(s.get("meeting_action_follow_up")), "help": s["meeting_action_help"],
                          "status": vocab.IKKE_STARTET})
    draft.revision += 1
    for name in ("what", "why", "how", "who", "follow_up"):
        s[f"meeting_action_{name}"] = ""


def plan_step(draft: Draft) -> None:
    """Step 4: the action plan, from the needs of step 3 or written anew."""
    st.caption(STEPS[3].guide)
    needs = [e for e in draft.entries if e["category"] == vocab.BRUG_FOR_AT_STYRKE]
    if needs:
        with st.container(border=True):
            st.markdown("**Behov fra trin 3** – vælg et for at lave en handling af det:")
            for i, need in enumerate(needs):
                left, right = st.columns([5, 1])
                left.text(f"{need['area']}: {need['description']}" + (f" ({need['help']})" if need.get("help") else ""))
                right.button("Lav handling", key=f"need_{i}", on_click=_need_to_action, args=(need,))
    if message := st.session_state.pop("_meeting_action_error", None):
        st.error(message)
    with st.form("meeting_action", border=True):
        st.markdown("**Ny handling**")
        a, b = st.columns(2)
        a.text_input("Hvad?", key="meeting_action_what", help="Hvad skal vi lære eller have hjælp til?")
        b.selectbox("Område", list(vocab.areas().values), key="meeting_action_area")
        a.text_input("Hvorfor?", key="meeting_action_why", help="Hvilken opgave løser det?")
        b.text_input("Hvordan?", key="meeting_action_how", help="Kursus, sparring, rådgiver …")
        a.selectbox("Hvornår?", quarter_options(draft.year), key="meeting_action_when",
                    help="Det kvartal, handlingen skal være gjort i, eller Snarest.")
        b.text_input("Hvem?", key="meeting_action_who", help="Hvem er ansvarlig?")
        a.text_input("Opfølgning?", key="meeting_action_follow_up", help="Hvornår ser vi på det igen?")
        b.radio("Hjælp", list(vocab.HELP.values), key="meeting_action_help",
                captions=[HELP_EXAMPLES[h] for h in vocab.HELP.values])
        st.form_submit_button("Tilføj handlingen", type="primary", icon=":material/add_task:", on_click=_add_action,
                              args=(draft,))
    st.markdown(f"**Handleplanen** ({plural(len(draft.actions), 'handling', 'handlinger')})")
    st.data_editor(_table(draft.actions, _ACTION_COLUMNS), key=_editor_key(draft, "plan"), hide_index=True,
                   num_rows="dynamic", width="stretch", column_config={
                       "Område": st.column_config.SelectboxColumn(options=list(vocab.areas().values), required=True),
                       "Hjælp": st.column_config.SelectboxColumn(options=list(vocab.HELP.values), required=True),
                       "Status": st.column_config.SelectboxColumn(options=list(vocab.STATUS.values)),
                       "Hvad": st.column_config.TextColumn(required=True)})


# --------------------------------------------------------------------------- saving


def _sheets(draft: Draft) -> list[RawSheet]:
    """The draft as the two sheets of a workbook, exactly as an upload would bring them."""
    def day(value: object) -> object:
        return value if isinstance(value, dt.date) else draft.held_on

    def sheet(table: str, rows: list[list]) -> RawSheet:
        fields = SCHEMA[table].file_fields
        return RawSheet(SCHEMA[table].title, [[f.header for f in fields]] + rows)

    ark = [[{"department": draft.department, "year": draft.year, "date": day(e.get("date"))}.get(f.key, e.get(f.key))
            for f in SCHEMA[ARBEJDSARK].file_fields] for e in draft.entries]
    plan = [[{"department": draft.department, "year": draft.year, "date": day(a.get("date"))}.get(f.key, a.get(f.key))
             for f in SCHEMA[HANDLEPLAN].file_fields] for a in draft.actions]
    return [sheet(ARBEJDSARK, ark), sheet(HANDLEPLAN, plan)]


def _changed_since(draft: Draft) -> str:
    """What happened to the department's year since the meeting was opened, in Danish."""
    key, what = department_key(draft.department), f"{draft.department} {draft.year}"
    for batch in store().history():
        if batch["id"] > draft.newest_batch and batch["state"] != "undone" and key in {
                department_key(d) for d in store().batch_departments(batch["id"])}:
            return f"{batch['user'] or 'En anden'} har gemt {what} (import nr. {batch['id']})"
    return f"{what} er ændret (fx en status eller en fortrudt import)"


def _described(draft: Draft, problem, describe) -> str:
    """A problem of the upload's check, placed in the meeting (a point or an action, not a row)."""
    rows = {SCHEMA[ARBEJDSARK].title: (draft.entries, "description", "punktet"),
            SCHEMA[HANDLEPLAN].title: (draft.actions, "what", "handlingen")}
    if problem.sheet not in rows or problem.row is None or problem.row < 2:
        return describe(problem, with_file=False)
    items, key, noun = rows[problem.sheet]
    i = problem.row - 2
    text = clean(items[i].get(key) or "") if i < len(items) else ""
    short = text if len(text) <= 40 else text[:39] + "…"
    where = f'{problem.sheet}, {noun} "{short}"' if short else f"{problem.sheet}, {noun} nr. {i + 1}"
    if problem.column:
        where += f', kolonne "{problem.column}"'
    return f"{where}: {problem.message}"


def save(draft: Draft) -> None:
    """Gem mødet: the upload's rules and messages, then one import with the meeting; refused
    when someone else saved the department and year since the meeting was opened."""
    from amo_data.validate import describe, validate_sheets

    user = current_user()
    draft.problems, draft.conflict = [], None
    if not user.may_change(draft.department):
        draft.problems = [f"Du kan kun holde møder for dine egne afdelinger, ikke {draft.department}."]
        return
    if not draft.entries:
        draft.problems = ["Arbejdsarket er tomt. Skriv mindst ét punkt, før mødet gemmes."]
        return
    if bad := [p for p in draft.participants if control_character(p)]:
        draft.problems = [_control_message(f'Deltageren "{clean(p)}"', p) for p in bad]
        return
    with writing():
        result = validate_sheets(f"Møde {draft.department} {draft.year}", _sheets(draft))
        refused = auth.departments_outside(user, [result])
        if result.errors or refused:
            draft.problems = [_described(draft, p, describe) for p in [*result.errors, *refused]]
            return
        meeting = Meeting(draft.department, draft.year, draft.held_on, tuple(draft.participants), user.username)
        try:  # the store checks, under its write lock, that nobody saved the year meanwhile
            outcome = store().import_results([result], user=user.username, meeting=meeting,
                                             expected=draft.fingerprint)
        except Conflict:
            draft.conflict = (f"{_changed_since(draft)}, efter at du åbnede mødet. "
                              "Intet er gemt, og intet er tabt: dit arbejdsark og din handleplan er her stadig. "
                              "Hent det gemte ind (dine egne punkter bliver stående), se det igennem, og gem igen.")
            return
        forget_data_version()  # the rest of this run, and every page after it, shows the new data
        entries, actions, draft.fingerprint = _stored(draft.department, draft.year)
        draft.entries, draft.actions = entries, actions
        draft.newest_batch, draft.saved_batch, draft.amended = outcome.batch_id or draft.newest_batch, \
            outcome.batch_id, True
        draft.revision += 1


def reload(draft: Draft) -> None:
    """After a conflict: what is stored now, with this meeting's own points and actions kept."""
    entries, actions, fingerprint = _stored(draft.department, draft.year)
    entries += [e for e in draft.entries if not any(_same(e, s, ("area", "category", "description")) for s in entries)]
    actions += [a for a in draft.actions if not any(_same(a, s, ("what", "area", "when")) for s in actions)]
    draft.entries, draft.actions, draft.fingerprint = entries, actions, fingerprint
    draft.newest_batch, draft.conflict, draft.saved_batch = _newest_batch(), None, None
    draft.revision += 1


def _draft_workbook(draft: Draft) -> bytes:
    """The meeting not saved, as a workbook with the template's sheets and headers (to keep, or
    to upload later): every row as written, also one that would not pass the check."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in _sheets(draft):
        ws = wb.create_sheet(sheet.name)
        for row in sheet.rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def save_section(draft: Draft) -> None:
    """Gem mødet, its result, the conflict's way out and the record once saved."""
    st.divider()
    for problem in draft.problems:
        st.error(md_escape(problem))
    if draft.conflict:
        st.error(md_escape(draft.conflict), icon=":material/sync_problem:")
        left, right = st.columns(2)
        left.button("Hent det gemte ind, og behold mine punkter", key="meeting_reload", icon=":material/sync:",
                    on_click=reload, args=(draft,))
        right.download_button("Gem mit arbejde som Excel først", functools.partial(_draft_workbook, draft),
                              f"Møde {draft.department} {draft.year}.xlsx", mime=XLSX_MIME,
                              icon=":material/download:", on_click="ignore")
    n_entries, n_actions = len(draft.entries), len(draft.actions)
    st.caption(f"Arbejdsarket har {plural(n_entries, 'punkt', 'punkter')}, handleplanen "
               f"{plural(n_actions, 'handling', 'handlinger')}. Gem mødet erstatter {md_escape(draft.department)}s "
               f"arbejdsark og handleplan for {draft.year}; det kan fortrydes på siden Upload.")
    st.button("Gem mødet", type="primary", icon=":material/save:", key="meeting_save", on_click=save, args=(draft,))
    if draft.saved_batch:
        st.success(f"Mødet er gemt som import nr. {draft.saved_batch}. Alle sider viser nu de nye data.",
                   icon=":material/check_circle:")
    if draft.amended and not draft.conflict:
        record_button(draft.department, draft.year, key="meeting_record")
