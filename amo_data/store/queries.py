"""Reading the store: the current tables, what the dashboard's choices and all-years figures
need (outline, groups, counts), departments, years, the audit log.

Departments and years
---------------------
Tables grouped by department alone (Medlemmer, Organisation) have no years: they never give
a year. Medlemmer's departments are departments. An Organisation row names a department or a
unit above departments: only names that appear in the other tables are departments, so the
department lists leave Organisation out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import vocab
from ..errors import AmoError
from ..schema import ARBEJDSARK, HANDLEPLAN, ORGANISATION, SCHEMA, TABLES, series
from ..text import department_key, department_name, sorted_names
from .engine import Database
from .tables import CURRENT, DATA, audit, batches, has_years, iso, meetings, meta_value, versions
from .values import rows_frame, wanted_columns

if TYPE_CHECKING:
    import pandas as pd

YEAR_TABLES = tuple(t for t in TABLES if has_years(t))


def _current(table: str) -> Any:
    """The condition "a current version of ``table``" (for a query joined with the versions)."""
    return sa.and_(versions.c.state == CURRENT, versions.c.table_name == table)


def current_tables(db: Database, names: Iterable[str], year: int | None = None, department: str | None = None,
                   columns: Mapping[str, Iterable[str]] | None = None,
                   area: str | None = None) -> dict[str, pd.DataFrame]:
    """The current canonical tables ``names`` (schema order), ``id`` first; see
    :meth:`amo_data.store.Store.current_tables`."""
    wanted = [t for t in TABLES if t in set(names)]
    if area is not None and any("area" not in SCHEMA[t].columns for t in wanted):
        raise ValueError("area= filters tables with an Område column (arbejdsark, handleplan) only")
    out: dict[str, pd.DataFrame] = {}
    with db.read() as conn:
        for table in wanted:
            data = DATA[table]
            chosen = wanted_columns(table, columns)
            query = (sa.select(data.c.id, *(data.c[name] for name in chosen))
                     .join(versions, versions.c.id == data.c.version_id).where(_current(table))
                     .order_by(data.c.id))
            if year is not None and has_years(table):
                query = query.where(versions.c.year == int(year))
            if department is not None:
                query = query.where(versions.c.dept_key == department_key(department))
            if area is not None:
                query = query.where(data.c.area == area)
            out[table] = rows_frame(table, chosen, conn.execute(query).all())
    return out


def _frame(columns: dict[str, tuple[str, list]]) -> pd.DataFrame:
    """A DataFrame of ``{name: (dtype, values)}``."""
    import pandas as pd
    return pd.DataFrame({name: pd.Series(values, dtype=kind) for name, (kind, values) in columns.items()},
                        columns=list(columns))


def outline(db: Database) -> dict[str, pd.DataFrame]:
    """The distinct (department, year) of each year table's current rows, and for Arbejdsark
    the newest Dato per department and year and whether a row has none (``date`` None); for
    the department tables without years (Medlemmer) the distinct departments."""
    ark = DATA[ARBEJDSARK]
    out: dict[str, pd.DataFrame] = {}
    with db.read() as conn:
        for table in YEAR_TABLES:
            data = DATA[table]
            if table == ARBEJDSARK:
                query = (sa.select(versions.c.department, versions.c.year, sa.func.max(ark.c.date),
                                   sa.func.count() > sa.func.count(ark.c.date))
                         .join(versions, versions.c.id == ark.c.version_id).where(_current(table))
                         .group_by(versions.c.id, versions.c.department, versions.c.year))
                rows = []
                for department, year, newest, undated in conn.execute(query):
                    if newest is not None:
                        rows.append((department, int(year), False, newest))
                    if undated:
                        rows.append((department, int(year), True, None))
                rows.sort(key=lambda r: r[:3])
                out[table] = _frame({"department": ("object", [r[0] for r in rows]),
                                     "year": ("int64", [r[1] for r in rows]),
                                     "date": ("object", [r[3] for r in rows])})
            else:
                query = (sa.select(versions.c.department, versions.c.year).where(_current(table))
                         .where(sa.exists().where(data.c.version_id == versions.c.id)))
                rows = sorted((d, int(y)) for d, y in conn.execute(query))
                out[table] = _frame({"department": ("object", [r[0] for r in rows]),
                                     "year": ("int64", [r[1] for r in rows])})
        for table in TABLES:
            if table != ORGANISATION and not has_years(table):
                out[table] = _frame({"department": ("object", _departments_with_rows(conn, table))})
    return out


def table_departments(db: Database, table: str) -> list[str]:
    """The departments with current rows in ``table`` (as stored), sorted."""
    with db.read() as conn:
        return _departments_with_rows(conn, table)


def _departments_with_rows(conn: Any, table: str) -> list[str]:
    query = (sa.select(versions.c.department).distinct().where(_current(table))
             .where(sa.exists().where(DATA[table].c.version_id == versions.c.id)))
    return sorted(conn.execute(query).scalars())


def current_groups(db: Database, tables: Iterable[str] | None = None) -> pd.DataFrame:
    """The distinct (department, year) of the current rows of the year tables (or of
    ``tables``, which must have years), sorted."""
    chosen = YEAR_TABLES if tables is None else tuple(tables)
    unknown = [t for t in chosen if t not in YEAR_TABLES]
    if unknown or not chosen:
        raise ValueError(f"tables without years or unknown: {unknown}; use some of {list(YEAR_TABLES)}")
    queries = [sa.select(versions.c.department, versions.c.year).where(_current(table))
               .where(sa.exists().where(DATA[table].c.version_id == versions.c.id)) for table in chosen]
    with db.read() as conn:
        rows = sorted({(d, int(y)) for d, y in conn.execute(sa.union(*queries) if len(queries) > 1 else queries[0])})
    return _frame({"department": ("object", [d for d, _y in rows]), "year": ("int64", [y for _d, y in rows])})


def has_current_rows(db: Database) -> bool:
    """True when some table has a current row (a group emptied by an erasure has none)."""
    with db.read() as conn:
        for table in TABLES:
            data = DATA[table]
            query = (sa.select(data.c.id).join(versions, versions.c.id == data.c.version_id)
                     .where(_current(table)).limit(1))
            if conn.execute(query).first() is not None:
                return True
    return False


def needs_counts(db: Database, departments: Iterable[str] | None = None) -> pd.DataFrame:
    """Current Arbejdsark needs (Kategori "Brug for at styrke", Område given) counted per year
    and area: ``year | area | count``, for all departments or the given ones."""
    ark = DATA[ARBEJDSARK]
    query = (sa.select(versions.c.year, ark.c.area, sa.func.count())
             .join(versions, versions.c.id == ark.c.version_id).where(_current(ARBEJDSARK))
             .where(ark.c.category == vocab.BRUG_FOR_AT_STYRKE, ark.c.area.is_not(None))
             .group_by(versions.c.year, ark.c.area))
    with db.read() as conn:
        rows = sorted((int(y), a, int(n)) for y, a, n in conn.execute(of_departments(query, departments)))
    return _frame({"year": ("int64", [r[0] for r in rows]), "area": ("object", [r[1] for r in rows]),
                   "count": ("int64", [r[2] for r in rows])})


def counted(db: Database, table: str, by: Iterable[str], sums: dict[str, Any], year: int | None,
            departments: Iterable[str] | None) -> pd.DataFrame:
    """Current rows of ``table`` grouped by the canonical columns ``by``: the ``sums`` (name ->
    SQL aggregate) and ``count``; see :meth:`amo_data.store.Store.counts`."""
    import pandas as pd
    if table not in DATA:
        raise ValueError(f"unknown table {table!r}; use one of {list(TABLES)}")
    names = tuple(dict.fromkeys([by] if isinstance(by, str) else by))
    canonical = SCHEMA[table].columns
    if not names or any(name not in canonical for name in names):
        raise ValueError(f"count {table} by canonical columns {list(canonical)}, not {list(names)}")
    data = DATA[table]
    keys = [data.c[name] for name in names]
    query = (sa.select(*keys, *sums.values(), sa.func.count())
             .join(versions, versions.c.id == data.c.version_id).where(_current(table)).group_by(*keys))
    if year is not None and has_years(table):
        query = query.where(versions.c.year == int(year))
    with db.read() as conn:
        rows = conn.execute(of_departments(query, departments)).all()
    columns = [list(values) for values in zip(*rows, strict=True)] if rows else [[] for _ in range(len(names) + len(sums) + 1)]
    out = {name: series(table, name, values) for name, values in zip(names, columns, strict=False)}
    out.update({name: pd.Series([int(n) for n in values], dtype="int64")
                for name, values in zip([*sums, "count"], columns[len(names):], strict=True)})
    return pd.DataFrame(out, columns=[*names, *sums, "count"])


def of_departments(query: sa.Select, departments: Iterable[str] | None) -> sa.Select:
    """``query`` (joined with the versions) narrowed to the given departments, case-insensitive
    as :func:`amo_data.metrics.filter_tables` matches them; None or no name: every department."""
    if departments is None:
        return query
    keys = sorted({department_key(d) for d in departments if department_name(d)})
    return query.where(versions.c.dept_key.in_(keys)) if keys else query


# --------------------------------------------------------------------------- departments, years


def departments(db: Database) -> list[str]:
    """Departments with current data in any table (Organisation's units are not departments),
    Danish alphabetical order."""
    with db.read() as conn:
        names = conn.execute(sa.select(versions.c.department).distinct()
                             .where(versions.c.state == CURRENT, versions.c.table_name != ORGANISATION)).scalars()
        return sorted_names(names)


def years(db: Database) -> list[int]:
    """Years with current data in any table that has years, ascending."""
    with db.read() as conn:
        found = conn.execute(sa.select(versions.c.year).distinct()
                             .where(versions.c.state == CURRENT, versions.c.table_name.in_(YEAR_TABLES))).scalars()
        return sorted(int(y) for y in found)


def known_departments(db: Database) -> list[str]:
    """Every department with rows in any version (also replaced or undone), Danish order: the
    newest current spelling of a department, else its newest one. Units are not departments."""
    with db.read() as conn:
        rows = conn.execute(
            sa.select(versions.c.dept_key, versions.c.department, versions.c.state, sa.func.max(versions.c.id))
            .where(versions.c.table_name != ORGANISATION)
            .group_by(versions.c.dept_key, versions.c.department, versions.c.state)).all()
    names: dict[str, tuple[bool, int, str]] = {}
    for key, name, state, newest in rows:
        rank = (state == CURRENT, int(newest), name)
        if key not in names or rank > names[key]:
            names[key] = rank
    return sorted_names(name for _current, _newest, name in names.values())


def batch_departments(db: Database, batch_id: Any) -> list[str]:
    """Departments (and units) the batch wrote, and its meeting's department; Danish order."""
    try:
        batch_id = int(batch_id)
    except (TypeError, ValueError):
        raise AmoError(f'"{batch_id}" er ikke et importnummer.', 2) from None
    with db.read() as conn:
        names = [*conn.execute(sa.select(versions.c.department).where(versions.c.batch_id == batch_id)).scalars(),
                 *conn.execute(sa.select(meetings.c.department).where(meetings.c.batch_id == batch_id)).scalars()]
    return sorted_names(names)


def action_department(db: Database, action_id: Any) -> str | None:
    """The department of one Handleplan row (any version), None when there is no such row."""
    try:
        action_id = int(action_id)
    except (TypeError, ValueError):
        return None
    plan = DATA[HANDLEPLAN]
    with db.read() as conn:
        return conn.execute(sa.select(plan.c.department).where(plan.c.id == action_id)).scalar()


# --------------------------------------------------------------------------- state and logs


def audit_log(db: Database, limit: int | None = None) -> list[dict[str, Any]]:
    """Audit lines, newest first: ``{"id", "at", "user", "action", "details"}``."""
    query = sa.select(audit).order_by(audit.c.id.desc())
    if limit is not None:
        query = query.limit(int(limit))
    with db.read() as conn:
        rows = conn.execute(query).all()
    return [{"id": r.id, "at": iso(r.at), "user": r.user_name, "action": r.action, "details": r.details}
            for r in rows]


def data_version(db: Database) -> int:
    with db.read() as conn:
        return meta_value(conn, "data_version")


def schema_version(db: Database) -> int:
    with db.read() as conn:
        return meta_value(conn, "schema_version")


def is_empty(db: Database) -> bool:
    """True when nothing was ever imported (no batch at all, not even an undone one)."""
    with db.read() as conn:
        return conn.execute(sa.select(batches.c.id).limit(1)).first() is None


def has_current_data(db: Database) -> bool:
    """True when some group has current rows (what the dashboard shows)."""
    with db.read() as conn:
        return conn.execute(sa.select(versions.c.id).where(versions.c.state == CURRENT).limit(1)).first() is not None


def batches_of(db: Database, user: str) -> list[int]:
    """Ids of the imports made as ``user`` that are not undone, newest first."""
    with db.read() as conn:
        return list(conn.execute(sa.select(batches.c.id).where(batches.c.user_name == user, batches.c.state != "undone")
                                 .order_by(batches.c.id.desc())).scalars())

