"""The page Brugere (administrators): where roles come from in each sign-in mode, and, with
single sign-on and roles from the store, giving and removing roles by e-mail (audited)."""

from __future__ import annotations

import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from amo_data import auth
from amo_data.cli import main as cli
from amo_data.store import Store
from tests.test_pages import APP

PAGE = "pages/8_Brugere.py"
ADMIN = "it@firma.dk"
needs_roles = pytest.mark.skipif(not hasattr(Store, "assign_role"), reason="needs Store.assign_role from store/package")


@pytest.fixture(autouse=True)
def _sample(monkeypatch):
    monkeypatch.setenv("AMO_TODAY", "2026-11-26")
    assert cli(["seed-sample"]) == 0


def sso(**roles) -> dict:
    return {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 40,
            "client_id": "amo-kompetencer", "client_secret": "hemmelig",
            "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
            "roles": {"admins": [ADMIN], **roles}}


def open_page(secrets: dict | None = None, email: str | None = None, page: str = PAGE) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    if email:
        at.user = {"is_logged_in": True, "email": email, "sub": email, "iat": int(time.time())}
    at.switch_page(page).run()  # opened by its address
    assert not at.exception, [e.message for e in at.exception]
    return at


def table(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_users_page_without_sign_in_configured_says_how_to_set_it_up():
    at = open_page()
    assert any("Der er ikke sat login op" in i.value for i in at.info)
    assert "Brugere" in [link.label for link in at.sidebar.get("page_link")], "the local user is an administrator"


def test_users_page_lists_the_local_users_without_their_hashes_and_only_for_administrators():
    digest = auth.hash_password("sikkert-kodeord-1")
    users = {"lis": {"name": "Lise Leder", "role": "ledelse", "password_hash": digest},
             "mette": {"name": "Mette Hansen", "role": "amo", "departments": ["Kantine"], "password_hash": digest},
             "ada": {"name": "Ada Admin", "role": "admin", "password_hash": digest}}

    def signed_in(name: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.secrets["users"] = users
        at.run()
        at.text_input(key="sign_in_user").input(name)
        at.text_input(key="sign_in_password").input("sikkert-kodeord-1")
        at.button[0].click().run()
        return at

    lis = signed_in("lis")
    assert "Brugere" not in [link.label for link in lis.sidebar.get("page_link")]
    lis.switch_page(PAGE).run()
    assert [w.value for w in lis.warning] == ["Siden Brugere kan kun ses af administratorer."]
    assert not lis.dataframe
    ada = signed_in("ada")
    ada.switch_page(PAGE).run()
    shown = table(ada, "Brugernavn")
    assert sorted(shown["Brugernavn"]) == ["ada", "lis", "mette"]
    assert dict(zip(shown["Brugernavn"], shown["Afdelinger"]))["mette"] == "Kantine"
    assert "$argon2" not in shown.to_csv()


def test_users_page_shows_the_claim_mapping_when_roles_come_from_the_provider():
    secrets = {"auth": sso(claim="groups", map={"AMO-Lager": {"role": "amo", "departments": ["Lager"]},
                                                "AMO-Ledelse": "ledelse"})}
    at = open_page(secrets, ADMIN)
    shown = table(at, "Værdi")
    assert list(zip(shown["Værdi"], shown["Rolle"], shown["Afdelinger"])) == [
        ("amo-lager", "AMO", "Lager"), ("amo-ledelse", "Ledelse", "–")]
    assert not at.text_input, "roles are given in the provider, not here"
    assert not open_page(secrets, "ny@firma.dk").dataframe  # no role: no page at all


@needs_roles
def test_users_page_gives_a_role_that_counts_at_the_next_click_and_is_audited():
    secrets = {"auth": sso()}
    mette = open_page(secrets, "mette@firma.dk", "app.py")
    assert any("ingen rolle i AMO-kompetencer" in w.value.replace("\\", "") for w in mette.warning)
    assert not mette.metric

    at = open_page(secrets, ADMIN)
    at.text_input(key="assign_email").input(" Mette@Firma.dk ")
    at.selectbox(key="assign_role_choice").set_value("amo")
    at.multiselect(key="assign_departments").set_value(["Kantine"])
    next(b for b in at.button if b.label == "Gem rolle").click().run()
    assert not at.error, [e.value for e in at.error]
    record = Store().role_of("mette@firma.dk")
    assert (record.role, list(record.departments)) == ("amo", ["Kantine"])
    shown = table(at, "E-mail")
    assert list(zip(shown["E-mail"], shown["Rolle"], shown["Afdelinger"])) == [("mette@firma.dk", "AMO", "Kantine")]
    assert any(e["user"] == ADMIN and "mette@firma.dk" in json.dumps(e["details"]) for e in Store().audit_log())

    mette.run()  # her next click
    assert mette.metric
    assert "Logget ind som mette@firma.dk (AMO: Kantine)" in [c.value.replace("\\", "") for c in mette.sidebar.caption]

    at.selectbox(key="revoke_email").set_value("mette@firma.dk").run()
    at.button(key="revoke_button").click().run()
    assert Store().role_of("mette@firma.dk") is None
    assert sum(ADMIN == e["user"] and "mette@firma.dk" in json.dumps(e["details"]) for e in Store().audit_log()) == 2
    mette.run()
    assert not mette.metric and any("ingen rolle" in w.value.replace("\\", "") for w in mette.warning)


@needs_roles
@pytest.mark.parametrize(("email", "role", "departments", "message"), [
    ("mette", "amo", ["Kantine"], '"mette" er ikke en e-mailadresse.'),
    ("mette@firma.dk", "amo", [], "Rollen AMO kræver mindst én afdeling."),
    ("lis@firma.dk", "ledelse", ["Kantine"], "Afdelinger bruges kun til rollen AMO, ikke til Ledelse."),
    (ADMIN, "konsulent", [], "Du kan ikke ændre din egen rolle."),
])
def test_users_page_refuses_a_wrong_role_in_danish_and_stores_nothing(email, role, departments, message):
    at = open_page({"auth": sso()}, ADMIN)
    before = Store().audit_log()
    at.text_input(key="assign_email").input(email)
    at.selectbox(key="assign_role_choice").set_value(role)
    at.multiselect(key="assign_departments").set_value(departments)
    next(b for b in at.button if b.label == "Gem rolle").click().run()
    assert any(message in e.value.replace("\\", "") for e in at.error)
    assert Store().roles() == [] and Store().audit_log() == before
