"""The organisation tree and the figures by unit, hand-worked from cli-and-metrics.md ("Units").

Quoted: "`--unit NAME` keeps every department in NAME's subtree (NAME itself included if it has
data)"; "`entries_by_unit` has one row per direct child of the scope — the chosen unit, else the
top of the tree — with `departments` = the number of departments with Arbejdsark rows in that
child's subtree and the three category counts summed over it; a child with no rows in the scope
is left out; sorted by `unit`"; "Without any `Organisation` rows every department is a top-level
child".
"""

from __future__ import annotations

import pandas as pd
import pytest

from amo_data.errors import AmoError
from amo_data.units import build, departments_of, entries_by_unit

ORG = pd.DataFrame({"department": ["Teknik og Miljø", "Vej og Park", "Vejdrift", "Parkdrift", "Børn og Unge",
                                   "Dagtilbud", "Skoler", "Solsikken"],
                    "parent": ["Kommunen", "Teknik og Miljø", "Vej og Park", "Vej og Park", "Kommunen",
                               "Børn og Unge", "Børn og Unge", "Dagtilbud"]})
DEPARTMENTS = ["Vejdrift", "Parkdrift", "Solsikken", "Skoler", "Rådhuset", "Teknik og Miljø"]


def counts(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["department", "vigtig_opgave", "lykkes", "brug_for_at_styrke"])


COUNTS = counts(("Vejdrift", 1, 2, 3), ("Parkdrift", 0, 1, 1), ("Solsikken", 2, 0, 4), ("Skoler", 0, 0, 0),
                ("Rådhuset", 1, 1, 1), ("Teknik og Miljø", 1, 0, 0))


def test_a_units_departments_are_its_whole_subtree_and_itself_when_it_has_data():
    tree = build(ORG, DEPARTMENTS)
    assert sorted(departments_of(tree, "Teknik og Miljø", DEPARTMENTS)) == ["Parkdrift", "Teknik og Miljø", "Vejdrift"]
    assert sorted(departments_of(tree, "børn  og unge", DEPARTMENTS)) == ["Skoler", "Solsikken"]
    assert departments_of(tree, "Kommunen", DEPARTMENTS) == ["Vejdrift", "Parkdrift", "Solsikken", "Skoler",
                                                             "Teknik og Miljø"]


def test_entries_by_unit_at_the_top_has_one_row_per_top_level_child():
    rows = entries_by_unit(build(ORG, DEPARTMENTS), COUNTS)
    assert rows == [{"unit": "Kommunen", "departments": 4, "vigtig_opgave": 4, "lykkes": 3, "brug_for_at_styrke": 8},
                    {"unit": "Rådhuset", "departments": 1, "vigtig_opgave": 1, "lykkes": 1, "brug_for_at_styrke": 1}]


def test_entries_by_unit_of_a_chosen_unit_counts_its_direct_children():
    tree = build(ORG, DEPARTMENTS)
    assert entries_by_unit(tree, COUNTS, "Børn og Unge") == [
        {"unit": "Dagtilbud", "departments": 1, "vigtig_opgave": 2, "lykkes": 0, "brug_for_at_styrke": 4}]
    # A unit with data of its own is not its own child; its children are.
    assert [r["unit"] for r in entries_by_unit(tree, COUNTS, "Teknik og Miljø")] == ["Vej og Park"]
    assert entries_by_unit(tree, COUNTS, "Vejdrift") == []


def test_without_organisation_rows_every_department_is_a_top_level_child():
    rows = entries_by_unit(build(None, DEPARTMENTS), COUNTS)
    assert [(r["unit"], r["departments"], r["brug_for_at_styrke"]) for r in rows] == [
        ("Parkdrift", 1, 1), ("Rådhuset", 1, 1), ("Solsikken", 1, 4), ("Teknik og Miljø", 1, 0), ("Vejdrift", 1, 3)]


def test_names_match_in_other_case_and_spacing():
    org = pd.DataFrame({"department": ["vejdrift ", "VEJ  OG PARK"], "parent": ["Vej og Park", "Teknik"]})
    tree = build(org, ["Vejdrift"])
    assert tree.path(tree.find("VEJDRIFT")) == ["Teknik", "Vej og Park", "vejdrift"]
    assert departments_of(tree, "teknik", ["Vejdrift"]) == ["Vejdrift"]


def test_an_unknown_unit_is_a_danish_error():
    with pytest.raises(AmoError, match='Enheden "Findes Ikke" findes ikke'):
        departments_of(build(ORG, DEPARTMENTS), "Findes Ikke", DEPARTMENTS)


def test_a_unit_with_no_data_has_no_row_and_a_department_outside_the_tree_sits_at_the_top():
    tree = build(ORG, DEPARTMENTS)
    assert tree.path(tree.find("Rådhuset")) == ["Rådhuset"]
    assert "Rådhuset" in [tree.name[k] for k in tree.children(None)]
    assert [tree.name[k] for k in tree.units()] == ["Børn og Unge", "Dagtilbud", "Kommunen", "Teknik og Miljø",
                                                    "Vej og Park"]


def test_a_cycle_that_reached_the_tree_cannot_make_a_walk_loop():
    org = pd.DataFrame({"department": ["A", "B", "C"], "parent": ["B", "A", "A"]})
    tree = build(org, ["A", "C"])
    assert tree.ancestors(tree.find("A")) == [] and tree.ancestors(tree.find("B")) == []
    assert departments_of(tree, "A", ["A", "C"]) == ["A", "C"]
