"""A big worksheet parsed in two halves gives exactly the rows of the whole sheet.

The reader cuts the biggest worksheet of a workbook in two when it is big enough and parses
the halves at the same time (amo_data/halves.py). Here the size limit is lowered so that small
workbooks are cut, and every read is compared with the read of the same bytes parsed whole.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amo_data import halves, reader
from amo_data.errors import AmoError
from tests.workbooks import xlsx


@pytest.fixture
def cut_small(monkeypatch):
    """Cut any worksheet, however small (the real limit is several megabytes of XML)."""
    monkeypatch.setattr(halves, "MIN_BYTES", 1)


def _whole(data: bytes, name: str = "x.xlsx") -> list:
    """The sheets as the reader gives them without halves."""
    saved = halves.MIN_BYTES
    halves.MIN_BYTES = 1 << 60
    try:
        return reader.read_file(name, data)
    finally:
        halves.MIN_BYTES = saved


def _cut_sheet(data: bytes) -> str | None:
    """The sheet the reader's guard cuts in halves for these bytes, or None."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    split = reader._guard_members("x.xlsx", data, archive.infolist(), "xlsx", 1 << 40, archive)
    if split is None:
        return None
    split.close()
    return split.sheet


def _open_halves_files() -> int:
    return sum(1 for fd in os.listdir("/proc/self/fd")
               if "amo-halves" in _link(f"/proc/self/fd/{fd}"))


def _link(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


def _edit_sheet(data: bytes, member: str, edit) -> bytes:
    """The same workbook with one member's bytes changed by ``edit``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info.filename, edit(content) if info.filename == member else content)
    return out.getvalue()


def _rows(n: int, start: int = 0) -> list[list]:
    return [[f"Afdeling {i % 7}", dt.datetime(2026, 1 + i % 12, 1 + i % 28), 2026, "Ergonomi",
             "Lykkes", f"Punkt {i} med æøå", None if i % 3 else "Hjælp udefra", float(i % 5 + 1),
             "  " if i % 11 == 0 else "AMR"] for i in range(start, start + n)]


HEADER = ["Afdeling", "Dato", "År", "Område", "Kategori", "Beskrivelse", "Hjælp", "Vurdering", "Rolle"]

WORKBOOKS = {
    "shared strings": lambda: xlsx({"Arbejdsark": [HEADER, *_rows(400)], "Handleplan": [["Afdeling"], ["A"]]}),
    "inline strings (write-only)": lambda: xlsx(
        {"Arbejdsark": [HEADER, *_rows(400)], "Handleplan": [["Afdeling"], ["A"]]}, write_only=True),
    "empty rows around the middle": lambda: xlsx(
        {"Arbejdsark": [HEADER, *_rows(150), *([[]] * 60), *_rows(150, 150)]}),
    "second half only in later columns": lambda: xlsx(
        {"Arbejdsark": [HEADER, *_rows(300), *[[None, None, None, None, None, f"x{i}"] for i in range(300)]]}),
    "first half only in later columns": lambda: xlsx(
        {"Arbejdsark": [[None, None, "a"] for _ in range(300)] + [[1, 2, 3, 4, 5, 6, 7]] * 300}),
    "big sheet second of three": lambda: xlsx(
        {"Handleplan": [["Afdeling"], ["A"]], "Arbejdsark": [HEADER, *_rows(400)], "Uddannelse": [["Navn"], ["B"]]}),
    "numbers, booleans, times, floats that are not finite": lambda: xlsx(
        {"Ark": [[i, i * 0.5, i % 2 == 0, dt.time(i % 24, 30), float("inf") if i == 250 else -i, "", " x "]
                 for i in range(500)]}),
}


@pytest.mark.parametrize("kind", list(WORKBOOKS))
def test_a_sheet_read_in_halves_has_the_rows_of_the_whole_sheet(cut_small, kind):
    data = WORKBOOKS[kind]()
    assert _cut_sheet(data) is not None  # really cut, not read whole
    halved = reader.read_file("x.xlsx", data)
    assert [(s.name, s.rows) for s in halved] == [(s.name, s.rows) for s in _whole(data)]
    assert _open_halves_files() == 0


def test_the_benchmark_sized_limit_leaves_small_sheets_whole():
    data = WORKBOOKS["shared strings"]()
    assert _cut_sheet(data) is None


def _sheet1(data: bytes) -> str:
    names = [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("xl/worksheets/")]
    return names[0]


@pytest.mark.parametrize("edit, why", [
    (lambda xml: xml.replace(b"</row>", b"</row><!-- <row r=\"3\"> -->", 1), "a comment in the sheet data"),
    (lambda xml: xml.replace(b"</row>", b"<?keep this?></row>", 1), "a processing instruction"),
    (lambda xml: xml.replace(b"Punkt 7 med", b"sheetData med", 1), '"sheetData" as text'),
    (lambda xml: re.sub(rb'<c r="[A-Z]+2"', b"<c", xml, count=1), "a cell without its reference"),
    (lambda xml: xml.replace(b"</row><row", b"</row>\n<row"), "no two row tags side by side"),
])
def test_a_sheet_that_cannot_be_cut_cleanly_is_read_whole(cut_small, edit, why):
    original = xlsx({"Arbejdsark": [HEADER, *_rows(400)]}, write_only=True)
    data = _edit_sheet(original, _sheet1(original), edit)
    assert _cut_sheet(data) is None, why
    assert [s.rows for s in reader.read_file("x.xlsx", data)] == [s.rows for s in _whole(data)]
    assert _open_halves_files() == 0


def test_rows_written_out_of_order_across_the_cut_are_read_whole(cut_small):
    """The cut is clean but the first half holds a row below the second half's first row:
    the halves' cells overlap, so the reader parses the sheet whole."""
    original = xlsx({"Arbejdsark": [HEADER, *_rows(400)]}, write_only=True)

    def last_row_first(xml: bytes) -> bytes:
        start = xml.rindex(b"<row ")
        end = xml.index(b"</row>", start) + len(b"</row>")
        return xml[:start].replace(b"<sheetData>", b"<sheetData>" + xml[start:end]) + xml[end:]

    data = _edit_sheet(original, _sheet1(original), last_row_first)
    assert _cut_sheet(data) == "Arbejdsark"
    sheets = reader.read_file("x.xlsx", data)
    assert [s.rows for s in sheets] == [s.rows for s in _whole(data)]
    assert sheets[0].rows[400][5] == "Punkt 399 med æøå"


def test_a_damaged_half_is_read_whole_with_the_usual_message(cut_small):
    """A sheet whose XML breaks in the second half: the halves fail, the whole parse gives
    the same Danish message as without halves."""
    original = xlsx({"Arbejdsark": [HEADER, *_rows(400)]}, write_only=True)
    data = _edit_sheet(original, _sheet1(original),
                       lambda xml: xml.replace(b"Punkt 350 med", b"Punkt 350 &bad; med", 1))
    whole = halved = None
    try:
        whole = [s.rows for s in _whole(data)]
    except AmoError as exc:
        whole = exc.message
    try:
        halved = [s.rows for s in reader.read_file("x.xlsx", data)]
    except AmoError as exc:
        halved = exc.message
    assert halved == whole
    assert _open_halves_files() == 0


def test_a_refused_workbook_leaves_no_halves_open(cut_small):
    data = xlsx({"Arbejdsark": [HEADER, *_rows(400), *([[]] * 3)]}, write_only=True)
    far = _edit_sheet(data, _sheet1(data),
                      lambda xml: xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c>'
                                                                b"</row></sheetData>"))
    with pytest.raises(AmoError):
        reader.read_file("x.xlsx", far)
    assert _open_halves_files() == 0


