"""Widgets that change data: the status editor, upload and save, history with undo, audit, erasure."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit import config

from amo_data import auth, vocab
from amo_data.errors import AmoError, Problem, StoreUnavailable
from amo_data.reader import max_bytes, max_upload_mb
from amo_data.schema import SHEET_TITLES
from amo_data.text import danish_key, joined, sorted_names

from .data import batch_departments, data_version, forget_data_version, history, history_table, store, writing
from .shell import current_user
from .views import ACTION_COLUMNS, danish_number, danish_time, display_frame, md_escape, page_rows, plural, show_view


@st.cache_data(show_spinner=False, max_entries=64)
def _page_view(version: int, digest: str, start: int, stop: int, columns: tuple[tuple[str, str], ...],
               _rows: pd.DataFrame) -> pd.DataFrame:
    """``display_frame`` of one page of rows; the rows are fixed by the data version and the
    digest of the ids of every row in their order (``_rows`` itself is not hashed)."""
    return display_frame(_rows, dict(columns))


def paged(rows: pd.DataFrame, columns: dict[str, str], key: str,
          label: str = "Vis") -> tuple[pd.DataFrame, pd.DataFrame]:
    """One page of a long table (``views.page_rows``; rows need ``id``) and its display frame.

    The pager keeps its page while the same rows are shown (e.g. after a status edit) and starts
    at the first page for other rows; only the shown page is formatted (cached per page).
    """
    digest = _digest(rows["id"])
    chosen = page_rows(len(rows), f"{key}_{digest}", label)
    page = rows.iloc[chosen]
    return page, _page_view(data_version(), digest, chosen.start, chosen.stop, tuple(columns.items()), page)


def show_long_table(rows: pd.DataFrame, columns: dict[str, str], key: str, label: str, *,
                    empty: str | None = None) -> None:
    """``views.show_view`` of the rows a page at a time (see :func:`paged`)."""
    if rows.empty and empty:
        st.caption(empty)
        return
    show_view(paged(rows, columns, key, label)[1])


_SHOWN = "_plan_shown"  # editor key -> (ids, departments, statuses shown) of the last few editors drawn
_KEEP = 3  # editors remembered: a table in the browser may send an edit after a newer one was drawn
_ROUND = "_plan_round"  # part of the editor's key: a new round is a new editor, showing what is stored
_REFUSED = "_plan_refused"  # the refusals of the last edits, shown until the next edit


def action_editor(actions: pd.DataFrame) -> None:
    """The actions with Status editable in place; a change is saved at once with who and when.

    More than ``views.PAGE_SIZE`` actions are shown a page at a time. The editor's key follows
    the shown actions (their ids), not the data version, so a write by anyone between drawing
    the page and an edit does not throw the edit away: :func:`save_status_edits`, called by the
    page before it loads anything, applies each edit to the action that was shown, with the
    status that was shown as the expected old value. An edit that was refused, or that someone
    else changed after it was saved, gets a new editor (a new round), which shows what is stored.
    """
    for refusal in st.session_state.get(_REFUSED, ()):
        st.error(md_escape(refusal))
    if actions.empty:
        st.caption("Ingen handlinger for de valgte filtre.")
        return
    actions, view = paged(actions, ACTION_COLUMNS, "plan_page", "Vis handlinger")
    if not current_user().can_import():
        show_view(view)
        st.caption("Din rolle kan se handleplanen, men ikke ændre status.")
        return
    statuses = list(view["Status"])
    key = f"plan_editor_{st.session_state.get(_ROUND, 0)}_{_digest(actions['id'])}"
    if any(status != statuses[int(row)] for row, status in _edited(key).items()):
        # The browser's table shows an edit of this key that is not what is stored any more.
        st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
        key = f"plan_editor_{st.session_state[_ROUND]}_{_digest(actions['id'])}"
    shown = st.session_state.setdefault(_SHOWN, {})
    shown.pop(key, None)
    shown[key] = ([int(i) for i in actions["id"]], list(actions["department"]), statuses)
    for older in list(shown)[:-_KEEP]:
        del shown[older]
    st.session_state["_plan_editor_key"] = key
    st.data_editor(
        view, key=key, hide_index=True, width="stretch", disabled=[c for c in view.columns if c != "Status"],
        num_rows="fixed",
        column_config={"Status": st.column_config.SelectboxColumn("Status", options=list(vocab.STATUS.values),
                                                                  required=True)},
    )


def _edited(key: str) -> dict[int, str]:
    """The statuses edited in the editor ``key`` (row -> status), as its browser table holds them."""
    rows = (st.session_state.get(key) or {}).get("edited_rows") or {}
    return {int(row): change["Status"] for row, change in rows.items() if change.get("Status") is not None}


def save_status_edits() -> None:
    """Save the status edits made in the editors the last runs drew, each once (see
    :func:`action_editor`). A table in the browser keeps its edits and sends them all with each
    new one, possibly after a newer table was drawn: only what differs from what it showed is
    an edit, and each is then recorded as shown.

    Each is saved, or refused with a Danish reason kept on the page until the next edit: another
    department than the user's own, an action an import replaced or an undo removed meanwhile,
    or a status someone else changed meanwhile.
    """
    changes = []
    for key, (ids, departments, statuses) in (st.session_state.get(_SHOWN) or {}).items():
        for row, status in sorted(_edited(key).items()):
            if status != statuses[row]:
                changes.append((ids[row], departments[row], statuses[row], status))
                statuses[row] = status  # handled: a later run that brings it again does not apply it again
    if not changes:
        return
    user = current_user()
    refused = []
    others = sorted({dep for _, dep, _, _ in changes if not user.can_edit_status(dep)}, key=danish_key)
    if others:
        refused.append(f"Du kan ikke ændre status for {', '.join(others)}: du kan kun ændre dine egne afdelinger"
                       + (f" ({', '.join(user.departments)})." if user.departments else "."))
    saved, written = 0, False
    with writing():
        for action_id, department, old, new in changes:
            if not user.can_edit_status(department):
                continue
            try:
                store().set_action_status(action_id, new, user=user.username, expected=old)
                saved += 1
            except StoreUnavailable:
                raise
            except AmoError as exc:  # replaced or changed by someone else meanwhile
                refused.append(exc.message)
        written = True
    st.session_state[_REFUSED] = refused
    if refused or not written:  # a new editor: the browser's table must not go on showing what is not stored
        st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
    if saved:
        forget_data_version()  # the rest of this run shows the new statuses
        st.toast(f"Status gemt for {saved} handling{'er' if saved > 1 else ''}.", icon=":material/check_circle:")


def plan_intro(n: int) -> str:
    """The line above the action plan: how many actions, and what this user may change in it."""
    user = current_user()
    count = plural(n, "handling", "handlinger") + "."
    if not user.can_import():
        return count
    where = "" if user.role == auth.ADMIN or user.is_local else f" for {_own_departments(user)}"
    return (f"{count} Ret status direkte i tabellen{where}; ændringen gemmes straks og skrives i revisionsloggen "
            "med hvem og hvornår.")


def upload_scope() -> str | None:
    """What an AMO user may upload (None: anything), said before the upload rather than after it."""
    user = current_user()
    if not user.can_import() or user.role == auth.ADMIN or user.is_local:
        return None
    return (f"Du kan indlæse data for {_own_departments(user)}. En fil med andre afdelinger afvises, "
            "og intet af den gemmes.")


def _own_departments(user: auth.User) -> str:
    return joined(sorted_names(user.departments)) or "ingen afdelinger"


def _digest(ids: pd.Series) -> str:
    return hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()[:10]


# Files up to this many times the core's limit reach the app, whose reader refuses them in
# Danish naming the limit (amo_data.reader.max_bytes); above it, Streamlit refuses in the browser.
UPLOAD_HEADROOM = 2


def upload_cap_mb() -> int:
    """What Streamlit lets through per file, in MB: :data:`UPLOAD_HEADROOM` times the core's
    limit, rounded up. The core's limit (``AMO_MAX_UPLOAD_MB``, default 25 MB) is the one setting."""
    return UPLOAD_HEADROOM * max_upload_mb()


