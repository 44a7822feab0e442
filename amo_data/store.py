"""The store: versioned canonical tables in SQLite or PostgreSQL (SQLAlchemy 2 Core).

Where the data lives
--------------------
``Store(url)`` resolves its database as: the explicit ``url``, else the environment variable
``AMO_DATABASE_URL``, else the embedded SQLite file ``<project root>/data/amo.sqlite`` (the
folder is created). ``postgresql://`` and ``postgres://`` URLs use psycopg 3
(``postgresql+psycopg://``). A value without ``://`` is taken as the path of a SQLite file.

Tables
------
- ``arbejdsark``, ``handleplan``, ``uddannelse``: every canonical column of
  :data:`amo_data.schema.CANONICAL`, plus ``id`` (stable row id) and ``version_id``. Rows are
  never updated except an action's ``status`` (:meth:`Store.set_action_status`) and never
  deleted, except by the two audited erasures for data protection
  (:meth:`Store.delete_department`, :meth:`Store.delete_person`; see docs/security.md).
- ``group_versions``: one row per (table, department, year) group written by a batch:
  ``state`` is ``current`` (its rows are the current data of that group), ``replaced`` (a later
  batch wrote the group; ``replaced_by`` names it) or ``undone``. ``previous_id`` is the version
  this one replaced: the chain that :meth:`Store.undo` follows. At most one version of a group is
  current (a partial unique index enforces it). For Arbejdsark, ``newest_date`` and ``undated``
  record the newest Dato of the version's rows and whether one has no Dato (schema version 3;
  what :meth:`Store.outline` reads instead of the rows), and ``need_areas`` its needs counted per
  area (schema version 4; what :meth:`Store.needs_counts` reads instead of the rows).
- ``batches``: one per import that changed something: created_at (UTC), user, files,
  sha256, rows per table (as in the files), state ``current`` | ``replaced`` | ``undone``.
- ``audit``: who did what and when (imports, unchanged imports, undo, status edits, erasures).
- ``meta``: ``schema_version`` and ``data_version`` (bumped by every write; the dashboard keys
  its caches on it).

Import semantics (contract: "What an import does")
--------------------------------------------------
- One call of :meth:`Store.import_results` is one transaction: all files or nothing.
- Rows are grouped per table by (department, year); for uddannelse the year column already is
  the year of Hvornår. Departments match case-insensitively (after trimming and collapsing
  inner whitespace) against the departments of the current data and keep the stored spelling;
  a department that is not in the current data keeps the first spelling met in the import
  (files in the order given, tables in the order arbejdsark, handleplan, uddannelse).
- Two files of one call that carry the same group: their rows are concatenated (file order).
  The very same file given twice in one call (equal SHA-256) is stored once.
- A group whose new rows equal its current rows (compared as a multiset of canonical rows:
  row order does not matter) is left as it is. If every group of the call is like that (or the
  files hold no rows), nothing is stored: ``ImportOutcome.unchanged`` is True, ``batch_id`` is
  None; one ``import_unchanged`` audit line is written.
- Otherwise a new batch is created; for each changed group the previous current version (if
  any) becomes ``replaced`` and the new rows become current. Groups not in the files are
  untouched.
- A batch all of whose groups were superseded by later batches gets state ``replaced``; a batch
  with at least one group still current stays ``current``.

Undo
----
``undo(B)``: for every group where B's version is current, the version B replaced becomes
current again (or the group disappears if B created it). For a group that a later batch L
wrote over B, L stays current; B's version is cut out of the chain so that undoing L later
restores what B had replaced (never B's undone rows). B's state becomes ``undone``; batches
whose versions become current again get state ``current``. Unknown or already undone batches
raise :class:`AmoError` (exit code 2).

Status edits, errors, reading
-----------------------------
- :meth:`Store.set_action_status` changes the ``status`` of one *current* Handleplan row in
  place (a canonical status or one of its aliases), writes an audit line with the old and new
  value and bumps ``data_version``. It creates no batch. Re-importing the original file later is
  a change (the status differs) and replaces the group as usual.
- Precondition failures raise :class:`AmoError`: files with errors -> exit code 1; no files,
  unknown/undone batch, bad status or action id -> exit code 2. Rows the database refuses
  (a constraint violation; validated data never does this) roll the whole call back and raise
  :class:`AmoError` with exit code 3.
- :meth:`Store.current` returns ``id`` plus the canonical columns; ``is_empty()`` means "nothing
  was ever imported" (for seeding sample data), ``has_current_data()`` means "something to show".
- Every committed write bumps ``data_version`` (also an unchanged import, which writes an audit
  line).

Concurrency
-----------
- SQLite: WAL journal, ``busy_timeout`` 30 s, foreign keys on. Write transactions start with
  ``BEGIN IMMEDIATE`` (SQLAlchemy ``begin`` event), so concurrent importers queue for the write
  lock instead of failing on a read-to-write upgrade; reads use a plain deferred ``BEGIN``.
- PostgreSQL: every write transaction first takes the transaction-level advisory lock
  ``pg_advisory_xact_lock(AMO_LOCK_KEY)``: imports, undos and status edits are serialised, and the
  lock is released at commit or rollback. Reads run in REPEATABLE READ so one read sees one
  snapshot across the three tables.

Schema versions
---------------
A fresh store is created from the table definitions below and stamped with
:data:`SCHEMA_VERSION`. An older store is brought up to date by :data:`MIGRATIONS`
(target version -> function), each run in the same transaction, under the write lock, and
written so that running it twice does no harm. To change the schema: change the tables
below, add ``MIGRATIONS[n + 1]`` doing the same to an existing store, and bump
:data:`SCHEMA_VERSION`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import json
import math
import operator
import os
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from . import vocab
from .errors import AmoError, StoreUnavailable
from .schema import ARBEJDSARK, CANONICAL, HANDLEPLAN, TABLES, UDDANNELSE
from .text import clean, sorted_names

# pandas is imported inside the functions that build DataFrames: `import` and `check` never
# need it, and loading it cost them a quarter of a second of CPU.
if TYPE_CHECKING:  # the store needs only FileResult's fields, not the validation code
    import pandas as pd

    from .validate import FileResult

DATABASE_ENV = "AMO_DATABASE_URL"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "amo.sqlite"

SCHEMA_VERSION = 4
AMO_LOCK_KEY = 0x414D4F  # "AMO": the PostgreSQL advisory lock every write takes
SQLITE_BUSY_TIMEOUT_MS = 30_000
CHUNK = 5_000
SQLITE_MAX_PARAMETERS = 999  # per statement: the lowest limit any SQLite build has
# The page size of a new SQLite store. A big import writes every page twice (into the WAL,
# then the checkpoint copies it into the file), 4 KB at a time by default: 32 KB pages make an
# eighth of the system calls (the benchmark's 120,000 rows are stored 20-30 ms faster), and
# reading the store is as fast (its queries read whole tables).
SQLITE_PAGE_SIZE = 32 * 1024
# Every PostgreSQL write transaction: the write lock, and whether the connection may write.
_PG_WRITE_LOCK = sa.text("SELECT current_setting('transaction_read_only') "
                         "FROM (SELECT pg_advisory_xact_lock(:key)) AS locked")

CURRENT, REPLACED, UNDONE = "current", "replaced", "undone"
SAMPLE_USER = "eksempeldata"  # the user name the sample data is imported under

# Column kinds of the canonical tables (everything else is text).
INT_COLUMNS = frozenset({"year"})
NULLABLE_INT_COLUMNS = frozenset({"rating"})
FLOAT_COLUMNS = frozenset({"hours"})
BOOL_COLUMNS = frozenset({"urgent"})
DATE_COLUMNS = frozenset({"date", "joined"})
REQUIRED: dict[str, frozenset[str]] = {
    ARBEJDSARK: frozenset({"department", "year", "area", "category", "description"}),
    HANDLEPLAN: frozenset({"department", "year", "what", "area", "help", "when", "quarter", "urgent", "status"}),
    UDDANNELSE: frozenset({"department", "role", "course", "when", "year", "quarter", "status"}),
}


# --------------------------------------------------------------------------- URLs


def default_url() -> str:
    """The embedded SQLite store: ``<project root>/data/amo.sqlite``."""
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def resolve_url(url: str | None = None) -> str:
    """Explicit URL, else ``AMO_DATABASE_URL``, else :func:`default_url`; psycopg for PostgreSQL."""
    text = (url or "").strip() or os.environ.get(DATABASE_ENV, "").strip() or default_url()
    for prefix in ("postgresql://", "postgres://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix):]
    if "://" not in text:  # a bare file path
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    return text


def department_key(name: object) -> str:
    """The key two spellings of one department share: trimmed, whitespace collapsed, casefolded."""
    return clean(name).casefold()


# --------------------------------------------------------------------------- tables

metadata = sa.MetaData()


def _canonical_column(table: str, name: str) -> sa.Column:
    if name in INT_COLUMNS or name in NULLABLE_INT_COLUMNS:
        kind: Any = sa.Integer()
    elif name in FLOAT_COLUMNS:
        kind = sa.Float()
    elif name in BOOL_COLUMNS:
        kind = sa.Boolean(create_constraint=False)
    elif name in DATE_COLUMNS:
        kind = sa.Date()
    else:
        kind = sa.Text()
    return sa.Column(name, kind, nullable=name not in REQUIRED[table])


batches = sa.Table(
    "batches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_name", sa.Text, nullable=False),
    sa.Column("files", sa.JSON, nullable=False),
    sa.Column("sha256", sa.JSON, nullable=False),
    sa.Column("rows", sa.JSON, nullable=False),
    sa.Column("state", sa.Text, nullable=False),
)

versions = sa.Table(
    "group_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("table_name", sa.Text, nullable=False),
    sa.Column("dept_key", sa.Text, nullable=False),
    sa.Column("department", sa.Text, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=False, index=True),
    sa.Column("previous_id", sa.Integer, sa.ForeignKey("group_versions.id"), nullable=True, index=True),
    sa.Column("replaced_by", sa.Integer, sa.ForeignKey("batches.id"), nullable=True),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("row_count", sa.Integer, nullable=False),
    # Arbejdsark versions (schema version 3): the newest Dato of the version's rows (None when
    # no row has one) and whether some row has no Dato, written at import (those rows never
    # change afterwards) so that Store.outline need not read every row. None = not recorded
    # (other tables; a row written without them): the outline then computes them from the rows.
    sa.Column("newest_date", sa.Date, nullable=True),
    sa.Column("undated", sa.Boolean(create_constraint=False), nullable=True),
    # Arbejdsark versions (schema version 4): the version's needs (Kategori "Brug for at
    # styrke", Område given) counted per area, {area: count}, written at import for the same
    # reason, so that the needs trend over every year need not read every row. None = not
    # recorded (other tables; a row written without it): needs_counts then counts the rows.
    sa.Column("need_areas", sa.JSON(none_as_null=True), nullable=True),
    sa.Index("ix_group_versions_group", "table_name", "dept_key", "year"),
    sa.Index("ix_group_versions_state", "state", "table_name"),
)
# At most one current version per group: a partial unique index, the same statement on SQLite
# and PostgreSQL. Written as DDL run after the table is created rather than as an Index with
# sqlite_where/postgresql_where, whose validation imports SQLAlchemy's PostgreSQL dialect into
# every process (≈ 20 ms of start-up for a SQLite store).
event.listen(versions, "after_create", sa.DDL(
    "CREATE UNIQUE INDEX ux_group_versions_current ON group_versions (table_name, dept_key, year) "
    "WHERE state = 'current'"))

audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_name", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("details", sa.JSON, nullable=False),
    sa.Index("ix_audit_at", "at"),  # added in schema version 2
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

DATA: dict[str, sa.Table] = {
    table: sa.Table(
        table,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("group_versions.id"), nullable=False, index=True),
        *(_canonical_column(table, name) for name in CANONICAL[table]),
        *([sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name=f"ck_{table}_rating")]
          if "rating" in CANONICAL[table] else []),
    )
    for table in TABLES
}


def _migrate_to_2(conn: Connection) -> None:
    """Version 2: an index on audit.at for the audit page (newest first)."""
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_audit_at ON audit (at)")


def _arbejdsark_summary() -> tuple[Any, Any]:
    """Per version (correlated to ``group_versions``): its Arbejdsark rows' newest Dato, and
    whether one has no Dato; what ``newest_date`` and ``undated`` record."""
    data = DATA[ARBEJDSARK]
    of_version = data.c.version_id == versions.c.id
    return (sa.select(sa.func.max(data.c.date)).where(of_version).scalar_subquery(),
            sa.exists().where(of_version, data.c.date.is_(None)))


def _migrate_to_3(conn: Connection) -> None:
    """Version 3: group_versions.newest_date and .undated, filled for every Arbejdsark version."""
    have = {column["name"] for column in sa.inspect(conn).get_columns("group_versions")}
    if "newest_date" not in have:
        conn.exec_driver_sql("ALTER TABLE group_versions ADD COLUMN newest_date DATE")
    if "undated" not in have:
        conn.exec_driver_sql("ALTER TABLE group_versions ADD COLUMN undated BOOLEAN")
    newest, undated = _arbejdsark_summary()
    conn.execute(versions.update().where(versions.c.table_name == ARBEJDSARK)
                 .values(newest_date=newest, undated=undated))


_IS_NEED = functools.partial(operator.eq, vocab.BRUG_FOR_AT_STYRKE)


def _need_rows(version_ids: Iterable[int] | None = None) -> sa.Select:
    """``version_id | area | count`` of the Arbejdsark needs (of the given versions)."""
    data = DATA[ARBEJDSARK]
    query = (sa.select(data.c.version_id, data.c.area, sa.func.count())
             .where(data.c.category == vocab.BRUG_FOR_AT_STYRKE, data.c.area.is_not(None))
             .group_by(data.c.version_id, data.c.area))
    return query if version_ids is None else query.where(data.c.version_id.in_(list(version_ids)))


def _migrate_to_4(conn: Connection) -> None:
    """Version 4: group_versions.need_areas, filled for every Arbejdsark version."""
    have = {column["name"] for column in sa.inspect(conn).get_columns("group_versions")}
    if "need_areas" not in have:
        conn.exec_driver_sql("ALTER TABLE group_versions ADD COLUMN need_areas JSON")
    found: dict[int, dict[str, int]] = {}
    for version_id, area, count in conn.execute(_need_rows()):
        found.setdefault(version_id, {})[area] = int(count)
    ids = conn.execute(sa.select(versions.c.id).where(versions.c.table_name == ARBEJDSARK)).scalars().all()
    params = [{"vid": i, "needs": dict(sorted(found.get(i, {}).items()))} for i in ids]
    for chunk in _chunks(params):
        conn.execute(versions.update().where(versions.c.id == sa.bindparam("vid"))
                     .values(need_areas=sa.bindparam("needs", type_=versions.c.need_areas.type)), chunk)


# Target schema version -> migration from the version before it. Each runs inside the
# schema transaction under the write lock and must be idempotent.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {2: _migrate_to_2, 3: _migrate_to_3, 4: _migrate_to_4}


# --------------------------------------------------------------------------- values


def _is_missing(value: object) -> bool:
    import pandas as pd
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _to_text(value: object) -> str | None:
    if type(value) is str:
        return value
    return None if _is_missing(value) else str(value)


def _to_int(value: object) -> int | None:
    if type(value) is int:
        return value
    return None if _is_missing(value) else int(value)  # type: ignore[call-overload]


def _to_float(value: object) -> float | None:
    if type(value) is float:
        return None if math.isnan(value) else value
    return None if _is_missing(value) else float(value)  # type: ignore[arg-type]


def _to_bool(value: object) -> bool:
    if type(value) is bool:
        return value
    return False if _is_missing(value) else bool(value)


def _to_date(value: object) -> dt.date | None:
    if type(value) is dt.date:
        return value
    if _is_missing(value):
        return None
    if isinstance(value, dt.datetime):  # also pd.Timestamp
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _converter(name: str) -> Callable[[object], Any]:
    if name in INT_COLUMNS or name in NULLABLE_INT_COLUMNS:
        return _to_int
    if name in FLOAT_COLUMNS:
        return _to_float
    if name in BOOL_COLUMNS:
        return _to_bool
    if name in DATE_COLUMNS:
        return _to_date
    return _to_text


CONVERTERS = {name: _converter(name) for table in TABLES for name in CANONICAL[table]}


# The exact types a converted value of each column kind may have; anything else goes through
# the column's converter (see :func:`_column_values`).
_NONE = type(None)
_PLAIN_TYPES: dict[str, frozenset[type]] = {
    name: frozenset({int, _NONE} if name in INT_COLUMNS or name in NULLABLE_INT_COLUMNS
                    else {float, _NONE} if name in FLOAT_COLUMNS
                    else {bool} if name in BOOL_COLUMNS
                    else {dt.date, _NONE} if name in DATE_COLUMNS
                    else {str, _NONE})
    for table in TABLES for name in CANONICAL[table]
}


def _column_values(name: str, series: pd.Series) -> list:
    """One canonical column as a list of plain Python values, as ``CONVERTERS[name]`` makes them.

    Fast path: pandas turns the column into Python objects (missing values as None, except in
    object columns) in C; when every value then already has the column's plain type (what
    validation gives), that list is the result. Otherwise every value goes through the converter (same values either
    way: the converters map missing values to None and keep plain values as they are).
    """
    if series.dtype == object:  # text and dates: a missing value other than None is not plain
        values = series.tolist()
    else:
        values = series.to_numpy(dtype=object, na_value=None).tolist()
    if set(map(type, values)) <= _PLAIN_TYPES[name]:
        return values
    convert = CONVERTERS[name]
    return [convert(v) for v in series.tolist()]


def _frame_columns(table: str, frame: pd.DataFrame | None) -> list[list]:
    """A canonical DataFrame as lists of plain Python values, one per column (CANONICAL order)."""
    n = 0 if frame is None else len(frame)
    if n == 0:
        return [[] for _ in CANONICAL[table]]
    return [_column_values(name, frame[name]) if name in frame.columns else [None] * n
            for name in CANONICAL[table]]


def _result_columns(result: FileResult, table: str) -> list[list]:
    """One table of a checked file as lists of plain Python values, one per column (CANONICAL
    order): validation's columns as they are when the result has them (each value already has
    its column's plain type, see ``FileResult``; no pandas involved), else from its DataFrame."""
    plain = None if result.columns is None else result.columns.get(table)
    if plain is None:
        return _frame_columns(table, result.tables.get(table))
    return [plain[name] for name in CANONICAL[table]]


