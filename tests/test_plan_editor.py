"""The Handleplan's status editor against what others do meanwhile.

Two AppTest sessions on one store, as two people in two browsers: every status edit is saved
(with who and when) or refused with a Danish reason that stays on the page; edits of different
actions never conflict, whatever was written between drawing the page and the edit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from amo_data.cli import main as cli
from amo_data.store import Store
from amo_data.validate import check_bytes

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PLAN = "pages/3_Handleplan.py"


@pytest.fixture(autouse=True)
def _sample(monkeypatch):
    monkeypatch.setenv("AMO_TODAY", "2026-11-26")
    assert cli(["seed-sample"]) == 0


def plan_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(PLAN).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shown(at: AppTest):
    [editor] = at.data_editor
    return editor.value


def edit(at: AppTest, row: int, status: str) -> AppTest:
    key = at.session_state["_plan_editor_key"]
    at.session_state[key] = {"edited_rows": {row: {"Status": status}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def row_of(at: AppTest, department: str) -> int:
    return next(i for i, d in enumerate(shown(at)["Afdeling"]) if d == department)


def other_status(status: str) -> str:
    return "Aflyst" if status != "Aflyst" else "Planlagt"


def action_id(at: AppTest, row: int) -> int:
    """The id of the action shown in ``row``: matched by department, Hvad and Hvornår."""
    view = shown(at).iloc[row]
    plan = Store().current()["handleplan"]
    match = plan[(plan["department"] == view["Afdeling"]) & (plan["what"] == view["Hvad"]) & (plan["year"] == 2026)]
    assert len(match) == 1, view
    return int(match["id"].iloc[0])


def status_lines() -> list[dict]:
    return [e for e in Store().audit_log() if e["action"] == "status"]


def test_two_people_editing_two_departments_both_get_their_edit_saved():
    mette, lars = plan_page(), plan_page()  # both pages drawn before either edit
    lager, kantine = row_of(mette, "Lager"), row_of(lars, "Kantine")
    lager_id, kantine_id = action_id(mette, lager), action_id(lars, kantine)
    lager_new = other_status(shown(mette)["Status"].iloc[lager])
    kantine_new = other_status(shown(lars)["Status"].iloc[kantine])
    edit(mette, lager, lager_new)
    edit(lars, kantine, kantine_new)  # drawn before Mette's write
    plan = Store().current()["handleplan"].set_index("id")
    assert plan.loc[lager_id, "status"] == lager_new
    assert plan.loc[kantine_id, "status"] == kantine_new, "the second person's edit was lost"
    assert [(e["details"]["action_id"], e["details"]["new"]) for e in status_lines()] == [
        (kantine_id, kantine_new), (lager_id, lager_new)]
    assert not mette.error and not lars.error


def test_an_edit_of_an_action_another_person_changed_meanwhile_is_refused_saying_so():
    at = plan_page()
    row = row_of(at, "Lager")
    seen = shown(at)["Status"].iloc[row]
    theirs = "I gang" if seen != "I gang" else "Planlagt"
    Store().set_action_status(action_id(at, row), theirs, user="kollega")
    mine = next(s for s in ("Aflyst", "Gennemført") if s not in (seen, theirs))
    edit(at, row, mine)
    assert Store().current()["handleplan"].set_index("id").loc[action_id(at, row), "status"] == theirs
    [refusal] = [e.value for e in at.error]
    assert "ikke ændret" in refusal and "kollega" in refusal and f"»{theirs}«" in refusal, refusal
    at.run()  # the refusal stays on the page (not only a toast)
    assert [e.value for e in at.error] == [refusal]
    assert [e["user"] for e in status_lines()] == ["kollega"]


def _replace_lager_2026() -> None:
    """Another person imports a new Handleplan for Lager 2026: every action of it is replaced."""
    text = ("Afdeling;År;Hvad;Område;Hjælp;Hvornår;Status\n"
            "Lager;2026;Ny handling;Ergonomi;Egen kompetenceudvikling;4. kvartal 2026;Planlagt\n")
    result = check_bytes("lager-2026.csv", text.encode("utf-8"))
    assert result.ok, result.errors
    Store().import_results([result], user="kollega")


def test_an_edit_of_an_action_an_import_replaced_meanwhile_is_refused_in_danish():
    at = plan_page()
    row = row_of(at, "Lager")
    what = shown(at)["Hvad"].iloc[row]
    _replace_lager_2026()
    before = Store().current()["handleplan"]
    edit(at, row, other_status(shown(at)["Status"].iloc[row]))
    assert Store().current()["handleplan"].equals(before)
    [refusal] = [e.value for e in at.error]
    assert what in refusal.replace("\\", "") and "erstattet" in refusal, refusal
    assert not status_lines()
    # Other edits on the page go on working.
    kantine = row_of(at, "Kantine")
    edit(at, kantine, other_status(shown(at)["Status"].iloc[kantine]))
    assert len(status_lines()) == 1
