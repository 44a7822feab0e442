"""The store on both backends: SQLite (a file in tmp_path) and PostgreSQL (tests/pg.py).

FileResults are built here directly from small canonical DataFrames, so these tests do not
depend on reading or validating spreadsheets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import time
import traceback
from contextlib import closing

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from amo_data.store import engine as engine_module
from amo_data.errors import AmoError, Problem
from amo_data.schema import ARBEJDSARK, CANONICAL, HANDLEPLAN, MEDLEMMER, ORGANISATION, TABLES, UDDANNELSE
from amo_data.store import (
    DATA,
    DATABASE_ENV,
    DEFAULT_SQLITE_PATH,
    PROJECT_ROOT,
    SCHEMA_VERSION,
    ImportOutcome,
    Store,
    default_url,
    resolve_url,
    versions,
)
from amo_data.validate import FileResult
from tests.pg import fresh_database
from tests.processes import process_context

# --------------------------------------------------------------------------- builders


def ark(department: str, year: int = 2026, description: str = "Vi taler om trivsel", **kw) -> dict:
    row = {"department": department, "year": year, "date": None, "area": "Psykisk arbejdsmiljø",
           "category": "Lykkes", "description": description, "help": None, "rating": None, "role": None}
    row.update(kw)
    return row


def plan(department: str, year: int = 2026, what: str = "Kursus i kemi", **kw) -> dict:
    row = {"department": department, "year": year, "date": None, "what": what,
           "area": "Kemisk og biologisk arbejdsmiljø", "why": None, "how": None,
           "help": "Egen kompetenceudvikling", "when": f"3. kvartal {year}", "quarter": f"{year}-Q3",
           "urgent": False, "who": None, "follow_up": None, "status": "Ikke startet"}
    row.update(kw)
    return row


def udd(department: str, year: int = 2026, course: str = "Supplerende uddannelse", **kw) -> dict:
    row = {"department": department, "role": "AMR", "name": None, "joined": None, "course": course,
           "hours": 14.8, "when": f"{year}-Q2", "year": year, "quarter": f"{year}-Q2", "status": "Tilmeldt",
           "type": "Supplerende"}
    row.update(kw)
    return row


def member(department: str, name: str = "Ole Hansen", **kw) -> dict:
    row = {"department": department, "name": name, "role": "AMR", "joined": dt.date(2025, 9, 1), "left": None,
           "basic_training": None, "email": None}
    row.update(kw)
    return row


def unit(department: str, parent: str | None = None) -> dict:
    return {"department": department, "parent": parent}


DTYPES = {"year": "int64", "rating": "Int64", "hours": "float64", "urgent": "bool"}  # others: object


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A canonical table as validation builds it (text and dates: object dtype, None when empty)."""
    return pd.DataFrame({name: pd.Series([row[name] for row in rows], dtype=DTYPES.get(name, "object"))
                         for name in CANONICAL[table]}, columns=list(CANONICAL[table]))


def result(file: str, arbejdsark=(), handleplan=(), uddannelse=(), medlemmer=(), organisation=(),
           errors=()) -> FileResult:
    tables = {ARBEJDSARK: frame(ARBEJDSARK, list(arbejdsark)),
              HANDLEPLAN: frame(HANDLEPLAN, list(handleplan)),
              UDDANNELSE: frame(UDDANNELSE, list(uddannelse)),
              MEDLEMMER: frame(MEDLEMMER, list(medlemmer)),
              ORGANISATION: frame(ORGANISATION, list(organisation))}
    digest = hashlib.sha256(repr((file, arbejdsark, handleplan, uddannelse, medlemmer, organisation))
                            .encode()).hexdigest()
    return FileResult(file=file, tables=tables, errors=list(errors), sha256=digest)


def texts(store: Store, table: str = ARBEJDSARK, column: str = "description", **filters) -> list:
    return sorted(store.current(**filters)[table][column].tolist())


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'amo.sqlite'}"
    else:
        with fresh_database() as pg_url:
            yield pg_url


@pytest.fixture
def store(url):
    s = Store(url)
    yield s
    s.close()


# --------------------------------------------------------------------------- URL resolution


def test_url_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    assert DEFAULT_SQLITE_PATH == PROJECT_ROOT / "data" / "amo.sqlite"
    assert resolve_url(None) == default_url() == f"sqlite:///{DEFAULT_SQLITE_PATH}"
    monkeypatch.setenv(DATABASE_ENV, "sqlite:////tmp/from-env.sqlite")
    assert resolve_url(None) == "sqlite:////tmp/from-env.sqlite"
    assert resolve_url("sqlite:////tmp/explicit.sqlite") == "sqlite:////tmp/explicit.sqlite"
    assert resolve_url("postgresql://u:p@h:5432/db") == "postgresql+psycopg://u:p@h:5432/db"
    assert resolve_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    path = tmp_path / "sub" / "dir" / "store.sqlite"
    s = Store(f"sqlite:///{path}")  # creates the folder
    assert path.parent.is_dir() and s.is_empty()
    s.close()


