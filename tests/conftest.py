"""Shared test setup.

- Every test gets its own SQLite store through AMO_DATABASE_URL, so no test touches the
  developer's real store.
- Streamlit's caches are cleared between tests (they are shared by every AppTest in a process).
- In CI (CI=true) a skipped test is a failure: the PostgreSQL and browser tests must really run.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def sample_store():
    """This test's store holding the committed sample company (``seed-sample``)."""
    from amo_data.cli import main as cli
    from amo_data.store import Store

    assert cli(["seed-sample"]) == 0
    return Store()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module (tests/browser.py has the rest)."""
    from tests import browser as B

    if not Path(B.CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {B.CHROMIUM} (Debian package 'chromium')")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = B.launch(p)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab (its own cookies) in Danish, at the tests' window size."""
    from tests import browser as B

    context = browser.new_context(viewport=B.VIEWPORT, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory, monkeypatch):
    db = tmp_path_factory.mktemp("store") / "amo.sqlite"
    monkeypatch.setenv("AMO_DATABASE_URL", f"sqlite:///{db}")
    yield


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    yield
    if "streamlit" in sys.modules:
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()


# Modules whose tests share no module- or session-wide fixture: with ``-n 2 --dist loadfile``
# their tests are handed out one by one to whichever worker is free, so one long file does
# not keep a worker busy while the other idles. Every other module runs whole on one worker,
# its shared fixtures (a server, a browser, a store built once) made once.
SPREAD = {
    "test_bench", "test_cli", "test_entitlement", "test_load", "test_metrics", "test_outline",
    "test_pages", "test_plan_editor", "test_privacy", "test_quarters", "test_reader", "test_remind",
    "test_render_safety", "test_roundtrip", "test_sandbox", "test_store", "test_store_counts",
    "test_store_meetings", "test_store_v2", "test_training_page", "test_validate", "test_vocab",
}


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile``, except that the tests of the modules in ``SPREAD`` are spread."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class LoadFileSpreading(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            if Path(module).stem not in SPREAD:
                return module
            # A test's SQLite and PostgreSQL runs go together (the same data may be built once).
            return re.sub(r"\[(sqlite|postgresql)\b-?", "[", nodeid)

    return LoadFileSpreading(config, log)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if _in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"Skipped in CI, which counts as a failure here: {reason}"
