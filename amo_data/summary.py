"""The ``summary --json`` object (cli-and-metrics.md, "summary --json" and "Definitions").

Every figure comes from :mod:`amo_data.metrics` (the discussions, the action plan, the
training register), :mod:`amo_data.entitlement` (the members and their training) and
:mod:`amo_data.units` (the organisation tree); this module only puts them together for the
chosen year, department or unit. The pages show the same functions' results.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import entitlement, units
from .errors import AmoError
from .metrics import (
    Tables, _as_date, _spellings, _table, actions_by_quarter, departments, departments_without_discussion,
    entries_by_area, entries_by_area_of_counts, entries_by_department, entries_by_department_of_counts,
    filter_tables, needs_by_help, needs_by_help_of_counts, overdue_actions, records, training_by_quarter,
    unify_departments, urgent_actions,
)
from .schema import ARBEJDSARK, HANDLEPLAN, MEDLEMMER, ORGANISATION, UDDANNELSE
from .text import clean, department_key

# The columns :func:`summary` reads, so that a caller can load only these
# (``Store.current(columns=SUMMARY_COLUMNS)``): the long texts are left in the database.
SUMMARY_COLUMNS: dict[str, tuple[str, ...]] = {
    ARBEJDSARK: ("department", "year", "date", "area", "category", "help"),
    HANDLEPLAN: ("department", "year", "help", "quarter", "urgent", "status"),
    UDDANNELSE: ("department", "name", "year", "when", "quarter", "status", "hours", "type"),
    MEDLEMMER: ("department", "name", "role", "joined", "left", "basic_training"),
    ORGANISATION: ("department", "parent"),
}

# What :func:`summary_of_counts` counts the Arbejdsark rows by (``Store.category_counts``): the
# summary's Arbejdsark figures are counts per area, per department and per help.
SUMMARY_COUNTED_BY = ("department", "area", "help")


def summary_of_store(store, year: int | None = None, department: str | None = None, unit: str | None = None,
                     today: dt.date | str | None = None, departments: list[str] | None = None) -> dict:
    """The ``summary --json`` object of what ``store`` (an :class:`amo_data.store.Store`) holds:
    Arbejdsark counted in the database, not read row by row (a long history has many rows); the
    same figures as from every row, else (a department spelled in two ways) from every row
    after all. ``departments`` keeps several departments (an API token's)."""
    tables = store.current_tables((HANDLEPLAN, UDDANNELSE, MEDLEMMER, ORGANISATION), columns=SUMMARY_COLUMNS)
    outline = store.outline()
    chosen = scope({**tables, ARBEJDSARK: outline[ARBEJDSARK]}, department, unit, departments)
    counts = store.category_counts(SUMMARY_COUNTED_BY, year=year, departments=chosen)
    filters = {"year": year, "department": department, "unit": unit, "today": today, "departments": departments}
    figures = summary_of_counts(outline, counts, tables, **filters)
    return figures if figures is not None else summary(store.current(columns=SUMMARY_COLUMNS), **filters)


def summary(tables: Tables, year: int | None = None, department: str | None = None,
            today: dt.date | str | None = None, unit: str | None = None,
            departments: list[str] | None = None) -> dict:
    """The ``summary --json`` object from every row. JSON-native values only."""
    year, department, unit, today = _filters(year, department, unit, today)
    unified = unify_departments(tables)
    chosen = _chosen(unified, department, unit, departments)
    filtered = filter_tables(unified, year, departments=chosen)
    ark = filtered[ARBEJDSARK]
    return _summary(year, department, unit, today, filtered, unified, chosen,
                    entries_by_area(ark), entries_by_department(ark), needs_by_help(ark))


def summary_of_counts(outline: Tables, counts: pd.DataFrame, tables: Tables, year: int | None = None,
                      department: str | None = None, today: dt.date | str | None = None,
                      unit: str | None = None, departments: list[str] | None = None) -> dict | None:
    """:func:`summary` without reading Arbejdsark's rows, from:

    - ``outline``: ``Store.outline()`` (every table's departments and years, and Arbejdsark's
      newest Dato per group: what the departments and the missing discussions need);
    - ``counts``: the Arbejdsark rows of the year and departments counted by
      :data:`SUMMARY_COUNTED_BY` with a column per Kategori (``Store.category_counts``);
    - ``tables``: the Handleplan, Uddannelse, Medlemmer and Organisation rows, all years and
      departments.

    The same object as :func:`summary` of every row, or None when a department is spelled in
    two ways: :func:`summary` then keeps the first spelling in the rows' order, which the
    counts do not know; use :func:`summary` on the rows.
    """
    year, department, unit, today = _filters(year, department, unit, today)
    parts = {ARBEJDSARK: _table(outline, ARBEJDSARK)}
    parts.update({t: _table(tables, t) for t in (HANDLEPLAN, UDDANNELSE, MEDLEMMER, ORGANISATION)})
    if _spellings(parts)[1]:
        return None
    chosen = _chosen(parts, department, unit, departments)
    filtered = filter_tables(parts, year, departments=chosen)
    return _summary(year, department, unit, today, filtered, parts, chosen, entries_by_area_of_counts(counts),
                    entries_by_department_of_counts(counts), needs_by_help_of_counts(counts))


def scope(tables: Tables, department: str | None = None, unit: str | None = None,
          several: list[str] | None = None) -> list[str] | None:
    """The departments a ``--department`` or a ``--unit`` keeps (None: every department). A unit
    keeps every department of its subtree, itself included if it has data; a name neither the
    tree nor the data knows is a Danish error (:class:`~amo_data.errors.AmoError`). ``several``
    narrows to those departments as well."""
    _year, department, unit, _today = _filters(None, department, unit, None)
    return _chosen(unify_departments(tables), department, unit, several)


def _chosen(tables: Tables, department: str | None, unit: str | None,
            several: list[str] | None = None) -> list[str] | None:
    if department and unit:
        raise AmoError("Vælg enten en afdeling (--department) eller en enhed (--unit), ikke begge.")
    chosen = [department] if department else None
    if unit:
        names = departments(tables)
        chosen = units.departments_of(units.build(tables[ORGANISATION], names), unit, names)
    if several:
        keys = {department_key(d) for d in several}
        chosen = [d for d in (chosen if chosen is not None else several) if department_key(d) in keys]
        return chosen or ["\u0000"]  # none of them: a name no department has
    return chosen


def _filters(year, department, unit, today) -> tuple[int | None, str | None, str | None, dt.date]:
    department = clean(department) if department is not None and clean(department) else None
    unit = clean(unit) if unit is not None and clean(unit) else None
    return (int(year) if year is not None else None), department, unit, _as_date(today)


def _summary(year: int | None, department: str | None, unit: str | None, today: dt.date, filtered: Tables,
             every_year: Tables, chosen: list[str] | None, by_area: pd.DataFrame, by_department: pd.DataFrame,
             by_help: pd.DataFrame) -> dict:
    """The summary object from the filtered tables, the unfiltered ones (for the missing
    discussions and the entitlement, which look at every year) and the three Arbejdsark
    figures."""
    plan, training = filtered[HANDLEPLAN], filtered[UDDANNELSE]
    scoped = filter_tables(every_year, departments=chosen)
    people = entitlement.figures(scoped[MEDLEMMER], scoped[UDDANNELSE], today, year)
    tree = units.build(every_year[ORGANISATION], departments(every_year))
    return {
        "filters": {"year": year, "department": department, "unit": unit, "today": today.isoformat()},
        "departments": departments(filtered),
        "entries_by_area": records(by_area),
        "entries_by_department": records(by_department),
        "needs_by_help": records(by_help),
        "actions_by_quarter": records(actions_by_quarter(plan)),
        "overdue_actions": len(overdue_actions(plan, today)),
        "urgent_actions": len(urgent_actions(plan)),
        "training_by_quarter": records(training_by_quarter(training)),
        "departments_without_discussion": departments_without_discussion(scoped, today),
        **people,
        "entries_by_unit": units.entries_by_unit(tree, by_department, unit),
    }
