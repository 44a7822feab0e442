"""The store and every cached load: rows, the outline, and each page's figures.

Every figure is computed by ``amo_data.metrics`` (and drawn by ``amo_data.charts``); this
module only loads what a page shows and caches the results by the store's data version, so
every page shows new data at once after an import, an undo or an edit — in any process.

What keeps a page fast on a large store: the data version is read once per page run; the
counting figures load only the columns they read (``COUNT_COLUMNS``) of the chosen year; a
page's figures, charts (as plain dicts: ``views.figure_spec``) and tables are cached per data
version and choice, so a rerun unpickles a few small values and builds nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import pandas as pd
import streamlit as st

from amo_data import charts, metrics
from amo_data.errors import StoreUnavailable
from amo_data.schema import TABLES, UDDANNELSE
from amo_data.store import Store, resolve_url

from .views import POINT_COLUMNS, TRAINING_COLUMNS, display_frame, excel_bytes, figure_spec, md_escape

if TYPE_CHECKING:
    from .shell import Filters

T = TypeVar("T")


def reading(load: Callable[..., T]) -> Callable[..., T]:
    """The one home of a failed read: a page's load of the store that finds the database
    unusable (``StoreUnavailable``) shows its Danish message and stops the page; the next run
    (any click) reads again, so the page heals as soon as the database is back."""
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


def today() -> dt.date:
    """'Today' for every figure; AMO_TODAY (YYYY-MM-DD) fixes it for demos and tests."""
    fixed = os.environ.get("AMO_TODAY")
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


def store() -> Store:
    return _store(resolve_url(os.environ.get("AMO_DATABASE_URL") or None))


_VERSION_KEY = "_data_version"


def forget_data_version() -> None:
    """Start of a page run (``setup``): the next :func:`data_version` reads the store again."""
    st.session_state.pop(_VERSION_KEY, None)


def read_data_version() -> int:
    """Read the store's data version (what every cache here is keyed by) and keep it for the
    rest of this page run; code that writes and then goes on showing data in the same run
    calls it after the write."""
    version = store().data_version()
    st.session_state[_VERSION_KEY] = version
    return version


@reading
def data_version() -> int:
    """The data version of this page run, read from the store once per run (not once per cached
    load). Every run reads it anew and every write is followed by a new run (or by
    :func:`read_data_version`), so pages show new data at once, also after a change made in
    another process."""
    version = st.session_state.get(_VERSION_KEY)
    return read_data_version() if version is None else version


@st.cache_data(show_spinner=False, max_entries=8)
def _has_sample_data(url: str, version: int) -> bool:
    return _store(url).has_sample_data()


@reading
def has_sample_data() -> bool:
    """Whether sample data is stored (an import or undo changes the data version)."""
    return _has_sample_data(store().url, data_version())


@st.cache_data(show_spinner="Henter data …", max_entries=32)
def _tables(url: str, version: int, year: int | None = None, names: tuple[str, ...] = TABLES,
            columns: tuple[tuple[str, tuple[str, ...]], ...] | None = None,
            area: str | None = None) -> dict[str, pd.DataFrame]:
    return _store(url).current_tables(names, year=year, columns=dict(columns) if columns else None, area=area)


@reading
def tables(year: int | None = None, names: tuple[str, ...] = TABLES,
           columns: dict[str, tuple[str, ...]] | None = None) -> dict[str, pd.DataFrame]:
    """The current data — every year, or only ``year``'s rows (what a page with a chosen year
    shows); all tables or the ones ``names`` (the others left out); every column, or for the
    tables ``columns`` names only ``id`` and those — cached until the store's data version
    changes (any process)."""
    s = store()
    return _tables(s.url, data_version(), year, tuple(names), _columns_key(columns))


def _columns_key(columns: dict[str, tuple[str, ...]] | None) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    return tuple(sorted((t, tuple(c)) for t, c in columns.items())) if columns else None


@st.cache_data(show_spinner=False, max_entries=8)
def _outline(url: str, version: int) -> dict[str, pd.DataFrame]:
    return _store(url).outline()


def choice_years(data: Mapping[str, pd.DataFrame]) -> list[int]:
    """The years of the rows (or of an outline), newest first: the sidebar's year choices."""
    years = set()
    for df in data.values():
        if not df.empty:
            years.update(int(y) for y in df["year"].dropna().unique())
    return sorted(years, reverse=True)


