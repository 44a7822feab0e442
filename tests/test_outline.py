"""The store's cheaper reads give what every row gives, both backends:

- the small all-years queries for the dashboard (Store.outline, Store.needs_counts) give exactly
  the figures that the same metrics give on every current row (Store.current), also in a store
  migrated from an older schema;
- narrow loads (``Store.current_tables(..., columns=...)``, ``Store.current(columns=...)``):
  ``id`` plus the asked columns, in canonical order, equal (values and dtypes) to those columns
  of the full load, with every filter.

Both backends; random histories (several imports, an undo, rows with and without Dato,
departments only in Handleplan or Uddannelse, a department spelled in two cases).
"""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest
import sqlalchemy as sa

from amo_data import metrics, vocab
from amo_data.schema import ARBEJDSARK, CANONICAL, HANDLEPLAN, MEDLEMMER, ORGANISATION, TABLES, UDDANNELSE
from amo_data.store import DATA, SCHEMA_VERSION, Store, versions
from tests.test_store import ark, member, plan, result, udd, unit
from tests.test_store import store as store  # noqa: F401  (fixture)
from tests.test_store import url as url  # noqa: F401  (fixture)

DEPARTMENTS = ["Lager", "Kontor", "Ældreplejen", "Åen", "Øst", "Produktion"]
AREAS = ["Psykisk arbejdsmiljø", "Kemisk og biologisk arbejdsmiljø", "Ergonomisk arbejdsmiljø"]
CATEGORIES = [vocab.LYKKES, vocab.BRUG_FOR_AT_STYRKE, vocab.VIGTIG_OPGAVE]
TODAYS = [dt.date(2024, 6, 1), dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 11, 26), dt.date(2027, 3, 1)]


def _history(store: Store, seed: int) -> None:
    rng = random.Random(seed)
    for n in range(3):
        rows = {ARBEJDSARK: [], HANDLEPLAN: [], UDDANNELSE: []}
        for dep in rng.sample(DEPARTMENTS, rng.randint(2, len(DEPARTMENTS))):
            for year in rng.sample([2023, 2024, 2025, 2026], rng.randint(1, 3)):
                kind = rng.random()
                if kind < 0.6:  # Arbejdsark: with or without Dato
                    for i in range(rng.randint(1, 4)):
                        date = dt.date(year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.5 else None
                        rows[ARBEJDSARK].append(ark(dep, year, f"p{n}{i}", date=date, area=rng.choice(AREAS),
                                                    category=rng.choice(CATEGORIES)))
                elif kind < 0.8:
                    rows[HANDLEPLAN].append(plan(dep, year, f"h{n}"))
                else:
                    rows[UDDANNELSE].append(udd(dep, year, f"k{n}"))
        store.import_results([result(f"f{seed}-{n}.xlsx", **rows)], user="test")
    if seed % 2:
        store.undo(store.history()[0]["id"], user="test")
    # A second spelling of one department (e.g. a restored old version): rows and group both.
    with store.engine.begin() as conn:
        conn.execute(DATA[HANDLEPLAN].update().where(DATA[HANDLEPLAN].c.department == "Lager")
                     .values(department="LAGER"))
        conn.execute(versions.update().where(versions.c.table_name == HANDLEPLAN, versions.c.department == "Lager")
                     .values(department="LAGER"))


YEAR_TABLES = (ARBEJDSARK, HANDLEPLAN, UDDANNELSE)


def _years(tables) -> set[int]:
    return {int(y) for name in YEAR_TABLES for y in tables[name]["year"].dropna().unique()}


@pytest.mark.parametrize("seed", range(6))
def test_outline_gives_the_same_all_years_figures_as_every_row(store, seed):
    _history(store, seed)
    full, outline = store.current(), store.outline()
    assert len(outline[ARBEJDSARK]) <= len(full[ARBEJDSARK])
    assert _years(outline) == _years(full)
    assert metrics.departments(outline) == metrics.departments(full)
    names = metrics.departments(full)
    for chosen in ([], names[:1], names[1:3], ["lager"], ["LAGER", "Øst"]):
        scope_full = metrics.filter_tables(full, departments=chosen or None)
        scope_outline = metrics.filter_tables(outline, departments=chosen or None)
        for today in TODAYS:
            assert (metrics.departments_without_discussion(scope_outline, today)
                    == metrics.departments_without_discussion(scope_full, today)), (chosen, today)
        assert (len(metrics.departments(metrics.unify_departments(scope_outline)))
                == metrics.tiles(scope_full, year=2026, today=TODAYS[-1])["departments_total"])


@pytest.mark.parametrize("seed", range(4))
def test_needs_counts_give_the_needs_trend_of_every_row(store, seed):
    _history(store, seed)
    full = store.current()
    names = metrics.departments(full)
    for chosen in ([], names[:1], names[1:4], ["lager"], ["Findes ikke"]):
        expected = metrics.needs_trend(metrics.filter_tables(full, departments=chosen or None)[ARBEJDSARK])
        got = metrics.needs_trend_of_counts(store.needs_counts(chosen or None))
        assert got.to_dict("list") == expected.to_dict("list"), chosen
        assert list(got.dtypes.astype(str)) == list(expected.dtypes.astype(str))


def _needs(store: Store) -> dict:
    return {tuple(chosen): store.needs_counts(chosen or None).to_dict("list")
            for chosen in ([], ["Lager"], ["lager", "Øst"], ["Findes ikke"])}


def test_empty_store_outline(store):
    outline = store.outline()
    assert sorted(outline) == sorted([*YEAR_TABLES, "medlemmer"]) and all(frame.empty for frame in outline.values())
    assert metrics.departments_without_discussion(outline, TODAYS[0]) == []
    assert metrics.needs_trend_of_counts(store.needs_counts()).empty
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(versions)).scalar() == 0


