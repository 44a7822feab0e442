"""The small shared UI layer: page setup, the common sidebar, cached data and empty states.

Pages call into this module and into ``amo_data``; every figure is computed by
``amo_data.metrics`` (and drawn by ``amo_data.charts``) — this module only loads what a page
shows and caches the results by the store's data version.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import os
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from amo_data import auth, charts, metrics
from amo_data.errors import AmoError
from amo_data.quarters import parse_label
from amo_data.schema import SHEET_TITLES, TABLES
from amo_data.store import Store, resolve_url
from amo_data.text import danish_key

APP_TITLE = "AMO-kompetencer"
UPLOAD_PAGE = "pages/1_Upload.py"
# The menu (Streamlit's own is switched off in .streamlit/config.toml so the home page can be
# called "Overblik" and every link can carry the filters).
NAVIGATION = (
    ("app.py", "Overblik", ":material/dashboard:"), ("pages/6_Mødeguide.py", "Mødeguide", ":material/groups:"),
    (UPLOAD_PAGE, "Upload", ":material/upload_file:"),
    ("pages/2_Styrker_og_behov.py", "Styrker og behov", ":material/balance:"),
    ("pages/3_Handleplan.py", "Handleplan", ":material/checklist:"),
    ("pages/4_Sammenlign_afdelinger.py", "Sammenlign afdelinger", ":material/compare_arrows:"),
    ("pages/5_Uddannelse.py", "Uddannelse", ":material/school:"),
    ("pages/7_Revisionslog.py", "Revisionslog", ":material/history:"),
)
FILTER_PARAMS = ("aar", "afd")


def setup(title: str, icon: str = "🦺") -> auth.User:
    """Page configuration, sign-in and the sidebar heading every page shares.

    Returns the signed-in user; without one the page stops at the sign-in form, so no page
    shows data to someone who is not signed in.
    """
    st.set_page_config(page_title=f"{title} · {APP_TITLE}", page_icon=icon, layout="wide")
    user = _sign_in()
    _navigation(user)
    if user.is_local:
        st.sidebar.caption("Lokal enkeltbrugertilstand: der er ikke sat brugere op, så alle med adgang til "
                           "denne computer kan se og ændre alt.")
    else:
        st.sidebar.caption(f"Logget ind som {md_escape(user.label)}")
        if st.sidebar.button("Log ud", key="sign_out"):
            st.session_state.pop("_user", None)
            st.rerun()
    if message := st.session_state.pop("_toast", None):
        st.toast(md_escape(message), icon=":material/check_circle:")
    return user


def _navigation(user: auth.User) -> None:
    """The sidebar menu; each link keeps the year and departments chosen (they are in the URL)."""
    params = {k: st.query_params.get_all(k) for k in FILTER_PARAMS if k in st.query_params}
    for path, label, icon in NAVIGATION:
        if path.endswith("Revisionslog.py") and not user.can_see_audit():
            continue
        st.sidebar.page_link(path, label=label, icon=icon, query_params=params or None)
    st.sidebar.divider()


def _configured_users() -> dict[str, auth.UserRecord] | None:
    """The user list of secrets.toml, or None in local single-user mode."""
    try:
        if not auth.users_configured(st.secrets):
            return None
        return auth.load_users(st.secrets)
    except AmoError as exc:
        st.error(f"Brugeropsætningen i .streamlit/secrets.toml er ugyldig: {exc.message}")
        st.stop()


def _sign_in() -> auth.User:
    users = _configured_users()
    if users is None:
        return auth.LOCAL_USER
    if (user := st.session_state.get("_user")) is not None:
        return user
    st.title(APP_TITLE)
    with st.form("sign_in"):
        st.subheader("Log ind")
        username = st.text_input("Brugernavn", key="sign_in_user")
        password = st.text_input("Adgangskode", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Log ind", type="primary")
    if submitted:
        user = auth.authenticate(users, username, password)
        if user is not None:
            st.session_state["_user"] = user
            st.rerun()
        st.error("Forkert brugernavn eller adgangskode.")
    st.stop()


def current_user() -> auth.User:
    return st.session_state.get("_user") or auth.LOCAL_USER


def today() -> dt.date:
    """'Today' for every figure; AMO_TODAY (YYYY-MM-DD) fixes it for demos and tests."""
    fixed = os.environ.get("AMO_TODAY")
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


# --- store and cached data --------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


def store() -> Store:
    return _store(resolve_url(os.environ.get("AMO_DATABASE_URL") or None))


@st.cache_data(show_spinner="Henter data …", max_entries=32)
def _tables(url: str, version: int, year: int | None = None,
            names: tuple[str, ...] = TABLES) -> dict[str, pd.DataFrame]:
    return _store(url).current_tables(names, year=year)


def tables(year: int | None = None, names: tuple[str, ...] = TABLES) -> dict[str, pd.DataFrame]:
    """The current data — every year, or only ``year``'s rows (what a page with a chosen year
    shows); all tables or the ones ``names`` (the others left out) — cached until the store's
    data version changes (any process)."""
    s = store()
    return _tables(s.url, s.data_version(), year, tuple(names))


@st.cache_data(show_spinner=False, max_entries=8)
def _outline(url: str, version: int) -> dict[str, pd.DataFrame]:
    return _store(url).outline()


def outline() -> dict[str, pd.DataFrame]:
    """A few rows per department and year instead of every row (``Store.outline``): enough for
    the sidebar's choices, the empty state and the departments without a yearly discussion."""
    s = store()
    return _outline(s.url, s.data_version())


