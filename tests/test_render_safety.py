"""User text is shown literally, never as HTML or Markdown; CSV exports cannot run formulas;
the upload cap equals the core's (issue 6, input hardening).

A point containing ``<script>`` or ``**`` must show exactly those characters: in Markdown-based
elements (markdown, captions, alerts, headings) it must arrive escaped, in tables it is literal.
"""

from __future__ import annotations

import io
import json
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from amo_data.export import csv_bytes
from amo_data.store import Store
from amo_data.validate import check_bytes

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TODAY = "2026-11-26"

SCRIPT = "<script>alert(1)</script>"
BOLD = "**fed**"
LINK = "[link](http://x)"
TAG = "<b>x</b>"
HOSTILE = (SCRIPT, BOLD, LINK, TAG)

# Departments: one per hostile text; "**fed** afdeling" has only an action plan, so it is
# listed among the departments without a yearly discussion (a Markdown alert on the overview).
DEPT_SCRIPT = f"Lager {SCRIPT}"
DEPT_BOLD = f"{BOLD} afdeling"
DEPT_LINK = f"Kontor {LINK}"
DEPT_TAG = f"Værksted {TAG}"
AREA = f"Område {TAG}"  # an unknown area is kept as written (a warning)

ARK = [
    (DEPT_SCRIPT, "Ergonomi", "Brug for at styrke", f"Løft {SCRIPT}", "Udefra"),
    (DEPT_SCRIPT, "Psykisk", "Lykkes", f"Trivsel {BOLD}", ""),
    (DEPT_LINK, AREA, "Vigtig opgave", f"Se {LINK}", ""),
    (DEPT_TAG, "Støj", "Brug for at styrke", f"Høreværn {TAG}", "Egen"),
    (DEPT_TAG, AREA, "Lykkes", f"{BOLD} {SCRIPT} {LINK} {TAG}", ""),
]
PLAN = [
    (DEPT_BOLD, "Ergonomi", f"Kursus {BOLD}", f"Fordi {SCRIPT}", f"Sådan {LINK}", "Egen", "1. kvartal 2026",
     f"AMR {TAG}", "Planlagt"),  # overdue on 2026-11-26
    (DEPT_SCRIPT, "Støj", f"Måling {SCRIPT}", "", "", "Udefra", "Snarest", f"Leder {BOLD}", "Ikke startet"),
    (DEPT_TAG, AREA, f"Plan {TAG}", f"{LINK}", "", "Indefra", "4. kvartal 2026", "", "I gang"),
]
TRAINING = [
    (DEPT_SCRIPT, "AMR", f"Kursus {SCRIPT}", "7,4", "2. kvartal 2026", "Gennemført", f"AB {BOLD}"),
    (DEPT_TAG, "Arbejdsleder", f"Kursus {BOLD} {TAG}", "14,8", "3. kvartal 2026", "Tilmeldt", LINK),
]


def _csv(header: list[str], rows: list[tuple]) -> bytes:
    lines = [";".join(header)] + [";".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def hostile_files() -> list[tuple[str, bytes]]:
    return [
        ("arbejdsark.csv", _csv(["Afdeling", "År", "Område", "Kategori", "Beskrivelse", "Hjælp"],
                                [(d, "2026", a, c, t, h) for d, a, c, t, h in ARK])),
        ("handleplan.csv", _csv(["Afdeling", "År", "Område", "Hvad", "Hvorfor", "Hvordan", "Hjælp", "Hvornår",
                                 "Hvem", "Status"], [(r[0], "2026", *r[1:]) for r in PLAN])),
        ("uddannelse.csv", _csv(["Afdeling", "Rolle", "Kursus", "Timer", "Hvornår", "Status", "Navn"], TRAINING)),
    ]


@pytest.fixture
def hostile_store(monkeypatch):
    monkeypatch.setenv("AMO_TODAY", TODAY)
    results = [check_bytes(name, data) for name, data in hostile_files()]
    for r in results:
        assert r.ok, [p.message for p in r.errors]
    store = Store()  # AMO_DATABASE_URL: a fresh store per test (tests/conftest.py)
    outcome = store.import_results(results, user="test")
    assert outcome.batch_id is not None
    return store


def _texts(at: AppTest) -> list[tuple[str, str]]:
    """(kind, text) of every element whose text Streamlit renders as Markdown."""
    out = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader",
                 "exception", "toast"):
        for element in at.get(kind):
            value = getattr(element, "value", None)
            if value is None:
                value = getattr(element.proto, "body", "") or getattr(element.proto, "message", "")
            out.append((kind, str(value)))
    for kind in ("metric", "expander", "tab", "radio", "checkbox", "toggle", "selectbox", "multiselect",
                 "button", "download_button"):
        for element in at.get(kind):
            label = getattr(element.proto, "label", "")
            out.append((kind + " label", str(label)))
    for radio in at.get("radio"):  # radio options are Markdown too
        out += [("radio option", str(o)) for o in radio.proto.options]
    return out