def test_store_without_url_uses_the_environment(monkeypatch, tmp_path):
    path = tmp_path / "env.sqlite"
    monkeypatch.setenv(DATABASE_ENV, f"sqlite:///{path}")
    s = Store()
    assert s.url == f"sqlite:///{path}" and path.exists()
    s.close()


def test_text_survives_exactly(store):
    odd = ["linje 1\nlinje 2", "tab\there", "back\\slash \\N", "citat \"x\" og 'y'; komma, semikolon",
           "æøå ÆØÅ – “smart” 🙂", "  kant  ", "\\.", ""]
    store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2026, text) for text in odd],
                                 handleplan=[plan("Lager", 2026, "Hvad?", why="\\N", how="NULL")])], user="ø")
    cur = store.current()
    assert cur[ARBEJDSARK]["description"].tolist() == odd
    assert cur[HANDLEPLAN]["why"].iloc[0] == "\\N" and cur[HANDLEPLAN]["how"].iloc[0] == "NULL"
    assert store.history()[0]["user"] == "ø"
    again = store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2026, text) for text in odd])],
                                 user="ø")
    assert again.unchanged


def test_unusable_url_is_a_danish_error():
    with pytest.raises(AmoError) as info:
        Store("nosuchdb://x/y")
    assert info.value.exit_code == 2 and "Databaseadressen" in info.value.message


# --------------------------------------------------------------------------- basics


def test_fresh_store_has_schema_version_and_no_data(store):
    assert store.schema_version() == SCHEMA_VERSION
    assert store.data_version() == 0
    assert store.is_empty() and not store.has_current_data()
    assert store.history() == []
    assert store.departments() == []
    tables = store.current()
    assert set(tables) == set(TABLES)
    for table in TABLES:
        assert list(tables[table].columns) == ["id", *CANONICAL[table]]
        assert len(tables[table]) == 0


