"""The pages' database-side figures give exactly what the same metrics give on every row.

Both backends, random histories (several imports, an undo, missing values, unknown areas and
categories' neighbours, a department spelled in two cases):

- ``Store.counts`` (a GROUP BY) equals ``metrics.count_rows`` of the current rows, for every
  column kind, year and department choice;
- the ``…_of_counts`` metrics on those counts equal the row-wise metrics (what Styrker og behov
  and Sammenlign afdelinger show), and the pages' figure sets built from ``Store.counts`` equal
  the ones built from every row;
- ``Store.current_tables(area=…)`` is the rows of that area;
- ``Store.known_departments`` keeps its rule (newest current spelling, else newest).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import random

import pandas as pd
import pytest
import sqlalchemy as sa

import amo_ui as ui
from amo_data import metrics, summary, vocab
from amo_data.schema import ARBEJDSARK, CANONICAL, HANDLEPLAN, MEDLEMMER, ORGANISATION, UDDANNELSE
from amo_data.store import DATA, Store, versions
from tests.test_store import ark, plan, result, udd
from tests.test_store import store as store  # noqa: F401  (fixture)
from tests.test_store import url as url  # noqa: F401  (fixture)

DEPARTMENTS = ["Lager", "Kontor", "Ældreplejen", "Åen", "Øst", "Produktion"]
AREAS = ["Psykisk arbejdsmiljø", "Ergonomi", "Kemisk og biologisk arbejdsmiljø", "Noget helt andet", "Kantinen"]
CATEGORIES = [vocab.LYKKES, vocab.BRUG_FOR_AT_STYRKE, vocab.VIGTIG_OPGAVE]
HELPS = [None, *vocab.HELP.values]
STATUSES = list(vocab.STATUS.values)


def _history(store: Store, seed: int, second_spelling: bool = True) -> None:
    rng = random.Random(seed)
    for n in range(3):
        rows = {ARBEJDSARK: [], HANDLEPLAN: [], UDDANNELSE: []}
        for dep in rng.sample(DEPARTMENTS, rng.randint(2, len(DEPARTMENTS))):
            for year in rng.sample([2024, 2025, 2026], rng.randint(1, 3)):
                for i in range(rng.randint(0, 6)):
                    date = dt.date(year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.5 else None
                    rows[ARBEJDSARK].append(ark(dep, year, f"p{n}{i}", date=date, area=rng.choice(AREAS),
                                                category=rng.choice(CATEGORIES), help=rng.choice(HELPS),
                                                rating=rng.choice([None, 1, 4]), role=rng.choice([None, "AMR"])))
                for i in range(rng.randint(0, 3)):
                    quarter = rng.choice([f"{year}-Q1", f"{year}-Q4"])
                    rows[HANDLEPLAN].append(plan(dep, year, f"h{n}{i}", area=rng.choice(AREAS),
                                                 help=rng.choice(HELPS[1:]), quarter=quarter, when=quarter,
                                                 urgent=rng.random() < 0.3, status=rng.choice(STATUSES)))
                if rng.random() < 0.3:
                    rows[UDDANNELSE].append(udd(dep, year, f"k{n}", hours=rng.choice([None, 7.5, 14.8])))
        store.import_results([result(f"f{seed}-{n}.xlsx", **rows)], user="test")
    if seed % 2:
        store.undo(store.history()[0]["id"], user="test")
    if second_spelling:
        _spell_lager_2025_in_capitals(store)


def _spell_lager_2025_in_capitals(store: Store) -> None:
    # A second spelling of one department (e.g. a restored old version): rows and group both.
    with store.engine.begin() as conn:
        conn.execute(DATA[ARBEJDSARK].update().where(DATA[ARBEJDSARK].c.department == "Lager")
                     .where(DATA[ARBEJDSARK].c.year == 2025).values(department="LAGER"))
        conn.execute(versions.update().where(versions.c.table_name == ARBEJDSARK, versions.c.department == "Lager",
                                             versions.c.year == 2025).values(department="LAGER"))


def _plain(frame: pd.DataFrame) -> list[tuple]:
    """Rows as sorted tuples, every missing value as None (row order is not part of counts)."""
    rows = [tuple(None if metrics._is_missing(v) else v for v in row) for row in frame.itertuples(index=False)]
    return sorted(rows, key=repr)


# The figures of every row, per seed: a seed's history gives SQLite and PostgreSQL the same rows,
# so what both stores' counts must equal is computed once (when the rows are indeed the same).
_ROW_FIGURES: dict[tuple, tuple[dict[str, pd.DataFrame], dict]] = {}


def _figures_of_rows(key: tuple, full: dict[str, pd.DataFrame]) -> dict:
    """A dict for the figures of ``full``'s rows, shared by the runs under ``key`` with equal rows."""
    seen = _ROW_FIGURES.get(key)
    if seen is not None and seen[0].keys() == full.keys() and all(
            seen[0][t].equals(full[t]) and seen[0][t].dtypes.equals(full[t].dtypes)
            and _plain(seen[0][t]) == _plain(full[t]) for t in full):
        return seen[1]
    figures: dict = {}
    _ROW_FIGURES[key] = (full, figures)
    return figures


