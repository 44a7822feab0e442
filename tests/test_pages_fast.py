"""The pages' speed-ups show the same thing: narrow loads, cached chart dicts, cached tables.

- Every figure set a page loads with only some columns (``amo_ui.COUNT_COLUMNS``) equals the
  same set computed from every column, on the sample data and on a store with several spellings,
  missing values and unknown areas, for every year, "Alle år" and chosen departments.
- A chart cached as its dict reaches the browser exactly as the figure itself would.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io
import pytest
from streamlit.testing.v1 import AppTest

import amo_ui as ui
from amo_data import metrics
from amo_data.cli import main as cli
from amo_data.store import Store
from amo_data.validate import check_bytes
from amo_data.workbook import write_workbook

TODAY = "2026-11-26"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setenv("AMO_TODAY", TODAY)


def _compute(store: Store, name: str, year: int | None, departments: tuple[str, ...], args: tuple,
             narrow: bool) -> dict:
    """What ``ui.figures(name, …)`` computes, without Streamlit's cache; every column when not ``narrow``."""
    names, columns, fn = ui.figure_function(name)
    if not names:
        return fn(lambda other, *more: _compute(store, other, year, departments, more, narrow), *args)
    data = store.current_tables(names, year=year, columns=columns if narrow else None)
    # The pages filter the year in SQL only; every column and both filters is the reference.
    view = metrics.filter_tables(data, year=year if (not narrow or "uddannelse" in names) else None,
                                 departments=departments or None)
    return fn(view, *args)


def _same(a, b, where: str) -> None:
    assert type(a) is type(b), where
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), obj=where)
        assert list(a.index) == list(b.index) or a.index.name == "department", where
    elif isinstance(a, dict) and {"data", "layout"} <= a.keys():  # a chart: what Streamlit sends
        assert plotly.io.to_json(a, validate=False) == plotly.io.to_json(b, validate=False), where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _same(a[key], b[key], f"{where}.{key}")
    else:
        assert a == b, where


# (figure set, its page choices) for every set that loads fewer columns or derives from one.
NARROW_SETS = [
    ("overview", lambda year: (year, pd.Timestamp(TODAY).date())),
    ("compare_counts", lambda year: ()),
    ("compare", lambda year: ("needs",)),
    ("compare", lambda year: ("need_share",)),
    ("compare_chosen", lambda year: (("Lager", "Produktion"), "lykkes")),
]


def _check_every_choice(store: Store) -> None:
    departments = store.departments()
    for year in [None, *store.years()]:
        for chosen in [(), tuple(departments[:2]), (departments[-1].upper(),)]:
            for name, args in NARROW_SETS:
                where = f"{name} year={year} departments={chosen}"
                _same(_compute(store, name, year, chosen, args(year), narrow=True),
                      _compute(store, name, year, chosen, args(year), narrow=False), where)


def test_narrow_loads_give_the_figures_of_every_column_on_the_sample_data():
    assert cli(["seed-sample"]) == 0
    _check_every_choice(Store())


def _odd_store() -> Store:
    """Departments in two cases, missing help and status, unknown areas, 'Snarest', a year without plans."""
    store = Store()
    ark = pd.DataFrame({
        "department": ["Lager", "lager", "Produktion", "Kantine", "Kantine", "Æblehuset"],
        "year": pd.Series([2025, 2026, 2026, 2026, 2024, 2026], dtype="int64"),
        "date": [None] * 6,
        "area": ["Psykisk arbejdsmiljø", "Ergonomi", "Noget helt andet", "Ergonomi", "Kemi", "Ergonomi"],
        "category": ["Brug for at styrke", "Lykkes", "Brug for at styrke", "Vigtig opgave", "Lykkes",
                     "Brug for at styrke"],
        "description": ["a", "b", "c", "d", "e", "f"],
        "help": ["Egen kompetenceudvikling", None, "Hjælp udefra", None, None, "Hjælp indefra"],
        "rating": pd.Series([1, None, 5, None, 3, None], dtype="Int64"),
        "role": [None] * 6,
    })
    plan = pd.DataFrame({
        "department": ["Lager", "Produktion", "Kantine"],
        "year": pd.Series([2026, 2026, 2025], dtype="int64"),
        "date": [None] * 3, "what": ["x", "y", "z"], "area": ["Ergonomi", "Noget helt andet", "Kemi"],
        "why": [None] * 3, "how": [None] * 3,
        "help": ["Egen kompetenceudvikling", "Hjælp udefra", "Hjælp indefra"],
        "when": ["Snarest", "3. kvartal 2026", "1. kvartal 2025"], "quarter": [None, "2026-Q3", "2025-Q1"],
        "urgent": [True, False, False], "who": [None] * 3, "follow_up": [None] * 3,
        "status": ["Ikke startet", None, "Gennemført"],
    })
    buffer = io.BytesIO()
    write_workbook({"arbejdsark": ark, "handleplan": plan}, buffer)
    result = check_bytes("odd.xlsx", buffer.getvalue())
    assert result.ok, result.errors
    store.import_results([result], user="test")
    return store


