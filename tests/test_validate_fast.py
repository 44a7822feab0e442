"""The column-wise fast path of validation gives exactly the row-wise path's result.

``validate_sheets`` validates a sheet whose every data row is clean column by column (one
parser call per distinct cell, the columns mapped in C) and falls back to the row-wise path for
any sheet with something to report. These tests run both paths (``fast=False`` forces the
row-wise one) on the sample files, the malformed corpus, the template, the benchmark's
generator, the whole existing validation suite and generated sheets mixing clean and dirty
cells, and compare the whole ``FileResult``: tables (values, their types, dtypes), errors,
warnings and rejected rows. They also check that the fast path really runs on clean sheets, so
they cannot pass by always falling back.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amo_data import reader, validate, vocab
from amo_data.errors import AmoError
from amo_data.reader import RawSheet
from amo_data.schema import ARBEJDSARK, COLUMNS, HANDLEPLAN, SHEET_TITLES, UDDANNELSE
from amo_data.template import write_template
from amo_data.text import fold
from amo_data.validate import FileResult, validate_sheets

ROOT = Path(__file__).resolve().parents[1]
_ORIGINAL = validate_sheets  # the plugin below replaces the module's function in a subprocess


# --------------------------------------------------------------------------------------------
# Comparing the two paths
# --------------------------------------------------------------------------------------------


def _cells(series: pd.Series) -> list:
    """The values of a column with their types (so "1" and 1, 1 and 1.0, NaN and NA differ)."""
    out = []
    for v in series.tolist():
        if v is pd.NA:
            out.append(("NA",))
        elif isinstance(v, float) and math.isnan(v):
            out.append(("nan",))
        elif isinstance(v, float):
            out.append((float, v, math.copysign(1.0, v)))
        else:
            out.append((type(v), v))
    return out


def assert_plain(result: FileResult) -> None:
    """The columns validation hands to the store hold exactly the plain types the store stores
    without converting them (``amo_data.store`` trusts them): every canonical column, equal
    lengths, no NaN, no pandas NA."""
    from amo_data.schema import CANONICAL
    from amo_data.store import _PLAIN_TYPES

    assert result.columns is not None
    for table, columns in result.columns.items():
        assert list(columns) == list(CANONICAL[table]), table
        assert len({len(values) for values in columns.values()}) <= 1, table
        for name, values in columns.items():
            kinds = set(map(type, values))
            assert kinds <= _PLAIN_TYPES[name], (table, name, kinds)
            assert not any(isinstance(v, float) and math.isnan(v) for v in values), (table, name)


def assert_same(fast: FileResult, rows: FileResult) -> None:
    assert_plain(fast)
    assert_plain(rows)
    assert fast.file == rows.file
    assert fast.errors == rows.errors
    assert fast.warnings == rows.warnings
    assert fast.rejected == rows.rejected
    assert fast.unreadable == rows.unreadable
    assert fast.rows == rows.rows
    assert fast.tables.keys() == rows.tables.keys()
    for name in fast.tables:
        a, b = fast.tables[name], rows.tables[name]
        assert list(a.columns) == list(b.columns), name
        assert list(a.dtypes) == list(b.dtypes), name
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        for column in a.columns:
            assert _cells(a[column]) == _cells(b[column]), (name, column)


def both(name: str, sheets: list[RawSheet]) -> list[str]:
    """Validate with both paths, assert the same result; the paths the default run took."""
    paths: list[tuple[str, str]] = []
    fast = validate_sheets(name, sheets, paths=paths)
    rows_paths: list[tuple[str, str]] = []
    rows = validate_sheets(name, sheets, fast=False, paths=rows_paths)
    assert {p for _, p in rows_paths} <= {"rows"}
    assert_same(fast, rows)
    return [p for _, p in paths]


def read(name: str, data: bytes) -> list[RawSheet] | None:
    try:
        return reader.read_file(name, data)
    except AmoError:
        return None  # unreadable: validation never runs


# --------------------------------------------------------------------------------------------
# Real files
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((ROOT / "sample_data").iterdir()), ids=lambda p: p.name)
def test_sample_files_same_on_both_paths(path):
    sheets = read(path.name, path.read_bytes())
    assert sheets is not None
    both(path.name, sheets)


def test_clean_sample_sheets_take_the_fast_path():
    taken = []
    for path in sorted((ROOT / "sample_data").iterdir()):
        taken += both(path.name, read(path.name, path.read_bytes()))
    assert taken.count("fast") >= 15, taken


def _corpus() -> dict[str, bytes]:
    sys.path.insert(0, str(ROOT / "tests" / "malformed"))
    try:
        import make_corpus
    finally:
        sys.path.remove(str(ROOT / "tests" / "malformed"))
    files = {p.name: p.read_bytes() for p in (ROOT / "tests" / "malformed").iterdir()
             if p.suffix in (".xlsx", ".csv", ".docx", ".pdf")}
    files.update(make_corpus.generated())  # a million numbered empty rows, at the end and between
    return files


def test_malformed_corpus_same_on_both_paths():
    validated = 0
    for name, data in sorted(_corpus().items()):
        sheets = read(name, data)
        if sheets is not None:
            both(name, sheets)
            validated += 1
    assert validated >= 8


def test_template_same_on_both_paths():
    out = io.BytesIO()
    write_template(out)
    sheets = read("skabelon.xlsx", out.getvalue())
    assert set(both("skabelon.xlsx", sheets)) == {"fast"}


@functools.cache
def _bench_bytes() -> bytes:
    """The benchmark's generator at a small size: 96 Arbejdsark and 72 Handleplan rows."""
    sys.path.insert(0, str(ROOT))
    from bench.generate import generate

    with tempfile.TemporaryDirectory() as folder:
        return generate(Path(folder) / "bench.xlsx", departments=4, years=2, points=12, actions=9).read_bytes()


