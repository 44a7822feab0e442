"""The store's tables, its schema version and the migrations of older stores.

Data tables
-----------
One table per table of :data:`amo_data.schema.SCHEMA`: ``id`` (stable row id), ``version_id``
(its group version) and every canonical column, typed by the field's storage (text, int,
nullable_int, float, bool, date). A column is NOT NULL when the file must have it, when its
storage has no missing value (int, bool) or when the table is grouped by it; a Vurdering has a
CHECK of 1-5. Rows are never updated except an action's ``status`` and never deleted except by
the audited erasures (see :mod:`.erasure`).

Bookkeeping
-----------
- ``group_versions``: one row per group (table, department, year) a batch wrote; a table
  grouped by department alone stores year :data:`NO_YEAR`. ``state`` is ``current``,
  ``replaced`` (``replaced_by`` names the later batch) or ``undone``; ``previous_id`` is the
  version this one replaced. At most one version of a group is current (a partial unique index).
- ``batches``: one per import that changed something; ``audit``: who did what and when;
  ``meta``: ``schema_version`` and ``data_version`` (bumped by every write of data or audit).

Beside the data (schema version 5)
----------------------------------
``meetings`` (a meeting held in the dashboard, saved with its batch), ``preparations``
(personal drafts), ``reminders`` (what ``remind`` mailed), ``api_tokens`` (only the SHA-256 of
each secret) and ``user_roles`` (roles granted to a signed-in e-mail address).

Schema versions
---------------
A fresh store is created from these definitions and stamped with :data:`SCHEMA_VERSION`. An
older store is brought up to date by :data:`MIGRATIONS` (target version -> function), all in
one transaction under the write lock; each migration is idempotent. To change the schema:
change the tables, add ``MIGRATIONS[n + 1]`` doing the same to an existing store, and bump
:data:`SCHEMA_VERSION`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection

from .. import fields, vocab
from ..errors import AmoError
from ..schema import SCHEMA, UDDANNELSE, Field, Table
from .engine import Database

SCHEMA_VERSION = 5
CURRENT, REPLACED, UNDONE = "current", "replaced", "undone"
NO_YEAR = 0  # group_versions.year of a table grouped by department alone
CHUNK = 5_000  # ids per IN (...) list

metadata = sa.MetaData()

_SQL_TYPES: dict[str, Callable[[], Any]] = {
    "text": sa.Text, "int": sa.Integer, "nullable_int": sa.Integer, "float": sa.Float,
    "bool": lambda: sa.Boolean(create_constraint=False), "date": sa.Date,
}


def has_years(table: str) -> bool:
    """Whether the table's groups have a year (else one group per department)."""
    return "year" in SCHEMA[table].group_by


def _data_column(table: Table, field: Field) -> sa.Column:
    not_null = field.required or field.storage in ("int", "bool") or field.key in table.group_by
    return sa.Column(field.key, _SQL_TYPES[field.storage](), nullable=not not_null)


def _checks(table: Table) -> list[sa.CheckConstraint]:
    return [sa.CheckConstraint(f"{f.key} IS NULL OR {f.key} BETWEEN 1 AND 5", name=f"ck_{table.name}_{f.key}")
            for f in table.fields if isinstance(f.kind, fields.Rating)]


batches = sa.Table(
    "batches", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_name", sa.Text, nullable=False),
    sa.Column("files", sa.JSON, nullable=False),
    sa.Column("sha256", sa.JSON, nullable=False),
    sa.Column("rows", sa.JSON, nullable=False),
    sa.Column("state", sa.Text, nullable=False),
)

versions = sa.Table(
    "group_versions", metadata,
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
    sa.Index("ix_group_versions_group", "table_name", "dept_key", "year"),
    sa.Index("ix_group_versions_state", "state", "table_name"),
)
# At most one current version per group: a partial unique index, the same statement on SQLite
# and PostgreSQL (written as DDL: an Index with sqlite_where/postgresql_where would load
# SQLAlchemy's PostgreSQL dialect into every process).
event.listen(versions, "after_create", sa.DDL(
    "CREATE UNIQUE INDEX ux_group_versions_current ON group_versions (table_name, dept_key, year) "
    "WHERE state = 'current'"))

audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_name", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("details", sa.JSON, nullable=False),
    sa.Index("ix_audit_at", "at"),  # schema version 2
)

meta = sa.Table(
    "meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

DATA: dict[str, sa.Table] = {
    name: sa.Table(
        name, metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("group_versions.id"), nullable=False, index=True),
        *(_data_column(table, f) for f in table.fields),
        *_checks(table),
    )
    for name, table in SCHEMA.items()
}

# --------------------------------------------------------------------------- beside the data

