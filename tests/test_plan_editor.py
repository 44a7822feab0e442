"""The Handleplan's status editor against what others do meanwhile.

Two AppTest sessions on one store, as two people in two browsers: every status edit is saved
(with who and when) or refused with a Danish reason that stays on the page; edits of different
actions never conflict, whatever was written between drawing the page and the edit.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from amo_data import lists, metrics
from amo_data.cli import main as cli
from amo_data.store import Store
from amo_data.validate import check_bytes
from amo_data.workbook import write_workbook

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PLAN = "pages/3_Handleplan.py"


TODAY = "2026-11-26"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("AMO_TODAY", TODAY)


@pytest.fixture
def sample():
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


def test_two_people_editing_two_departments_both_get_their_edit_saved(sample):
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


def test_an_edit_of_an_action_another_person_changed_meanwhile_is_refused_saying_so(sample):
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


def test_an_edit_of_an_action_an_import_replaced_meanwhile_is_refused_in_danish(sample):
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


def _edits(at: AppTest, key: str, edits: dict[int, str]) -> AppTest:
    """The state the browser sends for the editor drawn as ``key``: every edit made in it so far."""
    at.session_state[key] = {"edited_rows": {row: {"Status": status} for row, status in edits.items()},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_edits_made_one_after_another_in_one_table_are_each_saved_once(sample):
    at = plan_page()
    key = at.session_state["_plan_editor_key"]
    first, second = (other_status(shown(at)["Status"].iloc[row]) for row in (0, 1))
    ids = [action_id(at, row) for row in (0, 1)]
    _edits(at, key, {0: first})
    # The table in the browser keeps its edits: the second comes with the first, maybe before the
    # page drawn after the first one has arrived.
    _edits(at, key, {0: first, 1: second})
    plan = Store().current()["handleplan"].set_index("id")
    assert [plan.loc[i, "status"] for i in ids] == [first, second]
    assert sorted(e["details"]["action_id"] for e in status_lines()) == sorted(ids), "each edit saved once"
    assert not at.error


def test_an_edit_made_in_a_table_the_previous_edit_changed_is_saved(sample):
    at = plan_page()
    planned = "Planlagt"
    [status] = [m for m in at.main.multiselect if m.label == "Status"]
    status.set_value([planned]).run()  # an edit to Gennemført takes its action out of this list
    key = at.session_state["_plan_editor_key"]
    ids = [action_id(at, row) for row in (0, 1)]
    _edits(at, key, {0: "Gennemført"})
    assert at.session_state["_plan_editor_key"] != key  # another list of actions
    _edits(at, key, {0: "Gennemført", 1: "I gang"})  # made in the table before the new one arrived
    plan = Store().current()["handleplan"].set_index("id")
    assert [plan.loc[i, "status"] for i in ids] == ["Gennemført", "I gang"]
    assert len(status_lines()) == 2 and not at.error


def test_a_saved_edit_that_someone_changes_afterwards_is_not_saved_again(sample):
    at = plan_page()
    key = at.session_state["_plan_editor_key"]
    first = other_status(shown(at)["Status"].iloc[0])
    ids = [action_id(at, row) for row in (0, 1)]
    _edits(at, key, {0: first})
    theirs = next(s for s in ("I gang", "Ikke startet") if s != first)
    Store().set_action_status(ids[0], theirs, user="kollega")
    at.run()
    assert shown(at)["Status"].iloc[0] == theirs
    second = other_status(shown(at)["Status"].iloc[1])
    _edits(at, key, {0: first, 1: second})  # the old table still shows the first edit
    plan = Store().current()["handleplan"].set_index("id")
    assert [plan.loc[i, "status"] for i in ids] == [theirs, second], "kollega's change was overwritten"


def test_a_change_made_elsewhere_shows_on_the_next_run(sample):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/3_Handleplan.py").run()
    plan = Store().current()["handleplan"]
    shown = at.data_editor[0].value
    row = next(i for i, s in enumerate(shown["Status"]) if s not in ("Gennemført", "Aflyst"))
    [action] = plan.loc[(plan["what"] == shown["Hvad"].iloc[row]) & (plan["department"] == shown["Afdeling"].iloc[row])
                        & (plan["year"] == 2026), "id"]
    Store().set_action_status(int(action), "Aflyst", user="andet vindue")  # another process
    at.run()
    assert not at.exception
    assert at.data_editor[0].value["Status"].iloc[row] == "Aflyst"  # the editor shows the new data


# --- long plans are edited a page of 100 actions at a time ---------------------------------------

def _many_actions(n: int) -> pd.DataFrame:
    """``n`` actions of 2026 (three departments, quarters 1-4) through the real import path."""
    result = check_bytes("mange.xlsx", _many_actions_file(n))
    assert result.ok, result.errors[:3]
    Store().import_results([result], user="test")
    return Store().current()["handleplan"]


def _many_actions_file(n: int) -> bytes:
    """A workbook of ``n`` actions of 2026 (three departments, quarters 1-4)."""
    plan = pd.DataFrame({
        "department": [("Lager", "Kantine", "Produktion")[i % 3] for i in range(n)],
        "year": pd.Series([2026] * n, dtype="int64"), "date": [None] * n,
        "what": [f"Handling {i + 1:03d}" for i in range(n)], "area": ["Ergonomi"] * n,
        "why": [None] * n, "how": [None] * n,
        "help": [("Egen kompetenceudvikling", "Hjælp indefra")[i % 2] for i in range(n)],
        "when": [f"{i % 4 + 1}. kvartal 2026" for i in range(n)],
        "quarter": [f"2026-Q{i % 4 + 1}" for i in range(n)], "urgent": [False] * n,
        "who": [None] * n, "follow_up": [None] * n, "status": ["Planlagt"] * n,
    })
    buffer = io.BytesIO()
    write_workbook({"handleplan": plan}, buffer)
    return buffer.getvalue()


def _pagers(at: AppTest) -> list:
    return [s for s in at.selectbox if s.label == "Vis handlinger"]


def _editor_rows(at: AppTest) -> list[str]:
    """The 'Hvad' column of the status editor as the browser gets it."""
    [editor] = [e for e in at.dataframe if e.proto.editing_mode]
    return list(editor.value["Hvad"])


def test_a_long_plan_is_edited_a_page_of_100_actions_at_a_time():
    plan = _many_actions(250)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/3_Handleplan.py").run()
    [pager] = _pagers(at)
    assert pager.options == ["1–100 af 250", "101–200 af 250", "201–250 af 250"]
    order = list(lists.select_actions(plan)["what"])
    assert _editor_rows(at) == order[:100]
    # The overdue list (quarters 1-3 of 2026 are over on 26-11-2026) is paged the same way.
    overdue = metrics.overdue_actions(plan, TODAY)
    assert len(overdue) == 188 and f"Overskredne ({len(overdue)})" in [h.value for h in at.subheader]
    [overdue_pager] = [s for s in at.selectbox if s.label == "Vis overskredne"]
    assert overdue_pager.options == ["1–100 af 188", "101–188 af 188"]
    overdue_pager.set_value(1).run()
    [table] = [d.value for d in at.dataframe if not d.proto.editing_mode and "Hvem" in d.value.columns]
    assert list(table["Hvad"]) == list(overdue["what"])[100:]
    assert not [s for s in at.selectbox if s.label == "Vis hastende"]  # no urgent action: no pager
    pager.set_value(2).run()
    assert _pagers(at)[0].value == 2
    assert _editor_rows(at) == order[200:]
    # An edit on the third page changes the action shown there, and the page stays.
    key = at.session_state["_plan_editor_key"]
    at.session_state[key] = {"edited_rows": {0: {"Status": "Gennemført"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    done = Store().current()["handleplan"]
    assert list(done.loc[done["status"] == "Gennemført", "what"]) == [order[200]]
    assert _editor_rows(at) == order[200:] and _pagers(at)[0].value == 2
    # Another selection starts at its first page; a short one has no pager.
    _choose(at, "Status", ["Planlagt"])
    assert _editor_rows(at) == [w for w in order if w != order[200]][:100] and _pagers(at)[0].value == 0
    _choose(at, "Hjælp", ["Hjælp indefra"])  # 124 of the 249 planned: still two pages
    assert len(_editor_rows(at)) == 100 and _pagers(at)[0].options[-1] == "101–124 af 124"
    _choose(at, "Kvartal", ["2026-Q2"])  # Hjælp indefra in Q2: every 4th of them, one page
    indefra_q2 = plan.loc[(plan["help"] == "Hjælp indefra") & (plan["quarter"] == "2026-Q2")
                          & (plan["what"] != order[200])]
    assert not _pagers(at) and sorted(_editor_rows(at)) == sorted(indefra_q2["what"])


def _choose(at: AppTest, label: str, values: list[str]) -> None:
    [box] = [m for m in at.multiselect if m.label == label]
    box.set_value(values).run()
    assert not at.exception, [e.message for e in at.exception]


def test_a_plan_of_thousands_of_actions_counts_them_the_danish_way():
    _many_actions(1_200)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/3_Handleplan.py").run()
    assert not at.exception
    assert any(m.value.startswith("1.200 handlinger.") for m in at.markdown), [m.value for m in at.markdown][:5]
    assert _pagers(at)[0].options[0] == "1–100 af 1.200"