def upload_files() -> list:
    """The file uploader of the Upload page, its label naming the core's limit.

    Streamlit's server cap (``server.maxUploadSize``, which its upload route reads per
    request) and the uploader's own cap are both set here from the core's limit, so raising
    ``AMO_MAX_UPLOAD_MB`` raises them too and no file the core accepts is refused on the way.
    """
    cap = upload_cap_mb()
    if config.get_option("server.maxUploadSize") != cap:
        config.set_option("server.maxUploadSize", cap)
    limit = danish_number(max_bytes() / 2**20, 2)
    return st.file_uploader(
        f"Vælg en eller flere filer (Excel eller CSV, højst {limit} MB pr. fil)",
        type=["xlsx", "xlsm", "xls", "ods", "csv", "txt"], accept_multiple_files=True, key="uploads",
        max_upload_size=cap) or []


PROBLEM_COLUMNS = {"sheet": "Ark", "row": "Række", "column": "Kolonne", "value": "Værdi", "message": "Besked"}


@dataclass(frozen=True)
class Checked:
    """What the Upload page keeps of one checked file: what it shows, and what makes sure "Gem"
    stores the file that was checked (its SHA-256). Not its rows: those are read again from the
    uploaded bytes when the file is saved (a big workbook's rows took hundreds of MB a session)."""

    file: str
    file_id: str  # the upload's id (st.file_uploader)
    sha256: str
    ok: bool
    rows: dict[str, int]  # per table, as read from the file
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    refused: tuple[Problem, ...]  # departments the user may not change (auth.departments_outside)