def choice_departments(data: Mapping[str, pd.DataFrame]) -> list[str]:
    """The departments of the rows (or of an outline), Danish order: the sidebar's choices."""
    # danish_sorted breaks a tie of two spellings ("Lager", "LAGER") by the name itself.
    return metrics.danish_sorted(name for df in data.values() for name in df["department"].dropna().unique())


@st.cache_data(show_spinner=False, max_entries=8)
def _outline_choices(url: str, version: int) -> tuple[list[int], list[str], bool]:
    # The departments and years of the current rows: what the outline has, from a smaller query.
    data = {"groups": _store(url).current_groups()}
    return choice_years(data), choice_departments(data), is_empty(data)


@st.cache_data(show_spinner=False, max_entries=16)
def _table_groups(url: str, version: int, table: str) -> pd.DataFrame:
    return _store(url).current_groups(tables=(table,))


@reading
def table_groups(table: str) -> pd.DataFrame:
    """The (department, year) groups with current rows of one table (``Store.current_groups``),
    cached by the data version: which years a page could show instead of an empty one."""
    s = store()
    return _table_groups(s.url, data_version(), table)


class Outline(Mapping):
    """``Store.outline()`` of this page run's data version (table -> DataFrame), loaded (and
    cached) only when a table is read. The sidebar's choices and the empty state read
    :attr:`choices` instead: the same years and departments from ``Store.current_groups()``,
    cached on their own, so that a page that shows no discussion dates does not load the
    outline, and a rerun does not unpickle it and sort the departments again."""

    def __init__(self, url: str, version: int):
        self._url, self._version = url, version

    @reading
    def __getitem__(self, name: str) -> pd.DataFrame:
        return _outline(self._url, self._version)[name]

    def __iter__(self):
        return iter(TABLES)

    def __len__(self) -> int:
        return len(TABLES)

    @property
    @reading
    def choices(self) -> tuple[list[int], list[str], bool]:
        """(years newest first, departments in Danish order, whether nothing is stored)."""
        return _outline_choices(self._url, self._version)


@reading
def outline() -> Outline:
    """A few rows per department and year instead of every row (``Store.outline``, read only
    when one of its tables is): enough for the sidebar's choices, the empty state and the
    departments without a yearly discussion (see :class:`Outline`)."""
    s = store()
    return Outline(s.url, data_version())


# The import history and the audit log change only with the data version (every write that
# adds a batch or an audit line bumps it).
@st.cache_data(show_spinner=False, max_entries=4)
def _history(url: str, version: int) -> list[dict]:
    return _store(url).history()


@reading
def history() -> list[dict]:
    """``Store.history()``, cached by the data version."""
    return _history(store().url, data_version())


@st.cache_data(show_spinner=False, max_entries=64)
def _batch_departments(url: str, version: int, batch_id: int) -> list[str]:
    return _store(url).batch_departments(batch_id)


@reading
def batch_departments(batch_id: int) -> list[str]:
    """``Store.batch_departments(batch_id)``, cached by the data version."""
    return _batch_departments(store().url, data_version(), int(batch_id))


@st.cache_data(show_spinner=False, max_entries=4)
def _audit_log(url: str, version: int) -> list[dict]:
    return _store(url).audit_log()


@reading
def audit_log() -> list[dict]:
    """``Store.audit_log()``, newest first, cached by the data version."""
    return _audit_log(store().url, data_version())


@st.cache_data(show_spinner=False, max_entries=4)
def _known_departments(url: str, version: int) -> list[str]:
    return _store(url).known_departments()


@reading
def known_departments() -> list[str]:
    """``Store.known_departments()`` (what an erasure can remove), cached by the data version."""
    return _known_departments(store().url, data_version())


@st.cache_data(show_spinner=False, max_entries=8)
def _has_rows(url: str, version: int) -> bool:
    return _store(url).has_current_rows()