def _page_size(path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("PRAGMA page_size").fetchone()[0]


def test_a_store_made_with_4_kb_pages_keeps_them_and_its_data(tmp_path, monkeypatch):
    # Stores made before SQLITE_PAGE_SIZE have SQLite's default 4 KB pages: they open, keep
    # their rows and take new imports as before; only new stores get 32 KB pages.
    old = tmp_path / "old.sqlite"
    monkeypatch.setattr(engine_module, "SQLITE_PAGE_SIZE", 4096)
    with Store(f"sqlite:///{old}") as s:
        s.import_results([result("a.xlsx", arbejdsark=[ark("Lager")])], user="t")
    monkeypatch.undo()
    with Store(f"sqlite:///{old}") as s:
        s.import_results([result("b.xlsx", arbejdsark=[ark("Kontor")])], user="t")
        assert s.departments() == ["Kontor", "Lager"]
    assert _page_size(old) == 4096
    new = tmp_path / "new.sqlite"
    with Store(f"sqlite:///{new}") as s:
        s.import_results([result("a.xlsx", arbejdsark=[ark("Lager")])], user="t")
    assert _page_size(new) == 32 * 1024


def test_import_round_trips_canonical_tables(store):
    file = result(
        "plan.xlsx",
        arbejdsark=[ark("Lager", 2026, "Godt samarbejde", date=dt.date(2026, 3, 15), rating=4, role="AMR"),
                    ark("Lager", 2026, "Mere viden om kemi", category="Brug for at styrke",
                        help="Hjælp udefra")],
        handleplan=[plan("Lager", 2026, "Kursus", urgent=True, when="Snarest", quarter="2026-Q1",
                         date=dt.date(2026, 1, 10), why="Fordi", status="Planlagt")],
        uddannelse=[udd("Lager", 2026, hours=11.1, joined=dt.date(2024, 9, 1), name="AB"),
                    udd("Lager", 2026, course="Ergonomi", hours=None)],
    )
    before = store.data_version()
    outcome = store.import_results([file], user="anna")
    assert isinstance(outcome, ImportOutcome)
    assert outcome.batch_id == 1 and not outcome.unchanged
    assert outcome.groups_new == 3 and outcome.groups_replaced == 0
    assert outcome.rows == {**dict.fromkeys(TABLES, 0), ARBEJDSARK: 2, HANDLEPLAN: 1, UDDANNELSE: 2}
    assert store.data_version() > before
    assert not store.is_empty() and store.has_current_data()

    cur = store.current()
    for table in TABLES:
        expected = {"id": "int64", **{n: DTYPES.get(n, "object") for n in CANONICAL[table]}}
        assert {n: str(t) for n, t in cur[table].dtypes.items()} == expected
        assert list(cur[table].columns) == ["id", *CANONICAL[table]]
    a = cur[ARBEJDSARK]
    assert a["help"].iloc[0] is None and a["role"].iloc[0] == "AMR"
    assert str(a["id"].dtype) == "int64" and str(a["year"].dtype) == "int64"
    assert str(a["rating"].dtype) == "Int64"
    assert a["rating"].iloc[0] == 4 and pd.isna(a["rating"].iloc[1])
    assert a["date"].iloc[0] == dt.date(2026, 3, 15) and a["date"].iloc[1] is None
    assert a["description"].tolist() == ["Godt samarbejde", "Mere viden om kemi"]
    assert pd.isna(a["help"].iloc[0]) and a["help"].iloc[1] == "Hjælp udefra"
    h = cur[HANDLEPLAN]
    assert str(h["urgent"].dtype) == "bool" and bool(h["urgent"].iloc[0]) is True
    assert h["quarter"].iloc[0] == "2026-Q1" and h["status"].iloc[0] == "Planlagt"
    assert h["date"].iloc[0] == dt.date(2026, 1, 10)
    u = cur[UDDANNELSE]
    assert str(u["hours"].dtype) == "float64"
    assert u["hours"].iloc[0] == 11.1 and pd.isna(u["hours"].iloc[1])
    assert u["joined"].iloc[0] == dt.date(2024, 9, 1) and u["joined"].iloc[1] is None
    assert a["id"].is_unique and h["id"].is_unique

    [batch] = store.history()
    assert set(batch) == {"id", "created_at", "user", "files", "sha256", "rows", "state", "meeting"}
    assert batch["meeting"] is None
    assert batch["id"] == 1 and batch["user"] == "anna" and batch["state"] == "current"
    assert batch["files"] == ["plan.xlsx"] and batch["sha256"] == [file.sha256]
    assert batch["rows"] == {**dict.fromkeys(TABLES, 0), ARBEJDSARK: 2, HANDLEPLAN: 1, UDDANNELSE: 2}
    created = dt.datetime.fromisoformat(batch["created_at"])
    assert batch["created_at"].endswith("+00:00")
    assert abs((dt.datetime.now(dt.UTC) - created).total_seconds()) < 120
    assert store.audit_log()[0]["action"] == "import"


# --------------------------------------------------------------------------- replace semantics


def test_import_replaces_exactly_its_groups(store):
    store.import_results([result("a.xlsx", arbejdsark=[
        ark("Lager", 2025, "L25 a"), ark("Lager", 2025, "L25 b"),
        ark("Lager", 2026, "L26 a"), ark("Lager", 2026, "L26 b"),
        ark("Kontor", 2026, "K26"),
    ], handleplan=[plan("Lager", 2026, "Plan A")])], user="a")
    outcome = store.import_results([result("b.xlsx", arbejdsark=[ark("Lager", 2026, "L26 ny")])], user="b")
    assert outcome.groups_replaced == 1 and outcome.groups_new == 0

    assert texts(store) == ["K26", "L25 a", "L25 b", "L26 ny"]
    # the Handleplan group (Lager, 2026) is another table's group: untouched
    assert texts(store, HANDLEPLAN, "what") == ["Plan A"]
    # batch a still has current groups: it stays current
    assert [(b["id"], b["state"]) for b in store.history()] == [(2, "current"), (1, "current")]

    # once every group of batch a is superseded, a is "replaced"
    store.import_results([result("c.xlsx", arbejdsark=[ark("Lager", 2025, "L25 ny"), ark("Kontor", 2026, "K ny")],
                                 handleplan=[plan("Lager", 2026, "Plan C")])], user="c")
    assert [(b["id"], b["state"]) for b in store.history()] == [(3, "current"), (2, "current"), (1, "replaced")]
    assert texts(store) == ["K ny", "L25 ny", "L26 ny"]


def test_same_content_twice_changes_nothing(store):
    rows = [ark("Lager", 2026, "Et"), ark("Lager", 2026, "To"), ark("Kontor", 2025, "Tre")]
    first = store.import_results([result("a.xlsx", arbejdsark=rows, uddannelse=[udd("Lager")])], user="a")
    before = store.current()
    again = store.import_results([result("a.xlsx", arbejdsark=rows, uddannelse=[udd("Lager")])], user="a")
    assert first.batch_id == 1
    assert again.unchanged and again.batch_id is None
    assert again.groups_replaced == 0 and again.groups_new == 0
    assert len(store.history()) == 1
    for table in TABLES:
        pd.testing.assert_frame_equal(store.current()[table], before[table])
    # documented: the comparison ignores row order
    reordered = store.import_results([result("b.xlsx", arbejdsark=list(reversed(rows)),
                                              uddannelse=[udd("Lager")])], user="a")
    assert reordered.unchanged and len(store.history()) == 1
    # one changed group among unchanged ones: only that group gets a new version
    changed = store.import_results([result("c.xlsx", arbejdsark=rows[:2] + [ark("Kontor", 2025, "Fire")])],
                                   user="a")
    assert changed.batch_id == 2 and changed.groups_replaced == 1 and changed.groups_new == 0
    assert texts(store) == ["Et", "Fire", "To"]


def test_two_files_of_one_call_touching_one_group_are_concatenated(store):
    outcome = store.import_results([
        result("a.xlsx", arbejdsark=[ark("Lager", 2026, "fra a")]),
        result("b.csv", arbejdsark=[ark("Lager", 2026, "fra b")]),
    ], user="u")
    assert outcome.groups_new == 1
    assert store.current()[ARBEJDSARK]["description"].tolist() == ["fra a", "fra b"]
    [batch] = store.history()
    assert batch["files"] == ["a.xlsx", "b.csv"] and batch["rows"][ARBEJDSARK] == 2
    # the very same file twice in one call is stored once
    same = result("c.xlsx", arbejdsark=[ark("Kontor", 2026, "én gang")])
    store.import_results([same, same], user="u")
    assert texts(store, department="Kontor") == ["én gang"]
    assert store.history()[0]["files"] == ["c.xlsx"]


def test_filters_by_year_and_department_case_insensitively(store):
    store.import_results([result("a.xlsx",
                                 arbejdsark=[ark("Lager", 2025, "L25"), ark("Lager", 2026, "L26"),
                                             ark("Kontor", 2026, "K26")],
                                 uddannelse=[udd("Lager", 2025), udd("Kontor", 2026)])], user="u")
    assert texts(store, year=2026) == ["K26", "L26"]
    assert texts(store, department="  lager ") == ["L25", "L26"]
    assert texts(store, year=2025, department="LAGER") == ["L25"]
    assert texts(store, UDDANNELSE, "department", year=2026) == ["Kontor"]
    assert texts(store, department="Ingen") == []
    assert store.years() == [2025, 2026]


# --------------------------------------------------------------------------- import: order, values, constraints


def _ids_and(store: Store, table: str, column: str) -> list:
    frame = store.current()[table]
    return list(zip(frame["id"], frame["department"], frame["year"], frame[column], strict=True))


def test_rows_are_stored_group_by_group_in_the_order_groups_are_first_met(store):
    interleaved = [ark("Lager", 2026, "l1"), ark("Kontor", 2026, "k1"), ark("lager", 2026, "l2"),
                   ark("Lager", 2025, "l25"), ark("Kontor", 2026, "k2"), ark("LAGER ", 2026, "l3")]
    second = [ark("Øst", 2026, "ø1"), ark("Kontor", 2026, "k3"), ark("Øst", 2026, "ø2")]
    outcome = store.import_results([result("a.xlsx", arbejdsark=interleaved,
                                           handleplan=[plan("Kontor", 2026, "h1"), plan("lager", 2026, "h2")]),
                                    result("b.xlsx", arbejdsark=second)], user="u")
    assert outcome.groups_new == 6
    # Groups in first-met order, rows of a group in file order, the second file's rows after
    # the first file's; every spelling of Lager is stored as the first one met.
    assert _ids_and(store, ARBEJDSARK, "description") == [
        (1, "Lager", 2026, "l1"), (2, "Lager", 2026, "l2"), (3, "Lager", 2026, "l3"),
        (4, "Kontor", 2026, "k1"), (5, "Kontor", 2026, "k2"), (6, "Kontor", 2026, "k3"),
        (7, "Lager", 2025, "l25"), (8, "Øst", 2026, "ø1"), (9, "Øst", 2026, "ø2")]
    assert _ids_and(store, HANDLEPLAN, "what") == [(1, "Kontor", 2026, "h1"), (2, "Lager", 2026, "h2")]
    with store.engine.connect() as conn:
        groups = conn.execute(versions.select().order_by(versions.c.id)).all()
    assert [(g.id, g.table_name, g.department, g.year, g.row_count) for g in groups] == [
        (1, ARBEJDSARK, "Lager", 2026, 3), (2, ARBEJDSARK, "Kontor", 2026, 3), (3, ARBEJDSARK, "Lager", 2025, 1),
        (4, HANDLEPLAN, "Kontor", 2026, 1), (5, HANDLEPLAN, "Lager", 2026, 1), (6, ARBEJDSARK, "Øst", 2026, 2)]

    # The same rows in another order, split differently over two files: nothing changes.
    shuffled = list(reversed(interleaved + second))
    again = store.import_results([result("c.xlsx", arbejdsark=shuffled[:4]),
                                  result("d.xlsx", arbejdsark=shuffled[4:],
                                         handleplan=[plan("LAGER", 2026, "h2"), plan("Kontor", 2026, "h1")])],
                                 user="u")
    assert again.unchanged and again.batch_id is None

    # One group changed among unchanged ones (one row only differs in Dato): only it is new,
    # its rows follow the existing ones, the rest keep their ids.
    changed = [ark("Kontor", 2026, "k1", date=dt.date(2026, 5, 1))] + interleaved[:1] + interleaved[2:] + second
    outcome = store.import_results([result("e.xlsx", arbejdsark=changed)], user="u")
    assert (outcome.groups_replaced, outcome.groups_new) == (1, 0)
    rows = _ids_and(store, ARBEJDSARK, "description")
    assert [r[0] for r in rows] == [1, 2, 3, 7, 8, 9, 10, 11, 12]
    assert rows[-3:] == [(10, "Kontor", 2026, "k1"), (11, "Kontor", 2026, "k2"), (12, "Kontor", 2026, "k3")]
    assert store.current()[ARBEJDSARK].set_index("id").loc[10, "date"] == dt.date(2026, 5, 1)


def test_values_of_other_types_are_stored_as_validation_would_give_them(store):
    rows = [ark("Lager", 2026, "a", date=dt.date(2026, 3, 1), rating=4, role="AMR"),
            ark("Lager", 2026, "b", date=None, rating=None, role=None)]
    plain = result("plain.xlsx", arbejdsark=rows, handleplan=[plan("Lager", 2026, urgent=True)],
                   uddannelse=[udd("Lager", 2026, hours=7.5), udd("Lager", 2026, "Andet", hours=None)])
    store.import_results([plain], user="u")
    expected = store.current()

    odd = result("odd.xlsx", arbejdsark=rows, handleplan=[plan("Lager", 2026, urgent=True)],
                 uddannelse=[udd("Lager", 2026, hours=7.5), udd("Lager", 2026, "Andet", hours=None)])
    ark_frame = odd.tables[ARBEJDSARK]
    ark_frame["date"] = pd.Series([pd.Timestamp("2026-03-01 00:00"), None], dtype=object)
    ark_frame["rating"] = pd.Series([np.int64(4), pd.NA], dtype=object)
    ark_frame["role"] = pd.Series(["AMR", np.nan], dtype=object)
    ark_frame["description"] = ark_frame["description"].astype("str")
    odd.tables[HANDLEPLAN]["urgent"] = pd.Series([np.True_], dtype=object)
    odd.tables[UDDANNELSE]["year"] = odd.tables[UDDANNELSE]["year"].astype(float)
    # Equal content in other types is no change.
    assert store.import_results([odd], user="u").unchanged
    # And stored into an empty store it gives the same tables.
    other = Store(store.url.replace("amo.sqlite", "other.sqlite")) if store.is_sqlite else None
    if other is not None:
        other.import_results([odd], user="u")
        for table in TABLES:
            pd.testing.assert_frame_equal(other.current()[table], expected[table])
        other.close()


def test_many_rows_keep_their_order_and_a_bad_row_late_in_them_rolls_back(store):
    # More rows than one multi-row statement holds, and not a multiple of it.
    rows = [ark(f"Afd {i % 7}", 2026, f"punkt {i}", rating=1 + i % 5, date=dt.date(2026, 1 + i % 12, 1))
            for i in range(1_003)]
    outcome = store.import_results([result("stor.xlsx", arbejdsark=rows)], user="u")
    assert outcome.groups_new == 7
    got = store.current()[ARBEJDSARK]
    expected = sorted(rows, key=lambda r: int(r["department"].split()[1]))  # groups as first met: Afd 0, 1, …
    assert got["description"].tolist() == [r["description"] for r in expected]
    assert got["id"].tolist() == list(range(1, 1_004))
    assert got["date"].tolist() == [r["date"] for r in expected]
    assert got["rating"].tolist() == [r["rating"] for r in expected]

    before = store.current()
    bad = [*rows[:-1], ark("Afd 1", 2026, "punkt x", rating=9)]  # CHECK violation, last row
    with pytest.raises(AmoError) as info:
        store.import_results([result("slet.xlsx", arbejdsark=[ark("Afd 0", 2026, "ny")]),
                              result("stor2.xlsx", arbejdsark=bad)], user="u")
    assert info.value.exit_code == 3
    for table in TABLES:
        pd.testing.assert_frame_equal(store.current()[table], before[table])
    assert len(store.history()) == 1


def test_current_rows_are_in_id_order_whatever_the_query_plan_gives(store):
    store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2026, "l1"), ark("Lager", 2026, "l2"),
                                                       ark("Kontor", 2026, "k1")])], user="u")
    data = DATA[ARBEJDSARK]
    with store.engine.begin() as conn:  # the first group's rows now come after the second's
        first_version = conn.execute(sa.select(sa.func.min(data.c.version_id))).scalar()
        conn.execute(data.update().where(data.c.version_id == first_version).values(id=data.c.id + 100))
    for frame in (store.current()[ARBEJDSARK], store.current(columns={ARBEJDSARK: ["description"]})[ARBEJDSARK]):
        assert frame["id"].tolist() == [3, 101, 102]
        assert frame["description"].tolist() == ["k1", "l1", "l2"]


