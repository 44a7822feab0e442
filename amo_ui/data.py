"""The store and what the pages load from it: the sidebar's choices, each page's figures, the
import history and the audit log; and the one home of a failed read and of a failed write.

Every figure is computed by ``amo_data.metrics`` (and drawn by ``amo_data.charts``); this
module loads what a page shows, one function per page's figures returning a small frozen
dataclass (:class:`Overview`, :class:`Strengths`, :class:`Plan`, :class:`Comparison`,
:class:`Trend`, :class:`Training`). Each is cached by the store's data version and the choices
(``st.cache_data``), so a rerun computes nothing, and every page shows new data at once after
an import, an undo or an edit, in any process (every write bumps the data version).

What keeps a page fast on a large store: the data version is read once per page run; the
counting figures load only the columns they read (:data:`COUNT_COLUMNS`) of the chosen year, or
are counted in the database (``Store.counts``); charts are cached as plain dicts
(``views.figure_spec``).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd
import streamlit as st

from amo_data import auth, charts, lists, metrics
from amo_data.errors import StoreUnavailable
from amo_data.schema import ARBEJDSARK, HANDLEPLAN, MEDLEMMER, UDDANNELSE
from amo_data.store import Store, resolve_url

from .filters import Filters
from .views import (
    POINT_COLUMNS, TRAINING_COLUMNS, Chart, audit_frame, display_frame, excel_bytes, figure_spec, history_frame,
    md_escape,
)

T = TypeVar("T")


def today() -> dt.date:
    """'Today' for every figure; AMO_TODAY (YYYY-MM-DD) fixes it for demos and tests."""
    fixed = os.environ.get("AMO_TODAY")
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


# --------------------------------------------------------------------------- the store


@st.cache_resource(show_spinner=False)
def store_at(url: str) -> Store:
    """The store of ``url``, one per process: what cached loads (``fn(url, version, …)``) read."""
    return Store(url)


def store() -> Store:
    """The store of ``AMO_DATABASE_URL`` (one per process); for writes (see :func:`writing`)."""
    return store_at(resolve_url(os.environ.get("AMO_DATABASE_URL") or None))


def _reading(load: Callable[..., T]) -> Callable[..., T]:
    """The one home of a failed read: a load that finds the database unusable
    (``StoreUnavailable``) shows its Danish message and stops the page; the next run (any
    click) reads again, so the page heals as soon as the database is back."""
    @functools.wraps(load)
    def load_or_stop(*args, **kwargs):
        try:
            return load(*args, **kwargs)
        except StoreUnavailable as exc:
            st.error(md_escape(exc.message), icon=":material/cloud_off:")
            st.stop()
    return load_or_stop


_WRITE_ERROR = "_write_error"


@contextmanager
def writing() -> Iterator[None]:
    """The one home of a failed write: a write to the store (and what only follows it) inside
    this block; when the database cannot be written (``StoreUnavailable``), the rest of the
    block is skipped and the Danish message stays on every page (:func:`show_write_error`)
    until a write succeeds or the user hides it. The store is then as it was."""
    failed = False
    try:
        yield
    except StoreUnavailable as exc:
        failed = True
        st.session_state[_WRITE_ERROR] = exc.message
    finally:
        if not failed:  # also when what follows the write reruns the page
            st.session_state.pop(_WRITE_ERROR, None)


def show_write_error() -> None:
    """The message of the last failed write, at the top of every page (see :func:`writing`)."""
    if message := st.session_state.get(_WRITE_ERROR):
        st.error(md_escape(message), icon=":material/cloud_off:")
        if st.button("Skjul beskeden", key="hide_write_error"):
            st.session_state.pop(_WRITE_ERROR, None)
            st.rerun()


_VERSION_KEY = "_data_version"


def forget_data_version() -> None:
    """The next :func:`data_version` reads the store again: at the start of a page run
    (``setup``), and after a write that the rest of the run shows."""
    st.session_state.pop(_VERSION_KEY, None)


@_reading
def data_version() -> int:
    """The store's data version (what every cache here is keyed by), read once per page run,
    not once per load. Every run reads it anew, so pages show new data at once, also after a
    change made in another process."""
    version = st.session_state.get(_VERSION_KEY)
    if version is None:
        version = st.session_state[_VERSION_KEY] = store().data_version()
    return version


@_reading
def load_cached(cached: Callable[..., T], *args) -> T:
    """``cached(url, data version, *args)``: one cached load of this page run's data."""
    return cached(store().url, data_version(), *args)