def _counted(count, rows: pd.DataFrame, by) -> list[tuple]:
    """``count(rows, by)`` as sorted plain rows."""
    return _plain(count(rows, by))


def _once(figures: dict, key, compute, *args, **kwargs):
    """``compute(*args, **kwargs)``, kept in ``figures`` under ``key``."""
    if key not in figures:
        figures[key] = compute(*args, **kwargs)
    return figures[key]


BY = {
    ARBEJDSARK: [("area", "category", "help"), ("department",), ("department", "area", "category"),
                 ("category", "area", "year"), ("date", "rating", "role")],
    HANDLEPLAN: [("quarter", "help", "status"), ("urgent", "area"), ("department", "year")],
    UDDANNELSE: [("hours", "status"), ("department",)],
}


def _choices(store: Store) -> list[tuple[str, ...]]:
    names = metrics.departments(store.current())
    return [(), tuple(names[:1]), tuple(names[1:4]), ("lager",), ("LAGER", "Øst"), ("Findes ikke",)]


@pytest.mark.parametrize("seed", range(3))
def test_counts_are_the_counted_current_rows(store, seed):
    _history(store, seed)
    full = store.current()
    of_rows = _figures_of_rows(("counts", seed), full)
    for year in (None, 2024, 2026):
        for chosen in _choices(store):
            rows = metrics.filter_tables(full, year=year, departments=chosen or None)
            for table in BY:
                for by in BY[table]:
                    got = store.counts(table, by, year=year, departments=chosen or None)
                    expected = _once(of_rows, (year, chosen, table, by), _counted, metrics.count_rows, rows[table], by)
                    where = f"{table} by {by} year={year} departments={chosen}"
                    assert list(got.columns) == [*by, "count"], where
                    assert _plain(got) == expected, where
                    assert (got["count"] > 0).all() and str(got["count"].dtype) == "int64", where
                    # Values and dtypes as the rows have them.
                    for column in by:
                        assert got[column].dtype == full[table][column].dtype, (where, column)


CATEGORY_BY = [("department", "area"), ("area", "help"), ("area",), ("help",), ("department", "year", "date")]


@pytest.mark.parametrize("seed", range(2))
def test_category_counts_are_the_counted_current_rows(store, seed):
    _history(store, seed)
    full = store.current()
    of_rows = _figures_of_rows(("category counts", seed), full)
    for year in (None, 2025, 2026):
        for chosen in _choices(store):
            rows = metrics.filter_tables(full, year=year, departments=chosen or None)[ARBEJDSARK]
            by_area = _once(of_rows, (year, chosen, "by area"), metrics.entries_by_area, rows)
            by_help = _once(of_rows, (year, chosen, "by help"), metrics.needs_by_help, rows)
            for by in CATEGORY_BY:
                got = store.category_counts(by, year=year, departments=chosen or None)
                expected = _once(of_rows, (year, chosen, by), _counted, metrics.count_categories, rows, by)
                where = f"by {by} year={year} departments={chosen}"
                assert list(got.columns) == [*by, "vigtig_opgave", "lykkes", "brug_for_at_styrke", "count"], where
                assert _plain(got) == expected, where
                assert all(str(got[c].dtype) == "int64" for c in got.columns[len(by):]), where
                for column in by:
                    assert got[column].dtype == full[ARBEJDSARK][column].dtype, (where, column)
                # The same figures as from every row.
                if "area" in by:
                    pd.testing.assert_frame_equal(metrics.entries_by_area_of_counts(got), by_area, obj=where)
                if "help" in by:
                    pd.testing.assert_frame_equal(metrics.needs_by_help_of_counts(got), by_help, obj=where)
                if by == ("department", "area"):
                    pd.testing.assert_frame_equal(metrics.entries_by_department_area_of_counts(got),
                                                  metrics.entries_by_department_area(rows), obj=where)
                    pd.testing.assert_frame_equal(metrics.company_average_by_area_of_counts(got),
                                                  metrics.company_average_by_area(rows), obj=where)
                    assert metrics.departments({ARBEJDSARK: got}) == metrics.departments({ARBEJDSARK: rows})