def _bench_sheets(tmp_path=None) -> list[RawSheet]:
    return read("bench.xlsx", _bench_bytes())


def test_benchmark_workbook_takes_the_fast_path(tmp_path):
    sheets = _bench_sheets(tmp_path)
    assert both("bench.xlsx", sheets) == ["fast", "fast"]
    result = validate_sheets("bench.xlsx", sheets)
    assert result.ok and not result.warnings
    assert result.rows == {"arbejdsark": 4 * 2 * 12, "handleplan": 4 * 2 * 9, "uddannelse": 0}


# Changes to a clean sheet: (sheet, [(row index, cell index, value)], the path it takes). A
# cell index None empties the whole row. Row 1 is the first data row; in the generator's
# Arbejdsark rows 1, 2, 3 are "Vigtig opgave", "Lykkes" and "Brug for at styrke" (with Hjælp).
CHANGES = [
    ("Arbejdsark", [(3, 0, None)], "rows"),  # Afdeling empty: error
    ("Arbejdsark", [(3, None, None)], "rows"),  # an empty row between data rows: warning
    ("Arbejdsark", [(5, 3, "Vold og trusler")], "rows"),  # unknown area: warning
    ("Arbejdsark", [(3, 4, "Lykkes")], "rows"),  # Hjælp on a "Lykkes" row: warning
    ("Arbejdsark", [(3, 6, "Måske")], "rows"),  # not a help type
    ("Arbejdsark", [(4, 5, "• et\n• to")], "rows"),  # two entries
    ("Arbejdsark", [(4, 5, "x" * 2001)], "rows"),  # too long
    ("Arbejdsark", [(4, 5, None)], "rows"),  # Beskrivelse empty
    ("Arbejdsark", [(4, 5, "   ")], "rows"),  # Beskrivelse only whitespace
    ("Arbejdsark", [(4, 7, 6)], "rows"),  # rating out of range
    ("Arbejdsark", [(6, 7, True)], "rows"),  # True is no rating
    ("Arbejdsark", [(4, 9, "stray")], "rows"),  # a cell beyond the header
    ("Arbejdsark", [(4, 1, "31-02-2026")], "rows"),  # not a date
    ("Arbejdsark", [(4, 2, None), (4, 1, dt.date(1999, 1, 1))], "rows"),  # År from a Dato before 2000
    ("Arbejdsark", [(4, 2, None), (4, 1, None)], "rows"),  # neither År nor Dato
    ("Arbejdsark", [(4, 2, None)], "fast"),  # År from Dato
    ("Arbejdsark", [(4, 7, "4")], "fast"),  # rating as text
    ("Arbejdsark", [(6, 2, "2024"), (7, 2, 2024), (8, 2, " 2024 ")], "fast"),  # År of several types
    ("Arbejdsark", [(4, 5, "Første linje\nanden linje")], "fast"),  # one entry over two lines
    ("Arbejdsark", [(4, 5, " luft  omkring\u00a0ord ")], "fast"),  # text that needs cleaning
    ("Arbejdsark", [(4, 0, "Afdeling 001 ")], "fast"),
    ("Arbejdsark", [(4, 3, "kemi")], "fast"),  # an area alias
    ("Arbejdsark", [(4, 8, "")], "fast"),  # Rolle empty
    ("Arbejdsark", [(-1, None, None), (-2, None, None)], "fast"),  # empty rows at the end
    ("Handleplan", [(3, 8, "3. kvartal")], "fast"),  # completed by År
    ("Handleplan", [(3, 8, "Snarest"), (4, 8, "Snarest"), (4, 2, None)], "fast"),  # by Dato, else År
    ("Handleplan", [(3, 8, "5. kvartal 2026")], "rows"),  # not a quarter
    ("Handleplan", [(3, 8, "3. kvartal"), (3, 1, None)], "rows"),  # no year for the quarter
    ("Handleplan", [(3, 8, "3. kvartal 1999")], "rows"),
    ("Handleplan", [(3, 1, None), (3, 8, "2026-Q1")], "fast"),  # År from Hvornår
    ("Handleplan", [(4, 1, dt.datetime(1905, 7, 18))], "fast"),  # 2026 typed into a date cell
    ("Handleplan", [(4, 8, dt.datetime(2026, 8, 15)), (5, 8, 46249)], "fast"),  # Hvornår as dates
    ("Handleplan", [(3, 11, "Færdig")], "fast"),  # a status alias
    ("Handleplan", [(3, 11, "Måske")], "rows"),  # not a status
    ("Handleplan", [(3, 7, None)], "rows"),  # Hjælp empty: error
    ("Handleplan", [(3, 3, None)], "rows"),  # Hvad empty: error
    ("Handleplan", [(3, 3, " Hvad  med luft ")], "fast"),
    ("Handleplan", [(3, 5, "  to   mellemrum \u00a0")], "fast"),  # Hvorfor needs cleaning
    ("Handleplan", [(3, 10, ""), (4, 6, "  ")], "fast"),  # optional texts empty
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: f"{c[0]}-{c[1][0][:2]}-{c[1][0][2]!r:.20}")
def test_changed_cells_same_on_both_paths(tmp_path, change):
    sheet_name, edits, path = change
    sheets = _bench_sheets(tmp_path)
    sheet = next(s for s in sheets if s.name == sheet_name)
    for row, column, value in edits:
        if column is None:
            sheet.rows[row] = []
        else:
            target = sheet.rows[row]
            target.extend([None] * (column + 1 - len(target)))
            target[column] = value
    taken = both("bench.xlsx", sheets)
    assert taken[[s.name for s in sheets].index(sheet_name)] == path