# --------------------------------------------------------------------------- shared loads


@dataclass(frozen=True)
class Choices:
    """What the sidebar offers: the years (newest first) and departments (Danish order) with
    current rows, and whether nothing is stored at all."""

    years: tuple[int, ...]
    departments: tuple[str, ...]
    empty: bool


def choice_years(data: Mapping[str, pd.DataFrame]) -> list[int]:
    """The years of the rows (or groups), newest first."""
    years = set()
    for df in data.values():
        if not df.empty:
            years.update(int(y) for y in df["year"].dropna().unique())
    return sorted(years, reverse=True)


def choice_departments(data: Mapping[str, pd.DataFrame]) -> list[str]:
    """The departments of the rows (or groups), Danish order."""
    # danish_sorted breaks a tie of two spellings ("Lager", "LAGER") by the name itself.
    return metrics.danish_sorted(name for df in data.values() for name in df["department"].dropna().unique())


def choices() -> Choices:
    """The sidebar's choices: the (department, year) groups with current rows, and the
    departments of the member lists."""
    return load_cached(choices_at)


@st.cache_data(show_spinner=False, max_entries=8)
def choices_at(url: str, version: int) -> Choices:
    groups = store_at(url).current_groups()
    # A department may so far have only its member list.
    members = pd.DataFrame({"department": store_at(url).table_departments(MEDLEMMER)}, dtype=object)
    return Choices(tuple(choice_years({"groups": groups})),
                   tuple(choice_departments({"groups": groups, MEDLEMMER: members})), groups.empty and members.empty)


def table_groups(table: str) -> pd.DataFrame:
    """The (department, year) groups with current rows of one table: which years a page could
    show instead of an empty one."""
    return load_cached(_table_groups, table)


@st.cache_data(show_spinner=False, max_entries=16)
def _table_groups(url: str, version: int, table: str) -> pd.DataFrame:
    return store_at(url).current_groups(tables=(table,))


def has_sample_data() -> bool:
    return load_cached(_has_sample_data)


@st.cache_data(show_spinner=False, max_entries=8)
def _has_sample_data(url: str, version: int) -> bool:
    return store_at(url).has_sample_data()


def has_rows() -> bool:
    """Whether any current data is stored (something to export)."""
    return load_cached(_has_rows)


@st.cache_data(show_spinner=False, max_entries=8)
def _has_rows(url: str, version: int) -> bool:
    return store_at(url).has_current_rows()


def history() -> list[dict]:
    """``Store.history()``: the imports, newest first."""
    return load_cached(_history)


@st.cache_data(show_spinner=False, max_entries=4)
def _history(url: str, version: int) -> list[dict]:
    return store_at(url).history()


def history_table() -> pd.DataFrame:
    """The import history as the Upload page shows it (``views.history_frame``)."""
    return load_cached(_history_table)


@st.cache_data(show_spinner=False, max_entries=4)
def _history_table(url: str, version: int) -> pd.DataFrame:
    return history_frame(_history(url, version))


def batch_departments(batch_id: int) -> list[str]:
    """``Store.batch_departments(batch_id)``: who may undo the import."""
    return load_cached(_batch_departments, int(batch_id))


@st.cache_data(show_spinner=False, max_entries=64)
def _batch_departments(url: str, version: int, batch_id: int) -> list[str]:
    return store_at(url).batch_departments(batch_id)