@st.cache_data(show_spinner=False, max_entries=8)
def _has_rows(url: str, version: int) -> bool:
    return _store(url).has_current_rows()


def has_rows() -> bool:
    """Whether any current data is stored (what ``is_empty(tables())`` says, without loading)."""
    s = store()
    return _has_rows(s.url, s.data_version())


@st.cache_data(show_spinner=False, max_entries=32)
def _needs_trend(url: str, version: int, departments: tuple[str, ...]) -> pd.DataFrame:
    return metrics.needs_trend_of_counts(_store(url).needs_counts(departments or None))


def needs_trend(filters: Filters) -> pd.DataFrame:
    """The needs per year and area of the chosen departments over every year (counted in the
    store, not from every row)."""
    s = store()
    return _needs_trend(s.url, s.data_version(), filters.departments)


# The figures of each data page, computed once per data version, filters and choices: a rerun
# (a widget click, a page change) unpickles them instead of filtering rows and building charts.
# name -> (tables the figures need, function(filtered tables, *args) -> dict of picklable values)
_FIGURES: dict[str, tuple[tuple[str, ...], object]] = {}


def _figures_of(name: str, names: tuple[str, ...]):
    def register(fn):
        _FIGURES[name] = (names, fn)
        return fn
    return register


@st.cache_data(show_spinner=False, max_entries=256)
def _figures(name: str, url: str, version: int, year: int | None, departments: tuple[str, ...],
             args: tuple) -> dict:
    names, fn = _FIGURES[name]
    data = _tables(url, version, year, names)
    return fn(metrics.filter_tables(data, year=year, departments=departments or None), *args)


def figures(name: str, filters: Filters, *args) -> dict:
    """The figures ``name`` (see the ``_figures_of`` functions below) for the chosen year and
    departments and the page's own choices ``args`` (hashable), cached by the data version."""
    s = store()
    return _figures(name, s.url, s.data_version(), filters.year, filters.departments, tuple(args))


@_figures_of("overview", ("arbejdsark", "handleplan"))
def _overview(view, year, today_):
    return {"tiles": metrics.tiles(view, year=year, today=today_),
            "by_area": charts.strengths_vs_needs_by_area(metrics.entries_by_area(view["arbejdsark"])),
            "by_quarter": charts.actions_by_quarter(metrics.actions_by_quarter(view["handleplan"]))}


@_figures_of("strengths", ("arbejdsark",))
def _strengths(view, include_important):
    ark = view["arbejdsark"]
    return {"by_area": charts.strengths_vs_needs_by_area(metrics.entries_by_area(ark),
                                                         include_important=include_important),
            "need_share": charts.need_share_by_area(metrics.need_share_by_area(ark)),
            "by_help": charts.needs_by_help(metrics.needs_by_help(ark)),
            "areas": metrics.area_order(ark["area"].dropna().unique()),
            "departments": metrics.departments({"arbejdsark": ark})}


@_figures_of("points", ("arbejdsark",))
def _points(view, area, department, category):
    return {"points": metrics.points(view["arbejdsark"], area=area, department=department, category=category)}


