"""The store's cheaper paths give the same results as the full ones, on both backends.

- Narrow loads (``Store.current_tables(..., columns=...)``, ``Store.current(columns=...)``):
  ``id`` plus the asked columns, in canonical order, equal (values and dtypes) to those columns
  of the full load, with every filter.
- The column-wise import: rows stored group by group in the order the groups are first met
  (files in order), whatever order the file lists them in; values of other types than
  validation gives are converted as before; unchanged groups are found by content whatever
  the row order, also when only some groups of an import changed.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

import pandas as pd
import pytest
import sqlalchemy as sa

from amo_data import vocab
from amo_data.errors import AmoError
from amo_data.schema import ARBEJDSARK, CANONICAL, HANDLEPLAN, TABLES, UDDANNELSE
from amo_data.store import DATA, Store, versions
from tests.test_store import ark, plan, result, udd
from tests.test_store import store as store  # noqa: F401  (fixture)
from tests.test_store import url as url  # noqa: F401  (fixture)

DEPARTMENTS = ["Lager", "Kontor", "Ældreplejen", "Åen", "Øst"]


def _fill(store: Store, seed: int = 0) -> None:
    """Two imports (the second replaces some groups) with every kind of value, also missing ones."""
    rng = random.Random(seed)
    for n in range(2):
        rows = {ARBEJDSARK: [], HANDLEPLAN: [], UDDANNELSE: []}
        for dep in rng.sample(DEPARTMENTS, 3 + n):
            for year in (2025, 2026):
                for i in range(rng.randint(1, 4)):
                    rows[ARBEJDSARK].append(ark(
                        dep, year, f"Beskrivelse {n}{i} " * 5,
                        date=dt.date(year, rng.randint(1, 12), 3) if rng.random() < 0.5 else None,
                        category=rng.choice([vocab.LYKKES, vocab.BRUG_FOR_AT_STYRKE, vocab.VIGTIG_OPGAVE]),
                        rating=rng.choice([None, 1, 3, 5]), role=rng.choice([None, "AMR"]),
                        help=rng.choice([None, "Egen kompetenceudvikling"])))
                rows[HANDLEPLAN].append(plan(dep, year, f"Handling {n}", urgent=rng.random() < 0.5,
                                             why=rng.choice([None, "Fordi"]),
                                             date=rng.choice([None, dt.date(year, 2, 1)])))
                rows[UDDANNELSE].append(udd(dep, year, f"Kursus {n}", hours=rng.choice([None, 7.5, 14.8]),
                                            joined=rng.choice([None, dt.date(2020, 5, 1)]),
                                            name=rng.choice([None, "ÅS"])))
        store.import_results([result(f"fil-{seed}-{n}.xlsx", **rows)], user="test")


NARROW = {
    ARBEJDSARK: ["year", "department", "date", "category", "area", "rating"],  # any order asked
    HANDLEPLAN: ["status", "quarter", "urgent", "department", "year"],
    UDDANNELSE: ["hours", "joined", "year", "department", "status"],
}


@pytest.mark.parametrize("filters", [{}, {"year": 2026}, {"department": "lager"}, {"year": 2025, "department": "ØST"}])
def test_narrow_load_equals_those_columns_of_the_full_load(store, filters):
    _fill(store)
    full = store.current(**filters)
    narrow = store.current(columns=NARROW, **filters)
    assert sorted(narrow) == sorted(TABLES)
    for table in TABLES:
        expected_columns = ["id"] + [c for c in CANONICAL[table] if c in NARROW[table]]
        assert list(narrow[table].columns) == expected_columns
        pd.testing.assert_frame_equal(narrow[table], full[table][expected_columns], check_exact=True)
        assert list(narrow[table].dtypes.astype(str)) == list(full[table][expected_columns].dtypes.astype(str))
    if not filters:
        assert len(full[ARBEJDSARK]) > 0 and len(full[HANDLEPLAN]) > 0


def test_narrow_load_of_some_tables_and_default_columns(store):
    _fill(store, seed=1)
    full = store.current()
    part = store.current_tables([HANDLEPLAN, ARBEJDSARK], columns={ARBEJDSARK: ("department",)})
    assert sorted(part) == [ARBEJDSARK, HANDLEPLAN]
    # A table the mapping does not name is loaded whole.
    pd.testing.assert_frame_equal(part[HANDLEPLAN], full[HANDLEPLAN])
    pd.testing.assert_frame_equal(part[ARBEJDSARK], full[ARBEJDSARK][["id", "department"]])
    # Only id: the row ids of the current rows.
    ids = store.current_tables([UDDANNELSE], columns={UDDANNELSE: []})[UDDANNELSE]
    assert list(ids.columns) == ["id"] and ids["id"].tolist() == full[UDDANNELSE]["id"].tolist()
    # None means every column, exactly as before.
    for table, frame in store.current(columns=None).items():
        pd.testing.assert_frame_equal(frame, full[table])


def test_narrow_load_of_an_empty_selection_has_the_dtypes(store):
    _fill(store)
    empty = store.current(year=1999, columns=NARROW)
    full = store.current(year=1999)
    for table in TABLES:
        assert empty[table].empty
        cols = list(empty[table].columns)
        assert list(empty[table].dtypes.astype(str)) == list(full[table][cols].dtypes.astype(str))


def test_unknown_column_is_refused(store):
    with pytest.raises(ValueError, match="beskrivelse"):
        store.current(columns={ARBEJDSARK: ["department", "beskrivelse"]})


# --------------------------------------------------------------------------- import


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


def test_version_ids_continue_after_an_erasure(store):
    store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2026, "a"), ark("Kontor", 2026, "b")])], user="u")
    store.delete_department("Kontor", user="admin")  # erases the newest group version
    outcome = store.import_results([result("b.xlsx", arbejdsark=[ark("Øst", 2026, "c"), ark("Lager", 2026, "d")])],
                                   user="u")
    assert (outcome.groups_replaced, outcome.groups_new) == (1, 1)
    with store.engine.connect() as conn:
        groups = conn.execute(versions.select().order_by(versions.c.id)).all()
    assert [(g.department, g.state, g.previous_id) for g in groups] == [
        ("Lager", "replaced", None), ("Øst", "current", None), ("Lager", "current", 1)]
    # SQLite gives the largest id + 1 (as it always did); PostgreSQL's sequence does not reuse 2.
    assert [g.id for g in groups] == ([1, 2, 3] if store.is_sqlite else [1, 3, 4])
    assert sorted(store.current()[ARBEJDSARK]["description"]) == ["c", "d"]
    store.undo(outcome.batch_id, user="u")
    assert store.current()[ARBEJDSARK]["description"].tolist() == ["a"]


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


def test_undo_after_a_reimport_over_an_undone_import_never_brings_undone_rows_back(store):
    # Found while comparing the store before and after the speed-ups on random histories.
    first = store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2024, "a")])], user="u").batch_id
    second = store.import_results([result("b.xlsx", arbejdsark=[ark("Lager", 2024, "b")])], user="u").batch_id
    store.undo(second, user="u")  # "a" is current again
    third = store.import_results([result("c.xlsx", arbejdsark=[ark("Lager", 2024, "c")])], user="u").batch_id
    # Undo the first import: "c" stays; "a" is cut out of the chain.
    assert store.undo(first, user="u")["groups_kept"] == 1
    assert store.current()[ARBEJDSARK]["description"].tolist() == ["c"]
    # Undoing the third import restores what the first one had replaced: nothing. Never "a".
    assert store.undo(third, user="u")["groups_removed"] == 1
    assert store.current()[ARBEJDSARK].empty
    assert [b["state"] for b in store.history()] == ["undone", "undone", "undone"]


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