def test_a_fresh_store_refuses_a_second_current_version_of_a_group(store):
    store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2026, "a")])], user="u")
    with store.engine.connect() as conn:
        row = conn.execute(versions.select()).one()._asdict()
    row.pop("id")
    with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
        conn.execute(versions.insert().values(**row))
    row["state"] = "replaced"  # only current versions are unique per group
    with store.engine.begin() as conn:
        conn.execute(versions.insert().values(**row))


# --------------------------------------------------------------------------- departments


def test_department_matching_keeps_the_stored_spelling(store):
    store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2025, "første")])], user="u")
    store.import_results([result("b.xlsx", arbejdsark=[ark("  LAGER ", 2026, "anden")],
                                 handleplan=[plan("lager", 2026)])], user="u")
    cur = store.current()
    assert set(cur[ARBEJDSARK]["department"]) == {"Lager"}
    assert set(cur[HANDLEPLAN]["department"]) == {"Lager"}
    assert store.departments() == ["Lager"]
    # same rows with another case: the same content, nothing changes
    again = store.import_results([result("c.xlsx", arbejdsark=[ark("lager", 2025, "første")])], user="u")
    assert again.unchanged
    # a department new to the store: the first spelling of the import wins
    store.import_results([result("d.xlsx", arbejdsark=[ark("kontor", 2026, "x")]),
                          result("e.xlsx", arbejdsark=[ark("KONTOR", 2026, "y")],
                                 uddannelse=[udd("Kontor")])], user="u")
    cur = store.current()
    assert sorted(set(cur[ARBEJDSARK]["department"])) == ["Lager", "kontor"]
    assert set(cur[UDDANNELSE]["department"]) == {"kontor"}
    assert texts(store, department="Kontor") == ["x", "y"]


