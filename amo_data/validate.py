"""Normalising and validating raw sheets into the three canonical tables plus problems.

``check_bytes`` reads a file with :func:`amo_data.reader.read_sheets` and hands the raw grids to
:func:`validate_sheets`, the pure core: it finds the known sheets (or recognises the one table
of a CSV file), finds the header row, maps headers to columns, checks every cell against the
file format (``/work/shared/spec/data-format.md``) and builds the canonical tables of
:mod:`amo_data.schema`. Every problem of a file is collected; nothing stops at the first one.

Decisions where the contract is silent (documented for users and developers):

- A missing required column is one error per column with ``row`` = the header row and
  ``column`` = None (the file wrote no such header); the message lists the column's aliases.
- Rows with an error are left out of the returned tables (so every value in a table has its
  canonical type); ``FileResult.ok`` is False whenever there is an error. ``FileResult.rows``
  (the ``rows`` of ``check --json``) counts the rows read: table rows plus the data rows left
  out for errors (each such row counts once, also in the box layout).
- Skipped empty rows between data rows give one warning per sheet, ``row`` = the first of them.
  Empty rows after the last data row are the end of the table and give no warning.
- A ``Hjælp`` on an Arbejdsark row whose Kategori is not ``Brug for at styrke`` is a warning and
  the value is dropped (the entry counts as a strength/task, never as a need with help).
- In the normal layout a ``Beskrivelse`` becomes several entries only when it holds two or more
  lines that all start with a bullet (``•``, ``-``, ``–`` or ``*``); otherwise the cell is one entry
  (inner whitespace and line breaks collapsed). In a box cell every line is an entry, and a ``•``
  inside a line also starts a new entry; the bullet is stripped.
- In the box layout a ``Hjælp`` column applies to the entries of the ``Brug for at styrke`` box of
  the same row (boxes that imply a help type keep their own). A box-layout row with data but no
  entry is skipped with a warning.
- Handleplan ``År`` may be absent (column or cell) when ``Hvornår`` carries a year or a date;
  the row's year is then the year of the resolved quarter.
- A workbook with two sheets of the same table (e.g. ``Arbejdsark`` and ``Worksheet``) gives the
  rows of both. A known sheet that is entirely empty is ignored without a problem.
- A ``Dato`` (Arbejdsark, Handleplan) must lie in the years 2000–2100 when the row's year is
  derived from it; ``Tiltrådt`` may be any date.
- Text columns of the canonical tables hold ``str`` or ``None`` (object dtype).
- Data in a column whose header cell is empty gives one warning per column (it is ignored).
- An ``År`` cell holding a date whose Excel serial is 2000–2100 (2026 typed into a
  date-formatted cell, shown as 18-07-1905) is read as that year.
- Problems are ordered by sheet, row and column position.

Speed: a sheet whose every data row is clean (no error, no warning, no skipped row; the normal
layout, one entry per Beskrivelse) is validated column-wise, each distinct cell parsed once by
the same parsers; anything else falls back to the row-wise path for the whole sheet. Both give
exactly the same result (``tests/test_validate_fast.py`` runs both on every kind of input).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from itertools import chain, islice, repeat
from operator import add
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import runtime, quarters, vocab
from .errors import AmoError, Problem
from .schema import (
    ARBEJDSARK,
    BOX_COLUMNS,
    BOX_KEYS,
    CANONICAL,
    COLUMNS,
    DESCRIPTION_MAX,
    HANDLEPLAN,
    SHEET_TITLES,
    TABLES,
    UDDANNELSE,
    Column,
    column_index,
    sheet_index,
)
from .text import clean, fold, joined

if TYPE_CHECKING:  # pandas is loaded only when a result's tables are asked for
    import pandas as pd

    from .reader import RawSheet


class FileResult:
    """What checking one file gave: its canonical tables, its problems and its SHA-256.

    Validation hands over ``columns``: per table, each canonical column as a plain list whose
    values already have the column's plain type (str, int, float, bool or date; None where
    empty; never NaN), which the store relies on. ``tables`` (pandas DataFrames with the
    canonical dtypes) is built from them on first use, so the command line's ``check`` and
    ``import`` never load pandas for it; the store reads ``columns``. A result may also be
    built from ``tables`` (tests); ``tables`` is for reading, the store does not look at it
    when ``columns`` is there.
    """

    def __init__(self, file: str, tables: dict[str, pd.DataFrame] | None = None,
                 errors: list[Problem] | None = None, warnings: list[Problem] | None = None,
                 sha256: str = "", unreadable: bool = False, rejected: dict[str, int] | None = None,
                 columns: dict[str, dict[str, list]] | None = None):
        self.file = file  # file name as uploaded (no directory)
        self._tables = tables
        self.columns = columns  # plain canonical columns per table, or None (built from tables)
        self.errors = list(errors or [])
        self.warnings = list(warnings or [])
        self.sha256 = sha256
        self.unreadable = unreadable  # the file could not be read at all (CLI exit 2)
        # Data rows per table left out of the tables because they have errors.
        self.rejected = dict(rejected or {})

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Canonical tables, see amo_data.schema.CANONICAL."""
        if self._tables is None:
            self._tables = {t: _frame(t, (self.columns or {}).get(t)) for t in TABLES}
        return self._tables

    def __repr__(self) -> str:
        return (f"FileResult(file={self.file!r}, rows={self.rows}, errors={len(self.errors)}, "
                f"warnings={len(self.warnings)}, unreadable={self.unreadable})")

    @property
    def ok(self) -> bool:
        return not self.errors

    def _length(self, table: str) -> int:
        if self._tables is None and self.columns is not None:
            columns = self.columns.get(table) or {}
            return len(next(iter(columns.values()), ()))
        return len(self.tables.get(table, ()))

    @property
    def rows(self) -> dict[str, int]:
        """Rows per table as read from the file: table rows plus data rows with errors."""
        return {t: (0 if self.unreadable else self._length(t) + self.rejected.get(t, 0)) for t in TABLES}

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "ok": self.ok,
            "rows": self.rows,
            "errors": [p.to_json() for p in self.errors],
            "warnings": [p.to_json() for p in self.warnings],
        }


# --------------------------------------------------------------------------------------------
# Public helpers
# --------------------------------------------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def describe(problem: Problem, with_file: bool = True) -> str:
    """One line for text output, e.g.
    ``plan.xlsx: Handleplan, række 7, kolonne "Hvornår": "4. kvartl 2026" er ikke et kvartal …``.
    """
    where = []
    if problem.sheet:
        where.append(problem.sheet)
    if problem.row is not None:
        where.append(f"række {problem.row}")
    if problem.column:
        where.append(f'kolonne "{problem.column}"')
    text = ", ".join(where)
    text = f"{text}: {problem.message}" if text else problem.message
    if with_file and problem.file:
        text = f"{problem.file}: {text}"
    return text


_TEXT_KEYS = {
    ARBEJDSARK: {"department", "area", "category", "description", "help", "role"},
    HANDLEPLAN: {"department", "what", "area", "why", "how", "help", "when", "quarter", "who",
                 "follow_up", "status"},
    UDDANNELSE: {"department", "role", "name", "course", "when", "quarter", "status"},
}
_INT_KEYS = {"year"}
_NULLABLE_INT_KEYS = {"rating"}
_FLOAT_KEYS = {"hours"}
_BOOL_KEYS = {"urgent"}