def test_exported_workbooks_take_the_fast_path():
    """A consultant's big history is our own export: read back, it is validated column-wise."""
    from amo_data.validate import check_path
    from amo_data.workbook import write_workbook

    for path in sorted((ROOT / "sample_data").iterdir()):
        out = io.BytesIO()
        write_workbook(check_path(path).tables, out)
        assert set(both("eksport.xlsx", read("eksport.xlsx", out.getvalue()))) == {"fast"}, path.name


# --------------------------------------------------------------------------------------------
# The whole existing validation suite, each call on both paths (a pytest plugin, subprocess)
# --------------------------------------------------------------------------------------------


_REPORT = "AMO_VALIDATE_BOTH_REPORT"


def _checking(file_name, sheets, *, fast=True, paths=None):
    sheets = list(sheets)  # check_bytes hands over the reader's sheets as they come: run both on all
    taken: list = []
    result = _ORIGINAL(file_name, sheets, fast=fast, paths=taken)
    assert_same(result, _ORIGINAL(file_name, sheets, fast=False))
    if paths is not None:
        paths.extend(taken)
    _checking.taken.extend(p for _, p in taken)
    return result


_checking.taken = []


def pytest_configure(config):  # only as a plugin: -p tests.test_validate_fast
    if os.environ.get(_REPORT):
        validate.validate_sheets = _checking


