"""Schema versions: a store made by the code before file format version 2 (schema version 4)
migrates in one transaction, and nothing is lost.

``tests/fixtures/store_v4.sqlite`` is a real version 4 store: made by commit 068f241's
``python -m amo_data import sample_data/*`` (then VACUUMed with 4 KB pages, which changes no
row). The same migration on PostgreSQL starts from a version 5 store turned back into version 4.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from amo_data.errors import AmoError
from amo_data.schema import ARBEJDSARK, MEDLEMMER, ORGANISATION, UDDANNELSE
from amo_data.store import SCHEMA_VERSION, Store, tables
from tests.test_store import ark, member, result, udd, unit
from tests.test_store import url as url  # noqa: F401  (fixture)

FIXTURE = Path(__file__).parent / "fixtures" / "store_v4.sqlite"
OLD_TABLES = ("arbejdsark", "handleplan", "uddannelse", "group_versions", "batches", "audit", "meta")
NEW_TABLES = ("medlemmer", "organisation", "meetings", "preparations", "reminders", "api_tokens", "user_roles")
SUMMARIES = ("newest_date", "undated", "need_areas")  # group_versions columns of versions 3 and 4


def raw(path: Path) -> dict[str, list[dict]]:
    """Every row of the version 4 tables, straight from SQLite, as dicts by column."""
    with closing(sqlite3.connect(path)) as conn:
        conn.row_factory = sqlite3.Row
        return {t: [dict(row) for row in conn.execute(f'SELECT * FROM "{t}" ORDER BY 1')] for t in OLD_TABLES}


def test_the_fixture_is_a_version_4_store():
    before = raw(FIXTURE)
    assert {r["key"]: r["value"] for r in before["meta"]}["schema_version"] == 4
    assert [len(before[t]) for t in ("arbejdsark", "handleplan", "uddannelse", "batches")] == [292, 67, 42, 1]
    assert "type" not in before["uddannelse"][0] and "need_areas" in before["group_versions"][0]


def test_a_version_4_store_migrates_and_keeps_every_row(tmp_path):
    path = tmp_path / "amo.sqlite"
    shutil.copy(FIXTURE, path)
    before = raw(path)
    with Store(f"sqlite:///{path}") as store:
        assert store.schema_version() == SCHEMA_VERSION
        current = store.current()
        history = store.history()
    after = raw(path)
    for table in OLD_TABLES:
        dropped = {"type"} if table == "uddannelse" else set(SUMMARIES) if table == "group_versions" else set()
        kept = [{k: v for k, v in row.items() if k not in dropped} for row in after[table]]
        if table == "meta":
            old = {row["key"]: row["value"] for row in before["meta"]}
            assert {row["key"]: row["value"] for row in kept} == {**old, "schema_version": SCHEMA_VERSION}
        else:
            assert kept == [{k: v for k, v in row.items() if k not in set(SUMMARIES)} for row in before[table]], table
    assert {row["type"] for row in after["uddannelse"]} == {"Supplerende"}
    assert all(set(SUMMARIES).isdisjoint(row) for row in after["group_versions"])
    # What a user sees: every row current, as before, and the import in the history.
    assert [len(current[t]) for t in (ARBEJDSARK, "handleplan", UDDANNELSE, MEDLEMMER, ORGANISATION)] == \
        [292, 67, 42, 0, 0]
    assert current[ARBEJDSARK]["description"].tolist() == [r["description"] for r in before["arbejdsark"]]
    assert history[0]["rows"] == {"arbejdsark": 292, "handleplan": 67, "uddannelse": 42, "medlemmer": 0,
                                  "organisation": 0}
    assert history[0]["state"] == "current" and history[0]["meeting"] is None
    # And it takes format 2 at once.
    with Store(f"sqlite:///{path}") as store:
        lager = store.current(department="Lager")[UDDANNELSE].drop(columns="id")
        unchanged = store.import_results([result("igen.xlsx", uddannelse=lager.to_dict("records"))], user="u")
        assert unchanged.unchanged  # the migrated courses are Supplerende, as the file format's default
        store.import_results([result("ny.xlsx", medlemmer=[member("Lager")], organisation=[unit("Lager", "Drift")])],
                             user="u")
        assert store.current()[MEDLEMMER]["name"].tolist() == ["Ole Hansen"]
        assert len(store.history()) == 2


def test_a_migration_that_fails_leaves_the_old_store_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "amo.sqlite"
    shutil.copy(FIXTURE, path)
    before = raw(path)

    def broken(conn):
        tables._migrate_to_5(conn)
        raise RuntimeError("the disk went away half-way")

    monkeypatch.setitem(tables.MIGRATIONS, 5, broken)
    with pytest.raises(RuntimeError):
        Store(f"sqlite:///{path}")
    assert raw(path) == before
    with closing(sqlite3.connect(path)) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names.isdisjoint(NEW_TABLES)
    monkeypatch.undo()
    with Store(f"sqlite:///{path}") as store:
        assert store.schema_version() == SCHEMA_VERSION


def _back_to_version_4(store: Store) -> None:
    """A version 5 store as version 4 had it: no new tables, no Uddannelse.type, the summaries."""
    with store.engine.begin() as conn:
        for name in NEW_TABLES:
            conn.exec_driver_sql(f'DROP TABLE "{name}"')
        conn.exec_driver_sql('ALTER TABLE uddannelse DROP COLUMN "type"')
        for column, kind in (("newest_date", "DATE"), ("undated", "BOOLEAN"), ("need_areas", "JSON")):
            conn.exec_driver_sql(f"ALTER TABLE group_versions ADD COLUMN {column} {kind}")
        conn.exec_driver_sql("UPDATE meta SET value = 4 WHERE key = 'schema_version'")


def test_the_migration_on_both_backends(url):
    store = Store(url)
    store.import_results([result("a.xlsx", arbejdsark=[ark("Lager")], uddannelse=[udd("Lager"), udd("Kontor")])],
                         user="u")
    store.undo(store.import_results([result("b.xlsx", arbejdsark=[ark("Lager", description="ny")])],
                                    user="u").batch_id, user="u")
    expected = store.current(), store.history()
    _back_to_version_4(store)
    store.close()
    with Store(url) as migrated:
        assert migrated.schema_version() == SCHEMA_VERSION
        assert migrated.run_migrations(from_version=4) == SCHEMA_VERSION  # again: harmless
        current = migrated.current()
        for table, frame in expected[0].items():
            pd.testing.assert_frame_equal(current[table], frame)
        assert migrated.history() == expected[1]
        with migrated.engine.connect() as conn:
            assert set(NEW_TABLES) <= set(sa.inspect(conn).get_table_names())
        migrated.save_preparation("mette", "Lager", 2026, {"punkter": []})
        migrated.import_results([result("m.xlsx", medlemmer=[member("Lager")])], user="u")
        assert len(migrated.current()[MEDLEMMER]) == 1



def test_migration_from_version_1_is_idempotent(url):
    store = Store(url)
    store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2026, "x")])], user="u")
    before = store.current()
    # turn the store back into a version 1 store: no audit.at index, schema_version 1
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_audit_at")
        conn.exec_driver_sql("UPDATE meta SET value = 1 WHERE key = 'schema_version'")
    store.close()

    def audit_indexes(s: Store) -> set[str]:
        with s.engine.connect() as conn:
            return {ix["name"] for ix in sa.inspect(conn).get_indexes("audit")}

    migrated = Store(url)
    assert migrated.schema_version() == SCHEMA_VERSION
    assert "ix_audit_at" in audit_indexes(migrated)
    assert migrated.run_migrations(from_version=1) == SCHEMA_VERSION  # running it again is harmless
    assert "ix_audit_at" in audit_indexes(migrated)
    pd.testing.assert_frame_equal(migrated.current()[ARBEJDSARK], before[ARBEJDSARK])
    assert len(migrated.history()) == 1
    migrated.close()


def test_newer_schema_than_the_program_is_refused(url):
    store = Store(url)
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE meta SET value = {SCHEMA_VERSION + 1} WHERE key = 'schema_version'")
    store.close()
    with pytest.raises(AmoError) as info:
        Store(url)
    assert "skemaversion" in info.value.message