def _assert_nothing_raw(at: AppTest, page: str) -> str:
    assert not at.exception, [e.message for e in at.exception]
    raw = [(kind, text) for kind, text in _texts(at) if any(h in text for h in (*HOSTILE, "**fed** <b>", "[y](z)"))]
    assert not raw, f"{page}: user text would be rendered as Markdown/HTML: {raw}"
    return "\n".join(text for _, text in _texts(at))


def _frames(at: AppTest) -> list[pd.DataFrame]:
    return [df.value for df in at.dataframe]


def _cells(at: AppTest) -> set[str]:
    return {str(v) for df in _frames(at) for col in df.columns for v in df[col].tolist()}


def _open(page: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if page:
        at.switch_page(page)  # opened by its address
    at.run()
    return at


PAGES = [None, "pages/2_Styrker_og_behov.py", "pages/3_Handleplan.py", "pages/4_Sammenlign_afdelinger.py",
         "pages/5_Uddannelse.py"]


@pytest.mark.parametrize("page", PAGES, ids=["Overblik", "Styrker", "Handleplan", "Sammenlign", "Uddannelse"])
def test_pages_show_hostile_user_text_literally(page, hostile_store):
    at = _open(page)
    shown = _assert_nothing_raw(at, page or "app.py")
    if page is None:
        # The department without a discussion is named in a Markdown alert: escaped there.
        assert r"\*\*fed\*\* afdeling" in shown
    if page == "pages/2_Styrker_og_behov.py":
        at.selectbox(key="words_area").set_value(AREA).run()
        _assert_nothing_raw(at, page)
        cells = _cells(at)
        assert f"{BOLD} {SCRIPT} {LINK} {TAG}" in cells  # literally, in a table
        assert f"Se {LINK}" in cells
    if page == "pages/3_Handleplan.py":
        cells = _cells(at)  # the action editor and the overdue/urgent tables
        assert f"Måling {SCRIPT}" in cells and f"Kursus {BOLD}" in cells
    if page == "pages/5_Uddannelse.py":
        assert f"Kursus {BOLD} {TAG}" in _cells(at)


@pytest.mark.parametrize("page", PAGES, ids=["Overblik", "Styrker", "Handleplan", "Sammenlign", "Uddannelse"])
def test_a_chosen_hostile_department_is_named_literally(page, hostile_store):
    # The caption, the discussion line and the note for a year without rows name the chosen
    # department (Markdown): "**fed** afdeling" has no Arbejdsark rows, so most pages say so.
    at = _open(page)
    for department in (DEPT_BOLD, DEPT_LINK):
        at.sidebar.multiselect(key="departments").set_value([department]).run()
        _assert_nothing_raw(at, page or "app.py")


def test_no_page_renders_raw_html():
    sources = [ROOT / "app.py", *sorted((ROOT / "amo_ui").glob("*.py")), *sorted((ROOT / "pages").glob("*.py"))]
    assert len(sources) >= 3
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"unsafe_allow_html\s*=\s*True", text), path.name
        assert "st.html(" not in text and "components.html(" not in text, path.name


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


