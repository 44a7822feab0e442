"""Sign-in and roles on every page (issue: "Every page checks access; a test proves that no page
shows data to someone not signed in")."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from amo_data import auth
from amo_data.cli import main as cli
from amo_data.store import Store
from tests.test_pages import APP, PAGES, texts

PASSWORD = "sikkert-kodeord-1"


@pytest.fixture(scope="module")
def users() -> dict:
    digest = auth.hash_password(PASSWORD)
    return {
        "leder": {"name": "Lise Leder", "role": "ledelse", "password_hash": digest},
        "konsulent": {"name": "Karl Konsulent", "role": "konsulent", "password_hash": digest},
        "mette": {"name": "Mette Hansen", "role": "amo", "departments": ["Kantine"], "password_hash": digest},
        "admin": {"name": "Ada Admin", "role": "admin", "password_hash": digest},
    }


@pytest.fixture(autouse=True)
def _sample(monkeypatch):
    monkeypatch.setenv("AMO_TODAY", "2026-11-26")
    assert cli(["seed-sample"]) == 0


def app(users: dict, page: str | None = None, login: str | None = None, password: str = PASSWORD) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["users"] = users
    at.run()
    if login:
        at.text_input(key="sign_in_user").input(login)
        at.text_input(key="sign_in_password").input(password)
        at.button[0].click().run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("page", [None, *PAGES, "pages/7_Revisionslog.py"])
def test_no_page_shows_data_to_someone_not_signed_in(users, page):
    at = app(users, page)
    assert [s.value for s in at.subheader] == ["Log ind"]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart") and not at.get("download_button")
    assert "Lager" not in texts(at) and "Kantine" not in texts(at)


def test_a_wrong_password_is_refused_in_danish(users):
    at = app(users, login="mette", password="forkert-kodeord")
    assert "Forkert brugernavn eller adgangskode." in [e.value for e in at.error]
    assert not at.metric


def test_signed_in_users_see_the_overview_and_who_they_are(users):
    at = app(users, login="leder")
    assert at.metric
    captions = [c.value.replace("\\", "") for c in at.sidebar.caption]  # Markdown-escaped source
    assert "Logget ind som Lise Leder (Ledelse)" in captions


def test_without_configuration_the_app_runs_in_local_single_user_mode():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert any("lokal enkeltbrugertilstand" in c.value.lower() for c in at.sidebar.caption)


def test_readers_cannot_upload_or_undo(users):
    at = app(users, "pages/1_Upload.py", login="konsulent")
    assert not at.file_uploader
    assert any("kan se alle data, men ikke indlæse" in i.value for i in at.info)
    assert not at.get("expandable")


def test_audit_log_is_for_management_and_admins_only(users):
    at = app(users, "pages/7_Revisionslog.py", login="konsulent")
    assert not at.dataframe and any("kun ses af ledelsen" in w.value for w in at.warning)
    at = app(users, "pages/7_Revisionslog.py", login="leder")
    log = at.dataframe[0].value
    assert list(log.columns) == ["Tidspunkt", "Bruger", "Handling", "Detaljer"]
    assert log.iloc[-1]["Handling"] == "Import" and log.iloc[-1]["Bruger"] == "eksempeldata"
    assert "Slet data (databeskyttelse)" not in [s.value for s in at.subheader]
    at = app(users, "pages/7_Revisionslog.py", login="admin")
    assert "Slet data (databeskyttelse)" in [s.value for s in at.subheader]


OTHER = ("Afdeling;År;Hvad;Område;Hjælp;Hvornår\n"
         "Kantine;2027;Hygiejnekursus;Kemi;Egen;1. kvartal 2027\n"
         "Lager;2027;Truckcertifikat;Sikkerhed;Ekstern;2. kvartal 2027\n"
         "Lager;2027;Løfteteknik;Ergonomi;Egen;2. kvartal 2027\n")


def test_an_amo_upload_touching_another_department_is_refused_and_nothing_stored(users):
    before = Store().history()
    at = app(users, "pages/1_Upload.py", login="mette")
    at.file_uploader[0].set_value(("plan.csv", OTHER.encode("utf-8"), "text/csv")).run()
    assert any("Upload afvist" in e.value for e in at.error)
    refused = next(d.value for d in at.dataframe if "Besked" in d.value.columns)
    assert "Lager" in " ".join(refused["Besked"]) and "2 rækker" in " ".join(refused["Besked"])
    assert not [b for b in at.button if b.label == "Gem"]
    assert Store().history() == before


def test_an_amo_member_can_upload_its_own_department(users):
    at = app(users, "pages/1_Upload.py", login="mette")
    own = "\n".join(OTHER.splitlines()[:2]) + "\n"
    at.file_uploader[0].set_value(("plan.csv", own.encode("utf-8"), "text/csv")).run()
    [b for b in at.button if b.label == "Gem"][0].click().run()
    assert Store().history()[0]["user"] == "mette"


def test_an_amo_member_cannot_edit_another_departments_status(users):
    at = app(users, "pages/3_Handleplan.py", login="mette")
    key = at.session_state["_plan_editor_key"]
    shown = next(d.value for d in at.dataframe if "Hvad" in d.value.columns and "Status" in d.value.columns)
    other = next(i for i, dep in enumerate(shown["Afdeling"]) if dep != "Kantine")
    new = "Aflyst" if shown["Status"].iloc[other] != "Aflyst" else "Planlagt"
    plan = Store().current()["handleplan"]
    at.session_state[key] = {"edited_rows": {other: {"Status": new}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert any("kun ændre dine egne afdelinger (Kantine)" in e.value.replace("\\", "") for e in at.error)
    assert Store().current()["handleplan"]["status"].equals(plan["status"])


def test_wrong_passwords_slow_the_sign_in_down_and_are_in_the_audit_log(users):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["users"] = users
    at.run()

    def try_sign_in(name: str, password: str) -> list[str]:
        at.text_input(key="sign_in_user").input(name)
        at.text_input(key="sign_in_password").input(password)
        at.button[0].click().run()
        assert not at.exception, [e.message for e in at.exception]
        return [e.value for e in at.error]

    for _ in range(4):
        assert try_sign_in("mette", "forkert-kodeord") == ["Forkert brugernavn eller adgangskode."]
    assert try_sign_in("mette", "forkert-kodeord") == [
        "Forkert brugernavn eller adgangskode. For mange forkerte forsøg: vent 5 sekunder, før du prøver igen."]
    assert try_sign_in("mette", PASSWORD) == ["For mange forkerte forsøg. Vent 5 sekunder, og prøv så igen."]
    assert [s.value for s in at.subheader] == ["Log ind"], "not signed in during the wait"
    assert try_sign_in("ukendt", "gæt-et-kodeord") == ["Forkert brugernavn eller adgangskode."]
    log = Store().audit_log()
    assert [(e["action"], e["user"]) for e in log[:3]] == [
        ("sign_in_failed", ""), ("sign_in_paused", "mette"), ("sign_in_failed", "mette")]
    assert log[0]["details"] == {"address": "", "failures": 1, "unknown_user": True}
    assert "gæt-et-kodeord" not in str(log) and "ukendt" not in str(log[0])
    admin = app(users, "pages/7_Revisionslog.py", login="admin")
    shown = admin.dataframe[0].value
    assert list(shown["Handling"][:3]) == ["Mislykket login", "Login sat på pause", "Mislykket login"]
    assert shown["Detaljer"].iloc[1] == ("5 forkerte forsøg inden for 15 minutter; næste forsøg tidligst om 5 "
                                         "sekunder")