def audit_table() -> pd.DataFrame:
    """The audit log as the Revisionslog page shows it (newest first; empty when nothing is
    logged; ``views.audit_frame``)."""
    return load_cached(_audit_table)


@st.cache_data(show_spinner=False, max_entries=4)
def _audit_table(url: str, version: int) -> pd.DataFrame:
    return audit_frame(store_at(url).audit_log())


def known_departments() -> list[str]:
    """``Store.known_departments()``: what an erasure can remove."""
    return load_cached(_known_departments)


@st.cache_data(show_spinner=False, max_entries=4)
def _known_departments(url: str, version: int) -> list[str]:
    return store_at(url).known_departments()


def lazy_export(write, user: auth.User):
    """A download button's data that loads every current row and writes them only when the
    user clicks; the members' e-mail addresses only where ``user`` may see them."""
    return functools.partial(excel_bytes, _export_current, write, store().url, user)


def _export_current(write, url: str, user: auth.User, buf) -> None:
    write(user.hide_emails(store_at(url).current()), buf)


# --------------------------------------------------------------------------- rows and counts

# The columns the counting figures read (``id`` comes along; ``year`` is what the year filter
# reads). Leaving out the long texts makes a year of Arbejdsark load several times faster; the
# metrics functions see the columns not loaded as empty, so every figure must read only these.
COUNT_COLUMNS = {
    ARBEJDSARK: ("department", "year", "area", "category"),
    HANDLEPLAN: ("department", "year", "help", "quarter", "urgent", "status"),
}


@st.cache_data(show_spinner="Henter data …", max_entries=32)
def _table(url: str, version: int, year: int | None, table: str, columns: tuple[str, ...] | None,
           area: str | None) -> pd.DataFrame:
    return store_at(url).current_tables((table,), year=year, columns={table: columns} if columns else None,
                                        area=area)[table]


def rows_at(url: str, version: int, year: int | None, departments: tuple[str, ...], tables: tuple[str, ...],
            columns: Mapping[str, tuple[str, ...]] | None = None, area: str | None = None) -> dict[str, pd.DataFrame]:
    """The current rows of ``tables`` in the chosen year and departments: only the ``columns``
    a table is given there, only the rows of ``area``. One table per cached load, so that
    pages reading the same columns share them."""
    data = {table: _table(url, version, year, table, (columns or {}).get(table), area) for table in tables}
    # The store kept only the year's rows; for Arbejdsark and Handleplan that is exactly the year
    # filter (a row's group year is its År), Uddannelse's year filter also reads Hvornår.
    again = year if UDDANNELSE in tables else None
    return metrics.filter_tables(data, year=again, departments=departments or None)


# --------------------------------------------------------------------------- Overblik


@dataclass(frozen=True)
class Overview:
    """Overblik: the tiles, the departments without a yearly discussion, two charts."""

    tiles: Mapping[str, int]  # metrics.tiles; departments_total and …_without_discussion over every year
    without_discussion: tuple[str, ...]  # chosen departments whose newest discussion is over 365 days old
    by_area: Chart
    by_quarter: Chart
    empty: bool  # no Arbejdsark and no Handleplan rows in the chosen year and departments


def overview(filters: Filters, today: dt.date) -> Overview:
    return load_cached(_overview, filters.year, filters.departments, today)


@st.cache_data(show_spinner=False, max_entries=64)
def _overview(url: str, version: int, year: int | None, departments: tuple[str, ...], today: dt.date) -> Overview:
    view = rows_at(url, version, year, departments, (ARBEJDSARK, HANDLEPLAN), COUNT_COLUMNS)
    missing, total = discussions_at(url, version, departments, today)
    tiles = {**metrics.tiles(view, year=year, today=today, discussions=False),
             "departments_total": total, "departments_without_discussion": len(missing)}
    return Overview(
        tiles=tiles, without_discussion=tuple(missing),
        by_area=figure_spec(charts.strengths_vs_needs_by_area(metrics.entries_by_area(view[ARBEJDSARK]))),
        by_quarter=figure_spec(charts.actions_by_quarter(metrics.actions_by_quarter(view[HANDLEPLAN]))),
        empty=view[ARBEJDSARK].empty and view[HANDLEPLAN].empty)