@reading
def has_rows() -> bool:
    """Whether any current data is stored (what ``is_empty(tables())`` says, without loading)."""
    s = store()
    return _has_rows(s.url, data_version())


@st.cache_data(show_spinner=False, max_entries=32)
def _needs_trend(url: str, version: int, departments: tuple[str, ...]) -> pd.DataFrame:
    return metrics.needs_trend_of_counts(_store(url).needs_counts(departments or None))


@reading
def needs_trend(filters: Filters) -> pd.DataFrame:
    """The needs per year and area of the chosen departments over every year (counted in the
    store, not from every row)."""
    s = store()
    return _needs_trend(s.url, data_version(), filters.departments)


@st.cache_data(show_spinner=False, max_entries=32)
def _needs_trend_chart(url: str, version: int, departments: tuple[str, ...]) -> dict:
    return figure_spec(charts.needs_trend(_needs_trend(url, version, departments)))


@reading
def needs_trend_chart(filters: Filters) -> dict:
    """The chart of :func:`needs_trend`, cached as its dict (``views.chart`` shows it)."""
    s = store()
    return _needs_trend_chart(s.url, data_version(), filters.departments)


# The figures of each data page, computed once per data version, filters and choices: a rerun
# (a widget click, a page change) unpickles them instead of filtering rows and building charts.
# Charts are cached as their dicts (views.figure_spec): unpickling a go.Figure rebuilds it.
# Three kinds (see _Figures):
# - from rows: function(filtered tables, *args) -> dict of picklable values; the tables it
#   needs are loaded (only the columns it reads, only the rows of one area when it shows one);
# - from counts: function(counts, *args), where counts holds, per tuple of columns ``by``, the
#   rows of one table counted by those columns (``Store.counts``: a GROUP BY in the database);
# - from other figures: function(other, *args), where other(name, *args) gives them (cached).
@dataclass(frozen=True)
class _Figures:
    names: tuple[str, ...]  # the tables read (none: from other figures)
    columns: tuple | None  # _columns_key of the columns read (None: every column)
    fn: Callable
    counted: tuple[tuple[str, ...], ...] = ()  # from counts: the ``by`` of each count of names[0]
    per_category: bool = False  # the counts have a column per Kategori (Store.category_counts)
    of_area: bool = False  # the first choice is an area: only its rows are loaded


_FIGURES: dict[str, _Figures] = {}

# The columns the counting figures read (``id`` comes along; ``year`` is what the year filter
# reads). Leaving out the long texts makes a year of Arbejdsark load 2-3x faster; the
# metrics functions see the columns not loaded as empty, so every figure must read only these.
COUNT_COLUMNS = {
    "arbejdsark": ("department", "year", "area", "category"),
    "handleplan": ("department", "year", "help", "quarter", "urgent", "status"),
}


def _figures_of(name: str, names: tuple[str, ...], columns: dict[str, tuple[str, ...]] | None = None, *,
                of_area: bool = False):
    """Register figures computed from the rows of the tables ``names`` (``columns``: only those
    columns are loaded; ``of_area``: only the rows of the area given as the first choice)."""
    def register(fn):
        _FIGURES[name] = _Figures(names, _columns_key(columns), fn, of_area=of_area)
        return fn
    return register


def _counted_figures(name: str, table: str, *counted: tuple[str, ...], per_category: bool = False):
    """Register figures computed from the rows of ``table`` counted by each ``by`` in ``counted``
    (``per_category``: Arbejdsark counted with a column per Kategori)."""
    def register(fn):
        read = [c for by in counted for c in by] + (["category"] if per_category else [])
        _FIGURES[name] = _Figures((table,), _columns_key({table: tuple(dict.fromkeys(read))}), fn,
                                  counted=tuple(map(tuple, counted)), per_category=per_category)
        return fn
    return register


def _count(spec: _Figures, source, by: tuple[str, ...], **filters) -> pd.DataFrame:
    """One count of a counted figure set: from a store (in the database) or from rows (pandas)."""
    if isinstance(source, Store):
        if spec.per_category:
            return source.category_counts(by, **filters)
        return source.counts(spec.names[0], by, **filters)
    return metrics.count_categories(source, by) if spec.per_category else metrics.count_rows(source, by)


