"""The store's small all-years queries for the dashboard (Store.outline, Store.needs_counts)
give exactly the figures that the same metrics give on every current row (Store.current).

Both backends; random histories (several imports, an undo, rows with and without Dato,
departments only in Handleplan or Uddannelse, a department spelled in two cases).
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
import sqlalchemy as sa

from amo_data import metrics, vocab
from amo_data.schema import ARBEJDSARK, HANDLEPLAN, TABLES, UDDANNELSE
from amo_data.store import DATA, SCHEMA_VERSION, Store, versions
from tests.test_store import ark, plan, result, udd
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


def _years(tables) -> set[int]:
    return {int(y) for name in TABLES for y in tables[name]["year"].dropna().unique()}


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


def _migrated_from(store: Store, url: str, version: int, dropped: list[str], recorded: str) -> Store:
    """Turn ``store`` into a schema ``version`` store (without the ``dropped`` columns of the
    versions table), open it again, which migrates it, and check that the migration filled the
    ``recorded`` column for the Arbejdsark versions and for them only."""
    with store.engine.begin() as conn:
        for column in dropped:
            conn.exec_driver_sql(f"ALTER TABLE group_versions DROP COLUMN {column}")
        conn.exec_driver_sql(f"UPDATE meta SET value = {version} WHERE key = 'schema_version'")
    store.close()
    migrated = Store(url)
    assert migrated.schema_version() == SCHEMA_VERSION
    with migrated.engine.connect() as conn:
        rows = conn.execute(sa.select(versions.c.table_name, versions.c[recorded])).all()
    assert all((value is not None) == (table == ARBEJDSARK) for table, value in rows)
    return migrated


def _needs(store: Store) -> dict:
    return {tuple(chosen): store.needs_counts(chosen or None).to_dict("list")
            for chosen in ([], ["Lager"], ["lager", "Øst"], ["Findes ikke"])}


@pytest.mark.parametrize("seed", range(3))
def test_needs_counts_from_recorded_needs_equal_needs_counted_in_the_rows(url, seed):
    """The needs per area recorded per version (schema 4) give the same counts as the rows:
    for versions without them (written by something else), after migrating a version 3 store
    (which has no such column), and for new imports afterwards."""
    store = Store(url)
    _history(store, seed)
    expected = _needs(store)
    with store.engine.connect() as conn:
        recorded = conn.execute(sa.select(versions.c.table_name, versions.c.need_areas)).all()
    assert all((needs is not None) == (table == ARBEJDSARK) for table, needs in recorded)
    with store.engine.begin() as conn:  # forget what the imports recorded: count the rows
        conn.execute(versions.update().values(need_areas=None))
    assert _needs(store) == expected
    migrated = _migrated_from(store, url, 3, ["need_areas"], "need_areas")
    assert _needs(migrated) == expected
    assert migrated.run_migrations(from_version=3) == SCHEMA_VERSION  # again: harmless
    assert _needs(migrated) == expected
    migrated.import_results([result("ny.xlsx", arbejdsark=[
        ark("Øst", 2027, "a", area=AREAS[0], category=vocab.BRUG_FOR_AT_STYRKE),
        ark("Øst", 2027, "b", area=AREAS[0], category=vocab.BRUG_FOR_AT_STYRKE),
        ark("Øst", 2027, "c", area=AREAS[1], category=vocab.LYKKES)])], user="test")
    full = migrated.current()
    for chosen in ([], ["Øst"]):
        expected_trend = metrics.needs_trend(metrics.filter_tables(full, departments=chosen or None)[ARBEJDSARK])
        got = metrics.needs_trend_of_counts(migrated.needs_counts(chosen or None))
        assert got.to_dict("list") == expected_trend.to_dict("list")
    counts = migrated.needs_counts(["Øst"])
    assert counts[counts["year"] == 2027][["area", "count"]].values.tolist() == [[AREAS[0], 2]]
    migrated.close()


def test_empty_store_outline(store):
    outline = store.outline()
    assert all(outline[t].empty for t in TABLES)
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
def test_outline_from_recorded_dates_equals_outline_from_rows(url, seed):
    """The newest Dato / undated flag recorded per version (schema 3) give the same outline as
    the rows: for versions without them (written by something else), and after migrating a
    version 2 store (which has no such columns)."""
    store = Store(url)
    _history(store, seed)
    expected = _outline_dicts(store)
    with store.engine.begin() as conn:  # forget what the imports recorded: read from the rows
        conn.execute(versions.update().values(newest_date=None, undated=None))
    assert _outline_dicts(store) == expected
    migrated = _migrated_from(store, url, 2, ["newest_date", "undated"], "undated")
    assert _outline_dicts(migrated) == expected
    assert migrated.run_migrations(from_version=2) == SCHEMA_VERSION  # again: harmless
    assert _outline_dicts(migrated) == expected
    # New imports record them again, and the figures still match every row.
    migrated.import_results([result("ny.xlsx", arbejdsark=[ark("Kontor", 2026, "ny", date=dt.date(2026, 2, 2)),
                                                           ark("Kontor", 2026, "uden")])], user="test")
    full, outline = migrated.current(), migrated.outline()
    for today in TODAYS:
        assert (metrics.departments_without_discussion(outline, today)
                == metrics.departments_without_discussion(full, today))
    kontor = outline[ARBEJDSARK].query("department == 'Kontor' and year == 2026")["date"].tolist()
    assert kontor == [dt.date(2026, 2, 2), None]
    migrated.close()