def test_narrow_loads_give_the_figures_of_every_column_on_odd_data():
    _check_every_choice(_odd_store())


def test_a_cached_chart_dict_reaches_the_browser_as_the_figure_itself():
    def page(as_dict: bool):
        import plotly.graph_objects as go

        import amo_ui as ui

        fig = go.Figure(go.Bar(x=["Ergonomi", "Kemi"], y=[3, 1], name="Behov"))
        fig.update_layout(title="Behov pr. område", barmode="stack")
        ui.chart(ui.figure_spec(fig) if as_dict else fig)

    shown = []
    for as_dict in (False, True):
        at = AppTest.from_function(page, kwargs={"as_dict": as_dict}).run()
        assert not at.exception
        shown.append(at.get("plotly_chart")[0].proto)
    figure, spec = shown
    assert (spec.spec, spec.config, spec.id) == (figure.spec, figure.config, figure.id)
    assert json.loads(spec.spec)["data"][0]["y"] == [3, 1]


def test_a_chart_dict_is_not_changed_by_showing_it():
    from amo_ui.views import _Finished

    fig = go.Figure(go.Bar(x=[1], y=[2], uid="keep"))
    spec = ui.figure_spec(fig)
    before = json.dumps(spec, sort_keys=True)
    assert plotly.io.to_json(_Finished(spec), validate=False) == plotly.io.to_json(fig, validate=False)
    assert json.dumps(spec, sort_keys=True) == before  # the cached dict is shown again next time


# --- the data version is read once per page run -------------------------------------------------

GOOD = ("Afdeling;År;Hvad;Område;Hjælp;Hvornår;Status\n"
        "Kantine;2027;Kursus i kemisk risikovurdering;Kemi;Sagkyndig bistand;1. kvartal 2027;Planlagt\n")
APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_the_first_import_can_be_exported_in_the_same_run():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/1_Upload.py").run()
    assert "Der er endnu ingen gemte data at eksportere." in [c.value for c in at.caption]
    at.file_uploader[0].set_value(("kantine-plan.csv", GOOD.encode("cp1252"), "text/csv")).run()
    [save] = [b for b in at.button if b.label == "Gem"]
    save.click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Hent de gemte data som Excel" in [b.label for b in at.get("download_button")]


def test_a_change_made_elsewhere_shows_on_the_next_run():
    assert cli(["seed-sample"]) == 0
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/3_Handleplan.py").run()
    plan = Store().current()["handleplan"]
    shown = at.data_editor[0].value
    row = next(i for i, s in enumerate(shown["Status"]) if s not in ("Gennemført", "Aflyst"))
    [action] = plan.loc[(plan["what"] == shown["Hvad"].iloc[row]) & (plan["department"] == shown["Afdeling"].iloc[row])
                        & (plan["year"] == 2026), "id"]
    Store().set_action_status(int(action), "Aflyst", user="andet vindue")  # another process
    at.run()
    assert not at.exception
    assert at.data_editor[0].value["Status"].iloc[row] == "Aflyst"  # the editor shows the new data


# --- the Handleplan editor shows long selections a page at a time ------------------------------

def _many_actions(n: int) -> pd.DataFrame:
    """``n`` actions of 2026 (three departments, quarters 1-4) through the real import path."""
    result = check_bytes("mange.xlsx", _many_actions_file(n))
    assert result.ok, result.errors[:3]
    Store().import_results([result], user="test")
    return Store().current()["handleplan"]


def _many_actions_file(n: int) -> bytes:
    """A workbook of ``n`` actions of 2026 (three departments, quarters 1-4)."""
    plan = pd.DataFrame({
        "department": [("Lager", "Kantine", "Produktion")[i % 3] for i in range(n)],
        "year": pd.Series([2026] * n, dtype="int64"), "date": [None] * n,
        "what": [f"Handling {i + 1:03d}" for i in range(n)], "area": ["Ergonomi"] * n,
        "why": [None] * n, "how": [None] * n,
        "help": [("Egen kompetenceudvikling", "Hjælp indefra")[i % 2] for i in range(n)],
        "when": [f"{i % 4 + 1}. kvartal 2026" for i in range(n)],
        "quarter": [f"2026-Q{i % 4 + 1}" for i in range(n)], "urgent": [False] * n,
        "who": [None] * n, "follow_up": [None] * n, "status": ["Planlagt"] * n,
    })
    buffer = io.BytesIO()
    write_workbook({"handleplan": plan}, buffer)
    return buffer.getvalue()


def _pagers(at: AppTest) -> list:
    return [s for s in at.selectbox if s.label == "Vis handlinger"]


def _editor_rows(at: AppTest) -> list[str]:
    """The 'Hvad' column of the status editor as the browser gets it."""
    [editor] = [e for e in at.dataframe if e.proto.editing_mode]
    return list(editor.value["Hvad"])