@st.cache_data(show_spinner=False, max_entries=8)
def _outline(url: str, version: int) -> dict[str, pd.DataFrame]:
    return store_at(url).outline()  # a few rows per department and year: what the discussions need


@st.cache_data(show_spinner=False, max_entries=64)
def discussions_at(url: str, version: int, departments: tuple[str, ...], today: dt.date) -> tuple[list[str], int]:
    """Over every year, from the outline: the departments without a discussion in 365 days,
    and how many departments there are (all of them when none is chosen)."""
    scoped = metrics.filter_tables(_outline(url, version), departments=departments or None)
    return (metrics.departments_without_discussion(scoped, today),
            len(metrics.departments(metrics.unify_departments(scoped))))


# --------------------------------------------------------------------------- Styrker og behov


@dataclass(frozen=True)
class Strengths:
    """Styrker og behov: three charts, and the areas and departments to choose points from."""

    by_area: Chart
    need_share: Chart
    by_help: Chart
    areas: tuple[str, ...]  # the areas with points, in the areas' order; none: no point chosen
    departments: tuple[str, ...]


def strengths(filters: Filters, include_important: bool) -> Strengths:
    return load_cached(_strengths, filters.year, filters.departments, include_important)


@st.cache_data(show_spinner=False, max_entries=32)
def _strengths(url: str, version: int, year: int | None, departments: tuple[str, ...],
               include_important: bool) -> Strengths:
    # Counted in the database: a few dozen counts instead of every row.
    store_, chosen = store_at(url), departments or None
    by_kind = store_.counts(ARBEJDSARK, ("area", "category", "help"), year=year, departments=chosen)
    by_department = store_.counts(ARBEJDSARK, ("department",), year=year, departments=chosen)
    by_area = metrics.entries_by_area_of_counts(by_kind)
    return Strengths(
        by_area=figure_spec(charts.strengths_vs_needs_by_area(by_area, include_important=include_important)),
        need_share=figure_spec(charts.need_share_by_area(metrics.need_share_by_area(None, counts=by_area))),
        by_help=figure_spec(charts.needs_by_help(metrics.needs_by_help_of_counts(by_kind))),
        areas=tuple(metrics.area_order(by_kind["area"].dropna().unique())),
        departments=tuple(metrics.departments({ARBEJDSARK: by_department})))


def points(filters: Filters, area: str, department: str | None, category: str | None) -> pd.DataFrame:
    """The points of one area in their own words, as the page shows them (Danish headings)."""
    return load_cached(_points, filters.year, filters.departments, area, department, category)


@st.cache_data(show_spinner=False, max_entries=32)
def _points(url: str, version: int, year: int | None, departments: tuple[str, ...], area: str,
            department: str | None, category: str | None) -> pd.DataFrame:
    ark = rows_at(url, version, year, departments, (ARBEJDSARK,), area=area)[ARBEJDSARK]  # one area's rows only
    return display_frame(lists.points(ark, area=area, department=department, category=category), POINT_COLUMNS)


# --------------------------------------------------------------------------- Handleplan


@dataclass(frozen=True)
class Plan:
    """Handleplan: the choices of its filters, the overdue and urgent actions, three charts."""

    areas: tuple[str, ...]
    quarters: tuple[str, ...]  # every action has a quarter: none means no action chosen
    overdue: pd.DataFrame
    urgent: pd.DataFrame
    training: Chart
    expert: Chart
    wheel: Chart


def plan(filters: Filters, today: dt.date, wheel_year: int | None) -> Plan:
    """``wheel_year``: the year of the årshjul; None: every year's actions in their quarter."""
    return load_cached(_plan, filters.year, filters.departments, today, wheel_year)