def test_departments_sorted_in_danish_order(store):
    store.import_results([result("a.xlsx", arbejdsark=[ark(n, 2026, "x") for n in
                                                        ["Åby", "Øst", "Zulu", "Ærø", "administration"]])],
                         user="u")
    assert store.departments() == ["administration", "Zulu", "Ærø", "Øst", "Åby"]


# --------------------------------------------------------------------------- all or nothing


def _snapshot(store: Store):
    return store.current(), store.history(), store.data_version()


def _assert_same(store: Store, snapshot) -> None:
    cur, history, version = snapshot
    now = store.current()
    for table in TABLES:
        pd.testing.assert_frame_equal(now[table], cur[table])
    assert store.history() == history
    assert store.data_version() == version


def test_multi_file_call_is_all_or_nothing(store):
    store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2026, "før")],
                                 handleplan=[plan("Lager", 2026)])], user="u")
    snapshot = _snapshot(store)
    good = result("good.xlsx", arbejdsark=[ark("Lager", 2026, "efter"), ark("Ny", 2026, "ny")],
                  uddannelse=[udd("Lager")])
    # a row without the required Beskrivelse violates a NOT NULL constraint at insert time
    broken = result("broken.xlsx", arbejdsark=[ark("Kontor", 2026, None)])
    with pytest.raises(AmoError) as info:
        store.import_results([good, broken], user="u")
    assert info.value.exit_code == 3 and "intet er gemt" in info.value.message
    _assert_same(store, snapshot)

    # an out-of-range rating violates a CHECK constraint
    with pytest.raises(AmoError):
        store.import_results([good, result("bad.xlsx", arbejdsark=[ark("Kontor", 2026, "x", rating=9)])], user="u")
    _assert_same(store, snapshot)

    # a row without a department fails when its group is written
    with pytest.raises(AmoError):
        store.import_results([good, result("bad.xlsx", arbejdsark=[ark("  ", 2026, "x")])], user="u")
    _assert_same(store, snapshot)

    # the precondition: a file with errors is refused before anything is written
    problem = Problem("bad.xlsx", "Handleplan", 7, "Hvornår", "4. kvartl 2026", "ikke et kvartal")
    with pytest.raises(AmoError) as info:
        store.import_results([good, result("bad.xlsx", errors=[problem])], user="u")
    assert info.value.exit_code == 1 and "bad.xlsx" in info.value.message
    _assert_same(store, snapshot)

    # and the good file alone goes in
    store.import_results([good], user="u")
    assert texts(store) == ["efter", "ny"]