def check_uploads(files, check) -> list[Checked]:
    """Check every uploaded file once (kept in the session by the upload's id and the user)."""
    user = current_user()
    wanted = {(f.file_id, user.username) for f in files}
    cache = {k: v for k, v in st.session_state.get("_checked", {}).items() if k in wanted}  # only the chosen
    st.session_state["_checked"] = cache
    todo = [f for f in files if (f.file_id, user.username) not in cache]
    progress = st.progress(0.0, text="Kontrollerer filer …") if todo else None
    for i, f in enumerate(todo, start=1):
        if progress:
            progress.progress((i - 1) / len(todo), text=f"Kontrollerer {md_escape(f.name)} ({i} af {len(todo)}) …")
        result = check(f.name, f.getvalue())
        cache[f.file_id, user.username] = Checked(
            result.file, f.file_id, result.sha256, result.ok, result.rows, tuple(result.errors),
            tuple(result.warnings), tuple(auth.departments_outside(user, [result])))
    if progress:
        progress.empty()
    st.session_state["_upload_ids"] = tuple(f.file_id for f in files)
    return [cache[f.file_id, user.username] for f in files]


def show_check_result(result) -> None:
    # Material icons, not emoji: they look the same in every browser (an emoji font is not everywhere).
    icon = ":green[:material/check_circle:]" if result.ok else ":red[:material/cancel:]"
    with st.container(border=True):
        st.markdown(f"{icon} **{md_escape(result.file)}**")
        found = {table: n for table, n in result.rows.items() if n}
        if found:
            for col, (table, n) in zip(st.columns(3), found.items()):
                col.metric(f"Rækker i {SHEET_TITLES[table]}", danish_number(n, 0))
        elif not result.errors:
            st.caption("Filen indeholder ingen rækker med data.")
        if result.errors:
            st.error(f"{len(result.errors)} fejl — filen kan ikke gemmes, før {'den' if len(result.errors) == 1 else 'de'} "
                     "er rettet.")
            show_problems(result.errors)
        if result.warnings:
            st.warning(f"{plural(len(result.warnings), 'advarsel', 'advarsler')} — filen kan gemmes, "
                       "men se dem igennem.")
            show_problems(result.warnings)
        if result.ok and not result.warnings:
            st.success("Ingen fejl eller advarsler.")


