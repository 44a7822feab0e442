"""The documents on Handleplan (issues 17 and 18): the written record as a PDF, the deadlines as
an .ics file, and the user's own calendar subscription link (a token scoped to what the user
should see; a new link revokes the old one)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from amo_data import auth
from amo_data.cli import main as cli
from amo_data.store import Store
from amo_ui.documents import calendar_ics, record_pdf

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PLAN = "pages/3_Handleplan.py"
TODAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _sample(monkeypatch):
    monkeypatch.setenv("AMO_TODAY", TODAY.isoformat())
    assert cli(["seed-sample"]) == 0


def plan_page(user: auth.User | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if user is not None:
        at.secrets["users"] = {"x": {"name": "x", "role": "admin", "password_hash": auth.hash_password("ikke-brugt-1")}}
        at.session_state["_user"] = user
    at.run()
    at.switch_page(PLAN).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.get("download_button")]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_handleplan_offers_the_record_of_a_chosen_department_and_year():
    at = plan_page()
    at.selectbox(key="record_department").select("Lager")
    at.run()
    at.selectbox(key="record_year").select(2026)
    at.run()
    assert "Hent referatet af Lagers drøftelse 2026 (PDF)" in labels(at)

    data = record_pdf(Store().url, "Lager", 2026, TODAY)  # what the button sends
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Lager" in text and "Årlig drøftelse af arbejdsmiljøkompetencer" in text
    plan = Store().current_tables(("handleplan",), year=2026, department="Lager")["handleplan"]
    assert all(what in text.replace("\n", " ") for what in plan["what"])


def test_the_record_follows_the_sidebars_year():
    at = plan_page()
    at.selectbox(key="year").select(2025)
    at.run()
    assert at.selectbox(key="record_year").options == ["2025"]
    assert any(label.endswith("drøftelse 2025 (PDF)") for label in labels(at))


def test_handleplan_offers_the_deadlines_as_an_ics_file():
    at = plan_page()
    assert "Hent fristerne som kalenderfil (.ics)" in labels(at)
    data = calendar_ics(Store().url, (), TODAY, None)
    calendar = icalendar.Calendar.from_ical(data)
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert any(s.startswith("Handleplan: ") and s.endswith("(Lager)") for s in summaries)
    assert "Årlig drøftelse af kompetencer (Lager)" in summaries
    only = icalendar.Calendar.from_ical(calendar_ics(Store().url, ("Kantine",), TODAY, None))
    assert {str(e["summary"]).rsplit("(", 1)[1] for e in only.walk("VEVENT")} == {"Kantine)"}


def test_an_amo_user_gets_an_own_subscription_link_and_a_new_one_revokes_the_old():
    mette = auth.User("mette", "Mette Hansen", auth.AMO, ("Kantine",))
    at = plan_page(mette)
    assert not at.code
    at.button(key="calendar_link").click().run()
    [code] = at.code
    link = code.value
    assert link.startswith("http") and "/api/kalender.ics?token=" in link
    secret = parse_qs(urlsplit(link).query)["token"][0]
    token = Store().token_for(secret)
    assert token is not None and token["departments"] == ["Kantine"] and token["created_by"] == "mette"

    at.button(key="calendar_link").click().run()
    [code] = at.code
    newer = parse_qs(urlsplit(code.value).query)["token"][0]
    assert newer != secret and Store().token_for(newer) is not None
    assert Store().token_for(secret) is None  # the old link stops working