def _frame_rows(table: str, frame: pd.DataFrame | None) -> list[tuple]:
    """A canonical DataFrame as row tuples of plain Python values (CANONICAL order)."""
    return list(zip(*_frame_columns(table, frame), strict=True))


def _empty_series(name: str, values: list) -> pd.Series:
    import pandas as pd
    if name in INT_COLUMNS:
        return pd.Series(values, dtype="int64")
    if name in NULLABLE_INT_COLUMNS:
        return pd.Series(values, dtype="Int64")
    if name in FLOAT_COLUMNS:
        return pd.Series([math.nan if v is None else v for v in values], dtype="float64")
    if name in BOOL_COLUMNS:
        return pd.Series([bool(v) for v in values], dtype="bool")
    # Dates: date | None; text: str | None (as validate gives). Equal values share one object:
    # the driver makes a new str per cell, and sharing them made pickling the tables (Streamlit's
    # cache) 6x and grouping them (metrics) 2-3x faster on 120,000 rows, with less memory.
    memo: dict[Any, Any] = {}
    return pd.Series(list(map(memo.setdefault, values, values)), dtype="object")


def _frame(table: str, rows: list[Any], names: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Database rows (id first, then ``names``: by default CANONICAL order) as a canonical
    DataFrame with ``id``."""
    names = CANONICAL[table] if names is None else names
    return _frame_of_columns(table, list(zip(*rows, strict=True)) if rows else [() for _ in range(len(names) + 1)],
                             names)


def _frame_of_columns(table: str, columns: list[Any], names: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Like :func:`_frame`, from the columns (id first, then ``names``)."""
    import pandas as pd
    names = CANONICAL[table] if names is None else names
    data = {"id": pd.Series(list(columns[0]), dtype="int64")}
    for i, name in enumerate(names, start=1):
        # Values come typed from SQLAlchemy (str, int, float, bool, date or None).
        data[name] = _empty_series(name, list(columns[i]))
    return pd.DataFrame(data, columns=["id", *names])


def _wanted_columns(table: str, columns: Mapping[str, Iterable[str]] | None) -> tuple[str, ...]:
    """The canonical columns of ``table`` a load asks for, in canonical order (all by default,
    and for a table the mapping does not name)."""
    if columns is None or table not in columns:
        return CANONICAL[table]
    chosen = columns[table]
    if isinstance(chosen, str):
        chosen = (chosen,)
    wanted = {name for name in chosen if name != "id"}
    unknown = wanted.difference(CANONICAL[table])
    if unknown:
        raise ValueError(f"{table} has no column(s) {sorted(unknown)}; canonical: {list(CANONICAL[table])}")
    return tuple(name for name in CANONICAL[table] if name in wanted)


def _integrity_errors() -> tuple[type[BaseException], ...]:
    """Constraint violations, whether raised through SQLAlchemy or by a bulk path's driver."""
    errors: list[type[BaseException]] = [sa.exc.IntegrityError, sqlite3.IntegrityError]
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a requirement
        pass
    else:
        errors.append(psycopg.IntegrityError)
    return tuple(errors)


def _iso_column(values: list) -> list:
    """Dates (or None) as SQLAlchemy stores them on SQLite: ISO text, converted once per distinct date."""
    iso: dict[Any, Any] = {value: value.isoformat() for value in set(values) if value is not None}
    iso[None] = None
    return list(map(iso.__getitem__, values))


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _iso(value: dt.datetime) -> str:
    return _utc(value).isoformat(timespec="seconds")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --------------------------------------------------------------------------- outcome


@dataclass
class ImportOutcome:
    batch_id: int | None  # the new batch, None when nothing changed
    unchanged: bool  # every group of the import already had exactly this content
    groups_replaced: int = 0  # groups that had current rows which the import replaced
    groups_new: int = 0  # groups that had no current rows before
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))  # rows in the files

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "unchanged": self.unchanged,
            "groups_replaced": self.groups_replaced,
            "groups_new": self.groups_new,
            "rows": dict(self.rows),
        }


