"""Helpers for driving the real dashboard in a real browser (Playwright + Debian's Chromium).

Used by ``tests/test_browser.py`` and ``docs/make_screenshots.py``. Nothing here is a mock: a
Streamlit server runs ``app.py`` against a fresh SQLite store seeded with the sample data.
"""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
TODAY = "2026-11-26"
VIEWPORT = {"width": 1280, "height": 900}

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"

# Every page as (sidebar link, heading, screenshot name). The home page's link is the first one,
# whatever Streamlit calls it (its label comes from the file name app.py).
HOME = None
PAGES = [
    (HOME, "Overblik over arbejdsmiljøkompetencerne", "01-overblik"),
    ("Upload", "Upload af kompetenceark", "02-upload"),
    ("Styrker og behov", "Styrker og behov", "03-styrker-og-behov"),
    ("Handleplan", "Handleplan", "04-handleplan"),
    ("Sammenlign afdelinger", "Sammenlign afdelinger", "05-sammenlign-afdelinger"),
    ("Uddannelse", "Supplerende arbejdsmiljøuddannelse", "06-uddannelse"),
    ("Mødeguide", "Mødeguide", "07-modeguide"),
    ("Revisionslog", "Revisionslog", "08-revisionslog"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def store_env(directory: Path, *, seed: bool = True, today: str = TODAY) -> dict[str, str]:
    """An environment whose store is a new SQLite file in ``directory``, with the sample data if ``seed``."""
    env = dict(os.environ)
    env["AMO_DATABASE_URL"] = f"sqlite:///{Path(directory) / 'amo.sqlite'}"
    env["AMO_TODAY"] = today
    env.pop("STREAMLIT_SERVER_PORT", None)
    if seed:
        subprocess.run([sys.executable, "-m", "amo_data", "seed-sample"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, timeout=120)
    return env


def seeded_env(directory: Path, *, today: str = TODAY) -> dict[str, str]:
    """An environment whose store is a new SQLite file in ``directory`` holding the sample data."""
    return store_env(directory, seed=True, today=today)


@contextmanager
def streamlit_server(env: dict[str, str], log: Path, *, timeout: float = 60.0):
    """Run ``streamlit run app.py`` on a free local port; yields the base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    url = f"http://127.0.0.1:{port}"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"Streamlit stopped (exit {proc.returncode}):\n{Path(log).read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Streamlit did not answer within {timeout} s:\n{Path(log).read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


# Counts the script runs the browser has seen, so a test can wait for the rerun its own action
# caused (a rerun can start a moment after the click, when the page still looks finished).
_COUNT_RUNS = """() => {
  if (window.__amoRuns === undefined) {
    window.__amoRuns = 0;
    new MutationObserver(ms => { for (const m of ms) {
      if (m.target.getAttribute('data-test-script-state') === 'running') window.__amoRuns += 1; } })
      .observe(document.body, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
  }
  return window.__amoRuns;
}"""


def runs(page) -> int:
    """How many script runs this page has seen since the counter was installed."""
    return page.evaluate(_COUNT_RUNS)


def wait_for_rerun(page, before: int, timeout: float = 30_000) -> None:
    """Wait until a run after ``before`` (see :func:`runs`) has started and the page is ready again."""
    page.wait_for_function(f"() => window.__amoRuns > {before}", timeout=timeout)
    wait_ready(page, timeout)


def wait_ready(page, timeout: float = 30_000) -> None:
    """Wait until the script has finished and nothing is still a placeholder."""
    page.wait_for_selector(READY, state="attached", timeout=timeout)
    runs(page)
    page.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stSkeleton']\")"
        " && !document.querySelector(\"[data-testid='stSpinner']\")"
        " && document.querySelector(\"[data-testid='stApp'][data-test-script-state='notRunning']\")",
        timeout=timeout,
    )
    # Plotly draws after the script has finished: wait for every chart's SVG.
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"[data-testid='stPlotlyChart']\")]"
        ".every(c => c.querySelector('.main-svg'))",
        timeout=timeout,
    )


def sidebar_link(page, name: str | None):
    """The sidebar link named ``name``; ``HOME`` (None) is the first link, the home page.

    Works for Streamlit's own page list and for ``st.page_link`` menus alike; an icon in front
    of the label (an emoji, or a Material icon that reads as text) is allowed.
    """
    sidebar = page.get_by_test_id("stSidebar")
    if name is HOME:
        return sidebar.get_by_role("link").first
    return sidebar.get_by_role("link", name=re.compile(rf"(^|\s){re.escape(name)}$")).first


def go_to(page, name: str | None, heading: str, timeout: float = 30_000) -> None:
    """Follow the sidebar link ``name`` and wait until ``heading`` is shown and the page is ready."""
    try:
        sidebar_link(page, name).click(timeout=timeout)
    except Exception as exc:
        sidebar = page.get_by_test_id("stSidebar")
        shown = sidebar.inner_text(timeout=1_000) if sidebar.count() else "(no sidebar)"
        dump = Path(os.environ.get("AMO_BROWSER_DUMP", "/tmp")) / "amo-browser-failure.png"
        page.screenshot(path=str(dump), full_page=True)
        raise AssertionError(f"no sidebar link {name!r}; the sidebar shows:\n{shown}\n(screenshot: {dump})") from exc
    page.get_by_role("heading", name=heading).first.wait_for(timeout=timeout)
    wait_ready(page, timeout)


def choose(page, label: str, option: str, attempts: int = 3) -> None:
    """Add ``option`` to the multiselect labelled ``label`` in the main area, then wait for the rerun.

    A click on an option while the list is still opening can be lost on a busy machine (the
    list closes and nothing is chosen, so no rerun comes): then the choice is made again.
    """
    widget = page.get_by_test_id("stMain").get_by_test_id("stMultiSelect").filter(
        has=page.get_by_text(label, exact=True))
    for attempt in range(attempts):
        widget.click()
        before = runs(page)
        page.get_by_role("option", name=option, exact=True).click()
        page.keyboard.press("Escape")
        try:
            wait_for_rerun(page, before, timeout=10_000)
            return
        except Exception:
            chosen = option in widget.inner_text()
            if chosen:  # chosen, and its run already over before the counter saw it start
                wait_ready(page)
                return
            if attempt == attempts - 1:
                dump = Path(os.environ.get("AMO_BROWSER_DUMP", "/tmp")) / "amo-browser-choose.png"
                page.screenshot(path=str(dump), full_page=True)
                raise AssertionError(f"{option!r} could not be chosen in {label!r} (screenshot: {dump})") from None


def edit_first_row(page, column: int, option: str, grid: int = 0) -> None:
    """Set a select cell in the first row of a data editor, by keyboard as a user would.

    The grid is drawn on a canvas: click the first body cell, move ``column`` cells right,
    open the cell's editor with Enter and pick ``option`` from its list.
    """
    choice = page.get_by_role("option", name=option, exact=True)
    for attempt in range(4):
        # The canvas may still be settling after a rerun: try again from a clean state.
        page.wait_for_timeout(300 * (attempt + 1))
        box = page.get_by_test_id("stDataFrame").nth(grid).bounding_box()
        page.mouse.click(box["x"] + 30, box["y"] + 52)  # first body cell, below the 35 px header row
        page.wait_for_timeout(150)
        for _ in range(column):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            choice.wait_for(timeout=4_000)
        except Exception:  # the editor did not open: the click or keys landed before the grid was ready
            page.keyboard.press("Escape")
            continue
        # On a busy machine a click on the option can land before the list is ready to take it:
        # the list then stays open and nothing is chosen (no edit reaches the server). Click the
        # same option again until the list closes; the caller waits for what the edit changes.
        for _ in range(3):
            choice.click()
            try:
                choice.wait_for(state="hidden", timeout=5_000)
                return
            except Exception:
                continue
        raise AssertionError(f"choosing {option!r} in the editor of column {column} did not close its list")
    raise AssertionError(f"could not open the editor of column {column} in the first row")


def wait_for_text(page, pattern: str, timeout: float = 30_000) -> str:
    """Wait until the main area's text matches ``pattern`` (a regular expression) and the page
    is ready; the text. For what lasts after an action (a count, a table), not a toast."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        wait_ready(page, timeout)
        text = main_text(page)
        if re.search(pattern, text):
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"{pattern!r} did not appear in the page:\n{text[:2000]}")
        page.wait_for_timeout(200)


def exceptions(page) -> list[str]:
    return page.get_by_test_id("stException").all_inner_texts()


def main_text(page) -> str:
    return page.get_by_test_id("stMain").inner_text()


def full_page_png(page, *, settle_ms: int = 600) -> bytes:
    """A PNG of the whole page (Streamlit scrolls inside ``stMain``, not the document).

    The viewport is made as tall as the content, then set back.
    """
    size = page.viewport_size or VIEWPORT
    height = page.evaluate(
        "() => { const m = document.querySelector(\"[data-testid='stMain']\");"
        " return m ? m.scrollHeight : document.documentElement.scrollHeight; }")
    page.set_viewport_size({"width": size["width"], "height": max(int(height), size["height"])})
    page.wait_for_timeout(settle_ms)  # charts re-lay out for the new size
    wait_ready(page)
    png = page.screenshot(full_page=True, type="png", animations="disabled", caret="hide")
    page.set_viewport_size(size)
    return png


def shrink_png(png: bytes, *, max_bytes: int = 250_000, width: int = 1280) -> bytes:
    """Make a screenshot small enough to commit: as is if it fits, else 256 colours, else narrower."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.width > width:
        image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    if len(out.getvalue()) <= max_bytes:
        return out.getvalue()
    while True:
        out = io.BytesIO()
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            out, format="PNG", optimize=True)
        data = out.getvalue()
        if len(data) <= max_bytes or image.width <= 640:
            return data
        image = image.resize((round(image.width * 0.85), round(image.height * 0.85)), Image.LANCZOS)


# An Arbejdsark and a Handleplan for a department that is not in the sample data, written the way
# Excel saves a Danish CSV (Windows-1252, semicolons, CRLF).
RENGORING_ARBEJDSARK = (
    "Afdeling;Dato;År;Område;Kategori;Beskrivelse;Hjælp;Vurdering;Rolle\r\n"
    "Rengøring;12-11-2026;2026;Ergonomi;Lykkes;Vi bruger de nye mopper med lange skafter;;4;Medarbejder\r\n"
    "Rengøring;12-11-2026;2026;Ergonomi;Brug for at styrke;Tunge løft af affaldssække;Egen kompetenceudvikling;2;"
    "Arbejdsmiljørepræsentant\r\n"
).encode("cp1252")
RENGORING_HANDLEPLAN = (
    "Afdeling;År;Dato;Hvad;Område;Hvorfor;Hvordan;Hjælp;Hvornår;Hvem;Opfølgning;Status\r\n"
    "Rengøring;2026;12-11-2026;Kursus i ergonomi ved gulvvask;Ergonomi;Mange får ondt i skuldre og ryg;"
    "Supplerende arbejdsmiljøuddannelse for AMR og arbejdsleder;Egen kompetenceudvikling;Snarest;"
    "AMR;På næste AMO-møde;Planlagt\r\n"
).encode("cp1252")
RENGORING_FILES = [
    {"name": "rengoering_arbejdsark.csv", "mimeType": "text/csv", "buffer": RENGORING_ARBEJDSARK},
    {"name": "rengoering_handleplan.csv", "mimeType": "text/csv", "buffer": RENGORING_HANDLEPLAN},
]