meetings = sa.Table(
    "meetings", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=False, unique=True),
    sa.Column("dept_key", sa.Text, nullable=False),
    sa.Column("department", sa.Text, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("held_on", sa.Date, nullable=False),
    sa.Column("participants", sa.JSON, nullable=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Index("ix_meetings_department_year", "dept_key", "year"),
)

preparations = sa.Table(
    "preparations", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("dept_key", sa.Text, nullable=False),
    sa.Column("department", sa.Text, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("content", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("author", "dept_key", "year", name="uq_preparations_author_department_year"),
)

reminders = sa.Table(
    "reminders", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("recipient", sa.Text, nullable=False),
    sa.Column("uid", sa.Text, nullable=False),
    sa.Column("phase", sa.Text, nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("recipient", "uid", "phase", name="uq_reminders_recipient_uid_phase"),
    sa.CheckConstraint("phase IN ('coming', 'passed')", name="ck_reminders_phase"),
)

api_tokens = sa.Table(
    "api_tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("secret_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("departments", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_by", sa.Text, nullable=True),
)

user_roles = sa.Table(
    "user_roles", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email_key", sa.Text, nullable=False, unique=True),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("departments", sa.JSON, nullable=False),
    sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("assigned_by", sa.Text, nullable=False),
)

SCHEMA_5_TABLES = (meetings, preparations, reminders, api_tokens, user_roles)

# --------------------------------------------------------------------------- migrations


def _migrate_to_2(conn: Connection) -> None:
    """Version 2: an index on audit.at for the audit page (newest first)."""
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_audit_at ON audit (at)")


def _add_columns(conn: Connection, table: sa.Table, names: tuple[str, ...]) -> None:
    """Add the columns ``names`` of ``table`` that an existing store lacks (nullable)."""
    have = {column["name"] for column in sa.inspect(conn).get_columns(table.name)}
    for name in names:
        if name not in have:
            kind = table.c[name].type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN "{name}" {kind}')


def _nothing(conn: Connection) -> None:
    """Versions 3 and 4 recorded per-version summaries of Arbejdsark in group_versions
    (newest_date, undated, need_areas); version 5 reads the rows instead and drops them."""


# Recorded by schema versions 3 and 4, dropped by version 5.
_SUMMARY_COLUMNS = ("newest_date", "undated", "need_areas")


def _migrate_to_5(conn: Connection) -> None:
    """Version 5 (file format version 2): the tables Medlemmer and Organisation, the column
    Uddannelse.type ("Supplerende" for every stored course, the file format's default), the
    tables beside the data (meetings, preparations, reminders, api_tokens, user_roles), and
    group_versions without the summaries of versions 3 and 4."""
    metadata.create_all(conn, tables=[*DATA.values(), *SCHEMA_5_TABLES])  # only those missing
    for name, table in DATA.items():
        _add_columns(conn, table, SCHEMA[name].columns)
    udd = DATA[UDDANNELSE]
    conn.execute(udd.update().where(udd.c.type.is_(None)).values(type=vocab.SUPPLERENDE))
    have = {column["name"] for column in sa.inspect(conn).get_columns(versions.name)}
    for name in _SUMMARY_COLUMNS:
        if name in have:
            conn.exec_driver_sql(f"ALTER TABLE {versions.name} DROP COLUMN {name}")


# Target schema version -> migration from the version before it (idempotent).
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _migrate_to_2, 3: _nothing, 4: _nothing, 5: _migrate_to_5,
}


def ensure_schema(db: Database) -> None:
    """Create a fresh store's tables, or migrate an older store to :data:`SCHEMA_VERSION`."""
    with db.read() as conn:
        if sa.inspect(conn).has_table("meta") and meta_value(conn, "schema_version") == SCHEMA_VERSION:
            return
    with db.write() as conn:
        if not sa.inspect(conn).has_table("meta"):
            metadata.create_all(conn)
            conn.execute(meta.insert(), [{"key": "schema_version", "value": SCHEMA_VERSION},
                                         {"key": "data_version", "value": 0}])
            return
        migrate(conn, meta_value(conn, "schema_version"))


def migrate(conn: Connection, found: int) -> None:
    """Run the migrations after version ``found``; a newer store than this program is refused."""
    if found > SCHEMA_VERSION:
        raise AmoError(f"Databasen har skemaversion {found}, men dette program kender kun op til "
                       f"version {SCHEMA_VERSION}. Opdatér programmet.")
    for target in range(found + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[target](conn)
        conn.execute(meta.update().where(meta.c.key == "schema_version").values(value=target))


# --------------------------------------------------------------------------- small helpers


def meta_value(conn: Connection, key: str) -> int:
    value = conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar()
    return int(value or 0)


def bump(conn: Connection) -> None:
    """A new data version: every cache keyed on it reloads (every process)."""
    conn.execute(meta.update().where(meta.c.key == "data_version").values(value=meta.c.value + 1))


def write_audit(conn: Connection, user: Any, action: str, details: dict[str, Any]) -> None:
    conn.execute(audit.insert().values(at=now(), user_name=user_name(user), action=action, details=details))


def user_name(user: Any) -> str:
    """The name audit lines record: a plain string, or a signed-in user's ``username``."""
    if user is None:
        return ""
    return str(getattr(user, "username", user))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else utc(value).isoformat(timespec="seconds")


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]

