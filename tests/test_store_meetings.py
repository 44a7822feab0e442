"""What the store keeps beside the data, both backends: meetings held in the dashboard (saved
as imports), personal drafts before a meeting, and the reminders ``remind`` mailed."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from amo_data.errors import AmoError
from amo_data.schema import ARBEJDSARK
from amo_data.store import Meeting
from tests.test_store import ark, plan, result, texts
from tests.test_store import store as store  # noqa: F401  (fixture)
from tests.test_store import url as url  # noqa: F401  (fixture)


def meeting(held_on: dt.date, *participants: str, department: str = "Lager", year: int = 2026) -> dict:
    return {"department": department, "year": year, "held_on": held_on, "participants": list(participants),
            "author": "mette"}


ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- meetings


def test_a_meeting_is_saved_with_its_import_and_undone_with_it(store):
    first = store.import_results([result("møde-1.xlsx", arbejdsark=[ark("Lager", 2026, "Trivsel")])], user="mette",
                                 meeting=meeting(dt.date(2026, 3, 2), "Mette Holm", " Per  Jensen ", "Mette Holm"))
    second = store.import_results([result("møde-2.xlsx", arbejdsark=[ark("Lager", 2026, "Trivsel og løft")])],
                                  user="mette", meeting=Meeting("lager", 2026, dt.date(2026, 9, 14), ("Ida",), "ida"))
    assert [m["held_on"] for m in store.meetings("LAGER", 2026)] == [dt.date(2026, 9, 14), dt.date(2026, 3, 2)]
    older = store.meetings("Lager", 2026)[1]
    assert older == {"batch_id": first.batch_id, "department": "Lager", "year": 2026, "held_on": dt.date(2026, 3, 2),
                     "participants": ["Mette Holm", "Per Jensen"], "author": "mette"}
    assert store.meetings("Lager", 2025) == [] and store.meetings("Kontor", 2026) == []
    history = store.history()
    assert history[0]["meeting"]["held_on"] == "2026-09-14" and history[0]["meeting"]["department"] == "Lager"
    assert store.audit_log()[0]["details"]["meeting"] == {"department": "Lager", "year": 2026,
                                                          "held_on": "2026-09-14"}
    assert store.batch_departments(second.batch_id) == ["Lager"]

    info = store.undo(second.batch_id, user="mette")
    assert "Mødet den 14-09-2026 gælder ikke længere" in info["message"]
    assert [m["held_on"] for m in store.meetings("Lager", 2026)] == [dt.date(2026, 3, 2)]
    assert store.history()[0]["meeting"]["held_on"] == "2026-09-14"  # the history keeps it
    assert texts(store) == ["Trivsel"]


def test_a_meeting_is_a_change_even_when_its_points_are_already_stored(store):
    rows = [ark("Lager", 2026, "Trivsel")]
    store.import_results([result("a.xlsx", arbejdsark=rows)], user="u")
    version = store.data_version()
    outcome = store.import_results([result("a.xlsx", arbejdsark=rows)], user="u",
                                   meeting=meeting(dt.date(2026, 4, 1), "Bo"))
    assert not outcome.unchanged and outcome.batch_id == 2
    assert (outcome.groups_new, outcome.groups_replaced) == (0, 0)
    assert store.data_version() > version
    assert store.meetings("Lager", 2026)[0]["batch_id"] == 2
    # A meeting without any file is saved too.
    alone = store.import_results([], user="u", meeting=meeting(dt.date(2026, 5, 1), "Bo", department="Kontor"))
    assert store.history()[0]["files"] == [] and store.meetings("kontor", 2026)[0]["batch_id"] == alone.batch_id


def test_a_meeting_that_deleted_every_action_leaves_the_year_without_a_plan(store):
    """Møde says "Gem mødet erstatter Lagers arbejdsark og handleplan for 2026": a plan whose every
    action was deleted in the meeting is empty afterwards, the other years and departments keep
    theirs, and undo brings the plan back."""
    store.import_results([result("plan.xlsx", arbejdsark=[ark("Lager", 2026, "Trivsel")],
                                 handleplan=[plan("Lager", 2026, "Kursus i kemi"), plan("Lager", 2025, "APV"),
                                             plan("Kontor", 2026, "Stole")])], user="u")
    held = store.import_results([result("Møde Lager 2026", arbejdsark=[ark("LAGER", 2026, "Trivsel og løft")])],
                                user="mette", meeting=meeting(dt.date(2026, 9, 14), "Mette Holm"))
    assert held.groups_replaced == 2
    assert texts(store) == ["Trivsel og løft"]
    assert sorted(texts(store, "handleplan", "what")) == ["APV", "Stole"]
    store.undo(held.batch_id, user="mette")
    assert sorted(texts(store, "handleplan", "what")) == ["APV", "Kursus i kemi", "Stole"]
    # Files that do not carry the meeting's own work sheet leave its year's plan alone.
    for other in (ark("Kontor", 2026, "Stole"), ark("Lager", 2025, "APV")):
        store.import_results([result("andet.xlsx", arbejdsark=[other])], user="mette",
                             meeting=meeting(dt.date(2026, 10, 1), "Mette Holm"))
        assert "Kursus i kemi" in texts(store, "handleplan", "what")


@pytest.mark.parametrize("bad, words", [
    ({"department": " ", "year": 2026, "held_on": dt.date(2026, 1, 1)}, "afdeling"),
    ({"department": "Lager", "year": "næste år", "held_on": dt.date(2026, 1, 1)}, "år"),
    ({"department": "Lager", "year": 1999, "held_on": dt.date(2026, 1, 1)}, "2000-2100"),
    ({"department": "Lager", "year": 2026, "held_on": "i går"}, "dato"),
])
def test_a_meeting_without_its_facts_is_refused_in_danish_and_nothing_is_stored(store, bad, words):
    with pytest.raises(AmoError) as info:
        store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2026)])], user="u", meeting=bad)
    assert info.value.exit_code == 2 and words in info.value.message
    assert store.is_empty()


# --------------------------------------------------------------------------- drafts


def test_drafts_are_personal_replaced_on_save_and_no_data(store, url):
    store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2026)])], user="u")
    version, audit = store.data_version(), store.audit_log()
    assert store.preparation("mette", "Lager", 2026) is None
    store.save_preparation("mette", "Lager", 2026, {"punkter": ["Trivsel"], "noter": "æøå"})
    store.save_preparation("ida", "lager", 2026, {"punkter": []})
    store.save_preparation("mette", " LAGER ", 2026, {"punkter": ["Trivsel", "Løft"]})  # replaces her draft
    store.save_preparation("mette", "Lager", 2027, {"punkter": ["Næste år"]})
    assert store.preparation("mette", "lager", 2026) == {"punkter": ["Trivsel", "Løft"]}
    drafts = store.preparations("Lager", 2026)
    assert [(d["author"], d["content"]) for d in drafts] == [("ida", {"punkter": []}),
                                                              ("mette", {"punkter": ["Trivsel", "Løft"]})]
    assert all(d["department"] == "Lager" and d["year"] == 2026 and d["updated_at"].endswith("+00:00")
               for d in drafts)
    assert store.data_version() == version and store.audit_log() == audit
    with pytest.raises(AmoError):
        store.save_preparation(" ", "Lager", 2026, {})
    # Another process, after a restart, sees them.
    store.close()
    code = ("import sys; from amo_data.store import Store; "
            "print(Store(sys.argv[1]).preparation('mette', 'Lager', 2027)['punkter'][0])")
    out = subprocess.run([sys.executable, "-c", code, url], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "Næste år"


# --------------------------------------------------------------------------- reminders


def test_reminders_are_recorded_once(store):
    version = store.data_version()
    rows = [("ole@firma.dk", "handling-7@amo", "coming"), ("ole@firma.dk", "handling-7@amo", "passed"),
            ("pia@firma.dk", "handling-7@amo", "coming")]
    assert store.record_reminders(rows) == 3
    assert store.record_reminders([rows[0], ("ole@firma.dk", "drøftelse-lager@amo", "coming")]) == 1
    assert store.record_reminders([]) == 0
    assert store.reminders_sent(["ole@firma.dk"]) == {rows[0], rows[1], ("ole@firma.dk", "drøftelse-lager@amo",
                                                                          "coming")}
    assert store.reminders_sent(["pia@firma.dk", "ingen@firma.dk"]) == {rows[2]}
    # Addresses are matched case-insensitively and given in lower case.
    assert store.record_reminders([(" Pia@Firma.DK ", "handling-7@amo", "coming")]) == 0
    assert store.reminders_sent(["PIA@firma.dk"]) == {rows[2]}
    assert store.reminders_sent([]) == set()
    with pytest.raises(ValueError):
        store.record_reminders([("ole@firma.dk", "x", "later")])
    assert store.data_version() == version


def test_meetings_of_an_erased_import_survive_in_other_departments(store):
    store.import_results([result("a.xlsx", arbejdsark=[ark("Lager", 2026)])], user="u",
                         meeting=meeting(dt.date(2026, 3, 2), "Bo"))
    store.import_results([result("b.xlsx", arbejdsark=[ark("Kontor", 2026)])], user="u",
                         meeting=meeting(dt.date(2026, 3, 3), "Ib", department="Kontor"))
    store.delete_department("Lager", user="admin")
    assert store.meetings("Lager", 2026) == []
    assert [m["participants"] for m in store.meetings("Kontor", 2026)] == [["Ib"]]
    assert store.current()[ARBEJDSARK]["department"].tolist() == ["Kontor"]


def test_two_instances_saving_the_same_year_the_second_is_refused_and_nothing_lost(store, url):
    # Two app instances (two Store objects, as two processes have) open Lager 2026's meeting at
    # the same moment; both save. The store checks the year under its write lock: the first
    # wins, the second gets Conflict and stores nothing, so no one's points are silently replaced.
    from amo_data.store import Conflict, Store

    store.import_results([result("før.xlsx", arbejdsark=[ark("Lager", 2026, "Trivsel")])], user="u")
    other = Store(url)
    try:
        seen_a, seen_b = store.year_state("Lager", 2026), other.year_state("Lager", 2026)
        assert seen_a == seen_b
        store.import_results([result("anna.xlsx", arbejdsark=[ark("Lager", 2026, "Annas punkt")])], user="anna",
                             meeting=meeting(dt.date(2026, 11, 20), "Anna"), expected=seen_a)
        batches = len(other.history())
        with pytest.raises(Conflict):
            other.import_results([result("bo.xlsx", arbejdsark=[ark("Lager", 2026, "Bos punkt")])], user="bo",
                                 meeting=meeting(dt.date(2026, 11, 20), "Bo"), expected=seen_b)
        assert len(other.history()) == batches
        assert texts(other, ARBEJDSARK) == ["Annas punkt"]
        # A status edit of the year is a change too; another year's is not.
        store.import_results([result("plan.xlsx", handleplan=[plan("Lager", 2026, "Kursus")])], user="u")
        state, other_year = store.year_state("Lager", 2026), store.year_state("Lager", 2025)
        action = int(store.current()["handleplan"]["id"].iloc[0])
        store.set_action_status(action, "Gennemført", user="u")
        assert other.year_state("Lager", 2026) != state and other.year_state("Lager", 2025) == other_year
    finally:
        other.close()