@_figures_of("plan", ("handleplan",))
def _plan(view, today_, wheel_year):
    plan = view["handleplan"]
    return {"areas": metrics.area_order(plan["area"].dropna().unique()), "quarters": metrics.quarters(plan),
            "overdue": metrics.overdue_actions(plan, today_), "urgent": metrics.urgent_actions(plan),
            "training": charts.supplementary_training_by_quarter(metrics.supplementary_training_by_quarter(plan)),
            "expert": charts.expert_assistance_by_quarter(metrics.expert_assistance_by_quarter(plan)),
            "wheel": charts.aarshjul(metrics.actions_by_quarter(plan), year=wheel_year,
                                     title=f"Årshjul {wheel_year}")}


@_figures_of("actions", ("handleplan",))
def _actions(view, areas, helps, statuses, quarters):
    return {"shown": metrics.select_actions(view["handleplan"], areas=areas, helps=helps, statuses=statuses,
                                            quarters=quarters)}


@_figures_of("compare", ("arbejdsark",))
def _compare(view, measure):
    ark = view["arbejdsark"]
    matrix = metrics.department_area_matrix(ark, measure)
    return {"matrix": matrix, "heatmap": charts.department_area_heatmap(matrix, measure),
            "departments": metrics.departments({"arbejdsark": ark}),
            "by_department_area": metrics.entries_by_department_area(ark),
            "average": metrics.company_average_by_area(ark)}


@_figures_of("training", ("uddannelse",))
def _training(view):
    training = view["uddannelse"]
    if training.empty:
        return {"empty": True}
    return {"empty": False, "totals": metrics.training_totals(training),
            "by_quarter": charts.training_by_quarter(metrics.training_by_quarter(training)),
            "by_department_role": charts.training_hours_by_department_role(
                metrics.training_hours_by_department_role(training)),
            "list": metrics.training_list(training)}


@st.cache_data(show_spinner=False, max_entries=64)
def _discussions(url: str, version: int, departments: tuple[str, ...], today_: dt.date) -> tuple[list[str], int]:
    scoped = metrics.filter_tables(_outline(url, version), departments=departments or None)
    return (metrics.departments_without_discussion(scoped, today_),
            len(metrics.departments(metrics.unify_departments(scoped))))


def departments_without_discussion(filters: Filters) -> list[str]:
    """The chosen departments whose newest discussion is over 365 days old (or missing), over
    every year, from the outline."""
    s = store()
    return _discussions(s.url, s.data_version(), filters.departments, today())[0]


def departments_total(filters: Filters) -> int:
    """How many departments the chosen ones are (all departments when none is chosen), over
    every year, as ``metrics.tiles`` counts them."""
    s = store()
    return _discussions(s.url, s.data_version(), filters.departments, today())[1]


def _export_current(write, url: str, buf) -> None:
    write(_store(url).current(), buf)


def lazy_export(write):
    """A download button's data that loads every current row and writes them only when the
    user clicks."""
    return functools.partial(excel_bytes, _export_current, write, store().url)


def is_empty(data: dict[str, pd.DataFrame]) -> bool:
    return all(df.empty for df in data.values())


def empty_state(data: dict[str, pd.DataFrame]) -> None:
    """Stop the page with a clear next step when nothing is stored yet."""
    if not is_empty(data):
        return
    st.info("Der er ingen data endnu. Hent skabelonen, udfyld den efter jeres årlige drøftelse, "
            "og indlæs den på siden Upload.")
    st.page_link(UPLOAD_PAGE, label="Gå til Upload", icon=":material/upload_file:")
    st.stop()


# --- filters shared by every page (kept in session state and in the link) -------------------