def show_problems(problems) -> None:
    # Narrow fixed widths for the short columns and a wide one for Besked: the message (the one
    # column a user must read whole) fits on an office screen (1920 px) instead of getting an even
    # share of the width; on a smaller one the table scrolls sideways.
    st.dataframe(_problems(problems), hide_index=True, width="stretch", column_config={
        "Ark": st.column_config.TextColumn(width=100), "Række": st.column_config.NumberColumn(width=65),
        "Kolonne": st.column_config.TextColumn(width=110), "Værdi": st.column_config.TextColumn(width=120),
        "Besked": st.column_config.TextColumn(width=1100)})


def _problem_value(problem) -> str:
    """A problem's value as the user typed it (``Problem.written``: 7, not 7.0), a decimal with
    a comma (the message says "7" too)."""
    value = problem.written
    if value is None:
        return ""
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


def _problems(problems) -> pd.DataFrame:
    rows = [{"sheet": p.sheet or "", "row": p.row, "column": p.column or "",
             "value": _problem_value(p), "message": p.message} for p in problems]
    df = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))
    df["row"] = df["row"].astype("Int64")
    return df.rename(columns=PROBLEM_COLUMNS)


def save_uploads(checked: list[Checked], check) -> None:
    """Store the checked files once; a rerun with the same uploads does not import again.

    The files are checked again from the bytes still uploaded (``check``, as the page checked
    them), and stored only when each is the very file that was checked (same SHA-256)."""
    ids = st.session_state.get("_upload_ids")
    if ids and st.session_state.get("_saved_ids") == ids:
        st.session_state["_saved_message"] = ("info", "Disse filer er allerede gemt.")
        return
    user = current_user()
    uploaded = {f.file_id: f for f in st.session_state.get("uploads") or ()}
    missing = [c.file for c in checked if c.file_id not in uploaded]
    if missing:
        st.session_state["_saved_message"] = ("error", f"Intet er gemt: {joined(missing)} er ikke længere valgt.")
        return
    results = [check(c.file, uploaded[c.file_id].getvalue()) for c in checked]
    if any(r.sha256 != c.sha256 or not r.ok for r, c in zip(results, checked)):
        st.session_state["_saved_message"] = ("error", "Intet er gemt: filerne er ændret, siden de blev kontrolleret. "
                                                       "Vælg dem igen.")
        return
    if not user.can_import() or auth.departments_outside(user, results):  # the page checked; check again
        st.session_state["_saved_message"] = ("error", "Intet er gemt: du kan ikke ændre disse afdelinger.")
        return
    with writing():
        outcome = store().import_results(results, user=user.username)
        forget_data_version()  # the rest of this run (history, export) shows the new data
        st.session_state["_saved_ids"] = ids
        if outcome.unchanged:
            st.session_state["_saved_note"] = "Uændret: præcis de samme data var allerede gemt."
            st.session_state["_saved_message"] = ("info", st.session_state["_saved_note"])
        else:
            st.session_state["_saved_batch"] = outcome.batch_id
            st.session_state["_saved_note"] = f"Filerne er gemt som import nr. {outcome.batch_id}."
            st.session_state["_saved_message"] = (
                "success", f"Gemt som import nr. {outcome.batch_id}. Alle sider viser nu de nye data.")


def save_button(checked: list[Checked], check) -> None:
    """The Gem button; once exactly these files are saved, a note instead (no second click that
    seems to do nothing). The save runs before the page is drawn, so the page shows its result."""
    ids = st.session_state.get("_upload_ids")
    if ids and st.session_state.get("_saved_ids") == ids:
        if "_saved_message" not in st.session_state:  # the save's own message is shown once, below
            st.caption(st.session_state.get("_saved_note", "Filerne er gemt.")
                       + " Vælg nye filer ovenfor for at indlæse flere.")
        return
    st.button("Gem", type="primary", icon=":material/save:", key="save_uploads", on_click=save_uploads,
              args=(checked, check))