def test_counts_of_an_empty_store_and_bad_columns(store):
    wide = store.category_counts(("department", "area"))
    assert wide.empty and list(wide.columns) == ["department", "area", "vigtig_opgave", "lykkes",
                                                 "brug_for_at_styrke", "count"]
    assert metrics.entries_by_department_area_of_counts(wide).empty
    empty = store.counts(ARBEJDSARK, ("area", "category"))
    assert empty.empty and list(empty.columns) == ["area", "category", "count"]
    assert str(empty["count"].dtype) == "int64"
    assert store.counts(ARBEJDSARK, "year").columns.tolist() == ["year", "count"]
    with pytest.raises(ValueError):
        store.counts(ARBEJDSARK, ("what",))
    with pytest.raises(ValueError):
        store.counts(ARBEJDSARK, ())
    with pytest.raises(ValueError):
        store.counts("arbejdsark; drop table meta", ("area",))


@pytest.mark.parametrize("seed", range(3))
def test_figures_of_counts_equal_the_figures_of_every_row(store, seed):
    _history(store, seed)
    full = store.current()
    of_rows = _figures_of_rows(("figures", seed), full)
    for year in (None, 2025, 2026):
        for chosen in _choices(store):
            rows = metrics.filter_tables(full, year=year, departments=chosen or None)[ARBEJDSARK]
            kinds = store.counts(ARBEJDSARK, ("area", "category", "help"), year=year, departments=chosen or None)
            cells = store.counts(ARBEJDSARK, ("department", "area", "category"), year=year,
                                 departments=chosen or None)
            where = f"year={year} departments={chosen}"
            by_area = _once(of_rows, (year, chosen, "by area"), metrics.entries_by_area, rows)
            pd.testing.assert_frame_equal(metrics.entries_by_area_of_counts(kinds), by_area, obj=where)
            pd.testing.assert_frame_equal(metrics.entries_by_area_of_counts(cells), by_area, obj=where)
            pd.testing.assert_frame_equal(metrics.needs_by_help_of_counts(kinds),
                                          _once(of_rows, (year, chosen, "by help"), metrics.needs_by_help, rows),
                                          obj=where)
            pd.testing.assert_frame_equal(metrics.entries_by_department_area_of_counts(cells),
                                          metrics.entries_by_department_area(rows), obj=where)
            pd.testing.assert_frame_equal(metrics.company_average_by_area_of_counts(cells),
                                          metrics.company_average_by_area(rows), obj=where)
            assert metrics.departments({ARBEJDSARK: cells}) == metrics.departments({ARBEJDSARK: rows}), where


def _strengths_of_rows(ark: pd.DataFrame, include_important: bool) -> ui.Strengths:
    """Styrker og behov's figures as they were computed from every row before the counts."""
    from amo_data import charts

    by_area = metrics.entries_by_area(ark)
    return ui.Strengths(
        by_area=ui.figure_spec(charts.strengths_vs_needs_by_area(by_area, include_important=include_important)),
        need_share=ui.figure_spec(charts.need_share_by_area(metrics.need_share_by_area(ark))),
        by_help=ui.figure_spec(charts.needs_by_help(metrics.needs_by_help(ark))),
        areas=tuple(metrics.area_order(ark["area"].dropna().unique())),
        departments=tuple(metrics.departments({"arbejdsark": ark})))


