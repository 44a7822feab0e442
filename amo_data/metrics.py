"""Every figure the dashboard and ``summary`` show, computed from the canonical tables.

Pure functions: DataFrames in (see :data:`amo_data.schema.CANONICAL`; extra columns such as
the store's ``id`` are ignored), DataFrames or plain values out. No I/O, no Streamlit.
Everything is vectorised so that 100,000 rows summarise well under a second; Python loops run
only over small results (unique values, groups).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from . import vocab
from .quarters import parse_label
from .schema import ARBEJDSARK, CANONICAL, DEPARTMENT_TABLES, HANDLEPLAN, SCHEMA, TABLES, UDDANNELSE
from .text import clean, danish_key, department_key

# Column names for the three Arbejdsark categories, in the vocabulary's order.
CATEGORY_COLUMNS: dict[str, str] = {
    vocab.VIGTIG_OPGAVE: "vigtig_opgave",
    vocab.LYKKES: "lykkes",
    vocab.BRUG_FOR_AT_STYRKE: "brug_for_at_styrke",
}
HELP_ORDER: tuple[str, ...] = vocab.HELP.values  # Egen, Indefra, Udefra
STATUS_ORDER: tuple[str, ...] = vocab.STATUS.values
TRAINING_STATUS_ORDER: tuple[str, ...] = vocab.TRAINING_STATUS.values
ROLE_ORDER: tuple[str, ...] = vocab.TRAINING_ROLE.values
MEASURES = ("needs", "strengths", "important", "need_share")
DISCUSSION_MAX_DAYS = 365

Tables = Mapping[str, pd.DataFrame]


# --------------------------------------------------------------------------- helpers


def _table(tables: Tables | None, name: str) -> pd.DataFrame:
    """The table ``name`` with at least its canonical columns (missing ones are empty)."""
    df = (tables or {}).get(name)
    if df is None:
        return pd.DataFrame({col: pd.Series(dtype=object) for col in CANONICAL[name]})
    missing = [col for col in CANONICAL[name] if col not in df.columns]
    if missing:
        df = df.assign(**{col: None for col in missing})
    return df


def _as_date(today: dt.date | dt.datetime | str | None) -> dt.date:
    if today is None:
        return dt.date.today()
    if isinstance(today, dt.datetime):
        return today.date()
    if isinstance(today, dt.date):
        return today
    return dt.date.fromisoformat(str(today).strip())


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def order_rank(values: Iterable[object], order: Iterable[str], *, none_last: bool = True) -> dict:
    """Sort rank per value: vocabulary order, then unknown values in Danish order, then None."""
    order = list(order)
    position = {v: i for i, v in enumerate(order)}
    known = [v for v in values if not _is_missing(v) and v in position]
    unknown = sorted({v for v in values if not _is_missing(v) and v not in position},
                     key=lambda v: (danish_key(v), str(v)))
    rank = {v: position[v] for v in known}
    rank.update({v: len(order) + i for i, v in enumerate(unknown)})
    rank[None] = len(order) + len(unknown) if none_last else -1
    return rank


def rank_of(series: pd.Series, rank: dict) -> pd.Series:
    """The rank of each value (``rank[None]`` for a missing one); every value must be in ``rank``."""
    known = {v: r for v, r in rank.items() if v is not None}
    ranks = series.map(known) if known else pd.Series(math.nan, index=series.index)
    ranks = ranks.where(series.notna(), rank[None])
    if ranks.isna().any():  # a value without a rank
        raise KeyError(series[ranks.isna()].iloc[0])
    return ranks.astype("int64")


def danish_sorted(values: Iterable[object]) -> list:
    """Unique non-empty values in Danish alphabetical order (æ, ø, å after z)."""
    # danish_key(v) is empty exactly when clean(v) is: one key per distinct value, made once.
    keys = {v: danish_key(v) for v in {v for v in values if not _is_missing(v)}}
    return sorted((v for v, key in keys.items() if key), key=lambda v: (keys[v], str(v)))


def area_order(values: Iterable[object]) -> list:
    """Areas in the vocabulary's order, then unknown areas in Danish alphabetical order."""
    present = {v for v in values if not _is_missing(v)}
    rank = order_rank(present, vocab.areas().values)
    return sorted(present, key=lambda v: rank[v])


