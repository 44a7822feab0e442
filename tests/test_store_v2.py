"""The file format's version 2 in the store, both backends: Medlemmer (one list per department),
Organisation (one row per named department or unit, no cycles across files), Uddannelse's Type;
and the departments and years the dashboard offers from them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from amo_data.errors import AmoError
from amo_data.schema import ARBEJDSARK, MEDLEMMER, ORGANISATION, UDDANNELSE
from amo_data.store import NO_YEAR, Store, versions
from tests.test_store import ark, member, result, udd, unit
from tests.test_store import store as store  # noqa: F401  (fixture)
from tests.test_store import url as url  # noqa: F401  (fixture)


def names(store: Store, department: str | None = None) -> list[str]:
    return sorted(store.current(department=department)[MEDLEMMER]["name"])


def tree(store: Store) -> dict[str, str | None]:
    frame = store.current()[ORGANISATION]
    return dict(zip(frame["department"], frame["parent"], strict=True))


# --------------------------------------------------------------------------- Medlemmer


def test_a_member_list_replaces_the_departments_whole_list(store):
    first = store.import_results([result("m1.xlsx", medlemmer=[
        member("Lager", "Ole Hansen"), member("Lager", "Pia Berg"), member("Kontor", "Ida Lund")])], user="u")
    assert first.groups_new == 2
    # One group per department, year 0 (a table without years), never a year in the choices.
    with store.engine.connect() as conn:
        groups = conn.execute(sa.select(versions.c.department, versions.c.year, versions.c.row_count)
                              .order_by(versions.c.id)).all()
    assert [tuple(g) for g in groups] == [("Lager", NO_YEAR, 2), ("Kontor", NO_YEAR, 1)]
    assert store.years() == []
    assert store.current_groups().empty
    outline = store.outline()  # the member lists' departments, without a year
    assert all(outline[t].empty for t in ("arbejdsark", "handleplan", "uddannelse"))
    assert sorted(outline[MEDLEMMER]["department"]) == ["Kontor", "Lager"]
    assert "year" not in outline[MEDLEMMER].columns

    # Lager's new list (one left, one joined) replaces its whole list; Kontor's is untouched.
    second = store.import_results([result("m2.xlsx", medlemmer=[
        member("LAGER", "Pia Berg"), member("lager", "Sune Holm", role="Arbejdsleder")])], user="u")
    assert (second.groups_replaced, second.groups_new) == (1, 0)
    assert names(store, "Lager") == ["Pia Berg", "Sune Holm"]
    assert names(store, "Kontor") == ["Ida Lund"]
    assert set(store.current()[MEDLEMMER]["department"]) == {"Lager", "Kontor"}  # the stored spelling

    # The same list again, in another order: nothing changes the second time.
    again = store.import_results([result("m3.xlsx", medlemmer=[
        member("Lager", "Sune Holm", role="Arbejdsleder"), member("Lager", "Pia Berg")])], user="u")
    assert again.unchanged and len(store.history()) == 2

    # Undo brings Lager's earlier list back.
    store.undo(second.batch_id, user="u")
    assert names(store, "Lager") == ["Ole Hansen", "Pia Berg"]


def test_member_values_and_dtypes_round_trip(store):
    row = member("Lager", "Ole Hansen", joined=dt.date(2024, 9, 1), left=dt.date(2026, 8, 31),
                 basic_training=dt.date(2024, 11, 20), email="ole@firma.dk")
    store.import_results([result("m.xlsx", medlemmer=[row, member("Lager", "Pia")])], user="u")
    frame = store.current()[MEDLEMMER]
    assert list(frame.columns) == ["id", "department", "name", "role", "joined", "left", "basic_training", "email"]
    assert frame.drop(columns="id").iloc[0].to_dict() == row
    assert frame["left"].iloc[1] is None and frame["email"].iloc[1] is None
    assert {str(t) for t in frame.dtypes.iloc[1:]} == {"object"}
    counts = store.counts(MEDLEMMER, ("role",))
    assert counts.to_dict("list") == {"role": ["AMR"], "count": [2]}
    # A table without years is given whole whatever year is asked for.
    assert len(store.current(year=2026)[MEDLEMMER]) == 2 == len(store.counts(MEDLEMMER, "name", year=2026))


def test_training_type_round_trips(store):
    store.import_results([result("u.xlsx", uddannelse=[udd("Lager"), udd("Lager", course="Grundkursus",
                                                                           type="Grunduddannelse", hours=22.0)])],
                         user="u")
    assert store.current()[UDDANNELSE]["type"].tolist() == ["Supplerende", "Grunduddannelse"]


# --------------------------------------------------------------------------- departments and units


def test_departments_count_member_lists_but_not_units(store):
    store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2026)],
                                 medlemmer=[member("Kantine", "Bo")],
                                 organisation=[unit("Lager", "Drift"), unit("Drift", "Direktion"),
                                               unit("Kantine", "Drift")])], user="u")
    # Kantine has a member list only: a department. Drift and Direktion are units.
    assert store.departments() == ["Kantine", "Lager"]
    assert store.known_departments() == ["Kantine", "Lager"]
    assert store.years() == [2026]
    groups = store.current_groups()
    assert groups.to_dict("list") == {"department": ["Lager"], "year": [2026]}
    assert str(groups["year"].dtype) == "int64"
    with pytest.raises(ValueError):
        store.current_groups(tables=[MEDLEMMER])
    outline = store.outline()
    assert set(outline) == {"arbejdsark", "handleplan", "uddannelse", MEDLEMMER}
    assert 0 not in set(outline[ARBEJDSARK]["year"])


# --------------------------------------------------------------------------- Organisation


def test_an_organisation_sheet_replaces_where_each_named_unit_sits(store):
    store.import_results([result("o1.xlsx", organisation=[
        unit("Lager", "Drift"), unit("Kontor", "Administration"), unit("Drift", None)])], user="u")
    # Lager moves; Kontor is not named, so it stays. A parent is spelled as its department is
    # (stored, or first met as Afdeling in the import).
    outcome = store.import_results([result("o2.xlsx", organisation=[unit("lager", "DRIFT NORD"),
                                                                    unit("Drift Nord", "drift")])], user="u")
    assert (outcome.groups_replaced, outcome.groups_new) == (1, 1)
    assert tree(store) == {"Lager": "Drift Nord", "Kontor": "Administration", "Drift": None, "Drift Nord": "Drift"}
    again = store.import_results([result("o3.xlsx", organisation=[unit("Drift nord", "Drift"),
                                                                  unit("LAGER", "drift nord")])], user="u")
    assert again.unchanged
    store.undo(outcome.batch_id, user="u")
    assert tree(store) == {"Lager": "Drift", "Kontor": "Administration", "Drift": None}


@pytest.mark.parametrize("split", [False, True])
def test_an_organisation_that_would_go_round_in_a_ring_is_refused_and_nothing_is_stored(store, split):
    store.import_results([result("o1.xlsx", arbejdsark=[ark("Lager", 2026)], organisation=[
        unit("Lager", "Drift"), unit("Drift", "Teknik og Miljø"), unit("Teknik og Miljø", None)])], user="u")
    before = (store.current(), store.history(), store.data_version(), store.audit_log())
    # Each file is fine alone; with the stored rows they make a ring.
    files = ([result("o2.xlsx", organisation=[unit("Teknik og miljø", "Lager")]),
              result("a.xlsx", arbejdsark=[ark("Kontor", 2026)])] if split else
             [result("o2.xlsx", arbejdsark=[ark("Kontor", 2026)], organisation=[unit("Teknik og miljø", "Lager")])])
    with pytest.raises(AmoError) as info:
        store.import_results(files, user="u")
    assert info.value.exit_code == 1
    message = info.value.message
    assert message.startswith("Organisationen kan ikke gemmes")
    for name in ("Lager", "Drift", "Teknik og"):
        assert f'"{name}' in message
    assert "Intet er gemt" in message
    now = (store.current(), store.history(), store.data_version(), store.audit_log())
    for table in before[0]:
        pd.testing.assert_frame_equal(now[0][table], before[0][table])
    assert now[1:] == before[1:]
    # A unit moved within the tree (no ring) is fine; so is a ring the import itself breaks.
    store.import_results([result("o3.xlsx", organisation=[unit("Teknik og Miljø", "Direktion")])], user="u")
    store.import_results([result("o4.xlsx", organisation=[unit("Direktion", "Lager"), unit("Drift", None)])],
                         user="u")
    assert tree(store) == {"Lager": "Drift", "Drift": None, "Teknik og Miljø": "Direktion", "Direktion": "Lager"}


def test_a_ring_across_two_files_of_one_import_is_refused(store):
    with pytest.raises(AmoError, match="går den i ring") as info:
        store.import_results([result("a.xlsx", organisation=[unit("A", "B")]),
                              result("b.xlsx", organisation=[unit("B", "A")])], user="u")
    assert info.value.exit_code == 1 and store.is_empty()
