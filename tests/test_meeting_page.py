"""Meeting mode in the app (issue 17): two members prepare, the meeting runs its four steps, the
plan is saved as an import (with the meeting) and shows on Handleplan; undo takes it back; two
sessions saving the same department and year: the second is refused in Danish, nothing is lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from amo_data import auth
from amo_data.cli import main as cli
from amo_data.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PREP, MEETING, PLAN, UPLOAD = "pages/9_Forberedelse.py", "pages/10_Møde.py", "pages/3_Handleplan.py", \
    "pages/1_Upload.py"


@pytest.fixture(autouse=True)
def _sample(monkeypatch):
    monkeypatch.setenv("AMO_TODAY", "2026-11-26")
    assert cli(["seed-sample"]) == 0


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture(scope="module")
def users() -> dict:
    return {"x": {"name": "x", "role": "admin", "password_hash": auth.hash_password("ikke-brugt-her-1")}}


def page(path: str, user: auth.User | None = None, users: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if user is not None:  # signed in already (the sign-in form has its own tests)
        at.secrets["users"] = users
        at.session_state["_user"] = user
    ok(at.run())
    at.switch_page(path)
    return ok(at.run())


def choose(at: AppTest, prefix: str, department: str, year: int) -> AppTest:
    at.selectbox(key=f"{prefix}_department").select(department)
    at.selectbox(key=f"{prefix}_year").select(year)
    return ok(at.run())


def button(at: AppTest, label: str, nth: int = 0):
    found = [b for b in at.button if b.label == label]
    assert len(found) > nth, (label, [b.label for b in at.button])
    return found[nth]


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.text] + [c.value for c in at.caption]
    return "\n".join(str(p) for p in parts)


def prepare(author: str, area: str, answers: dict[str, str]) -> None:
    at = choose(page(PREP), "prep", "Lager", 2027)
    at.text_input(key="prep_author").input(author)
    ok(at.run())
    prefix = f"prep|lager|2027|{author}"
    at.multiselect(key=f"{prefix}|areas").select(area)
    ok(at.run())
    for name, text in answers.items():
        at.text_area(key=f"{prefix}|{area}|{name}").input(text)
    button(at, "Gem udkast").click()
    ok(at.run())
    assert any("Dit udkast er gemt" in s.value for s in at.success)


def test_a_whole_meeting_from_preparation_to_handleplan_and_undo():
    prepare("Ida Holm", "Ergonomi", {"Vigtig opgave": "Nye løftevogne i pakkeriet",
                                     "Lykkes": "- Vi bruger løftevogne\n- Korte pauser",
                                     "Brug for at styrke": "Vurdering af tunge løft", "Hvordan": "Hjælp udefra"})
    prepare("Louise Jensen", "Ergonomi", {"Lykkes": "Gode rutiner ved paller"})
    assert {p["author"] for p in Store().preparations("Lager", 2027)} == {"Ida Holm", "Louise Jensen"}

    at = choose(page(MEETING), "meeting", "Lager", 2027)
    at.multiselect(key="meeting_people_lager_2027").select("Ida Holm").select("Louise Jensen")
    ok(at.run())
    assert "Trin 1: Vigtige opgaver" in texts(at) and "ca. 10 min" in texts(at)
    button(at, "Tag med").click()  # step 1: Ida's task, one click
    ok(at.run())
    assert "Taget med" in [b.label for b in at.button]

    at.radio(key="meeting_step").set_value(2)
    ok(at.run())
    assert "Trin 2: Det lykkes vi med" in texts(at) and "ca. 15 min" in texts(at)
    side_by_side = {m.value for m in at.markdown}
    assert {"**Ida Holm**", "**Louise Jensen**"} <= side_by_side
    for _ in range(3):  # Ida's two points and Louise's one
        button(at, "Tag med").click()
        ok(at.run())
    at.selectbox(key="meeting_new_2_area").select("Psykisk arbejdsmiljø")
    at.text_area(key="meeting_new_2_text").input("Vi tager snakken, når nogen er pressede")
    button(at, "Skriv på arbejdsarket").click()
    ok(at.run())

    at.radio(key="meeting_step").set_value(3)
    ok(at.run())
    assert "Hvordan: Hjælp udefra" in texts(at)
    button(at, "Tag med").click()
    ok(at.run())

    at.radio(key="meeting_step").set_value(4)
    ok(at.run())
    assert "ca. 15 min" in texts(at)
    assert any("Kemisk risikovurdering" in c for c in [r.proto.captions for r in at.radio if r.key == "meeting_action_help"][0])
    button(at, "Lav handling").click()  # the need of step 3 becomes an action
    ok(at.run())
    assert at.text_input(key="meeting_action_what").value == "Vurdering af tunge løft"
    at.text_input(key="meeting_action_why").input("Mange får ondt i ryggen")
    at.selectbox(key="meeting_action_when").select("2. kvartal 2027")
    at.text_input(key="meeting_action_who").input("Ida Holm")
    at.radio(key="meeting_action_help").set_value("Hjælp udefra")
    button(at, "Tilføj handlingen").click()
    ok(at.run())
    assert list(at.data_editor[0].value["Hvad"]) == ["Vurdering af tunge løft"]
    assert at.data_editor[0].value["Hvordan"].tolist() == [""], "an empty cell, not the editor's 'None'"

    button(at, "Gem mødet").click()
    ok(at.run())
    assert any("Mødet er gemt som import nr." in s.value for s in at.success), [e.value for e in at.error]
    assert any("Hent referatet af Lagers drøftelse 2027" in b.label for b in at.get("download_button"))

    store = Store()
    data = store.current_tables(("arbejdsark", "handleplan"), year=2027, department="Lager")
    assert sorted(data["arbejdsark"]["description"]) == sorted([
        "Nye løftevogne i pakkeriet", "Vi bruger løftevogne", "Korte pauser", "Gode rutiner ved paller",
        "Vi tager snakken, når nogen er pressede", "Vurdering af tunge løft"])
    [action] = data["handleplan"].to_dict("records")
    assert (action["what"], action["quarter"], action["help"], action["who"]) == \
        ("Vurdering af tunge løft", "2027-Q2", "Hjælp udefra", "Ida Holm")
    [held] = store.meetings("Lager", 2027)
    assert held["participants"] == ["Ida Holm", "Louise Jensen"] and held["author"] == "lokal"

    plan = page(PLAN)  # the overview's Handleplan shows the new action at once
    plan.selectbox(key="year").select(2027)
    ok(plan.run())
    assert "Vurdering af tunge løft" in list(plan.data_editor[0].value["Hvad"])

    again = choose(page(MEETING), "meeting", "Lager", 2027)  # opening again shows what is stored
    assert "allerede et arbejdsark" in " ".join(i.value for i in again.info)
    assert again.multiselect(key="meeting_people_lager_2027").value == ["Ida Holm", "Louise Jensen"]

    upload = page(UPLOAD)  # and the meeting is an import like any other: undo takes it back
    batch = held["batch_id"]
    upload.selectbox(key="undo_batch").select(batch)
    ok(upload.run())
    upload.checkbox(key=f"undo_confirm_{batch}").check()
    ok(upload.run())
    upload.button(key="undo_button").click()
    ok(upload.run())
    assert Store().current_tables(("arbejdsark",), year=2027, department="Lager")["arbejdsark"].empty
    assert Store().meetings("Lager", 2027) == []


def add_point(at: AppTest, text: str) -> AppTest:
    at.selectbox(key="meeting_new_1_area").select("Ergonomi")
    at.text_area(key="meeting_new_1_text").input(text)
    button(at, "Skriv på arbejdsarket").click()
    return ok(at.run())


def test_the_second_save_of_the_same_department_and_year_is_refused_and_nothing_is_lost():
    first = choose(page(MEETING), "meeting", "Lager", 2026)
    second = choose(page(MEETING), "meeting", "Lager", 2026)
    add_point(first, "Første mødes punkt")
    add_point(second, "Andet mødes punkt")

    button(first, "Gem mødet").click()
    ok(first.run())
    assert any("Mødet er gemt" in s.value for s in first.success)
    stored = lambda: list(Store().current_tables(("arbejdsark",), year=2026, department="Lager")["arbejdsark"]  # noqa: E731
                          ["description"])
    after_first = stored()

    button(second, "Gem mødet").click()
    ok(second.run())
    refusal = " ".join(e.value for e in second.error).replace("\\", "")  # Markdown escapes
    assert "lokal har gemt Lager 2026 (import nr." in refusal and "efter at du åbnede mødet" in refusal
    assert "Intet er gemt, og intet er tabt" in refusal
    assert stored() == after_first and "Andet mødes punkt" not in after_first
    assert not any("Mødet er gemt" in s.value for s in second.success)
    assert any(b.label == "Gem mit arbejde som Excel først" for b in second.get("download_button"))

    button(second, "Hent det gemte ind, og behold mine punkter").click()
    ok(second.run())
    assert "Første mødes punkt" in texts(second) and "Andet mødes punkt" in texts(second)
    button(second, "Gem mødet").click()
    ok(second.run())
    assert any("Mødet er gemt" in s.value for s in second.success), [e.value for e in second.error]
    assert {"Første mødes punkt", "Andet mødes punkt"} <= set(stored())


def test_an_amo_user_holds_meetings_only_for_own_departments(users):
    mette = auth.User("mette", "Mette Hansen", auth.AMO, ("Kantine",))
    at = page(MEETING, mette, users)
    assert at.selectbox(key="meeting_department").options == ["Kantine"]
    prep = page(PREP, mette, users)
    assert prep.selectbox(key="prep_department").options == ["Kantine"]
    assert not [t for t in prep.text_input if t.key == "prep_author"]  # the author is the signed-in user

    reader = page(MEETING, auth.User("lise", "Lise Leder", auth.LEDELSE), users)
    assert "kan se data, men ikke forberede eller holde møder" in " ".join(i.value for i in reader.info)
    assert not [b for b in reader.button if b.label == "Gem mødet"]


def test_a_meeting_that_breaks_the_upload_rules_is_refused_with_the_uploads_messages():
    at = choose(page(MEETING), "meeting", "Lager", 2027)
    add_point(at, "Et punkt")
    at.radio(key="meeting_step").set_value(4)
    ok(at.run())
    key = f"meeting_plan_lager_2027_{at.session_state['_meetings'][('lager', 2027)].revision}"  # the plan's editor
    at.session_state[key] = {"edited_rows": {}, "deleted_rows": [],
                             "added_rows": [{"Hvad": "Kursus", "Område": "Ergonomi", "Hjælp": "Egen kompetenceudvikling",
                                             "Hvornår": "5. kvartal 2027"}]}
    ok(at.run())
    button(at, "Gem mødet").click()
    ok(at.run())
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert 'Handleplan, handlingen "Kursus", kolonne "Hvornår": "5. kvartal 2027" er ikke et kvartal' in errors
    assert Store().current_tables(("arbejdsark",), year=2027, department="Lager")["arbejdsark"].empty


def test_a_meeting_that_deletes_every_action_saves_an_empty_plan_which_undo_brings_back():
    plan = lambda: sorted(Store().current_tables(("handleplan",), year=2026, department="Lager")  # noqa: E731
                          ["handleplan"]["what"])
    before = plan()
    at = choose(page(MEETING), "meeting", "Lager", 2026)
    at.radio(key="meeting_step").set_value(4)
    ok(at.run())
    draft = at.session_state["_meetings"][("lager", 2026)]
    assert sorted(a["what"] for a in draft.actions) == before and before
    at.session_state[f"meeting_plan_lager_2026_{draft.revision}"] = {
        "edited_rows": {}, "added_rows": [], "deleted_rows": list(range(len(before)))}
    ok(at.run())
    assert "handleplanen 0 handlinger" in texts(at) and "erstatter Lagers arbejdsark og handleplan" in texts(at)
    button(at, "Gem mødet").click()
    ok(at.run())
    assert any("Mødet er gemt" in s.value for s in at.success), [e.value for e in at.error]
    assert plan() == []
    Store().undo(Store().meetings("Lager", 2026)[0]["batch_id"], user="lokal")
    assert plan() == before


@pytest.mark.parametrize("path", [PREP, MEETING])
def test_no_meeting_page_shows_anything_to_someone_not_signed_in(users, path):
    at = page(path, users=users)
    at.secrets["users"] = users
    ok(at.run())
    assert [s.value for s in at.subheader] == ["Log ind"]
    assert "Lager" not in texts(at) and not at.selectbox and not [b for b in at.button if b.label == "Gem mødet"]


def test_the_meeting_shows_hostile_user_text_literally():
    from amo_data.validate import check_bytes
    from tests.test_render_safety import BOLD, DEPT_TAG, LINK, SCRIPT, TAG, _assert_nothing_raw, hostile_files

    Store().import_results([check_bytes(name, data) for name, data in hostile_files()], user="test")
    Store().save_preparation(f"Eva {BOLD}", DEPT_TAG, 2026, {"areas": {"Ergonomi": {
        "Lykkes": f"Vi løfter {LINK}", "Brug for at styrke": f"Løft {SCRIPT}", "Hvordan": f"Med {TAG}"}}})
    at = choose(page(MEETING), "meeting", DEPT_TAG, 2026)
    for step in (1, 2, 3, 4):
        at.radio(key="meeting_step").set_value(step)
        ok(at.run())
        _assert_nothing_raw(at, f"Møde, trin {step}")
        if step == 2:
            assert f"Vi løfter {LINK}" in [t.value for t in at.text]  # a prepared point: plain text
    button(at, "Gem mødet").click()
    ok(at.run())
    _assert_nothing_raw(at, "Møde, gemt")
    assert any("Mødet er gemt" in s.value for s in at.success), [e.value for e in at.error]