def _compared_of_rows(ark: pd.DataFrame, departments: tuple[str, ...], category: str) -> str:
    """Sammenlign afdelinger's chart of two departments, from every row (as JSON)."""
    import plotly.io

    from amo_data import charts

    chart = charts.departments_vs_average(metrics.entries_by_department_area(ark),
                                          metrics.company_average_by_area(ark), list(departments), category)
    return plotly.io.to_json(ui.figure_spec(chart), validate=False)


@pytest.mark.parametrize("seed", range(2))
def test_page_figures_from_counts_equal_those_of_every_row(store, seed, monkeypatch):
    # What the pages show (amo_ui: counted in the database) against the figures of every row.
    import plotly.io

    monkeypatch.setenv("AMO_DATABASE_URL", store.url)
    _history(store, seed)
    full = store.current()
    of_rows = _figures_of_rows(("page figures", seed), full)
    for year in (None, 2026):
        for chosen in _choices(store)[:4]:
            filters = ui.Filters(year, chosen)
            ark_rows = metrics.filter_tables(full, year=year, departments=chosen or None)[ARBEJDSARK]
            for include_important in (False, True):
                got = ui.strengths(filters, include_important)
                expected = _once(of_rows, (year, chosen, include_important), _strengths_of_rows, ark_rows,
                                 include_important)
                for key in ("by_area", "need_share", "by_help"):
                    assert (plotly.io.to_json(getattr(got, key), validate=False)
                            == plotly.io.to_json(getattr(expected, key), validate=False)), (key, year, chosen)
                assert (got.areas, got.departments) == (expected.areas, expected.departments)
            departments = tuple(metrics.departments({"arbejdsark": ark_rows}))
            for measure in ("needs", "strengths", "need_share"):
                got = ui.comparison(filters, measure)
                expected_matrix = _once(of_rows, (year, chosen, measure), metrics.department_area_matrix,
                                        ark_rows, measure)
                pd.testing.assert_frame_equal(got.matrix, expected_matrix,
                                              obj=f"{measure} {year} {chosen}")  # the index (departments) too
                assert got.departments == departments
            if len(departments) >= 2:
                for category in ("brug_for_at_styrke", "lykkes"):
                    expected_chart = _once(of_rows, (year, chosen, category), _compared_of_rows, ark_rows,
                                           departments[:2], category)
                    assert (plotly.io.to_json(ui.compared(filters, departments[:2], category), validate=False)
                            == expected_chart), (year, chosen)


@pytest.mark.parametrize("seed", range(2))
def test_rows_of_one_area(store, seed):
    _history(store, seed)
    for year in (None, 2026):
        full = store.current_tables([ARBEJDSARK, HANDLEPLAN], year=year)
        for area in (*AREAS, "Findes ikke"):
            part = store.current_tables([ARBEJDSARK, HANDLEPLAN], year=year, area=area)
            for table in (ARBEJDSARK, HANDLEPLAN):
                expected = full[table].loc[full[table]["area"] == area].reset_index(drop=True)
                pd.testing.assert_frame_equal(part[table], expected, check_exact=True)
            narrow = store.current_tables([ARBEJDSARK], year=year, area=area, columns={ARBEJDSARK: ("department",)})
            assert narrow[ARBEJDSARK]["id"].tolist() == part[ARBEJDSARK]["id"].tolist()
    with pytest.raises(ValueError):
        store.current_tables([UDDANNELSE], area=AREAS[0])