def numeric(series: pd.Series) -> pd.Series:
    """Numbers as float64, NaN where missing (also for nullable Int64/Float64 columns)."""
    return pd.to_numeric(series, errors="coerce").astype("float64")


def _quarter_year(series: pd.Series) -> pd.Series:
    """The year of each quarter label (NaN where there is none)."""
    uniq = series.dropna().unique()
    years = {}
    for label in uniq:
        try:
            years[label] = parse_label(str(label)).year
        except ValueError:
            years[label] = np.nan
    return series.map(years).astype("float64")


def _quarter_end(series: pd.Series) -> pd.Series:
    """The last day of each quarter label, as datetime64 (NaT where there is none)."""
    ends = {}
    for label in series.dropna().unique():
        try:
            ends[label] = pd.Timestamp(parse_label(str(label)).end)
        except ValueError:
            ends[label] = pd.NaT
    return pd.to_datetime(series.map(ends), errors="coerce")


def status_of(plan: pd.DataFrame) -> pd.Series:
    """Handleplan status with the format's default for an empty cell."""
    return plan["status"].where(plan["status"].notna(), vocab.IKKE_STARTET)


def _open(plan: pd.DataFrame) -> pd.Series:
    return ~status_of(plan).isin(vocab.CLOSED_STATUSES)


def _urgent(plan: pd.DataFrame) -> pd.Series:
    urgent = plan["urgent"]
    if urgent.dtype == bool:
        return urgent
    return urgent.map(lambda v: (not _is_missing(v)) and bool(v)).astype(bool)


def _to_native(value: object) -> object:
    """A JSON-native version of a pandas/numpy scalar (NaN and NA become None)."""
    if _is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()
    return value


def records(df: pd.DataFrame) -> list[dict]:
    """DataFrame rows as plain JSON-native dicts."""
    cols = list(df.columns)
    return [{c: _to_native(v) for c, v in zip(cols, row, strict=True)}
            for row in df.itertuples(index=False, name=None)]


def unify_departments(tables: Tables) -> dict[str, pd.DataFrame]:
    """Every table, with department spellings that differ only in case made one.

    The first spelling met (Arbejdsark, then Handleplan, Uddannelse, Medlemmer) wins. The store
    already keeps one spelling, so usually nothing changes (and nothing is copied).
    """
    out = {name: _table(tables, name) for name in TABLES}
    spelling, conflict = _spellings(out)
    if conflict:
        for name in DEPARTMENT_TABLES:
            dep = out[name]["department"]
            mapping = {v: spelling[department_key(v)] for v in dep.dropna().unique()}
            out[name] = out[name].assign(department=dep.map(mapping))
    return out


def _spellings(tables: Mapping[str, pd.DataFrame]) -> tuple[dict[str, str], bool]:
    """(department key -> the first spelling met, in table order and then row order; whether
    some key is spelled in two ways)."""
    spelling: dict[str, str] = {}
    conflict = False
    for name in DEPARTMENT_TABLES:
        for value in _table(tables, name)["department"].dropna().unique():
            key = department_key(value)
            if key in spelling:
                conflict = conflict or spelling[key] != value
            else:
                spelling[key] = value
    return spelling, conflict


# --------------------------------------------------------------------------- filters


def _department_keys(department: str | Iterable[str] | None) -> set[str]:
    """Folded keys of one department name or several (empty: no department filter)."""
    if department is None:
        return set()
    names = [department] if isinstance(department, str) else list(department)
    return {department_key(d) for d in names if clean(d)}


def department_mask(df: pd.DataFrame, department: str | Iterable[str]) -> pd.Series:
    """Rows of ``department`` or of any of several departments (case-insensitive)."""
    keys = _department_keys(department)
    keep = [v for v in df["department"].dropna().unique() if department_key(v) in keys]
    return df["department"].isin(keep)