# --------------------------------------------------------------------------- status edits


def test_status_edit_is_in_place_and_audited(store):
    store.import_results([result("a.xlsx", handleplan=[plan("Lager", 2026, "Kursus"),
                                                       plan("Lager", 2026, "APV")])], user="u")
    plans = store.current()[HANDLEPLAN]
    action = int(plans["id"].iloc[1])
    version = store.data_version()
    store.set_action_status(action, "I gang", user="anna")
    plans2 = store.current()[HANDLEPLAN]
    assert plans2["id"].tolist() == plans["id"].tolist()  # in place: same rows, same ids
    assert plans2.set_index("id").loc[action, "status"] == "I gang"
    assert plans2.set_index("id").loc[int(plans["id"].iloc[0]), "status"] == "Ikke startet"
    assert store.data_version() > version
    assert len(store.history()) == 1
    entry = store.audit_log()[0]
    assert entry["action"] == "status" and entry["user"] == "anna"
    assert entry["details"]["action_id"] == action
    assert entry["details"]["old"] == "Ikke startet" and entry["details"]["new"] == "I gang"
    assert entry["at"].endswith("+00:00")

    store.set_action_status(action, "Done", user="anna")  # an alias means the canonical value
    assert store.current()[HANDLEPLAN].set_index("id").loc[action, "status"] == "Gennemført"

    with pytest.raises(AmoError) as info:
        store.set_action_status(action, "Halvt færdig", user="anna")
    assert info.value.exit_code == 2 and "status" in info.value.message
    with pytest.raises(AmoError):
        store.set_action_status(123456, "I gang", user="anna")

    # the file's status differs from the edited one: re-importing it is a change
    again = store.import_results([result("a.xlsx", handleplan=[plan("Lager", 2026, "Kursus"),
                                                               plan("Lager", 2026, "APV")])], user="u")
    assert not again.unchanged
    assert set(store.current()[HANDLEPLAN]["status"]) == {"Ikke startet"}
    # an action of a replaced version is no longer editable
    with pytest.raises(AmoError):
        store.set_action_status(action, "I gang", user="anna")


