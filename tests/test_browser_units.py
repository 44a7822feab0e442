"""The organisation tree in a real browser: a manager goes from the whole company to one
department in a few clicks (Overblik's links down, Sammenlign afdelinger's heatmap of the
children, the breadcrumb up again, the searchable unit list in the sidebar), and the unit stays
in the address when the page changes.

The sample data's tree: Nordisk Emballage A/S -> Fabrikken i Vejle (Kantine, Lager, Produktion,
Værksted) and Hovedkontoret i Aarhus (Administration, Salg).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import browser as B


@pytest.fixture(scope="module")
def server(browser, tmp_path_factory):
    work = tmp_path_factory.mktemp("browser-units")
    log = work / "streamlit.log"
    with B.streamlit_server(B.seeded_env(work), log) as url:
        yield url, log


def click(page, name: str, area: str = "stMain") -> None:
    """Click the button named ``name`` (an icon before it is allowed) and wait for the rerun."""
    pattern = rf"(^|\s){re.escape(name)}$".replace("/", "\\/")  # Playwright sends a regex as /…/
    button = page.get_by_test_id(area).get_by_role("button", name=re.compile(pattern)).first
    before = B.runs(page)
    button.click()
    B.wait_for_rerun(page, before)


def unit_in_address(page) -> str | None:
    match = re.search(r"[?&]enhed=([^&]*)", page.url)
    return None if match is None else re.sub(r"\+|%20", " ", match.group(1))


def no_exception(page, log: Path) -> None:
    errors = B.exceptions(page)
    assert not errors, "\n".join(errors) + "\n" + log.read_text(errors="replace")[-3000:]


def test_a_manager_drills_from_the_company_to_a_department_and_back(server, page):
    url, log = server
    page.goto(url + "/")
    B.wait_ready(page)
    text = B.main_text(page)
    assert "Fabrikken i Vejle" in text and "Hovedkontoret i Aarhus" in text  # the company's two sites
    assert unit_in_address(page) is None

    click(page, "Fabrikken i Vejle")  # Overblik: down into a site
    assert unit_in_address(page) == "Fabrikken i Vejle"
    B.wait_for_text(page, r"Afdelinger med drøftelse 2026\s*\d af 4")
    no_exception(page, log)

    B.go_to(page, "Sammenlign afdelinger", "Sammenlign afdelinger")  # the unit goes along
    assert unit_in_address(page) == "Fabrikken i Vejle"
    heatmap = page.get_by_test_id("stPlotlyChart").first.inner_text()
    for department in ("Kantine", "Lager", "Produktion", "Værksted"):
        assert department in heatmap
    assert "Salg" not in heatmap and "Administration" not in heatmap
    no_exception(page, log)

    click(page, "Lager")  # Sammenlign: down into a department
    assert unit_in_address(page) == "Lager"
    B.wait_for_text(page, "Lager er en afdeling")
    no_exception(page, log)

    click(page, "Nordisk Emballage A/S")  # the breadcrumb: up to the company
    assert unit_in_address(page) is None
    heatmap = page.get_by_test_id("stPlotlyChart").first.inner_text()
    assert "Fabrikken i Vejle" in heatmap and "Hovedkontoret i Aarhus" in heatmap

    # The sidebar's unit list is searchable: type a name, take it.
    unit = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has=page.get_by_text("Enhed"))
    unit.click()
    page.keyboard.type("Hovedkontoret")
    before = B.runs(page)
    page.get_by_role("option", name=re.compile("Hovedkontoret i Aarhus")).first.click()
    B.wait_for_rerun(page, before)
    assert unit_in_address(page) == "Hovedkontoret i Aarhus"
    heatmap = page.get_by_test_id("stPlotlyChart").first.inner_text()
    assert "Salg" in heatmap and "Lager" not in heatmap
    no_exception(page, log)
