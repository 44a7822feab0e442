"""The organisation tree (sheet ``Organisation``, format version 2): departments in units, units
in units (afdeling -> område -> forvaltning).

Names are matched like departments (:func:`amo_data.text.department_key`). A department with
no ``Organisation`` row sits at the top; a unit that appears only as ``Overordnet`` is a unit
with no data of its own. A cycle is refused when a file is checked and when it is imported;
should one reach the tree anyway, the nodes on it are treated as top-level, so no walk here
can loop.

This module answers the command-line contract's "Units": the departments of a unit's subtree
(``summary --unit``) and the figures per direct child of a scope (``entries_by_unit``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from .errors import AmoError
from .text import danish_key, department_key, department_name


@dataclass
class Tree:
    """Every known node (department or unit) by key, its parent's key and its spelling."""

    parent: dict[str, str | None] = field(default_factory=dict)
    name: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, parent: str | None = None) -> None:
        key = department_key(name)
        self.name.setdefault(key, department_name(name))
        if parent:
            pkey = department_key(parent)
            self.name.setdefault(pkey, department_name(parent))
            self.parent.setdefault(pkey, None)
            self.parent[key] = pkey
        else:
            self.parent.setdefault(key, None)

    def _sorted(self, keys: Iterable[str]) -> list[str]:
        return sorted(keys, key=lambda k: (danish_key(self.name[k]), self.name[k]))

    def ancestors(self, key: str) -> list[str]:
        """The units above ``key``, nearest first (empty at the top, or on a cycle)."""
        chain = [key]
        parent = self.parent.get(key)
        while parent is not None:
            if parent in chain:  # a cycle: its nodes are top-level, so the walk ends at its first
                return chain[1:chain.index(parent) + 1]
            chain.append(parent)
            parent = self.parent.get(parent)
        return chain[1:]

    def effective_parent(self, key: str) -> str | None:
        above = self.ancestors(key)
        return above[0] if above else None

    def children(self, key: str | None) -> list[str]:
        """The direct children of a unit (``None``: the top of the tree), in Danish order."""
        return self._sorted(k for k in self.name if self.effective_parent(k) == key)

    def subtree(self, key: str) -> set[str]:
        """``key`` and every node under it."""
        return {k for k in self.name if k == key or key in self.ancestors(k)}

    def child_containing(self, key: str, scope: str | None) -> str | None:
        """The direct child of ``scope`` whose subtree holds ``key`` (None if none does)."""
        path = [key, *self.ancestors(key)]
        if scope is None:
            return path[-1]
        if scope not in path or path[0] == scope:
            return None
        return path[path.index(scope) - 1]

    def path(self, key: str) -> list[str]:
        """The spellings from the top down to ``key``: a breadcrumb."""
        return [self.name[k] for k in reversed([key, *self.ancestors(key)])]

    def find(self, name: str) -> str:
        """The key of a node named ``name``; a Danish error when no node has that name."""
        key = department_key(name)
        if key not in self.name:
            raise AmoError(f'Enheden "{department_name(name)}" findes ikke i organisationen eller blandt afdelingerne.')
        return key

    def units(self) -> list[str]:
        """Every node with children (the units a user can choose as a scope), Danish order."""
        return self._sorted({p for k in self.name if (p := self.effective_parent(k)) is not None})


def build(organisation: pd.DataFrame | None, departments: Iterable[str] = ()) -> Tree:
    """The tree of the ``Organisation`` rows (``department``, ``parent``) and the departments
    with data (each at the top unless a row places it)."""
    tree = Tree()
    if organisation is not None and not organisation.empty:
        for name, parent in zip(organisation["department"], organisation["parent"], strict=True):
            if isinstance(name, str) and name:
                tree.add(name, parent if isinstance(parent, str) and parent else None)
    for name in departments:
        if isinstance(name, str) and name:
            tree.add(name)
    return tree


def departments_of(tree: Tree, unit: str, departments: Iterable[str]) -> list[str]:
    """The departments (of ``departments``, the ones with data) in ``unit``'s subtree, the unit
    itself included if it has data."""
    keys = tree.subtree(tree.find(unit))
    return [d for d in departments if department_key(d) in keys]


def entries_by_unit(tree: Tree, counts: pd.DataFrame, scope: str | None = None) -> list[dict]:
    """One row per direct child of ``scope`` (a unit's name; None: the top of the tree) with
    Arbejdsark rows in its subtree: ``unit``, ``departments`` (how many departments of its
    subtree have rows) and the three category counts summed over it; sorted by unit (Danish
    order). ``counts``: department | vigtig_opgave | lykkes | brug_for_at_styrke (one row per
    department, as ``summary``'s ``entries_by_department``)."""
    top = tree.find(scope) if scope is not None else None
    rows: dict[str, dict] = {}
    for record in counts.to_dict("records"):
        child = tree.child_containing(department_key(record["department"]), top)
        if child is None:
            continue
        row = rows.setdefault(child, {"unit": tree.name[child], "departments": 0, "vigtig_opgave": 0, "lykkes": 0,
                                      "brug_for_at_styrke": 0})
        total = int(record["vigtig_opgave"]) + int(record["lykkes"]) + int(record["brug_for_at_styrke"])
        if total:
            row["departments"] += 1
        for column in ("vigtig_opgave", "lykkes", "brug_for_at_styrke"):
            row[column] += int(record[column])
    return [rows[k] for k in tree._sorted(rows) if rows[k]["departments"]]