def test_the_sheet_name_of_a_worksheet_part_follows_the_relationships():
    data = WORKBOOKS["big sheet second of three"]()
    archive = zipfile.ZipFile(io.BytesIO(data))
    found = {name: halves._sheet_of(archive, name) for name in archive.namelist() if name.startswith("xl/worksheets/")}
    assert sorted(found.values()) == ["Arbejdsark", "Handleplan", "Uddannelse"]
    assert halves._sheet_of(archive, "xl/styles.xml") is None


_CELL = st.one_of(
    st.none(),
    st.text(alphabet="ab æ\t", max_size=4),
    st.integers(-5, 5),
    st.floats(allow_nan=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 1, 1)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_CELL, max_size=6), min_size=2, max_size=60), st.booleans())
def test_any_grid_reads_the_same_in_halves(cut_small, grid, write_only):
    rows = [[c for c in row] for row in grid]
    data = xlsx({"Ark": rows, "Andet": [["x"]]}, write_only=write_only)
    halved = reader.read_file("x.xlsx", data)
    assert [(s.name, s.rows) for s in halved] == [(s.name, s.rows) for s in _whole(data)]


def test_a_sheet_name_with_markup_characters_is_cut_under_its_own_name(cut_small):
    name = 'R&D <"nord"> \'A\''
    data = xlsx({name: [HEADER, *_rows(300)], "Handleplan": [["Afdeling"], ["A"]]})
    assert _cut_sheet(data) == name
    assert [(s.name, s.rows) for s in reader.read_file("x.xlsx", data)] == [(s.name, s.rows) for s in _whole(data)]


def _rezipped(data: bytes, method: int = zipfile.ZIP_DEFLATED, first: tuple[str, bytes] | None = None) -> bytes:
    """The workbook's members written again (``method``), ``first`` ahead of them."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", method) as dst:
        if first is not None:
            dst.writestr(*first)
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    return out.getvalue()


def _read_or_message(data: bytes, whole: bool) -> object:
    try:
        sheets = _whole(data) if whole else reader.read_file("x.xlsx", data)
    except AmoError as exc:
        return exc.message
    return [(s.name, s.rows) for s in sheets]


def test_a_damaged_worksheet_stays_refused(cut_small):
    """One changed byte in an uncompressed worksheet: only its CRC tells. calamine checks it
    when it reads the member, so the halves (clean copies) must not be used instead."""
    data = _rezipped(xlsx({"Arbejdsark": [HEADER, *_rows(400)]}, write_only=True), zipfile.ZIP_STORED)
    damaged = data.replace(b"Punkt 123 med", b"Punkt 923 med", 1)
    assert damaged != data
    assert _cut_sheet(damaged) is None
    message = _read_or_message(damaged, whole=False)
    assert message == _read_or_message(damaged, whole=True)
    assert "beskadiget" in message
    assert _open_halves_files() == 0


def test_two_members_of_one_name_are_read_whole(cut_small):
    """An empty entry with the worksheet's name ahead of the real one: calamine reads the
    last, so the reader must not cut (the copies would put the cut one first)."""
    data = xlsx({"Arbejdsark": [HEADER, *_rows(400)]}, write_only=True)
    xml = zipfile.ZipFile(io.BytesIO(data)).read(_sheet1(data))
    start, end = xml.index(b"<sheetData>"), xml.index(b"</sheetData>") + len(b"</sheetData>")
    with pytest.warns(UserWarning, match="Duplicate name"):  # zipfile's own remark
        doubled = _rezipped(data, first=(_sheet1(data), xml[:start] + b"<sheetData/>" + xml[end:]))
    assert _cut_sheet(doubled) is None
    rows = _read_or_message(doubled, whole=False)
    assert rows == _read_or_message(doubled, whole=True)
    assert len(rows[0][1]) == 401