def figure_function(name: str):
    """The function behind :func:`figures` ``name`` and the tables and columns it loads
    (for tests: the figures of a narrow load equal those of every column).

    Figures from counts get their counts from ``Store.counts`` (a GROUP BY in the database);
    the function returned here counts the given rows with ``metrics.count_rows`` (or
    ``metrics.count_categories``) instead, which gives the same counts (tests/test_store_counts.py)."""
    spec = _FIGURES[name]
    fn = spec.fn
    if spec.counted:
        table = spec.names[0]

        def fn(view, *args):
            return spec.fn(tuple(_count(spec, view[table], by) for by in spec.counted), *args)
    return spec.names, dict(spec.columns) if spec.columns else None, fn


@st.cache_data(show_spinner=False, max_entries=256)
def _figures(name: str, url: str, version: int, year: int | None, departments: tuple[str, ...],
             args: tuple) -> dict:
    spec = _FIGURES[name]
    names, columns, fn = spec.names, spec.columns, spec.fn
    if not names:
        return fn(lambda other, *more: _figures(other, url, version, year, departments, more), *args)
    if spec.counted:  # counted in the database, for the chosen year and departments (not cached
        # themselves: only the figures made of them are, and no two figure sets count alike)
        return fn(tuple(_count(spec, _store(url), by, year=year, departments=departments or None)
                        for by in spec.counted), *args)
    # One table per load, so that pages reading the same columns share the cached rows.
    data = {}
    area = args[0] if spec.of_area else None
    for table in names:
        wanted = tuple((t, c) for t, c in columns or () if t == table) or None
        data.update(_tables(url, version, year, (table,), wanted, area))
    # The store kept only the year's rows; for Arbejdsark and Handleplan that is exactly the year
    # filter (a row's group year is its År), Uddannelse's year filter also reads Hvornår.
    again = year if UDDANNELSE in names else None
    return fn(metrics.filter_tables(data, year=again, departments=departments or None), *args)


@reading
def figures(name: str, filters: Filters, *args) -> dict:
    """The figures ``name`` (see the ``_figures_of`` functions below) for the chosen year and
    departments and the page's own choices ``args`` (hashable), cached by the data version."""
    s = store()
    return _figures(name, s.url, data_version(), filters.year, filters.departments, tuple(args))


@_figures_of("overview", ("arbejdsark", "handleplan"), COUNT_COLUMNS)
def _overview(view, year, today_):
    # The departments in total and without a discussion look at every year: from the outline.
    return {"empty": view["arbejdsark"].empty and view["handleplan"].empty,
            "tiles": metrics.tiles(view, year=year, today=today_, discussions=False),
            "by_area": figure_spec(charts.strengths_vs_needs_by_area(metrics.entries_by_area(view["arbejdsark"]))),
            "by_quarter": figure_spec(charts.actions_by_quarter(metrics.actions_by_quarter(view["handleplan"])))}


@_counted_figures("strengths", "arbejdsark", ("area", "category", "help"), ("department",))
def _strengths(counts, include_important):
    # From the year's rows counted in the database (a few dozen counts instead of every row).
    by_kind, by_department = counts
    by_area = metrics.entries_by_area_of_counts(by_kind)
    return {"by_area": figure_spec(charts.strengths_vs_needs_by_area(by_area, include_important=include_important)),
            "need_share": figure_spec(charts.need_share_by_area(metrics.need_share_by_area(None, counts=by_area))),
            "by_help": figure_spec(charts.needs_by_help(metrics.needs_by_help_of_counts(by_kind))),
            "areas": metrics.area_order(by_kind["area"].dropna().unique()),
            "departments": metrics.departments({"arbejdsark": by_department})}


@_figures_of("points", ("arbejdsark",), of_area=True)
def _points(view, area, department, category):
    # Only the rows of the chosen area are loaded, and only the formatted table is kept: the
    # page shows it and counts its rows.
    return {"view": display_frame(metrics.points(view["arbejdsark"], area=area, department=department,
                                                 category=category), POINT_COLUMNS)}