def _known_departments_by_every_version(store: Store) -> list[str]:
    """The rule of ``known_departments`` as it was written first: every version, newest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(versions.c.dept_key, versions.c.department, versions.c.state)
                            .order_by(versions.c.id.desc())).all()
    names: dict[str, tuple[str, str]] = {}
    for row in rows:
        if row.dept_key not in names or (row.state == "current" and names[row.dept_key][1] != "current"):
            names[row.dept_key] = (row.department, row.state)
    return metrics.danish_sorted(name for name, _state in names.values())


@pytest.mark.parametrize("seed", range(4))
def test_known_departments_keep_their_rule(store, seed):
    assert store.known_departments() == []
    _history(store, seed)
    # Older versions in other spellings, current or not.
    with store.engine.begin() as conn:
        conn.execute(versions.update().where(versions.c.state != "current", versions.c.dept_key == "kontor")
                     .values(department="KONTOR"))
    store.import_results([result("ny.xlsx", arbejdsark=[ark("øst", 2027, "ny")])], user="test")
    assert store.known_departments() == _known_departments_by_every_version(store)
    for batch in store.history():
        if batch["state"] != "undone":
            store.undo(batch["id"], user="test")
            assert store.known_departments() == _known_departments_by_every_version(store)
    assert store.known_departments()  # undone data stays known until it is erased


def test_counted_columns_are_canonical():
    for table, bys in BY.items():
        for by in bys:
            assert set(by) <= set(CANONICAL[table])


@pytest.mark.parametrize("seed", range(4))
def test_current_groups_give_the_outlines_choices(store, seed):
    from amo_ui.data import choice_departments, choice_years

    empty = store.current_groups()
    assert empty.empty and list(empty.columns) == ["department", "year"]
    _history(store, seed)
    for step in range(2):
        outline, full = store.outline(), store.current()
        groups = {"groups": store.current_groups()}
        assert str(groups["groups"]["year"].dtype) == "int64"
        assert choice_years(groups) == choice_years(outline) == choice_years(full)
        assert choice_departments(groups) == choice_departments(outline) == choice_departments(full)
        for table in BY:  # one table's groups: the departments and years of its current rows
            one = store.current_groups(tables=[table])
            expected = sorted({(d, int(y)) for d, y in zip(full[table]["department"], full[table]["year"])})
            assert list(zip(one["department"], one["year"])) == expected, table
        if step == 0:  # a department erased, and a version left without rows
            store.delete_department(choice_departments(full)[0], user="test")
            with store.engine.begin() as conn:
                first = conn.execute(sa.select(sa.func.min(versions.c.id))
                                     .where(versions.c.state == "current", versions.c.table_name == HANDLEPLAN)).scalar()
                if first is not None:
                    conn.execute(DATA[HANDLEPLAN].delete().where(DATA[HANDLEPLAN].c.version_id == first))


def _summary_as_the_command_line_makes_it(store: Store, year, department) -> dict:
    """What ``summary --json`` prints (amo_data.cli): from the counts, else from every row."""
    from amo_data import cli

    argv = ["summary", "--json", "--today", "2026-11-26", "--db", store.url]
    argv += ["--year", str(year)] if year is not None else []
    argv += ["--department", department] if department is not None else []
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(argv) == 0
    return json.loads(out.getvalue())


@pytest.mark.parametrize("seed", range(3))
def test_summary_of_counts_is_the_summary_of_every_row(store, seed):
    # `summary` counts Arbejdsark in the database (summary.summary_of_counts); the contract's
    # figures are those of every row (summary.summary). Every year and department choice, and
    # a department spelled in two ways, where the counts give way to the rows.
    _history(store, seed, second_spelling=False)
    for spelled_twice in (False, True):
        if spelled_twice:
            _spell_lager_2025_in_capitals(store)
        full = store.current(columns=summary.SUMMARY_COLUMNS)
        of_rows = _figures_of_rows(("summary", seed, spelled_twice), full)
        outline = store.outline()  # neither depends on the year or the department
        others = store.current_tables((HANDLEPLAN, UDDANNELSE, MEDLEMMER, ORGANISATION), columns=summary.SUMMARY_COLUMNS)
        for year in (None, 2024, 2026):
            for department in (None, "lager", "LAGER", "Øst", "Findes ikke"):
                where = f"year={year} department={department} spelled_twice={spelled_twice}"
                expected = _once(of_rows, (year, department), summary.summary, full, year=year,
                                 department=department, today="2026-11-26")
                counted = summary.summary_of_counts(
                    outline,
                    store.category_counts(summary.SUMMARY_COUNTED_BY, year=year,
                                          departments=[department] if department else None),
                    others, year=year, department=department, today="2026-11-26")
                two_spellings = "LAGER" in set(full[ARBEJDSARK]["department"])
                if two_spellings:
                    assert counted is None, where
                else:
                    assert counted == expected, where
                if year != 2024:  # the command's own path (a year and all years), per department
                    assert _summary_as_the_command_line_makes_it(store, year, department) == \
                        json.loads(json.dumps(expected, ensure_ascii=False)), where

