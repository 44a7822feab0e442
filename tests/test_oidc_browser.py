"""Single sign-on in a real browser: a real OpenID Connect provider process (oidc-provider-mock),
``streamlit run app.py`` configured for it in a secrets.toml of its own, and Chromium signing
in through the provider's authorize page as an AMO member, a manager, a person without a role,
and signing out; and what a visitor sees while the provider is down.

Roles come from the identity token's ``roles`` claim through ``[auth.roles.map]``, as with
Entra ID's app roles. The app is browsed as http://localhost:PORT, the host of redirect_uri
(Streamlit's sign-in state lives in a cookie of that host)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from amo_data.store import Store
from amo_ui.views import ACTION_COLUMNS
from tests import browser as B

USERS = [
    {"sub": "mette", "email": "mette@firma.dk", "name": "Mette Hansen", "roles": ["AMO.Kantine", "Alle"]},
    {"sub": "lis", "email": "lis@firma.dk", "name": "Lise Leder", "roles": ["AMO.Ledelse"]},
    {"sub": "niels", "email": "niels@firma.dk", "name": "Niels Ny", "roles": ["Alle"]},
]
ROLES = {"claim": "roles", "contact": "Lars Jensen (IT), it@firma.dk", "map": {
    "AMO.Ledelse": "ledelse", "AMO.Admin": "admin", "AMO.Kantine": {"role": "amo", "departments": ["Kantine"]}}}
STATUS_COLUMN = list(ACTION_COLUMNS).index("status")


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):
    """(app URL on localhost, the provider, the store URL, the server log)."""
    work = tmp_path_factory.mktemp("oidc-browser")
    port = B.free_port()
    with B.OidcProvider(USERS, work / "provider.log") as provider:
        secrets = B.write_secrets(work / "secrets.toml", B.sso_secrets(provider, port, ROLES))
        env = B.seeded_env(work)
        with B.streamlit_server(env, work / "streamlit.log", port=port, secrets=secrets):
            yield f"http://localhost:{port}", provider, env["AMO_DATABASE_URL"], work / "streamlit.log"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=B.VIEWPORT, locale="da-DK")  # its own cookies: signed out
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def no_exception(page, log: Path) -> None:
    errors = B.exceptions(page)
    assert not errors, "\n".join(errors) + "\n--- server log ---\n" + log.read_text(errors="replace")[-4000:]


def sidebar_text(page) -> str:
    return page.get_by_test_id("stSidebar").inner_text()


def sign_in(page, url: str, sub: str) -> None:
    """From the app's sign-in page through the provider's authorize page as the user ``sub``."""
    page.goto(url + "/")
    B.wait_ready(page)
    page.get_by_role("button", name=re.compile("Log ind med din arbejdskonto")).click()
    page.wait_for_url(re.compile(r"/oauth2/authorize\?"))
    page.get_by_role("button", name=sub, exact=True).first.click()
    page.wait_for_url(re.compile(rf"^{re.escape(url)}/?$"))
    B.wait_ready(page)


def test_oidc_amo_member_signs_in_and_changes_only_its_own_department(site, page, tmp_path):
    url, _provider, db, log = site
    sign_in(page, url, "mette")
    page.get_by_role("heading", name="Overblik over arbejdsmiljøkompetencerne").wait_for()
    assert "Logget ind som Mette Hansen (AMO: Kantine)" in sidebar_text(page)
    assert "mette@firma.dk" in sidebar_text(page)
    no_exception(page, log)

    # Its own department: the status edit is saved, with its e-mail address in the audit log.
    page.goto(url + "/Handleplan?afd=Kantine&aar=2026")
    B.wait_ready(page)
    B.choose(page, "Status", "Ikke startet")  # Kantine 2026: one action
    B.edit_first_row(page, STATUS_COLUMN, "Gennemført")
    B.wait_for_text(page, r"Ingen handlinger for de valgte filtre|(^|\D)0 handling")
    edit = Store(db).audit_log(limit=1)[0]
    assert (edit["user"], edit["action"], edit["details"]["department"], edit["details"]["new"]) == (
        "mette@firma.dk", "status", "Kantine", "Gennemført")

    # Another department: the edit is refused, nothing is stored.
    before = Store(db).audit_log()
    page.goto(url + "/Handleplan?afd=Lager&aar=2026")
    B.wait_ready(page)
    B.edit_first_row(page, STATUS_COLUMN, "Aflyst")
    B.wait_for_text(page, r"kun ændre dine egne afdelinger \(Kantine\)")
    assert Store(db).audit_log() == before

    # An upload for a department that is not its own is refused as a whole.
    page.goto(url + "/Upload")
    B.wait_ready(page)
    paths = []
    for f in B.RENGORING_FILES:
        paths.append(tmp_path / f["name"])
        paths[-1].write_bytes(f["buffer"])
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(paths)
    B.wait_for_text(page, "Upload afvist")
    assert not page.get_by_role("button", name=re.compile(r"^\W*Gem$")).count()
    assert len(Store(db).history()) == 1, "only the sample data's import"
    no_exception(page, log)


def test_oidc_manager_signs_in_reads_everything_changes_nothing_and_signs_out(site, page):
    url, _provider, _db, log = site
    sign_in(page, url, "lis")
    assert "Logget ind som Lise Leder (Ledelse)" in sidebar_text(page)
    assert page.get_by_test_id("stMetricValue").count() > 0
    assert "5 af 6" in page.get_by_test_id("stMetricValue").all_inner_texts()
    assert page.get_by_test_id("stPlotlyChart").count() >= 2
    B.go_to(page, "Upload", "Upload af kompetenceark")
    assert page.get_by_test_id("stFileUploaderDropzoneInput").count() == 0
    assert "kan se alle data, men ikke indlæse" in B.main_text(page)
    B.go_to(page, "Handleplan", "Handleplan")
    assert "Din rolle kan se handleplanen, men ikke ændre status." in B.main_text(page)
    B.go_to(page, "Revisionslog", "Revisionslog")
    assert page.get_by_test_id("stDataFrame").count() >= 1
    assert B.sidebar_link(page, "Brugere").count() == 0, "Brugere is for administrators"
    no_exception(page, log)

    # Signing out ends the session.
    page.get_by_test_id("stSidebar").get_by_role("button", name="Log ud").click()
    # Streamlit clears its identity cookie and sends the browser to the provider's sign-out,
    # which returns to the app.
    page.wait_for_url(re.compile(r"/oauth2/end_session"))
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(rf"^{re.escape(url)}/?$"))
    B.wait_ready(page)
    page.get_by_role("button", name=re.compile("Log ind med din arbejdskonto")).wait_for()
    page.goto(url + "/Handleplan")  # no identity cookie any more: no data on any page
    B.wait_ready(page)
    page.get_by_role("button", name=re.compile("Log ind med din arbejdskonto")).wait_for()
    assert page.get_by_test_id("stMetricValue").count() == 0 and page.get_by_test_id("stDataFrame").count() == 0
    assert "Logget ind som" not in page.inner_text("body")
    no_exception(page, log)


def test_oidc_person_without_a_role_signs_in_and_sees_no_data(site, page):
    url, _provider, _db, log = site
    sign_in(page, url, "niels")
    text = B.wait_for_text(page, "ingen rolle i AMO-kompetencer")
    assert "Du er logget ind som niels@firma.dk" in text
    assert "Bed Lars Jensen (IT), it@firma.dk om at give dig en rolle." in text
    assert page.get_by_test_id("stMetricValue").count() == 0
    assert page.get_by_test_id("stPlotlyChart").count() == 0 and page.get_by_test_id("stDataFrame").count() == 0
    assert page.get_by_test_id("stSidebarNavLink").count() == 0 and not B.sidebar_link(page, "Handleplan").count()
    page.goto(url + "/Handleplan")  # a deep link shows nothing either
    B.wait_for_text(page, "ingen rolle i AMO-kompetencer")
    assert page.get_by_test_id("stDataFrame").count() == 0
    no_exception(page, log)


def test_oidc_provider_down_a_danish_message_and_no_data(site, page):
    url, provider, _db, log = site
    provider.stop()
    try:
        page.goto(url + "/")
        text = B.wait_for_text(page, "virksomhedens login-tjeneste svarer ikke")
        assert "Prøv igen om lidt" in text
        assert page.get_by_role("button", name=re.compile("Log ind med")).count() == 0
        assert page.get_by_test_id("stMetricValue").count() == 0
        no_exception(page, log)
    finally:
        provider.start()
    # Back up: the next try offers the sign-in again, and it works.
    page.get_by_role("button", name="Prøv igen").click()
    page.get_by_role("button", name=re.compile("Log ind med din arbejdskonto")).wait_for()
    sign_in(page, url, "lis")
    assert "Logget ind som Lise Leder (Ledelse)" in sidebar_text(page)
