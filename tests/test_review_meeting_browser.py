"""Found in a hostile review of meeting mode (issue 17), in a real browser: two sessions hold
the same department's meeting and press "Gem mødet" at the same moment."""

from __future__ import annotations

from amo_data.store import Store
from tests import browser as B
from tests.test_browser_meeting import click, select, server  # noqa: F401


def test_two_meetings_saved_at_the_same_moment_never_silently_replace_one_another(browser, server):  # noqa: F811
    # Before the fix both sessions passed the "has someone else saved?" check and both were told
    # "Mødet er gemt"; the second import silently replaced the first, and Anna's point was gone.
    url, log, db = server
    pages = []
    for who in ("Anna", "Bo"):
        context = browser.new_context(viewport=B.VIEWPORT, locale="da-DK")
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(url + "/Møde?afd=Lager")
        B.wait_ready(page)
        select(page, "År", "2027")
        page.get_by_label("Punkt", exact=True).fill(f"Punkt fra {who}")
        click(page, "Skriv på arbejdsarket")
        B.wait_for_text(page, f"Punkt fra {who}")
        pages.append(page)
    for page in pages:  # both buttons at once, without waiting for the first save
        page.get_by_role("button", name="Gem mødet", exact=True).first.dispatch_event("click")
    outcomes = []
    for page in pages:
        text = B.wait_for_text(page, r"Mødet er gemt som import nr\.|efter at du åbnede mødet")
        outcomes.append("gemt" if "Mødet er gemt" in text else "afvist")
        assert not B.exceptions(page)
    assert sorted(outcomes) == ["afvist", "gemt"], outcomes
    stored = list(Store(db).current_tables(("arbejdsark",), year=2027, department="Lager")["arbejdsark"]["description"])
    assert stored == [f"Punkt fra {'Anna' if outcomes[0] == 'gemt' else 'Bo'}"]
    for page in pages:
        page.context.close()
