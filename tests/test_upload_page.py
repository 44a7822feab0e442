"""The Upload page against what others do meanwhile: undo, and what a session keeps in memory.

Two AppTest sessions (or a session and the command line) on one store, as two people in two
browsers: an undo acts only on the import its person confirmed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from amo_data.cli import main as cli
from amo_data.store import Store
from amo_ui import XLSX_MIME

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
UPLOAD = "pages/1_Upload.py"


def plan_csv(department: str, what: str) -> bytes:
    return ("Afdeling;År;Hvad;Område;Hjælp;Hvornår;Status\n"
            f"{department};2027;{what};Kemi;Sagkyndig bistand;1. kvartal 2027;Planlagt\n").encode("cp1252")


def upload_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(UPLOAD).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def import_file(department: str, what: str) -> int:
    from amo_data.validate import check_bytes

    outcome = Store().import_results([check_bytes(f"{department}.csv", plan_csv(department, what))], user="test")
    return outcome.batch_id


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("AMO_TODAY", "2026-11-26")


def _confirm_undo(at: AppTest, batch_id: int) -> AppTest:
    at.selectbox(key="undo_batch").set_value(batch_id).run()
    [confirm] = [c for c in at.checkbox if c.label == f"Ja, fortryd import nr. {batch_id}"]
    confirm.check().run()
    assert not at.button(key="undo_button").disabled
    return at


@pytest.mark.parametrize("elsewhere", ["another session", "the command line"])
def test_an_undo_confirmed_for_an_import_undone_meanwhile_undoes_nothing_else(elsewhere):
    first, second, third = (import_file(d, "Kursus") for d in ("Kantine", "Lager", "Kontor"))
    at = _confirm_undo(upload_page(), second)  # not the newest import
    if elsewhere == "the command line":
        assert cli(["undo", str(second), "--user", "kollega"]) == 0
    else:
        other = _confirm_undo(upload_page(), second)
        other.button(key="undo_button").click().run()
        assert not other.exception
    at.button(key="undo_button").click().run()
    assert not at.exception, [e.message for e in at.exception]
    states = {b["id"]: b["state"] for b in Store().history()}
    assert states == {first: "current", second: "undone", third: "current"}, "an import nobody chose was undone"
    assert [e["action"] for e in Store().audit_log()].count("undo") == 1
    assert any(f"Import nr. {second} er allerede fortrudt" in e.value and "Intet er ændret" in e.value
               for e in at.error), [e.value for e in at.error]
    assert not [s for s in at.success if "er fortrudt" in s.value]
    # The box offers what is left, unconfirmed: no click can undo the newest import now.
    assert at.selectbox(key="undo_batch").options[0].startswith(f"Nr. {third} ")
    assert at.button(key="undo_button").disabled


def test_the_confirmation_belongs_to_the_import_it_names():
    first, second = import_file("Kantine", "Kursus"), import_file("Lager", "Kursus")
    at = _confirm_undo(upload_page(), first)
    at.selectbox(key="undo_batch").set_value(second).run()
    assert at.button(key="undo_button").disabled, "ticked for import 1, the button must not undo import 2"
    at.selectbox(key="undo_batch").set_value(first).run()
    assert at.button(key="undo_button").disabled, "back at import 1, it is confirmed anew"
    _confirm_undo(at, first).button(key="undo_button").click().run()
    assert {b["id"]: b["state"] for b in Store().history()} == {first: "undone", second: "current"}


# --- what a session keeps of a checked upload ----------------------------------------------------


def _many_actions_file(n: int) -> bytes:
    import io

    import pandas as pd

    from amo_data.workbook import write_workbook

    plan = pd.DataFrame({
        "department": ["Lager"] * n, "year": pd.Series([2026] * n, dtype="int64"), "date": [None] * n,
        "what": [f"Handling nummer {i} med en lang beskrivelse af hvad der skal ske" for i in range(n)],
        "area": ["Ergonomi"] * n, "why": ["Fordi det er vigtigt for arbejdsmiljøet"] * n, "how": [None] * n,
        "help": ["Egen kompetenceudvikling"] * n, "when": ["2. kvartal 2026"] * n, "quarter": ["2026-Q2"] * n,
        "urgent": [False] * n, "who": [None] * n, "follow_up": [None] * n, "status": ["Planlagt"] * n})
    buffer = io.BytesIO()
    write_workbook({"handleplan": plan}, buffer)
    return buffer.getvalue()


def _kept(at: AppTest) -> dict[str, int]:
    """The pickled size of each value the session keeps, but the uploader's own files."""
    import pickle

    sizes = {}
    for key in at.session_state.keys():
        value = at.session_state[key]
        if key == "uploads":  # the uploaded bytes themselves, held by Streamlit while the file is chosen
            continue
        sizes[key] = len(pickle.dumps(value))
    return sizes