def pytest_unconfigure(config):
    if os.environ.get(_REPORT):
        taken = _checking.taken
        Path(os.environ[_REPORT]).write_text(
            json.dumps({"fast": taken.count("fast"), "rows": taken.count("rows")}))


def test_existing_validation_suite_agrees_on_both_paths(tmp_path):
    report = tmp_path / "paths.json"
    env = dict(os.environ, **{_REPORT: str(report)})
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "tests.test_validate_fast",
         "-p", "no:cacheprovider", "tests/test_validate.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    taken = json.loads(report.read_text())
    assert taken["fast"] >= 50 and taken["rows"] >= 50, taken


# --------------------------------------------------------------------------------------------
# Generated sheets
# --------------------------------------------------------------------------------------------


def test_separator_never_changes_normalisation_or_whitespace():
    """_plain_texts joins cells with "|": it must be printable, whitespace must never be
    printable (except " "), and NFC must never compose across it."""
    sep = validate._SEPARATOR
    assert sep.isprintable() and not sep.isspace() and unicodedata.combining(sep) == 0
    code = f"{ord(sep):04X}"
    for c in range(0x110000):
        char = chr(c)
        decomposition = unicodedata.decomposition(char)
        if decomposition and not decomposition.startswith("<"):
            assert code not in decomposition.split(), hex(c)
        if char != " " and (char.isspace() or re.fullmatch(r"\s", char)):
            assert not char.isprintable(), hex(c)
    assert unicodedata.is_normalized("NFC", sep)


def test_latin1_text_is_always_nfc_and_its_unprintables_are_known():
    """_plain_texts skips the NFC check for Latin-1 text and looks for unprintable bytes."""
    latin = [chr(c) for c in range(256)]
    assert validate._LATIN1_UNPRINTABLE == bytes(c for c in range(256) if not latin[c].isprintable())
    for a in latin:  # every pair: NFC composes adjacent starters only, and all are starters
        assert unicodedata.combining(a) == 0
        pairs = "".join(a + b for b in latin)
        assert unicodedata.normalize("NFC", pairs) == pairs


AREAS = list(vocab.areas().values)
NBSP = "\u00a0"
NFD = unicodedata.normalize("NFD", "Kørsel på ø")

words = st.text(alphabet="abcæøå ABC-.,•*–·\n\t" + NBSP + "\u0301\u2028|", max_size=12)
clean_words = st.text(alphabet="abcæøåABC-.,", min_size=1, max_size=12)


def spaced(text: str) -> st.SearchStrategy:
    """Clean-row variants of a valid text: the same value written with extra whitespace."""
    return st.sampled_from([text, f" {text} ", text.replace(" ", "  "), text.replace(" ", NBSP),
                            f"{text}\n", text.lower(), text.upper()])


def vocab_values(voc: vocab.Vocabulary) -> st.SearchStrategy:
    return st.sampled_from(list(voc.values) + list(voc.aliases)).flatmap(spaced)


numbers = st.sampled_from([0, 1, 3, 5, 6, -1, 2.5, 3.0, -0.0, 0.0, True, False, 2026, 2026.0, 1999,
                           46096, 46096.0, math.nan, math.inf, 10**20])
dates = st.sampled_from([dt.datetime(2026, 3, 15), dt.date(2026, 3, 15), dt.date(2024, 12, 31),
                         dt.datetime(2025, 1, 1, 13, 30), dt.date(1999, 5, 1), dt.date(2150, 1, 1),
                         dt.datetime(1905, 7, 18), dt.time(12, 0)])
junk = st.one_of(st.none(), st.just(""), st.just("   "), st.just(NBSP), numbers, dates, words)


def cells(valid: st.SearchStrategy, clean: bool) -> st.SearchStrategy:
    return valid if clean else st.one_of(valid, valid, junk)