@st.cache_data(show_spinner=False, max_entries=32)
def _plan(url: str, version: int, year: int | None, departments: tuple[str, ...], today: dt.date,
          wheel_year: int | None) -> Plan:
    actions_ = rows_at(url, version, year, departments, (HANDLEPLAN,))[HANDLEPLAN]
    return Plan(
        areas=tuple(metrics.area_order(actions_["area"].dropna().unique())),
        quarters=tuple(lists.quarters(actions_)),
        overdue=metrics.overdue_actions(actions_, today), urgent=metrics.urgent_actions(actions_),
        training=figure_spec(charts.supplementary_training_by_quarter(
            metrics.supplementary_training_by_quarter(actions_))),
        expert=figure_spec(charts.expert_assistance_by_quarter(metrics.expert_assistance_by_quarter(actions_))),
        # The chart's own title says what the wheel counts ("Årshjul 2026: handlinger pr. kvartal").
        wheel=figure_spec(charts.aarshjul(metrics.actions_by_quarter(actions_), year=wheel_year,
                                          title=None if wheel_year else "Årshjul, alle år: handlinger pr. kvartal")))


def actions(filters: Filters, areas, helps, statuses, quarters) -> pd.DataFrame:
    """The actions of the page's own filters (``lists.select_actions``); none chosen: all."""
    return load_cached(_actions, filters.year, filters.departments, tuple(areas), tuple(helps), tuple(statuses),
                       tuple(quarters))


@st.cache_data(show_spinner=False, max_entries=32)
def _actions(url: str, version: int, year: int | None, departments: tuple[str, ...], areas: tuple, helps: tuple,
             statuses: tuple, quarters: tuple) -> pd.DataFrame:
    return lists.select_actions(rows_at(url, version, year, departments, (HANDLEPLAN,))[HANDLEPLAN], areas=areas,
                                helps=helps, statuses=statuses, quarters=quarters)


# --------------------------------------------------------------------------- Sammenlign afdelinger


@dataclass(frozen=True)
class Comparison:
    """Sammenlign afdelinger: the departments × areas of one measure as a table and a heatmap."""

    matrix: pd.DataFrame  # index: department; a column per area
    heatmap: Chart
    departments: tuple[str, ...]  # the departments with points; none: no point chosen


def comparison(filters: Filters, measure: str) -> Comparison:
    """``measure``: ``needs``, ``strengths`` or ``need_share``."""
    return load_cached(_comparison, filters.year, filters.departments, measure)


def compared(filters: Filters, chosen, category: str) -> Chart:
    """The chosen departments against the average of all, in one Kategori."""
    return load_cached(_compared, filters.year, filters.departments, tuple(chosen), category)


@dataclass(frozen=True)
class DepartmentCounts:
    by_department_area: pd.DataFrame
    average: pd.DataFrame
    departments: tuple[str, ...]


@st.cache_data(show_spinner=False, max_entries=16)
def department_counts_at(url: str, version: int, year: int | None, departments: tuple[str, ...]) -> DepartmentCounts:
    # Counted in the database per department and area, a column per Kategori.
    counts = store_at(url).category_counts(("department", "area"), year=year, departments=departments or None)
    return DepartmentCounts(metrics.entries_by_department_area_of_counts(counts),
                            metrics.company_average_by_area_of_counts(counts),
                            tuple(metrics.departments({ARBEJDSARK: counts})))


@st.cache_data(show_spinner=False, max_entries=32)
def _comparison(url: str, version: int, year: int | None, departments: tuple[str, ...], measure: str) -> Comparison:
    counts = department_counts_at(url, version, year, departments)
    matrix = metrics.department_area_matrix(None, measure, counts=counts.by_department_area)
    return Comparison(matrix, figure_spec(charts.department_area_heatmap(matrix, measure)), counts.departments)


