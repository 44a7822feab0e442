"""Reading spreadsheet bytes into raw grids of cells (no interpretation yet).

``read_file(name, data)`` turns the bytes of one uploaded file into a list of
:class:`RawSheet`. It never raises anything but :class:`~amo_data.errors.AmoError` (with one
Danish sentence for the user); every failure of the underlying libraries is translated.

Type detection looks at the content first and the file name second:

* ``PK\\x03\\x04`` (a zip archive): ``.xlsx``/``.xlsm`` (``xl/workbook.xml``) or ``.ods``
  (``content.xml``). A zip holding anything else, or an ``.xlsb`` workbook, is refused.
* ``D0 CF 11 E0 A1 B1 1A E1`` (OLE2): ``.xls``. A password-protected ``.xlsx`` is also an OLE2
  file (``EncryptedPackage``) and gets its own message.
* anything else that decodes as text: CSV, whatever the extension says (web applications
  often export tab-separated text or HTML as ``.xls``; the validator then judges the headers).
  Known binary formats (PDF, PNG, JPEG, ...), NUL bytes or control characters, whatever the
  extension: "not a spreadsheet".

Limits (module constants, chosen where the contract is silent):

* Upload size: :data:`DEFAULT_MAX_BYTES` (25 MB), or ``AMO_MAX_UPLOAD_MB`` megabytes from the
  environment (1 MB = 1,048,576 bytes; decimals allowed), or the ``max_bytes`` argument.
  :func:`max_bytes` gives the value in force.
* Zip archives (workbooks) are checked BEFORE any parser sees them. First the central
  directory only (nothing is inflated): more than :data:`MAX_ZIP_MEMBERS` members, a declared
  total uncompressed size above :func:`zip_total_cap` (``max(200 MB, 10 x upload limit)``, so
  250 MB by default) or a member above 5 MB whose declared size is more than 100 times its
  compressed size is refused at once. Then, because declared sizes can lie, every member is
  inflated as a stream (in 1 MB steps, never held whole) while the real output is counted
  against the same caps; only deflate and stored members are accepted.
* While inflating, the cell positions in worksheet XML (``.xlsx``) and ``content.xml``
  (``.ods``, with its repeated rows/columns) are scanned. calamine allocates a dense grid over
  the bounding box of the filled cells (32 bytes per cell), so two cells at ``A1`` and
  ``XFD1048576`` in a 5 KB file would otherwise abort the whole process. A sheet is refused
  when it reaches beyond Excel's grid (1,048,576 rows, 16,384 columns), when its bounding box
  exceeds :data:`MAX_CELL_AREA` cells (2**24, about 512 MB in calamine) or when it has more
  than :data:`MAX_FILLED_CELLS` filled cells. For ``.xls``
  the compound file is opened in Python (allocation tables, directory) and the ``Workbook``
  stream's cell records are scanned the same way before calamine sees it, with a bounding
  box limit of :data:`MAX_XLS_AREA` (2**22 cells, e.g. 65,536 rows x 64 columns): BIFF8's
  whole grid (65,536 x 256) would otherwise let a 5 KB file cost about 1 GB of memory.
* An ``.ods`` file's ``content.xml`` must be well-formed XML (checked with expat while
  inflating): python-calamine 0.9 loops forever on some malformed ODS documents.

Cells (decisions where the contract is silent):

* ``rows[i]`` is Excel row ``i + 1`` and ``rows[i][j]`` column ``j + 1``: leading empty rows are
  ``[]`` and leading empty columns ``None``. Rows are ragged: trailing empty cells are removed,
  an empty row is ``[]``, and trailing empty rows are dropped.
* A string that is empty or only whitespace becomes ``None``; other strings are kept exactly.
* Numbers from a workbook stay as calamine gives them (Excel numbers are floats, so ``4``
  arrives as ``4.0``); NaN or infinite numbers become ``None``.
* Dates/times come as ``datetime.date``/``datetime.datetime``/``datetime.time``; a duration
  cell (``[t]:mm``) becomes a ``time`` when under 24 hours, else its length in days (float).
* An error cell (``#N/A``, ``#DIV/0!``) arrives as ``None``: python-calamine 0.9 reports
  error cells as empty, so the reader cannot show their text.
* Hidden and very hidden sheets are returned too; chart/dialog sheets are skipped.
* A workbook's sheet also keeps calamine's cells as they came (:class:`Grid`): the
  column-wise validation reads those, so the rows above are only built for a sheet that
  validation has to go through row by row (or for whoever asks for them). A range of more
  than :data:`GRID_MAX_CELLS` cells, or one that is mostly empty rows, is read row by row.
* CSV: UTF-8 (BOM or not), else Windows-1252, else latin-1; UTF-16 with a BOM (Excel's
  "Unicode text") is also accepted. The delimiter (``;``, ``,`` or tab) is the one giving
  the most records with the same number (> 1) of fields among the first 50 records, parsed
  with quotes honoured; ties prefer ``;`` (Danish Excel). A first line ``sep=;`` (Excel's
  delimiter hint, which Excel does not show as a row) sets the delimiter and is not a row.
  ``rows[i]`` is CSV record ``i + 1`` (a quoted cell may span lines). Cells stay strings
  (``None`` when empty); a line break inside a quoted cell becomes ``\\n``.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import math
import operator
import os
import re
import struct
import threading
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor, as_completed
from xml.parsers import expat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import repeat
from dataclasses import dataclass

from . import halves, runtime
from .errors import AmoError

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
MAX_BYTES_ENV = "AMO_MAX_UPLOAD_MB"

MB = 1024 * 1024
MAX_ROWS = 1_048_576  # Excel's grid
MAX_COLUMNS = 16_384
MAX_CELL_AREA = 2**24  # bounding box of one sheet, in cells
MAX_XLS_AREA = 2**22  # the same for .xls (BIFF8's whole grid is 2**24 cells)
MAX_FILLED_CELLS = 5_000_000  # non-empty cells of one sheet
GRID_MAX_CELLS = 4_000_000  # a bigger range is read row by row (see _sheet_grid)
MAX_ZIP_MEMBERS = 10_000
ZIP_MIN_TOTAL_CAP = 200 * MB
ZIP_TOTAL_FACTOR = 10  # total uncompressed size may be this many times the upload limit
ZIP_MAX_RATIO = 100  # per member, for members above ZIP_RATIO_MIN_SIZE
ZIP_RATIO_MIN_SIZE = 5 * MB

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_BINARY_MAGICS = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!",
    b"\x7fELF",
    b"%!PS",
    b"II*\x00",  # TIFF
    b"MM\x00*",
)


@dataclass
class Grid:
    """A workbook sheet's cells as calamine gives them, for the column-wise validation.

    ``cells[k][j]`` is the cell of Excel row ``first + k + 1``, column ``lead + j + 1``; every
    row has the same length. The cells are not normalised yet (:attr:`RawSheet.rows` are): an
    empty cell is ``""`` or blank text, a number may be infinite, a duration is a timedelta
    (see :func:`normal`).
    """

    cells: list[list[object]]
    start: tuple[int, int]  # calamine's start, height and width of the range
    height: int
    width: int

    # python-calamine 0.9 yields rows from the range's first row but columns from the data's
    # first column; both layouts are detected instead of relied on.
    @property
    def first(self) -> int:
        """0-based Excel row of cells[0]."""
        return self.start[0] if len(self.cells) == self.height else 0

    @property
    def lead(self) -> int:
        """0-based Excel column of cells[k][0]."""
        return self.start[1] if self.cells and len(self.cells[0]) == self.width else 0

    def rows(self, name: str, sheet_name: str) -> list[list[object]]:
        return _sheet_rows(name, sheet_name, self.cells, self.start if self.cells else None, self.height,
                           self.width)

    def row(self, i: int) -> list[object]:
        """Row ``i`` (0-based Excel row) as in :attr:`RawSheet.rows`."""
        k = i - self.first
        if not 0 <= k < len(self.cells):
            return []
        cells = [None] * self.lead + list(map(normal, self.cells[k]))
        while cells and cells[-1] is None:
            cells.pop()
        return cells if len(cells) > self.lead else []

    def length(self) -> int:
        """``len(rows)``: up to the last row with a value."""
        for k in range(len(self.cells) - 1, -1, -1):
            if any(normal(v) is not None for v in self.cells[k]):
                return self.first + k + 1
        return self.first


class RawSheet:
    """One sheet (or one CSV file) as a grid of cells.

    ``rows[i]`` is the row Excel shows as number ``i + 1`` (leading empty rows are kept as
    empty lists so numbers stay true). Cells are None, str, int, float, bool,
    ``datetime.datetime``, ``datetime.date`` or ``datetime.time``.

    A workbook's sheet also has its :class:`Grid` (what the column-wise validation reads), and
    its rows are only built when asked for. A CSV file comes as rows.
    """

    def __init__(self, name: str, rows: list[list[object]] | None = None, is_csv: bool = False,
                 grid: Grid | None = None):
        self.name = name  # sheet name as the workbook wrote it; for a CSV file the file name
        self.is_csv = is_csv
        self._rows = rows if rows is not None else (None if grid is not None else [])
        self.grid = grid

    @property
    def rows(self) -> list[list[object]]:
        """The rows (built on first use; from then on they are the sheet, and :attr:`grid` is
        None: whoever changes them changes what validation reads)."""
        if self._rows is None:
            self._rows = self.grid.rows(self.name, self.name)
        self.grid = None
        return self._rows

    @property
    def height(self) -> int:
        """``len(rows)``, without building the rows."""
        return len(self._rows) if self._rows is not None else self.grid.length()

    def row(self, i: int) -> list[object]:
        """``rows[i]``, without building the other rows."""
        return self._rows[i] if self._rows is not None else self.grid.row(i)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RawSheet):
            return NotImplemented
        return (self.name, self.rows, self.is_csv) == (other.name, other.rows, other.is_csv)

    def __repr__(self) -> str:
        return f"RawSheet(name={self.name!r}, rows={self.height}, is_csv={self.is_csv})"


# --------------------------------------------------------------------------- limits


def _parse_mb(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    if text[-2:].lower() == "mb":  # "25MB" or "25 mb" means the same as "25"
        text = text[:-2].strip()
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    if not math.isfinite(value) or value <= 0:
        return None
    return max(1, int(value * MB))


def max_bytes() -> int:
    """The upload size limit in force, in bytes (``AMO_MAX_UPLOAD_MB`` or 25 MB).

    An unset, empty, non-numeric or non-positive ``AMO_MAX_UPLOAD_MB`` means the default.
    """
    return _env_limit()


def _env_limit() -> int:
    parsed = _parse_mb(os.environ.get(MAX_BYTES_ENV))
    return parsed if parsed is not None else DEFAULT_MAX_BYTES


def max_upload_mb() -> int:
    """The limit in whole megabytes, rounded up (for Streamlit's ``server.maxUploadSize``)."""
    return max(1, -(-max_bytes() // MB))


def zip_total_cap(limit: int | None = None) -> int:
    """Largest total uncompressed size accepted for a zip-based workbook, in bytes."""
    limit = _env_limit() if limit is None else limit
    return max(ZIP_MIN_TOTAL_CAP, ZIP_TOTAL_FACTOR * limit)


def _fmt_mb(nbytes: int) -> str:
    """Megabytes the Danish way: ``25``, ``0,5``, ``1,25``."""
    value = nbytes / MB
    if value >= 10 or value == int(value):
        text = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        if text in ("0", ""):
            text = f"{value:.3g}"
    return text.replace(".", ",")


def _fmt_int(n: int) -> str:
    """Thousands separated the Danish way: ``1.048.576``."""
    return f"{n:,}".replace(",", ".")


def _count(n: int, one: str, many: str) -> str:
    return f"{_fmt_int(n)} {one if n == 1 else many}"


# --------------------------------------------------------------------------- messages


def _q(name: str) -> str:
    return f'Filen "{name}"'


def _err_empty(name: str) -> AmoError:
    return AmoError(f"{_q(name)} er tom.")


def _err_too_large(name: str, size: int, limit: int) -> AmoError:
    return AmoError(f"{_q(name)} er for stor ({_fmt_mb(size)} MB). Den må højst fylde {_fmt_mb(limit)} MB.")


def _err_not_sheet(name: str) -> AmoError:
    return AmoError(f"{_q(name)} er ikke et regneark (Excel .xlsx/.xlsm/.xls, .ods eller CSV).")


def _err_corrupt(name: str) -> AmoError:
    return AmoError(f"{_q(name)} er beskadiget eller afkortet og kan ikke læses.")


def _err_bomb_total(name: str, cap: int) -> AmoError:
    return AmoError(
        f"{_q(name)} fylder over {_fmt_mb(cap)} MB, når den pakkes ud, og bliver ikke læst (den kan være en zip-bombe)."
    )


def _err_bomb_ratio(name: str) -> AmoError:
    return AmoError(
        f"{_q(name)} er pakket usædvanligt tæt (over {ZIP_MAX_RATIO}:1) og bliver ikke læst "
        "(den kan være en zip-bombe)."
    )


def _err_password(name: str) -> AmoError:
    return AmoError(
        f"{_q(name)} er beskyttet med adgangskode og kan ikke læses. Fjern adgangskoden i Excel, og prøv igen."
    )


def _err_xlsb(name: str) -> AmoError:
    return AmoError(
        f"{_q(name)} er gemt i Excels binære format (.xlsb), som ikke kan læses. Gem den som .xlsx, og prøv igen."
    )


def _err_huge(name: str, sheet: str | None, rows: int, cols: int, max_area: int = MAX_CELL_AREA) -> AmoError:
    where = f'Arket "{sheet}" i filen "{name}"' if sheet else f'Et ark i filen "{name}"'
    return AmoError(
        f"{where} er for stort til at blive læst: det spænder over "
        f"{_count(rows, 'række', 'rækker')} og {_count(cols, 'kolonne', 'kolonner')} (højst {_fmt_int(MAX_ROWS)} rækker, "
        f"{_fmt_int(MAX_COLUMNS)} kolonner og {_fmt_int(max_area)} celler i alt)."
    )


def _err_too_many_cells(name: str, sheet: str | None) -> AmoError:
    where = f'Arket "{sheet}" i filen "{name}"' if sheet else f'Et ark i filen "{name}"'
    return AmoError(f"{where} har over {_fmt_int(MAX_FILLED_CELLS)} udfyldte celler og er for stort til at blive læst.")


# --------------------------------------------------------------------------- entry point


def read_file(name: str, data: bytes, max_bytes: int | None = None) -> list[RawSheet]:
    """All sheets of a workbook, or the one table of a CSV file.

    Raises :class:`amo_data.errors.AmoError` with one Danish sentence when the file is too
    large, an archive bomb, corrupt, truncated or not a spreadsheet.
    """
    return list(read_sheets(name, data, max_bytes))


def read_sheets(name: str, data: bytes, max_bytes: int | None = None) -> Iterator[RawSheet]:
    """:func:`read_file`, one sheet at a time: a workbook's next sheet is parsed (in a helper
    thread) while the caller looks at this one. Raises the same errors, as it goes (the file
    is not read until the first sheet is asked for); close it to stop early."""
    shown = _display_name(name)
    try:
        yield from _read(shown, data, max_bytes)
    except AmoError:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # includes pyo3's PanicException (a BaseException)
        raise _err_corrupt(shown) from exc


def _display_name(name: object) -> str:
    text = "" if name is None else str(name)
    base = re.split(r"[\\/]", text)[-1]
    return base or text or "uden navn"


def _read(name: str, data: bytes, limit: int | None) -> Iterator[RawSheet]:
    if not isinstance(data, bytes):
        data = bytes(data)
    if limit is None:
        limit = _env_limit()
    if not data:
        raise _err_empty(name)
    if len(data) > limit:
        raise _err_too_large(name, len(data), limit)
    if data.startswith(_ZIP_MAGICS):
        yield from _read_zip(name, data, limit)
        return
    if data.startswith(_OLE2_MAGIC):
        if _ENCRYPTED_PACKAGE in data:
            raise _err_password(name)
        for box in _scan_xls(name, data):
            _check_box(name, box, MAX_XLS_AREA)
        yield from _workbook_sheets(name, data)
        return
    if data.startswith(_BINARY_MAGICS):
        raise _err_not_sheet(name)
    yield _read_csv(name, data)


# --------------------------------------------------------------------------- zip guard


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1 * MB


def _read_zip(name: str, data: bytes, limit: int) -> Iterator[RawSheet]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:
        raise _err_corrupt(name) from exc
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _err_corrupt(name)
    names = {info.filename for info in infos}
    lower = {n.lower() for n in names}
    if "xl/workbook.bin" in lower:
        raise _err_xlsb(name)
    if "xl/workbook.xml" in lower:
        kind = "xlsx"
    elif "content.xml" in names:
        kind = "ods"
    else:
        raise _err_not_sheet(name)

    cap = zip_total_cap(limit)
    # 1. Central directory only: declared sizes, nothing inflated.
    total = 0
    for info in infos:
        total += info.file_size
        if total > cap:
            raise _err_bomb_total(name, cap)
        if info.file_size > ZIP_RATIO_MIN_SIZE and (info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1)):
            raise _err_bomb_ratio(name)
        if info.flag_bits & 0x1:
            raise _err_password(name)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _err_corrupt(name)

    split = _guard_members(name, data, infos, kind, cap, archive)  # 2. real sizes and cell positions
    try:
        yield from _workbook_sheets(name, data, split)
    finally:
        if split is not None:
            split.close()


def _guard_members(name: str, data: bytes, infos: list[zipfile.ZipInfo], kind: str, cap: int,
                   archive: zipfile.ZipFile | None = None) -> halves.Halves | None:
    """Step 2 of the zip guard: real sizes (declared ones can lie), streamed, with the
    cell-position scan. Raises the Danish error of the first problem.

    With ``archive`` (the workbook opened as a zip), the biggest worksheet is also cut in
    halves as it is scanned, when that can help (see :mod:`amo_data.halves`)."""
    budget = [cap]
    big = halves.wanted(infos) if kind == "xlsx" and archive is not None else None
    cutter = None
    split = None
    try:
        for info in infos:
            if info.is_dir():
                continue
            chunks = _inflate(name, data, info, budget, cap)
            if kind == "xlsx":
                # Every member: calamine finds worksheets through the relationships, and a
                # worksheet part may have any name (even "image1.png").
                if info is big:
                    cutter = halves.Cutter(info)
                box = _scan_xlsx_xml(chunks, cutter if info is big else None)
                _check_box(name, box)
                if info is big:
                    split = cutter.finish(archive, data, box.standard)
                    cutter = None
            elif kind == "ods" and info.filename == "content.xml":
                # calamine 0.9 loops forever on some malformed ODS XML (a mismatched end tag),
                # so content.xml must be well-formed before calamine sees it.
                for box in _scan_ods_content(_well_formed(name, chunks)):
                    _check_box(name, box)
            else:
                for _ in chunks:
                    pass
    except BaseException:
        if cutter is not None:
            cutter.abandon()
        if split is not None:
            split.close()
        raise
    return split


def _inflate(name: str, data: bytes, info: zipfile.ZipInfo, budget: list[int], cap: int) -> Iterator[bytes]:
    """The member's real content in chunks, counted against ``budget[0]`` (bytes left)."""
    start = info.header_offset
    header = data[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise _err_corrupt(name)
    sig, *_unused, fn_len, extra_len = _LOCAL_HEADER.unpack(header)
    if sig != b"PK\x03\x04":
        raise _err_corrupt(name)
    begin = start + _LOCAL_HEADER.size + fn_len + extra_len
    end = begin + info.compress_size
    if end > len(data):
        raise _err_corrupt(name)
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
        raise _err_corrupt(name) from exc
    if not inflater.eof:
        raise _err_corrupt(name)


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
        raise _err_corrupt(name) from exc


@dataclass
class _Box:
    """Bounding box (1-based, inclusive) and count of filled cells found by a scan."""

    min_row: int = 0
    max_row: int = 0
    min_col: int = 0
    max_col: int = 0
    cells: int = 0
    standard: bool = True  # every cell tag was <c r="..." (no tag-by-tag walk was needed)

    def add(self, r0: int, r1: int, c0: int, c1: int) -> None:
        if self.cells == 0 and self.max_row == 0:
            self.min_row, self.max_row, self.min_col, self.max_col = r0, r1, c0, c1
        else:
            self.min_row = min(self.min_row, r0)
            self.max_row = max(self.max_row, r1)
            self.min_col = min(self.min_col, c0)
            self.max_col = max(self.max_col, c1)


def _check_box(name: str, box: _Box, max_area: int = MAX_CELL_AREA) -> None:
    if box.max_row == 0:
        return
    rows = box.max_row - box.min_row + 1
    cols = box.max_col - box.min_col + 1
    if box.max_row > MAX_ROWS or box.max_col > MAX_COLUMNS or rows * cols > max_area:
        raise _err_huge(name, None, box.max_row, box.max_col, max_area)
    if box.cells > MAX_FILLED_CELLS:
        raise _err_too_many_cells(name, None)


_PFX = rb"(?:[A-Za-z_][\w.\-]*:)?"
# Fast path: a non-self-closing cell tag in the standard form ``<c r="B7" ...>``.
_CELL_REF = re.compile(rb'<c r="([A-Za-z]+)(\d+)"[^>]*(?<!/)>')
# Any cell tag written with a namespace prefix (``<x:c ...>``).
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.\-]*:c[\s/>]")
_CELL_START = re.compile(rb"<c[\s/>]")
# Row and cell tags, for the exact walk used when some cells have no reference.
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


def _chunks_with_carry(chunks: Iterable[bytes]) -> Iterator[bytes]:
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
        yield carry + chunk[:cut]  # (one copy of the chunk, not two)
        carry = chunk[cut:]
    if carry:
        yield carry


def _scan_xlsx_xml(chunks: Iterable[bytes], keep: halves.Cutter | None = None) -> _Box:
    """Bounding box of the cells calamine would store for one worksheet XML part.

    Fast path: every cell tag is ``<c r="B7" ...`` (what Excel, LibreOffice and openpyxl
    write), so the references are collected for a whole piece at once (:func:`_standard_refs`).
    From the first piece with any other form on, tags are walked one by one the way calamine
    places cells. ``keep``, if given, gets every piece (none splits a tag) in order.
    """
    box = _Box()
    state: list[int] | None = None
    for piece, found in _standard_refs_each(_chunks_with_carry(chunks)):
        if keep is not None:
            keep.add(piece)
        if state is None:
            if found is not None:
                if found[4]:
                    box.add(*found[:4])
                    box.cells += found[4]
                continue
            # Some cell is not in the standard form (no reference, r not first, another
            # quote or a prefix): walk tags one by one from here on. The row that spans
            # the chunk boundary is (at most) the last one seen.
            state = [max(box.max_row - 1, 0), 0]
            box.standard = False
        _walk_xlsx(box, piece, state)
    return box


_NO_CELLS = (0, 0, 0, 0, 0)


def _standard_refs_each(pieces: Iterable[bytes]) -> Iterator[tuple[bytes, tuple | None]]:
    """``(piece, _standard_refs(piece))`` for each piece, in order. Big pieces are scanned two
    at a time, the second in a helper thread: numpy releases the GIL for its array work, so on
    two CPUs the scan of a big sheet takes about two thirds of the time (0.29 -> 0.20 s on the
    benchmark workbook). Once a piece is walked tag by tag, later results go unused."""
    pool: ThreadPoolExecutor | None = None
    try:
        it = iter(pieces)
        for first in it:
            second = next(it, None)
            if second is None or len(second) < _NUMPY_MIN_PIECE:
                yield first, _standard_refs(first)
                if second is not None:
                    yield second, _standard_refs(second)
                continue
            if pool is None:
                pool = ThreadPoolExecutor(1, thread_name_prefix="amo-scan")
            later = pool.submit(_standard_refs, second)
            yield first, _standard_refs(first)
            yield second, later.result()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _standard_refs(piece: bytes) -> tuple[int, int, int, int, int] | None:
    """``(min_row, max_row, min_col, max_col, cells)`` of the cells with a value in ``piece``
    (every match of :data:`_CELL_REF`: self-closing tags hold no value and calamine skips them),
    or None when some cell tag is not in the standard form."""
    # ":" is searched with memchr (fast), ":c" is not: most pieces have no colon at all.
    if b":" in piece and b":c" in piece and _PREFIXED_CELL.search(piece):
        return None
    if len(piece) >= _NUMPY_MIN_PIECE:
        found = _standard_refs_numpy(piece)
        if found is not _UNSURE:
            return found  # type: ignore[return-value]
    return _standard_refs_regex(piece)


def _standard_refs_regex(piece: bytes) -> tuple[int, int, int, int, int] | None:
    """:func:`_standard_refs` with one regex match per cell (no prefix check)."""
    if piece.count(b'<c r="') != len(_CELL_START.findall(piece)):
        return None
    refs = _CELL_REF.findall(piece)
    if not refs:
        return _NO_CELLS
    # Distinct row numbers and column letters, collected in C (every reference is unique in
    # a normal sheet, so a set of the pairs saved nothing).
    rows = list(map(int, set(map(_SECOND, refs))))
    cols = [_col_number(c) for c in set(map(_FIRST, refs))]
    return min(rows), max(rows), min(cols), max(cols), len(refs)


# Pieces at least this long are scanned with numpy (its import costs more than the regex on a
# small sheet). The window is how many bytes after ``<c r="`` numpy reads for the reference:
# up to 3 letters, 7 digits and the closing quote.
_NUMPY_MIN_PIECE = 256 * 1024
_WINDOW = 12
_TAG = 32  # bytes from a cell tag's start in which its ">" is looked for first
_UNSURE = object()


def _standard_refs_numpy(piece: bytes) -> tuple[int, int, int, int, int] | None | object:
    """:func:`_standard_refs` with numpy, on whole arrays instead of one regex match per cell
    (about half the CPU on a 48 MB sheet). Gives exactly what the regex gives, or
    :data:`_UNSURE` whenever some tag is unusual (a reference of more than 3 letters or 7
    digits, a tag without ``>``, or a tag holding another ``<c r="``): the regex decides
    then. ``tests/test_reader_scan.py`` compares the two on generated XML."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    n = len(piece)
    if n < 2:
        return _standard_refs_regex(piece)
    a = np.frombuffer(piece, dtype=np.uint8)
    last = n - 1

    def at(positions):
        # Bytes at these positions; past the end, the last byte again. That never makes a
        # tag look complete: a reference still needs its ">" (checked below), and "<c" and
        # 'r="' need different bytes in a row.
        return a[np.minimum(positions, last)]

    # "<c" read as one little-endian 16-bit number, at even and at odd offsets.
    even = np.flatnonzero(np.frombuffer(piece, "<u2", n // 2) == 0x633C) * 2
    odd = np.flatnonzero(np.frombuffer(piece, "<u2", (n - 1) // 2, 1) == 0x633C) * 2 + 1
    c = np.sort(np.concatenate((even, odd)))
    after = at(c + 2)
    cell = c[(after == 32) | ((after >= 9) & (after <= 13)) | (after == 47) | (after == 62)]  # <c[\s/>]
    starts = cell[(at(cell + 2) == 32) & (at(cell + 3) == 114) & (at(cell + 4) == 61) & (at(cell + 5) == 34)]
    if len(starts) != len(cell):
        return None  # some cell tag is not <c r="...
    if not len(starts):
        return _NO_CELLS
    # The _WINDOW bytes after each 'r="', as rows of a sliding window over the piece (each row
    # copied once; no index array of _WINDOW positions per cell). Near the end, over the piece
    # followed by its last byte again, as at() reads it.
    refs = starts + 6
    tail = a if refs[-1] + _WINDOW <= n else np.concatenate((a, np.full(_WINDOW, a[last], np.uint8)))
    window = sliding_window_view(tail, _WINDOW)[refs]
    upper = window & 0xDF
    # argmin of a row of booleans: the first False, and 0 when all are True, so a reference
    # of 0 letters or digits and one longer than the window both give 0 (unsure).
    letters = np.argmin((upper - 65) < 26, axis=1)  # uint8 arithmetic wraps: A-Z are 0-25
    if letters.min() < 1 or letters.max() > 3:
        return _UNSURE
    digits = sliding_window_view(tail, 8)[refs + letters] - 48  # (within the window: letters <= 3)
    is_digit = digits < 10
    ndigits = np.argmin(is_digit, axis=1)
    if ndigits.min() < 1:
        return _UNSURE
    if not (tail[refs + letters + ndigits] == 34).all():
        return _UNSURE
    # The regex's [^>]*(?<!/)> : the first ">" after the quote, not preceded by "/". Looked for
    # in the _TAG bytes from each tag's start (a cell tag is rarely longer), else in the piece.
    if starts[-1] + _TAG <= n and (near := sliding_window_view(a, _TAG)[starts] == 62).any(axis=1).all():
        ends = starts + np.argmax(near, axis=1)
    else:
        gt = np.flatnonzero(a == 62)
        follow = np.searchsorted(gt, starts)
        if follow[-1] >= len(gt):
            return _UNSURE
        ends = gt[follow]
    if len(starts) > 1 and (ends[:-1] >= starts[1:]).any():
        return _UNSURE  # a tag with another "<c r=" inside it: the regex matches only the first
    valued = a[ends - 1] != 47
    if not valued.any():
        return _NO_CELLS
    letter = upper[:, :3].astype(np.int64) - 64
    cols = np.where(letters == 1, letter[:, 0],
                    np.where(letters == 2, letter[:, 0] * 26 + letter[:, 1],
                             (letter[:, 0] * 26 + letter[:, 1]) * 26 + letter[:, 2]))
    # The digits as one number: left-aligned in 8 places (exact in a float), then shifted back.
    places = np.where(np.arange(8) < ndigits[:, None], digits, 0) @ (10.0 ** np.arange(7, -1, -1))
    rows = (places / 10.0 ** (8 - ndigits)).astype(np.int64)
    rows, cols = rows[valued], cols[valued]
    return int(rows.min()), int(rows.max()), int(cols.min()), int(cols.max()), int(valued.sum())


_FIRST = operator.itemgetter(0)
_SECOND = operator.itemgetter(1)


def _walk_xlsx(box: _Box, piece: bytes, state: list[int]) -> None:
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


_ODS_TAG = re.compile(rb"<(/?)" + _PFX + rb"(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>")
_ODS_ROWS_REPEATED = re.compile(rb"number-rows-repeated\s*=\s*[\"'](\d+)[\"']")
_ODS_COLS_REPEATED = re.compile(rb"number-columns-repeated\s*=\s*[\"'](\d+)[\"']")
_ODS_VALUE_TYPE = re.compile(rb"value-type\s*=")


def _scan_ods_content(chunks: Iterable[bytes]) -> Iterator[_Box]:
    """One bounding box per table of an ODS ``content.xml`` (repeats expanded)."""
    box: _Box | None = None
    depth = 0
    row = 0
    row_repeat = 1
    col = 0
    row_min_col = row_max_col = 0
    row_cells = 0
    for piece in _chunks_with_carry(chunks):
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
                        box = _Box()
                        row = 0
                continue
            if box is None or depth != 1:
                continue
            if tag == b"table-row":
                if closing:
                    if row_cells:
                        box.add(row + 1, row + row_repeat, row_min_col, row_max_col)
                        box.cells += row_cells * row_repeat
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
                continue
            if closing:
                continue
            rep = _ODS_COLS_REPEATED.search(attrs)
            col_repeat = max(1, int(rep.group(1))) if rep else 1
            valued = not self_closing or _ODS_VALUE_TYPE.search(attrs) is not None
            if valued:
                if row_cells == 0:
                    row_min_col = col + 1
                row_max_col = col + col_repeat
                row_cells += col_repeat
            col += col_repeat
            if col > 100 * MAX_COLUMNS or row > 100 * MAX_ROWS:
                # Absurd already; stop walking and let the check refuse it.
                box.add(row + 1, row + row_repeat, 1, col)
                yield box
                return
    if box is not None:
        yield box


# --------------------------------------------------------------------------- .xls guard

_FREE_OR_END = 0xFFFFFFFA  # sector numbers at or above this are markers, not sectors
_BIFF_BOF = 0x0809
# BIFF8 records holding a cell value (BLANK/MULBLANK are not stored by calamine).
_BIFF_CELLS = frozenset({0x0203, 0x0204, 0x00FD, 0x027E, 0x0205, 0x0006, 0x00D6})
_BIFF_MULRK = 0x00BD


def _scan_xls(name: str, data: bytes) -> Iterator[_Box]:
    """One bounding box per BIFF substream of an ``.xls`` compound file.

    Reads the compound file's allocation tables and directory to find the ``Workbook``
    stream, then walks its records (row and column are the first two fields of every cell
    record). Anything that does not add up is a damaged file.
    """
    stream = _cfb_stream(name, data, ("workbook", "book"))
    box: _Box | None = None
    pos = 0
    end = len(stream)
    unpack = struct.unpack_from
    while pos + 4 <= end:
        rtype, rlen = unpack("<HH", stream, pos)
        body = pos + 4
        pos = body + rlen
        if rtype == _BIFF_BOF:
            if box is not None:
                yield box
            box = _Box()
        elif box is None or rlen < 4:
            continue
        elif rtype in _BIFF_CELLS:
            row, col = unpack("<HH", stream, body)
            box.add(row + 1, row + 1, col + 1, col + 1)
            box.cells += 1
        elif rtype == _BIFF_MULRK and rlen >= 6:
            row, first = unpack("<HH", stream, body)
            (last,) = unpack("<H", stream, body + rlen - 2)
            if last >= first:
                box.add(row + 1, row + 1, first + 1, last + 1)
                box.cells += last - first + 1
    if box is not None:
        yield box


def _cfb_stream(name: str, data: bytes, wanted: tuple[str, ...]) -> bytes:
    """The first stream whose name (case-insensitive) is in ``wanted``, from an OLE2 file."""
    if len(data) < 512:
        raise _err_corrupt(name)
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        raise _err_corrupt(name)
    size = 1 << shift
    (n_fat, first_dir, _tx, mini_cutoff, first_minifat, n_minifat, first_difat, n_difat) = struct.unpack_from(
        "<8I", data, 44
    )
    n_sectors = (len(data) - size) // size + 1  # a last, partly written sector counts

    def sector(i: int) -> bytes:
        if i >= n_sectors:
            raise _err_corrupt(name)
        return data[(i + 1) * size : (i + 2) * size]

    fat_sectors = [x for x in struct.unpack_from("<109I", data, 76) if x < _FREE_OR_END]
    nxt, seen = first_difat, 0
    per = size // 4 - 1
    while nxt < _FREE_OR_END and seen <= n_difat and seen < n_sectors:
        entries = struct.unpack(f"<{per + 1}I", sector(nxt).ljust(size, b"\0"))
        fat_sectors += [x for x in entries[:per] if x < _FREE_OR_END]
        nxt, seen = entries[per], seen + 1
    fat_bytes = b"".join(sector(i).ljust(size, b"\0") for i in fat_sectors[: n_fat or None])
    fat = struct.unpack(f"<{len(fat_bytes) // 4}I", fat_bytes)

    def chain(start: int, table: tuple[int, ...], limit: int) -> list[int]:
        out: list[int] = []
        while start < _FREE_OR_END:
            if start >= len(table) or len(out) > limit:
                raise _err_corrupt(name)
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(i) for i in chain(first_dir, fat, n_sectors))
    root_start = None
    found = None
    for off in range(0, len(directory) - 127, 128):
        name_len, kind = struct.unpack_from("<HB", directory, off + 64)
        start, stream_size = struct.unpack_from("<IQ", directory, off + 116)
        if kind == 5 and root_start is None:
            root_start = start
        entry_name = directory[off : off + max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
        if kind == 2 and found is None and entry_name.lower() in wanted:
            found = (start, stream_size)
    if found is None:
        raise _err_not_sheet(name)  # an OLE2 file without a workbook: .doc, .ppt, .msg
    start, stream_size = found
    if stream_size > len(data) * 2:
        raise _err_corrupt(name)
    if stream_size >= mini_cutoff:
        raw = b"".join(sector(i) for i in chain(start, fat, n_sectors))
    else:
        if root_start is None:
            raise _err_corrupt(name)
        mini_stream = b"".join(sector(i) for i in chain(root_start, fat, n_sectors))
        minifat_bytes = b"".join(sector(i) for i in chain(first_minifat, fat, n_sectors))
        minifat = struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes)
        mini = 1 << mini_shift
        raw = b"".join(mini_stream[i * mini : (i + 1) * mini] for i in chain(start, minifat, len(minifat)))
    return raw[:stream_size]


# --------------------------------------------------------------------------- workbooks


_MEANWHILE: ContextVar[Callable[[], object] | None] = ContextVar("amo_reader_meanwhile", default=None)


@contextmanager
def meanwhile(work: Callable[[], object]) -> Iterator[None]:
    """Run ``work`` once, in this thread, while the next workbook read in this context is
    parsed. calamine parses a sheet without holding the GIL, so what ``work`` does (the command
    line imports pandas and SQLAlchemy) costs no time; it runs before the first sheet arrives
    or, for a file that is not a workbook, not at all."""
    token = _MEANWHILE.set(work)
    try:
        yield
    finally:
        _MEANWHILE.reset(token)


def _workbook_sheets(name: str, data: bytes, split: halves.Halves | None = None) -> Iterator[RawSheet]:
    """Every worksheet, in order. calamine parses in helper threads (it releases the GIL): the
    next sheet while the caller looks at this one, and, with ``split`` (see
    :mod:`amo_data.halves`), that sheet's two halves first, at the same time."""
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise _err_password(name) from exc
    except Exception as exc:
        raise _err_corrupt(name) from exc
    with workbook:
        names = [meta.name for meta in workbook.sheets_metadata
                 if meta.typ == python_calamine.SheetTypeEnum.WorkSheet]
        parts = _open_halves(split, names)  # calamine's workbooks of the two halves, or ()
        lock = threading.Lock()  # one workbook parses one sheet at a time

        def parse(sheet_name: str):
            with lock:
                return workbook.get_sheet_by_name(sheet_name)

        pool = ThreadPoolExecutor(2 if parts else 1, thread_name_prefix="amo-calamine")
        try:
            in_halves = [pool.submit(part.get_sheet_by_name, split.sheet) for part in parts]
            halved = split.sheet if in_halves else None
            parsed: dict = {}

            def ahead(i: int) -> None:  # start parsing sheet i, unless it is under way
                if i < len(names) and names[i] != halved and names[i] not in parsed:
                    parsed[names[i]] = pool.submit(parse, names[i])

            ahead(0)
            with runtime.gc_paused():  # millions of new cells: see amo_data.runtime
                work = _MEANWHILE.get()
                if work is not None and names:
                    _MEANWHILE.set(None)
                    work()
                for i, sheet_name in enumerate(names):
                    grid = _joined_halves(name, sheet_name, in_halves) if sheet_name == halved else None
                    if grid is not None:
                        sheet = _of_grid(name, sheet_name, grid)
                    else:  # not in halves, or they failed: the sheet whole
                        future = parsed.pop(sheet_name, None) or pool.submit(parse, sheet_name)
                        try:
                            parsed_sheet = future.result()
                        except python_calamine.PasswordError as exc:
                            raise _err_password(name) from exc
                        # A one-short run does not free it (amo_data.runtime).
                        runtime.keep(parsed_sheet.height * parsed_sheet.width, parsed_sheet)
                        sheet = _raw_sheet(name, sheet_name, parsed_sheet)
                    ahead(i + 1)
                    yield sheet
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            for part in parts:
                part.close()


def _open_halves(split: halves.Halves | None, names: list[str]) -> tuple:
    """calamine's workbooks of the two halves, or () (no split, or they do not open)."""
    if split is None:
        return ()
    import python_calamine

    opened: list = []
    try:
        if split.sheet in names:
            for path in split.paths:
                opened.append(python_calamine.CalamineWorkbook.from_path(path))
    except Exception:  # noqa: BLE001 - the sheet is parsed whole instead
        for part in opened:
            part.close()
        opened = []
    finally:
        split.close()  # calamine holds its own handles on the in-memory files
    return tuple(opened) if len(opened) == 2 else ()


def _joined_halves(name: str, sheet_name: str, in_halves: list) -> Grid | None:
    """The cells of a sheet parsed in halves (each half's taken as soon as it is parsed), or
    None to parse it whole: a half failed, or the halves' cells overlap."""
    made = {}
    for future in as_completed(in_halves):
        try:
            sheet = future.result()
        except Exception:  # noqa: BLE001
            return None
        runtime.keep(sheet.height * sheet.width, sheet)  # a one-short run does not free it
        made[future] = _sheet_grid(name, sheet_name, sheet)
    first, second = made[in_halves[0]], made[in_halves[1]]
    if first is None or second is None:  # a half too big to hold as a grid
        return None
    if not first.cells:
        return second
    if not second.cells:
        return first
    if first.start[0] + first.height > second.start[0]:
        return None  # cells of the first half below the second's first row
    return _joined(first, second)


def _joined(first: Grid, second: Grid) -> Grid:
    """The grid of a whole sheet from the grids of its halves, whose cells do not overlap in
    rows (the first half's all lie above the second's)."""
    end = first.first + len(first.cells)  # the first half's rows end here; the second's begin
    skip = max(end - second.first, 0)  # (rows of the second half above that hold no cells)
    lead = min(first.lead, second.lead)
    width = max(first.lead + len(first.cells[0]), second.lead + len(second.cells[0])) - lead

    def fitted(grid: Grid, rows: list[list]) -> list[list]:
        before = [""] * (grid.lead - lead)
        after = [""] * (width - len(before) - len(grid.cells[0]))
        return rows if not before and not after else [before + row + after for row in rows]

    gap = [[""] * width for _ in range(max(second.first - end, 0))]
    cells = fitted(first, first.cells) + gap + fitted(second, second.cells[skip:])
    return Grid(cells, (first.first, lead), len(cells), width)


class _Rows:
    """Rows as Excel numbers them: empty rows between data kept as ``[]``, trailing empty cells
    and rows dropped, and the cap on filled cells enforced as rows arrive."""

    def __init__(self, name: str, sheet_name: str):
        self.name, self.sheet_name = name, sheet_name
        self.rows: list[list[object]] = []
        self.pending_empty = 0
        self.filled = 0

    def add(self, cells: list[object], pad: list[object] | None = None) -> None:
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            self.pending_empty += 1
            return
        self.filled += len(cells) - cells.count(None)
        if self.filled > MAX_FILLED_CELLS:
            raise _err_too_many_cells(self.name, self.sheet_name)
        if self.pending_empty:
            self.rows.extend([[] for _ in range(self.pending_empty)])
            self.pending_empty = 0
        self.rows.append(pad + cells if pad else cells)


def _raw_sheet(name: str, sheet_name: str, sheet) -> RawSheet:
    """A sheet calamine parsed, as the reader gives it: with its :class:`Grid` when its cells
    fill the grid well, else (many empty rows, or a big range) row by row as before."""
    grid = _sheet_grid(name, sheet_name, sheet)
    if grid is None:
        start = sheet.start
        return RawSheet(sheet_name, _sheet_rows(name, sheet_name, sheet.iter_rows(), start, sheet.height, sheet.width))
    return _of_grid(name, sheet_name, grid)


def _of_grid(name: str, sheet_name: str, grid: Grid) -> RawSheet:
    filled = sum(map(len, grid.cells)) - sum(map(list.count, grid.cells, repeat("")))
    if filled > MAX_FILLED_CELLS or filled < len(grid.cells):  # maybe too many; mostly empty
        return RawSheet(sheet_name, grid.rows(name, sheet_name))  # (the rows count exactly)
    return RawSheet(sheet_name, grid=grid)


def _sheet_grid(name: str, sheet_name: str, sheet) -> Grid | None:
    """A parsed sheet's cells as calamine gives them (rows of one length); None for a range
    of more than :data:`GRID_MAX_CELLS` cells (its rows are made one by one, as they come)."""
    start = sheet.start
    if start is None:
        return Grid([], (0, 0), 0, 0)
    height, width = sheet.height, sheet.width
    if start[0] + height > MAX_ROWS or start[1] + width > MAX_COLUMNS or height * width > MAX_CELL_AREA:
        raise _err_huge(name, sheet_name, start[0] + height, start[1] + width)
    if height * width > GRID_MAX_CELLS:
        return None
    cells = list(sheet.iter_rows())
    if len(set(map(len, cells))) > 1:  # never from calamine's ranges
        return None
    return Grid(cells, start, height, width)


def normal(v: object) -> object:
    """A cell of calamine's as the rows hold it: blank text and numbers that are not finite
    are None, a duration a time or a number of days, anything unknown its text."""
    t = type(v)
    if t is str:
        return v if v.strip() else None
    if t is float:
        return v if _NEG_INF < v < _INF else None
    return v if t in _KEEP_TYPES else _cell(v)


def _sheet_rows(name: str, sheet_name: str, raw: Iterable[list], start: tuple[int, int], height: int,
                width: int) -> list[list[object]]:
    """The rows of calamine's rows ``raw`` of a sheet, one by one."""
    if start is None:
        return []
    collected = _Rows(name, sheet_name)
    col_pad: list[object] | None = None
    yielded = 0
    for cells in raw:
        yielded += 1
        if col_pad is None:
            col_pad = [None] * start[1] if len(cells) == width and start[1] else []
        if cells.count("") == len(cells):
            collected.pending_empty += 1
            continue
        # normal() inlined: on a sheet the column-wise path cannot take, this sees every cell
        collected.add([
            (v if v.strip() else None)
            if (t := type(v)) is str
            else (v if _NEG_INF < v < _INF else None)
            if t is float
            else v
            if t in _KEEP_TYPES
            else _cell(v)
            for v in cells
        ], col_pad)
    rows = collected.rows
    if yielded == height and start[0]:
        rows[:0] = [[] for _ in range(start[0])]
    return rows


_INF = math.inf
_NEG_INF = -math.inf
_KEEP_TYPES = frozenset({bool, int, _dt.date, _dt.datetime, _dt.time})


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, int):
        return value
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value
    if isinstance(value, _dt.timedelta):
        if _dt.timedelta(0) <= value < _dt.timedelta(days=1):
            return (_dt.datetime.min + value).time()
        return value.total_seconds() / 86400
    return str(value)


# --------------------------------------------------------------------------- CSV


_CSV_DELIMITERS = (";", ",", "\t")
_SEP_HINT = re.compile(r"sep=(\\t|[;,|:\t])[ \t]*(?:\r\n|\r|\n|$)", re.IGNORECASE)
_CSV_SNIFF_RECORDS = 50
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _decode(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _err_not_sheet(name) from exc
    else:
        if b"\x00" in data:
            raise _err_not_sheet(name)
        for encoding in ("utf-8-sig", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    text = text.lstrip("\ufeff").rstrip("\x1a")
    if _CONTROL.search(text):
        raise _err_not_sheet(name)
    return text


def _detect_delimiter(text: str) -> str:
    best = ";"
    best_score = (0, 0)
    for delimiter in _CSV_DELIMITERS:
        if delimiter not in text:
            continue
        counts: dict[int, int] = {}
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for i, record in enumerate(reader):
                if i >= _CSV_SNIFF_RECORDS:
                    break
                if len(record) > 1:
                    counts[len(record)] = counts.get(len(record), 0) + 1
        except csv.Error:
            continue
        if not counts:
            continue
        width, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        score = (freq, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(name: str, data: bytes) -> RawSheet:
    text = _decode(name, data)
    hint = _SEP_HINT.match(text)
    if hint:
        delimiter = "\t" if hint.group(1) == "\\t" else hint.group(1)
        text = text[hint.end() :]
    if not text.strip():
        raise _err_empty(name)
    if not hint:
        delimiter = _detect_delimiter(text)
    collected = _Rows(name, name)
    rows = collected.rows
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            seen = len(rows) + collected.pending_empty
            if seen >= MAX_ROWS or len(record) > MAX_COLUMNS:
                raise _err_huge(name, name, seen + 1, max(len(record), 1))
            collected.add([(v.replace("\r\n", "\n").replace("\r", "\n") if v.strip() else None) for v in record])
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            limit = _fmt_int(csv.field_size_limit())
            raise AmoError(
                f"{_q(name)} har en celle med over {limit} tegn og kan ikke læses "
                "(tjek at alle anførselstegn er lukket)."
            ) from exc
        raise _err_corrupt(name) from exc
    if rows and any(isinstance(c, str) and "\n" in c for c in rows[-1]) and _ends_inside_quotes(text, delimiter):
        raise AmoError(
            f"{_q(name)}: et anførselstegn (\") i række {len(rows)} bliver aldrig lukket, så resten af filen "
            "ville blive læst som én celle. Luk anførselstegnet i filen, og prøv igen."
        )
    return RawSheet(name=name, rows=rows, is_csv=True)


def _ends_inside_quotes(text: str, delimiter: str) -> bool:
    """True when a quoted field is still open at the end of the text (rows would be lost)."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False