@pytest.mark.parametrize("page", PAGES, ids=["Overblik", "Styrker", "Handleplan", "Sammenlign", "Uddannelse"])
def test_charts_show_hostile_user_text_literally(page, hostile_store):
    """Plotly renders a subset of HTML (<b>, <i>, <br>, <a href>) in labels, hover texts and
    titles; user text must reach a chart escaped (&lt;b&gt;), so it shows as typed."""
    at = _open(page)
    assert not at.exception
    raw = []
    for i, chart in enumerate(at.get("plotly_chart")):
        spec = json.loads(chart.proto.spec)
        for s in _strings(spec.get("data", [])) + _strings(spec.get("layout", {})):
            if SCRIPT in s or TAG in s:
                raw.append((i, s[:120]))
    assert not raw, f"{page or 'app.py'}: user text reaches a chart as HTML: {raw[:6]}"


# --- CSV export and upload cap -------------------------------------------------------------------


def test_csv_export_neutralises_formula_like_cells():
    df = pd.DataFrame({
        "Beskrivelse": ["=HYPERLINK(\"http://x\",\"klik\")", "+45 12 34 56 78", "-2+3", "@SUM(A1)", "Almindelig tekst",
                        " =ikke først", None],
        "Antal": [1, 2, 3, 4, 5, 6, 7],
        "=Kolonne": ["a", "b", "c", "d", "e", "f", "g"],
    })
    text = csv_bytes(df).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].split(";") == ["Beskrivelse", "Antal", "'=Kolonne"]
    # Numbers stay numbers.
    assert [line.rsplit(";", 2)[1] for line in lines[1:]] == ["1", "2", "3", "4", "5", "6", "7"]
    # Read back as a spreadsheet program would: each formula-like cell starts with an apostrophe,
    # nothing else changed.
    back = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    assert back["Beskrivelse"].tolist() == ["'=HYPERLINK(\"http://x\",\"klik\")", "'+45 12 34 56 78", "'-2+3",
                                            "'@SUM(A1)", "Almindelig tekst", " =ikke først", ""]
    assert back["=Kolonne".join(["'", ""])].tolist() == list("abcdefg")


def test_csv_export_neutralises_negative_numbers_stored_as_text():
    df = pd.DataFrame({"Timer": ["-1", "=1+1"]})
    assert csv_bytes(df).decode("utf-8-sig").splitlines()[1:] == ["'-1", "'=1+1"]


def test_the_upload_cap_has_one_home():
    # AMO_MAX_UPLOAD_MB (amo_data.reader): the app sets Streamlit's cap from it
    # (tests/test_upload_page.py); a second number in config.toml could only contradict it.
    config = ROOT / ".streamlit" / "config.toml"
    assert config.is_file(), ".streamlit/config.toml is missing"
    settings = tomllib.loads(config.read_text(encoding="utf-8"))
    assert "maxUploadSize" not in settings["server"]


def test_upload_shows_a_hostile_file_name_and_values_literally(monkeypatch):
    monkeypatch.setenv("AMO_TODAY", TODAY)
    name = f"{BOLD} <b>x [y](z).csv"  # a file name cannot hold "/", so no closing tag
    data = _csv(["Afdeling", "År", "Område", "Kategori", "Beskrivelse"],
                [(DEPT_SCRIPT, "2026", "Ergonomi", SCRIPT, f"Punkt {LINK}")])
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/1_Upload.py").run()
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    shown = _assert_nothing_raw(at, "pages/1_Upload.py")
    assert r"\*\*fed\*\* \<b\>x \[y\]\(z\)\.csv" in shown  # the file name, escaped in its Markdown heading
    errors = at.dataframe[0].value
    assert SCRIPT in errors["Værdi"].tolist()  # the offending value, literally, in the table
    assert Store().history() == []