def test_a_status_edit_with_the_status_seen_is_refused_when_the_action_changed_meanwhile(store):
    store.import_results([result("a.xlsx", handleplan=[plan("Lager", 2026, "Kursus"),
                                                       plan("Kantine", 2026, "APV")])], user="u")
    lager, kantine = (int(i) for i in store.current()[HANDLEPLAN]["id"])
    store.set_action_status(lager, "I gang", user="kollega", expected="Ikke startet")
    version = store.data_version()
    with pytest.raises(AmoError) as info:  # another person changed it after Anna saw "Ikke startet"
        store.set_action_status(lager, "Aflyst", user="anna", expected="Ikke startet")
    assert info.value.exit_code == 2
    assert info.value.message.startswith("Status for »Kursus« (Lager, 2026) er ikke ændret til »Aflyst«: "
                                         "kollega ændrede den til »I gang« den ")
    assert store.current()[HANDLEPLAN].set_index("id").loc[lager, "status"] == "I gang"
    assert store.data_version() == version and [e["user"] for e in store.audit_log()][:1] == ["kollega"]
    store.set_action_status(lager, "I gang", user="anna", expected="Ikke startet")  # the same: nothing to do
    store.set_action_status(kantine, "Aflyst", user="anna", expected="Ikke startet")  # another action: saved
    assert store.audit_log()[0]["details"]["action_id"] == kantine
    # An import replaces Lager's actions: the one seen is gone, and the refusal says so.
    store.import_results([result("b.xlsx", handleplan=[plan("Lager", 2026, "Nyt kursus")])], user="u")
    with pytest.raises(AmoError) as info:
        store.set_action_status(lager, "Aflyst", user="anna", expected="I gang")
    assert "»Kursus« (Lager, 2026) er ikke ændret: handlingen er i mellemtiden erstattet" in info.value.message
    assert store.audit_log()[0]["action"] == "import"