@_figures_of("plan", ("handleplan",))
def _plan(view, today_, wheel_year):
    plan = view["handleplan"]
    return {"areas": metrics.area_order(plan["area"].dropna().unique()), "quarters": metrics.quarters(plan),
            "overdue": metrics.overdue_actions(plan, today_), "urgent": metrics.urgent_actions(plan),
            "training": figure_spec(charts.supplementary_training_by_quarter(
                metrics.supplementary_training_by_quarter(plan))),
            "expert": figure_spec(charts.expert_assistance_by_quarter(metrics.expert_assistance_by_quarter(plan))),
            # The chart's own title says what the wheel counts ("Årshjul 2026: handlinger pr. kvartal").
            "wheel": figure_spec(charts.aarshjul(
                metrics.actions_by_quarter(plan), year=wheel_year,
                title=None if wheel_year else "Årshjul, alle år: handlinger pr. kvartal"))}


@_figures_of("actions", ("handleplan",))
def _actions(view, areas, helps, statuses, quarters):
    return {"shown": metrics.select_actions(view["handleplan"], areas=areas, helps=helps, statuses=statuses,
                                            quarters=quarters)}


@_counted_figures("compare_counts", "arbejdsark", ("department", "area"), per_category=True)
def _compare_counts(counts):
    # From the year's rows counted in the database per department and area, a column per Kategori.
    (by_department_area,) = counts
    return {"by_department_area": metrics.entries_by_department_area_of_counts(by_department_area),
            "average": metrics.company_average_by_area_of_counts(by_department_area),
            "departments": metrics.departments({"arbejdsark": by_department_area})}


@_figures_of("compare", ())
def _compare(other, measure):
    counts = other("compare_counts")
    matrix = metrics.department_area_matrix(None, measure, counts=counts["by_department_area"])
    return {"matrix": matrix, "heatmap": figure_spec(charts.department_area_heatmap(matrix, measure)),
            "departments": counts["departments"]}


@_figures_of("compare_chosen", ())
def _compare_chosen(other, chosen, category):
    counts = other("compare_counts")
    return {"chart": figure_spec(charts.departments_vs_average(counts["by_department_area"], counts["average"],
                                                               list(chosen), category))}


@_figures_of("training", ("uddannelse",))
def _training(view):
    training = view["uddannelse"]
    if training.empty:
        return {"empty": True}
    courses = metrics.training_list(training)
    return {"empty": False, "totals": metrics.training_totals(training),
            "by_quarter": figure_spec(charts.training_by_quarter(metrics.training_by_quarter(training))),
            "by_department_role": figure_spec(charts.training_hours_by_department_role(
                metrics.training_hours_by_department_role(training, metrics.TRAINING_PLANNED_OR_DONE),
                title="Timer pr. afdeling og rolle", x_title="Timer (afslåede og aflyste kurser tæller ikke med)")),
            "list": courses, "list_view": display_frame(courses, TRAINING_COLUMNS)}


@st.cache_data(show_spinner=False, max_entries=64)
def _discussions(url: str, version: int, departments: tuple[str, ...], today_: dt.date) -> tuple[list[str], int]:
    scoped = metrics.filter_tables(_outline(url, version), departments=departments or None)
    return (metrics.departments_without_discussion(scoped, today_),
            len(metrics.departments(metrics.unify_departments(scoped))))


@reading
def departments_without_discussion(filters: Filters) -> list[str]:
    """The chosen departments whose newest discussion is over 365 days old (or missing), over
    every year, from the outline."""
    s = store()
    return _discussions(s.url, data_version(), filters.departments, today())[0]


@reading
def departments_total(filters: Filters) -> int:
    """How many departments the chosen ones are (all departments when none is chosen), over
    every year, as ``metrics.tiles`` counts them."""
    s = store()
    return _discussions(s.url, data_version(), filters.departments, today())[1]


def _export_current(write, url: str, buf) -> None:
    write(_store(url).current(), buf)


def lazy_export(write):
    """A download button's data that loads every current row and writes them only when the
    user clicks."""
    return functools.partial(excel_bytes, _export_current, write, store().url)


def is_empty(data: Mapping[str, pd.DataFrame]) -> bool:
    if isinstance(data, Outline):
        return data.choices[2]
    return all(df.empty for df in data.values())