@dataclass(frozen=True)
class Filters:
    year: int | None
    departments: tuple[str, ...]

    def scope(self, data: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """Only the chosen departments (all years)."""
        return metrics.filter_tables(data, departments=self.departments or None)

    def apply(self, data: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """The chosen departments and year."""
        return metrics.filter_tables(data, year=self.year, departments=self.departments or None)


def _years(data: dict[str, pd.DataFrame]) -> list[int]:
    years = set()
    for df in data.values():
        if not df.empty:
            years.update(int(y) for y in df["year"].dropna().unique())
    return sorted(years, reverse=True)


def _departments(data: dict[str, pd.DataFrame]) -> list[str]:
    names = set()
    for df in data.values():
        names.update(df["department"].dropna().unique())
    return sorted(names, key=danish_key)


def _remember(key: str, param: str) -> None:
    value = st.session_state[key]
    st.session_state[f"_keep_{key}"] = value
    if isinstance(value, list):
        st.query_params[param] = value
    elif value is None or value == ALL_YEARS:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = str(value)


ALL_YEARS = "Alle år"


def sidebar_filters(data: dict[str, pd.DataFrame]) -> Filters:
    """Year (this year by default) and departments in the sidebar; they survive page changes
    and live in the URL."""
    default_year = today().year
    years = _years(data)
    departments = _departments(data)
    params = st.query_params

    year_opts: list = [ALL_YEARS, *years]
    kept_year = st.session_state.get("_keep_year")
    if "aar" in params and params["aar"].isdigit() and int(params["aar"]) in years:
        kept_year = int(params["aar"])
    if kept_year not in year_opts:
        kept_year = default_year if default_year in years else (years[0] if years else ALL_YEARS)
    st.session_state["year"] = kept_year
    year = st.sidebar.selectbox("År", year_opts, key="year", on_change=_remember, args=("year", "aar"),
                                format_func=str)

    kept_deps = st.session_state.get("_keep_departments", [])
    if "afd" in params:
        kept_deps = params.get_all("afd")
    kept_deps = [d for d in kept_deps if d in departments]
    st.session_state["departments"] = kept_deps
    chosen = st.sidebar.multiselect("Afdelinger", departments, key="departments", placeholder="Alle afdelinger",
                                    on_change=_remember, args=("departments", "afd"))
    _remember("year", "aar")
    _remember("departments", "afd")
    return Filters(None if year == ALL_YEARS else int(year), tuple(chosen))


# --- sample data banner --------------------------------------------------------------------

def sample_banner() -> None:
    """Mark sample data clearly and offer one button that removes it."""
    s = store()
    if not s.has_sample_data():
        return
    if not current_user().can_delete_data():
        st.info("Du ser **eksempeldata** for en opdigtet virksomhed.")
        return
    box = st.container(border=True)
    box.warning("Du ser **eksempeldata** for en opdigtet virksomhed. Fjern dem, før I indlæser jeres egne ark.")
    if box.button("Fjern eksempeldata", key="remove_sample"):
        s.remove_sample_data(user=current_user().username)
        st.cache_data.clear()
        st.rerun()


# --- presentation helpers ------------------------------------------------------------------

def danish_date(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.strftime("%d-%m-%Y")
    return str(value)


def danish_quarter(label) -> str:
    return parse_label(label).danish if isinstance(label, str) and "-Q" in label else ""


def show_table(df: pd.DataFrame, columns: dict[str, str], *, empty: str | None = None, **kwargs) -> None:
    """A read-only table with Danish headings; dates as dd-mm-åååå, quarters as '3. kvt. 2026'.

    Cells are shown as plain text (never Markdown or HTML), whatever a user typed.
    """
    if df.empty and empty:
        st.caption(empty)
        return
    view = display_frame(df, columns)
    st.dataframe(view, hide_index=True, width="stretch", **kwargs)


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def danish_number(value: float, decimals: int = 1) -> str:
    text = f"{value:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",").replace("\u00a0", ".")
    return text[:-2] if text.endswith(",0") else text


POINT_COLUMNS = {"department": "Afdeling", "category": "Kategori", "description": "Beskrivelse", "help": "Hjælp",
                 "rating": "Vurdering", "role": "Rolle", "year": "År", "date": "Dato"}
ACTION_COLUMNS = {"department": "Afdeling", "what": "Hvad", "status": "Status", "quarter": "Hvornår",
                  "urgent": "Haster", "who": "Hvem", "help": "Hjælp", "area": "Område", "why": "Hvorfor",
                  "how": "Hvordan", "follow_up": "Opfølgning", "year": "År"}
ACTION_SHORT_COLUMNS = {"department": "Afdeling", "what": "Hvad", "quarter": "Hvornår", "who": "Hvem",
                        "status": "Status"}
TRAINING_COLUMNS = {"department": "Afdeling", "name": "Navn", "role": "Rolle", "course": "Kursus",
                    "quarter": "Hvornår", "status": "Status", "hours": "Timer", "joined": "Tiltrådt"}


def action_editor(actions: pd.DataFrame) -> None:
    """The actions with Status editable in place; a change is saved at once with who and when.

    The editor's key follows the shown actions and the data version, so an edit can never be
    applied to another action after a filter change or a save.
    """
    from amo_data import vocab

    if actions.empty:
        st.caption("Ingen handlinger for de valgte filtre.")
        return
    if not current_user().can_import():
        show_table(actions, ACTION_COLUMNS)
        st.caption("Din rolle kan se handleplanen, men ikke ændre status.")
        return
    view = display_frame(actions, ACTION_COLUMNS)
    digest = hashlib.sha1(",".join(map(str, actions["id"])).encode()).hexdigest()[:10]
    key = f"plan_editor_{store().data_version()}_{digest}"
    st.session_state["_plan_editor_key"] = key
    disabled = [c for c in view.columns if c != "Status"]
    edited = st.data_editor(
        view, key=key, hide_index=True, width="stretch", disabled=disabled, num_rows="fixed",
        column_config={"Status": st.column_config.SelectboxColumn("Status", options=list(vocab.STATUS.values),
                                                                  required=True)},
    )
    user = current_user()
    changed = [(int(i), dep, new) for i, dep, old, new
               in zip(actions["id"], actions["department"], view["Status"], edited["Status"]) if new != old]
    refused = sorted({dep for _, dep, _ in changed if not user.can_edit_status(dep)}, key=danish_key)
    if refused:
        st.error(md_escape(f"Du kan ikke ændre status for {', '.join(refused)}: du kan kun ændre dine egne "
                           "afdelinger" + (f" ({', '.join(user.departments)})." if user.departments else ".")))
        changed = [c for c in changed if user.can_edit_status(c[1])]
    for action_id, _, status in changed:
        store().set_action_status(action_id, status, user=user.username)
    if changed:
        st.session_state["_toast"] = f"Status gemt for {len(changed)} handling{'er' if len(changed) > 1 else ''}."
        st.rerun()


def display_frame(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    view = df[[c for c in columns if c in df.columns]].copy()
    for col in view.columns:
        if col in {"date", "joined", "created_at"}:
            view[col] = view[col].map(danish_date)
        elif col == "quarter":
            view[col] = view[col].map(danish_quarter)
        elif col == "urgent":
            view[col] = view[col].map(lambda v: "Ja" if v else "")
        elif col == "hours":
            view[col] = view[col].map(lambda v: "" if pd.isna(v) else danish_number(float(v), 1))
        elif not pd.api.types.is_numeric_dtype(view[col]):
            view[col] = view[col].map(lambda v: "" if v is None or v is pd.NA or v != v else v)
    return view.rename(columns=columns)


def chart(fig) -> None:
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False})


def excel_bytes(write, *args) -> bytes:
    """Run a workbook writer into memory (for download buttons)."""
    buf = io.BytesIO()
    write(*args, buf)
    return buf.getvalue()


def lazy_excel(write, *args):
    """A download button's data that is only built when the user clicks (a big export takes
    seconds, and a page must not pay for it on every run)."""
    return functools.partial(excel_bytes, write, *args)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PROBLEM_COLUMNS = {"sheet": "Ark", "row": "Række", "column": "Kolonne", "value": "Værdi", "message": "Besked"}


# --- upload, check and save ------------------------------------------------------------------

def check_uploads(files, check) -> list:
    """Check every uploaded file once (cached in the session by the upload's file id)."""
    cache = st.session_state.setdefault("_checked", {})
    results = []
    todo = [f for f in files if f.file_id not in cache]
    progress = st.progress(0.0, text="Kontrollerer filer …") if todo else None
    for i, f in enumerate(todo, start=1):
        if progress:
            progress.progress((i - 1) / len(todo), text=f"Kontrollerer {md_escape(f.name)} ({i} af {len(todo)}) …")
        cache[f.file_id] = check(f.name, f.getvalue())
    if progress:
        progress.empty()
    for f in files:
        results.append(cache[f.file_id])
    st.session_state["_upload_ids"] = tuple(f.file_id for f in files)
    return results


def show_check_result(result) -> None:
    icon = "✅" if result.ok else "❌"
    with st.container(border=True):
        st.markdown(f"{icon} **{md_escape(result.file)}**")
        found = {table: n for table, n in result.rows.items() if n}
        if found:
            for col, (table, n) in zip(st.columns(3), found.items()):
                col.metric(f"Rækker i {SHEET_TITLES[table]}", n)
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
    st.dataframe(_problems(problems), hide_index=True, width="stretch", column_config={
        "Ark": st.column_config.TextColumn(width="small"), "Række": st.column_config.NumberColumn(width="small"),
        "Kolonne": st.column_config.TextColumn(width="small"), "Værdi": st.column_config.TextColumn(width="small"),
        "Besked": st.column_config.TextColumn(width="large")})


def _problems(problems) -> pd.DataFrame:
    rows = [{"sheet": p.sheet or "", "row": p.row, "column": p.column or "",
             "value": "" if p.value is None else str(p.value), "message": p.message} for p in problems]
    df = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))
    df["row"] = df["row"].astype("Int64")
    return df.rename(columns=PROBLEM_COLUMNS)


