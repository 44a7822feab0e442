"""The Uddannelse page with members, in a real browser (Streamlit server + Debian's Chromium).

What a safety representative sees on the sample data (today 2026-11-26): who in the AMO lacks
the mandatory course or the offer of supplementary training, and by when; the filter
"mangler tilbud"; one member's years of service on demand.
"""

from __future__ import annotations

import re

import pytest

from tests import browser as B

HEADING = "Supplerende arbejdsmiljøuddannelse"


@pytest.fixture(scope="module")
def server(browser, tmp_path_factory):
    work = tmp_path_factory.mktemp("browser_training")
    log = work / "streamlit.log"
    with B.streamlit_server(B.seeded_env(work), log) as url:
        yield url, log


def metrics(page) -> dict[str, str]:
    out = {}
    for metric in page.get_by_test_id("stMetric").all():
        label = metric.get_by_test_id("stMetricLabel").inner_text().strip()
        out[label] = metric.get_by_test_id("stMetricValue").inner_text().strip()
    return out


def grid_text(page, index: int = 0, expect: str = "", absent: str | None = None) -> str:
    """The rows on screen of a table (its hidden accessible table: the cells are drawn on a canvas,
    and only a table in view has rows), once ``expect`` is among them and ``absent`` is not (the
    grid redraws a moment after the run)."""
    grid = page.get_by_test_id("stDataFrame").nth(index)
    grid.scroll_into_view_if_needed()
    deadline = 100
    while True:
        text = grid.text_content() or ""
        if (expect in text and (absent is None or absent not in text)) or deadline == 0:
            return text
        deadline -= 1
        page.wait_for_timeout(100)


def test_uddannelse_shows_who_lacks_training_and_by_when(server, page, tmp_path):
    url, log = server
    page.goto(url + "/")
    B.wait_ready(page)
    B.go_to(page, "Uddannelse", HEADING)
    assert not B.exceptions(page), B.exceptions(page)

    shown = metrics(page)
    assert shown["Medlemmer i AMO"] == "20", shown
    assert shown["Grunduddannelse overskredet"] == "1", shown
    assert shown["Mangler tilbud"] == "4", shown
    assert shown["Kurser"], "the course register's figures stay"
    assert page.get_by_test_id("stPlotlyChart").count() == 2, "the course charts stay"

    text = B.main_text(page)
    assert ("Kim Thomsen (Arbejdsleder, Værksted) har ikke gennemført den obligatoriske arbejdsmiljøuddannelse. "
            "Fristen var 01-09-2026.") in text
    assert ("Jens Christensen (AMR, Kantine) skal gennemføre den obligatoriske arbejdsmiljøuddannelse senest "
            "01-01-2027.") in text
    assert "20 medlemmer." in text

    members = grid_text(page, 0, "Kim Thomsen")
    assert members.index("Kim Thomsen") < members.index("Jens Christensen") < members.index("Mads Christensen")
    assert "Overskredet (frist 01-09-2026)" in members
    assert "Åben" in members and "Opfyldt" in members and "Ikke omfattet" in members
    assert "14-07-2027" in members and "0 af 11,1" in members  # Mads Christensen's current year of service

    # Only those without their offer: four AMR and arbejdsledere, each with its due date.
    before = B.runs(page)
    page.get_by_test_id("stMain").get_by_text("Kun dem, der mangler tilbud").click()
    B.wait_for_rerun(page, before)
    B.wait_for_text(page, r"\b4 medlemmer\.")
    missing = grid_text(page, 0, "Jørgen Larsen", absent="Bo Madsen")
    for name, due in (("Kim Thomsen", "31-05-2027"), ("Mads Christensen", "14-07-2027"),
                      ("Jens Møller", "14-08-2027"), ("Jørgen Larsen", "14-10-2027")):
        assert name in missing and due in missing, (name, due)
    assert "Bo Madsen" not in missing and "Opfyldt" not in missing

    # The history of one member: the year with too few hours.
    page.get_by_test_id("stMain").get_by_test_id("stSelectbox").filter(has_text="Vis historik for").click()
    before = B.runs(page)
    page.get_by_role("option", name="Mads Christensen (Produktion)").click()
    B.wait_for_rerun(page, before)
    B.wait_for_text(page, r"\d+ kurser for Mads Christensen")
    history = grid_text(page, 1, "Ikke opfyldt")
    assert "Ikke opfyldt" in history and "14-07-2025" in history and "7,4" in history, history
    assert not B.exceptions(page), B.exceptions(page)

    png = tmp_path / "uddannelse.png"
    png.write_bytes(B.full_page_png(page))
    assert png.stat().st_size > 10_000
    print(f"screenshot: {png}")


def test_guide_links_to_uddannelse(server, page):
    url, log = server
    page.goto(url + "/")
    B.wait_ready(page)
    B.go_to(page, "Mødeguide", "Mødeguide: drøft kompetencerne til jeres arbejdsmiljøarbejde")
    assert re.search(r"senest 3 måneder efter", B.main_text(page))
    page.get_by_test_id("stMain").get_by_role("link", name=re.compile("Gå til Uddannelse")).click()
    page.get_by_role("heading", name=HEADING).first.wait_for()
    B.wait_ready(page)
    assert metrics(page)["Medlemmer i AMO"] == "20"
