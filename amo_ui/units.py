"""The organisation tree in the dashboard: the sidebar's scope (a unit of the tree, searchable),
its breadcrumb, drilling down, paging, and the figures per child of the scope that Overblik
and Sammenlign afdelinger show.

The tree and its rules live in :mod:`amo_data.units` (``Tree``, ``departments_of``,
``entries_by_unit``); this module loads it once per data version, offers it as a choice and
groups the figures the other loads count per department by the scope's children
(``Tree.child_containing``). Without any ``Organisation`` rows there is no choice and no
breadcrumb: every department is a child of the whole organisation, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from amo_data import charts, metrics, units
from amo_data.schema import ORGANISATION
from amo_data.text import danish_key, department_key

from .data import choices_at, department_counts_at, discussions_at, load_cached, store_at
from .views import Chart, figure_spec, md_escape, page_rows

UNIT_PARAM = "enhed"  # the chosen unit in the address, beside "aar" and "afd"
WHOLE = ""  # the sidebar's option "Hele organisationen" (when the tree has several tops)
WHOLE_LABEL = "Hele organisationen"
PAGE_SIZE = 30  # rows of a table or a chart of children at a time


@dataclass(frozen=True)
class Organisation:
    """The tree of the ``Organisation`` rows and the departments with data, as the sidebar
    offers it: only nodes whose subtree holds a department with data."""

    tree: units.Tree
    has_units: bool  # some Organisation row places a department or unit: there is a tree to choose from
    departments: Mapping[str, str]  # department key -> its spelling in the data
    options: tuple[str, ...]  # node keys, depth first, children in Danish order
    depth: Mapping[str, int]
    size: Mapping[str, int]  # departments with data in each node's subtree
    children: Mapping[str | None, tuple[str, ...]]  # None: the top of the tree

    @property
    def tops(self) -> tuple[str, ...]:
        return self.children.get(None, ())

    @property
    def default(self) -> str:
        """What is shown before anything is chosen: the one top unit, else the whole organisation."""
        return self.tops[0] if len(self.tops) == 1 else WHOLE

    def is_unit(self, key: str) -> bool:
        return bool(self.children.get(key))


def organisation() -> Organisation:
    return load_cached(_organisation)


@st.cache_data(show_spinner=False, max_entries=8)
def _organisation(url: str, version: int) -> Organisation:
    rows = store_at(url).current_tables((ORGANISATION,), columns={ORGANISATION: ("department", "parent")})[ORGANISATION]
    spellings = {department_key(d): d for d in choices_at(url, version).departments}
    tree = units.build(rows, spellings.values())
    size: dict[str, int] = {}
    for key in spellings:  # every node above a department with data has data in its subtree
        for node in (key, *tree.ancestors(key)):
            size[node] = size.get(node, 0) + 1
    kids: dict[str | None, list[str]] = {}
    for key in size:
        kids.setdefault(tree.effective_parent(key), []).append(key)
    children = {k: tuple(sorted(v, key=lambda n: (danish_key(tree.name[n]), tree.name[n]))) for k, v in kids.items()}
    order: list[str] = []
    depth: dict[str, int] = {}
    stack = [(k, 0) for k in reversed(children.get(None, ()))]
    while stack:
        key, level = stack.pop()
        order.append(key)
        depth[key] = level
        stack.extend((k, level + 1) for k in reversed(children.get(key, ())))
    return Organisation(tree, not rows.empty, spellings, tuple(order), depth, size, children)


@dataclass(frozen=True)
class Scope:
    """The chosen unit: a node of the tree, or the whole organisation (``key`` None)."""

    org: Organisation
    key: str | None
    departments: tuple[str, ...]  # the departments with data in its subtree (spelled as in the data)
    everything: bool  # every department with data: the pages need no department filter

    @property
    def name(self) -> str:
        return WHOLE_LABEL if self.key is None else self.org.tree.name[self.key]

    @property
    def children(self) -> tuple[str, ...]:
        return self.org.children.get(self.key, ())

    def child_name(self, key: str) -> str:
        return self.org.tree.name[key]

    def children_are_units(self) -> bool:
        return any(self.org.is_unit(c) for c in self.children)


def scope_of(org: Organisation, key: str | None) -> Scope:
    if key is None or key == WHOLE:
        return Scope(org, None, tuple(org.departments.values()), True)
    names = units.departments_of(org.tree, org.tree.name[key], org.departments.values())
    return Scope(org, key, tuple(names), len(names) == len(org.departments))


def _key_of(org: Organisation, name: str | None) -> str | None:
    """The node a name in the address means (matched like a department), if the sidebar offers it."""
    if not name:
        return None
    key = department_key(name)
    return key if key in org.size else None


def _url_value(org: Organisation, key: str) -> str | None:
    return None if key == org.default else org.tree.name[key] if key else WHOLE_LABEL


def choose_unit(key: str) -> None:
    """Make ``key`` (a node, or :data:`WHOLE`) the scope, as a widget callback: the departments
    chosen inside the old scope are let go, and the address follows."""
    org = st.session_state.get("_scope_org")
    # The default is kept as None, so that it follows the tree (a new top department makes it the whole organisation).
    st.session_state["_keep_unit"] = None if org is not None and key == org.default else key
    st.session_state["_keep_departments"] = []
    st.query_params.pop("afd", None)
    value = _url_value(org, key) if org is not None else None
    if value is None:
        st.query_params.pop(UNIT_PARAM, None)
    else:
        st.query_params[UNIT_PARAM] = value


def _unit_changed() -> None:
    choose_unit(st.session_state["unit"])


def select_scope(org: Organisation) -> Scope:
    """The sidebar's "Enhed": a searchable list of the tree (indented, depth first). Without a
    tree, the whole organisation and no widget. The choice lives in the address (``enhed``)."""
    if not org.has_units:
        return scope_of(org, None)
    st.session_state["_scope_org"] = org
    options = ([] if len(org.tops) == 1 else [WHOLE]) + list(org.options)
    kept = st.session_state.get("_keep_unit")
    kept = org.default if kept is None else kept
    params = st.query_params
    if UNIT_PARAM in params:
        asked = params[UNIT_PARAM]
        kept = WHOLE if department_key(asked) == department_key(WHOLE_LABEL) else _key_of(org, asked)
        if kept is None:
            st.sidebar.warning(f'Enheden "{md_escape(asked)}" findes ikke (længere). Der vises hele organisationen.')
    if kept not in options:
        kept = org.default
    st.session_state["unit"] = kept
    st.session_state["_keep_unit"] = None if kept == org.default else kept
    value = _url_value(org, kept)
    if value is None:
        params.pop(UNIT_PARAM, None)
    else:
        params[UNIT_PARAM] = value
    key = st.sidebar.selectbox("Enhed", options, key="unit", format_func=lambda k: _label(org, k),
                               on_change=_unit_changed, help="Skriv for at søge i organisationen")
    return scope_of(org, key or None)


def _label(org: Organisation, key: str) -> str:
    if key == WHOLE:
        return WHOLE_LABEL
    name = org.tree.name[key]
    indent = "\u2003" * org.depth.get(key, 0)  # em spaces: HTML keeps them
    return f"{indent}{name} ({org.size[key]})" if org.is_unit(key) else f"{indent}{name}"


def breadcrumb(scope: Scope) -> None:
    """Where the page is in the tree: each unit above the scope is a link up."""
    org = scope.org
    if not org.has_units:
        return
    path: list[tuple[str, str]] = [] if len(org.tops) == 1 else [(WHOLE, WHOLE_LABEL)]
    if scope.key is not None:
        path += [(k, org.tree.name[k]) for k in reversed([scope.key, *org.tree.ancestors(scope.key)])]
    else:
        path = [(WHOLE, WHOLE_LABEL)]
    row = st.container(horizontal=True, gap="small", vertical_alignment="center", key="breadcrumb")
    row.markdown(":material/account_tree:", width="content")
    for i, (key, name) in enumerate(path[:-1]):
        row.button(md_escape(name), key=f"crumb_{i}", type="tertiary", on_click=choose_unit, args=(key,),
                   help=f"Gå op til {md_escape(name)}")
        row.markdown("›", width="content")
    row.markdown(f"**{md_escape(path[-1][1])}**", width="content")


def drill_down(scope: Scope, names: Sequence[str], where: str) -> None:
    """A link per child (named as the tree spells it): choosing it makes it the scope. A row of
    the unit's own data (:func:`own_label`) is no child and gets no link."""
    keys = list(dict.fromkeys(k for k in map(department_key, names) if k in scope.children))
    if not keys:
        return
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    row.markdown("Gå ned i:", width="content")
    for key in keys:
        row.button(md_escape(scope.child_name(key)), key=f"{where}_down_{key}", type="tertiary", icon=(
            ":material/account_tree:" if scope.org.is_unit(key) else ":material/groups:"),
            on_click=choose_unit, args=(key,))