# --------------------------------------------------------------------------- store


# The database's own words for the usual reasons it cannot be used, in Danish: (a pattern of
# the driver's first line, lowercase; the reason; when to try again). SQLite, then PostgreSQL.
_REASONS = (
    ("file is not a database", "filen er ikke en SQLite-database", "den rigtige databasefil er på plads"),
    ("unable to open database file", "databasefilen kan ikke åbnes (findes den og dens mappe, og må der skrives "
     "i mappen?)", "filen kan åbnes igen"),
    ("database disk image is malformed", "databasefilen er beskadiget", "filen er genskabt fra en sikkerhedskopi"),
    ("database is locked", "databasen er optaget af en anden proces", "den anden proces er færdig"),
    ("attempt to write a readonly database", "databasen er skrivebeskyttet", "databasen må skrives igen"),
    ("database or disk is full", "disken er fuld", "der er frigjort plads på disken"),
    ("disk i/o error", "fejl ved læsning eller skrivning på disken", "disken virker igen"),
    ("read-only transaction", "databasen er skrivebeskyttet", "databasen må skrives igen"),
    ("no space left on device", "disken er fuld", "der er frigjort plads på databaseserverens disk"),
    ("password authentication failed", "databaseserveren afviste brugernavnet eller adgangskoden",
     "brugeren i AMO_DATABASE_URL er rettet"),
    ("no password supplied", "databaseserveren kræver en adgangskode", "adgangskoden står i AMO_DATABASE_URL"),
    ('(database|role) ".*" does not exist', "databasen eller brugeren findes ikke på databaseserveren",
     "den er oprettet"),
    ("permission denied", "databasebrugeren har ikke adgang til tabellerne", "brugeren har fået adgang"),
    ("connection refused", "databaseserveren svarer ikke (kører PostgreSQL?)", "databaseserveren kører igen"),
    ("could not connect", "databaseserveren svarer ikke (kører PostgreSQL?)", "databaseserveren kører igen"),
    ("connection failed", "databaseserveren svarer ikke (kører PostgreSQL?)", "databaseserveren kører igen"),
    ("server closed the connection", "forbindelsen til databaseserveren blev afbrudt",
     "databaseserveren kører igen"),
    ("terminating connection", "databaseserveren blev stoppet", "databaseserveren kører igen"),
    ("the database system is", "databaseserveren er ved at starte eller stoppe", "databaseserveren kører igen"),
    ("connection is closed", "forbindelsen til databaseserveren blev afbrudt", "databaseserveren kører igen"),
    ("consuming input failed", "forbindelsen til databaseserveren blev afbrudt", "databaseserveren kører igen"),
)


def _driver_line(exc: BaseException) -> str:
    """The database driver's first line (without SQLAlchemy's SQL text, parameters and links)."""
    orig = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(orig).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(orig).__name__


def _reason(exc: BaseException) -> tuple[str, str]:
    """(Danish reason, when to try again) for a database error; the driver's own line when
    its words are not known."""
    first = _driver_line(exc)
    return next(((reason, when) for pattern, reason, when in _REASONS if re.search(pattern, first.lower())),
                (first, "fejlen er rettet"))


def database_reason(exc: BaseException) -> str:
    """One line saying why the database refused: Danish for the usual reasons (SQLite and
    PostgreSQL), else the driver's own first line."""
    return _reason(exc)[0]


def _driver_errors(*names: str) -> tuple[type[BaseException], ...]:
    """The DB-API error classes ``names`` of sqlite3 and psycopg (raised by the raw cursor paths)."""
    found = [getattr(sqlite3, name) for name in names]
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a requirement
        return tuple(found)
    return (*found, *(getattr(psycopg, name) for name in names))


# What makes the store unusable for a while (read-only, full, locked, gone, server down, access
# refused): its reads and writes raise StoreUnavailable for these. Not: constraint violations,
# which the import reports itself, and the program's own mistakes (bad SQL, bad values).
_UNAVAILABLE_CLASSES = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.InternalError,
                        *_driver_errors("OperationalError", "InterfaceError", "InternalError"))
_UNAVAILABLE_SQLSTATES = frozenset({"25006", "42501", "3D000"})  # read-only, no privilege, no database


def _is_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, _UNAVAILABLE_CLASSES):
        return True
    orig = getattr(exc, "orig", None) or exc
    if type(orig) in (sa.exc.DatabaseError, sqlite3.DatabaseError):  # not a database file, damaged
        return True
    return getattr(orig, "sqlstate", None) in _UNAVAILABLE_SQLSTATES


def unavailable(exc: BaseException, writing: bool) -> StoreUnavailable:
    """The Danish StoreUnavailable for a database error met while reading or writing."""
    return _unavailable(*_reason(exc), writing=writing)


def _unavailable(reason: str, when: str, writing: bool) -> StoreUnavailable:
    if writing:
        return StoreUnavailable(f"Databasen kan ikke skrives lige nu: {reason}. Intet er ændret, og intet er gået "
                                f"tabt. Prøv igen, når {when}.")
    return StoreUnavailable(f"Databasen kan ikke læses lige nu: {reason}. Intet er gået tabt. Prøv igen, når "
                            f"{when}.")


