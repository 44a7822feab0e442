"""Where the data live and how the store talks to them: URL resolution, the engine, the write
lock, and a database that cannot be used said in Danish.

URLs
----
:func:`resolve_url`: the explicit URL, else ``AMO_DATABASE_URL``, else the embedded SQLite file
``<project root>/data/amo.sqlite`` (its folder is created). ``postgresql://`` and
``postgres://`` URLs use psycopg 3 (``postgresql+psycopg://``). A value without ``://`` is the
path of a SQLite file.

Concurrency
-----------
- SQLite: WAL journal, ``busy_timeout`` 30 s, foreign keys on. Write transactions start with
  ``BEGIN IMMEDIATE`` (SQLAlchemy ``begin`` event), so concurrent writers queue for the write
  lock instead of failing on a read-to-write upgrade; reads use a plain deferred ``BEGIN``.
- PostgreSQL: every write transaction first takes the transaction-level advisory lock
  ``pg_advisory_xact_lock(AMO_LOCK_KEY)``: writes are serialised, and the lock is released at
  commit or rollback. Reads run in REPEATABLE READ so one read sees one snapshot of every table.

A database that cannot be used
------------------------------
Reads and writes that meet a database which cannot be used for a while (read-only, full,
locked, its file or server gone, access refused) raise :class:`~amo_data.errors.StoreUnavailable`
with a Danish message; the same :class:`Database` works again as soon as the cause is gone.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from ..errors import AmoError, StoreUnavailable

DATABASE_ENV = "AMO_DATABASE_URL"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "amo.sqlite"

AMO_LOCK_KEY = 0x414D4F  # "AMO": the PostgreSQL advisory lock every write takes
SQLITE_BUSY_TIMEOUT_MS = 30_000
# The page size of a new SQLite store (an existing store keeps its own). A big import writes
# every page twice (into the WAL, then the checkpoint copies it into the file): larger pages
# mean fewer system calls, and reading is as fast (the store's queries read whole tables).
SQLITE_PAGE_SIZE = 32 * 1024
# Every PostgreSQL write transaction: the write lock, and whether the connection may write.
_PG_WRITE_LOCK = sa.text("SELECT current_setting('transaction_read_only') "
                         "FROM (SELECT pg_advisory_xact_lock(:key)) AS locked")


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


# --------------------------------------------------------------------------- failures

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


def reason_and_when(exc: BaseException) -> tuple[str, str]:
    """(Danish reason, when to try again) for a database error; the driver's own line when
    its words are not known."""
    first = _driver_line(exc)
    return next(((reason, when) for pattern, reason, when in _REASONS if re.search(pattern, first.lower())),
                (first, "fejlen er rettet"))


def database_reason(exc: BaseException) -> str:
    """One line saying why the database refused: Danish for the usual reasons (SQLite and
    PostgreSQL), else the driver's own first line."""
    return reason_and_when(exc)[0]


def _driver_errors(*names: str) -> tuple[type[BaseException], ...]:
    """The DB-API error classes ``names`` of sqlite3 and, once it is imported (no psycopg error
    can exist before), psycopg."""
    psycopg = sys.modules.get("psycopg")
    return tuple(getattr(module, name) for module in (sqlite3, psycopg) if module is not None for name in names)


# What makes the store unusable for a while (read-only, full, locked, gone, server down, access
# refused): its reads and writes raise StoreUnavailable for these. Not: constraint violations,
# which the import reports itself, and the program's own mistakes (bad SQL, bad values).
_UNAVAILABLE_NAMES = ("OperationalError", "InterfaceError", "InternalError")
_UNAVAILABLE_SQLSTATES = frozenset({"25006", "42501", "3D000"})  # read-only, no privilege, no database


def is_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.InternalError,
                        *_driver_errors(*_UNAVAILABLE_NAMES))):
        return True
    orig = getattr(exc, "orig", None) or exc
    if type(orig) in (sa.exc.DatabaseError, sqlite3.DatabaseError):  # not a database file, damaged
        return True
    return getattr(orig, "sqlstate", None) in _UNAVAILABLE_SQLSTATES


def unavailable(exc: BaseException, writing: bool) -> StoreUnavailable:
    """The Danish StoreUnavailable for a database error met while reading or writing."""
    return _unavailable(*reason_and_when(exc), writing=writing)


def _unavailable(reason: str, when: str, writing: bool) -> StoreUnavailable:
    if writing:
        return StoreUnavailable(f"Databasen kan ikke skrives lige nu: {reason}. Intet er ændret, og intet er gået "
                                f"tabt. Prøv igen, når {when}.")
    return StoreUnavailable(f"Databasen kan ikke læses lige nu: {reason}. Intet er gået tabt. Prøv igen, når "
                            f"{when}.")


# --------------------------------------------------------------------------- the database


class Database:
    """One database: its engine, and the read and write transactions every store action runs in."""

    def __init__(self, url: str | None = None):
        self.url = resolve_url(url)
        try:
            parsed = sa.engine.make_url(self.url)
        except sa.exc.ArgumentError as exc:
            raise AmoError(f'Databaseadressen "{self.url}" er ikke en gyldig SQLAlchemy-URL.') from exc
        self.shown_url = parsed.render_as_string(hide_password=True)
        self.backend = parsed.get_backend_name()
        self.is_sqlite = self.backend == "sqlite"
        self.is_postgresql = self.backend == "postgresql"
        try:
            self.engine = self._create_engine(parsed)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
            raise AmoError(f'Databaseadressen "{self.shown_url}" kan ikke bruges: {exc}') from exc
        except (OSError, sqlite3.Error) as exc:  # a new SQLite file's folder or file cannot be made
            reason = getattr(exc, "strerror", None) or database_reason(exc)
            raise StoreUnavailable(f'Kan ikke oprette databasen "{self.shown_url}": {reason}. Intet er ændret. '
                                   "Prøv igen, når der må skrives i mappen.") from exc

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
            cursor.execute(f"PRAGMA page_size = {SQLITE_PAGE_SIZE}")  # a new store's only
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

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction holding the store's write lock (see "Concurrency").

        When the database cannot be written, raises StoreUnavailable after the transaction is
        rolled back (see :meth:`forget_connections`).
        """
        try:
            conn, transaction = self._write_transaction()
            with conn, transaction:
                yield conn
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            self.forget_connections()
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
    def read(self) -> Iterator[Connection]:
        """One read transaction; StoreUnavailable when the database cannot be read."""
        try:
            with self.engine.connect() as conn:
                if self.is_postgresql:
                    conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    yield conn
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            self.forget_connections()
            raise unavailable(exc, writing=False) from exc

    def forget_connections(self) -> None:
        """After the database failed: PostgreSQL's pooled connections are dropped (the next
        action connects anew). SQLite's are kept: closing the last one deletes the WAL index,
        which a full disk or a folder that may not be written cannot make again, and a
        connection opened read-only is replaced on checkout (see ``_create_engine``)."""
        if not self.is_sqlite:
            self.engine.dispose()

    def secure_delete(self, conn: Connection) -> None:
        """SQLite: overwrite erased content with zeros instead of leaving it in free pages."""
        if self.is_sqlite:
            conn.exec_driver_sql("PRAGMA secure_delete = ON")

    def checkpoint(self) -> None:
        """SQLite: copy the WAL into the database file and empty it now (best effort), so
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