def text_cell(clean: bool, required: bool) -> st.SearchStrategy:
    valid = st.one_of(clean_words, st.sampled_from(["Lager", "Afdeling 1", "Ca fé", NFD]).flatmap(spaced),
                      st.sampled_from(["Lager\nNord", "Ét\r\nTo", "a\u2028b", "x • y"]))
    if not required:
        valid = st.one_of(valid, st.none(), st.just(""))
    return cells(valid, clean)


years = st.sampled_from([2024, 2025.0, 2026, "2026", " 2025 ", "2024,0", dt.datetime(1905, 7, 18)])
day_cells = st.sampled_from([dt.datetime(2026, 3, 15), dt.date(2025, 6, 1), "15-03-2026", "2026-03-15",
                             "1. marts 2026", 46096, 46096.0, dt.datetime(2024, 2, 29, 0, 0)])
whens_with_year = st.sampled_from(["3. kvartal 2026", "2026-Q3", "Q3 2026", "3. kvt. 2026", "K3 2026",
                                   "2026 Q1", "4. kv 2025", dt.date(2026, 8, 15), "15-08-2026", 46249,
                                   dt.datetime(2025, 2, 1)])
whens_needing_context = st.sampled_from(["3. kvartal", "Q2", "K4", "Snarest", "ASAP", "så hurtigt som muligt"])
whens_bad = st.sampled_from(["Q5 2026", "3. kvartal 1999", "whenever", "Snarest 2026", dt.date(1950, 1, 1), 12])


@st.composite
def header(draw, table: str, clean: bool) -> list:
    """A header row: the table's columns in some order, some optional ones left out, aliases."""
    columns = list(COLUMNS[table])
    keep = [c for c in columns if c.required or draw(st.booleans())]
    if not clean and draw(st.integers(0, 5)) == 0 and keep:
        keep.remove(draw(st.sampled_from(keep)))
    if table == ARBEJDSARK and clean and not any(c.key in ("date", "year") for c in keep):
        keep.append(columns[2])
    keep = draw(st.permutations(keep))
    names = [draw(st.sampled_from(c.names)) for c in keep]
    if draw(st.integers(0, 4)) == 0:
        names.insert(draw(st.integers(0, len(names))), draw(st.sampled_from(["Noter", None])))
    return names


def _key(table: str, name: object) -> str | None:
    if name is None:
        return None
    index = {fold(n): c.key for c in COLUMNS[table] for n in c.names}
    return index.get(fold(name))


@st.composite
def arbejdsark_row(draw, keys: list, clean: bool) -> dict:
    category = draw(cells(vocab_values(vocab.CATEGORY), clean) if not clean else
                    st.sampled_from(vocab.CATEGORY.values).flatmap(spaced))
    need = clean and vocab.CATEGORY.match(category) == vocab.BRUG_FOR_AT_STYRKE
    row = {
        "department": draw(text_cell(clean, True)),
        "area": draw(cells(st.sampled_from(AREAS + ["Psykisk", "ergonomi", " Kemi "]), clean)
                     if clean else st.one_of(st.sampled_from(AREAS), st.just("Vold"), junk)),
        "category": category,
        "description": draw(text_cell(clean, True) if clean else st.one_of(
            text_cell(False, True), st.just("• et\n• to"), st.just("- a\n\n- b"), st.just("•"),
            st.just("y" * 2001), words)),
        "help": draw(st.one_of(st.none(), vocab_values(vocab.HELP)) if need else st.none() if clean
                     else st.one_of(st.none(), vocab_values(vocab.HELP), junk)),
        "rating": draw(st.sampled_from([None, 1, 2.0, "3", " 4 ", 5, "", "5,0"]) if clean
                       else st.one_of(st.sampled_from([None, 1, 2.0, "3", 5]), junk)),
        "role": draw(text_cell(clean, False)),
    }
    date = draw(st.one_of(st.none(), day_cells) if clean else st.one_of(st.none(), day_cells, junk))
    year = draw(st.one_of(st.none(), years) if clean else st.one_of(st.none(), years, junk))
    if clean:
        if "year" not in keys or ("date" in keys and draw(st.booleans())):
            year = None
        if year is None and "year" in keys and "date" not in keys:
            year = 2026
        if year is None:
            date = date or dt.date(2026, 1, 2)
    row.update(date=date, year=year)
    return row