@st.cache_data(show_spinner=False, max_entries=32)
def _compared(url: str, version: int, year: int | None, departments: tuple[str, ...], chosen: tuple[str, ...],
              category: str) -> Chart:
    counts = department_counts_at(url, version, year, departments)
    return figure_spec(charts.departments_vs_average(counts.by_department_area, counts.average, list(chosen),
                                                     category))


@dataclass(frozen=True)
class Trend:
    """The needs per year and area of the chosen departments, over every year."""

    years: tuple[int, ...]  # the years with needs
    chart: Chart


def trend(filters: Filters) -> Trend:
    return load_cached(_trend, filters.departments)


@st.cache_data(show_spinner=False, max_entries=32)
def _trend(url: str, version: int, departments: tuple[str, ...]) -> Trend:
    # Counted in the store (the needs each version recorded at import), not from every row.
    needs = metrics.needs_trend_of_counts(store_at(url).needs_counts(departments or None))
    return Trend(tuple(sorted({int(y) for y in needs["year"]})), figure_spec(charts.needs_trend(needs)))


# --------------------------------------------------------------------------- Uddannelse


@dataclass(frozen=True)
class Training:
    """Uddannelse: the totals, two charts and the course list."""

    totals: Mapping[str, float]  # lists.training_totals
    by_quarter: Chart
    by_department_role: Chart
    courses: pd.DataFrame  # the course list as the page shows it (Danish headings and formats)


def training(filters: Filters) -> Training | None:
    """None: no course in the chosen year and departments."""
    return load_cached(_training, filters.year, filters.departments)


@st.cache_data(show_spinner=False, max_entries=32)
def _training(url: str, version: int, year: int | None, departments: tuple[str, ...]) -> Training | None:
    courses = rows_at(url, version, year, departments, (UDDANNELSE,))[UDDANNELSE]
    if courses.empty:
        return None
    return Training(
        totals=lists.training_totals(courses),
        by_quarter=figure_spec(charts.training_by_quarter(metrics.training_by_quarter(courses))),
        by_department_role=figure_spec(charts.training_hours_by_department_role(
            metrics.training_hours_by_department_role(courses, metrics.TRAINING_PLANNED_OR_DONE),
            title="Timer pr. afdeling og rolle", x_title="Timer (afslåede og aflyste kurser tæller ikke med)")),
        courses=display_frame(lists.training_list(courses), TRAINING_COLUMNS))


# --------------------------------------------------------------------------- Overblik: the members' training


@dataclass(frozen=True)
class MemberTiles:
    """Overblik's tiles of the training entitlement (``amo_data.entitlement.figures``, the
    summary's ``members``, ``basic_training`` and ``entitlement_missed``)."""

    members: int  # current AMO members
    basic_overdue: int  # current members whose basic training is overdue
    years_missed: int  # years of service that ended without the hours offered (due in the chosen year)


def member_tiles(filters: Filters, today: dt.date) -> MemberTiles:
    return load_cached(_member_tiles, filters.year, filters.departments, today)


@st.cache_data(show_spinner=False, max_entries=32)
def _member_tiles(url: str, version: int, year: int | None, departments: tuple[str, ...],
                  today: dt.date) -> MemberTiles:
    from amo_data import entitlement
    from amo_data.schema import MEDLEMMER
    from amo_data.summary import SUMMARY_COLUMNS

    tables = store_at(url).current_tables((MEDLEMMER, UDDANNELSE), columns={
        t: SUMMARY_COLUMNS[t] for t in (MEDLEMMER, UDDANNELSE)})
    scoped = metrics.filter_tables(metrics.unify_departments(tables), departments=departments or None)
    figures = entitlement.figures(scoped[MEDLEMMER], scoped[UDDANNELSE], today, year)
    return MemberTiles(figures["members"], sum(b["state"] == "overdue" for b in figures["basic_training"]),
                       figures["entitlement_missed"])