def save_uploads(results) -> None:
    """Store the checked files once; a rerun with the same uploads does not import again."""
    ids = st.session_state.get("_upload_ids")
    if ids and st.session_state.get("_saved_ids") == ids:
        st.session_state["_saved_message"] = ("info", "Disse filer er allerede gemt.")
        return
    user = current_user()
    if not user.can_import() or auth.departments_outside(user, results):  # the page checked; check again
        st.session_state["_saved_message"] = ("error", "Intet er gemt: du kan ikke ændre disse afdelinger.")
        return
    outcome = store().import_results(results, user=user.username)
    st.session_state["_saved_ids"] = ids
    if outcome.unchanged:
        st.session_state["_saved_message"] = ("info", "Uændret: præcis de samme data var allerede gemt.")
    else:
        st.session_state["_saved_message"] = (
            "success", f"Gemt som import nr. {outcome.batch_id}. Alle sider viser nu de nye data.")


def show_saved_message() -> None:
    kind, text = st.session_state.pop("_saved_message", (None, None))
    if kind == "success":
        st.success(text, icon=":material/check_circle:")
    elif kind == "error":
        st.error(text)
    elif kind:
        st.info(text)


STATE_DA = {"current": "Gældende", "replaced": "Erstattet", "undone": "Fortrudt"}