def paged(count: int, where: str, scope: Scope, what: str) -> slice:
    """Which of ``count`` children to show: at most :data:`PAGE_SIZE` at a time, chosen above
    them as every long table's pages are (the choice is kept per scope in the session)."""
    return page_rows(count, f"{where}_page_{scope.key or ''}", f"Vis {what}", size=PAGE_SIZE)


def own_label(tree: units.Tree, key: str) -> str:
    """The row of a unit that is a department too: its own entries, beside its children's
    ("Fabrikken i Vejle (egne data)"), numbered in the unlikely case a node has that name."""
    label, n = f"{tree.name[key]} (egne data)", 1
    while department_key(label) in tree.name:
        n += 1
        label = f"{tree.name[key]} (egne data {n})"
    return label


def _has_own_data(org: Organisation, key: str | None, departments: tuple[str, ...]) -> bool:
    """Whether the unit ``key`` (a node with children) is itself a department with data among
    ``departments`` (none: every one)."""
    if key is None or key not in org.departments or not org.children.get(key):
        return False
    return not departments or key in {department_key(d) for d in departments}


def children_word(scope: Scope) -> str:
    """"enheder" or "afdelinger": what the scope's children are."""
    return "enheder" if scope.children_are_units() else "afdelinger"


# --------------------------------------------------------------------------- Overblik


