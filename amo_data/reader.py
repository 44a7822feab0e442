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
  Known binary formats (PDF, PNG, JPEG, ...), NUL bytes, or text that is mostly control
  characters, whatever the extension: "not a spreadsheet".

A workbook is checked by :mod:`amo_data.guard` before any parser sees it (zip bombs, cells
spread over the whole grid, shared strings that expand to gigabytes, ...), and then parsed
by python-calamine. A CSV file is read in Python. An uploaded file is read (and checked) in a
child process with limits on memory and time (:func:`amo_data.validate.check_bytes`, with
:mod:`amo_data.sandbox`), so that a file that slips past the guard costs one check, never
the process.

The upload size limit: :data:`DEFAULT_MAX_BYTES` (25 MB), or ``AMO_MAX_UPLOAD_MB`` megabytes
from the environment (1 MB = 1,048,576 bytes; decimals allowed), or the ``max_bytes``
argument. :func:`max_bytes` gives the value in force; the guard's caps follow from it.

Cells (decisions where the contract is silent):

* ``rows[i]`` is Excel row ``i + 1`` and ``rows[i][j]`` column ``j + 1``: leading empty rows are
  ``[]`` and leading empty columns ``None``. Rows are ragged: trailing empty cells are removed,
  an empty row is ``[]``, and trailing empty rows are dropped.
* A string that is empty or only whitespace becomes ``None``; other strings are kept exactly
  (control characters too: validation names the cell that holds one).
* Numbers from a workbook stay as calamine gives them (Excel numbers are floats, so ``4``
  arrives as ``4.0``); NaN or infinite numbers become ``None``.
* Dates/times come as ``datetime.date``/``datetime.datetime``/``datetime.time``; a duration
  cell (``[t]:mm``) becomes a ``time`` when under 24 hours, else its length in days (float).