def year_mask(df: pd.DataFrame, year: int, table: str) -> pd.Series:
    """Rows of ``year``: the row's År; for Uddannelse the year of Hvornår."""
    years = numeric(df["year"]) if "year" in df.columns else pd.Series(np.nan, index=df.index)
    if table == UDDANNELSE:
        years = years.fillna(_quarter_year(df["quarter"]))
    return years == int(year)


def filter_tables(tables: Tables, year: int | None = None,
                  department: str | Iterable[str] | None = None,
                  departments: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """The tables reduced to one year and/or departments (None keeps everything).

    ``year`` keeps Arbejdsark and Handleplan rows whose År is the year and Uddannelse rows
    whose Hvornår falls in it (Medlemmer and Organisation have no year: all their rows stay);
    ``department`` (one name) or ``departments`` (several, for the dashboard's multi-select and
    a unit's subtree; empty keeps everything) match case-insensitively. Organisation rows are
    the tree, not a department's data: no department filter applies to them.
    """
    out = {}
    if departments is not None:
        names = [] if department is None else [department] if isinstance(department, str) else list(department)
        department = names + [d for d in departments if isinstance(d, str)]
    filter_departments = bool(_department_keys(department))
    for name in TABLES:
        df = _table(tables, name)
        if year is not None and "year" in SCHEMA[name].group_by:
            df = df.loc[year_mask(df, year, name)]
        if filter_departments and name in DEPARTMENT_TABLES:
            df = df.loc[department_mask(df, department)]
        out[name] = df
    return out


def departments(tables: Tables) -> list[str]:
    """Departments present in any of the tables, in Danish alphabetical order."""
    found: list = []
    for name in DEPARTMENT_TABLES:
        df = (tables or {}).get(name)
        if df is not None and "department" in df.columns:  # a table without it has none
            found.extend(df["department"].dropna().unique())
    return danish_sorted(found)


# --------------------------------------------------------------------------- Arbejdsark


def count_rows(df: pd.DataFrame, by: Iterable[str]) -> pd.DataFrame:
    """The rows of ``df`` counted per distinct combination of the columns ``by``: columns
    ``by`` + ``count`` (int64, > 0), a missing value being a value of its own; rows in no
    particular order. What ``Store.counts`` computes in the database; the functions named
    ``…_of_counts`` take it instead of the rows (other columns of it are added up)."""
    by = list(dict.fromkeys([by] if isinstance(by, str) else by))
    if df.empty:
        return pd.DataFrame({**{c: df[c].iloc[:0] for c in by}, "count": pd.Series(dtype="int64")})
    counts = df.groupby(by, sort=False, observed=True, dropna=False).size().rename("count").reset_index()
    return counts.astype({"count": "int64"})


def count_categories(ark: pd.DataFrame, by: Iterable[str]) -> pd.DataFrame:
    """The Arbejdsark rows counted per distinct combination of the columns ``by``, one column
    per Kategori: ``by`` + vigtig_opgave | lykkes | brug_for_at_styrke (the group's rows of
    that Kategori, possibly 0) + ``count`` (all its rows), int64; a missing value is a value of
    its own; rows in no particular order. What ``Store.category_counts`` computes in the
    database; the ``…_of_counts`` functions take it as well as :func:`count_rows` output."""
    by = list(dict.fromkeys([by] if isinstance(by, str) else by))
    cols = [*CATEGORY_COLUMNS.values(), "count"]
    if ark.empty:
        return pd.DataFrame({**{c: ark[c].iloc[:0] for c in by}, **{c: pd.Series(dtype="int64") for c in cols}})
    flags = {column: (ark["category"] == value).astype("int64") for value, column in CATEGORY_COLUMNS.items()}
    frame = ark[by].assign(**flags, count=1)
    return frame.groupby(by, sort=False, observed=True, dropna=False)[cols].sum().astype("int64").reset_index()


def _per_category(counts: pd.DataFrame) -> bool:
    """Whether ``counts`` has a column per Kategori (:func:`count_categories`), not a category column."""
    return "category" not in counts.columns and set(CATEGORY_COLUMNS.values()) <= set(counts.columns)


def _category_counts(ark: pd.DataFrame, by: list[str], counted: bool = False) -> pd.DataFrame:
    """Counts of the three categories per ``by`` group: columns ``by`` + the category columns.

    ``counted``: ``ark`` is :func:`count_rows` output (its ``count`` column is added up) or
    :func:`count_categories` output (its category columns are added up)."""
    cols = list(CATEGORY_COLUMNS.values())
    empty = pd.DataFrame({**{c: pd.Series(dtype=object) for c in by}, **{c: pd.Series(dtype="int64") for c in cols}})
    if counted and _per_category(ark):
        ark = ark.loc[ark[by].notna().all(axis=1) & (ark[cols].sum(axis=1) > 0)]
        if ark.empty:
            return empty
        return ark.groupby(by, sort=False, observed=True)[cols].sum().astype("int64").reset_index()
    ark = ark.loc[ark["category"].isin(CATEGORY_COLUMNS) & ark[by].notna().all(axis=1)]
    if ark.empty:
        return empty
    groups = ark.groupby([*by, "category"], sort=False, observed=True)
    table = (groups["count"].sum() if counted else groups.size()).unstack("category", fill_value=0)
    table = table.reindex(columns=list(CATEGORY_COLUMNS), fill_value=0).rename(columns=CATEGORY_COLUMNS)
    table.columns.name = None
    return table.astype("int64").reset_index()


def _sort_areas(df: pd.DataFrame, extra: list[str] | None = None) -> pd.DataFrame:
    rank = order_rank(df["area"].unique(), vocab.areas().values)
    keys = df.assign(_area_rank=rank_of(df["area"], rank))
    by = [*(extra or []), "_area_rank"]
    return keys.sort_values(by, kind="stable").drop(columns="_area_rank").reset_index(drop=True)


def sort_departments(df: pd.DataFrame, then: list[str] | None = None) -> pd.DataFrame:
    order = {v: i for i, v in enumerate(danish_sorted(df["department"].unique()))}
    keys = df.assign(_dept_rank=df["department"].map(order))
    return keys.sort_values(["_dept_rank", *(then or [])], kind="stable").drop(columns="_dept_rank").reset_index(drop=True)


def entries_by_area(ark: pd.DataFrame) -> pd.DataFrame:
    """area | vigtig_opgave | lykkes | brug_for_at_styrke, areas in vocabulary order."""
    ark = ark if ark is not None else _table(None, ARBEJDSARK)
    return _sort_areas(_category_counts(ark, ["area"]))


def entries_by_area_of_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`entries_by_area` from the Arbejdsark rows counted by (at least) area and category
    (:func:`count_rows`, ``Store.counts``) or by area with a column per Kategori
    (:func:`count_categories`, ``Store.category_counts``)."""
    return _sort_areas(_category_counts(counts, ["area"], counted=True))


def entries_by_department(ark: pd.DataFrame) -> pd.DataFrame:
    """department | vigtig_opgave | lykkes | brug_for_at_styrke, Danish alphabetical order."""
    return sort_departments(_category_counts(ark, ["department"]))


def entries_by_department_of_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`entries_by_department` from the Arbejdsark rows counted by (at least) department
    and category (:func:`count_rows`, ``Store.counts``) or by department with a column per
    Kategori (:func:`count_categories`, ``Store.category_counts``)."""
    return sort_departments(_category_counts(counts, ["department"], counted=True))


def entries_by_department_area(ark: pd.DataFrame) -> pd.DataFrame:
    """department | area | the three category counts (departments Danish, areas vocabulary)."""
    return _by_department_area(_category_counts(ark, ["department", "area"]))


def entries_by_department_area_of_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`entries_by_department_area` from the Arbejdsark rows counted by (at least)
    department, area and category (:func:`count_rows`, ``Store.counts``) or by department and
    area with a column per Kategori (:func:`count_categories`, ``Store.category_counts``)."""
    return _by_department_area(_category_counts(counts, ["department", "area"], counted=True))


def _by_department_area(df: pd.DataFrame) -> pd.DataFrame:
    rank = order_rank(df["area"].unique(), vocab.areas().values)
    df = df.assign(_area_rank=rank_of(df["area"], rank))
    return sort_departments(df, ["_area_rank"]).drop(columns="_area_rank")


def _share(needs: pd.Series, strengths: pd.Series) -> pd.Series:
    total = (needs + strengths).astype("float64")
    return (needs.astype("float64") / total.where(total > 0)).astype("float64")


def need_share_by_area(ark: pd.DataFrame | None, *, counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """entries_by_area plus ``need_share`` = needs ÷ (strengths + needs), NaN when 0/0.

    ``counts``: :func:`entries_by_area` of ``ark`` when the caller has it already (``ark`` is
    then not read)."""
    df = entries_by_area(ark) if counts is None else counts
    return df.assign(need_share=_share(df["brug_for_at_styrke"], df["lykkes"]))


def needs_by_help(ark: pd.DataFrame) -> pd.DataFrame:
    """help | count of needs (Brug for at styrke); help order Egen, Indefra, Udefra, then None.

    Only helps with at least one need are listed.
    """
    needs = ark.loc[ark["category"] == vocab.BRUG_FOR_AT_STYRKE, "help"]
    return _help_counts(needs.value_counts(dropna=False))


def needs_by_help_of_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`needs_by_help` from the Arbejdsark rows counted by (at least) category and help
    (:func:`count_rows`, ``Store.counts``) or by help with a column per Kategori
    (:func:`count_categories`, ``Store.category_counts``)."""
    if _per_category(counts):
        return _help_counts(counts.groupby("help", sort=False, dropna=False)["brug_for_at_styrke"].sum())
    needs = counts.loc[counts["category"] == vocab.BRUG_FOR_AT_STYRKE]
    return _help_counts(needs.groupby("help", sort=False, dropna=False)["count"].sum())


def _help_counts(counts: pd.Series) -> pd.DataFrame:
    """help | count from counts per help value (the index; missing values count as one)."""
    rank = order_rank(counts.index, HELP_ORDER)
    rows = [(None if _is_missing(h) else h, int(n)) for h, n in counts.items() if n > 0]
    rows.sort(key=lambda r: rank[r[0]])
    return pd.DataFrame({"help": pd.Series([r[0] for r in rows], dtype=object),
                         "count": pd.Series([r[1] for r in rows], dtype="int64")})


def department_area_matrix(ark: pd.DataFrame | None, measure: str = "needs", *,
                           counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Departments (rows, Danish order) × areas (columns, vocabulary order).

    ``measure``: "needs", "strengths", "important" (counts; 0 where none) or "need_share"
    (needs ÷ (strengths + needs); NaN where a department has neither in an area).
    ``counts``: :func:`entries_by_department_area` of ``ark`` when the caller has it already
    (``ark`` is then not read).
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {MEASURES}")
    long = entries_by_department_area(ark) if counts is None else counts
    if long.empty:
        return pd.DataFrame(index=pd.Index([], name="department"), columns=pd.Index([], name="area"), dtype="float64")
    if measure == "need_share":
        values = _share(long["brug_for_at_styrke"], long["lykkes"])
    else:
        column = {"needs": "brug_for_at_styrke", "strengths": "lykkes", "important": "vigtig_opgave"}[measure]
        values = long[column]
    matrix = long.assign(value=values).pivot(index="department", columns="area", values="value")
    matrix = matrix.reindex(index=danish_sorted(long["department"].unique()), columns=area_order(long["area"].unique()))
    if measure != "need_share":
        matrix = matrix.fillna(0).astype("int64")
    matrix.index.name, matrix.columns.name = "department", "area"
    return matrix


def needs_trend(ark: pd.DataFrame) -> pd.DataFrame:
    """year | area | count of needs (Brug for at styrke), years ascending, areas in order."""
    needs = ark.loc[(ark["category"] == vocab.BRUG_FOR_AT_STYRKE) & ark["area"].notna()]
    years = numeric(needs["year"])
    needs = needs.assign(year=years).loc[years.notna()]
    if needs.empty:
        return pd.DataFrame({"year": pd.Series(dtype="int64"), "area": pd.Series(dtype=object),
                             "count": pd.Series(dtype="int64")})
    counts = needs.groupby(["year", "area"], observed=True).size().rename("count").reset_index()
    counts = counts.assign(year=counts["year"].astype("int64"), count=counts["count"].astype("int64"))
    return _sort_areas(counts, ["year"])


def needs_trend_of_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`needs_trend` from needs already counted (``year | area | count``, e.g. a GROUP BY
    in the store); rows of the same year and area are added up. Same columns, order and dtypes."""
    counts = counts.loc[counts["area"].notna()]
    years = numeric(counts["year"])
    counts = counts.assign(year=years).loc[years.notna() & (counts["count"] > 0)]
    if counts.empty:
        return pd.DataFrame({"year": pd.Series(dtype="int64"), "area": pd.Series(dtype=object),
                             "count": pd.Series(dtype="int64")})
    out = counts.groupby(["year", "area"], observed=True)["count"].sum().rename("count").reset_index()
    out = out.assign(year=out["year"].astype("int64"), count=out["count"].astype("int64"))
    return _sort_areas(out, ["year"])


def company_average_by_area(ark: pd.DataFrame) -> pd.DataFrame:
    """area | the three categories as the average count per department.

    The average is over every department with Arbejdsark entries (a department with no entry
    in an area counts as 0 there), so departments can be set against the company as a whole.
    """
    return _average(entries_by_area(ark), ark.loc[ark["category"].isin(CATEGORY_COLUMNS), "department"].nunique())


def company_average_by_area_of_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`company_average_by_area` from the Arbejdsark rows counted by (at least)
    department, area and category (:func:`count_rows`, ``Store.counts``) or by department and
    area with a column per Kategori (:func:`count_categories`, ``Store.category_counts``)."""
    if _per_category(counts):
        counted = counts.loc[counts[list(CATEGORY_COLUMNS.values())].sum(axis=1) > 0, "department"]
    else:
        counted = counts.loc[counts["category"].isin(CATEGORY_COLUMNS) & (counts["count"] > 0), "department"]
    return _average(entries_by_area_of_counts(counts), counted.nunique())


def _average(counts: pd.DataFrame, n: int) -> pd.DataFrame:
    if counts.empty or n == 0:
        return counts.astype({c: "float64" for c in CATEGORY_COLUMNS.values()})
    cols = list(CATEGORY_COLUMNS.values())
    return counts.assign(**{c: (counts[c] / n).astype("float64") for c in cols}, departments=n)


# --------------------------------------------------------------------------- Handleplan


def _quarter_status_counts(plan: pd.DataFrame, by: list[str], orders: dict[str, Iterable[str]]) -> pd.DataFrame:
    plan = plan.loc[plan["quarter"].notna()]
    if "status" in by:
        plan = plan.assign(status=status_of(plan))
    cols = ["quarter", *by]
    if plan.empty:
        return pd.DataFrame({**{c: pd.Series(dtype=object) for c in cols}, "count": pd.Series(dtype="int64")})
    counts = plan.groupby(cols, observed=True, dropna=False).size().rename("count").reset_index()
    counts = counts.loc[counts["count"] > 0]
    sort_cols = ["quarter"]
    for col in by:
        rank = order_rank(counts[col].unique(), orders[col])
        counts = counts.assign(**{f"_{col}order_rank": rank_of(counts[col], rank)})
        sort_cols.append(f"_{col}order_rank")
    counts = counts.sort_values(sort_cols, kind="stable").drop(columns=sort_cols[1:])
    return counts.astype({"count": "int64"}).reset_index(drop=True)


def actions_by_quarter(plan: pd.DataFrame) -> pd.DataFrame:
    """quarter | help | status | count, by quarter then the vocabularies' order."""
    return _quarter_status_counts(plan, ["help", "status"], {"help": HELP_ORDER, "status": STATUS_ORDER})


def expert_assistance_by_quarter(plan: pd.DataFrame) -> pd.DataFrame:
    """Requests for expert assistance (Hjælp udefra): quarter | status | count."""
    return _quarter_status_counts(plan.loc[plan["help"] == vocab.UDEFRA], ["status"], {"status": STATUS_ORDER})


def supplementary_training_by_quarter(plan: pd.DataFrame) -> pd.DataFrame:
    """Supplementary training (Egen kompetenceudvikling): quarter | status | count."""
    return _quarter_status_counts(plan.loc[plan["help"] == vocab.EGEN], ["status"], {"status": STATUS_ORDER})


def overdue_actions(plan: pd.DataFrame, today: dt.date | str | None = None) -> pd.DataFrame:
    """Open actions (not Gennemført/Aflyst) whose quarter ended before ``today``."""
    today = _as_date(today)
    ends = _quarter_end(plan["quarter"])
    mask = _open(plan) & ends.notna() & (ends < pd.Timestamp(today))
    return plan.loc[mask]


def urgent_actions(plan: pd.DataFrame) -> pd.DataFrame:
    """Open actions whose Hvornår said "as soon as possible"."""
    return plan.loc[_urgent(plan) & _open(plan)]


def actions_of_year(plan: pd.DataFrame, year: int) -> pd.DataFrame:
    """The actions whose quarter lies in ``year`` (for the year wheel), in quarter order.

    Columns: quarter | quarter_number | department | what | help | status | urgent.
    """
    years = _quarter_year(plan["quarter"])
    rows = plan.loc[years == int(year)]
    out = pd.DataFrame({
        "quarter": rows["quarter"].astype(object),
        "quarter_number": rows["quarter"].map(lambda q: parse_label(str(q)).quarter).astype("int64"),
        "department": rows["department"].astype(object),
        "what": rows["what"].astype(object),
        "help": rows["help"].astype(object),
        "status": status_of(rows).astype(object),
        "urgent": _urgent(rows),
    })
    rank = order_rank(out["status"].unique(), STATUS_ORDER)
    out = out.assign(_r=rank_of(out["status"], rank))
    return out.sort_values(["quarter_number", "_r"], kind="stable").drop(columns="_r").reset_index(drop=True)


# --------------------------------------------------------------------------- Uddannelse


def training_by_quarter(training: pd.DataFrame) -> pd.DataFrame:
    """quarter | status | count | hours (sum, missing hours as 0, rounded to 2 decimals)."""
    training = training.loc[training["quarter"].notna()]
    cols = ["quarter", "status", "count", "hours"]
    if training.empty:
        return pd.DataFrame({"quarter": pd.Series(dtype=object), "status": pd.Series(dtype=object),
                             "count": pd.Series(dtype="int64"), "hours": pd.Series(dtype="float64")})
    training = training.assign(hours=numeric(training["hours"]).fillna(0.0))
    grouped = training.groupby(["quarter", "status"], observed=True, dropna=False)
    out = grouped.agg(count=("hours", "size"), hours=("hours", "sum")).reset_index()
    rank = order_rank(out["status"].unique(), TRAINING_STATUS_ORDER)
    out = out.assign(_r=rank_of(out["status"], rank)).sort_values(["quarter", "_r"], kind="stable")
    out = out.assign(count=out["count"].astype("int64"), hours=out["hours"].astype("float64").round(2))
    return out.loc[out["count"] > 0, cols].reset_index(drop=True)


TRAINING_PLANNED_OR_DONE = ("Tilbudt", "Tilmeldt", "Gennemført")  # not Afslået or Aflyst


def training_hours_by_department_role(training: pd.DataFrame, statuses: Iterable[str] | None = None) -> pd.DataFrame:
    """department | role | count | hours (sum, missing as 0; rounded to 2 decimals), counting
    only courses with one of ``statuses`` when given."""
    training = training.loc[training["department"].notna()]
    if statuses is not None:
        training = training.loc[training["status"].isin(list(statuses))]
    if training.empty:
        return pd.DataFrame({"department": pd.Series(dtype=object), "role": pd.Series(dtype=object),
                             "count": pd.Series(dtype="int64"), "hours": pd.Series(dtype="float64")})
    training = training.assign(hours=numeric(training["hours"]).fillna(0.0))
    out = training.groupby(["department", "role"], observed=True, dropna=False).agg(
        count=("hours", "size"), hours=("hours", "sum")).reset_index()
    rank = order_rank(out["role"].unique(), ROLE_ORDER)
    out = out.assign(_r=rank_of(out["role"], rank))
    out = sort_departments(out, ["_r"]).drop(columns="_r")
    return out.assign(count=out["count"].astype("int64"), hours=out["hours"].astype("float64").round(2))


# --------------------------------------------------------------------------- discussions


def discussion_dates(ark: pd.DataFrame) -> pd.Series:
    """Per Arbejdsark row the day its discussion counts as held: Dato, else 31 December of År."""
    dates = pd.to_datetime(ark["date"], errors="coerce")
    if dates.isna().any():
        years = numeric(ark["year"].loc[dates.isna()])
        ends = {y: pd.Timestamp(int(y), 12, 31) for y in years.dropna().unique() if 1 <= y <= 9999}
        dates = dates.fillna(pd.to_datetime(years.map(ends), errors="coerce"))
    return dates


def last_discussion(ark: pd.DataFrame) -> pd.DataFrame:
    """department | last (datetime.date of the newest discussion), Danish order."""
    dates = discussion_dates(ark)
    frame = pd.DataFrame({"department": ark["department"], "last": dates}).dropna()
    if frame.empty:
        return pd.DataFrame({"department": pd.Series(dtype=object), "last": pd.Series(dtype=object)})
    newest = frame.groupby("department", observed=True)["last"].max().reset_index()
    newest = newest.assign(last=newest["last"].map(lambda t: t.date()).astype(object))
    return sort_departments(newest)


def departments_without_discussion(tables: Tables, today: dt.date | str | None = None,
                                   department: str | Iterable[str] | None = None) -> list[str]:
    """Departments (in any table) whose newest discussion is over 365 days old, or missing.

    A discussion with only År counts as held on 31 December of that year. Ignores any year
    filter: pass the unfiltered tables (``department`` narrows to one department).
    """
    today = _as_date(today)
    tables = filter_tables(tables, department=department) if department else tables
    ark = _table(tables, ARBEJDSARK)
    last = last_discussion(ark)
    newest = dict(zip(last["department"], last["last"], strict=True))
    limit = today - dt.timedelta(days=DISCUSSION_MAX_DAYS)
    return [d for d in departments(tables) if d not in newest or newest[d] < limit]


def tiles(tables: Tables, year: int | None = None, today: dt.date | str | None = None,
          department: str | Iterable[str] | None = None, *, discussions: bool = True) -> dict[str, int]:
    """Key figures for the dashboard's front page (plain ints).

    ``year`` defaults to today's year for the "this year" figures; the other figures use the
    year filter only when ``year`` is given. ``discussions=False`` leaves out
    ``departments_total`` and ``departments_without_discussion``, which look at every year (the
    dashboard counts them from ``Store.outline`` when it loads one year only).
    """
    today = _as_date(today)
    this_year = int(year) if year is not None else today.year
    unified = unify_departments(tables)
    scoped = filter_tables(unified, department=department)
    filtered = filter_tables(scoped, year=year)
    ark, plan = filtered[ARBEJDSARK], filtered[HANDLEPLAN]
    ark_year = scoped[ARBEJDSARK].loc[year_mask(scoped[ARBEJDSARK], this_year, ARBEJDSARK)]
    plan_year = scoped[HANDLEPLAN].loc[year_mask(scoped[HANDLEPLAN], this_year, HANDLEPLAN)]
    across_years = {
        "departments_total": len(departments(scoped)),
        "departments_without_discussion": len(departments_without_discussion(scoped, today)),
    } if discussions else {}
    return {
        "departments_with_discussion_this_year": int(ark_year["department"].nunique()),
        **across_years,
        "strengths": int((ark["category"] == vocab.LYKKES).sum()),
        "needs": int((ark["category"] == vocab.BRUG_FOR_AT_STYRKE).sum()),
        "important_tasks": int((ark["category"] == vocab.VIGTIG_OPGAVE).sum()),
        "actions": len(plan),
        "open_actions": int(_open(plan).sum()),
        "overdue": len(overdue_actions(plan, today)),
        "urgent": len(urgent_actions(plan)),
        "expert_requests_this_year": int((plan_year["help"] == vocab.UDEFRA).sum()),
        "training_actions_completed": int(((plan["help"] == vocab.EGEN)
                                           & (status_of(plan) == vocab.GENNEMFOERT)).sum()),
    }