def children_overview(scope: Scope, year: int | None, departments: tuple[str, ...], today: dt.date) -> pd.DataFrame:
    """One row per child of the scope with departments among ``departments`` (none: every one):
    key | Enhed | Afdelinger | Uden årlig drøftelse | Styrker | Behov | Andel behov; the
    children lacking a discussion first, then the highest need share. A unit that is a
    department too has a row of its own data beside its children (:func:`own_label`), so that
    the rows add up to the unit's figures."""
    return load_cached(_children_overview, scope.key, year, departments, today)


@st.cache_data(show_spinner=False, max_entries=32)
def _children_overview(url: str, version: int, key: str | None, year: int | None, departments: tuple[str, ...],
                       today: dt.date) -> pd.DataFrame:
    org = _organisation(url, version)
    tree = org.tree
    counts = store_at(url).category_counts(("department",), year=year, departments=departments or None)
    figures = {row["unit"]: row for row in units.entries_by_unit(tree, counts, None if key is None else tree.name[key])}
    lacking = {department_key(d) for d in discussions_at(url, version, departments, today)[0]}
    per_child: dict[str, list[int]] = {}  # child -> [departments, departments without a discussion]
    for name in departments or org.departments.values():
        child = tree.child_containing(department_key(name), key)
        if child is not None:
            tally = per_child.setdefault(child, [0, 0])
            tally[0] += 1
            tally[1] += department_key(name) in lacking
    rows = []
    for child in org.children.get(key, ()):
        if child not in per_child:
            continue
        found = figures.get(tree.name[child], {})
        strengths, needs = found.get("lykkes", 0), found.get("brug_for_at_styrke", 0)
        rows.append(_overview_row(child, tree.name[child], *per_child[child], strengths, needs))
    if _has_own_data(org, key, departments):
        own = [r for r in counts.to_dict("records") if department_key(r["department"]) == key]
        rows.append(_overview_row(key, own_label(tree, key), 1, int(key in lacking),
                                  sum(int(r["lykkes"]) for r in own), sum(int(r["brug_for_at_styrke"]) for r in own)))
    rows.sort(key=lambda r: (-r["Uden årlig drøftelse"], -_or_minus(r["Andel behov"]), danish_key(r["Enhed"])))
    return pd.DataFrame(rows, columns=["key", "Enhed", "Afdelinger", "Uden årlig drøftelse", "Styrker", "Behov",
                                       "Andel behov"]).astype(
        {"Afdelinger": "int64", "Uden årlig drøftelse": "int64", "Styrker": "int64", "Behov": "int64",
         "Andel behov": "float64"})


