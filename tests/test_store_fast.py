"""The store's cheaper paths give the same results as the full ones, on both backends.

- Narrow loads (``Store.current_tables(..., columns=...)``, ``Store.current(columns=...)``):
  ``id`` plus the asked columns, in canonical order, equal (values and dtypes) to those columns
  of the full load, with every filter.
"""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

from amo_data import vocab
from amo_data.schema import ARBEJDSARK, CANONICAL, HANDLEPLAN, TABLES, UDDANNELSE
from amo_data.store import Store
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