def _frame(table: str, columns: dict[str, list] | None = None) -> pd.DataFrame:
    """A canonical table with exactly ``CANONICAL[table]`` columns and their dtypes."""
    import pandas as pd

    data = {}
    for key in CANONICAL[table]:
        values = columns.get(key, []) if columns else []
        if key in _INT_KEYS:
            data[key] = pd.Series(values, dtype="int64")
        elif key in _NULLABLE_INT_KEYS:
            data[key] = pd.Series(values, dtype="Int64")
        elif key in _FLOAT_KEYS:
            data[key] = pd.Series(values, dtype="float64")
        elif key in _BOOL_KEYS:
            data[key] = pd.Series(values, dtype="bool")
        else:  # text and dates: str / datetime.date or None
            data[key] = pd.Series(values, dtype="object")
    return pd.DataFrame(data, columns=list(CANONICAL[table]))


def empty_tables() -> dict[str, pd.DataFrame]:
    return {t: _frame(t) for t in TABLES}


def _empty_columns() -> dict[str, dict[str, list]]:
    return {t: {key: [] for key in CANONICAL[t]} for t in TABLES}


def unreadable_result(name: str, message: str, data: bytes | None = None) -> FileResult:
    """The result for a file that could not be read at all."""
    return FileResult(
        file=name,
        columns=_empty_columns(),
        errors=[Problem(name, None, None, None, None, message)],
        sha256=sha256(data) if data is not None else "",
        unreadable=True,
    )


def _reader():
    from . import reader

    return reader


def _limit(max_bytes: int | None) -> int:
    if max_bytes is not None:
        return max_bytes
    reader = _reader()
    func = getattr(reader, "max_bytes", None)
    if callable(func):
        return int(func())
    return reader.DEFAULT_MAX_BYTES