# --------------------------------------------------------------------------- concurrency

WORKERS = 8
ROWS_PER_WORKER = 300


def _worker_rows(n: int):
    department = f"Afdeling {n}"
    return (
        [ark(department, 2025 + i % 2, f"punkt {i}") for i in range(ROWS_PER_WORKER)]
        + [ark("Fælles", 2026, f"fælles fra {n}") for _ in range(3)],  # one group every process writes
        [plan(department, 2026, f"indsats {i}") for i in range(20)],
        [udd(department, 2026, f"kursus {i}") for i in range(10)],
    )


def _import_worker(url: str, n: int, barrier) -> None:
    try:
        barrier.wait(timeout=120)  # everybody opens the (possibly fresh) store at once
        store = Store(url)
        arbejdsark, handleplan, uddannelse = _worker_rows(n)
        file = result(f"afd{n}.xlsx", arbejdsark, handleplan, uddannelse)
        barrier.wait(timeout=120)  # ... and imports at once
        outcome = store.import_results([file], user=f"proces {n}")
        assert outcome.batch_id is not None and outcome.groups_new + outcome.groups_replaced == 5
        store.close()
    except BaseException:  # noqa: BLE001 - report anything, then fail the process
        traceback.print_exc()
        raise SystemExit(1) from None


def test_concurrent_importing_processes(url):
    """8 processes import at once into one fresh store: each its own department, and all the same
    shared group. All succeed, every row arrives, the shared group has one current version."""
    ctx = process_context()
    barrier = ctx.Barrier(WORKERS)
    processes = [ctx.Process(target=_import_worker, args=(url, n, barrier)) for n in range(WORKERS)]
    for p in processes:
        p.start()
    deadline = time.monotonic() + 300
    while any(p.is_alive() for p in processes) and time.monotonic() < deadline:
        if any(p.exitcode not in (None, 0) for p in processes):
            barrier.abort()  # a process died: release the others at once instead of at the timeout
        time.sleep(0.1)
    codes = [p.exitcode for p in processes]
    for p in processes:
        if p.is_alive():
            p.kill()
        p.join()
    assert codes == [0] * WORKERS

    store = Store(url)
    history = store.history()
    assert len(history) == WORKERS and {b["state"] for b in history} == {"current"}
    assert sorted(b["id"] for b in history) == list(range(1, WORKERS + 1))
    cur = store.current()
    assert len(cur[ARBEJDSARK]) == WORKERS * ROWS_PER_WORKER + 3
    assert len(cur[HANDLEPLAN]) == WORKERS * 20 and len(cur[UDDANNELSE]) == WORKERS * 10
    assert store.departments() == sorted(f"Afdeling {n}" for n in range(WORKERS)) + ["Fælles"]
    for n in range(WORKERS):
        got = sorted(store.current(department=f"afdeling {n}")[ARBEJDSARK]["description"])
        assert got == sorted(f"punkt {i}" for i in range(ROWS_PER_WORKER))
    # the shared group: the last import (highest batch id) wins, the others were replaced
    last = history[0]["user"].removeprefix("proces ")
    assert texts(store, department="Fælles") == [f"fælles fra {last}"] * 3
    imports = [e for e in store.audit_log() if e["action"] == "import"]
    assert sum(e["details"]["groups_replaced"] for e in imports) == WORKERS - 1
    store.close()


# --------------------------------------------------------------------------- speed


def test_bulk_import_is_fast(store):
    n = 20_000
    rows = [ark(f"Afd {i % 10}", 2020 + (i // 10) % 5, f"punkt {i}", rating=1 + i % 5) for i in range(n)]
    file = result("stor.xlsx", arbejdsark=rows)
    start = time.perf_counter()
    outcome = store.import_results([file], user="u")
    elapsed = time.perf_counter() - start
    assert outcome.groups_new == 50 and outcome.rows[ARBEJDSARK] == n
    assert elapsed < 15, f"importing {n} rows took {elapsed:.1f} s"
    start = time.perf_counter()
    assert len(store.current()[ARBEJDSARK]) == n
    assert store.import_results([file], user="u").unchanged
    assert time.perf_counter() - start < 15
