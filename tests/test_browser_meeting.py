"""Meeting mode in a real browser (issues 17 and 18): the dashboard's server (``server.py``, with
its HTTP routes) on the sample data, driven by Chromium. A short meeting is held and saved,
its written record is downloaded as a PDF, and the calendar subscription link is found on
Handleplan and answers with a calendar.
"""

from __future__ import annotations

import io
import re
import urllib.request
from pathlib import Path

import pytest

from amo_data.store import Store
from tests import browser as B

HEADING = "Mødet: årlig drøftelse af kompetencer"


@pytest.fixture(scope="module")
def server(browser, tmp_path_factory):
    work = tmp_path_factory.mktemp("meeting")
    env = B.store_env(work, seed=True)
    log = work / "streamlit.log"
    with B.streamlit_server(env, log) as url:
        yield url, log, env["AMO_DATABASE_URL"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=B.VIEWPORT, locale="da-DK", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def select(page, label: str, option: str) -> None:
    """Choose ``option`` in the selectbox labelled ``label`` in the main area."""
    box = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").filter(
        has=page.get_by_text(label, exact=True)).first
    for _ in range(3):
        before = B.runs(page)
        box.click()
        page.get_by_role("option", name=option, exact=True).click()
        try:
            B.wait_for_rerun(page, before, timeout=10_000)
            return
        except Exception:
            if option in box.inner_text():
                B.wait_ready(page)
                return
    raise AssertionError(f"{option!r} could not be chosen in {label!r}")


def click(page, name: str) -> None:
    before = B.runs(page)
    page.get_by_role("button", name=name, exact=True).first.click()
    try:
        B.wait_for_rerun(page, before, timeout=10_000)
    except Exception:  # the run may be over before the counter saw it start: the caller waits for its result
        B.wait_ready(page)


def no_exception(page, log: Path) -> None:
    errors = B.exceptions(page)
    assert not errors, "\n".join(errors) + "\n--- server log ---\n" + log.read_text(errors="replace")[-3000:]


def test_hold_a_meeting_download_the_record_and_find_the_calendar_link(server, page, tmp_path):
    url, log, db = server
    page.goto(url + "/?afd=Lager")
    B.wait_ready(page)
    B.go_to(page, "Møde", HEADING)
    no_exception(page, log)
    select(page, "År", "2027")
    B.wait_for_text(page, "Trin 1: Vigtige opgaver")
    assert re.search(r"Tid: \d+ af 10 min brugt", B.main_text(page)), "the step's clock is not shown"

    page.get_by_label("Punkt", exact=True).fill("Færre tunge løft ved pakkebordene")
    click(page, "Skriv på arbejdsarket")
    B.wait_for_text(page, "Færre tunge løft ved pakkebordene")

    before = B.runs(page)
    page.get_by_text("4. Handleplan (15 min)").click()
    B.wait_for_rerun(page, before)
    B.wait_for_text(page, "Trin 4: Handleplan")
    page.get_by_label("Hvad?", exact=True).fill("Kursus i forflytning og løfteteknik")
    page.get_by_label("Hvem?", exact=True).fill("Ida Holm")
    click(page, "Tilføj handlingen")
    B.wait_for_text(page, r"Handleplanen\s*\(1 handling\)")
    page.screenshot(path=str(tmp_path / "moede.png"), full_page=True)

    click(page, "Gem mødet")
    B.wait_for_text(page, "Mødet er gemt som import nr.")
    no_exception(page, log)
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="Hent referatet").first.click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Lager" in text and "Kursus i forflytning og løfteteknik" in text
    assert "Færre tunge løft ved pakkebordene" in text

    plan = Store(db).current_tables(("handleplan",), year=2027, department="Lager")["handleplan"]
    assert list(plan["what"]) == ["Kursus i forflytning og løfteteknik"]

    B.go_to(page, "Handleplan", "Handleplan")
    no_exception(page, log)
    click(page, "Lav mit kalenderlink")
    link = page.get_by_test_id("stCode").first.inner_text().strip()
    assert link.startswith(url) and "/api/kalender.ics?token=" in link
    with urllib.request.urlopen(link, timeout=20) as answer:  # the link works as a calendar feed
        assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/calendar")
        assert b"Handleplan: Kursus i forflytning og l" in answer.read()
