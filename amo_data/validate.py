"""Normalising and validating raw sheets into the canonical tables plus problems.

``check_bytes`` reads a file with :func:`amo_data.reader.read_file` and hands the raw sheets to
:func:`validate_sheets`, the pure core: it finds the known sheets (or recognises the one table
of a CSV file), finds the header row, maps headers to the table's fields
(:mod:`amo_data.schema`), and hands every data row to the table's rule (:mod:`amo_data.rules`),
which parses the cells through the fields' kinds (:mod:`amo_data.fields`). Every problem of a
file is collected; nothing stops at the first one.

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
- Two sheets of one workbook that name the same table are an error (the contract); a known
  sheet that is entirely empty is otherwise ignored without a problem.
- A ``Dato`` (Arbejdsark, Handleplan) must lie in the years 2000–2100 when the row's year is
  derived from it; ``Tiltrådt`` may be any date.
- A cell of a known column holding a control character is an error naming the cell (the
  contract); a cell of only invisible format characters is empty.
- Data in a column whose header cell is empty gives one warning per column (it is ignored).
- An ``År`` cell holding a date whose Excel serial is 2000–2100 (2026 typed into a
  date-formatted cell, shown as 18-07-1905) is read as that year.
- Problems are ordered by sheet, row and column position.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import AmoError, Problem
from .fields import Parsed, as_text, is_empty, plain
from .rules import EMPTY, REPORTED, RULES, Box, Columns, control_problem
from .schema import ARBEJDSARK, BOX_COLUMNS, BOX_KEYS, SCHEMA, SHEET_TITLES, TABLES, Table, frame, sheet_index
from .text import clean, control_character, danish_int, fold, joined, listing

if TYPE_CHECKING:  # pandas is loaded only when a result's tables are asked for
    import pandas as pd

    from .reader import RawSheet


class FileResult:
    """What checking one file gave: its canonical tables, its problems and its SHA-256.

    ``columns`` holds, per table, each canonical column as a plain list whose values already
    have the column's plain type (str, int, float, bool or date; None where empty; never NaN),
    which the store relies on. ``tables`` (pandas DataFrames with the canonical dtypes) is built
    from them on first use. A result may also be built from ``tables`` (tests).
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
        self.rejected = dict(rejected or {})  # data rows per table left out because of errors

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Canonical tables, see :mod:`amo_data.schema`."""
        if self._tables is None:
            self._tables = {t: frame(t, (self.columns or {}).get(t)) for t in TABLES}
        return self._tables

    def __repr__(self) -> str:
        return (f"FileResult(file={self.file!r}, rows={self.rows}, errors={len(self.errors)}, "
                f"warnings={len(self.warnings)}, unreadable={self.unreadable})")

    @property
    def ok(self) -> bool:
        return not self.errors

    def _length(self, table: str) -> int:
        if self._tables is None and self.columns is not None:
            return len(next(iter((self.columns.get(table) or {}).values()), ()))
        return len(self.tables.get(table, ()))

    @property
    def rows(self) -> dict[str, int]:
        """Rows per table as read from the file: table rows plus data rows with errors."""
        return {t: (0 if self.unreadable else self._length(t) + self.rejected.get(t, 0)) for t in TABLES}

    def to_json(self) -> dict:
        return {"file": self.file, "ok": self.ok, "rows": self.rows,
                "errors": [p.to_json() for p in self.errors],
                "warnings": [p.to_json() for p in self.warnings]}


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


def unreadable_result(name: str, message: str, data: bytes | None = None) -> FileResult:
    """The result for a file that could not be read at all."""
    return FileResult(file=name, columns={t: {k: [] for k in SCHEMA[t].columns} for t in TABLES},
                      errors=[Problem(name, None, None, None, None, message)],
                      sha256=sha256(data) if data is not None else "", unreadable=True)


def _display_name(name: object) -> str:
    text = "" if name is None else str(name)
    return re.split(r"[\\/]", text)[-1] or text or "uden navn"


def check_bytes(name: str, data: bytes, max_bytes: int | None = None) -> FileResult:
    """Read and validate one file. Never raises for bad input: problems are in the result.

    An uploaded file is untrusted: it is read and checked in a child process with limits
    (:mod:`amo_data.sandbox`), so that whatever it does to the native reader costs that one
    check, and its cells never enter this process; only the result comes back."""
    from . import sandbox

    name = _display_name(name)
    config = {k: v for k, v in os.environ.items() if k.startswith("AMO_")}  # as this process sees it now
    try:
        return sandbox.run(name, check_here, name, data, max_bytes, config)
    except AmoError as exc:
        return unreadable_result(name, exc.message, data)


def check_here(name: str, data: bytes, max_bytes: int | None = None, config: dict[str, str] | None = None) -> FileResult:
    """:func:`check_bytes` in this process (the sandbox's child runs it), with ``config``: the
    ``AMO_*`` settings of the process that asked."""
    from . import reader

    if config is not None:
        for key in [k for k in os.environ if k.startswith("AMO_")]:
            del os.environ[key]
        os.environ.update(config)
    try:
        sheets = reader.read_file(name, data, max_bytes)
        disguised = _text_named_as_workbook(name, data, sheets)
        if disguised:
            return unreadable_result(name, disguised, data)
        result = validate_sheets(name, sheets)
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
    if suffix is None or len(sheets) != 1 or not sheets[0].is_csv:
        return None
    table, header, _message = _recognise_csv(sheets[0].cells)
    if table is not None or header is not None:  # a table, or headers of two: the CSV's own message
        return None
    start = data[:4096].lower()
    if b"<html" in start or b"<table" in start:
        return (f'Filen "{name}" er en webside (HTML) med endelsen {suffix}, ikke et regneark. '
                "Åbn den i Excel, og gem den som Excel-projektmappe (.xlsx).")
    return (f'Filen "{name}" er ikke et regneark: navnet ender på {suffix}, men filen indeholder tekst uden '
            f"kolonneoverskrifterne fra {joined(list(SHEET_TITLES.values()), 'eller')}. Åbn den i Excel, og "
            "gem den som Excel-projektmappe (.xlsx), eller brug skabelonen.")


def check_path(path: str | Path, max_bytes: int | None = None) -> FileResult:
    """Read and validate one file on disk; a too-large file is refused before it is read."""
    from . import reader

    path = Path(path)
    name = path.name
    limit = reader.max_bytes() if max_bytes is None else max_bytes
    try:
        if path.is_dir():
            return unreadable_result(name, f'"{path}" er en mappe, ikke en fil.')
        if not path.is_file():
            return unreadable_result(name, f'Filen "{path}" findes ikke.')
        size = path.stat().st_size
        if size > limit:
            return unreadable_result(name, reader.too_large(name, size, limit).message)
        data = path.read_bytes()
    except OSError as exc:
        return unreadable_result(name, f'Filen "{path}" kan ikke læses: {exc.strerror or exc}.')
    return check_bytes(name, data, limit)


# --------------------------------------------------------------------------------------------
# Header detection
# --------------------------------------------------------------------------------------------


def _matches(row: list, table: str) -> set[str]:
    """Folded known headers of ``table`` found in ``row``."""
    index = SCHEMA[table].header_index
    found = set()
    for cell in row:
        if is_empty(cell) or not isinstance(cell, (str, int, float)):
            continue
        key = fold(cell)
        if key in index or (table == ARBEJDSARK and key in BOX_KEYS):
            found.add(key)
    return found


def _header_row(rows: list[list], table: str) -> int | None:
    """The first row with two known headers of ``table``."""
    for i, row in enumerate(rows):
        if row and len(_matches(row, table)) >= 2:
            return i
    return None


def _own_headers(table: str) -> set[str]:
    own = set(SCHEMA[table].header_index)
    return own | set(BOX_KEYS) if table == ARBEJDSARK else own


_DISTINCTIVE = {t: _own_headers(t) - set().union(*(_own_headers(o) for o in TABLES if o != t)) for t in TABLES}


def _recognise_csv(rows: list[list]) -> tuple[str | None, int | None, str | None]:
    """(table, header row index, error) for the one table of a CSV file. Headers that fit two
    tables equally give (None, their row index, error); no header row at all (None, None, error)."""
    if not any(not is_empty(c) for row in rows for c in row):
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
        names = listing([SHEET_TITLES[t] for t in winners])
        return None, i, (
            f"CSV-filens overskrifter (række {i + 1}) passer lige godt til {names}. Tilføj de "
            'kolonner, der kendetegner tabellen, fx "Kategori" og "Beskrivelse" (Arbejdsark), '
            '"Hvad" (Handleplan), "Kursus" (Uddannelse), "Fratrådt" eller "E-mail" (Medlemmer) eller '
            '"Overordnet" (Organisation).'
        )
    return None, None, (
        f"CSV-filen kan ikke genkendes som {joined(list(SHEET_TITLES.values()), 'eller')}: ingen række "
        "har mindst to kendte kolonneoverskrifter. Forventet er fx "
        '"Afdeling", "Område", "Kategori" og "Beskrivelse" (Arbejdsark), '
        '"Afdeling", "Hvad", "Hjælp" og "Hvornår" (Handleplan), '
        '"Afdeling", "Rolle", "Kursus" og "Status" (Uddannelse), '
        '"Afdeling", "Navn", "Tiltrådt" og "Fratrådt" (Medlemmer) eller '
        '"Afdeling" og "Overordnet" (Organisation).'
    )


def _letters(index: int) -> str:
    """Excel's column letters for a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --------------------------------------------------------------------------------------------
# One sheet
# --------------------------------------------------------------------------------------------


class _Sheet:
    """Validates the data rows of one sheet of a known table."""

    def __init__(self, file: str, sheet: str, table: Table, rows: list[list], header: int, parse, state, states,
                 first_row: int = 0, first_col: int = 0):
        self.file, self.sheet, self.table = file, sheet, table
        self.rows = rows  # the sheet's cells, from Excel row first_row + 1 and column first_col + 1
        self.header = header  # index of the header row in rows
        self.first_row, self.first_col = first_row, first_col
        self.parse, self.state, self.states = parse, state, states
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.columns: dict[str, tuple[int, str]] = {}  # key -> (cell index, header as written)
        self.boxes: list[Box] = []
        self.written: dict[int, str] = {}  # cell index -> header as written
        self.broken = False  # a structural error: no rows are produced
        self.rejected = 0  # data rows left out because of errors
        self.out: dict[str, list] = {k: [] for k in table.columns}
        self._map_headers()

    def error(self, row: int | None, column: str | None, value: object, message: str) -> None:
        self.errors.append(Problem(self.file, self.sheet, row, column, value, message))

    def warn(self, row: int | None, column: str | None, value: object, message: str) -> None:
        self.warnings.append(Problem(self.file, self.sheet, row, column, value, message))

    def _map_headers(self) -> None:
        index = self.table.header_index
        number = self.first_row + self.header + 1
        seen: dict[str, str] = {}  # key -> header as written
        for i, cell in enumerate(self.rows[self.header]):
            if is_empty(cell):
                continue
            written = as_text(cell)
            self.written[i] = written
            key = fold(cell) if isinstance(cell, str) else fold(written)
            field = index.get(key)
            if field is not None:
                target = field.key
            elif self.table.name == ARBEJDSARK and key in BOX_KEYS:
                target = "box:" + BOX_KEYS[key]
            else:
                self.warn(number, written, cell, f'Kolonnen "{written}" er ikke en kendt kolonne og bliver ignoreret.')
                continue
            if target in seen:
                first = seen[target]
                if clean(first) == written:
                    msg = f'Kolonnen "{written}" findes flere gange i overskriftsrækken; slet eller omdøb den ene.'
                else:
                    msg = f'Kolonnen "{written}" betyder det samme som kolonnen "{first}"; slet eller omdøb den ene.'
                self.error(number, written, cell, msg)
                self.broken = True
                continue
            seen[target] = written
            if target.startswith("box:"):
                category, help_ = BOX_COLUMNS[target[4:]]
                self.boxes.append(Box(i, written, category, help_))
            else:
                self.columns[target] = (i, written)
        found = RULES[self.table.name][0](self.columns, self.boxes)
        for key in found.missing:
            field = self.table.field[key]
            others = listing(field.aliases)
            also = f" Den kan også hedde {others}." if others else ""
            self.error(number, None, None, f'Kolonnen "{field.header}" mangler.{also}')
        for message in found.errors:
            self.error(number, None, None, message)
        for message in found.warnings:
            self.warn(number, None, None, message)
        self.broken = self.broken or bool(found.missing or found.errors)

    def run(self) -> None:
        """Validate the data rows: find the empty ones, report control characters, and hand the
        rest, column by column, to the table's rule."""
        body = self.rows[self.header + 1:]
        width = len(self.rows[self.header])
        used = {i: h for i, h in self.columns.values()} | {b.index: b.header for b in self.boxes}
        state, known = self.state, self.states.get
        cells = {j: [r[j] if j < len(r) else None for r in body] for j in used}
        # Each used cell's state: 0 empty, 1 a value, 2 a text with a control character.
        states = {j: [(known(v) or state(v)) if type(v) is str else 0 if v is None
                      or (type(v) is float and not -_INF < v < _INF) else 1 for v in column]
                  for j, column in cells.items()}
        filled = list(map(any, zip(*states.values()))) if states else [False] * len(body)
        kept = [i for i, has in enumerate(filled) if has]
        last = kept[-1] if kept else -1
        top = self.first_row + self.header + 2  # the Excel row of body[0]
        skipped = [i + top for i in range(last) if not filled[i]]
        longest = max(map(len, body), default=0)
        for j in [j for j in range(width) if j not in self.written] + list(range(width, longest)):
            for i, r in enumerate(body):  # data under an empty header cell, or beyond the header row
                if j < len(r) and not is_empty(r[j]):
                    self.warn(i + top, None, r[j], f"Kolonne {_letters(self.first_col + j)} har indhold (første gang "
                                                   f"i række {i + top}), men ingen overskrift, så "
                                                               "den bliver ignoreret.")
                    break
        every = len(kept) == len(body)
        columns = Columns(self.table, body if every else [body[i] for i in kept],
                          [i + top for i in kept], self.columns, self.boxes, self.parse, self.broken)
        columns.cells = cells if every else {j: [column[i] for i in kept] for j, column in cells.items()}
        for j, header in used.items():  # a control character is an error naming the cell
            marks = states[j] if every else [states[j][i] for i in kept]
            for i in [i for i, mark in enumerate(marks) if mark == _CONTROL]:
                columns.error(i, header, columns.cells[j][i], control_problem(columns.cells[j][i]))
        made = RULES[self.table.name][1](columns)
        self.errors.extend(Problem(self.file, self.sheet, *p) for p in columns.problems)
        self.warnings.extend(Problem(self.file, self.sheet, *p) for p in columns.warnings)
        self.rejected += sum(columns.bad)
        self.out = {key: made.get(key, []) for key in self.table.columns}
        if skipped:
            shown = ", ".join(danish_int(r) for r in skipped[:10]) + (", …" if len(skipped) > 10 else "")
            msg = (f"1 tom række blev sprunget over (række {shown})." if len(skipped) == 1 else
                   f"{danish_int(len(skipped))} tomme rækker blev sprunget over (række {shown}).")
            self.warn(skipped[0], None, None, msg)


# --------------------------------------------------------------------------------------------
# The whole file
# --------------------------------------------------------------------------------------------


_EMPTY, _NORMAL, _CONTROL = 0, 1, 2
_INF = float("inf")


def _parser():
    """(parse, state, states) for one validation run: a kind's parse of a cell
    (:data:`rules.EMPTY` for an empty cell, :data:`rules.REPORTED` for one holding a control
    character), and a text cell's state (empty, normal, control character), each memoised per
    distinct value (``states``: the states known so far)."""
    memos: dict = defaultdict(dict)  # kind -> value -> Parsed
    states: dict[str, int] = {}

    def state(text: str) -> int:
        found = states[text] = (_EMPTY if is_empty(text) else _CONTROL if control_character(text) else _NORMAL)
        return found

    def parse(kind, value: object) -> Parsed:
        memo = memos[kind]
        if value is None:
            memo[None] = EMPTY
            return EMPTY
        # Keyed by the value itself (2026 and 2026.0 parse alike), but True is not 1.
        key = (bool, value) if type(value) is bool else value
        hit = memo.get(key)
        if hit is None:
            if type(value) is str:
                found = states.get(value)
                found = state(value) if found is None else found
                hit = EMPTY if found == _EMPTY else REPORTED if found == _CONTROL else kind.parse(value)
            else:
                value = plain(value)  # a duration, say, as the rows would hold it
                hit = EMPTY if is_empty(value) else kind.parse(value)
            memo[key] = hit
        return hit

    parse.memos = memos  # type: ignore[attr-defined]
    return parse, state, states


def validate_sheets(file_name: str, sheets: Iterable[RawSheet]) -> FileResult:
    """Validate the raw sheets of one file (see :class:`amo_data.reader.RawSheet`).

    Never raises for bad cell contents: every problem is in the result.
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    parse, state, states = _parser()
    done: list[_Sheet] = []
    known = sheet_index()
    names: list[str] = []
    tables_seen: dict[str, str] = {}  # table -> the first sheet naming it
    found = False

    def validate(name: str, table: str, source: RawSheet, header: int) -> None:
        sheet = _Sheet(file_name, name, SCHEMA[table], source.cells, header, parse, state, states, source.first_row,
                       source.first_col)
        sheet.run()
        done.append(sheet)

    for sheet in sheets:
        names.append(sheet.name)
        if sheet.is_csv:
            found = True
            table, header, message = _recognise_csv(sheet.cells)
            if message:
                errors.append(Problem(file_name, None, None, None, None, message))
            else:
                validate(SHEET_TITLES[table], table, sheet, header)
            continue
        table = known.get(fold(sheet.name))
        if table is None:
            continue
        found = True
        if table in tables_seen:
            first = tables_seen[table]
            errors.append(Problem(file_name, sheet.name, None, None, None,
                                  f'Arbejdsbogen har to ark til {SHEET_TITLES[table]}: "{first}" og "{sheet.name}". '
                                  "Saml rækkerne i ét ark, og slet eller omdøb det andet."))
            continue
        tables_seen[table] = sheet.name
        header = _header_row(sheet.cells, table)
        if header is None:
            if any(not is_empty(c) for row in sheet.cells for c in row):
                expected = listing([f.header for f in SCHEMA[table].file_fields if f.required])
                errors.append(Problem(file_name, sheet.name, None, None, None,
                                      "Arket har ingen overskriftsrække: ingen række har mindst to kendte "
                                      f"kolonnenavne. Forventede kolonner er bl.a. {expected}."))
            continue
        validate(sheet.name, table, sheet, header)
    if not found:
        have = f" Arbejdsbogen har {listing(names)}." if names else ""
        errors.append(Problem(file_name, None, None, None, None,
                              "Arbejdsbogen har intet kendt ark: forventet er et ark med navnet "
                              f"{listing(list(SHEET_TITLES.values()))}.{have}"))

    order = {sheet.sheet: i for i, sheet in enumerate(done)}
    positions: dict[tuple[str, str], int] = {}
    for sheet in done:
        errors.extend(sheet.errors)
        warnings.extend(sheet.warnings)
        for i, header in sheet.written.items():
            positions.setdefault((sheet.sheet, header), i)

    def place(p: Problem) -> tuple:
        return order.get(p.sheet, -1), p.row or 0, positions.get((p.sheet, p.column), -1)

    errors.sort(key=place)
    warnings.sort(key=place)
    columns: dict[str, dict[str, Any]] = {}
    for table in TABLES:
        merged = {k: [] for k in SCHEMA[table].columns}
        for sheet in done:
            if sheet.table.name == table:
                for k, values in merged.items():
                    values.extend(sheet.out[k])
        columns[table] = merged
    rejected = {t: sum(s.rejected for s in done if s.table.name == t) for t in TABLES}
    return FileResult(file=file_name, columns=columns, errors=errors, warnings=warnings, rejected=rejected)
