"""Several instances, one store: two dashboard server processes (``streamlit run app.py`` on two
ports) on one PostgreSQL database, each driven by its own Chromium session, as behind a
reverse proxy with sticky sessions.

- an upload through one instance is shown by the other on its next run;
- status edits sent through both at the same moment are both saved, and the audit log records
  both, each with its user.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from amo_data import auth
from amo_data.store import Store
from amo_ui.views import ACTION_COLUMNS
from tests import browser as B
from tests.pg import fresh_database

PASSWORD = "to-instanser-en-database"
STATUS_COLUMN = list(ACTION_COLUMNS).index("status")


@pytest.fixture
def instances(browser, tmp_path):
    """Two servers on one fresh PostgreSQL database with the sample data: (url A, url B, store URL)."""
    with fresh_database("amo_instances") as db:
        env = dict(os.environ, AMO_DATABASE_URL=db, AMO_TODAY=B.TODAY)
        env.pop("STREAMLIT_SERVER_PORT", None)
        subprocess.run([sys.executable, "-m", "amo_data", "seed-sample"], cwd=B.ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, timeout=120)
        digest = auth.hash_password(PASSWORD)
        secrets = B.write_secrets(tmp_path / "secrets.toml", {"users": {
            "ada": {"name": "Ada Admin", "role": "admin", "password_hash": digest},
            "mette": {"name": "Mette Hansen", "role": "amo", "departments": ["Salg"], "password_hash": digest},
        }})
        with B.streamlit_server(env, tmp_path / "a.log", secrets=secrets) as a, \
                B.streamlit_server(env, tmp_path / "b.log", secrets=secrets) as b:
            yield a, b, db, tmp_path


def session(browser):
    context = browser.new_context(viewport=B.VIEWPORT, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def no_exception(page, log: Path) -> None:
    errors = B.exceptions(page)
    assert not errors, "\n".join(errors) + "\n--- server log ---\n" + log.read_text(errors="replace")[-4000:]


def test_two_instances_on_one_postgresql_store_agree(browser, instances):
    url_a, url_b, db, work = instances
    assert url_a != url_b
    (ctx_a, a), (ctx_b, b) = session(browser), session(browser)
    try:
        B.sign_in_with_password(a, url_a, "ada", PASSWORD)
        B.sign_in_with_password(b, url_b, "mette", PASSWORD)
        assert "5 af 6" in b.get_by_test_id("stMetricValue").all_inner_texts()

        # --- An upload through A ... ------------------------------------------------------------
        B.go_to(a, "Upload", "Upload af kompetenceark")
        paths = []
        for f in B.RENGORING_FILES:
            paths.append(work / f["name"])
            paths[-1].write_bytes(f["buffer"])
        a.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(paths)
        a.get_by_text("Ingen fejl eller advarsler.").nth(1).wait_for()
        B.wait_ready(a)
        a.get_by_role("button", name=re.compile(r"^\W*Gem$")).click()
        a.get_by_test_id("stAlertContentSuccess").filter(has_text="Gemt som import nr.").wait_for()
        no_exception(a, work / "a.log")

        # --- ... is shown by B on its next run (a click on the menu) -----------------------------
        B.go_to(b, B.HOME, "Overblik over arbejdsmiljøkompetencerne")
        # B was on the overview already: its heading is there before the click's run has begun.
        try:
            B.wait_for_text(b, r"(^|\D)6 af 7", timeout=15_000)
        except AssertionError:
            pass  # the assertion below says what B shows
        assert "6 af 7" in b.get_by_test_id("stMetricValue").all_inner_texts(), "B does not show A's upload"
        no_exception(b, work / "b.log")

        # --- Status edits through both at the same moment ----------------------------------------
        # (A password sign-in lasts one browser session: move by the menu, not by address.)
        for page, department in ((a, "Kantine"), (b, "Salg")):  # 2026: two and one actions Planlagt
            B.go_to(page, "Handleplan", "Handleplan")
            B.choose(page, "Afdelinger", department, area="stSidebar")
            B.choose(page, "Status", "Planlagt")
        before = {e["id"] for e in Store(db).audit_log()}
        choice_a = B.open_row_editor(a, STATUS_COLUMN, "Gennemført")
        choice_b = B.open_row_editor(b, STATUS_COLUMN, "Gennemført")
        choice_a.click()  # both lists are open: the two choices go out back to back
        choice_b.click()
        for choice in (choice_a, choice_b):
            try:
                choice.wait_for(state="hidden", timeout=5_000)
            except Exception:  # a click the busy list did not take: choose again
                B.pick(choice)
        B.wait_for_text(a, r"(^|\D)1 handling")
        B.wait_for_text(b, r"Ingen handlinger for de valgte filtre|(^|\D)0 handling")
        no_exception(a, work / "a.log")
        no_exception(b, work / "b.log")

        edits = [e for e in Store(db).audit_log() if e["id"] not in before]
        assert sorted((e["action"], e["user"], e["details"]["department"], e["details"]["old"], e["details"]["new"])
                      for e in edits) == [("status", "ada", "Kantine", "Planlagt", "Gennemført"),
                                          ("status", "mette", "Salg", "Planlagt", "Gennemført")]
        plan = Store(db).current(year=2026)["handleplan"]
        done = set(plan.loc[plan["status"] == "Gennemført", "id"])
        assert {e["details"]["action_id"] for e in edits} <= done, "an edit was lost"

    finally:
        ctx_a.close()
        ctx_b.close()
