"""Checks of a workbook's bytes before any parser sees them.

python-calamine allocates what a file declares and what its cells expand to, in native code
that aborts the whole process when an allocation fails. Every check here reads the bytes in
Python, in bounded memory, and raises :class:`~amo_data.errors.AmoError` with one Danish
sentence for the first problem. :mod:`amo_data.sandbox` is the second line, for whatever
slips past these.

Limits (module constants, chosen where the contract is silent):

* Zip archives (``.xlsx``/``.xlsm``/``.ods``). First the central directory only (nothing is
  inflated): more than :data:`MAX_ZIP_MEMBERS` members, two members whose names differ only
  in case, a declared total uncompressed size above :func:`zip_total_cap`
  (``max(200 MB, 10 x upload limit)``, so 250 MB by default) or a member above 5 MB whose
  declared size is more than 100 times its compressed size is refused at once. Then, because
  declared sizes can lie, every member is inflated as a stream (in 1 MB steps, never held
  whole) while the real output is counted against the same caps; only deflate and stored
  members are accepted.
* Cell positions. While inflating, the cell references in worksheet XML (``.xlsx``: every
  member, since a worksheet part may have any name) and ``content.xml`` (``.ods``, with its
  repeated rows/columns) are scanned. calamine allocates a dense grid over the bounding box
  of the filled cells (32 bytes per cell), so two cells at ``A1`` and ``XFD1048576`` in a
  5 KB file would otherwise abort the whole process. A sheet is refused when it reaches
  beyond Excel's grid (1,048,576 rows, 16,384 columns), when its bounding box exceeds
  :data:`MAX_CELL_AREA` cells (2**24, about 512 MB in calamine) or when it has more than
  :data:`MAX_FILLED_CELLS` filled cells.
* Shared strings (``.xlsx``). calamine reserves room for as many strings as the
  ``uniqueCount`` of ``xl/sharedStrings.xml`` declares (24 bytes each) before reading one, so
  ``uniqueCount="2147483647"`` in a 2 KB file asks for 48 GB and aborts the process. A
  string takes at least :data:`MIN_SHARED_STRING_BYTES` bytes of XML (``<si/>``), so a
  declared count above the part's real size divided by that is a lie, and the file is
  refused as damaged. (The ``count`` attribute, the number of cells that refer to the
  table, is not used by calamine and may rightly be far larger than the table.) And every
  cell of type ``t="s"`` gets its own copy of the string it refers to: one 4.9 MB string
  referenced by 400 cells is 2 GB of text from a 24 KB file. The text the references expand
  to (for each such cell, the size of the ``<si>`` element it refers to, an upper bound of
  the string's length) is added up over every worksheet and must stay under
  :func:`text_cap` (the same as the zip total cap). Inline strings (``t="inlineStr"``) are
  not multiplied: each cell's text is in the worksheet XML, which the zip caps count.
* Repeated cells (``.ods``). calamine copies a cell's text into every cell that
  ``number-columns-repeated`` and ``number-rows-repeated`` repeat it to, so their text is
  counted against :func:`text_cap` too. An ``.ods`` file's ``content.xml`` must be
  well-formed XML (checked with expat while inflating): python-calamine 0.9 loops forever on
  some malformed ODS documents.
* ``.xls``: see :mod:`amo_data.guard_xls`.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.parsers import expat

from .errors import AmoError

MB = 1024 * 1024
MAX_ROWS = 1_048_576  # Excel's grid
MAX_COLUMNS = 16_384
MAX_CELL_AREA = 2**24  # bounding box of one sheet, in cells
MAX_FILLED_CELLS = 5_000_000  # non-empty cells of one sheet
MAX_ZIP_MEMBERS = 10_000
ZIP_MIN_TOTAL_CAP = 200 * MB
ZIP_TOTAL_FACTOR = 10  # total uncompressed size may be this many times the upload limit
ZIP_MAX_RATIO = 100  # per member, for members above ZIP_RATIO_MIN_SIZE
ZIP_RATIO_MIN_SIZE = 5 * MB
MIN_SHARED_STRING_BYTES = len("<si/>")
SHARED_STRINGS = "xl/sharedstrings.xml"  # the part calamine reads (whatever the case)


def zip_total_cap(limit: int) -> int:
    """Largest total uncompressed size accepted for a zip-based workbook, in bytes."""
    return max(ZIP_MIN_TOTAL_CAP, ZIP_TOTAL_FACTOR * limit)


def text_cap(limit: int) -> int:
    """Most text, in bytes, that a workbook's cells may expand to (shared strings referenced
    by many cells, repeated cells): the same as :func:`zip_total_cap`, what a workbook may
    fill when it is unpacked."""
    return zip_total_cap(limit)


# --------------------------------------------------------------------------- messages


def fmt_mb(nbytes: int) -> str:
    """Megabytes the Danish way: ``25``, ``0,5``, ``1,25``."""
    value = nbytes / MB
    if value >= 10 or value == int(value):
        text = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        if text in ("0", ""):
            text = f"{value:.3g}"
    return text.replace(".", ",")


def fmt_int(n: int) -> str:
    """Thousands separated the Danish way: ``1.048.576``."""
    return f"{n:,}".replace(",", ".")


def _count(n: int, one: str, many: str) -> str:
    return f"{fmt_int(n)} {one if n == 1 else many}"


def q(name: str) -> str:
    return f'Filen "{name}"'


def err_not_sheet(name: str) -> AmoError:
    return AmoError(f"{q(name)} er ikke et regneark (Excel .xlsx/.xlsm/.xls, .ods eller CSV).")


def err_corrupt(name: str) -> AmoError:
    return AmoError(f"{q(name)} er beskadiget eller afkortet og kan ikke læses.")


def err_password(name: str) -> AmoError:
    return AmoError(
        f"{q(name)} er beskyttet med adgangskode og kan ikke læses. Fjern adgangskoden i Excel, og prøv igen."
    )


def _err_bomb_total(name: str, cap: int) -> AmoError:
    return AmoError(
        f"{q(name)} fylder over {fmt_mb(cap)} MB, når den pakkes ud, og bliver ikke læst (den kan være en zip-bombe)."
    )


def _err_bomb_ratio(name: str) -> AmoError:
    return AmoError(
        f"{q(name)} er pakket usædvanligt tæt (over {ZIP_MAX_RATIO}:1) og bliver ikke læst "
        "(den kan være en zip-bombe)."
    )


def _err_text(name: str, cap: int) -> AmoError:
    return AmoError(
        f"{q(name)} indeholder over {fmt_mb(cap)} MB tekst, når den pakkes ud, og bliver ikke læst "
        "(den kan være en zip-bombe)."
    )


def _err_string_count(name: str, declared: int, room: int) -> AmoError:
    return AmoError(
        f"{q(name)} er beskadiget og bliver ikke læst: den siger, at den indeholder "
        f"{_count(declared, 'forskellig tekst', 'forskellige tekster')}, men har kun plads til {fmt_int(room)}."
    )


def _err_xlsb(name: str) -> AmoError:
    return AmoError(
        f"{q(name)} er gemt i Excels binære format (.xlsb), som ikke kan læses. Gem den som .xlsx, og prøv igen."
    )


def err_huge(name: str, sheet: str | None, rows: int, cols: int, max_area: int = MAX_CELL_AREA) -> AmoError:
    where = f'Arket "{sheet}" i filen "{name}"' if sheet else f'Et ark i filen "{name}"'
    return AmoError(
        f"{where} er for stort til at blive læst: det spænder over "
        f"{_count(rows, 'række', 'rækker')} og {_count(cols, 'kolonne', 'kolonner')} (højst {fmt_int(MAX_ROWS)} rækker, "
        f"{fmt_int(MAX_COLUMNS)} kolonner og {fmt_int(max_area)} celler i alt)."
    )


def err_too_many_cells(name: str, sheet: str | None) -> AmoError:
    where = f'Arket "{sheet}" i filen "{name}"' if sheet else f'Et ark i filen "{name}"'
    return AmoError(f"{where} har over {fmt_int(MAX_FILLED_CELLS)} udfyldte celler og er for stort til at blive læst.")


# --------------------------------------------------------------------------- zip


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1 * MB


def check_zip(name: str, data: bytes, limit: int) -> None:
    """Refuse a zip-based workbook that is not one, or that calamine could not read safely
    (see the module's docstring); return quietly for one it may parse."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception as exc:
        raise err_corrupt(name) from exc
    if len(infos) > MAX_ZIP_MEMBERS:
        raise err_corrupt(name)
    # Member names as calamine looks them up: case-insensitively, "\\" as "/".
    lower = [info.filename.lower().replace("\\", "/") for info in infos]
    if "xl/workbook.bin" in lower:
        raise _err_xlsb(name)
    if "xl/workbook.xml" in lower:
        kind = "xlsx"
    elif any(info.filename == "content.xml" for info in infos):
        kind = "ods"
    else:
        raise err_not_sheet(name)
    if len(set(lower)) != len(lower):  # which of two the parser would read is anyone's guess
        raise err_corrupt(name)

    cap = zip_total_cap(limit)
    # 1. The central directory only: declared sizes, nothing inflated.
    total = 0
    for info in infos:
        total += info.file_size
        if total > cap:
            raise _err_bomb_total(name, cap)
        if info.file_size > ZIP_RATIO_MIN_SIZE and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise _err_bomb_ratio(name)
        if info.flag_bits & 0x1:
            raise err_password(name)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise err_corrupt(name)

    # 2. Real sizes (declared ones can lie), streamed, with the scans of what calamine builds.
    budget = [cap]
    text = _Text(name, text_cap(limit))
    # The shared strings first: the worksheets' references are measured against them.
    members = sorted(zip(lower, infos), key=lambda member: member[0] != SHARED_STRINGS)
    for key, info in members:
        if info.is_dir():
            continue
        chunks = _inflate(name, data, info, budget, cap)
        if kind == "xlsx" and key == SHARED_STRINGS:
            text.sizes = _shared_string_sizes(name, chunks)
        elif kind == "xlsx":
            check_box(name, _scan_xlsx_xml(chunks, text))
        elif info.filename == "content.xml":
            for box in _scan_ods_content(_well_formed(name, chunks), text):
                check_box(name, box)
        else:
            for _ in chunks:
                pass


def _inflate(name: str, data: bytes, info: zipfile.ZipInfo, budget: list[int], cap: int) -> Iterator[bytes]:
    """The member's real content in chunks, counted against ``budget[0]`` (bytes left)."""
    start = info.header_offset
    header = data[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise err_corrupt(name)
    sig, *_unused, fn_len, extra_len = _LOCAL_HEADER.unpack(header)
    if sig != b"PK\x03\x04":
        raise err_corrupt(name)
    begin = start + _LOCAL_HEADER.size + fn_len + extra_len
    end = begin + info.compress_size
    if end > len(data):
        raise err_corrupt(name)
    raw = memoryview(data)[begin:end]
    produced = 0

    def account(chunk: bytes) -> bytes:
        nonlocal produced
        produced += len(chunk)
        budget[0] -= len(chunk)
        if budget[0] < 0:
            raise _err_bomb_total(name, cap)
        if produced > ZIP_RATIO_MIN_SIZE and produced > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise _err_bomb_ratio(name)
        return chunk

    if info.compress_type == zipfile.ZIP_STORED:
        for pos in range(0, len(raw), _OUT_CHUNK):
            yield account(bytes(raw[pos : pos + _OUT_CHUNK]))
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pos = 0
    try:
        while not inflater.eof:
            if inflater.unconsumed_tail:
                piece = inflater.unconsumed_tail
            elif pos < len(raw):
                piece = raw[pos : pos + _IN_CHUNK]
                pos += len(piece)
            else:
                break  # input exhausted before the end of the deflate stream
            out = inflater.decompress(piece, _OUT_CHUNK)
            if out:
                yield account(out)
    except zlib.error as exc:
        raise err_corrupt(name) from exc
    if not inflater.eof:
        raise err_corrupt(name)


def _well_formed(name: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Pass the chunks through, checking with expat (C speed, no handlers) that the XML
    is well-formed; a malformed document is reported as a damaged file."""
    parser = expat.ParserCreate()
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            yield chunk
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise err_corrupt(name) from exc


def _pieces(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Re-chunk so that no tag is split: each piece ends just before its last ``<``."""
    carry = b""
    for chunk in chunks:
        cut = chunk.rfind(b"<")
        if cut < 0 or (cut == 0 and not carry):  # no tag start past the piece's beginning
            buf = carry + chunk
            if len(buf) > 4 * _OUT_CHUNK:  # no tag start for megabytes: plain text
                yield buf
                carry = b""
            else:
                carry = buf
            continue
        yield carry + chunk[:cut]
        carry = chunk[cut:]
    if carry:
        yield carry


# --------------------------------------------------------------------------- cell positions


@dataclass
class Box:
    """Bounding box (1-based, inclusive) and count of filled cells found by a scan."""

    min_row: int = 0
    max_row: int = 0
    min_col: int = 0
    max_col: int = 0
    cells: int = 0

    def add(self, r0: int, r1: int, c0: int, c1: int) -> None:
        if self.max_row == 0:
            self.min_row, self.max_row, self.min_col, self.max_col = r0, r1, c0, c1
        else:
            self.min_row = min(self.min_row, r0)
            self.max_row = max(self.max_row, r1)
            self.min_col = min(self.min_col, c0)
            self.max_col = max(self.max_col, c1)


def check_box(name: str, box: Box, max_area: int = MAX_CELL_AREA) -> None:
    if box.max_row == 0:
        return
    rows = box.max_row - box.min_row + 1
    cols = box.max_col - box.min_col + 1
    if box.max_row > MAX_ROWS or box.max_col > MAX_COLUMNS or rows * cols > max_area:
        raise err_huge(name, None, box.max_row, box.max_col, max_area)
    if box.cells > MAX_FILLED_CELLS:
        raise err_too_many_cells(name, None)


_PFX = rb"(?:[A-Za-z_][\w.\-]*:)?"
# A non-self-closing cell tag in the standard form ``<c r="B7" ...>`` (what Excel,
# LibreOffice and openpyxl write); self-closing cells hold no value, and calamine skips them.
_CELL_REF = re.compile(rb'<c r="([A-Za-z]+)(\d+)"[^>]*(?<!/)>')
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.\-]*:c[\s/>]")
# A cell tag not in that form: "<c" and then whitespace other than a space, "/" or ">", or a
# space not followed by 'r="'.
_OTHER_CELL = re.compile(rb'<c(?:[\t\n\r\x0b\x0c/>]| (?!r="))')
# Row and cell tags, for the exact walk used when some cells are in another form.
_ROW_OR_CELL = re.compile(rb"<(/?)" + _PFX + rb"(row|c)(?=[\s/>])([^>]*?)(/?)>")
_R_ATTR = re.compile(rb"(?:^|\s)r\s*=\s*[\"']([^\"']*)[\"']")
_REF = re.compile(rb"([A-Za-z]+)(\d+)$")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
        if n > 10 * MAX_COLUMNS:
            return n  # already absurd; avoid big-int work on hostile input
    return n


def _scan_xlsx_xml(chunks: Iterable[bytes], text: _Text) -> Box:
    """Bounding box of the cells calamine would store for one worksheet XML part (any other
    part has none), and the shared text its cells refer to (added to ``text``).

    As long as every cell tag is ``<c r="B7" ...``, a piece's references are collected with
    one regex; from the first piece with any other form on, tags are walked one by one the
    way calamine places cells."""
    box = Box()
    state: list[int] | None = None
    for piece in _pieces(chunks):
        text.add_references(piece)
        if state is None:
            refs = _standard_refs(piece)
            if refs is not None:
                if refs:
                    rows = list(map(int, {r for _, r in refs}))
                    cols = [_col_number(c) for c in {c for c, _ in refs}]
                    box.add(min(rows), max(rows), min(cols), max(cols))
                    box.cells += len(refs)
                continue
            # The row that spans the chunk boundary is (at most) the last one seen.
            state = [max(box.max_row - 1, 0), 0]
        _walk_xlsx(box, piece, state)
    return box


def _standard_refs(piece: bytes) -> list[tuple[bytes, bytes]] | None:
    """(column letters, row digits) of every valued cell in ``piece``, or None when some cell
    tag is not in the standard form (no reference, ``r`` not first, another quote, a prefix)."""
    if b":c" in piece and _PREFIXED_CELL.search(piece):
        return None
    if _OTHER_CELL.search(piece):
        return None
    return _CELL_REF.findall(piece)


def _walk_xlsx(box: Box, piece: bytes, state: list[int]) -> None:
    """calamine's placement: ``<row r>`` sets the row, ``</row>`` advances it, a cell
    without ``r`` sits right of the previous cell. ``state`` is [row_index, col_index]."""
    row_index, col_index = state
    for m in _ROW_OR_CELL.finditer(piece):
        closing, tag, attrs, self_closing = m.groups()
        if tag == b"row":
            if closing:
                row_index += 1
                col_index = 0
            elif not self_closing:
                r = _R_ATTR.search(attrs)
                if r and r.group(1).isdigit():
                    row_index = int(r.group(1)) - 1
            continue
        if closing or self_closing:
            continue
        r = _R_ATTR.search(attrs)
        ref = _REF.match(r.group(1)) if r else None
        if ref:
            row, col = int(ref.group(2)) - 1, _col_number(ref.group(1)) - 1
            col_index = col
        else:
            row, col = row_index, col_index
        box.add(row + 1, row + 1, col + 1, col + 1)
        box.cells += 1
        col_index += 1
    state[0], state[1] = row_index, col_index


# --------------------------------------------------------------------------- shared text

# Local names as quick-xml (calamine's parser) takes them: after the first colon.
_NAME_PFX = rb"(?:[^\s<>/!?:=\"']*:)?"
_SI_TAG = re.compile(rb"<(/?)" + _NAME_PFX + rb"si(?=[\s/>])[^>]*?(/?)>|<[!?]")
_SST_TAG = re.compile(rb"<" + _NAME_PFX + rb"sst(?=[\s/>])[^>]*>")
_UNIQUE_COUNT = re.compile(rb"[\s:]uniqueCount\s*=\s*[\"']\s*(\d+)")
# A shared-string cell as Excel, LibreOffice and openpyxl write it, with its index.
_SHARED_CELL = re.compile(rb' t="s"><v>(\d{1,15})</v>')


class _Text:
    """The text a workbook's cells expand to, counted against ``cap`` (bytes)."""

    def __init__(self, name: str, cap: int):
        self.name, self.cap = name, cap
        self.total = 0
        self.sizes: array | None = None  # per shared string, the size of its <si> element
        self.largest = 0

    def add(self, nbytes: int) -> None:
        self.total += nbytes
        if self.total > self.cap:
            raise _err_text(self.name, self.cap)

    def add_references(self, piece: bytes) -> None:
        """The shared strings the ``t="s"`` cells of ``piece`` refer to. Every cell calamine
        reads as one has ``"s"`` or ``'s'`` in its tag, so their count bounds the number of
        such cells (text that happens to hold them only counts a few too many); each that is
        not written the usual way (other quotes or spacing, a prefix, a formula before the
        value, an index cut off at the piece's end) counts as the largest string."""
        sizes = self.sizes
        if not sizes:
            return
        cells = piece.count(b'"s"') + piece.count(b"'s'")
        if not cells:
            return
        if not self.largest:
            self.largest = max(sizes)
        size, count, found = 0, len(sizes), 0
        for index, n in Counter(_SHARED_CELL.findall(piece)).items():
            i = int(index)
            size += n * (sizes[i] if i < count else self.largest)
            found += n
        self.add(size + (cells - found) * self.largest)


def _shared_string_sizes(name: str, chunks: Iterable[bytes]) -> array:
    """The size in bytes of each ``<si>`` element of the shared strings part, in order (an
    upper bound of the string's length: entities only shrink). Refuses a part whose
    ``uniqueCount`` is more than it can hold.

    When the part holds anything that could hide an ``<si>`` from this scan or show one that
    calamine does not read (a comment, CDATA, a DOCTYPE, a processing instruction, nested or
    unclosed ``<si>``), every string counts as large as the whole part."""
    sizes = array("q")
    declared = None
    root = -1  # where the <sst> tag starts, once found
    offset = 0  # of the current piece in the part
    start = -1  # of the open <si>, or -1
    odd = False
    for piece in _pieces(chunks):
        if root < 0:
            sst = _SST_TAG.search(piece)
            if sst:
                root = offset + sst.start()
                found = _UNIQUE_COUNT.search(sst.group(0))
                declared = int(found.group(1)) if found else 0
        for m in _SI_TAG.finditer(piece):
            closing, self_closing = m.group(1), m.group(2)
            if closing is None:  # <! anywhere, or <? after the XML declaration
                odd = odd or m.group(0) == b"<!" or 0 <= root < offset + m.start()
            elif closing:
                if start < 0:
                    odd = True
                else:
                    sizes.append(offset + m.end() - start)
                    start = -1
            elif start >= 0:
                odd = True  # nested
            elif self_closing:
                sizes.append(m.end() - m.start())
            else:
                start = offset + m.start()
        offset += len(piece)
    if start >= 0 or odd:
        sizes = array("q", [offset]) * len(sizes)
    room = offset // MIN_SHARED_STRING_BYTES
    if declared and declared > room:
        raise _err_string_count(name, declared, room)
    return sizes


# --------------------------------------------------------------------------- ods


_ODS_TAG = re.compile(rb"<(/?)" + _PFX + rb"(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>")
_ODS_ROWS_REPEATED = re.compile(rb"number-rows-repeated\s*=\s*[\"'](\d+)[\"']")
_ODS_COLS_REPEATED = re.compile(rb"number-columns-repeated\s*=\s*[\"'](\d+)[\"']")
_ODS_VALUE_TYPE = re.compile(rb"value-type\s*=")


def _scan_ods_content(chunks: Iterable[bytes], text: _Text) -> Iterator[Box]:
    """One bounding box per table of an ODS ``content.xml`` (repeats expanded). The content
    of a repeated cell (an upper bound of its text) is counted in ``text`` once per copy."""
    box: Box | None = None
    depth = 0
    row = 0
    row_repeat = 1
    col = 0
    row_min_col = row_max_col = 0
    row_cells = 0
    offset = 0  # of the current piece in content.xml
    cell_start = -1  # of the open cell's start tag, or -1
    cell_copies = 0  # how many cells the open cell's content is copied to
    copied = 0  # bytes of content copied into the current row (one row's worth)
    for piece in _pieces(chunks):
        for m in _ODS_TAG.finditer(piece):
            closing, tag, attrs, self_closing = m.groups()
            if tag == b"table":
                if closing:
                    depth -= 1
                    if depth == 0 and box is not None:
                        yield box
                        box = None
                elif not self_closing:
                    depth += 1
                    if depth == 1:
                        box = Box()
                        row = 0
                continue
            if box is None or depth != 1:
                continue
            if tag == b"table-row":
                if closing:
                    if row_cells:
                        box.add(row + 1, row + row_repeat, row_min_col, row_max_col)
                        box.cells += row_cells * row_repeat
                    text.add(copied * row_repeat)
                    row += row_repeat
                    continue
                rep = _ODS_ROWS_REPEATED.search(attrs)
                row_repeat = max(1, int(rep.group(1))) if rep else 1
                if self_closing:
                    row += row_repeat
                    continue
                col = 0
                row_cells = 0
                row_min_col = row_max_col = 0
                copied = 0
                continue
            if closing:
                if cell_start >= 0:
                    copied += (offset + m.start() - cell_start) * cell_copies
                    cell_start = -1
                continue
            rep = _ODS_COLS_REPEATED.search(attrs)
            col_repeat = max(1, int(rep.group(1))) if rep else 1
            valued = not self_closing or _ODS_VALUE_TYPE.search(attrs) is not None
            if valued:
                if row_cells == 0:
                    row_min_col = col + 1
                row_max_col = col + col_repeat
                row_cells += col_repeat
            if not self_closing:
                cell_start, cell_copies = offset + m.end(), col_repeat
            col += col_repeat
            if col > 100 * MAX_COLUMNS or row > 100 * MAX_ROWS:
                # Absurd already; stop walking and let the check refuse it.
                box.add(row + 1, row + row_repeat, 1, col)
                yield box
                return
        offset += len(piece)
    if box is not None:
        yield box