def test_a_long_plan_is_edited_a_page_of_100_actions_at_a_time():
    plan = _many_actions(250)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/3_Handleplan.py").run()
    [pager] = _pagers(at)
    assert pager.options == ["1–100 af 250", "101–200 af 250", "201–250 af 250"]
    order = list(metrics.select_actions(plan)["what"])
    assert _editor_rows(at) == order[:100]
    # The overdue list (quarters 1-3 of 2026 are over on 26-11-2026) is paged the same way.
    overdue = metrics.overdue_actions(plan, TODAY)
    assert len(overdue) == 188 and f"Overskredne ({len(overdue)})" in [h.value for h in at.subheader]
    [overdue_pager] = [s for s in at.selectbox if s.label == "Vis overskredne"]
    assert overdue_pager.options == ["1–100 af 188", "101–188 af 188"]
    overdue_pager.set_value(1).run()
    [table] = [d.value for d in at.dataframe if not d.proto.editing_mode and "Hvem" in d.value.columns]
    assert list(table["Hvad"]) == list(overdue["what"])[100:]
    assert not [s for s in at.selectbox if s.label == "Vis hastende"]  # no urgent action: no pager
    pager.set_value(2).run()
    assert _pagers(at)[0].value == 2
    assert _editor_rows(at) == order[200:]
    # An edit on the third page changes the action shown there, and the page stays.
    key = at.session_state["_plan_editor_key"]
    at.session_state[key] = {"edited_rows": {0: {"Status": "Gennemført"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    done = Store().current()["handleplan"]
    assert list(done.loc[done["status"] == "Gennemført", "what"]) == [order[200]]
    assert _editor_rows(at) == order[200:] and _pagers(at)[0].value == 2
    # Another selection starts at its first page; a short one has no pager.
    _choose(at, "Status", ["Planlagt"])
    assert _editor_rows(at) == [w for w in order if w != order[200]][:100] and _pagers(at)[0].value == 0
    _choose(at, "Hjælp", ["Hjælp indefra"])  # 124 of the 249 planned: still two pages
    assert len(_editor_rows(at)) == 100 and _pagers(at)[0].options[-1] == "101–124 af 124"
    _choose(at, "Kvartal", ["2026-Q2"])  # Hjælp indefra in Q2: every 4th of them, one page
    indefra_q2 = plan.loc[(plan["help"] == "Hjælp indefra") & (plan["quarter"] == "2026-Q2")
                          & (plan["what"] != order[200])]
    assert not _pagers(at) and sorted(_editor_rows(at)) == sorted(indefra_q2["what"])


def _choose(at: AppTest, label: str, values: list[str]) -> None:
    [box] = [m for m in at.multiselect if m.label == label]
    box.set_value(values).run()
    assert not at.exception, [e.message for e in at.exception]


# --- history, audit log and erasure read through the data-version caches ----------------------

def test_an_erased_department_leaves_the_revisionslog_and_every_cache_at_once():
    assert cli(["seed-sample"]) == 0
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/7_Revisionslog.py").run()
    box = at.selectbox(key="erase_department")
    assert "Lager" in box.options
    audit_rows = len(at.dataframe[0].value)
    box.set_value("Lager").run()
    at.checkbox(key="erase_department_ok").check().run()
    at.button(key="erase_department_button").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Lager" not in at.selectbox(key="erase_department").options
    log = at.dataframe[0].value
    assert len(log) == audit_rows + 1 and log.iloc[0]["Handling"] == "Sletning af afdeling"
    at.switch_page("pages/3_Handleplan.py").run()
    assert "Lager" not in at.sidebar.multiselect(key="departments").options
    shown = [e for e in at.dataframe if e.proto.editing_mode][0].value
    assert "Lager" not in set(shown["Afdeling"])


def test_the_upload_history_shows_a_new_import_in_the_same_run():
    assert cli(["seed-sample"]) == 0
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/1_Upload.py").run()
    before = len(at.dataframe[0].value)
    at.file_uploader[0].set_value(("kantine-plan.csv", GOOD.encode("cp1252"), "text/csv")).run()
    [b for b in at.button if b.label == "Gem"][0].click().run()
    history = [d.value for d in at.dataframe if "Tilstand" in d.value.columns][0]
    assert len(history) == before + 1 and history.iloc[0]["Filer"] == "kantine-plan.csv"
    undo = at.selectbox(key="undo_batch")
    # The new import is the one offered first, named so nobody undoes another by mistake.
    assert undo.value == history.iloc[0]["Nr."]
    assert undo.options[0].startswith(f"Nr. {history.iloc[0]['Nr.']} · ") and undo.options[0].endswith(
        "kantine-plan.csv")


def test_a_plan_of_thousands_of_actions_counts_them_the_danish_way():
    _many_actions(1_200)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/3_Handleplan.py").run()
    assert not at.exception
    assert any(m.value.startswith("1.200 handlinger.") for m in at.markdown), [m.value for m in at.markdown][:5]
    assert _pagers(at)[0].options[0] == "1–100 af 1.200"


def test_a_checked_file_of_thousands_of_rows_counts_them_the_danish_way():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/1_Upload.py").run()
    at.file_uploader[0].set_value(("mange.xlsx", _many_actions_file(1_200), ui.XLSX_MIME)).run()
    assert not at.exception
    assert [m.value for m in at.metric if m.label == "Rækker i Handleplan"] == ["1.200"]