@st.composite
def handleplan_row(draw, keys: list, clean: bool) -> dict:
    row = {
        "department": draw(text_cell(clean, True)),
        "what": draw(text_cell(clean, True)),
        "area": draw(cells(st.sampled_from(AREAS), clean)),
        "why": draw(text_cell(clean, False)),
        "how": draw(text_cell(clean, False)),
        "help": draw(cells(vocab_values(vocab.HELP), clean)),
        "who": draw(text_cell(clean, False)),
        "follow_up": draw(text_cell(clean, False)),
        "status": draw(cells(st.one_of(st.none(), vocab_values(vocab.STATUS)), clean)),
        "date": draw(cells(st.one_of(st.none(), day_cells), clean)),
        "year": draw(cells(st.one_of(st.none(), years), clean)),
    }
    if clean:
        context = row["year"] is not None and "year" in keys
        when = draw(st.one_of(whens_with_year, whens_needing_context) if context else whens_with_year)
    else:
        when = draw(st.one_of(whens_with_year, whens_needing_context, whens_bad, junk))
    row["when"] = when
    return row


@st.composite
def uddannelse_row(draw, keys: list, clean: bool) -> dict:
    return {
        "department": draw(text_cell(clean, True)),
        "role": draw(cells(vocab_values(vocab.TRAINING_ROLE), clean)),
        "name": draw(text_cell(clean, False)),
        "joined": draw(cells(st.one_of(st.none(), day_cells), clean)),
        "course": draw(text_cell(clean, True)),
        "hours": draw(cells(st.sampled_from([None, 14.8, "14,8", 7, 0, 0.0, -0.0, "0", 37.5]), clean)),
        "status": draw(cells(vocab_values(vocab.TRAINING_STATUS), clean)),
        "when": draw(whens_with_year if clean else st.one_of(whens_with_year, whens_needing_context,
                                                               whens_bad, junk)),
    }


ROWS = {ARBEJDSARK: arbejdsark_row, HANDLEPLAN: handleplan_row, UDDANNELSE: uddannelse_row}


@st.composite
def sheet(draw, table: str, clean: bool) -> RawSheet:
    head = draw(header(table, clean))
    keys = [_key(table, name) for name in head]
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        values = draw(ROWS[table]([k for k in keys if k], clean))
        row = [values.get(k) if k else None for k in keys]
        if not clean and draw(st.integers(0, 6)) == 0:
            row = [None] * len(row)  # an empty row
        if not clean and draw(st.integers(0, 8)) == 0:
            row.append(draw(st.one_of(st.none(), st.just("stray"), st.just(" "))))
        if not clean and None in keys and draw(st.integers(0, 4)) == 0:
            row[keys.index(None)] = "under no header"
        while row and row[-1] is None and draw(st.booleans()):
            row.pop()  # the reader drops trailing empty cells of some rows
        rows.append(row)
    for _ in range(draw(st.integers(0, 2))):
        rows.append(draw(st.sampled_from([[], [None], [None, " "]])))  # trailing empty rows
    leading = [[] for _ in range(draw(st.integers(0, 2)))]
    name = draw(st.sampled_from([SHEET_TITLES[table], SHEET_TITLES[table].upper()]))
    return RawSheet(name, [*leading, head, *rows])