def test_a_checked_upload_leaves_no_rows_in_the_session_and_saves_what_was_checked():
    data = _many_actions_file(3_000)
    at = upload_page()
    at.file_uploader[0].set_value(("mange.xlsx", data, XLSX_MIME)).run()
    assert [m.value for m in at.metric if m.label == "Rækker i Handleplan"] == ["3.000"]
    kept = _kept(at)
    assert sum(kept.values()) < 20_000, kept  # the file's name, counts, problems and digest; no rows

    at.button(key="save_uploads").click().run()  # checked again from the uploaded bytes
    assert not at.exception
    assert len(Store().current()["handleplan"]) == 3_000
    assert Store().history()[0]["files"] == ["mange.xlsx"]


# --- the upload cap: one setting, said in Danish ------------------------------------------------


@pytest.mark.parametrize("setting, limit, cap", [(None, "25", 50), ("1", "1", 2), ("40", "40", 80), ("0.5", "0,5", 2)])
def test_streamlits_upload_caps_follow_the_cores_limit(monkeypatch, setting, limit, cap):
    from streamlit import config

    if setting is None:
        monkeypatch.delenv("AMO_MAX_UPLOAD_MB", raising=False)
    else:
        monkeypatch.setenv("AMO_MAX_UPLOAD_MB", setting)
    at = upload_page()
    [uploader] = at.file_uploader
    assert uploader.label == f"Vælg en eller flere filer (Excel eller CSV, højst {limit} MB pr. fil)"
    assert uploader.proto.max_upload_size_mb == cap  # what the browser lets through
    assert config.get_option("server.maxUploadSize") == cap  # what the server's upload route takes


def test_a_file_above_the_limit_is_refused_in_danish_naming_the_limit(monkeypatch):
    monkeypatch.setenv("AMO_MAX_UPLOAD_MB", "1")
    big = plan_csv("Kantine", "Kursus") + b"Kantine;2027;" + b"x" * (3 * 2**19) + b";Kemi;Egen;1. kvartal 2027;Planlagt\n"
    at = upload_page()
    at.file_uploader[0].set_value(("stor.csv", big, "text/csv")).run()
    assert not at.exception
    [problems] = [d.value for d in at.dataframe if "Besked" in d.value.columns]
    assert list(problems["Besked"]) == ['Filen "stor.csv" er for stor (1,5 MB). Den må højst fylde 1 MB.']
    assert not [b for b in at.button if b.label == "Gem"] and Store().history() == []


# --- the page after a save, and big files ------------------------------------------------------


def test_the_first_import_can_be_exported_in_the_same_run():
    at = upload_page()
    assert "Der er endnu ingen gemte data at eksportere." in [c.value for c in at.caption]
    at.file_uploader[0].set_value(("kantine-plan.csv", plan_csv("Kantine", "Kursus"), "text/csv")).run()
    [save] = [b for b in at.button if b.label == "Gem"]
    save.click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Hent de gemte data som Excel" in [b.label for b in at.get("download_button")]


def test_the_upload_history_shows_a_new_import_in_the_same_run():
    assert cli(["seed-sample"]) == 0
    at = upload_page()
    before = len(at.dataframe[0].value)
    at.file_uploader[0].set_value(("kantine-plan.csv", plan_csv("Kantine", "Kursus"), "text/csv")).run()
    [b for b in at.button if b.label == "Gem"][0].click().run()
    history = [d.value for d in at.dataframe if "Tilstand" in d.value.columns][0]
    assert len(history) == before + 1 and history.iloc[0]["Filer"] == "kantine-plan.csv"
    undo = at.selectbox(key="undo_batch")
    # The new import is the one offered first, named so nobody undoes another by mistake.
    assert undo.value == history.iloc[0]["Nr."]
    assert undo.options[0].startswith(f"Nr. {history.iloc[0]['Nr.']} · ") and undo.options[0].endswith(
        "kantine-plan.csv")


def test_a_checked_file_of_thousands_of_rows_counts_them_the_danish_way():
    at = upload_page()
    at.file_uploader[0].set_value(("mange.xlsx", _many_actions_file(1_200), XLSX_MIME)).run()
    assert not at.exception
    assert [m.value for m in at.metric if m.label == "Rækker i Handleplan"] == ["1.200"]
