"""The cell-position guard's two scans of worksheet XML give the same bounding box.

Before calamine sees an .xlsx file, the reader finds the bounding box of every worksheet's
cells (calamine would allocate a grid over it; see amo_data/reader.py). Big pieces of XML are
scanned with numpy, small ones with a regex. The numpy scan must find exactly what the regex
finds, or say it is unsure (the regex decides then): a file must never pass the guard because
of which scan looked at it.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amo_data import reader
from amo_data.errors import AmoError

# Cell tags in every form the scans must tell apart: standard cells with a value, empty
# self-closing ones, references of unusual length or case, other quotes, no reference, a tag
# holding another "<c r=", namespace prefixes, and neighbours such as <col> and <cfRule>.
_LETTERS = st.text(alphabet="ABCXYZabxz", min_size=1, max_size=5)
_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=9)


@st.composite
def _cell(draw) -> bytes:
    ref = draw(_LETTERS) + draw(_DIGITS)
    attrs = draw(st.sampled_from(["", ' s="1"', ' t="n"', ' s="12" t="inlineStr"', ' t="s"/', ' s="2"/', "/"]))
    body = b"<v>1</v></c>" if not attrs.endswith("/") else b""
    kind = draw(st.integers(0, 14))
    if kind == 0:
        return f"<c r='{ref}'{attrs}>".encode() + body  # another quote
    if kind == 1:
        return f"<c{attrs}>".encode() + body  # no reference
    if kind == 2:
        return f'<c s="1" r="{ref}">'.encode() + body  # r not first
    if kind == 3:
        return f'<x:c r="{ref}"{attrs}>'.encode() + body  # prefixed
    if kind == 4:
        return f'<c r="{ref}" x="<c r={ref}"{attrs}>'.encode() + body  # a tag inside a tag
    if kind == 5:
        return draw(st.sampled_from([b"<col min=\"1\"/>", b"<cfRule/>", b"<row r=\"7\">", b"</row>", b"<c\tr=\"A1\">"]))
    if kind == 6:
        return f'<c r="{ref}"'.encode()  # never closed
    return f'<c r="{ref}"{attrs}>'.encode() + body


_PIECES = st.lists(_cell(), min_size=0, max_size=60).map(b"".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PIECES)
def test_numpy_scan_finds_what_the_regex_finds_or_defers_to_it(piece):
    fast = reader._standard_refs_numpy(piece)
    if fast is reader._UNSURE:
        return
    assert fast == reader._standard_refs_regex(piece)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "I", "Z", "AA", "XFD", "XFE"]),
                          st.integers(1, 1_100_000), st.booleans()), min_size=1, max_size=40))
def test_numpy_scan_of_standard_cells_is_sure_and_exact(cells):
    piece = b"".join(f'<c r="{col}{row}" s="1"{"/" if empty else ""}>'.encode() + (b"" if empty else b"<v>1</v></c>")
                     for col, row, empty in cells)
    fast = reader._standard_refs_numpy(piece)
    assert fast is not reader._UNSURE
    assert fast == reader._standard_refs_regex(piece)


def _tag(ref: str, extra: int, empty: bool = False) -> bytes:
    """A standard cell tag whose attributes after the reference take ``extra`` more bytes."""
    padding = f' s="{"1" * max(extra - 5, 1)}"' if extra else ""
    return f'<c r="{ref}"{padding}{"/" if empty else ""}>'.encode() + (b"" if empty else b"<v>1</v></c>")


# The numpy scan looks for a tag's ">" in its first 32 bytes, else in the whole piece: tags
# just shorter and just longer than that, alone and next to each other, valued and empty.
@pytest.mark.parametrize("extra", [0, 13, 14, 15, 16, 17, 40])  # the middle tag's ">" at byte 16, 29-33, 56
@pytest.mark.parametrize("empty", [False, True])
def test_numpy_scan_is_exact_around_the_window_of_a_tag(extra, empty):
    piece = _tag("B7", 0) + _tag("AB1234567", extra, empty) + _tag("C9", extra)
    fast = reader._standard_refs_numpy(piece)
    assert fast is not reader._UNSURE
    assert fast == reader._standard_refs_regex(piece)


@pytest.mark.parametrize("tail", [b"", b"<", b">", b"/", b'"', b"</row>", b"<c", b'<c r="', b'<c r="Z'])
def test_numpy_scan_of_every_cut_through_the_last_tag(tail):
    # A piece may end anywhere in its last tag (the reader cuts before its last "<", but the
    # scan must not depend on that): every prefix of it, and what may follow a cut.
    whole = _tag("A1", 0) + _tag("XFD1048576", 30) + _tag("B2", 12)
    for end in range(len(whole) - 40, len(whole) + 1):
        piece = whole[:end] + tail
        fast = reader._standard_refs_numpy(piece)
        if fast is not reader._UNSURE:
            assert fast == reader._standard_refs_regex(piece), piece[-60:]


def test_numpy_scan_of_long_standard_tags_is_sure_and_exact():
    # Tags longer than the 32 bytes looked at first (a style and an inline string type): the
    # whole piece is searched for their ends, and the result is still sure.
    piece = b"".join(f'<c r="{col}{row}" s="123" t="inlineStr"><is><t>x</t></is></c>'.encode()
                     for col, row in [("A", 1), ("XFD", 1_048_576), ("B", 17)])
    fast = reader._standard_refs_numpy(piece)
    assert fast == reader._standard_refs_regex(piece) == (1, 1_048_576, 1, 16384, 3)


def _xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


def _big_sheet(last_cell: bytes) -> bytes:
    """A worksheet well above the size numpy scans, ending with ``last_cell``."""
    rows = [f'<row r="{r}"><c r="A{r}" t="n"><v>{r}</v></c><c r="B{r}" t="inlineStr"><is><t>tekst {r}</t></is></c></row>'
            for r in range(1, 20_001)]
    return (b'<worksheet><sheetData>' + "".join(rows).encode()
            + b'<row r="20001">' + last_cell + b"</row></sheetData></worksheet>")


def test_a_big_sheet_with_one_far_cell_is_refused_before_calamine_sees_it():
    data = _xlsx_with_sheet(_big_sheet(b'<c r="XFD1048576" t="n"><v>1</v></c>'))
    assert len(data) > 0
    with pytest.raises(AmoError, match="for stort"):
        reader.read_file("langt.xlsx", data)


def test_a_big_sheet_with_one_far_empty_formatted_cell_is_measured_without_it():
    sheet = _big_sheet(b'<c r="XFD1048576" s="3"/>')
    box = reader._scan_xlsx_xml([sheet[i:i + 1_000_000] for i in range(0, len(sheet), 1_000_000)])
    assert (box.min_row, box.max_row, box.min_col, box.max_col, box.cells) == (1, 20_000, 1, 2, 40_000)