def history_with_undo() -> None:
    batches = store().history()
    if not batches:
        st.caption("Ingen importer endnu.")
        return
    rows = [{"Nr.": b["id"], "Tidspunkt": danish_time(b["created_at"]), "Bruger": b["user"],
             "Tilstand": STATE_DA.get(b["state"], b["state"]), "Arbejdsark": b["rows"].get("arbejdsark", 0),
             "Handleplan": b["rows"].get("handleplan", 0), "Uddannelse": b["rows"].get("uddannelse", 0),
             "Filer": ", ".join(b["files"])} for b in batches]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    user = current_user()
    if not user.can_import():
        return
    undoable = [b["id"] for b in batches
                if b["state"] != "undone" and user.can_undo(store().batch_departments(b["id"]))]
    if not undoable:
        return
    with st.expander("Fortryd en import"):
        batch_id = st.selectbox("Import nr.", undoable, key="undo_batch")
        st.caption("Det, importen erstattede, bliver gældende igen. Importen kan ses i historikken bagefter.")
        confirm = st.checkbox(f"Ja, fortryd import nr. {batch_id}", key="undo_confirm")
        if st.button("Fortryd", disabled=not confirm, key="undo_button"):
            store().undo(batch_id, user=user.username)
            st.session_state["_saved_message"] = ("success", f"Import nr. {batch_id} er fortrudt.")
            st.session_state.pop("undo_confirm", None)
            st.rerun()


def danish_time(iso: str) -> str:
    try:
        t = dt.datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return t.strftime("%d-%m-%Y %H:%M")


def md_escape(text: str) -> str:
    """Show user text literally inside Markdown."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>~" else c for c in text)


# --- audit --------------------------------------------------------------------------------------

AUDIT_ACTIONS = {"import": "Import", "import_unchanged": "Import (uændret)", "undo": "Fortryd",
                 "status": "Statusændring", "delete_department": "Sletning af afdeling",
                 "delete_person": "Sletning af person"}


def audit_details(details: dict) -> str:
    """One readable Danish line for an audit entry's details."""
    d = details or {}
    parts = []
    if "batch_id" in d:
        parts.append(f"import nr. {d['batch_id']}")
    if d.get("files"):
        parts.append("filer: " + ", ".join(map(str, d["files"])))
    if "old" in d and "new" in d:
        parts.append(f"{d.get('department', '')}: »{d.get('what', '')}« {d['old']} → {d['new']}")
    if "department" in d and "old" not in d:
        parts.append(f"afdeling: {d['department']}")
    if d.get("name"):
        parts.append(f"person: {d['name']}")
    if isinstance(d.get("rows"), dict):
        parts.append("rækker: " + ", ".join(f"{SHEET_TITLES.get(k, k)} {v}" for k, v in d["rows"].items() if v))
    return "; ".join(parts)


def erase(action) -> None:
    """Run a data-protection erasure and show its Danish result."""
    try:
        result = action()
    except AmoError as exc:
        st.error(md_escape(exc.message))
        return
    st.session_state["_toast"] = result.get("message", "Slettet.")
    st.rerun()