* An error cell (``#N/A``, ``#DIV/0!``) arrives as ``None``: python-calamine 0.9 reports
  error cells as empty, so the reader cannot show their text.
* Hidden and very hidden sheets are returned too; chart/dialog sheets are skipped. A sheet
  with more than :data:`~amo_data.guard.MAX_FILLED_CELLS` filled cells is refused.
* CSV: one encoding per file: UTF-8 (BOM or not), else Windows-1252, else latin-1; UTF-16
  with a BOM (Excel's "Unicode text") is also accepted. A file that mixes UTF-8 with
  Windows-1252 (a header saved by Excel, rows added by another program) is refused, naming a
  line of each, since either reading would garble its æ, ø and å. The delimiter (``;``,
  ``,`` or tab) is the one giving the most records with the same number (> 1) of fields
  among the first 50 records, parsed with quotes honoured; ties prefer ``;`` (Danish Excel).
  A first line ``sep=;`` (Excel's delimiter hint, which Excel does not show as a row) sets
  the delimiter and is not a row. ``rows[i]`` is CSV record ``i + 1`` (a quoted cell may
  span lines). Cells stay strings (``None`` when empty); a line break inside a quoted cell
  becomes ``\\n``.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re

from . import guard, guard_xls
from .errors import AmoError
from .fields import normal
from .guard import MAX_COLUMNS, MAX_FILLED_CELLS, MAX_ROWS, MB

DEFAULT_MAX_BYTES = 25 * MB
MAX_BYTES_ENV = "AMO_MAX_UPLOAD_MB"

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


class RawSheet:
    """One sheet (or one CSV file).

    ``rows[i]`` is the row Excel shows as number ``i + 1`` (leading empty rows are kept as
    empty lists so numbers stay true), normalised as the module's docstring says. Cells are
    None, str, int, float, bool, ``datetime.datetime``, ``datetime.date`` or ``datetime.time``.

    ``cells`` are the cells as they were read, which validation reads: for a workbook, as
    calamine gives them (rows of one length, ``""`` for an empty cell), the first of them Excel
    row ``first_row + 1`` and column ``first_col + 1``; for a CSV file (or rows given), the rows.
    A workbook's ``rows`` are made from its cells on first use.
    """

    def __init__(self, name: str, rows: list[list[object]] | None = None, is_csv: bool = False, *,
                 cells: list[list[object]] | None = None, first_row: int = 0, first_col: int = 0):
        self.name = name  # sheet name as the workbook wrote it; for a CSV file the file name
        self.is_csv = is_csv
        self._rows = rows if rows is not None or cells is not None else []
        self.cells = cells if cells is not None else self._rows
        self.first_row, self.first_col = first_row, first_col

    @property
    def rows(self) -> list[list[object]]:
        if self._rows is None:
            self._rows = _normal_rows(self.cells, self.first_row, self.first_col)
        return self._rows

    @property
    def height(self) -> int:
        """``len(rows)``."""
        return len(self.rows)

    def row(self, i: int) -> list[object]:
        """``rows[i]``."""
        return self.rows[i]

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
    parsed = _parse_mb(os.environ.get(MAX_BYTES_ENV))
    return parsed if parsed is not None else DEFAULT_MAX_BYTES


def max_upload_mb() -> int:
    """The limit in whole megabytes, rounded up (what Streamlit's upload caps take)."""
    return max(1, -(-max_bytes() // MB))


# --------------------------------------------------------------------------- messages

_q = guard.q
_err_not_sheet = guard.err_not_sheet
_err_corrupt = guard.err_corrupt
_err_password = guard.err_password


def _err_empty(name: str) -> AmoError:
    return AmoError(f"{_q(name)} er tom.")


def too_large(name: str, size: int, limit: int) -> AmoError:
    """The message for a file above the upload limit."""
    return AmoError(f"{_q(name)} er for stor ({guard.fmt_mb(size)} MB). Den må højst fylde {guard.fmt_mb(limit)} MB.")


# --------------------------------------------------------------------------- entry point


def read_file(name: str, data: bytes, max_bytes: int | None = None) -> list[RawSheet]:
    """All sheets of a workbook, or the one table of a CSV file.

    Raises :class:`amo_data.errors.AmoError` with one Danish sentence when the file is too
    large, an archive bomb, corrupt, truncated or not a spreadsheet.
    """
    shown = _display_name(name)
    try:
        return _read(shown, data, max_bytes)
    except AmoError:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - anything a library raised on odd bytes
        raise _err_corrupt(shown) from exc


def _display_name(name: object) -> str:
    text = "" if name is None else str(name)
    base = re.split(r"[\\/]", text)[-1]
    return base or text or "uden navn"


def _read(name: str, data: bytes, limit: int | None) -> list[RawSheet]:
    if not isinstance(data, bytes):
        data = bytes(data)
    if limit is None:
        limit = max_bytes()
    if not data:
        raise _err_empty(name)
    if len(data) > limit:
        raise too_large(name, len(data), limit)
    if data.startswith(_ZIP_MAGICS):
        guard.check_zip(name, data, limit)
    elif data.startswith(_OLE2_MAGIC):
        if _ENCRYPTED_PACKAGE in data:
            raise _err_password(name)
        guard_xls.check_xls(name, data)
    elif data.startswith(_BINARY_MAGICS):
        raise _err_not_sheet(name)
    else:
        return [_read_csv(name, data)]
    return parse_workbook(name, data)


# --------------------------------------------------------------------------- workbooks


def parse_workbook(name: str, data: bytes) -> list[RawSheet]:
    """Every worksheet of a workbook the guard has passed, in order, with calamine's cells.

    Native code: untrusted bytes reach it only in the sandbox's child (see the module's
    docstring)."""
    import python_calamine

    try:
        try:
            workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except python_calamine.PasswordError as exc:
            raise _err_password(name) from exc
        with workbook:
            names = [meta.name for meta in workbook.sheets_metadata
                     if meta.typ == python_calamine.SheetTypeEnum.WorkSheet]
            sheets = []
            for sheet_name in names:
                try:
                    sheet = workbook.get_sheet_by_name(sheet_name)
                except python_calamine.PasswordError as exc:
                    raise _err_password(name) from exc
                sheets.append(_sheet(name, sheet_name, sheet))
            return sheets
    except (AmoError, MemoryError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - includes pyo3's PanicException
        raise _err_corrupt(name) from exc


def _sheet(name: str, sheet_name: str, sheet) -> RawSheet:
    """A parsed sheet with its cells as calamine gives them."""
    start = sheet.start
    if start is None:
        return RawSheet(sheet_name)
    height, width = sheet.height, sheet.width
    if start[0] + height > MAX_ROWS or start[1] + width > MAX_COLUMNS or height * width > guard.MAX_CELL_AREA:
        raise guard.err_huge(name, sheet_name, start[0] + height, start[1] + width)
    cells = sheet.to_python()
    # python-calamine 0.9 yields rows from the range's first row but columns from the data's
    # first column; both layouts are detected instead of relied on.
    first_row = start[0] if len(cells) == height else 0
    first_col = start[1] if cells and len(cells[0]) == width else 0
    return RawSheet(sheet_name, cells=cells, first_row=first_row, first_col=first_col)


def _normal_rows(cells: list[list[object]], first_row: int, first_col: int) -> list[list[object]]:
    """Calamine's cells as the rows the module's docstring describes."""
    rows: list[list[object]] = []
    pending_empty = 0  # empty rows seen since the last row with a value
    pad = [None] * first_col
    for raw in cells:
        row = [normal(v) for v in raw]
        while row and row[-1] is None:
            row.pop()
        if not row:
            pending_empty += 1
            continue
        rows.extend([] for _ in range(pending_empty))
        pending_empty = 0
        rows.append(pad + row)
    if rows and first_row:
        rows[:0] = [[] for _ in range(first_row)]
    return rows


# --------------------------------------------------------------------------- CSV


_CSV_DELIMITERS = (";", ",", "\t")
_SEP_HINT = re.compile(r"sep=(\\t|[;,|:\t])[ \t]*(?:\r\n|\r|\n|$)", re.IGNORECASE)
_CSV_SNIFF_RECORDS = 50
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.05  # text with more control characters than this is binary
# A well-formed UTF-8 sequence of two to four bytes (no overlong forms, no surrogates).
_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def _err_mixed_encoding(name: str, ansi_line: int, utf8_line: int) -> AmoError:
    return AmoError(
        f"{_q(name)} blander to tegnsæt: linje {ansi_line} er gemt som Windows-1252 (ANSI) og linje "
        f"{utf8_line} som UTF-8, så æ, ø og å ville blive læst forkert. Åbn filen i Excel, gem den som "
        '"CSV UTF-8", og prøv igen.'
    )


def _decode(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _err_not_sheet(name) from exc
    else:
        if b"\x00" in data:
            raise _err_not_sheet(name)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            _refuse_mixed(name, data)
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    text = text.lstrip("\ufeff").rstrip("\x1a")
    if len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise _err_not_sheet(name)
    return text


def _refuse_mixed(name: str, data: bytes) -> None:
    """Refuse bytes that are not UTF-8 but hold well-formed UTF-8 sequences besides bytes
    that only Windows-1252 (or latin-1) explains: two encodings in one file."""
    utf8 = _UTF8_MULTI.search(data)
    if utf8 is None:
        return
    pos = 0
    while True:  # the first high byte outside a well-formed UTF-8 sequence
        high = _HIGH_BYTE.search(data, pos)
        if high is None:
            return
        seq = _UTF8_MULTI.match(data, high.start())
        if seq is None:
            break
        pos = seq.end()
    ansi_line = data.count(b"\n", 0, high.start()) + 1
    utf8_line = data.count(b"\n", 0, utf8.start()) + 1
    raise _err_mixed_encoding(name, ansi_line, utf8_line)


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
    rows: list[list[object]] = []
    pending_empty = 0
    filled = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            seen = len(rows) + pending_empty
            if seen >= MAX_ROWS or len(record) > MAX_COLUMNS:
                raise guard.err_huge(name, name, seen + 1, max(len(record), 1))
            cells = [(v.replace("\r\n", "\n").replace("\r", "\n") if v.strip() else None) for v in record]
            while cells and cells[-1] is None:
                cells.pop()
            if not cells:
                pending_empty += 1
                continue
            filled += len(cells) - cells.count(None)
            if filled > MAX_FILLED_CELLS:
                raise guard.err_too_many_cells(name, name)
            rows.extend([] for _ in range(pending_empty))
            pending_empty = 0
            rows.append(cells)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            limit = guard.fmt_int(csv.field_size_limit())
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