@pytest.mark.parametrize("seed", range(2))
def test_current_tables_is_current_of_those_tables(store, seed):
    _history(store, seed)
    for year in (None, 2024, 2026):
        full = store.current(year=year)
        for names in ([HANDLEPLAN], [UDDANNELSE, ARBEJDSARK]):
            part = store.current_tables(names, year=year)
            assert sorted(part) == sorted(names)
            for name in names:
                assert part[name].equals(full[name])


@pytest.mark.parametrize("seed", range(2))
def test_has_current_rows_says_whether_current_returns_rows(store, seed):
    assert not store.has_current_rows()
    _history(store, seed)
    assert store.has_current_rows() == any(not df.empty for df in store.current().values())
    for batch in store.history():
        if batch["state"] != "undone":
            store.undo(batch["id"], user="test")
    assert store.has_current_rows() == any(not df.empty for df in store.current().values())


def _outline_dicts(store: Store) -> dict:
    return {name: frame.to_dict("list") for name, frame in store.outline().items()}


@pytest.mark.parametrize("seed", range(3))
def test_outline_and_needs_are_the_same_after_migrating_a_version_2_store(url, seed):
    """A store of schema version 2 (before the per-version summaries of versions 3 and 4, which
    version 5 drops again) migrates, and gives the same outline and needs; new imports too."""
    store = Store(url)
    _history(store, seed)
    expected = _outline_dicts(store), _needs(store)
    with store.engine.begin() as conn:  # the columns versions 3 and 4 added, unfilled as a version 2 store
        for column, kind in (("newest_date", "DATE"), ("undated", "BOOLEAN"), ("need_areas", "JSON")):
            conn.exec_driver_sql(f"ALTER TABLE group_versions ADD COLUMN {column} {kind}")
        conn.exec_driver_sql("UPDATE meta SET value = 2 WHERE key = 'schema_version'")
    store.close()
    migrated = Store(url)
    assert migrated.schema_version() == SCHEMA_VERSION
    with migrated.engine.connect() as conn:
        assert {c["name"] for c in sa.inspect(conn).get_columns("group_versions")}.isdisjoint(
            {"newest_date", "undated", "need_areas"})
    assert (_outline_dicts(migrated), _needs(migrated)) == expected
    assert migrated.run_migrations(from_version=2) == SCHEMA_VERSION  # again: harmless
    assert (_outline_dicts(migrated), _needs(migrated)) == expected
    migrated.import_results([result("ny.xlsx", arbejdsark=[
        ark("Kontor", 2026, "ny", date=dt.date(2026, 2, 2)), ark("Kontor", 2026, "uden"),
        ark("Øst", 2027, "a", area=AREAS[0], category=vocab.BRUG_FOR_AT_STYRKE),
        ark("Øst", 2027, "b", area=AREAS[0], category=vocab.BRUG_FOR_AT_STYRKE),
        ark("Øst", 2027, "c", area=AREAS[1], category=vocab.LYKKES)])], user="test")
    full, outline = migrated.current(), migrated.outline()
    for today in TODAYS:
        assert (metrics.departments_without_discussion(outline, today)
                == metrics.departments_without_discussion(full, today))
    kontor = outline[ARBEJDSARK].query("department == 'Kontor' and year == 2026")["date"].tolist()
    assert kontor == [dt.date(2026, 2, 2), None]
    for chosen in ([], ["Øst"]):
        expected_trend = metrics.needs_trend(metrics.filter_tables(full, departments=chosen or None)[ARBEJDSARK])
        assert metrics.needs_trend_of_counts(migrated.needs_counts(chosen or None)).to_dict("list") == \
            expected_trend.to_dict("list")
    counts = migrated.needs_counts(["Øst"])
    assert counts[counts["year"] == 2027][["area", "count"]].values.tolist() == [[AREAS[0], 2]]
    migrated.close()


# --------------------------------------------------------------------------- narrow loads


def _fill(store: Store, seed: int = 0) -> None:
    """Two imports (the second replaces some groups) with every kind of value, also missing ones."""
    rng = random.Random(seed)
    for n in range(2):
        rows = {ARBEJDSARK: [], HANDLEPLAN: [], UDDANNELSE: [], MEDLEMMER: [], ORGANISATION: []}
        for dep in rng.sample(DEPARTMENTS, 3 + n):
            rows[MEDLEMMER] += [member(dep, f"Medlem {n}{i}", email=rng.choice([None, "a@firma.dk"]),
                                       left=rng.choice([None, dt.date(2026, 6, 30)])) for i in range(rng.randint(1, 3))]
            rows[ORGANISATION].append(unit(dep, rng.choice([None, "Drift", "Administration"])))
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
    MEDLEMMER: ["left", "department", "email"],
    ORGANISATION: ["parent"],
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
        # A table without years (Medlemmer, Organisation) is given whole whatever the year.
        assert empty[table].empty == (table not in (MEDLEMMER, ORGANISATION)), table
        cols = list(empty[table].columns)
        assert list(empty[table].dtypes.astype(str)) == list(full[table][cols].dtypes.astype(str))


def test_unknown_column_is_refused(store):
    with pytest.raises(ValueError, match="beskrivelse"):
        store.current(columns={ARBEJDSARK: ["department", "beskrivelse"]})
