"""The store: versioned canonical tables in SQLite or PostgreSQL (SQLAlchemy 2 Core).

:class:`Store` is the one object the rest of the product uses; its methods are thin and the
rules live in the modules of this package:

- :mod:`.engine`: where the data live (URL resolution), the engine, the write lock and the
  Danish :class:`~amo_data.errors.StoreUnavailable` of a database that cannot be used;
- :mod:`.tables`: the tables (the data tables derive from :data:`amo_data.schema.SCHEMA`), the
  schema version and the migrations;
- :mod:`.imports`: imports, undo, status edits and the history (the contract's "What an import
  does");
- :mod:`.queries`: the current tables, the dashboard's choices and all-years figures, counts;
- :mod:`.erasure`: the audited erasures of a department and of a person;
- :mod:`.notes`: meetings, personal drafts and reminders sent;
- :mod:`.access`: API tokens and roles granted by e-mail address.

Errors: precondition failures raise :class:`~amo_data.errors.AmoError` (files with errors: exit
code 1; no files, unknown or undone batch, bad status or action id: exit code 2). Rows the
database refuses (a constraint violation; validated data never do this) roll the whole call
back: AmoError with exit code 3. Every committed write of data or of the audit log bumps
``data_version`` (the dashboard keys its caches on it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Self

import sqlalchemy as sa

from ..errors import AmoError, StoreUnavailable
from ..schema import TABLES
from . import access, erasure, imports, notes, queries
from .access import RoleGrant
from .engine import (
    AMO_LOCK_KEY, DATABASE_ENV, DEFAULT_SQLITE_PATH, PROJECT_ROOT, SQLITE_BUSY_TIMEOUT_MS, Database, database_reason,
    default_url, reason_and_when, resolve_url, unavailable,
)
from .imports import Conflict, ImportOutcome, Meeting
from .tables import (
    CURRENT, DATA, NO_YEAR, REPLACED, SCHEMA_VERSION, UNDONE, audit, batches, ensure_schema, meta, metadata, migrate,
    versions,
)

if TYPE_CHECKING:
    import pandas as pd

    from ..validate import FileResult

SAMPLE_USER = "eksempeldata"  # the user name the sample data is imported under

__all__ = [
    "AMO_LOCK_KEY", "CURRENT", "DATA", "DATABASE_ENV", "DEFAULT_SQLITE_PATH", "NO_YEAR", "PROJECT_ROOT", "REPLACED",
    "SAMPLE_USER", "SCHEMA_VERSION", "SQLITE_BUSY_TIMEOUT_MS", "UNDONE", "Conflict", "ImportOutcome", "Meeting", "RoleGrant",
    "Store",
    "audit", "batches", "database_reason", "default_url", "meta", "metadata", "resolve_url", "unavailable",
    "versions",
]


class Store:
    """Versioned storage of the canonical tables; see the package's modules for the rules."""

    def __init__(self, url: str | None = None):
        self.db = Database(url)
        try:
            ensure_schema(self.db)
        except StoreUnavailable as exc:  # not a database, no access, locked, damaged, down
            self.db.close()
            reason, when = reason_and_when(exc.__cause__ or exc)
            raise StoreUnavailable(f'Kan ikke åbne databasen "{self.db.shown_url}": {reason}. Intet er ændret. '
                                   f"Prøv igen, når {when}.") from exc.__cause__
        except sa.exc.DBAPIError as exc:
            self.db.close()
            raise AmoError(f'Kan ikke åbne databasen "{self.db.shown_url}": {database_reason(exc)}') from exc

    url = property(lambda self: self.db.url)
    engine = property(lambda self: self.db.engine)
    backend = property(lambda self: self.db.backend)
    is_sqlite = property(lambda self: self.db.is_sqlite)
    is_postgresql = property(lambda self: self.db.is_postgresql)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.db.shown_url!r})"

    # ----------------------------------------------------------------- schema

    def schema_version(self) -> int:
        return queries.schema_version(self.db)

    def run_migrations(self, from_version: int) -> int:
        """Run the migrations after ``from_version`` again (they are idempotent); the new version."""
        with self.db.write() as conn:
            migrate(conn, from_version)
        return self.schema_version()

    # ----------------------------------------------------------------- imports and edits

    def import_results(self, results: list[FileResult], user: Any,
                       meeting: Meeting | Mapping[str, Any] | None = None, expected: str | None = None) -> ImportOutcome:
        """Store the canonical tables of checked files: one transaction, all or nothing.
        ``meeting`` (a :class:`Meeting` or a dict of its fields) is saved with the batch;
        ``expected`` is the meeting's :meth:`year_state` when it was opened (else :class:`Conflict`)."""
        return imports.import_results(self.db, results, user, meeting, expected)

    def year_state(self, department: str, year: int) -> str:
        """A fingerprint of a department's stored year (work sheet, plan with statuses, meetings):
        what a meeting checks when it is saved (:func:`amo_data.store.imports.year_state`)."""
        with self.db.read() as conn:
            return imports.year_state(conn, department, year)

    def undo(self, batch_id: int, user: Any = "") -> dict[str, Any]:
        """Undo one import; returns what happened (``message`` in Danish)."""
        return imports.undo(self.db, batch_id, user)

    def set_action_status(self, action_id: int, status: str, user: Any, expected: str | None = None) -> None:
        """Change one current Handleplan action's status in place (audited); see
        :func:`amo_data.store.imports.set_action_status`."""
        imports.set_action_status(self.db, action_id, status, user, expected)

    def record(self, action: str, user: Any, details: dict[str, Any]) -> None:
        """Write one audit line that changes no data (a failed sign-in, a pause of sign-ins)."""
        access.record(self.db, action, user, details)

    def history(self) -> list[dict[str, Any]]:
        """The batches, newest first: ``id``, ``created_at``, ``user``, ``files``, ``sha256``,
        ``rows`` (per table, as in the files), ``state`` and ``meeting`` (or None)."""
        return imports.history(self.db)

    # ----------------------------------------------------------------- reading

    def current(self, year: int | None = None, department: str | None = None,
                columns: Mapping[str, Iterable[str]] | None = None) -> dict[str, pd.DataFrame]:
        """Every current canonical table, ``id`` first; see :meth:`current_tables`."""
        return self.current_tables(TABLES, year=year, department=department, columns=columns)

    def current_tables(self, names: Iterable[str], year: int | None = None, department: str | None = None,
                       columns: Mapping[str, Iterable[str]] | None = None,
                       area: str | None = None) -> dict[str, pd.DataFrame]:
        """The current canonical tables ``names``, ``id`` first, rows in import (id) order.

        Dtypes as validation produces them (:func:`amo_data.schema.frame`); ``id`` is the row's
        stable id, e.g. for :meth:`set_action_status`. ``year`` is the group year (År; for
        Uddannelse the year of Hvornår); a table without years is given whole. ``department``
        matches case-insensitively. ``columns`` (table -> canonical names) loads only those
        columns of a table (``id`` plus them, canonical order; an unknown name is a ValueError).
        ``area`` keeps the rows whose Område is exactly ``area`` (only tables with Område).
        """
        return queries.current_tables(self.db, names, year, department, columns, area)

    def outline(self) -> dict[str, pd.DataFrame]:
        """A few rows per group instead of every row, for the tables with years: the distinct
        (department, year) of each, and for Arbejdsark the newest Dato per department and year
        and whether Dato is missing (``date`` None); the departments of Medlemmer. What the
        dashboard needs across all years: the same departments, years and departments without a
        discussion as :meth:`current`."""
        return queries.outline(self.db)

    def current_groups(self, tables: Iterable[str] | None = None) -> pd.DataFrame:
        """The distinct (department, year) of the current rows of the tables with years (or of
        ``tables``): columns department (object) and year (int64), sorted."""
        return queries.current_groups(self.db, tables)

    def has_current_rows(self) -> bool:
        """True when some table has a current row: whether :meth:`current` returns anything."""
        return queries.has_current_rows(self.db)

    def needs_counts(self, departments: Iterable[str] | None = None) -> pd.DataFrame:
        """Current Arbejdsark needs counted per year and area: ``year | area | count``, for all
        departments or the given ones (input of :func:`amo_data.metrics.needs_trend_of_counts`)."""
        return queries.needs_counts(self.db, departments)

    def counts(self, table: str, by: Iterable[str], year: int | None = None,
               departments: Iterable[str] | None = None) -> pd.DataFrame:
        """The current rows of ``table`` counted per distinct combination of the canonical
        columns ``by`` (a GROUP BY): columns ``by`` (dtypes as :meth:`current`) and ``count``
        (int64, > 0). Equals :func:`amo_data.metrics.count_rows` of the same rows."""
        return queries.counted(self.db, table, by, {}, year, departments)

    def category_counts(self, by: Iterable[str], year: int | None = None,
                        departments: Iterable[str] | None = None) -> pd.DataFrame:
        """:meth:`counts` of Arbejdsark with a column per Kategori (``vigtig_opgave``, ``lykkes``,
        ``brug_for_at_styrke``) and ``count``. Equals :func:`amo_data.metrics.count_categories`."""
        from ..metrics import CATEGORY_COLUMNS

        category = DATA["arbejdsark"].c.category
        sums = {column: sa.func.sum(sa.case((category == value, 1), else_=0))
                for value, column in CATEGORY_COLUMNS.items()}
        return queries.counted(self.db, "arbejdsark", by, sums, year, departments)

    def table_departments(self, table: str) -> list[str]:
        """The departments with current rows in one table (as stored), sorted: e.g. those with
        a member list."""
        return queries.table_departments(self.db, table)

    def departments(self) -> list[str]:
        """Departments with current data in any table (not Organisation's units), Danish order."""
        return queries.departments(self.db)

    def years(self) -> list[int]:
        """Years with current data in any table that has years, ascending."""
        return queries.years(self.db)

    def known_departments(self) -> list[str]:
        """Every department with rows in any version: what :meth:`delete_department` can erase."""
        return queries.known_departments(self.db)

    def batch_departments(self, batch_id: int) -> list[str]:
        """Departments the batch wrote (any state; also its meeting's), Danish order."""
        return queries.batch_departments(self.db, batch_id)

    def action_department(self, action_id: int) -> str | None:
        """The department of one Handleplan row (any version), None when there is none."""
        return queries.action_department(self.db, action_id)

    def audit_log(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Audit lines, newest first: ``{"id", "at", "user", "action", "details"}``."""
        return queries.audit_log(self.db, limit)

    def data_version(self) -> int:
        return queries.data_version(self.db)

    def is_empty(self) -> bool:
        """True when nothing was ever imported (not even an import undone since): what
        ``seed-sample`` asks, so sample data the user removed does not come back."""
        return queries.is_empty(self.db)

    def has_current_data(self) -> bool:
        """True when some group has current rows (what the dashboard shows)."""
        return queries.has_current_data(self.db)

    # ----------------------------------------------------------------- sample data

    def sample_batches(self) -> list[int]:
        """Ids of the sample-data imports that are not undone, newest first."""
        return queries.batches_of(self.db, SAMPLE_USER)

    def has_sample_data(self) -> bool:
        return bool(self.sample_batches())

    def remove_sample_data(self, user: Any) -> int:
        """Undo every sample-data import (kept in the history and the audit); returns how many."""
        ids = self.sample_batches()
        for batch_id in ids:
            self.undo(batch_id, user=user)
        return len(ids)

    # ----------------------------------------------------------------- data protection

    def delete_department(self, department: str, user: Any) -> dict[str, Any]:
        """Erase a department in every table and version (audited; not an undo)."""
        return erasure.delete_department(self.db, department, user)

    def delete_person(self, name: str, user: Any, department: str | None = None) -> dict[str, Any]:
        """Erase a person's rows in Uddannelse and Medlemmer, and the name in meetings (audited)."""
        return erasure.delete_person(self.db, name, user, department)

    # ----------------------------------------------------------------- meetings, drafts, reminders

    def meetings(self, department: str, year: int) -> list[dict[str, Any]]:
        """The current meetings of a department's year, newest first."""
        return notes.meetings_of(self.db, department, year)

    def save_preparation(self, author: str, department: str, year: int, content: Mapping[str, Any]) -> None:
        """Save ``author``'s draft (a JSON object) for a department's year (replaces the last)."""
        notes.save_preparation(self.db, author, department, year, content)

    def preparation(self, author: str, department: str, year: int) -> dict[str, Any] | None:
        """``author``'s draft for a department's year, None when there is none."""
        return notes.preparation(self.db, author, department, year)

    def preparations(self, department: str, year: int) -> list[dict[str, Any]]:
        """Every author's draft for a department's year."""
        return notes.preparations_of(self.db, department, year)

    def reminders_sent(self, recipients: Iterable[str]) -> set[tuple[str, str, str]]:
        """``(recipient, uid, phase)`` of the reminders recorded for ``recipients``."""
        return notes.reminders_sent(self.db, recipients)

    def record_reminders(self, rows: Iterable[tuple[str, str, str]]) -> int:
        """Record reminders as sent (one already recorded is no error); how many were new."""
        return notes.record_reminders(self.db, rows)

    # ----------------------------------------------------------------- access

    def add_token(self, name: str, departments: Iterable[str] | None, user: Any) -> str:
        """A new API token; returns its secret, once."""
        return access.add_token(self.db, name, departments, user)

    def tokens(self) -> list[dict[str, Any]]:
        """Every API token: ``{"name", "departments", "created", "created_by", "revoked"}``."""
        return access.tokens(self.db)

    def revoke_token(self, name: str, user: Any) -> None:
        access.revoke_token(self.db, name, user)

    def new_calendar_link(self, departments: Iterable[str] | None, user: Any) -> str:
        """A new calendar link of ``user`` (the user's earlier ones stop working); its secret."""
        return access.new_calendar_link(self.db, departments, user)

    def token_for(self, secret: str | None) -> dict[str, Any] | None:
        """The working token with this secret, else None."""
        return access.token_for(self.db, secret)

    def assign_role(self, email: str, role: str, departments: Iterable[str] | None, user: Any) -> None:
        """Grant ``role`` to the person signing in as ``email``."""
        access.assign_role(self.db, email, role, departments, user)

    def revoke_role(self, email: str, user: Any) -> None:
        access.revoke_role(self.db, email, user)

    def role_of(self, email: str | None) -> RoleGrant | None:
        """The role granted to ``email`` (case-insensitive), else None."""
        return access.role_of(self.db, email)

    def roles(self) -> list[RoleGrant]:
        """Every granted role, by e-mail address."""
        return access.roles(self.db)
