"""The dashboard in a real browser: a Streamlit server on the sample data, driven by Chromium.

One journey a safety representative would take: read the overview, upload a Danish Excel CSV
for a new department, save it, then open every page from the sidebar and find the new
department there. Every page is screenshotted; no page may show a Python exception.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from amo_data.store import Store
from amo_ui.views import ACTION_COLUMNS
from tests import browser as B


@pytest.fixture(scope="module")
def server(browser, tmp_path_factory):
    """The dashboard on a fresh store with the sample data: (base URL, server log, store URL)."""
    work = tmp_path_factory.mktemp("browser")
    log = work / "streamlit.log"
    env = B.store_env(work, seed=True)
    with B.streamlit_server(env, log) as url:
        yield url, log, env["AMO_DATABASE_URL"]


def _screenshot(page, directory: Path, name: str) -> Path:
    path = directory / f"{name}.png"
    path.write_bytes(B.full_page_png(page))
    return path


def _no_exception(page, where: str, log: Path) -> None:
    errors = B.exceptions(page)
    assert not errors, (f"{where}: the page shows an exception:\n" + "\n".join(errors)
                        + "\n--- server log (tail) ---\n" + log.read_text(errors="replace")[-4000:])


def _count(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not found in:\n{text}"
    return int(match.group(1))


def test_overview_upload_and_every_page(server, page, tmp_path):
    url, log, db = server
    shots = tmp_path / "shots"
    shots.mkdir()
    taken: list[Path] = []

    # --- Overblik ------------------------------------------------------------------------------
    page.goto(url + "/")
    B.wait_ready(page)
    page.get_by_role("heading", name="Overblik over arbejdsmiljøkompetencerne").wait_for()
    metrics = page.get_by_test_id("stMetricValue").all_inner_texts()
    assert "5 af 6" in metrics, metrics
    warning = page.get_by_test_id("stAlert").filter(has_text="uden årlig drøftelse")
    assert "Administration" in warning.inner_text()
    assert page.get_by_test_id("stPlotlyChart").count() >= 2
    _no_exception(page, "Overblik", log)
    taken.append(_screenshot(page, shots, "01-overblik"))

    # --- Handleplan: filter, then mark an overdue action as done in the table -----------------
    B.go_to(page, "Handleplan", "Handleplan")
    text = B.main_text(page)
    actions_before = _count(r"(\d+) handling", text)
    overdue_before = _count(r"Overskredne \((\d+)\)", text)
    B.choose(page, "Status", "I gang")
    B.choose(page, "Kvartal", "2. kvt. 2026")  # over: today is 26-11-2026
    shown = _count(r"(\d+) handling", B.main_text(page))
    assert 0 < shown < actions_before
    B.edit_first_row(page, list(ACTION_COLUMNS).index("status"), "Gennemført")
    # What lasts, not the toast (a busy machine can miss it): the action done leaves the list of
    # the ones under way.
    text = B.wait_for_text(page, rf"(^|\D){shown - 1} handling")
    assert _count(r"(\d+) handling", text) == shown - 1, "the action done is still shown as I gang"
    edit = Store(db).audit_log(limit=1)[0]
    assert (edit["action"], edit["details"]["old"], edit["details"]["new"]) == ("status", "I gang", "Gennemført")
    assert _count(r"Overskredne \((\d+)\)", text) == overdue_before - 1
    urgent_before = _count(r"Hastende \((\d+)\)", text)
    _no_exception(page, "Handleplan efter statusændring", log)

    # --- Upload: two Danish Excel CSV files for a new department -------------------------------
    B.go_to(page, "Upload", "Upload af kompetenceark")
    paths = []
    for f in B.RENGORING_FILES:
        paths.append(tmp_path / f["name"])
        paths[-1].write_bytes(f["buffer"])
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(paths)
    page.get_by_text("Ingen fejl eller advarsler.").nth(1).wait_for()
    B.wait_ready(page)
    assert page.get_by_text("Ingen fejl eller advarsler.").count() == 2
    _no_exception(page, "Upload efter kontrol", log)
    page.get_by_role("button", name=re.compile(r"^\W*Gem$")).click()
    success = page.get_by_test_id("stAlertContentSuccess").filter(has_text="Gemt som import nr.")
    success.wait_for()
    assert re.search(r"Gemt som import nr\. \d+", success.inner_text())
    B.wait_ready(page)
    _no_exception(page, "Upload efter gem", log)
    assert not page.get_by_role("button", name=re.compile(r"^\W*Gem$")).count(), "Gem is still offered after saving"
    batch = int(re.search(r"Gemt som import nr\. (\d+)", success.inner_text()).group(1))
    taken.append(_screenshot(page, shots, "02-upload"))

    # Undo: the import just made is offered, and ticking the confirmation keeps the box open
    # (the saved message above it goes away on that rerun; the box must not close with it).
    page.get_by_test_id("stExpander").get_by_text("Fortryd en import").click()
    confirm = page.get_by_test_id("stCheckbox").get_by_text(f"Ja, fortryd import nr. {batch}", exact=True)
    confirm.wait_for()  # the label names the import chosen in the list above it
    undo = page.get_by_role("button", name="Fortryd", exact=True)
    assert undo.is_disabled()
    confirm.click()
    deadline = time.monotonic() + 30
    while undo.is_disabled():  # enabled by the rerun the tick causes
        if time.monotonic() > deadline:
            box = page.get_by_role("checkbox", name=f"Ja, fortryd import nr. {batch}")
            raise AssertionError(f"ticking the confirmation did not enable Fortryd (ticked: {box.is_checked(timeout=5000)})")
        page.wait_for_timeout(100)
    B.wait_ready(page)
    assert confirm.is_visible(), "the undo box closed when its confirmation was ticked"

    # --- Every other page, from the sidebar ----------------------------------------------------
    B.go_to(page, "Styrker og behov", "Styrker og behov")
    text = B.main_text(page)
    assert "Punkterne med jeres egne ord" in text
    assert page.get_by_test_id("stPlotlyChart").count() >= 3
    _no_exception(page, "Styrker og behov", log)
    taken.append(_screenshot(page, shots, "03-styrker-og-behov"))

    B.go_to(page, "Handleplan", "Handleplan")
    text = B.main_text(page)
    assert _count(r"(\d+) handling", text) == actions_before + 1, "the new action is not in the plan"
    assert _count(r"Hastende \((\d+)\)", text) == urgent_before + 1, "the 'Snarest' action is not urgent"
    assert page.get_by_test_id("stDataFrame").count() >= 1
    assert "Årshjul" in text
    _no_exception(page, "Handleplan", log)
    taken.append(_screenshot(page, shots, "04-handleplan"))

    B.go_to(page, "Sammenlign afdelinger", "Sammenlign afdelinger")
    heatmap = page.get_by_test_id("stPlotlyChart").first
    assert "Rengøring" in heatmap.inner_text(), "the new department is missing from the heatmap"
    # The organisation's top: the sample company's tree beside the new department outside it.
    assert "Nordisk Emballage A/S" in heatmap.inner_text()
    assert "Udviklingen over årene" in B.main_text(page)
    _no_exception(page, "Sammenlign afdelinger", log)
    taken.append(_screenshot(page, shots, "05-sammenlign-afdelinger"))

    B.go_to(page, "Uddannelse", "Supplerende arbejdsmiljøuddannelse")
    text = B.main_text(page)
    assert "Kurser" in text
    assert page.get_by_test_id("stMetricValue").count() == 7  # 4 about the members, 3 about the courses
    _no_exception(page, "Uddannelse", log)
    taken.append(_screenshot(page, shots, "06-uddannelse"))

    B.go_to(page, "Mødeguide", "Mødeguide: drøft kompetencerne til jeres arbejdsmiljøarbejde")
    text = B.main_text(page)
    assert "Hvad siger reglerne?" in text
    assert "Supplerende uddannelse" in text
    assert page.get_by_test_id("stDownloadButton").count() >= 1
    _no_exception(page, "Mødeguide", log)
    taken.append(_screenshot(page, shots, "07-modeguide"))

    B.go_to(page, "Revisionslog", "Revisionslog")
    assert page.get_by_test_id("stDataFrame").count() >= 1, "the audit log shows no table after two imports"
    _no_exception(page, "Revisionslog", log)
    taken.append(_screenshot(page, shots, "08-revisionslog"))

    # --- Back home: the new department counts and can be chosen in the sidebar filter ----------
    B.go_to(page, B.HOME, "Overblik over arbejdsmiljøkompetencerne")
    assert "6 af 7" in page.get_by_test_id("stMetricValue").all_inner_texts()
    _no_exception(page, "Overblik efter upload", log)
    page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").click()
    page.get_by_role("option", name="Rengøring").wait_for()
    page.keyboard.press("Escape")

    for path in taken:
        assert path.stat().st_size > 20_000, f"{path.name} looks empty ({path.stat().st_size} bytes)"
    assert len(taken) == len(B.PAGES)


@pytest.fixture(scope="module")
def empty_server(browser, tmp_path_factory):
    """The dashboard on an empty store, its upload limit raised to 26 MB: (base URL, server log).

    Both of its tests leave the store empty (the one upload is refused)."""
    work = tmp_path_factory.mktemp("browser-empty")
    env = B.store_env(work, seed=False)
    env["AMO_MAX_UPLOAD_MB"] = "26"
    with B.streamlit_server(env, work / "streamlit.log") as url:
        yield url, work / "streamlit.log"


def test_empty_store_points_to_upload(empty_server, page):
    """A first-time user on an empty store, arriving by a deep link, is sent on to Upload."""
    url, log = empty_server
    page.goto(url + "/Handleplan")
    B.wait_ready(page)
    page.get_by_text("Der er ingen data endnu.").wait_for()
    _no_exception(page, "Handleplan uden data", log)
    assert page.get_by_test_id("stDataFrame").count() == 0
    assert page.get_by_test_id("stPlotlyChart").count() == 0
    page.get_by_test_id("stMain").get_by_role("link", name=re.compile("Gå til Upload")).click()
    page.get_by_role("heading", name="Upload af kompetenceark").wait_for()
    B.wait_ready(page)
    _no_exception(page, "Upload uden data", log)
    assert "Ingen importer endnu." in B.main_text(page)
    assert "Der er endnu ingen gemte data at eksportere." in B.main_text(page)
    B.go_to(page, B.HOME, "Overblik over arbejdsmiljøkompetencerne")
    assert "Der er ingen data endnu." in B.main_text(page)
    _no_exception(page, "Overblik uden data", log)


def test_a_file_above_the_upload_limit_is_refused_in_danish(empty_server, page, tmp_path):
    """The upload limit has one home (AMO_MAX_UPLOAD_MB): raised above Streamlit's default of
    this project (25 MB), a file above it still reaches the app through Streamlit's own caps,
    which the app sets from it, and is refused in Danish naming the limit."""
    url, log = empty_server
    big = tmp_path / "stor.csv"
    big.write_bytes(B.RENGORING_HANDLEPLAN + b"x" * (53 * 2**19))  # 26,5 MB
    page.goto(url + "/Upload")
    B.wait_ready(page)
    page.get_by_text("højst 26 MB pr. fil").wait_for()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([big])
    page.get_by_text("1 fejl — filen kan ikke gemmes").wait_for()
    B.wait_ready(page)
    # The problem table is drawn on a canvas: its cells are in the grid's accessible table.
    page.get_by_text('Filen "stor.csv" er for stor (26,5 MB). Den må højst fylde 26 MB.').wait_for(state="attached")
    _no_exception(page, "Upload af en for stor fil", log)