def _size_text(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def check_bytes(name: str, data: bytes, max_bytes: int | None = None) -> FileResult:
    """Read and validate one file. Never raises for bad input: problems are in the result."""
    text = "" if name is None else str(name)
    name = re.split(r"[\\/]", text)[-1] or text or "uden navn"
    # One sheet after the other: a workbook's next sheet is parsed while this one is checked.
    # The reader gives every failure of its own as an AmoError (a file that cannot be read).
    sheets = _reader().read_sheets(name, data, max_bytes)
    try:
        with closing(sheets):
            first = list(islice(sheets, 1))
            disguised = _text_named_as_workbook(name, data, first)
            if disguised:
                return unreadable_result(name, disguised, data)
            result = validate_sheets(name, chain(first, sheets))
    except AmoError as exc:
        return unreadable_result(name, exc.message, data)
    result.sha256 = sha256(data)
    return result


_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def _text_named_as_workbook(name: str, data: bytes, sheets: list) -> str | None:
    """The message for a text file named like a workbook that holds no known table, else None.

    Such a file could not be read as the spreadsheet its name promises (exit 2), while a
    tab-separated export named ``.xls`` with the right headers, which some systems write, is
    read as the table it is."""
    suffix = next((s for s in _WORKBOOK_SUFFIXES if name.lower().endswith(s)), None)
    if suffix is None or len(sheets) != 1 or not getattr(sheets[0], "is_csv", False):
        return None
    table, header, _message = _recognise_csv(sheets[0].rows or [])
    if table is not None or header is not None:  # a table, or headers of two: the CSV's own message
        return None
    start = data[:4096].lower()
    if b"<html" in start or b"<table" in start:
        return (f'Filen "{name}" er en webside (HTML) med endelsen {suffix}, ikke et regneark. '
                "Åbn den i Excel, og gem den som Excel-projektmappe (.xlsx).")
    return (f'Filen "{name}" er ikke et regneark: navnet ender på {suffix}, men filen indeholder tekst uden '
            "kolonneoverskrifterne fra Arbejdsark, Handleplan eller Uddannelse. Åbn den i Excel, og "
            "gem den som Excel-projektmappe (.xlsx), eller brug skabelonen.")


def check_path(path: str | Path, max_bytes: int | None = None) -> FileResult:
    """Read and validate one file on disk; a too-large file is refused before it is read."""
    path = Path(path)
    name = path.name
    limit = _limit(max_bytes)
    try:
        if path.is_dir():
            return unreadable_result(name, f'"{path}" er en mappe, ikke en fil.')
        if not path.is_file():
            return unreadable_result(name, f'Filen "{path}" findes ikke.')
        size = path.stat().st_size
        if size > limit:
            too_large = getattr(_reader(), "_err_too_large", None)
            if callable(too_large):  # the reader's own wording, so both paths say the same
                return unreadable_result(name, too_large(name, size, limit).message)
            return unreadable_result(
                name,
                f'Filen "{name}" er for stor ({_size_text(size)}); den største tilladte '
                f"størrelse er {_size_text(limit)}.",
            )
        data = path.read_bytes()
    except OSError as exc:
        return unreadable_result(name, f'Filen "{path}" kan ikke læses: {exc.strerror or exc}.')
    return check_bytes(name, data, limit)


# --------------------------------------------------------------------------------------------
# Cell helpers
# --------------------------------------------------------------------------------------------


def _empty(value: object) -> bool:
    if value is None:
        return True
    kind = type(value)  # exact types first: this runs for every cell
    if kind is str:
        return not value.strip()
    if kind is int or kind is dt.datetime:
        return False
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    return False


def _as_text(value: object) -> str:
    """A cell as text, the way the user would read it."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%d-%m-%Y") if value.year >= 1000 else value.date().isoformat()
        return clean(value.isoformat(sep=" "))
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y") if value.year >= 1000 else value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return clean(value)


def _shown(value: object) -> str:
    """A cell value as quoted in a message."""
    text = _as_text(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _number(value: object) -> float | None:
    """A finite number from a numeric cell or a text with decimal point or comma."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value) if not isinstance(value, int) or abs(value) < 2**63 else None
    elif isinstance(value, str):
        text = clean(value).replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
            return None
        number = float(text)
    else:
        return None
    if number is None or not math.isfinite(number):
        return None
    return number


def _whole(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = _number(value)
    if number is None or not number.is_integer():
        return None
    return int(number)


_LIST_LINE = re.compile(r"^\s*[•\-–*·]")  # a line of a bulleted list
_BULLET = re.compile(r"^\s*(?:[•·]|[\-–*](?![\d.,]))\s*")  # the marker to strip: "-5 grader" keeps its minus
_LINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\v")


def _split_box(value: object) -> list[str]:
    """The entries of a box cell: one per line (and per inline •), bullets stripped."""
    text = value if isinstance(value, str) else _as_text(value)
    parts = []
    for line in _LINES.split(text):
        for piece in line.split("•"):
            piece = clean(_BULLET.sub("", piece, count=1))
            if piece:
                parts.append(piece)
    return parts


def _split_description(value: object) -> list[str]:
    """A Beskrivelse: several entries only when it is a list of bulleted lines."""
    if isinstance(value, str):
        lines = [line for line in _LINES.split(value) if line.strip()]
        if len(lines) >= 2 and all(_LIST_LINE.match(line) for line in lines):
            return [p for p in (clean(_BULLET.sub("", line, count=1)) for line in lines) if p]
    text = _as_text(value)
    return [text] if text else []


def _listing(values: tuple[str, ...] | list[str]) -> str:
    return joined([f'"{v}"' for v in values], "eller")


def _key(value: object) -> tuple:
    return (type(value), value)


def _cached(func: Callable[[object], Any]) -> Callable[[object], Any]:
    """Memoise a cell parser per distinct (type, value) for one validation run."""
    cache: dict = {}
    texts: dict = {}  # plain str cells, the common case, keyed without building a tuple

    def wrapper(value: object):
        if type(value) is str:
            hit = texts.get(value, texts)
            if hit is texts:
                hit = texts[value] = func(value)
            return hit
        try:
            key = (type(value), value)
            hit = cache.get(key, cache)
        except TypeError:  # unhashable: never cached
            return func(value)
        if hit is cache:
            hit = func(value)
            cache[key] = hit
        return hit

    return wrapper


# Parsers return (value, error message or None).


def _parse_year(value: object) -> tuple[int | None, str | None]:
    if isinstance(value, dt.date):
        # 2026 typed into a date-formatted cell shows as 18-07-1905: Excel's serial 2026.
        day = value.date() if isinstance(value, dt.datetime) else value
        serial = (day - quarters.EXCEL_EPOCH).days
        if 2000 <= serial <= 2100 and (not isinstance(value, dt.datetime) or value.time() == dt.time(0)):
            return serial, None
    year = _whole(value)
    if year is None or not 2000 <= year <= 2100:
        return None, f'"{_shown(value)}" er ikke et gyldigt år (et helt tal fra 2000 til 2100, fx 2026).'
    return year, None


def _parse_date(value: object) -> tuple[dt.date | None, str | None]:
    day = quarters.parse_date(value)
    if day is None:
        return None, f'"{_shown(value)}" er ikke en dato (fx "15-03-2026" eller "2026-03-15").'
    return day, None


def _parse_rating(value: object) -> tuple[int | None, str | None]:
    rating = _whole(value)
    if rating is None or not 1 <= rating <= 5:
        return None, (
            f'"{_shown(value)}" er ikke en gyldig vurdering (et helt tal fra 1 til 5, '
            "hvor 1 = slet ikke og 5 = helt)."
        )
    return rating, None


def _parse_hours(value: object) -> tuple[float | None, str | None]:
    hours = _number(value)
    if hours is None or hours < 0:
        return None, f'"{_shown(value)}" er ikke et antal timer (et tal på 0 eller mere, fx 14,8).'
    return hours, None


def _vocab_parser(voc: vocab.Vocabulary, what: str) -> Callable[[object], tuple[str | None, str | None]]:
    def parse(value: object) -> tuple[str | None, str | None]:
        match = voc.match(value)
        if match is None:
            return None, f'"{_shown(value)}" er ikke {what} (vælg {_listing(voc.values)}).'
        return match, None

    return parse


def _parse_category(value: object) -> tuple[str | None, str | None]:
    if fold(value) == vocab.AMBIGUOUS_CATEGORY:
        return None, (
            f'"{_shown(value)}" er tvetydigt: skriv "{vocab.LYKKES}", hvis det er noget, I allerede '
            f'lykkes med, eller "{vocab.BRUG_FOR_AT_STYRKE}", hvis I har brug for at styrke det.'
        )
    match = vocab.CATEGORY.match(value)
    if match is None:
        return None, f'"{_shown(value)}" er ikke en kategori (vælg {_listing(vocab.CATEGORY.values)}).'
    return match, None


def _when_text(value: object) -> str:
    """Hvornår as written; a date (cell or Excel serial) as dd-mm-yyyy."""
    if isinstance(value, dt.datetime) and 1000 <= value.year:
        return value.strftime("%d-%m-%Y")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        day = quarters.parse_date(value)
        if day is not None:
            return day.strftime("%d-%m-%Y")
    return _as_text(value)


# --------------------------------------------------------------------------------------------
# Header detection
# --------------------------------------------------------------------------------------------


_INDEXES = {t: column_index(t) for t in TABLES}


def _matches(row: list, table: str) -> set[str]:
    """Folded known headers of ``table`` found in ``row``."""
    index = _INDEXES[table]
    found = set()
    for cell in row:
        if _empty(cell) or not isinstance(cell, (str, int, float)):
            continue
        key = fold(cell)
        if key in index or (table == ARBEJDSARK and key in BOX_KEYS):
            found.add(key)
    return found


def _header_row(sheet, table: str) -> int | None:
    """The first row of ``sheet`` (a :class:`~amo_data.reader.RawSheet`) with two known headers
    of ``table``; its rows are not all built for this."""
    for i in range(sheet.height):
        row = sheet.row(i)
        if row and len(_matches(row, table)) >= 2:
            return i
    return None


def _distinctive(table: str) -> set[str]:
    own = set(_INDEXES[table])
    if table == ARBEJDSARK:
        own |= set(BOX_KEYS)
    others = set()
    for other in TABLES:
        if other != table:
            others |= set(_INDEXES[other])
            if other == ARBEJDSARK:
                others |= set(BOX_KEYS)
    return own - others


_DISTINCTIVE = {t: _distinctive(t) for t in TABLES}


def _recognise_csv(rows: list[list]) -> tuple[str | None, int | None, str | None]:
    """(table, header row index, error) for the one table of a CSV file. Headers that fit two
    tables equally give (None, their row index, error); no header row at all (None, None, error)."""
    if not any(not _empty(c) for row in rows for c in row):
        return None, None, "CSV-filen er tom."
    for i, row in enumerate(rows):
        if not row:
            continue
        scores = {}
        for table in TABLES:
            found = _matches(row, table)
            if len(found) >= 2:
                scores[table] = (len(found & _DISTINCTIVE[table]), len(found))
        if not scores:
            continue
        best = max(scores.values())
        winners = [t for t, s in scores.items() if s == best]
        if len(winners) == 1:
            return winners[0], i, None
        names = _listing([SHEET_TITLES[t] for t in winners])
        return None, i, (
            f"CSV-filens overskrifter (række {i + 1}) passer lige godt til {names}. Tilføj de "
            'kolonner, der kendetegner tabellen, fx "Kategori" og "Beskrivelse" (Arbejdsark), '
            '"Hvad" (Handleplan) eller "Kursus" (Uddannelse).'
        )
    return None, None, (
        "CSV-filen kan ikke genkendes som Arbejdsark, Handleplan eller Uddannelse: ingen række "
        "har mindst to kendte kolonneoverskrifter. Forventet er fx "
        '"Afdeling", "Område", "Kategori" og "Beskrivelse" (Arbejdsark), '
        '"Afdeling", "Hvad", "Hjælp" og "Hvornår" (Handleplan) eller '
        '"Afdeling", "Rolle", "Kursus" og "Status" (Uddannelse).'
    )


# --------------------------------------------------------------------------------------------
# Validation of one sheet
# --------------------------------------------------------------------------------------------


@dataclass
class _Box:
    index: int
    header: str  # as written
    category: str
    help: str | None


class _Sheet:
    """Validates the data rows of one sheet of a known table."""

    def __init__(self, file: str, sheet: str, table: str, source: RawSheet, header: int,
                 errors: list[Problem], warnings: list[Problem], parsers: dict, fast: bool = True):
        self.file = file
        self.sheet = sheet
        self.table = table
        self.source = source  # its rows are built only for the row-wise path
        self.header = header  # 0-based index of the header row
        self.errors = errors
        self.warnings = warnings
        self.p = parsers
        self.cols: dict[str, tuple[int, str]] = {}  # key -> (cell index, header as written)
        self.boxes: list[_Box] = []
        self.written: dict[int, str] = {}  # cell index -> header as written
        self.broken = False  # a structural error: no rows are produced
        self.rejected = 0  # data rows left out because of errors
        self.out: dict[str, list] = {k: [] for k in CANONICAL[table]}
        self.fast = fast  # try the column-wise path first (tests switch it off to compare)
        self.path = ""  # after run(): "fast" or "rows", the path that produced the result
        self._map_headers()

    # -- problems ---------------------------------------------------------------------------

    def error(self, row: int | None, column: str | None, value: object, message: str) -> None:
        self.errors.append(Problem(self.file, self.sheet, row, column, value, message))

    def warn(self, row: int | None, column: str | None, value: object, message: str) -> None:
        self.warnings.append(Problem(self.file, self.sheet, row, column, value, message))

    # -- headers ----------------------------------------------------------------------------

    @property
    def rows(self) -> list[list]:
        return self.source.rows

    def _map_headers(self) -> None:
        index = _INDEXES[self.table]
        header_row = self.source.row(self.header)
        number = self.header + 1
        seen: dict[str, str] = {}  # key -> header as written
        for i, cell in enumerate(header_row):
            if _empty(cell):
                continue
            written = _as_text(cell)
            self.written[i] = written
            key = fold(cell) if isinstance(cell, str) else fold(written)
            col = index.get(key)
            if col is not None:
                target = col.key
            elif self.table == ARBEJDSARK and key in BOX_KEYS:
                target = "box:" + BOX_KEYS[key]
            else:
                self.warn(number, written, cell,
                          f'Kolonnen "{written}" er ikke en kendt kolonne og bliver ignoreret.')
                continue
            if target in seen:
                first = seen[target]
                if clean(first) == written:
                    msg = f'Kolonnen "{written}" findes flere gange i overskriftsrækken; slet eller omdøb den ene.'
                else:
                    msg = (f'Kolonnen "{written}" betyder det samme som kolonnen "{first}"; '
                           "slet eller omdøb den ene.")
                self.error(number, written, cell, msg)
                self.broken = True
                continue
            seen[target] = written
            if target.startswith("box:"):
                category, help_ = BOX_COLUMNS[target[4:]]
                self.boxes.append(_Box(i, written, category, help_))
            else:
                self.cols[target] = (i, written)
        self._check_required(number)

    def _missing(self, number: int, col: Column) -> None:
        others = _listing(list(col.aliases))
        also = f" Den kan også hedde {others}." if others else ""
        self.error(number, None, None, f'Kolonnen "{col.header}" mangler.{also}')
        self.broken = True

    def _check_required(self, number: int) -> None:
        columns = {c.key: c for c in COLUMNS[self.table]}
        required = [c.key for c in COLUMNS[self.table] if c.required]
        if self.table == ARBEJDSARK and self.boxes:
            # Box layout: Kategori + Beskrivelse are optional, but one needs the other.
            has_cat, has_desc = "category" in self.cols, "description" in self.cols
            required = [k for k in required if k not in ("category", "description")]
            if has_cat != has_desc:
                required.append("description" if has_cat else "category")
        for key in required:
            if key not in self.cols:
                self._missing(number, columns[key])
        if self.table == ARBEJDSARK and "date" not in self.cols and "year" not in self.cols:
            self.error(number, None, None,
                       'Arket mangler både kolonnen "Dato" og kolonnen "År"; mindst én af dem skal '
                       'være med (Dato kan også hedde "Date" eller "Mødedato", År kan hedde "Year").')
            self.broken = True

    # -- rows -------------------------------------------------------------------------------

    def run(self) -> None:
        if self.fast and self._run_fast():
            self.path = "fast"
            return
        self.path = "rows"
        used = sorted({i for i, _ in self.cols.values()} | {b.index for b in self.boxes})
        pending: list[int] = []
        skipped: list[int] = []
        process = {ARBEJDSARK: self._arbejdsark, HANDLEPLAN: self._handleplan,
                   UDDANNELSE: self._uddannelse}[self.table]
        width = len(self.source.row(self.header))
        headless = [j for j in range(width) if j not in self.written]  # empty header cells
        stray: dict[int, tuple[int, object]] = {}  # column -> (first row, value) without a header
        for i in range(self.header + 1, len(self.rows)):
            row = self.rows[i]
            n = len(row)
            if n > width:
                for j in range(width, n):
                    if j not in stray and not _empty(row[j]):
                        stray[j] = (i + 1, row[j])
            if headless:
                for j in headless:
                    if j < n and j not in stray and not _empty(row[j]):
                        stray[j] = (i + 1, row[j])
            for j in used:
                if j < n and not _empty(row[j]):
                    break
            else:  # no value in any known column
                pending.append(i + 1)
                continue
            if pending:
                skipped.extend(pending)
                pending = []
            process(row, i + 1)
        if skipped:
            shown = ", ".join(f"{r:,}".replace(",", ".") for r in skipped[:10]) + (", …" if len(skipped) > 10 else "")
            if len(skipped) == 1:
                msg = f"1 tom række blev sprunget over (række {shown})."
            else:
                count = f"{len(skipped):,}".replace(",", ".")
                msg = f"{count} tomme rækker blev sprunget over (række {shown})."
            self.warn(skipped[0], None, None, msg)
        for j in sorted(stray):
            number, value = stray[j]
            self.warn(number, None, value,
                      f"Kolonne {_letters(j)} har indhold (første gang i række {number}), men ingen "
                      "overskrift, så den bliver ignoreret.")

    def cell(self, row: list, key: str) -> tuple[object, str | None]:
        """(raw value, header as written) of a column; (None, None) when the sheet lacks it."""
        spec = self.cols.get(key)
        if spec is None:
            return None, None
        i, header = spec
        return (row[i] if i < len(row) else None), header

    def required_text(self, row: list, number: int, key: str, problems: list) -> str | None:
        value, header = self.cell(row, key)
        if header is None:
            return None
        if _empty(value):
            problems.append((number, header, None, _must_fill(header)))
            return None
        text = self.p["text"](value)
        if not text:
            problems.append((number, header, value,
                             f'Kolonnen "{header}" skal udfyldes, men cellen indeholder ingen tekst.'))
            return None
        return text

    def optional_text(self, row: list, key: str) -> str | None:
        value, _ = self.cell(row, key)
        if _empty(value):
            return None
        return self.p["text"](value) or None

    def parsed(self, row: list, number: int, key: str, parser: str, problems: list,
               required: bool = False) -> tuple[Any, bool]:
        """(value, given) of a parsed column; problems are appended for bad or missing values."""
        value, header = self.cell(row, key)
        if header is None:
            return None, False
        if _empty(value):
            if required:
                problems.append((number, header, None, _must_fill(header)))
            return None, False
        result, message = self.p[parser](value)
        if message:
            problems.append((number, header, value, message))
        return result, True

    def area(self, row: list, number: int, problems: list) -> str | None:
        value, header = self.cell(row, "area")
        if header is None:
            return None
        if _empty(value):
            problems.append((number, header, None, _must_fill(header)))
            return None
        match, known = self.p["area"](value)
        if not known:
            self.warn(number, header, value,
                      f'"{_shown(value)}" er ikke et kendt område; det gemmes, som det er skrevet.')
        return match

    def flush(self, problems: list) -> bool:
        for number, header, value, message in problems:
            self.error(number, header, value, message)
        if problems or self.broken:
            self.rejected += 1
            return False
        return True

    # -- Arbejdsark -------------------------------------------------------------------------

    def _arbejdsark(self, row: list, number: int) -> None:
        problems: list = []
        department = self.required_text(row, number, "department", problems)
        date, date_given = self.parsed(row, number, "date", "date", problems)
        year, year_given = self.parsed(row, number, "year", "year", problems)
        if not year_given and not date_given and not self.broken:
            _, header = self.cell(row, "year")
            if header is None:
                _, header = self.cell(row, "date")
            problems.append((number, header, None,
                             'Rækken mangler både Dato og År; udfyld mindst én af dem.'))
        elif not year_given and date is not None:
            if 2000 <= date.year <= 2100:
                year = date.year
            else:
                _, header = self.cell(row, "date")
                raw, _ = self.cell(row, "date")
                message = (f'Datoen "{_shown(raw)}" ligger ikke i årene 2000–2100, så rækkens '
                           "år kan ikke udledes af den; ret datoen eller udfyld År.")
                problems.append((number, header, raw, message))
        area = self.area(row, number, problems)
        rating, _ = self.parsed(row, number, "rating", "rating", problems)
        role = self.optional_text(row, "role")
        help_raw, help_header = self.cell(row, "help")
        help_given = not _empty(help_raw)

        entries: list[tuple[str | None, str, str | None]] = []  # (category, description, help)
        help_used = False
        cat_raw, cat_header = self.cell(row, "category")
        desc_raw, desc_header = self.cell(row, "description")
        normal = cat_header is not None or desc_header is not None
        if normal and not (self.boxes and _empty(cat_raw) and _empty(desc_raw)):
            category, _ = self.parsed(row, number, "category", "category", problems, required=True)
            descriptions = []
            if desc_header is not None:
                if _empty(desc_raw):
                    problems.append((number, desc_header, None,
                                     _must_fill(desc_header)))
                else:
                    descriptions = self.p["description"](desc_raw)
                    if not descriptions:
                        problems.append((number, desc_header, desc_raw,
                                         f'Kolonnen "{desc_header}" skal udfyldes, men cellen har kun punkttegn.'))
                    for text in descriptions:
                        if len(text) > DESCRIPTION_MAX:
                            problems.append((number, desc_header, desc_raw, _too_long(text)))
            help_value = None
            if help_given:
                if category is not None and category != vocab.BRUG_FOR_AT_STYRKE:
                    self.warn(number, help_header, help_raw,
                              f'Hjælp "{_shown(help_raw)}" bruges kun ved "{vocab.BRUG_FOR_AT_STYRKE}"; '
                              f'rækken er "{category}", så hjælpen ignoreres.')
                    help_used = True
                else:
                    help_value, message = self.p["help"](help_raw)
                    if message:
                        problems.append((number, help_header, help_raw, message))
                    help_used = True
            entries.extend((category, text, help_value) for text in descriptions)
        if self.boxes:
            row_help = None
            if help_given and not help_used:
                row_help, message = self.p["help"](help_raw)
                if message:
                    problems.append((number, help_header, help_raw, message))
                    help_used = True
            for box in self.boxes:
                raw = row[box.index] if box.index < len(row) else None
                if _empty(raw):
                    continue
                for text in self.p["box"](raw):
                    if len(text) > DESCRIPTION_MAX:
                        problems.append((number, box.header, raw, _too_long(text)))
                        continue
                    help_value = box.help
                    if help_value is None and box.category == vocab.BRUG_FOR_AT_STYRKE and row_help:
                        help_value = row_help
                        help_used = True
                    entries.append((box.category, text, help_value))
            if help_given and not help_used:
                self.warn(number, help_header, help_raw,
                          f'Hjælp "{_shown(help_raw)}" bruges kun ved "{vocab.BRUG_FOR_AT_STYRKE}", og '
                          "rækken har intet punkt i den boks, så hjælpen ignoreres.")
            if not entries and not problems:
                self.warn(number, None, None, "Rækken har intet punkt i nogen boks og springes over.")
                return
        if not self.flush(problems):
            return
        out = self.out
        for category, text, help_value in entries:
            out["department"].append(department)
            out["year"].append(year)
            out["date"].append(date)
            out["area"].append(area)
            out["category"].append(category)
            out["description"].append(text)
            out["help"].append(help_value)
            out["rating"].append(rating)
            out["role"].append(role)

    # -- Handleplan -------------------------------------------------------------------------

    def _handleplan(self, row: list, number: int) -> None:
        problems: list = []
        department = self.required_text(row, number, "department", problems)
        date, _ = self.parsed(row, number, "date", "date", problems)
        year, year_given = self.parsed(row, number, "year", "year", problems)
        what = self.required_text(row, number, "what", problems)
        area = self.area(row, number, problems)
        help_value, _ = self.parsed(row, number, "help", "help", problems, required=True)
        status, _ = self.parsed(row, number, "status", "status", problems)
        quarter, when_raw = self.required_quarter(
            row, number, problems, year, date, lambda v: self._when_problem(v, year_given and year is None, date))
        if not self.flush(problems):
            return
        if year is None:
            year = quarter.year
        out = self.out
        out["department"].append(department)
        out["year"].append(year)
        out["date"].append(date)
        out["what"].append(what)
        out["area"].append(area)
        out["why"].append(self.optional_text(row, "why"))
        out["how"].append(self.optional_text(row, "how"))
        out["help"].append(help_value)
        out["when"].append(self.p["when_text"](when_raw))
        out["quarter"].append(quarter.label)
        out["urgent"].append(quarter.urgent)
        out["who"].append(self.optional_text(row, "who"))
        out["follow_up"].append(self.optional_text(row, "follow_up"))
        out["status"].append(status or vocab.IKKE_STARTET)

    def required_quarter(self, row: list, number: int, problems: list, year: int | None, date: dt.date | None,
                         message) -> tuple:
        """The required Hvornår cell: (its quarter or None, the raw value); a problem is added
        when it is empty, or with ``message(value)`` when it is not a quarter."""
        when_raw, when_header = self.cell(row, "when")
        if when_header is None:
            return None, when_raw
        if _empty(when_raw):
            problems.append((number, when_header, None, _must_fill(when_header)))
            return None, when_raw
        quarter = self.p["quarter"]((_key(when_raw), year, date), when_raw, year, date)
        if quarter is None and (text := message(when_raw)):
            problems.append((number, when_header, when_raw, text))
        return quarter, when_raw

    def _when_problem(self, value: object, year_invalid: bool, date: dt.date | None) -> str | None:
        shown = _shown(value)
        if _out_of_range(value):
            return _out_of_range(value)
        if quarters.is_asap(value):
            return (f'"{shown}" kan ikke placeres i et kvartal, fordi rækken hverken har en Dato '
                    "eller et År; udfyld en af dem.")
        if quarters.parse_quarter(value, 2000, date) is not None:
            if year_invalid:
                return None  # the År cell is already reported
            return (f'"{shown}" mangler et år: udfyld kolonnen År, eller skriv året med, '
                    f'fx "{shown} 2026".')
        return f'"{shown}" er ikke et kvartal (fx "3. kvartal 2026" eller "2026-Q3")'

    # -- Uddannelse -------------------------------------------------------------------------

    def _uddannelse(self, row: list, number: int) -> None:
        problems: list = []
        department = self.required_text(row, number, "department", problems)
        role, _ = self.parsed(row, number, "role", "training_role", problems, required=True)
        joined, _ = self.parsed(row, number, "joined", "date", problems)
        course = self.required_text(row, number, "course", problems)
        hours, _ = self.parsed(row, number, "hours", "hours", problems)
        status, _ = self.parsed(row, number, "status", "training_status", problems, required=True)
        quarter, when_raw = self.required_quarter(row, number, problems, None, None, _training_when_problem)
        if not self.flush(problems):
            return
        out = self.out
        out["department"].append(department)
        out["role"].append(role)
        out["name"].append(self.optional_text(row, "name"))
        out["joined"].append(joined)
        out["course"].append(course)
        out["hours"].append(hours)
        out["when"].append(self.p["when_text"](when_raw))
        out["year"].append(quarter.year)
        out["quarter"].append(quarter.label)
        out["status"].append(status)


    # -- the column-wise fast path ----------------------------------------------------------
    #
    # Big files are clean files: a sheet whose every data row is clean is validated column by
    # column. Each used column is taken as a list, each distinct cell is parsed once with the
    # same memoised parsers as the row-wise path, and the column is mapped in C; cross-column
    # rules (Hjælp only with "Brug for at styrke", År from Dato, Hvornår completed by År or
    # Dato) are checked on the rows' values without a parser call per row. Anything the
    # row-wise path would report (an error, a warning, a skipped empty row, a stray cell) or
    # would do differently (the box layout, a Beskrivelse with several entries) raises
    # _Unclean, and the row-wise path then validates the whole sheet. The tables are exactly
    # the row-wise path's: tests/test_validate_fast.py runs both on every kind of sheet.

    def _run_fast(self) -> bool:
        """Validate the sheet column-wise; False (nothing changed) when it is not all clean."""
        if self.broken or self.boxes:
            return False
        build = {ARBEJDSARK: self._fast_arbejdsark, HANDLEPLAN: self._fast_handleplan,
                 UDDANNELSE: self._fast_uddannelse}[self.table]
        try:
            n, column = self._fast_columns()
            out = build(n, column)
        except _Unclean:
            return False
        self.out = out
        return True

    def _fast_columns(self) -> tuple[int, Callable[[str], list | None]]:
        """(the number of data rows, key -> that column's cells of the data rows, None when
        the sheet lacks the column). The data rows run from the header to the last row with a
        value in a known column (empty rows after it end the table without a warning).

        A workbook's sheet is read from its :class:`~amo_data.reader.Grid` (cells not yet
        normalised: every check below treats a blank text like an empty cell, and
        :func:`_distinct` leaves anything else the rows would hold differently, such as an
        infinite number, to the row-wise path); other sheets from their rows.

        _Unclean when a cell without a header (an empty header cell, or beyond the header
        row) has content: the row-wise path warns about it.
        """
        grid = self.source.grid
        if grid is not None:
            data, lead = grid.cells[self.header + 1 - grid.first:], grid.lead
        else:
            data, lead = self.rows[self.header + 1:], 0
        width = len(self.source.row(self.header))
        longest = lead + max(map(len, data), default=0)
        for j in range(width, longest):  # beyond the header row
            if not _all_empty([row[j - lead] for row in data if j - lead < len(row)]):
                raise _Unclean
        for j in range(lead, min(width, longest)):  # under an empty header cell
            if j not in self.written and not _all_empty([row[j - lead] for row in data if j - lead < len(row)]):
                raise _Unclean
        used = sorted(i - lead for i, _ in self.cols.values() if i >= lead)
        end = len(data)
        while end and all(j >= len(data[end - 1]) or _empty(data[end - 1][j]) for j in used):
            end -= 1
        data = data[:end]
        if not data:
            return 0, lambda key: None if key not in self.cols else []
        span = longest - lead
        if grid is not None:  # rows of one length: a column is a slice of all cells in a row
            flat = list(chain.from_iterable(data))
        else:  # short rows padded first
            pads = [[None] * (span - k) for k in range(span + 1)]
            flat = list(chain.from_iterable(map(add, data, map(pads.__getitem__, map(len, data)))))
        n = len(data)
        columns = {key: flat[i - lead::span] if lead <= i < longest else [None] * n
                   for key, (i, _) in self.cols.items()}
        return n, columns.get

    # Cell functions of the fast path: what the row-wise path makes of a cell of a clean row,
    # or _Unclean where it would add a problem or a warning.

    def _fast_required_text(self, value: object) -> str:
        if _empty(value):
            raise _Unclean
        text = self.p["text"](value)
        if not text:
            raise _Unclean
        return text

    def _fast_optional_text(self, value: object) -> str | None:
        if _empty(value):
            return None
        return self.p["text"](value) or None

    def _fast_parsed(self, parser: str, required: bool = False, empty: object = None) -> Callable:
        parse = self.p[parser]

        def cell(value: object):
            if _empty(value):
                if required:
                    raise _Unclean
                return empty
            result, message = parse(value)
            if message:
                raise _Unclean
            return result

        return cell

    def _fast_area(self, value: object) -> str:
        if _empty(value):
            raise _Unclean
        match, known = self.p["area"](value)
        if not known:
            raise _Unclean
        return match

    def _fast_description(self, value: object) -> str:
        if _empty(value):
            raise _Unclean
        entries = self.p["description"](value)
        if len(entries) != 1 or len(entries[0]) > DESCRIPTION_MAX:
            raise _Unclean
        return entries[0]

    def _fast_text(self, column: list, required: bool) -> list:
        """A free-text column: the cells themselves where they are already clean text.

        A column that repeats its values (judged by its first cells; either way gives the same
        result) is cheaper to parse once per distinct cell.
        """
        cell = self._fast_required_text if required else self._fast_optional_text
        head = column[:256]
        try:
            repeats = len(set(head)) * 4 <= len(head)
        except TypeError:  # an unhashable cell: _mapped leaves it to the row-wise path
            repeats = True
        return _mapped(column, cell) if repeats else _texts(column, cell, not required)

    def _fast_optional(self, column: list | None, n: int, cell: Callable, default: object = None) -> list:
        return [default] * n if column is None else _mapped(column, cell)

    def _fast_quarters(self, whens: list, n: int, years: list | None, dates: list | None) -> list:
        """The Quarter of every row's Hvornår, as required_quarter resolves it."""
        keys, seen = _distinct(whens)
        paired = keys is not whens
        dependent: dict = {}  # key -> "as soon as possible", for quarters that need År or Dato
        for key in seen:
            value = key[1] if paired else key
            if _empty(value):
                raise _Unclean
            # Resolved without År and Dato, a quarter never depends on them; None when it may.
            quarter = seen[key] = _quarter(value, None, None)
            if quarter is None:
                dependent[key] = quarters.is_asap(value)
        if not dependent:
            return list(map(seen.__getitem__, keys))
        # parse_quarter completes "as soon as possible" from Dato, or from År without Dato,
        # and every other expression from År alone: one call per distinct (cell, what it uses).
        memo: dict = {}
        result = []
        for key, year, date in zip(keys, years or repeat(None), dates or repeat(None)):
            quarter = seen[key]
            if quarter is None:
                uses = (key, None, date) if dependent[key] and date is not None else (key, year, None)
                quarter = memo.get(uses)
                if quarter is None:
                    quarter = memo[uses] = _quarter(key[1] if paired else key, year, date)
                    if quarter is None:
                        raise _Unclean
            result.append(quarter)
        return result

    def _fast_department_dates_years(self, column: Callable[[str], list | None]) -> tuple:
        """The Afdeling, Dato and År columns both tables start with (Dato, År None when absent)."""
        department = _mapped(column("department"), self._fast_required_text)
        dates = column("date")
        if dates is not None:
            dates = _mapped(dates, self._fast_parsed("date"))
        years = column("year")
        if years is not None:
            years = _mapped(years, self._fast_parsed("year"))
        return department, dates, years

    def _fast_arbejdsark(self, n: int, column: Callable[[str], list | None]) -> dict[str, list]:
        department, dates, years = self._fast_department_dates_years(column)
        if years is None or None in years:  # År from Dato where År is empty
            if dates is None:
                raise _Unclean
            of_date = {d: d.year if d is not None and 2000 <= d.year <= 2100 else None for d in set(dates)}
            if years is None:
                years = list(map(of_date.__getitem__, dates))
            else:
                years = [of_date[d] if y is None else y for y, d in zip(years, dates)]
            if None in years:
                raise _Unclean
        area = _mapped(column("area"), self._fast_area)
        rating = self._fast_optional(column("rating"), n, self._fast_parsed("rating"))
        role = self._fast_optional(column("role"), n, self._fast_optional_text)
        category = _mapped(column("category"), self._fast_parsed("category", required=True))
        help_ = self._fast_optional(column("help"), n, self._fast_parsed("help"))
        if help_.count(None) != n:  # a Hjælp only on "Brug for at styrke" rows, else a warning
            for category_value, help_value in set(zip(category, help_)):
                if help_value is not None and category_value != vocab.BRUG_FOR_AT_STYRKE:
                    raise _Unclean
        # Last: the one column that may cost a parser call per cell.
        descriptions = _texts(column("description"), self._fast_description, False, DESCRIPTION_MAX)
        return {"department": department, "year": years, "date": dates or [None] * n, "area": area,
                "category": category, "description": descriptions, "help": help_, "rating": rating,
                "role": role}

    def _fast_handleplan(self, n: int, column: Callable[[str], list | None]) -> dict[str, list]:
        department, dates, years = self._fast_department_dates_years(column)
        what = self._fast_text(column("what"), True)
        area = _mapped(column("area"), self._fast_area)
        help_ = _mapped(column("help"), self._fast_parsed("help", required=True))
        status = self._fast_optional(column("status"), n, self._fast_parsed("status", empty=vocab.IKKE_STARTET),
                                     vocab.IKKE_STARTET)
        whens = column("when")
        quarter = self._fast_quarters(whens, n, years, dates)
        labels, urgent, quarter_years = _quarter_columns(quarter)
        if years is None:
            years = quarter_years
        elif None in years:
            years = [qy if y is None else y for y, qy in zip(years, quarter_years)]
        optional = {key: None if (cells := column(key)) is None else self._fast_text(cells, False)
                    for key in ("why", "how", "follow_up")}
        return {"department": department, "year": years, "date": dates or [None] * n, "what": what,
                "area": area, "why": optional["why"] or [None] * n, "how": optional["how"] or [None] * n,
                "help": help_, "when": _mapped(whens, self.p["when_text"]),
                "quarter": labels, "urgent": urgent,
                "who": self._fast_optional(column("who"), n, self._fast_optional_text),
                "follow_up": optional["follow_up"] or [None] * n, "status": status}

    def _fast_uddannelse(self, n: int, column: Callable[[str], list | None]) -> dict[str, list]:
        department = _mapped(column("department"), self._fast_required_text)
        role = _mapped(column("role"), self._fast_parsed("training_role", required=True))
        names = column("name")
        joined = self._fast_optional(column("joined"), n, self._fast_parsed("date"))
        course = self._fast_text(column("course"), True)
        hours = self._fast_optional(column("hours"), n, self._fast_parsed("hours"))
        status = _mapped(column("status"), self._fast_parsed("training_status", required=True))
        whens = column("when")
        labels, _, years = _quarter_columns(self._fast_quarters(whens, n, None, None))
        return {"department": department, "role": role,
                "name": [None] * n if names is None else self._fast_text(names, False),
                "joined": joined, "course": course, "hours": hours,
                "when": _mapped(whens, self.p["when_text"]),
                "year": years, "quarter": labels,
                "status": status}


class _Unclean(Exception):
    """The sheet has something to report: the column-wise path leaves it to the row-wise one."""


# Cell types whose equal values are always of the same type (unlike 1 == 1.0 == True).
_VALUE_KEYED = frozenset({str, type(None), dt.date, dt.datetime, dt.time})


def _distinct(column: list) -> tuple[list, dict]:
    """(keys, {key: None} of the distinct keys) of a column.

    The keys are the cells themselves, or (type, cell) pairs when cells of different types
    could be equal (1, 1.0 and True): cells share a key exactly when :func:`_cached` parses
    them once. An unhashable cell (never cached) is left to the row-wise path.
    """
    try:
        seen = dict.fromkeys(column)
        if not _VALUE_KEYED.issuperset(map(type, seen)):
            _only_plain(seen)
            kinds = set(map(type, column))
            kinds.discard(type(None))
            if len(kinds) > 1:
                keys = list(zip(map(type, column), column))
                return keys, dict.fromkeys(keys)
    except TypeError:
        raise _Unclean from None
    return column, seen


# The cell types a sheet's rows hold (amo_data.reader.normal gives nothing else).
_PLAIN_CELLS = frozenset({str, int, float, bool, dt.date, dt.datetime, dt.time, type(None)})


def _only_plain(values: dict) -> None:
    """_Unclean unless every value is one a sheet's rows could hold: a workbook's grid still
    has calamine's own values (a duration, a number that is not finite), which the rows hold
    otherwise; the row-wise path reads the rows."""
    kinds = set(map(type, values))
    if not _PLAIN_CELLS.issuperset(kinds):
        raise _Unclean
    if float in kinds:
        try:
            finite = math.isfinite(math.fsum(v for v in values if type(v) is float))
        except OverflowError:  # finite numbers too big to add: the row-wise path decides
            finite = False
        if not finite:
            raise _Unclean


def _mapped(column: list, cell: Callable[[object], Any]) -> list:
    """``[cell(v) for v in column]`` with one call per distinct cell (see :func:`_distinct`);
    the column itself when every cell maps to itself."""
    keys, seen = _distinct(column)
    paired = keys is not column
    same = True
    for key in seen:
        value = key[1] if paired else key
        result = seen[key] = cell(value)
        if same and result is not value and not (type(result) is str and type(value) is str and result == value):
            same = False
    if same and ((float, 0.0) if paired else 0.0) in seen:
        same = False  # 0.0 and -0.0 share a key: every cell takes the key's value, as the cache does
    return column if same else list(map(seen.__getitem__, keys))


def _quarter_columns(quarter: list) -> tuple[list, list, list]:
    """(labels, urgent flags, years) of a list of Quarter objects, one attribute read per
    distinct object (looked up by id: hashing a dataclass runs Python code)."""
    ids = list(map(id, quarter))
    distinct = dict(zip(ids, quarter))
    return tuple(list(map({i: getattr(q, name) for i, q in distinct.items()}.__getitem__, ids))
                 for name in ("label", "urgent", "year"))


_CHUNK = 32  # cells per part of a free-text column that _texts checks at once


def _texts(column: list, cell: Callable[[object], Any], optional: bool, limit: int | None = None) -> list:
    """``_mapped(column, cell)`` for a free-text column, whose ``cell`` gives a plain text (see
    :func:`_plain_texts`) as it is if it is at most ``limit`` long, and None for an empty cell
    when ``optional``.

    The column is checked in parts of _CHUNK cells in C; only a part with another cell (to be
    cleaned, too long, not text, empty where required) is parsed, once per distinct cell.
    """
    out: list = []
    as_is = True
    for start in range(0, len(column), _CHUNK):
        part = column[start:start + _CHUNK]
        empty = None in part or "" in part
        texts = [v for v in part if v is not None and v != ""] if empty and optional else part
        if ((optional or not empty) and _plain_texts(texts)
                and (limit is None or max(map(len, texts), default=0) <= limit)):
            if empty:
                out += [v or None for v in part]
                as_is = False
            else:
                out += part
        else:
            out += _mapped(part, cell)
            as_is = False
    return column if as_is else out


def _all_empty(cells: list) -> bool:
    try:
        cells = dict.fromkeys(cells)  # equal cells are equally empty
    except TypeError:
        pass
    return all(map(_empty, cells))


# "|" can be the separator: it is printable and part of no canonical decomposition, so NFC
# never composes across it (tests/test_validate_fast.py checks both).
_SEPARATOR = "|"
# The Latin-1 characters that are not printable (str.isprintable), whitespace or not.
_LATIN1_UNPRINTABLE = bytes(range(0x20)) + bytes(range(0x7F, 0xA1)) + b"\xad"


def _plain_texts(texts: list[str]) -> bool:
    """True when every cell is a str that :func:`clean` leaves as it is.

    Such a str is NFC, has no whitespace but single spaces between words (so no line break,
    no bullet list, no NBSP) and is non-empty unless it is "": ``clean(v) == v``,
    ``_as_text(v) == v`` and ``_split_description(v) == [v]`` for a non-empty ``v``.
    Checked on the whole column in C, with no Python call per cell.
    """
    try:
        joined = _SEPARATOR.join(texts)  # TypeError for a cell that is not text
        if "  " in joined or list(map(str.strip, texts)) != texts:
            return False
    except TypeError:
        return False
    try:
        latin = joined.encode("latin-1")
    except UnicodeEncodeError:
        return joined.isprintable() and unicodedata.is_normalized("NFC", joined)
    # Latin-1 text is always NFC; then only the unprintable characters remain to look for.
    return len(latin.translate(None, _LATIN1_UNPRINTABLE)) == len(latin)


def _must_fill(header: str) -> str:
    """The message for an empty cell in a required column."""
    return f'Kolonnen "{header}" skal udfyldes, men cellen er tom.'


def _training_when_problem(value: object) -> str:
    """Why an Uddannelse Hvornår is not a quarter (the register has no År column)."""
    shown = _shown(value)
    if _out_of_range(value):
        return _out_of_range(value)
    if not quarters.is_asap(value) and quarters.parse_quarter(value, 2000) is not None:
        return f'"{shown}" mangler et år: skriv året med, fx "{shown} 2026".'
    return f'"{shown}" er ikke et kvartal eller en dato (fx "3. kvartal 2026", "2026-Q3" eller "15-08-2026").'


def _letters(index: int) -> str:
    """Excel's column letters for a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _out_of_range(value: object) -> str | None:
    """The message for a Hvornår date outside the years 2000-2100, else None."""
    if quarters.is_asap(value):
        return None
    day = quarters.parse_date(value)
    if day is not None and not 2000 <= day.year <= 2100:
        return f'"{_shown(value)}" ligger ikke i årene 2000–2100.'
    return None


def _quarter(value: object, year: int | None, date: dt.date | None) -> quarters.Quarter | None:
    """A Hvornår's quarter in the row's context; None when it is not one or not in 2000-2100."""
    quarter = quarters.parse_quarter(value, year, date)
    return quarter if quarter is not None and 2000 <= quarter.year <= 2100 else None


def _too_long(text: str) -> str:
    return (f"Beskrivelsen er {len(text):,} tegn lang; den må højst være "
            f"{DESCRIPTION_MAX:,} tegn.".replace(",", "."))


def _parsers() -> dict[str, Callable]:
    """Cell parsers, memoised per distinct value for one validation run."""
    area_vocab = vocab.areas()

    def area(value: object) -> tuple[str, bool]:
        match = area_vocab.match(value)
        return (match, True) if match is not None else (_as_text(value), False)

    quarter_cache: dict = {}

    def quarter(key: tuple, value: object, year: int | None, date: dt.date | None):
        try:
            hit = quarter_cache.get(key, quarter_cache)
        except TypeError:
            key = None
        if key is None:
            return _quarter(value, year, date)
        if hit is quarter_cache:
            hit = quarter_cache[key] = _quarter(value, year, date)
        return hit

    return {
        "text": _cached(_as_text),
        "year": _cached(_parse_year),
        "date": _cached(_parse_date),
        "rating": _cached(_parse_rating),
        "hours": _cached(_parse_hours),
        "category": _cached(_parse_category),
        "help": _cached(_vocab_parser(vocab.HELP, "en hjælpetype")),
        "status": _cached(_vocab_parser(vocab.STATUS, "en status")),
        "training_role": _cached(_vocab_parser(vocab.TRAINING_ROLE, "en rolle")),
        "training_status": _cached(_vocab_parser(vocab.TRAINING_STATUS, "en uddannelsesstatus")),
        "area": _cached(area),
        "description": _cached(_split_description),
        "box": _cached(_split_box),
        "when_text": _cached(_when_text),
        "quarter": quarter,
    }


# --------------------------------------------------------------------------------------------
# The whole file
# --------------------------------------------------------------------------------------------


def validate_sheets(file_name: str, sheets: Iterable, *, fast: bool = True, paths: list | None = None) -> FileResult:
    """Validate the raw sheets of one file (see :class:`amo_data.reader.RawSheet`).

    Never raises for bad cell contents: every problem is in the result. A sheet whose every
    data row is clean is validated column-wise, with the same result; ``fast=False`` forces the
    row-wise path and ``paths``, when given, receives ``(sheet name, "fast" or "rows")`` per
    validated sheet (both for tests).
    """
    with runtime.gc_paused():
        return _validate_sheets(file_name, sheets, fast, paths)


def _cell_count(sheet: RawSheet) -> int:
    grid = sheet.grid
    return grid.height * grid.width if grid is not None else sum(map(len, sheet.rows))


def _validate_sheets(file_name: str, sheets: Iterable, fast: bool, paths: list | None) -> FileResult:
    errors: list[Problem] = []
    warnings: list[Problem] = []
    parsers = _parsers()
    outputs: dict[str, list[dict[str, list]]] = {t: [] for t in TABLES}
    rejected: dict[str, int] = dict.fromkeys(TABLES, 0)
    sheets_done: list[_Sheet] = []

    def validate(name: str, table: str, source: RawSheet, header: int) -> None:
        runtime.keep(_cell_count(source), source)  # a one-short run does not free its cells
        sheet = _Sheet(file_name, name, table, source, header, errors, warnings, parsers, fast)
        sheet.run()
        if paths is not None:
            paths.append((name, sheet.path))
        outputs[table].append(sheet.out)
        sheets_done.append(sheet)
        rejected[table] += sheet.rejected

    # Each sheet is validated as it comes: a workbook's next sheet is read meanwhile (see
    # amo_data.reader.read_sheets). A file is one CSV table or a workbook's sheets.
    known = sheet_index()
    names: list[str] = []
    found = False
    for sheet in sheets:
        names.append(sheet.name)
        if getattr(sheet, "is_csv", False):
            found = True
            table, header, message = _recognise_csv(sheet.rows or [])
            if message:
                errors.append(Problem(file_name, None, None, None, None, message))
                continue
            validate(SHEET_TITLES[table], table, sheet, header)
            continue
        table = known.get(fold(sheet.name))
        if table is None:
            continue
        found = True
        header = _header_row(sheet, table)
        if header is None:
            if any(not _empty(c) for row in sheet.rows for c in row):
                expected = _listing([c.header for c in COLUMNS[table] if c.required])
                errors.append(Problem(
                    file_name, sheet.name, None, None, None,
                    f"Arket har ingen overskriftsrække: ingen række har mindst to kendte "
                    f"kolonnenavne. Forventede kolonner er bl.a. {expected}."))
            continue
        validate(sheet.name, table, sheet, header)
    if not found:
        have = f" Arbejdsbogen har {_listing(names)}." if names else ""
        errors.append(Problem(
            file_name, None, None, None, None,
            f"Arbejdsbogen har intet kendt ark: forventet er et ark med navnet "
            f"{_listing(list(SHEET_TITLES.values()))}.{have}"))

    order = {sheet.sheet: i for i, sheet in enumerate(sheets_done)}
    positions: dict[tuple[str, str], int] = {}
    for sheet in sheets_done:
        for i, header in sheet.written.items():
            positions.setdefault((sheet.sheet, header), i)

    def place(p: Problem) -> tuple:
        return (order.get(p.sheet, -1), p.row or 0, positions.get((p.sheet, p.column), -1))

    errors.sort(key=place)
    warnings.sort(key=place)
    columns = {}
    for table in TABLES:
        if len(outputs[table]) == 1:  # one sheet of the table: its lists as they are
            merged = outputs[table][0]
        else:
            merged = {k: [] for k in CANONICAL[table]}
            for out in outputs[table]:
                for k, values in merged.items():
                    values.extend(out[k])
        columns[table] = merged
    return FileResult(file=file_name, columns=columns, errors=errors, warnings=warnings,
                      rejected=rejected)