class Store:
    """Versioned storage of the canonical tables; see the module docstring for the rules."""

    def __init__(self, url: str | None = None):
        self.url = resolve_url(url)
        try:
            parsed = sa.engine.make_url(self.url)
        except sa.exc.ArgumentError as exc:
            raise AmoError(f'Databaseadressen "{self.url}" er ikke en gyldig SQLAlchemy-URL.') from exc
        self._shown_url = parsed.render_as_string(hide_password=True)
        self.backend = parsed.get_backend_name()
        self.is_sqlite = self.backend == "sqlite"
        self.is_postgresql = self.backend == "postgresql"
        try:
            self.engine = self._create_engine(parsed)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
            raise AmoError(f'Databaseadressen "{self._shown_url}" kan ikke bruges: {exc}') from exc
        except (OSError, sqlite3.Error) as exc:  # a new SQLite file's folder or file cannot be made
            reason = getattr(exc, "strerror", None) or database_reason(exc)
            raise StoreUnavailable(f'Kan ikke oprette databasen "{self._shown_url}": {reason}. Intet er ændret. '
                                   "Prøv igen, når der må skrives i mappen.") from exc
        try:
            self._ensure_schema()
        except StoreUnavailable as exc:  # not a database, no access, locked, damaged, down
            self.engine.dispose()
            reason, when = _reason(exc.__cause__ or exc)
            raise StoreUnavailable(f'Kan ikke åbne databasen "{self._shown_url}": {reason}. Intet er ændret. '
                                   f"Prøv igen, når {when}.") from exc.__cause__
        except sa.exc.DBAPIError as exc:
            self.engine.dispose()
            raise AmoError(f'Kan ikke åbne databasen "{self._shown_url}": {database_reason(exc)}') from exc

    # ----------------------------------------------------------------- engine

    def _create_engine(self, parsed: sa.URL) -> Engine:
        if not self.is_sqlite:
            # pool_pre_ping: a pooled connection a restarted server dropped is replaced on checkout.
            return sa.create_engine(parsed, pool_pre_ping=True)
        database = parsed.database or ""
        memory = database in ("", ":memory:") or database.startswith("file::memory:")
        kwargs: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
        path: Path | None = None  # the file, for the checks of whether it may be written
        if memory:
            kwargs["poolclass"] = sa.pool.StaticPool
            kwargs["connect_args"]["check_same_thread"] = False
        else:
            path = Path(database).expanduser().resolve() if not database.startswith("file:") else None
            if path is not None and "uri" not in parsed.query:
                # Created here, once; later connections open it read-write (mode=rw) and never
                # create a new, empty store in its place when the file is gone.
                path.parent.mkdir(parents=True, exist_ok=True)
                if not path.exists():
                    sqlite3.connect(path).close()
                parsed = parsed.set(database=path.as_uri()).update_query_dict({"mode": "rw", "uri": "true"})
        engine = sa.create_engine(parsed, **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, record):
            # Let SQLAlchemy's "begin" event below emit BEGIN (pysqlite's own is disabled).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            # A new store's page size (an existing one keeps its own: then this does nothing).
            cursor.execute(f"PRAGMA page_size = {SQLITE_PAGE_SIZE}")
            if not memory:
                _enable_wal(cursor)
                cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()
            record.info["writable"] = path is None or os.access(path, os.W_OK)

        if path is not None:
            @event.listens_for(engine, "checkout")
            def _on_checkout(_dbapi_connection, record, _proxy):
                # SQLite opens a file it may not write read-only without a word, and such a
                # connection stays read-only: once the file may be written again, a new one.
                if not record.info.get("writable", True) and os.access(path, os.W_OK):
                    raise sa.exc.DisconnectionError("the database file may be written again")

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("amo_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self._shown_url!r})"

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction holding the store's write lock (see "Concurrency").

        When the database cannot be written (see :func:`unavailable`), raises StoreUnavailable
        after the transaction is rolled back (see :meth:`_forget_connections`).
        """
        try:
            conn, transaction = self._write_transaction()
            with conn, transaction:
                yield conn
        except Exception as exc:
            if not _is_unavailable(exc):
                raise
            self._forget_connections()
            raise unavailable(exc, writing=True) from exc

    def _write_transaction(self) -> tuple[Connection, sa.Transaction]:
        """A connection in a write transaction with the write lock. PostgreSQL: a pooled
        connection opened while the database was read-only (``default_transaction_read_only``)
        stays so; one that is is replaced once by a new one."""
        for _attempt in range(2):
            conn = self.engine.connect()
            try:
                conn.execution_options(amo_write=True)
                transaction = conn.begin()
                if not self.is_postgresql or conn.execute(_PG_WRITE_LOCK, {"key": AMO_LOCK_KEY}).scalar() != "on":
                    return conn, transaction
                conn.invalidate()
            except BaseException:
                conn.close()
                raise
            conn.close()
        raise _unavailable("databasen er skrivebeskyttet", "databasen må skrives igen", writing=True)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """One read transaction; StoreUnavailable when the database cannot be read."""
        try:
            with self.engine.connect() as conn:
                if self.is_postgresql:
                    conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    yield conn
        except Exception as exc:
            if not _is_unavailable(exc):
                raise
            self._forget_connections()
            raise unavailable(exc, writing=False) from exc

    def _forget_connections(self) -> None:
        """After the database failed: PostgreSQL's pooled connections are dropped (the next
        action connects anew). SQLite's are kept: closing the last one deletes the WAL index,
        which a full disk or a folder that may not be written cannot make again, and a
        connection opened read-only is replaced on checkout (see ``_create_engine``)."""
        if not self.is_sqlite:
            self.engine.dispose()

    # ----------------------------------------------------------------- schema

    def schema_version(self) -> int:
        with self._read() as conn:
            return self._meta(conn, "schema_version")

    def _ensure_schema(self) -> None:
        with self._read() as conn:
            if sa.inspect(conn).has_table("meta") and self._meta(conn, "schema_version") == SCHEMA_VERSION:
                return
        with self._write() as conn:
            if not sa.inspect(conn).has_table("meta"):
                metadata.create_all(conn)
                conn.execute(meta.insert(), [
                    {"key": "schema_version", "value": SCHEMA_VERSION},
                    {"key": "data_version", "value": 0},
                ])
                return
            self._migrate(conn, self._meta(conn, "schema_version"))

    def _migrate(self, conn: Connection, found: int) -> None:
        if found > SCHEMA_VERSION:
            raise AmoError(
                f"Databasen har skemaversion {found}, men dette program kender kun op til "
                f"version {SCHEMA_VERSION}. Opdatér programmet."
            )
        for target in range(found + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[target](conn)
            conn.execute(meta.update().where(meta.c.key == "schema_version").values(value=target))

    def run_migrations(self, from_version: int) -> int:
        """Run the migrations after ``from_version`` again (they are idempotent); the new version."""
        with self._write() as conn:
            self._migrate(conn, from_version)
            return self._meta(conn, "schema_version")

    @staticmethod
    def _meta(conn: Connection, key: str) -> int:
        value = conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar()
        return int(value or 0)

    @staticmethod
    def _bump(conn: Connection) -> None:
        conn.execute(meta.update().where(meta.c.key == "data_version").values(value=meta.c.value + 1))

    @staticmethod
    def _audit(conn: Connection, user: str, action: str, details: dict[str, Any]) -> None:
        conn.execute(audit.insert().values(at=_now(), user_name=user or "", action=action, details=details))

    # ----------------------------------------------------------------- import

    def import_results(self, results: list[FileResult], user: str) -> ImportOutcome:
        """Store the canonical tables of checked files: one transaction, all or nothing."""
        if not results:
            raise AmoError("Der er ingen filer at indlæse.", 2)
        bad = [r.file for r in results if not r.ok or r.unreadable]
        if bad:
            names = ", ".join(f'"{name}"' for name in bad)
            raise AmoError(f"Der er fejl i {names}. Intet er gemt; ret fejlene og prøv igen.", 1)

        # The very same file given twice in one call (same SHA-256) counts once.
        seen: set[str] = set()
        results = [r for r in results if not r.sha256 or not (r.sha256 in seen or seen.add(r.sha256))]
        rows_in_files = {t: sum(r.rows[t] for r in results) for t in TABLES}
        files = [r.file for r in results]
        hashes = [r.sha256 for r in results]
        converted = [{t: _result_columns(r, t) for t in TABLES} for r in results]

        try:
            with self._write() as conn:
                return self._import_locked(conn, converted, files, hashes, rows_in_files, user)
        except _integrity_errors() as exc:
            reason = database_reason(exc)
            raise AmoError(f"Databasen afviste rækkerne, og intet er gemt: {reason}", 3) from exc

    def _import_locked(self, conn: Connection, converted: list[dict[str, list[list]]], files: list[str],
                       hashes: list[str], rows_in_files: dict[str, int], user: str) -> ImportOutcome:
        current = {
            (row.table_name, row.dept_key, row.year): row
            for row in conn.execute(
                sa.select(versions.c.id, versions.c.table_name, versions.c.dept_key, versions.c.department,
                          versions.c.year, versions.c.batch_id, versions.c.row_count)
                .where(versions.c.state == CURRENT)
            )
        }
        spelling = {key: row.department for (_t, key, _y), row in current.items()}
        version_keys = {row.id: gkey for gkey, row in current.items()}

        # Groups (table, key, year) -> [department, row count], in the order they are first met
        # (files in order, tables in TABLES order, rows in order); rows of one group from two
        # files are concatenated. Everything is done on whole columns: a department spelling is
        # resolved once per distinct value, and the rows of a table are put in group order by
        # one stable sort (none when the file already lists them group by group).
        groups: dict[tuple[str, str, Any], list] = {}
        name_of: dict[object, str | None] = {}  # raw department -> stored spelling
        key_of: dict[object, str] = {}  # raw department -> department key
        table_columns: dict[str, list[list]] = {t: [[] for _ in CANONICAL[t]] for t in TABLES}
        table_groups: dict[str, list[tuple[str, Any]]] = {t: [] for t in TABLES}  # (key, year) per row
        for per_file in converted:
            for table in TABLES:
                columns = per_file[table]
                raw_names = columns[0]  # "department" is the first canonical column of every table
                if not raw_names:
                    continue
                for raw in dict.fromkeys(raw_names):
                    if raw not in key_of:
                        name = clean(raw) or None
                        key = department_key(name) if name else ""
                        name_of[raw] = spelling.setdefault(key, name) if name else None
                        key_of[raw] = key
                names = list(map(name_of.__getitem__, raw_names))
                row_groups = list(zip(map(key_of.__getitem__, raw_names),
                                      columns[CANONICAL[table].index("year")], strict=True))
                for key, year in dict.fromkeys(row_groups):
                    # Every raw spelling of a key resolved to spelling[key] (set once).
                    groups.setdefault((table, key, year), [spelling[key] if key else None, 0])
                target = table_columns[table]
                target[0].extend(names)
                for column, values in zip(target[1:], columns[1:], strict=True):
                    column.extend(values)
                table_groups[table].extend(row_groups)

        # Per table: rows in group order, each group's slice, and which groups are unchanged.
        slices: dict[tuple[str, str, Any], tuple[int, int]] = {}
        unchanged: set[tuple[str, str, Any]] = set()
        for table in TABLES:
            row_groups = table_groups[table]
            if not row_groups:
                continue
            position = {(key, year): i for i, (t, key, year) in enumerate(groups) if t == table}
            order_keys = list(map(position.__getitem__, row_groups))
            if any(map(operator.gt, order_keys, order_keys[1:])):
                order = sorted(range(len(order_keys)), key=order_keys.__getitem__)  # stable
                table_columns[table] = [list(map(column.__getitem__, order)) for column in table_columns[table]]
            counts = Counter(order_keys)  # by position: an int hashes in no time, a pair does not
            start = 0
            for (key, year), at in position.items():
                gkey = (table, key, year)
                count = counts[at]
                groups[gkey][1] = count
                slices[gkey] = (start, start + count)
                start += count
            candidates = {}  # stored version id -> the group's slice of the new rows
            for (key, year) in position:
                gkey = (table, key, year)
                previous = current.get(gkey)
                if previous is not None and previous.row_count == groups[gkey][1]:
                    candidates[previous.id] = slices[gkey]
            if candidates:
                same = self._unchanged_versions(conn, table, table_columns[table], candidates)
                unchanged.update(version_keys[v] for v in same)

        changed = [(gkey, name, count, current.get(gkey))
                   for gkey, (name, count) in groups.items() if gkey not in unchanged]

        if not changed:
            self._audit(conn, user, "import_unchanged", {"files": files, "sha256": hashes, "rows": rows_in_files})
            self._bump(conn)
            return ImportOutcome(None, True, 0, 0, rows_in_files)

        batch_id = conn.execute(batches.insert().values(
            created_at=_now(), user_name=user or "", files=files, sha256=hashes,
            rows=rows_in_files, state=CURRENT,
        )).inserted_primary_key[0]

        replaced = [prev.id for _g, _n, _c, prev in changed if prev is not None]
        for chunk in _chunks(replaced):
            conn.execute(versions.update().where(versions.c.id.in_(chunk))
                         .values(state=REPLACED, replaced_by=batch_id))

        # One multi-row INSERT … RETURNING for all new versions (ids in parameter order) instead
        # of one compiled statement per group (5,000 groups: 0.3 s of CPU saved).
        new_versions = [{"table_name": table, "dept_key": key, "department": name, "year": year,
                         "batch_id": batch_id, "previous_id": previous.id if previous is not None else None,
                         "state": CURRENT, "row_count": count, "newest_date": None, "undated": None,
                         "need_areas": None}
                        for (table, key, year), name, count, previous in changed]
        # Arbejdsark: the newest Dato and whether a row has none (see the versions table).
        ark_columns = dict(zip(CANONICAL[ARBEJDSARK], table_columns[ARBEJDSARK], strict=True))
        dates, areas, categories = ark_columns["date"], ark_columns["area"], ark_columns["category"]
        for values, (gkey, _name, _count, _previous) in zip(new_versions, changed, strict=True):
            if gkey[0] == ARBEJDSARK:
                first, last = slices[gkey]
                group_dates = dates[first:last]
                values["newest_date"] = max(filter(None, group_dates), default=None)
                values["undated"] = None in group_dates
                # The needs per area, counted in C: the areas of the rows whose Kategori is a need.
                needs = Counter(itertools.compress(areas[first:last],
                                                   map(_IS_NEED, categories[first:last])))
                needs.pop(None, None)
                values["need_areas"] = dict(sorted(needs.items()))
        if self.is_sqlite:
            # SQLAlchemy cannot batch RETURNING in parameter order on SQLite (one statement per
            # group). Under the write lock the ids SQLite would give are known: an INTEGER
            # PRIMARY KEY without AUTOINCREMENT gets the largest id + 1, so give them explicitly.
            first_id = int(conn.execute(sa.select(sa.func.max(versions.c.id))).scalar() or 0) + 1
            version_ids = list(range(first_id, first_id + len(new_versions)))
            names = ("id", *new_versions[0])
            for values in new_versions:  # as SQLAlchemy stores a date and JSON on SQLite
                if values["newest_date"] is not None:
                    values["newest_date"] = values["newest_date"].isoformat()
                if values["need_areas"] is not None:
                    values["need_areas"] = json.dumps(values["need_areas"], ensure_ascii=False)
            cursor = conn.connection.driver_connection.cursor()
            try:
                cursor.executemany(
                    f"INSERT INTO group_versions ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                    [(version_id, *values.values()) for version_id, values in zip(version_ids, new_versions)],
                )
            finally:
                cursor.close()
        elif self.is_postgresql:
            # The ids the column default would give, in order (no other writer: we hold the
            # write lock), then one COPY: a multi-row INSERT … RETURNING of thousands of groups
            # costs psycopg more CPU to parse than the COPY of every row.
            version_ids = sorted(conn.exec_driver_sql(
                "SELECT nextval(pg_get_serial_sequence('group_versions', 'id')) FROM generate_series(1, %(n)s)",
                {"n": len(new_versions)}).scalars())
            names = ("id", *new_versions[0])
            for values in new_versions:  # json as text, as COPY reads it
                if values["need_areas"] is not None:
                    values["need_areas"] = json.dumps(values["need_areas"], ensure_ascii=False)
            driver = conn.connection.driver_connection
            with driver.cursor() as cursor, cursor.copy(
                    f"COPY group_versions ({', '.join(names)}) FROM STDIN") as copy:
                for version_id, values in zip(version_ids, new_versions, strict=True):
                    copy.write_row((version_id, *values.values()))
        else:
            version_ids = conn.execute(
                versions.insert().returning(versions.c.id, sort_by_parameter_order=True), new_versions,
            ).scalars().all()
        # Each table's rows in version order (= group order): version_id column first.
        picked: dict[str, list[tuple[int, int, int]]] = {t: [] for t in TABLES}
        for version_id, (gkey, _name, _count, _previous) in zip(version_ids, changed, strict=True):
            picked[gkey[0]].append((version_id, *slices[gkey]))
        for table, parts in picked.items():
            if not parts:
                continue
            columns = table_columns[table]
            ids: list[int] = []
            for version_id, first, last in parts:
                ids.extend([version_id] * (last - first))
            if len(ids) != len(columns[0]):  # some groups unchanged: only the changed slices
                columns = [[value for _v, first, last in parts for value in column[first:last]]
                           for column in columns]
            self._bulk_insert(conn, table, [ids, *columns])

        self._refresh_batch_states(conn, {prev.batch_id for _g, _n, _c, prev in changed if prev is not None})
        outcome = ImportOutcome(batch_id, False, len(replaced), len(changed) - len(replaced), rows_in_files)
        self._audit(conn, user, "import", {"batch_id": batch_id, "files": files, "sha256": hashes,
                                           "rows": rows_in_files, "groups_replaced": outcome.groups_replaced,
                                           "groups_new": outcome.groups_new})
        self._bump(conn)
        return outcome

    def _bulk_insert(self, conn: Connection, table: str, columns: list[list]) -> None:
        """Insert rows given as columns ``[version_id, *canonical columns]`` (equal lengths):
        COPY on PostgreSQL, executemany elsewhere."""
        if not columns[0]:
            return
        names = ("version_id", *CANONICAL[table])
        quoted = ", ".join(f'"{name}"' for name in names)
        driver = conn.connection.driver_connection  # the DBAPI connection: same transaction
        if self.is_postgresql:
            with driver.cursor() as cursor, cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for record in zip(*columns, strict=True):
                    copy.write_row(record)
        elif self.is_sqlite:
            # As SQLAlchemy stores them on SQLite: dates as ISO text, booleans as 0/1 (sqlite3
            # binds a bool as the integer it is). Dates are converted once per distinct date.
            columns = [_iso_column(values) if name in DATE_COLUMNS else values
                       for name, values in zip(names, columns, strict=True)]
            # Many rows per statement (a quarter less CPU than one statement per row); the
            # rows keep their order, so their ids are the same.
            width = len(names)
            per = max(1, SQLITE_MAX_PARAMETERS // width)
            one = f"({', '.join('?' * width)})"
            total = len(columns[0])
            full = total // per * per
            cursor = driver.cursor()
            try:
                if full:
                    values = [None] * (full * width)  # row by row, laid out column by column in C
                    for j, column in enumerate(columns):
                        values[j::width] = column if len(column) == full else column[:full]
                    step = per * width
                    cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES {", ".join([one] * per)}',
                                       (values[i:i + step] for i in range(0, len(values), step)))
                if full < total:
                    cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES {one}',
                                       zip(*(c[full:] for c in columns), strict=True))
            finally:
                cursor.close()
        else:
            records = list(zip(*columns, strict=True))
            for chunk in _chunks(records):
                conn.execute(DATA[table].insert(), [dict(zip(names, record, strict=True)) for record in chunk])

    def _unchanged_versions(self, conn: Connection, table: str, columns: list[list],
                            candidates: dict[int, tuple[int, int]]) -> set[int]:
        """The stored versions whose rows equal their slice ``(first, last)`` of the new rows
        ``columns`` as a multiset (row order does not matter).

        Values compare as :meth:`current` would give them: on SQLite in stored form (the new
        dates as the ISO text the store writes; a stored boolean 0/1 equals False/True).
        """
        data = DATA[table]
        names = CANONICAL[table]
        if self.is_sqlite:
            columns = [_iso_column(values) if name in DATE_COLUMNS else values
                       for name, values in zip(names, columns, strict=True)]
        same: set[int] = set()
        for chunk in _chunks(sorted(candidates)):
            query = (sa.select(data.c.version_id, *(data.c[name] for name in names))
                     .where(data.c.version_id.in_(chunk)).order_by(data.c.version_id, data.c.id))
            if self.is_sqlite:
                rows = self._fetch_raw(conn, query)
            else:
                rows = [tuple(row) for row in conn.execute(query)]
            stored_ids = list(map(operator.itemgetter(0), rows))
            for version_id in chunk:
                start = bisect.bisect_left(stored_ids, version_id)
                stored = rows[start:bisect.bisect_right(stored_ids, version_id, start)]
                first, last = candidates[version_id]
                new = list(zip(itertools.repeat(version_id, last - first),
                               *(values[first:last] for values in columns)))
                if stored == new or (len(stored) == len(new) and Counter(stored) == Counter(new)):
                    same.add(version_id)
        return same

    @staticmethod
    def _refresh_batch_states(conn: Connection, batch_ids: Iterable[int]) -> None:
        """Batches that are not undone: current while any of their versions is current."""
        ids = sorted(set(batch_ids))
        for chunk in _chunks(ids):
            has_current = (
                sa.select(versions.c.id)
                .where(versions.c.batch_id == batches.c.id, versions.c.state == CURRENT)
                .exists()
            )
            conn.execute(batches.update().where(batches.c.id.in_(chunk), batches.c.state != UNDONE)
                         .values(state=sa.case((has_current, CURRENT), else_=REPLACED)))

    # ----------------------------------------------------------------- undo

    def undo(self, batch_id: int, user: str = "") -> dict[str, Any]:
        """Undo one import (see the module docstring); returns what happened."""
        try:
            batch_id = int(batch_id)
        except (TypeError, ValueError):
            raise AmoError(f'"{batch_id}" er ikke et importnummer.', 2) from None
        with self._write() as conn:
            batch = conn.execute(sa.select(batches).where(batches.c.id == batch_id)).first()
            if batch is None:
                raise AmoError(f"Import nr. {batch_id} findes ikke.", 2)
            if batch.state == UNDONE:
                raise AmoError(f"Import nr. {batch_id} er allerede fortrudt.", 2)
            own = conn.execute(sa.select(versions).where(versions.c.batch_id == batch.id)
                               .order_by(versions.c.id)).all()
            restored = removed = kept = 0
            touched: set[int] = set()
            for version in own:
                if version.state == CURRENT:
                    conn.execute(versions.update().where(versions.c.id == version.id).values(state=UNDONE))
                    if version.previous_id is not None:
                        conn.execute(versions.update().where(versions.c.id == version.previous_id)
                                     .values(state=CURRENT, replaced_by=None))
                        touched.add(conn.execute(sa.select(versions.c.batch_id)
                                                 .where(versions.c.id == version.previous_id)).scalar_one())
                        restored += 1
                    else:
                        removed += 1
                elif version.state == REPLACED:
                    # A later batch wrote over this group: it stays current. Cut this version
                    # out of the chain so undoing the later batch restores our predecessor.
                    # The version that replaced this one. Not an undone one: when the group's
                    # replacement was undone and the group replaced again, two versions name
                    # this one as previous, and only the live one is in the chain.
                    successor = conn.execute(
                        sa.select(versions.c.id, versions.c.batch_id)
                        .where(versions.c.previous_id == version.id, versions.c.state != UNDONE)
                        .order_by(versions.c.id)
                    ).first()
                    if successor is not None:
                        conn.execute(versions.update().where(versions.c.id == successor.id)
                                     .values(previous_id=version.previous_id))
                        if version.previous_id is not None:
                            conn.execute(versions.update().where(versions.c.id == version.previous_id)
                                         .values(replaced_by=successor.batch_id))
                    conn.execute(versions.update().where(versions.c.id == version.id).values(state=UNDONE))
                    kept += 1
            conn.execute(batches.update().where(batches.c.id == batch.id).values(state=UNDONE))
            self._refresh_batch_states(conn, touched)
            result = {
                "batch_id": batch.id,
                "state": UNDONE,
                "groups_restored": restored,
                "groups_removed": removed,
                "groups_kept": kept,
                "message": _undo_message(batch.id, restored, removed, kept),
            }
            self._audit(conn, user, "undo", {k: v for k, v in result.items() if k != "message"})
            self._bump(conn)
            return result

    # ----------------------------------------------------------------- status edits

    def set_action_status(self, action_id: int, status: str, user: str, expected: str | None = None) -> None:
        """Change one current Handleplan action's status in place (audited).

        ``expected``: the status the person saw. The change is then refused (AmoError, Danish)
        when the action is no longer current (an import replaced it, or its import was undone)
        or when its status is no longer ``expected`` (someone else changed it meanwhile; the
        message says who and to what). Setting the status it already has changes nothing.
        """
        canonical = status if status in vocab.STATUS.values else vocab.STATUS.match(status)
        if canonical is None:
            raise AmoError(f'"{status}" er ikke en gyldig status. Vælg en af: {vocab.STATUS.listing()}.', 2)
        try:
            action_id = int(action_id)
        except (TypeError, ValueError):
            raise AmoError(f'"{action_id}" er ikke et handlingsnummer.', 2) from None
        plan = DATA[HANDLEPLAN]
        with self._write() as conn:
            row = conn.execute(
                sa.select(plan.c.id, plan.c.status, plan.c.department, plan.c.year, plan.c.what, versions.c.state)
                .join(versions, versions.c.id == plan.c.version_id)
                .where(plan.c.id == action_id)
            ).first()
            if row is None or (row.state != CURRENT and expected is None):
                raise AmoError(f"Handling nr. {action_id} findes ikke i de gældende data.", 2)
            if row.state != CURRENT:
                raise AmoError(f"Status for »{row.what}« ({row.department}, {row.year}) er ikke ændret: handlingen "
                               "er i mellemtiden erstattet af en nyere import, eller dens import er fortrudt. "
                               "Intet er ændret.", 2)
            if row.status == canonical:
                return
            if expected is not None and row.status != expected:
                raise AmoError(f"Status for »{row.what}« ({row.department}, {row.year}) er ikke ændret til "
                               f"»{canonical}«: {self._changed_by(conn, row.id, row.status)}, efter at du så "
                               "den. Vælg igen, hvis den stadig skal ændres.", 2)
            conn.execute(plan.update().where(plan.c.id == row.id).values(status=canonical))
            self._audit(conn, user, "status", {
                "action_id": row.id, "department": row.department, "year": row.year, "what": row.what,
                "old": row.status, "new": canonical,
            })
            self._bump(conn)

    @staticmethod
    def _changed_by(conn: Connection, action_id: int, status: str) -> str:
        """Who changed an action's status to ``status`` and when, from its newest status audit
        line: "kollega ændrede den til »I gang« den 26-11-2026 kl. 14:03"."""
        last = conn.execute(
            sa.select(audit.c.user_name, audit.c.at)
            .where(audit.c.action == "status", audit.c.details["action_id"].as_integer() == action_id)
            .order_by(audit.c.id.desc()).limit(1)
        ).first()
        if last is None:
            return f"den er i mellemtiden ændret til »{status}«"
        return f"{last.user_name or 'en anden'} ændrede den til »{status}« {_utc(last.at).astimezone():den %d-%m-%Y kl. %H:%M}"

    def record(self, action: str, user: str, details: dict[str, Any]) -> None:
        """Write one audit line that changes no data (a failed sign-in, a pause of sign-ins);
        it bumps the data version, so the Revisionslog shows it at once."""
        with self._write() as conn:
            self._audit(conn, user, action, details)
            self._bump(conn)

    # ----------------------------------------------------------------- reading

    def current(self, year: int | None = None, department: str | None = None,
                columns: Mapping[str, Iterable[str]] | None = None) -> dict[str, pd.DataFrame]:
        """The current canonical tables, ``id`` first; filters run in SQL.

        Dtypes as validation produces them: year int64, rating Int64, hours float64, urgent bool,
        text and date columns object (``str`` / ``datetime.date`` or None). ``id`` (int64) is the
        row's stable id, e.g. for :meth:`set_action_status`; rows are in import order.

        ``year`` is the group year (År; for uddannelse the year of Hvornår); ``department``
        matches case-insensitively. ``columns`` narrows the load, see :meth:`current_tables`.
        """
        return self.current_tables(TABLES, year=year, department=department, columns=columns)

    def current_tables(self, names: Iterable[str], year: int | None = None, department: str | None = None,
                       columns: Mapping[str, Iterable[str]] | None = None,
                       area: str | None = None) -> dict[str, pd.DataFrame]:
        """:meth:`current` of only the tables ``names`` (a page that shows one table loads one).

        ``columns`` (table -> canonical column names) loads only those columns of a table: its
        frame has ``id`` plus them, in canonical order, with the same values and dtypes as the
        full load. A table the mapping does not name gets every column; an unknown column name
        raises ``ValueError``. Leaving out the long text columns (Beskrivelse, Hvad, Hvorfor, …)
        is what makes large loads cheap.

        ``area`` keeps only the rows whose Område is exactly ``area`` (what the points of one
        area show); only for tables with an Område column (``ValueError`` for Uddannelse).
        """
        out: dict[str, pd.DataFrame] = {}
        wanted_tables = set(names)
        if area is not None and any("area" not in CANONICAL[t] for t in wanted_tables if t in CANONICAL):
            raise ValueError("area= filters tables with an Område column (arbejdsark, handleplan) only")
        with self._read() as conn:
            for table in (t for t in TABLES if t in wanted_tables):
                data = DATA[table]
                chosen = _wanted_columns(table, columns)
                query = (
                    sa.select(data.c.id, *(data.c[name] for name in chosen))
                    .join(versions, versions.c.id == data.c.version_id)
                    .where(versions.c.state == CURRENT, versions.c.table_name == table)
                )
                if year is not None:
                    query = query.where(versions.c.year == int(year))
                if department is not None:
                    query = query.where(versions.c.dept_key == department_key(department))
                if area is not None:
                    query = query.where(data.c.area == area)
                if self.is_sqlite:
                    # No ORDER BY: SQLite would sort every row (with its long texts) in a
                    # temporary B-tree. Its plan gives the rows by version and id, which is id
                    # order (a version's rows are written together, after every older row); if
                    # another plan does not, they are put in id order here.
                    loaded = self._raw_columns(conn, chosen, query)
                    ids = loaded[0]
                    if not all(map(operator.lt, ids, itertools.islice(ids, 1, None))):
                        order = sorted(range(len(ids)), key=ids.__getitem__)
                        loaded = [[values[i] for i in order] for values in loaded]
                    out[table] = _frame_of_columns(table, loaded, chosen)
                else:
                    out[table] = _frame(table, self._fetch_raw(conn, query.order_by(data.c.id)), chosen)
        return out

    @staticmethod
    def _fetch_raw(conn: Connection, query: sa.Select) -> list[tuple]:
        """The rows of ``query`` as plain tuples straight from the driver, without SQLAlchemy's
        Row objects and result processing. SQLite: stored form (dates as ISO text, booleans
        0/1). PostgreSQL (psycopg): typed as SQLAlchemy gives them (these column types need
        no processing there)."""
        compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
        if compiled.positiontup is not None:
            params: Any = tuple(compiled.params[name] for name in compiled.positiontup)
        else:
            params = compiled.params
        cursor = conn.connection.driver_connection.cursor()  # same connection and transaction
        try:
            cursor.execute(str(compiled), params)
            return cursor.fetchall()
        finally:
            cursor.close()

    @staticmethod
    def _raw_columns(conn: Connection, chosen: tuple[str, ...], query: sa.Select) -> list[Any]:
        """SQLite: the columns (``id``, then ``chosen``) straight from the driver, dates parsed
        once per distinct value.

        SQLAlchemy's per-value result processing (a regex per date cell, a Row per row) cost a
        quarter of :meth:`current` on 120,000 rows; the values and dtypes are the same.
        """
        rows = Store._fetch_raw(conn, query)
        names = ("id", *chosen)
        if not rows:
            return [() for _ in names]
        columns = list(zip(*rows, strict=True))
        for i in (i for i, name in enumerate(names) if name in DATE_COLUMNS):
            parsed: dict[object, dt.date | None] = {None: None}
            columns[i] = [
                parsed[v] if v in parsed else parsed.setdefault(v, dt.date.fromisoformat(v[:10]))
                for v in columns[i]
            ]
        return columns

    def history(self) -> list[dict[str, Any]]:
        """The batches, newest first, as ``history --json`` shows them."""
        with self._read() as conn:
            rows = conn.execute(sa.select(batches).order_by(batches.c.id.desc())).all()
        return [
            {
                "id": row.id,
                "created_at": _iso(row.created_at),
                "user": row.user_name,
                "files": list(row.files),
                "sha256": list(row.sha256),
                "rows": {t: int(row.rows.get(t, 0)) for t in TABLES},
                "state": row.state,
            }
            for row in rows
        ]

    def audit_log(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Audit lines, newest first: ``{"id", "at", "user", "action", "details"}``."""
        query = sa.select(audit).order_by(audit.c.id.desc())
        if limit is not None:
            query = query.limit(int(limit))
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [{"id": r.id, "at": _iso(r.at), "user": r.user_name, "action": r.action, "details": r.details}
                for r in rows]

    def data_version(self) -> int:
        with self._read() as conn:
            return self._meta(conn, "data_version")

    def departments(self) -> list[str]:
        """Departments that have current data in any table, Danish alphabetical order."""
        with self._read() as conn:
            names = conn.execute(
                sa.select(versions.c.department).where(versions.c.state == CURRENT).distinct()
            ).scalars().all()
        return sorted_names(names)

    def years(self) -> list[int]:
        """Years that have current data in any table, ascending."""
        with self._read() as conn:
            years = conn.execute(
                sa.select(versions.c.year).where(versions.c.state == CURRENT).distinct()
            ).scalars().all()
        return sorted(int(y) for y in years)

    def outline(self) -> dict[str, pd.DataFrame]:
        """A few rows per group instead of every row: the distinct (department, year) of each
        table's current rows, and for Arbejdsark the newest Dato per department, year and
        whether Dato is given (``date`` None for the rows without it).

        Columns department (object), year (int64), and for Arbejdsark date (object,
        ``datetime.date`` or None). What the dashboard needs across all years: the year and
        department choices, and the departments without a yearly discussion —
        :func:`amo_data.metrics.departments_without_discussion`, :func:`~amo_data.metrics.departments`
        and the distinct years of it equal those of :meth:`current`.
        """
        import pandas as pd
        # Driven by the current groups (a few thousand). Arbejdsark reads each version's newest
        # Dato and undated flag recorded at import; only a version without them (None: written
        # by something else) is looked up in its rows, by the version_id index.
        out: dict[str, pd.DataFrame] = {}
        with self._read() as conn:
            for table in TABLES:
                data = DATA[table]
                if table == ARBEJDSARK:
                    newest, undated = _arbejdsark_summary()
                    missing = versions.c.undated.is_(None)
                    columns = (sa.case((missing, newest), else_=versions.c.newest_date),
                               sa.case((missing, undated), else_=versions.c.undated))
                else:
                    columns = (sa.exists().where(data.c.version_id == versions.c.id),)
                query = (sa.select(versions.c.department, versions.c.year, *columns)
                         .where(versions.c.state == CURRENT, versions.c.table_name == table))
                # SQLite: straight from the driver (dates as ISO text, which _to_date parses).
                found = self._fetch_raw(conn, query) if self.is_sqlite else conn.execute(query).all()
                if table == ARBEJDSARK:
                    # (department, year, undated, date), sorted: a dated row before the undated
                    # one of the same department and year (at most one of each).
                    rows = [(d, int(y), False, _to_date(newest)) for d, y, newest, _u in found if newest is not None]
                    rows += [(d, int(y), True, None) for d, y, _n, undated in found if undated]
                else:
                    rows = [(d, int(y)) for d, y, has_rows in found if has_rows]
                rows.sort()
                frame = {"department": pd.Series([r[0] for r in rows], dtype=object),
                         "year": pd.Series([r[1] for r in rows], dtype="int64")}
                if table == ARBEJDSARK:
                    frame["date"] = pd.Series([r[3] for r in rows], dtype=object)
                out[table] = pd.DataFrame(frame)
        return out

    def current_groups(self, tables: Iterable[str] | None = None) -> pd.DataFrame:
        """The distinct (department, year) of the current rows of every table (or of
        ``tables``): columns department (object; the stored spelling) and year (int64), sorted.
        The sidebar's year and department choices and whether anything is shown, without the
        outline's newest Dato per group: the same departments and years as :meth:`outline`
        (and :meth:`current`)."""
        import pandas as pd
        chosen = TABLES if tables is None else tuple(tables)
        unknown = [t for t in chosen if t not in DATA]
        if unknown or not chosen:
            raise ValueError(f"unknown tables {unknown}; use some of {list(TABLES)}")
        queries = [sa.select(versions.c.department, versions.c.year)
                   .where(versions.c.state == CURRENT, versions.c.table_name == table,
                          sa.exists().where(DATA[table].c.version_id == versions.c.id))
                   for table in chosen]
        with self._read() as conn:
            rows = self._fetch_raw(conn, sa.union(*queries) if len(queries) > 1 else queries[0])
        rows = sorted({(d, int(y)) for d, y in rows})
        return pd.DataFrame({"department": pd.Series([d for d, _y in rows], dtype=object),
                             "year": pd.Series([y for _d, y in rows], dtype="int64")})

    def has_current_rows(self) -> bool:
        """True when some table has a current row (a group emptied by an erasure has none):
        whether :meth:`current` returns anything, without loading it."""
        with self._read() as conn:
            for table in TABLES:
                data = DATA[table]
                query = (sa.select(data.c.id).join(versions, versions.c.id == data.c.version_id)
                         .where(versions.c.state == CURRENT, versions.c.table_name == table).limit(1))
                if conn.execute(query).first() is not None:
                    return True
        return False

    def needs_counts(self, departments: Iterable[str] | None = None) -> pd.DataFrame:
        """Current Arbejdsark needs (Kategori "Brug for at styrke", Område given) counted per
        year and area: ``year | area | count``, for all departments or the given ones
        (case-insensitive). Input for :func:`amo_data.metrics.needs_trend_of_counts`."""
        import pandas as pd
        # Each current version's needs per area as recorded at import (need_areas): a few
        # thousand small dicts instead of every Arbejdsark row of every year. A version without
        # them (written by something else) has its rows counted.
        query = (sa.select(versions.c.id, versions.c.year, versions.c.need_areas)
                 .where(versions.c.state == CURRENT, versions.c.table_name == ARBEJDSARK))
        query = _of_departments(query, departments)
        totals: Counter = Counter()
        with self._read() as conn:
            # Driver tuples: SQLite gives the JSON as text, psycopg as a dict already.
            groups = [(version_id, int(year), json.loads(needs) if isinstance(needs, str) else needs)
                      for version_id, year, needs in self._fetch_raw(conn, query)]
            year_of = {version_id: year for version_id, year, _needs in groups}
            for _version_id, year, needs in groups:
                for area, count in (needs or {}).items():
                    totals[(year, area)] += count
            unrecorded = [version_id for version_id, _year, needs in groups if needs is None]
            for chunk in _chunks(unrecorded):
                for version_id, area, count in conn.execute(_need_rows(chunk)):
                    totals[(year_of[version_id], area)] += int(count)
        rows = sorted((year, area, count) for (year, area), count in totals.items() if count)
        return pd.DataFrame({"year": pd.Series([r[0] for r in rows], dtype="int64"),
                             "area": pd.Series([r[1] for r in rows], dtype=object),
                             "count": pd.Series([r[2] for r in rows], dtype="int64")})

    def counts(self, table: str, by: Iterable[str], year: int | None = None,
               departments: Iterable[str] | None = None) -> pd.DataFrame:
        """The current rows of ``table`` counted per distinct combination of the canonical
        columns ``by`` (a GROUP BY in the database, instead of loading the rows).

        Columns ``by`` (in the order given; values and dtypes as :meth:`current` gives them) and
        ``count`` (int64, > 0); one row per combination present, a missing value (None) being a
        value of its own; rows in no particular order. ``year`` is the group year as in
        :meth:`current`; ``departments`` keeps the given departments (case-insensitive; None or
        no name keeps all). Equals :func:`amo_data.metrics.count_rows` of the same rows.
        """
        return self._counted(table, by, {}, year, departments)

    def category_counts(self, by: Iterable[str], year: int | None = None,
                        departments: Iterable[str] | None = None) -> pd.DataFrame:
        """:meth:`counts` of the current Arbejdsark rows with one column per Kategori instead of
        a row per Kategori: columns ``by``, ``vigtig_opgave``, ``lykkes``, ``brug_for_at_styrke``
        (the group's rows of that Kategori, possibly 0) and ``count`` (all its rows), int64.
        Equals :func:`amo_data.metrics.count_categories` of the same rows."""
        from .metrics import CATEGORY_COLUMNS

        category = DATA[ARBEJDSARK].c.category
        sums = {column: sa.func.sum(sa.case((category == value, 1), else_=0))
                for value, column in CATEGORY_COLUMNS.items()}
        return self._counted(ARBEJDSARK, by, sums, year, departments)

    def _counted(self, table: str, by: Iterable[str], sums: dict[str, Any], year: int | None,
                 departments: Iterable[str] | None) -> pd.DataFrame:
        """Rows of ``table`` grouped by ``by``: the ``sums`` (name -> SQL aggregate) and ``count``."""
        import pandas as pd
        if table not in DATA:
            raise ValueError(f"unknown table {table!r}; use one of {list(TABLES)}")
        names = tuple(dict.fromkeys([by] if isinstance(by, str) else by))
        unknown = [name for name in names if name not in CANONICAL[table]]
        if unknown or not names:
            raise ValueError(f"count {table} by canonical columns {list(CANONICAL[table])}, not {list(names)}")
        data = DATA[table]
        keys = [data.c[name] for name in names]
        query = (sa.select(*keys, *sums.values(), sa.func.count())
                 .select_from(data.join(versions, versions.c.id == data.c.version_id))
                 .where(versions.c.state == CURRENT, versions.c.table_name == table)
                 .group_by(*keys))
        if year is not None:
            query = query.where(versions.c.year == int(year))
        query = _of_departments(query, departments)
        with self._read() as conn:
            # SQLite: stored form (dates as ISO text, booleans 0/1), converted below.
            rows = self._fetch_raw(conn, query)
        width = len(names) + len(sums) + 1
        columns = [list(values) for values in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]
        frame: dict[str, pd.Series] = {}
        for name, values in zip(names, columns, strict=False):
            if name in DATE_COLUMNS:
                values = [_to_date(v) for v in values]
            frame[name] = _empty_series(name, values)
        for name, values in zip([*sums, "count"], columns[len(names):], strict=True):
            frame[name] = pd.Series([int(n) for n in values], dtype="int64")
        return pd.DataFrame(frame, columns=[*names, *sums, "count"])

    def is_empty(self) -> bool:
        """True when nothing was ever imported (no batch at all, not even an undone one).

        This is what ``seed-sample`` asks: a store whose imports were all undone is not empty,
        so sample data the user removed does not come back. See :meth:`has_current_data`.
        """
        with self._read() as conn:
            return conn.execute(sa.select(batches.c.id).limit(1)).first() is None

    def has_current_data(self) -> bool:
        """True when some group has current rows (what the dashboard shows)."""
        with self._read() as conn:
            return conn.execute(sa.select(versions.c.id).where(versions.c.state == CURRENT).limit(1)).first() is not None

    def sample_batches(self) -> list[int]:
        """Ids of the sample-data imports that are not undone, newest first."""
        with self._read() as conn:
            return list(conn.execute(
                sa.select(batches.c.id).where(batches.c.user_name == SAMPLE_USER, batches.c.state != "undone")
                .order_by(batches.c.id.desc())).scalars())

    def has_sample_data(self) -> bool:
        return bool(self.sample_batches())

    def remove_sample_data(self, user: str) -> int:
        """Undo every sample-data import (kept in the history and the audit); returns how many."""
        ids = self.sample_batches()
        for batch_id in ids:
            self.undo(batch_id, user=user)
        return len(ids)


    # ----------------------------------------------------------------- access and data protection
    # Added for sign-in and roles (amo_data.auth): which departments a batch or an action
    # belongs to, and the two erasures of issue 6 (a department; a person in Uddannelse).

    def batch_departments(self, batch_id: int) -> list[str]:
        """Departments the batch wrote (any state of its versions), Danish alphabetical order.

        Unknown batches, and batches whose data was erased with :meth:`delete_department`,
        give an empty list.
        """
        try:
            batch_id = int(batch_id)
        except (TypeError, ValueError):
            raise AmoError(f'"{batch_id}" er ikke et importnummer.', 2) from None
        with self._read() as conn:
            names = conn.execute(
                sa.select(versions.c.department).where(versions.c.batch_id == batch_id).distinct()
            ).scalars().all()
        return sorted_names(names)

    def action_department(self, action_id: int) -> str | None:
        """The department of one Handleplan row (any version), None when there is no such row."""
        try:
            action_id = int(action_id)
        except (TypeError, ValueError):
            return None
        plan = DATA[HANDLEPLAN]
        with self._read() as conn:
            return conn.execute(sa.select(plan.c.department).where(plan.c.id == action_id)).scalar()

    def delete_department(self, department: str, user: Any) -> dict[str, Any]:
        """Erase every row of ``department`` in every table and every version (not an undo).

        The department matches like imports do (trimmed, whitespace collapsed, case-insensitive).
        Its rows and its group versions are deleted, so no undo can bring them back; batches keep
        their history entry and their row counts (what the files held). One ``delete_department``
        audit line records who, the department and the counts. Unknown department -> AmoError.
        Returns ``{"department", "rows": {table: n}, "groups", "batches", "message"}``.
        """
        key = department_key(department)
        if not key:
            raise AmoError("Angiv den afdeling, hvis data skal slettes.", 2)
        with self._write() as conn:
            found = conn.execute(
                sa.select(versions.c.id, versions.c.table_name, versions.c.department, versions.c.batch_id,
                          versions.c.state)
                .where(versions.c.dept_key == key).order_by(versions.c.id)
            ).all()
            if not found:
                raise AmoError(f'Afdelingen "{clean(department)}" findes ikke i databasen.', 2)
            current_names = [v.department for v in found if v.state == CURRENT]
            name = current_names[0] if current_names else found[-1].department
            ids = [v.id for v in found]
            self._secure_delete(conn)
            rows = dict.fromkeys(TABLES, 0)
            for table in TABLES:
                data = DATA[table]
                for chunk in _chunks(ids):
                    rows[table] += conn.execute(data.delete().where(data.c.version_id.in_(chunk))).rowcount
            # previous_id only links versions of the same group, so whole chains go at once.
            for chunk in _chunks(ids):
                conn.execute(versions.delete().where(versions.c.id.in_(chunk)))
            batch_ids = sorted({v.batch_id for v in found})
            self._refresh_batch_states(conn, batch_ids)
            result = {
                "department": name,
                "rows": rows,
                "groups": len(ids),
                "batches": batch_ids,
            }
            self._audit(conn, _user_name(user), "delete_department", dict(result))
            self._bump(conn)
        self._checkpoint()
        total = sum(rows.values())
        result["message"] = (
            f'Alle data for afdelingen "{name}" er slettet: {total} {"række" if total == 1 else "rækker"} '
            f"i alle versioner. Sletningen er skrevet i loggen og kan ikke fortrydes."
        )
        return result

    def delete_person(self, name: str, user: Any, department: str | None = None) -> dict[str, Any]:
        """Erase the Uddannelse rows of one person (``Navn``, case-insensitive), in every version.

        ``department`` limits the erasure to one department. The audit line keeps the name or
        initials exactly as the administrator typed them (needed to show what was erased), the
        department filter and the counts, nothing else about the person. A version whose rows
        all belonged to the person stays as an empty version, so undo chains keep working.
        No matching row (or an unknown department) -> AmoError.
        Returns ``{"name", "department", "rows", "versions", "message"}``.
        """
        wanted = department_key(name)
        if not wanted:
            raise AmoError("Angiv navnet eller initialerne på den person, hvis data skal slettes.", 2)
        dept = department_key(department) if department is not None and clean(department) else None
        data = DATA[UDDANNELSE]
        with self._write() as conn:
            shown_department = None
            if dept is not None:
                shown_department = conn.execute(
                    sa.select(versions.c.department).where(versions.c.dept_key == dept)
                    .order_by(versions.c.id.desc()).limit(1)
                ).scalar()
                if shown_department is None:
                    raise AmoError(f'Afdelingen "{clean(department)}" findes ikke i databasen.', 2)
            query = (sa.select(data.c.id, data.c.version_id, data.c.name)
                     .join(versions, versions.c.id == data.c.version_id)
                     .where(data.c.name.is_not(None)))
            if dept is not None:
                query = query.where(versions.c.dept_key == dept)
            # Compared in Python: SQLite's lower() folds ASCII only (Æ, Ø, Å).
            hits = [row for row in conn.execute(query) if department_key(row.name) == wanted]
            if not hits:
                where = f' i afdelingen "{shown_department}"' if shown_department else ""
                raise AmoError(f'Der er ingen rækker i Uddannelse med navnet "{clean(name)}"{where}.', 2)
            per_version = Counter(row.version_id for row in hits)
            self._secure_delete(conn)
            for chunk in _chunks([row.id for row in hits]):
                conn.execute(data.delete().where(data.c.id.in_(chunk)))
            for version_id, count in per_version.items():
                conn.execute(versions.update().where(versions.c.id == version_id)
                             .values(row_count=versions.c.row_count - count))
            result = {
                "name": clean(name),
                "department": shown_department,
                "rows": len(hits),
                "versions": len(per_version),
            }
            self._audit(conn, _user_name(user), "delete_person", dict(result))
            self._bump(conn)
        self._checkpoint()
        n = len(hits)
        result["message"] = (
            f'{n} {"række" if n == 1 else "rækker"} i Uddannelse med navnet "{clean(name)}" er slettet '
            f"i alle versioner. Sletningen er skrevet i loggen og kan ikke fortrydes."
        )
        return result

    def known_departments(self) -> list[str]:
        """Every department with rows in any version (also replaced or undone), Danish order.

        What :meth:`delete_department` can erase; :meth:`departments` lists current data only.
        """
        # One row per spelling and state with its newest version (a few per department, not
        # one per version): the newest current spelling of a department, else its newest one.
        with self._read() as conn:
            rows = self._fetch_raw(conn, sa.select(
                versions.c.dept_key, versions.c.department, versions.c.state, sa.func.max(versions.c.id))
                .group_by(versions.c.dept_key, versions.c.department, versions.c.state))
        names: dict[str, tuple[bool, int, str]] = {}
        for key, name, state, newest in rows:
            rank = (state == CURRENT, int(newest), name)
            if key not in names or rank > names[key]:
                names[key] = rank
        return sorted_names(name for _current, _newest, name in names.values())

    def _secure_delete(self, conn: Connection) -> None:
        """SQLite: overwrite erased content with zeros instead of leaving it in free pages."""
        if self.is_sqlite:
            conn.exec_driver_sql("PRAGMA secure_delete = ON")

    def _checkpoint(self) -> None:
        """SQLite: copy the WAL into the database file and empty it now (best effort), so the
        erased rows do not linger in the ``-wal`` file. PostgreSQL: autovacuum reclaims them."""
        if not self.is_sqlite:
            return
        try:
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cursor.close()
            finally:
                raw.close()
        except (sa.exc.DBAPIError, sqlite3.Error):  # busy readers: the next checkpoint does it
            pass

