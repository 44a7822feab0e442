"""Helpers for driving the real dashboard in a real browser (Playwright + Debian's Chromium).

Used by ``tests/test_browser.py``, the sign-in and several-instances tests and
``docs/make_screenshots.py``. Nothing here is a mock: a Streamlit server runs ``app.py`` against
a fresh SQLite (or PostgreSQL) store seeded with the sample data, and single sign-on talks to a
real OpenID Connect provider process made for tests (``oidc-provider-mock``).
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
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


def _wait_for(url: str, proc: subprocess.Popen, log: Path, what: str, timeout: float,
              ok=lambda body: True) -> None:
    """Poll ``url`` until it answers 200 with a body ``ok`` accepts; fail if ``proc`` stops."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} stopped (exit {proc.returncode}):\n{Path(log).read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200 and ok(r.read().decode()):
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {timeout} s:\n{Path(log).read_text()}")
        time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextmanager
def streamlit_server(env: dict[str, str], log: Path, *, timeout: float = 60.0, port: int | None = None,
                     secrets: Path | None = None, script: str = "server.py"):
    """Run ``streamlit run server.py`` (the dashboard and its HTTP routes, as the README runs it)
    on ``port`` (default: a free local port); yields the base URL.

    ``secrets``: the secrets.toml to use instead of the worktree's ``.streamlit/secrets.toml``."""
    port = port or free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    if secrets is not None:
        cmd += ["--secrets.files", str(secrets)]
    url = f"http://127.0.0.1:{port}"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(f"{url}/_stcore/health", proc, log, "Streamlit", timeout, lambda body: body.strip() == "ok")
        yield url
    finally:
        _stop(proc)


class OidcProvider:
    """A real OpenID Connect provider process for tests (``python -m oidc_provider_mock``) on
    127.0.0.1, with one predefined user per claims dict (its authorize page has a button named
    by each user's ``sub``). ``stop()`` and ``start()`` take it down and up on the same port."""

    def __init__(self, users: Iterable[Mapping], log: Path, *, port: int | None = None):
        self.users, self.log, self.port = [dict(u) for u in users], Path(log), port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.metadata_url = f"{self.url}/.well-known/openid-configuration"
        self._proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> OidcProvider:
        cmd = [sys.executable, "-m", "oidc_provider_mock", "-p", str(self.port)]
        for user in self.users:
            cmd += ["--user-claims", json.dumps(user, ensure_ascii=False)]
        with open(self.log, "ab") as out:
            self._proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        _wait_for(self.metadata_url, self._proc, self.log, "The OpenID Connect provider", timeout,
                  lambda body: "authorization_endpoint" in body)
        return self

    def stop(self) -> None:
        if self._proc is not None:
            _stop(self._proc)
            self._proc = None

    def __enter__(self) -> OidcProvider:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def sso_secrets(provider: OidcProvider, app_port: int, roles: Mapping | None = None) -> dict:
    """An ``[auth]`` for ``provider`` and an app on ``app_port`` (browsed as http://localhost:PORT)."""
    section = {"redirect_uri": f"http://localhost:{app_port}/oauth2callback",
               "cookie_secret": "a-long-random-cookie-secret-for-tests-only", "client_id": "amo-kompetencer",
               "client_secret": "hemmelig", "server_metadata_url": provider.metadata_url}
    if roles is not None:
        section["roles"] = dict(roles)
    return {"auth": section}


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML
    if isinstance(value, Sequence):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def toml_text(data: Mapping, _prefix: str = "") -> str:
    """``data`` as TOML: its plain values, then one ``[table]`` per nested mapping."""
    lines = [f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, Mapping)]
    text = "".join(line + "\n" for line in lines)
    for key, value in data.items():
        if isinstance(value, Mapping):
            path = f"{_prefix}.{json.dumps(str(key))}" if _prefix else json.dumps(str(key))
            text += f"\n[{path}]\n" + toml_text(value, path)
    return text


def write_secrets(path: Path, secrets: Mapping) -> Path:
    """Write ``secrets`` (a secrets.toml as a dict) to ``path``; the path."""
    path.write_text(toml_text(secrets), encoding="utf-8")
    return path


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


def choose(page, label: str, option: str, attempts: int = 3, area: str = "stMain") -> None:
    """Add ``option`` to the multiselect labelled ``label`` in the main area (``area="stSidebar"``:
    the sidebar), then wait for the rerun.

    A click on an option while the list is still opening can be lost on a busy machine (the
    list closes and nothing is chosen, so no rerun comes): then the choice is made again.
    """
    widget = page.get_by_test_id(area).get_by_test_id("stMultiSelect").filter(
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


def open_row_editor(page, column: int, option: str, grid: int = 0):
    """Open the select editor of ``column`` in the first row of a data editor, by keyboard as a
    user would; the locator of ``option`` in its list (click it with :func:`pick`).

    The grid is drawn on a canvas: click the first body cell, move ``column`` cells right and
    open the cell's editor with Enter.
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
            return choice
        except Exception:  # the editor did not open: the click or keys landed before the grid was ready
            page.keyboard.press("Escape")
    raise AssertionError(f"could not open the editor of column {column} in the first row")


def pick(choice) -> None:
    """Click an option of an open editor list until the list closes.

    On a busy machine a click on the option can land before the list is ready to take it: the
    list then stays open and nothing is chosen (no edit reaches the server). The caller waits
    for what the edit changes."""
    for _ in range(3):
        choice.click()
        try:
            choice.wait_for(state="hidden", timeout=5_000)
            return
        except Exception:
            continue
    raise AssertionError("choosing an option in the editor did not close its list")


def edit_first_row(page, column: int, option: str, grid: int = 0) -> None:
    """Set a select cell in the first row of a data editor to ``option``."""
    pick(open_row_editor(page, column, option, grid))


def sign_in_with_password(page, url: str, username: str, password: str) -> None:
    """Sign in on the app's own form (the ``[users]`` list) and wait for the first page."""
    page.goto(url + "/")
    wait_ready(page)
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.get_by_test_id("stSidebar").get_by_text("Logget ind som").wait_for()
    wait_ready(page)


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
    page.wait_for_timeout(settle_ms)  # and back: the next click must not land on a page still moving
    wait_ready(page)
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