TABLE_NAMES = [ARBEJDSARK, HANDLEPLAN, UDDANNELSE]
FAST_SETTINGS = settings(max_examples=100, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FAST_SETTINGS
@given(st.data())
def test_generated_mixed_sheets_same_on_both_paths(data):
    tables = data.draw(st.lists(st.sampled_from(TABLE_NAMES), min_size=1, max_size=3))
    sheets = [data.draw(sheet(t, clean=data.draw(st.booleans()))) for t in tables]
    both("genereret.xlsx", sheets)


@FAST_SETTINGS
@given(st.data())
def test_generated_clean_sheets_take_the_fast_path(data):
    table = data.draw(st.sampled_from(TABLE_NAMES))
    raw = data.draw(sheet(table, clean=True))
    assert both("genereret.xlsx", [raw]) == ["fast"]
    result = validate_sheets("genereret.xlsx", [raw])
    assert not result.errors


def test_mixed_number_types_in_one_column_are_parsed_apart():
    """1 == 1.0 == True: a column holding them is keyed by (type, value), as the cache is."""
    head = ["Afdeling", "År", "Område", "Kategori", "Beskrivelse", "Vurdering"]
    rows = [["A", 2026, "Ergonomi", "Lykkes", "x", 1], ["A", 2026.0, "Ergonomi", "Lykkes", "y", 1.0],
            ["A", "2026", "Ergonomi", "Lykkes", "z", True], ["A", 2026, "Ergonomi", "Lykkes", "w", "1"]]
    paths = both("f.xlsx", [RawSheet("Arbejdsark", [head, *rows])])
    result = validate_sheets("f.xlsx", [RawSheet("Arbejdsark", [head, *rows])])
    assert paths == ["rows"]  # True is no rating: an error
    assert [p.row for p in result.errors] == [4]
    rows[2][5] = 1
    assert both("f.xlsx", [RawSheet("Arbejdsark", [head, *rows])]) == ["fast"]


@pytest.mark.parametrize("rows", [[1], [32], [33], [64, 65], [96], [2, 40, 70, 90]])
@pytest.mark.parametrize("value, path", [("To\nlinjer", "fast"), (" luft ", "fast"), ("", "rows"),
                                         (None, "rows"), (7, "fast"), ("z" * 2001, "rows")])
def test_free_text_parts_same_on_both_paths(tmp_path, rows, value, path):
    """Free-text columns are checked in parts of validate._CHUNK cells: changed cells at the
    parts' edges and in several parts."""
    sheets = _bench_sheets(tmp_path)
    arbejdsark, handleplan = sheets
    assert len(arbejdsark.rows) == 97 and len(handleplan.rows) == 73 and validate._CHUNK == 32
    for row in rows:
        arbejdsark.rows[row][5] = value  # Beskrivelse
        if row < len(handleplan.rows):
            handleplan.rows[row][3] = value  # Hvad
            handleplan.rows[row][10] = value if value is None or value == "" else f"{value}?"  # Opfølgning
    plan_path = "rows" if value in ("", None) and min(rows) < len(handleplan.rows) else "fast"
    assert both("bench.xlsx", sheets) == [path, plan_path]  # Hvad may be long


# --------------------------------------------------------------------------------------------
# A workbook's sheet is validated from calamine's own cells (the reader's Grid)
# --------------------------------------------------------------------------------------------
#
# The column-wise path reads a workbook sheet's cells as calamine gives them: "" for an empty
# cell, blank text, numbers that are not finite, durations. It must give exactly what it gives
# for the sheet's normalised rows, or leave the sheet to the row-wise path.


def grid_and_rows(name: str, data: bytes) -> None:
    """Validated from the grid and from the rows (a sheet built from the rows alone), both
    paths each: one result."""
    from_grid = reader.read_file(name, data)
    assert all(s.grid is not None for s in from_grid)
    from_rows = [RawSheet(s.name, s.rows) for s in reader.read_file(name, data)]
    assert_same(validate_sheets(name, from_grid), validate_sheets(name, from_rows))
    both(name, reader.read_file(name, data))
    both(name, from_rows)


def _arbejdsark_bytes(rows: int = 40) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Arbejdsark"
    ws.append(["Afdeling", "Dato", "År", "Område", "Kategori", "Beskrivelse", "Hjælp", "Vurdering", "Rolle", None, "Note"])
    for i in range(rows):
        ws.append([f"Afdeling {i % 3}", dt.datetime(2026, 3, 1 + i % 20), 2026, "Ergonomi", "Brug for at styrke",
                   f"Punkt {i}", "Hjælp udefra", i % 5 + 1, "AMR", None, None])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _with_cells(data: bytes, cells: dict[str, str]) -> bytes:
    """The workbook with raw cell XML put in: ref -> the cell's inner XML and attributes, e.g.
    {"H5": '<v>inf</v>'} (a number cell) or {"I5": 't="inlineStr"><is><t> </t></is>'}."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                for ref, inner in cells.items():
                    tag = f'<c r="{ref}"'.encode()
                    body = inner.encode() if inner.startswith("t=") else b">" + inner.encode()
                    cell = tag + (b" " + body if inner.startswith("t=") else body) + b"</c>"
                    found = re.search(tag + rb"[^>]*?(/>|>.*?</c>)", content)
                    if found:
                        content = content[:found.start()] + cell + content[found.end():]
                    else:  # a new cell at the end of its row
                        row = re.sub(r"[A-Z]+", "", ref).encode()
                        end = content.index(b"</row>", content.index(b'<row r="' + row + b'"'))
                        content = content[:end] + cell + content[end:]
            dst.writestr(info.filename, content)
    return out.getvalue()


BLANK = 't="inlineStr"><is><t xml:space="preserve">   </t></is>'
GRID_CASES = {
    "an infinite rating": {"H5": "<v>inf</v>"},
    "a year that is not a number": {"C6": "<v>NaN</v>"},
    "an infinite number as Beskrivelse": {"F7": "<v>-inf</v>"},
    "blank text as Rolle and Hjælp": {"I5": BLANK, "G8": BLANK},
    "blank text as Afdeling": {"A9": BLANK},
    "an empty text as Område": {"D10": 't="inlineStr"><is><t></t></is>'},
    "a number under the empty header": {"J11": "<v>7</v>"},
    "infinity under the empty header": {"J11": "<v>inf</v>"},
    "blank text under the empty header": {"J12": BLANK},
    "infinity beyond the header": {"L13": "<v>inf</v>"},
    "blank text beyond the header": {"L13": BLANK},
    "blank text in a header cell": {"J1": BLANK},
    "an infinite header cell": {"J1": "<v>inf</v>"},
}


@pytest.mark.parametrize("case", list(GRID_CASES))
def test_calamines_own_cells_same_as_the_rows(case):
    grid_and_rows("f.xlsx", _with_cells(_arbejdsark_bytes(), GRID_CASES[case]))


def test_a_duration_and_blank_rows_after_the_table_same_as_the_rows():
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(_arbejdsark_bytes()))
    ws = wb.active
    ws["I4"] = dt.timedelta(hours=7, minutes=30)  # Rolle: a duration (a time in the rows)
    ws["I6"] = dt.timedelta(days=3)  # a duration of days (a number in the rows)
    ws["A45"] = " "
    ws["K46"] = dt.timedelta(hours=1)
    out = io.BytesIO()
    wb.save(out)
    grid_and_rows("f.xlsx", out.getvalue())


def test_a_clean_workbook_is_validated_from_its_grid_column_wise():
    sheets = reader.read_file("f.xlsx", _arbejdsark_bytes())
    paths: list = []
    result = validate_sheets("f.xlsx", sheets, paths=paths)
    assert paths == [("Arbejdsark", "fast")] and result.ok
    assert sheets[0].grid is not None  # its rows were never built


@FAST_SETTINGS
@given(st.data())
def test_generated_sheets_written_as_workbooks_same_from_grid_and_rows(data):
    from openpyxl.utils.exceptions import IllegalCharacterError

    from tests.workbooks import xlsx

    tables = data.draw(st.lists(st.sampled_from(TABLE_NAMES), min_size=1, max_size=2, unique=True))
    raws = [data.draw(sheet(table, clean=data.draw(st.booleans()))) for table in tables]
    try:
        workbook = xlsx({raw.name: raw.rows for raw in raws})
    except (IllegalCharacterError, ValueError, TypeError):
        return  # a cell openpyxl cannot write
    grid_and_rows("genereret.xlsx", workbook)


def test_zero_and_minus_zero_hours_same_on_both_paths():
    """0.0 == -0.0: one cache key, so each cell gets the first one's value on both paths (a
    generated case once found the column-wise path keeping the -0.0 as it was)."""
    head = ["Afdeling", "Rolle", "Kursus", "Timer", "Hvornår", "Status"]
    rows = [["A", "AMR", "Kursus", 0.0, "2026-Q1", "Gennemført"], ["A", "AMR", "Kursus", -0.0, "2026-Q1", "Gennemført"],
            ["A", "AMR", "Kursus", "0", "2026-Q1", "Gennemført"]]
    assert both("f.xlsx", [RawSheet("Uddannelse", [head, *rows])]) == ["fast"]
    assert both("f.xlsx", [RawSheet("Uddannelse", [head, *rows[1:2], *rows[:1]])]) == ["fast"]
