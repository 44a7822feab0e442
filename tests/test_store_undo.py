"""Undo on both backends: what an import replaced becomes current again, a later import's
groups stay, and undone rows never come back (data-format.md, "What an import does")."""

from __future__ import annotations

import pandas as pd
import pytest

from amo_data.errors import AmoError
from amo_data.schema import ARBEJDSARK, TABLES
from tests.test_store import ark, result, texts
from tests.test_store import store as store  # noqa: F401  (fixture)
from tests.test_store import url as url  # noqa: F401  (fixture)


def test_undo_restores_what_the_batch_replaced(store):
    store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2026, "gammel"), ark("Kontor", 2026, "K")])],
                         user="a")
    after_a = store.current()
    store.import_results([result("b.xlsx", arbejdsark=[ark("Lager", 2026, "ny"), ark("Lager", 2027, "27")])],
                         user="b")
    assert texts(store) == ["27", "K", "ny"]
    assert store.history()[1]["state"] == "current"

    version = store.data_version()
    info = store.undo(2, user="chef")
    assert info["batch_id"] == 2 and info["state"] == "undone"
    assert info["groups_restored"] == 1 and info["groups_removed"] == 1
    assert "fortrudt" in info["message"]
    assert store.data_version() > version
    assert [(b["id"], b["state"]) for b in store.history()] == [(2, "undone"), (1, "current")]
    cur = store.current()
    for table in TABLES:
        pd.testing.assert_frame_equal(cur[table], after_a[table])  # the very rows, ids included
    entry = store.audit_log()[0]
    assert entry["action"] == "undo" and entry["user"] == "chef" and entry["details"]["batch_id"] == 2

    with pytest.raises(AmoError) as info:
        store.undo("x", user="chef")
    assert info.value.exit_code == 2
    for bad in (2, 99):
        with pytest.raises(AmoError) as info:
            store.undo(bad, user="chef")
        assert info.value.exit_code == 2 and str(bad) in info.value.message

    store.undo(1, user="chef")
    assert not store.has_current_data()
    assert not store.is_empty()  # it has a history
    assert [b["state"] for b in store.history()] == ["undone", "undone"]


def test_undo_of_a_batch_that_was_replaced_later(store):
    store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2026, "a"), ark("Kontor", 2026, "k1")])],
                         user="u")
    store.import_results([result("b.xlsx", arbejdsark=[ark("Lager", 2026, "b"), ark("Kontor", 2026, "k2")])],
                         user="u")
    store.import_results([result("c.xlsx", arbejdsark=[ark("Lager", 2026, "c")])], user="u")
    assert texts(store) == ["c", "k2"]
    assert [b["state"] for b in store.history()] == ["current", "current", "replaced"]

    info = store.undo(2, user="u")
    # Lager: the later batch c stays current; Kontor: what b replaced (k1) is back
    assert texts(store) == ["c", "k1"]
    assert info["groups_restored"] == 1 and info["groups_kept"] == 1
    assert [b["state"] for b in store.history()] == ["current", "undone", "current"]

    # undoing c now restores what the undone b had replaced (a), never b's rows
    store.undo(3, user="u")
    assert texts(store) == ["a", "k1"]
    assert [b["state"] for b in store.history()] == ["undone", "undone", "current"]


def test_undo_of_a_fully_replaced_batch_changes_no_current_data(store):
    store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2026, "a")])], user="u")
    store.import_results([result("b.xlsx", arbejdsark=[ark("Lager", 2026, "b")])], user="u")
    assert store.history()[1]["state"] == "replaced"
    store.undo(1, user="u")
    assert texts(store) == ["b"]
    store.undo(2, user="u")  # a was undone: nothing comes back
    assert not store.has_current_data()


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