def _enable_wal(cursor) -> None:
    """Switch a SQLite file to WAL mode (persistent, so usually already done).

    The switch needs a moment of exclusive access and SQLite answers "database is locked" at
    once instead of waiting on the busy timeout, so when several processes open a new store
    together, retry for up to the busy timeout.
    """
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _undo_message(batch_id: int, restored: int, removed: int, kept: int) -> str:
    parts = [f"Import nr. {batch_id} er fortrudt."]
    if restored:
        parts.append(f"{restored} {'gruppe' if restored == 1 else 'grupper'} har fået de tidligere data tilbage.")
    if removed:
        parts.append(f"{removed} {'gruppe' if removed == 1 else 'grupper'} uden tidligere data er fjernet.")
    if kept:
        parts.append(
            f"{kept} {'gruppe' if kept == 1 else 'grupper'} var allerede erstattet af en senere import og er uændret."
        )
    return " ".join(parts)


def _of_departments(query: sa.Select, departments: Iterable[str] | None) -> sa.Select:
    """``query`` (joined with the versions) narrowed to the given departments, case-insensitive
    as :func:`amo_data.metrics.filter_tables` matches them; None or no name: every department."""
    if departments is None:
        return query
    keys = sorted({department_key(d) for d in departments if clean(d)})
    return query.where(versions.c.dept_key.in_(keys)) if keys else query


def _user_name(user: Any) -> str:
    """The name audit lines record: a plain string, or a signed-in user's ``username``."""
    if user is None:
        return ""
    return str(getattr(user, "username", user))
