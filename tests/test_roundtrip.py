"""Export round trip (issue: "export → import into an empty store gives identical figures").

Random valid data is written as a workbook, checked and imported into store A; A's export is
checked and imported into an empty store B; both stores then hold the same rows and give the
same `summary`. Formula-like text comes back exactly and is never written as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from amo_data import summary, vocab
from amo_data.schema import CANONICAL
from amo_data.store import Store
from amo_data.validate import check_bytes
from amo_data.workbook import write_workbook

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 26)

DEPARTMENTS = ["Lager", "Kantine", "Værksted", "Ærø afdeling", "=Lager", "-Salg", "@drift", "+45 Kontor"]
ALPHABET = "abcæøåABCÆØÅ 0123456789=+-@.,;:!?\"'()/%&<>*_#\\"


def _text(min_size=1):
    return st.text(alphabet=ALPHABET, min_size=min_size, max_size=30).filter(lambda s: s.strip() != "")


optional_text = st.one_of(st.none(), _text())
years = st.integers(2020, 2028)
dates = st.dates(dt.date(2020, 1, 1), dt.date(2028, 12, 31))
areas = st.sampled_from([*vocab.areas().values, "Vold og trusler"])


@st.composite
def ark_row(draw):
    category = draw(st.sampled_from(vocab.CATEGORY.values))
    date = draw(st.one_of(st.none(), dates))
    return {"department": draw(st.sampled_from(DEPARTMENTS)), "year": draw(years), "date": date,
            "area": draw(areas), "category": category, "description": draw(_text()),
            "help": draw(st.sampled_from([None, *vocab.HELP.values])) if category == vocab.BRUG_FOR_AT_STYRKE else None,
            "rating": draw(st.one_of(st.none(), st.integers(1, 5))), "role": draw(optional_text)}


@st.composite
def plan_row(draw):
    year = draw(years)
    date = draw(st.one_of(st.none(), dates))
    if draw(st.booleans()):
        q = draw(st.integers(1, 4))
        qy = draw(st.sampled_from([year, year + 1]))
        when, quarter, urgent = f"{q}. kvartal {qy}", f"{qy}-Q{q}", False
    else:
        when, urgent = draw(st.sampled_from(["Snarest", "Straks", "ASAP"])), True
        quarter = f"{date.year}-Q{(date.month - 1) // 3 + 1}" if date else f"{year}-Q1"
    return {"department": draw(st.sampled_from(DEPARTMENTS)), "year": year, "date": date, "what": draw(_text()),
            "area": draw(areas), "why": draw(optional_text), "how": draw(optional_text),
            "help": draw(st.sampled_from(vocab.HELP.values)), "when": when, "quarter": quarter, "urgent": urgent,
            "who": draw(optional_text), "follow_up": draw(optional_text),
            "status": draw(st.sampled_from(vocab.STATUS.values))}


@st.composite
def training_row(draw):
    year, q = draw(years), draw(st.integers(1, 4))
    hours = draw(st.one_of(st.none(), st.sampled_from([0.0, 7.4, 11.1, 14.8, 22.2, 3.0])))
    return {"department": draw(st.sampled_from(DEPARTMENTS)),
            "role": draw(st.sampled_from(vocab.TRAINING_ROLE.values)), "name": draw(optional_text),
            "joined": draw(st.one_of(st.none(), dates)), "course": draw(_text()), "hours": hours,
            "when": f"Q{q} {year}", "year": year, "quarter": f"{year}-Q{q}",
            "status": draw(st.sampled_from(vocab.TRAINING_STATUS.values))}


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(CANONICAL[table]))


def _workbook(tables: dict[str, pd.DataFrame]) -> bytes:
    buf = io.BytesIO()
    write_workbook(tables, buf)
    return buf.getvalue()


def _import(store: Store, name: str, data: bytes):
    result = check_bytes(name, data)
    assert result.ok, [p.message for p in result.errors]
    return store.import_results([result], user="test")


def _rows(current: dict[str, pd.DataFrame]) -> dict[str, list]:
    """Current rows without ids, in a stable order (what a user could tell apart)."""
    out = {}
    for table, df in current.items():
        records = df.drop(columns="id").astype(object).where(df.drop(columns="id").notna(), None)
        out[table] = sorted(map(repr, records.to_dict("records")))
    return out


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ark=st.lists(ark_row(), max_size=25), plan=st.lists(plan_row(), max_size=15),
       training=st.lists(training_row(), max_size=10))
def test_export_then_import_into_an_empty_store_gives_the_same_data_and_figures(tmp_path_factory, ark, plan, training):
    folder = tmp_path_factory.mktemp("rt")
    a, b = Store(f"sqlite:///{folder / 'a.sqlite'}"), Store(f"sqlite:///{folder / 'b.sqlite'}")
    tables = {"arbejdsark": _frame("arbejdsark", ark), "handleplan": _frame("handleplan", plan),
              "uddannelse": _frame("uddannelse", training)}
    _import(a, "tilfældig.xlsx", _workbook(tables))
    _import(b, "eksport.xlsx", _workbook(a.current()))
    in_a, in_b = a.current(), b.current()
    assert _rows(in_b) == _rows(in_a)
    for year in (None, 2026):
        assert summary.summary(in_b, year=year, today=TODAY) == summary.summary(in_a, year=year, today=TODAY)
    a.close()
    b.close()


def test_formula_like_text_is_stored_and_exported_as_text(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    risky = ["=SUM(A1:A9)", "+45 12 34 56 78", "-virker ikke", "@bruger", '=HYPERLINK("http://x","klik")']
    plan = _frame("handleplan", [
        {"department": "Lager", "year": 2026, "date": None, "what": text, "area": "Ergonomi", "why": text,
         "how": None, "help": vocab.EGEN, "when": "3. kvartal 2026", "quarter": "2026-Q3", "urgent": False,
         "who": text, "follow_up": None, "status": vocab.PLANLAGT} for text in risky])
    _import(store, "plan.xlsx", _workbook({"handleplan": plan}))
    out = tmp_path / "eksport.xlsx"
    env_db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    proc = subprocess.run([sys.executable, "-m", "amo_data", "export", str(out), "--db", env_db],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    ws = load_workbook(out)["Handleplan"]
    headers = [c.value for c in ws[1]]
    col = headers.index("Hvad") + 1
    cells = [ws.cell(row=r, column=col) for r in range(2, 2 + len(risky))]
    assert sorted(c.value for c in cells) == sorted(risky)
    assert all(c.data_type == "s" for c in cells)  # text cells, never formulas
    back = check_bytes("eksport.xlsx", out.read_bytes())
    assert back.ok and sorted(back.tables["handleplan"]["what"]) == sorted(risky)
    assert sorted(back.tables["handleplan"]["who"]) == sorted(risky)
