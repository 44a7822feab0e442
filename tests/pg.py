"""PostgreSQL for tests: a fresh, uniquely named database per test.

The server comes from ``AMO_TEST_POSTGRES_URL`` (an SQLAlchemy URL of a database the test
user may ``CREATE DATABASE`` from, e.g. ``postgresql+psycopg://postgres@127.0.0.1:55432/postgres``).
Without it the PostgreSQL tests are skipped locally, and FAIL when ``CI=true``: in CI they
must really run.

Use the ``postgres_url`` fixture (import it into a test module) or the
:func:`fresh_database` context manager.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

ENV = "AMO_TEST_POSTGRES_URL"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def server_url() -> str:
    """The configured server URL (psycopg driver); skips locally, fails in CI when unset."""
    url = os.environ.get(ENV, "").strip()
    if not url:
        message = f"{ENV} is not set: no PostgreSQL server for the store tests"
        if _in_ci():
            pytest.fail(message + " (CI=true: this must not be skipped)", pytrace=False)
        pytest.skip(message)
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    return url


@contextmanager
def fresh_database(prefix: str = "amo_test") -> Iterator[str]:
    """Create an empty database, yield its URL, drop it afterwards (even if connections linger)."""
    server = sa.engine.make_url(server_url())
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL database for one test."""
    with fresh_database() as url:
        yield url