def show_saved_message() -> None:
    """The result of the last save or undo, shown once, in one place: the slot is there on every run,
    so what follows it on the page keeps its place (an open "Fortryd en import" stays open)."""
    slot = st.empty()
    kind, text = st.session_state.pop("_saved_message", (None, None))
    if kind == "success":
        slot.success(text, icon=":material/check_circle:")
    elif kind == "error":
        slot.error(text)
    elif kind:
        slot.info(text)


def history_with_undo() -> None:
    batches = history()
    if not batches:
        st.caption("Ingen importer endnu.")
        return
    st.dataframe(history_table(), hide_index=True, width="stretch")
    user = current_user()
    if not user.can_import():
        return
    undoable = [b["id"] for b in batches
                if b["state"] != "undone" and user.can_undo(batch_departments(b["id"]))]
    if not undoable:
        return
    if st.session_state.get("_undo_newest") != undoable[0]:  # a new import: offer it, not an older one
        # Set, not forgotten: the browser keeps a widget's value unless the page sets it.
        st.session_state["_undo_newest"] = st.session_state["undo_batch"] = undoable[0]
    described = {b["id"]: _describe_batch(b) for b in batches}
    with st.expander("Fortryd en import"):
        batch_id = st.selectbox("Import", undoable, key="undo_batch", format_func=described.get)
        st.caption("Det, importen erstattede, bliver gældende igen. Importen kan ses i historikken bagefter.")
        # The confirmation belongs to the import it names (its key), and the click carries that
        # import: when the list changes under it (another person undid the chosen import), the
        # box shows another import unconfirmed, and a click already made acts on the one confirmed.
        confirm = st.checkbox(f"Ja, fortryd import nr. {batch_id}", key=f"undo_confirm_{batch_id}")
        st.button("Fortryd", disabled=not confirm, key="undo_button", on_click=_undo, args=(batch_id,))


def _undo(batch_id: int) -> None:
    """The Fortryd button: undo the import the person confirmed, or say why it cannot be undone."""
    user = current_user()
    if not st.session_state.pop(f"undo_confirm_{batch_id}", False):
        return
    with writing():
        if not user.can_undo(store().batch_departments(batch_id)):
            return
        try:
            store().undo(batch_id, user=user.username)
        except StoreUnavailable:
            raise
        except AmoError as exc:  # e.g. undone meanwhile by someone else
            st.session_state["_saved_message"] = ("error", f"{exc.message} Intet er ændret.")
            return
        st.session_state["_saved_message"] = ("success", f"Import nr. {batch_id} er fortrudt.")
        if st.session_state.get("_saved_batch") == batch_id:  # the files may be saved again
            for key in ("_saved_ids", "_saved_batch", "_saved_note"):
                st.session_state.pop(key, None)


def _describe_batch(batch: dict) -> str:
    """One import as the undo list names it: "Nr. 2 · 26-11-2026 12:37 · mette · plan.xlsx og 1 fil mere"."""
    files = batch["files"]
    shown = files[0] if files else ""
    if len(files) > 1:
        shown += f" og {plural(len(files) - 1, 'fil', 'filer')} mere"
    return " · ".join(part for part in (f"Nr. {batch['id']}", danish_time(batch["created_at"]), batch["user"], shown)
                      if part)


def erase(action) -> None:
    """Run a data-protection erasure and show its Danish result."""
    with writing():
        try:
            result = action()
        except StoreUnavailable:
            raise
        except AmoError as exc:
            st.error(md_escape(exc.message))
            return
        st.session_state["_toast"] = result.get("message", "Slettet.")
        st.cache_data.clear()  # no cached copy of the erased data stays in this process's memory
        st.rerun()
