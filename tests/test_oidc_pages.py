"""Single sign-on (OpenID Connect) on every page, through AppTest: who is signed in comes from
``st.user`` (``AppTest.user``, the claims Streamlit keeps after a real sign-in), the sign-in page
asks a real provider process whether it answers. The full flow in a real browser against the
same provider is ``tests/test_oidc_browser.py``."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from amo_data import auth
from amo_data.cli import main as cli
from amo_data.store import Store
from tests import browser as B
from tests.test_pages import APP, PAGES, texts

ROLES = {"claim": "roles", "contact": "Lars Jensen (IT), it@firma.dk", "map": {
    "AMO.Ledelse": "ledelse", "AMO.Admin": "admin", "AMO.Kantine": {"role": "amo", "departments": ["Kantine"]}}}
LIS = {"email": "lis@firma.dk", "name": "Lise Leder", "roles": ["AMO.Ledelse"]}
METTE = {"email": "mette@firma.dk", "name": "Mette Hansen", "roles": ["AMO.Kantine", "Alle"]}
NY = {"email": "ny@firma.dk", "name": "Niels Ny", "roles": ["Alle"]}


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with B.OidcProvider([], tmp_path_factory.mktemp("oidc") / "provider.log") as running:
        yield running


@pytest.fixture(autouse=True)
def _sample(monkeypatch):
    monkeypatch.setenv("AMO_TODAY", "2026-11-26")
    assert cli(["seed-sample"]) == 0


def secrets(metadata_url: str, **roles) -> dict:
    return {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 40,
            "client_id": "amo-kompetencer", "client_secret": "hemmelig", "server_metadata_url": metadata_url,
            "roles": {**ROLES, **roles}}


def app(provider, claims: dict | None = None, page: str | None = None, *, issued: float | None = None,
        users: dict | None = None, metadata_url: str | None = None, **roles) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = secrets(metadata_url or provider.metadata_url, **roles)
    if users:
        at.secrets["users"] = users
    if claims is not None:
        at.user = {"is_logged_in": True, "iss": provider.url, "sub": claims["email"].split("@")[0],
                   "iat": int(issued or time.time()), **claims}
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shows_no_data(at: AppTest) -> None:
    assert not at.metric and not at.dataframe and not at.get("plotly_chart") and not at.get("download_button")
    assert not at.file_uploader
    shown = texts(at)
    assert "Lager" not in shown and "Kantine" not in shown


def sign_in_buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button if b.label.startswith("Log ind med")]


def sidebar_captions(at: AppTest) -> list[str]:
    return [c.value.replace("\\", "") for c in at.sidebar.caption]  # Markdown-escaped source


@pytest.mark.parametrize("page", [None, *PAGES, "pages/7_Revisionslog.py", "pages/8_Brugere.py"])
def test_oidc_no_page_shows_data_before_sign_in(provider, page):
    at = app(provider, page=page)
    assert [s.value for s in at.subheader] == ["Log ind"]
    assert sign_in_buttons(at) == ["Log ind med din arbejdskonto"]
    assert not at.text_input, "no password form without [users]"
    shows_no_data(at)


def test_oidc_provider_down_shows_a_danish_message_and_no_data(provider):
    at = app(provider, metadata_url=f"http://127.0.0.1:{B.free_port()}/.well-known/openid-configuration")
    assert any("virksomhedens login-tjeneste svarer ikke" in e.value for e in at.error)
    assert sign_in_buttons(at) == [] and [b.label for b in at.button] == ["Prøv igen"]
    shows_no_data(at)


def test_oidc_with_local_users_too_the_password_list_is_the_way_in_when_the_provider_is_down(provider):
    users = {"nodadmin": {"name": "Nød Admin", "role": "admin", "password_hash": auth.hash_password("langt-kodeord")}}
    at = app(provider, users=users, metadata_url=f"http://127.0.0.1:{B.free_port()}/.well-known/x")
    assert any("Har du en lokal bruger, kan du logge ind med den herunder." in e.value for e in at.error)
    at.text_input(key="sign_in_user").input("nodadmin")
    at.text_input(key="sign_in_password").input("langt-kodeord")
    next(b for b in at.button if b.label == "Log ind").click().run()
    assert at.metric and "Logget ind som Nød Admin (Administrator)" in sidebar_captions(at)
    up = app(provider, users=users)
    assert sign_in_buttons(up) == ["Log ind med din arbejdskonto"] and up.text_input


def test_oidc_manager_reads_everything_and_changes_nothing(provider):
    at = app(provider, LIS)
    assert at.metric
    assert sidebar_captions(at)[:2] == ["Logget ind som Lise Leder (Ledelse)", "lis@firma.dk"]
    links = [link.label for link in at.sidebar.get("page_link")]
    assert "Revisionslog" in links and "Brugere" not in links
    upload = app(provider, LIS, "pages/1_Upload.py")
    assert not upload.file_uploader and any("kan se alle data, men ikke indlæse" in i.value for i in upload.info)
    plan = app(provider, LIS, "pages/3_Handleplan.py")
    assert "Din rolle kan se handleplanen, men ikke ændre status." in [c.value for c in plan.caption]
    assert "_plan_editor_key" not in plan.session_state


def test_oidc_amo_member_changes_only_its_own_departments(provider):
    at = app(provider, METTE, "pages/3_Handleplan.py")
    assert "Logget ind som Mette Hansen (AMO: Kantine)" in sidebar_captions(at)
    key = at.session_state["_plan_editor_key"]
    shown = next(d.value for d in at.dataframe if "Hvad" in d.value.columns and "Status" in d.value.columns)
    other = next(i for i, dep in enumerate(shown["Afdeling"]) if dep != "Kantine")
    own = next(i for i, dep in enumerate(shown["Afdeling"]) if dep == "Kantine")
    new = {i: ("Aflyst" if shown["Status"].iloc[i] != "Aflyst" else "Planlagt") for i in (own, other)}
    at.session_state[key] = {"edited_rows": {i: {"Status": s} for i, s in new.items()},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    assert any("kun ændre dine egne afdelinger (Kantine)" in e.value.replace("\\", "") for e in at.error)
    edits = [e for e in Store().audit_log() if e["action"] == "status"]
    assert [(e["user"], e["details"]["department"], e["details"]["new"]) for e in edits] == [
        ("mette@firma.dk", "Kantine", new[own])], "the own department's edit is saved with the e-mail, the other not"


@pytest.mark.parametrize("page", [None, "pages/1_Upload.py", "pages/3_Handleplan.py", "pages/7_Revisionslog.py"])
def test_oidc_person_without_a_role_sees_no_data_and_whom_to_ask(provider, page):
    at = app(provider, NY, page)
    [warning] = [w.value.replace("\\", "") for w in at.warning]
    assert warning.startswith("Du er logget ind som ny@firma.dk, men du har ingen rolle i AMO-kompetencer")
    assert "Bed Lars Jensen (IT), it@firma.dk om at give dig en rolle." in warning
    assert [b.label for b in at.button] == ["Log ud"]
    assert not at.sidebar.get("page_link"), "no menu either"
    shows_no_data(at)


def test_oidc_sign_out_returns_to_the_sign_in_page(provider):
    at = app(provider, LIS)
    assert at.metric
    at.sidebar.button(key="sign_out").click().run()
    assert at.user == {"is_logged_in": False}, "st.logout cleared the signed-in person"
    at.run()
    assert sign_in_buttons(at) == ["Log ind med din arbejdskonto"]
    shows_no_data(at)
    nobody = app(provider, NY)
    nobody.button[0].click().run()
    assert nobody.user == {"is_logged_in": False}


def test_oidc_a_sign_in_older_than_the_session_hours_must_be_renewed(provider):
    at = app(provider, LIS, issued=time.time() - 9 * 3600)
    assert [i.value for i in at.info] == ["Du har været logget ind i mere end 8 timer. Log ind igen for at fortsætte."]
    assert sign_in_buttons(at) == ["Log ind med din arbejdskonto"]
    shows_no_data(at)
    assert app(provider, LIS, issued=time.time() - 3 * 3600, session_hours=4).metric


def test_oidc_an_invalid_role_mapping_is_refused_in_danish(provider):
    at = app(provider, LIS, map={"AMO.Lager": "amo"})
    assert [e.value for e in at.error] == [
        'Login-opsætningen ([auth]) i .streamlit/secrets.toml er ugyldig: [auth.roles.map] "AMO.Lager": rollen '
        'amo kræver en liste af afdelinger, fx { role = "amo", departments = ["Lager"] }.']
    assert not at.metric and not at.dataframe and not at.sidebar.get("page_link")