def _overview_row(key: str, name: str, departments: int, lacking: int, strengths: int, needs: int) -> dict:
    return {"key": key, "Enhed": name, "Afdelinger": departments, "Uden årlig drøftelse": lacking,
            "Styrker": strengths, "Behov": needs,
            "Andel behov": needs / (strengths + needs) if strengths + needs else float("nan")}


def _or_minus(value: float) -> float:
    return -1.0 if value != value else value  # NaN (no strength and no need) last


# --------------------------------------------------------------------------- Sammenlign afdelinger


def child_comparison(scope: Scope, year: int | None, departments: tuple[str, ...], measure: str) -> pd.DataFrame:
    """The scope's children × areas of one measure (``metrics.department_area_matrix`` of the
    counts summed over each child's subtree), ranked by the child's need share over every
    area, highest first; a unit that is a department too has a row of its own data beside its
    children (:func:`own_label`). The index is named "Enhed" when a child is a unit (the CSV's
    heading)."""
    return load_cached(_child_comparison, scope.key, year, departments, measure)


@st.cache_data(show_spinner=False, max_entries=32)
def _child_comparison(url: str, version: int, key: str | None, year: int | None, departments: tuple[str, ...],
                      measure: str) -> pd.DataFrame:
    org = _organisation(url, version)
    tree = org.tree
    counts = department_counts_at(url, version, year, departments).by_department_area
    child = {d: tree.child_containing(department_key(d), key) for d in counts["department"].unique()}
    own = own_label(tree, key) if _has_own_data(org, key, departments) else None
    names = counts["department"].map({d: tree.name[c] if c is not None else own if department_key(d) == key else None
                                      for d, c in child.items()})
    columns = list(metrics.CATEGORY_COLUMNS.values())
    grouped = (counts.assign(department=names).dropna(subset=["department"])
               .groupby(["department", "area"], sort=False)[columns].sum().reset_index())
    matrix = metrics.department_area_matrix(None, measure, counts=grouped)
    totals = grouped.groupby("department")[["lykkes", "brug_for_at_styrke"]].sum()
    share = {name: (row["brug_for_at_styrke"] / (row["lykkes"] + row["brug_for_at_styrke"])
                    if row["lykkes"] + row["brug_for_at_styrke"] else -1.0) for name, row in totals.iterrows()}
    matrix = matrix.reindex(index=sorted(matrix.index, key=lambda n: (-share.get(n, -1.0), danish_key(n))))
    matrix.index.name = "Enhed" if any(org.is_unit(department_key(n)) for n in matrix.index) else "department"
    return matrix


def child_heatmap(scope: Scope, year: int | None, departments: tuple[str, ...], measure: str, start: int,
                  title: str) -> Chart:
    """The heatmap of :data:`PAGE_SIZE` rows of :func:`child_comparison` from ``start``,
    labelled "Enhed" when the rows are units."""
    return load_cached(_child_heatmap, scope.key, year, departments, measure, start, title)


@st.cache_data(show_spinner=False, max_entries=32)
def _child_heatmap(url: str, version: int, key: str | None, year: int | None, departments: tuple[str, ...],
                   measure: str, start: int, title: str) -> Chart:
    matrix = _child_comparison(url, version, key, year, departments, measure)
    fig = charts.department_area_heatmap(matrix.iloc[start:start + PAGE_SIZE], measure, title=title)
    if matrix.index.name == "Enhed" and fig.data:
        fig.update_traces(hovertemplate=fig.data[0].hovertemplate.replace("Afdeling:", "Enhed:"))
        fig.update_yaxes(title_text="Enhed")
    return figure_spec(fig)


def departments_with_points(year: int | None, departments: tuple[str, ...]) -> tuple[str, ...]:
    """The departments (of ``departments``; none: every one) with Arbejdsark points in the year."""
    return load_cached(_departments_with_points, year, departments)


def _departments_with_points(url: str, version: int, year: int | None, departments: tuple[str, ...]) -> tuple[str, ...]:
    return department_counts_at(url, version, year, departments).departments
