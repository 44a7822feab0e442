"""The rules of each table that look at more than one cell of a row, each written once.

:mod:`amo_data.validate` finds a sheet's header row and maps its headers to the table's fields
(:mod:`amo_data.schema`); for every data row it hands a :class:`Row` to the table's rule below,
which parses the cells through the fields' kinds and returns the row's canonical rows (an
Arbejdsark row may give several entries, or none). Problems are collected on the row; a row
with an error gives nothing.

- Arbejdsark: the year from År, else from Dato (2000-2100); a Hjælp only on "Brug for at
  styrke" (else a warning, and the value is dropped); a Beskrivelse of bulleted lines is
  several entries; the box layout of the paper work sheet (see :data:`schema.BOX_COLUMNS`).
- Handleplan: Hvornår resolved to a quarter with the row's År and Dato; the year from År,
  else from that quarter; Status defaults to "Ikke startet".
- Uddannelse: the year and quarter from Hvornår; Type defaults to "Supplerende", and a
  supplementary course without hours is a warning (it counts 0 hours towards the entitlement).
- Medlemmer: Fratrådt not before Tiltrådt; a member (department and name) once per file.
- Organisation: nothing under itself, directly or in a ring; a name once per file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import quarters, vocab
from .fields import Parsed, as_text, is_empty, must_fill, out_of_range, quarter, shown
from .schema import ARBEJDSARK, DESCRIPTION_MAX, HANDLEPLAN, MEDLEMMER, ORGANISATION, UDDANNELSE, Table
from .text import clean, control_character, department_key, name_key


@dataclass
class Box:
    """A box column of the paper work sheet's layout."""

    index: int  # cell index in the row
    header: str  # as written
    category: str
    help: str | None


# A cell that held a control character: already reported, parsed as nothing more.
REPORTED = object()


def control_problem(value: str) -> str:
    char = control_character(value) or ""
    return (f"Cellen indeholder et usynligt styretegn (U+{ord(char):04X}), som ikke kan gemmes. Slet tegnet i "
            "cellen, og prøv igen.")


class Row:
    """One data row of a sheet: its cells by field key, the parsing of them and its problems."""

    def __init__(self, table: Table, cells: list, number: int, columns: dict[str, tuple[int, str]],
                 boxes: list[Box], parse: Callable[[Any, object], Parsed], broken: bool):
        self.table = table
        self.cells = cells
        self.number = number  # the row number as Excel shows it
        self.columns = columns  # key -> (cell index, header as written)
        self.boxes = boxes
        self._parse = parse  # the field kind's parse, memoised per validation run
        self.broken = broken  # the sheet's headers have an error: the row gives nothing
        self.problems: list[tuple[int, str | None, object, str]] = []
        self.warnings: list[tuple[int, str | None, object, str]] = []

    # -- cells ------------------------------------------------------------------------------

    def raw(self, index: int) -> object:
        return self.cells[index] if index < len(self.cells) else None

    def cell(self, key: str) -> tuple[object, str | None]:
        """(raw value, header as written) of a column; (None, None) when the sheet lacks it."""
        spec = self.columns.get(key)
        if spec is None:
            return None, None
        return self.raw(spec[0]), spec[1]

    def given(self, key: str) -> bool:
        return not is_empty(self.cell(key)[0])

    def error(self, header: str | None, value: object, message: str) -> None:
        self.problems.append((self.number, header, value, message))

    def warn(self, header: str | None, value: object, message: str) -> None:
        self.warnings.append((self.number, header, value, message))

    # -- parsing through the fields' kinds --------------------------------------------------

    def value(self, key: str, required: bool | None = None) -> tuple[Any, bool]:
        """(value, given) of a column parsed by its field's kind. A missing value of a required
        field (``required``: the field's own flag unless given) and a value the kind refuses
        are errors; a kind's warning is a warning."""
        raw, header = self.cell(key)
        if header is None:
            return None, False
        if raw is REPORTED:
            return None, True
        field = self.table.field[key]
        if is_empty(raw):
            if field.required if required is None else required:
                self.error(header, None, must_fill(header))
            return None, False
        parsed = self._parse(field.kind, raw)
        if parsed.error:
            self.error(header, raw, parsed.error)
        elif parsed.warning:
            self.warn(header, raw, parsed.warning)
        elif parsed.value is None and field.required:  # a text of only invisible characters
            self.error(header, raw, f'Kolonnen "{header}" skal udfyldes, men cellen indeholder ingen tekst.')
        return parsed.value, True

    def output(self, values: dict[str, Any]) -> list[dict[str, Any]]:
        """``values`` as the row's one canonical row, or nothing when the row has an error."""
        return [] if self.problems or self.broken else [values]

    def texts(self, *keys: str) -> dict[str, Any]:
        """The optional text columns ``keys`` parsed (None when empty)."""
        return {key: self.value(key)[0] for key in keys}


# --------------------------------------------------------------------------- Arbejdsark

_LIST_LINE = re.compile(r"^\s*[•\-–*·]")  # a line of a bulleted list
_BULLET = re.compile(r"^\s*(?:[•·]|[\-–*](?![\d.,]))\s*")  # the marker to strip: "-5 grader" keeps its minus
_LINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\v")


def split_box(value: object) -> list[str]:
    """The entries of a box cell: one per line (and per inline •), bullets stripped."""
    text = value if isinstance(value, str) else as_text(value)
    parts = []
    for line in _LINES.split(text):
        for piece in line.split("•"):
            piece = clean(_BULLET.sub("", piece, count=1))
            if piece:
                parts.append(piece)
    return parts


def split_description(value: object) -> list[str]:
    """A Beskrivelse: several entries only when it is a list of bulleted lines."""
    if isinstance(value, str):
        lines = [line for line in _LINES.split(value) if line.strip()]
        if len(lines) >= 2 and all(_LIST_LINE.match(line) for line in lines):
            return [p for p in (clean(_BULLET.sub("", line, count=1)) for line in lines) if p]
    text = as_text(value)
    return [text] if text else []


def too_long(text: str) -> str:
    return (f"Beskrivelsen er {len(text):,} tegn lang; den må højst være "
            f"{DESCRIPTION_MAX:,} tegn.".replace(",", "."))


def _year_of_discussion(row: Row) -> tuple[int | None, dt.date | None]:
    """Arbejdsark: (the row's year, its Dato): År, else the year of Dato (which must then lie in
    2000-2100)."""
    date, date_given = row.value("date")
    year, year_given = row.value("year")
    if not year_given and not date_given and not row.broken:
        _, header = row.cell("year")
        if header is None:
            _, header = row.cell("date")
        row.error(header, None, "Rækken mangler både Dato og År; udfyld mindst én af dem.")
    elif not year_given and date is not None:
        if 2000 <= date.year <= 2100:
            year = date.year
        else:
            raw, header = row.cell("date")
            row.error(header, raw, f'Datoen "{shown(raw)}" ligger ikke i årene 2000–2100, så rækkens år kan ikke '
                                   "udledes af den; ret datoen eller udfyld År.")
    return year, date


def arbejdsark(row: Row) -> list[dict[str, Any]]:
    department, _ = row.value("department")
    year, date = _year_of_discussion(row)
    area, _ = row.value("area")
    rating, _ = row.value("rating")
    role, _ = row.value("role")
    help_raw, help_header = row.cell("help")
    help_given = not is_empty(help_raw)

    entries: list[tuple[str | None, str, str | None]] = []  # (category, description, help)
    help_used = False
    cat_raw, cat_header = row.cell("category")
    desc_raw, desc_header = row.cell("description")
    normal = cat_header is not None or desc_header is not None
    if normal and not (row.boxes and is_empty(cat_raw) and is_empty(desc_raw)):
        category, _ = row.value("category", required=True)
        descriptions: list[str] = []
        if desc_header is not None and desc_raw is not REPORTED:
            if is_empty(desc_raw):
                row.error(desc_header, None, must_fill(desc_header))
            else:
                descriptions = split_description(desc_raw)
                if not descriptions:
                    row.error(desc_header, desc_raw,
                              f'Kolonnen "{desc_header}" skal udfyldes, men cellen har kun punkttegn.')
                for text in descriptions:
                    if len(text) > DESCRIPTION_MAX:
                        row.error(desc_header, desc_raw, too_long(text))
        help_value = None
        if help_given:
            help_used = True
            if category is not None and category != vocab.BRUG_FOR_AT_STYRKE and help_raw is not REPORTED:
                row.warn(help_header, help_raw,
                         f'Hjælp "{shown(help_raw)}" bruges kun ved "{vocab.BRUG_FOR_AT_STYRKE}"; '
                         f'rækken er "{category}", så hjælpen ignoreres.')
            else:
                help_value, _ = row.value("help")
        entries.extend((category, text, help_value) for text in descriptions)
    if row.boxes:
        row_help = None
        if help_given and not help_used:
            before = len(row.problems)
            row_help, _ = row.value("help")
            help_used = len(row.problems) > before or help_raw is REPORTED
        for box in row.boxes:
            raw = row.raw(box.index)
            if is_empty(raw) or raw is REPORTED:
                continue
            for text in split_box(raw):
                if len(text) > DESCRIPTION_MAX:
                    row.error(box.header, raw, too_long(text))
                    continue
                help_value = box.help
                if help_value is None and box.category == vocab.BRUG_FOR_AT_STYRKE and row_help:
                    help_value = row_help
                    help_used = True
                entries.append((box.category, text, help_value))
        if help_given and not help_used:
            row.warn(help_header, help_raw,
                     f'Hjælp "{shown(help_raw)}" bruges kun ved "{vocab.BRUG_FOR_AT_STYRKE}", og '
                     "rækken har intet punkt i den boks, så hjælpen ignoreres.")
        if not entries and not row.problems:
            row.warn(None, None, "Rækken har intet punkt i nogen boks og springes over.")
            return []
    if row.problems or row.broken:
        return []
    return [{"department": department, "year": year, "date": date, "area": area, "category": category,
             "description": text, "help": help_value, "rating": rating, "role": role}
            for category, text, help_value in entries]


def arbejdsark_header(columns: dict[str, tuple[int, str]], boxes: list[Box]) -> Header:
    """Arbejdsark's header rule: Dato or År; in the box layout Kategori and Beskrivelse are
    optional, but one needs the other."""
    required = [f.key for f in SCHEMA[ARBEJDSARK].file_fields if f.required]
    if boxes:
        has_cat, has_desc = "category" in columns, "description" in columns
        required = [k for k in required if k not in ("category", "description")]
        if has_cat != has_desc:
            required.append("description" if has_cat else "category")
    found = Header([k for k in required if k not in columns])
    if "date" not in columns and "year" not in columns:
        found.errors.append('Arket mangler både kolonnen "Dato" og kolonnen "År"; mindst én af dem skal være med '
                            '(Dato kan også hedde "Date" eller "Mødedato", År kan hedde "Year").')
    return found


# --------------------------------------------------------------------------- Handleplan and Uddannelse


def _required_quarter(row: Row, year: int | None, date: dt.date | None,
                      problem: Callable[[object], str | None]) -> tuple[quarters.Quarter | None, Any]:
    """The required Hvornår cell: (its quarter or None, its text as stored); an error when it is
    empty, or ``problem(value)`` when it is not a quarter."""
    raw, header = row.cell("when")
    if header is None or raw is REPORTED:
        return None, None
    if is_empty(raw):
        row.error(header, None, must_fill(header))
        return None, None
    found = quarter(raw, year, date)
    if found is None and (text := problem(raw)):
        row.error(header, raw, text)
    return found, row.value("when")[0]


def _plan_when_problem(value: object, year_invalid: bool, date: dt.date | None) -> str | None:
    if text := out_of_range(value):
        return text
    text = shown(value)
    if quarters.is_asap(value):
        return (f'"{text}" kan ikke placeres i et kvartal, fordi rækken hverken har en Dato '
                "eller et År; udfyld en af dem.")
    if quarters.parse_quarter(value, 2000, date) is not None:
        if year_invalid:
            return None  # the År cell is already reported
        return f'"{text}" mangler et år: udfyld kolonnen År, eller skriv året med, fx "{text} 2026".'
    return f'"{text}" er ikke et kvartal (fx "3. kvartal 2026" eller "2026-Q3")'


def handleplan(row: Row) -> list[dict[str, Any]]:
    department, _ = row.value("department")
    date, _ = row.value("date")
    year, year_given = row.value("year")
    what, _ = row.value("what")
    area, _ = row.value("area")
    help_value, _ = row.value("help")
    status, _ = row.value("status")
    found, when = _required_quarter(row, year, date,
                                    lambda v: _plan_when_problem(v, year_given and year is None, date))
    if row.problems or row.broken:
        return []
    return [{"department": department, "year": found.year if year is None else year, "date": date, "what": what,
             "area": area, **row.texts("why", "how"), "help": help_value, "when": when,
             "quarter": found.label, "urgent": found.urgent, **row.texts("who", "follow_up"),
             "status": status or vocab.IKKE_STARTET}]


def _training_when_problem(value: object) -> str:
    """Why an Uddannelse Hvornår is not a quarter (the register has no År column)."""
    if text := out_of_range(value):
        return text
    text = shown(value)
    if not quarters.is_asap(value) and quarters.parse_quarter(value, 2000) is not None:
        return f'"{text}" mangler et år: skriv året med, fx "{text} 2026".'
    return f'"{text}" er ikke et kvartal eller en dato (fx "3. kvartal 2026", "2026-Q3" eller "15-08-2026").'


def uddannelse(row: Row) -> list[dict[str, Any]]:
    department, _ = row.value("department")
    role, _ = row.value("role")
    joined, _ = row.value("joined")
    course, _ = row.value("course")
    kind = row.value("type")[0] or vocab.SUPPLERENDE
    hours, hours_given = row.value("hours")
    status, _ = row.value("status")
    found, when = _required_quarter(row, None, None, _training_when_problem)
    _, hours_header = row.cell("hours")
    if kind == vocab.SUPPLERENDE and not hours_given and hours_header is not None:
        row.warn(hours_header, None, "Kurset har ingen timer, så det tæller 0 timer i retten til supplerende "
                                     "arbejdsmiljøuddannelse.")
    if row.problems or row.broken:
        return []
    return [{"department": department, "role": role, **row.texts("name"), "joined": joined, "course": course,
             "hours": hours, "when": when, "year": found.year, "quarter": found.label, "status": status,
             "type": kind}]


def uddannelse_header(columns: dict[str, tuple[int, str]], boxes: list[Box]) -> Header:
    found = plain_header(SCHEMA[UDDANNELSE])(columns, boxes)
    if "hours" not in columns:
        found.warnings.append('Arket har ingen kolonne "Timer", så supplerende kurser tæller 0 timer i retten til '
                              "supplerende arbejdsmiljøuddannelse.")
    return found


# --------------------------------------------------------------------------- Medlemmer


def medlemmer(row: Row) -> list[dict[str, Any]]:
    values = {key: row.value(key)[0] for key in SCHEMA[MEDLEMMER].columns}
    joined, left = values["joined"], values["left"]
    if joined is not None and left is not None and left < joined:
        raw, header = row.cell("left")
        row.error(header, raw, f"Fratrådt ({left:%d-%m-%Y}) ligger før Tiltrådt ({joined:%d-%m-%Y}); ret en af "
                               "datoerne.")
    return row.output(values)


def once_per_department(rows: list[dict[str, Any]], numbers: list[int],
                        columns: dict[str, tuple[int, str]]) -> list[Finding]:
    """Medlemmer: a member (department and name, compared as keys) stands once in a file."""
    first: dict[tuple[str, str], int] = {}
    found = []
    for i, (values, number) in enumerate(zip(rows, numbers, strict=True)):
        key = department_key(values["department"]), name_key(values["name"])
        if key in first:
            found.append(Finding(i, number, columns["name"][1], values["name"],
                                 f'"{values["name"]}" står også i række {first[key]} for afdeling '
                                 f'{values["department"]}; et medlem må kun stå én gang pr. afdeling.'))
        else:
            first[key] = number
    return found


# --------------------------------------------------------------------------- Organisation


def organisation(row: Row) -> list[dict[str, Any]]:
    name, _ = row.value("department")
    parent, _ = row.value("parent")
    if name and parent and department_key(name) == department_key(parent):
        raw, header = row.cell("parent")
        row.error(header, raw, f'"{name}" kan ikke høre under sig selv.')
    return row.output({"department": name, "parent": parent})


def tree_of_rows(rows: list[dict[str, Any]], numbers: list[int],
                 columns: dict[str, tuple[int, str]]) -> list[Finding]:
    """Organisation: a name stands once in a file, and no unit lies (indirectly) under itself."""
    found = []
    first: dict[str, int] = {}
    parent: dict[str, str] = {}
    index: dict[str, int] = {}
    for i, (values, number) in enumerate(zip(rows, numbers, strict=True)):
        key = department_key(values["department"])
        if key in first:
            found.append(Finding(i, number, columns["department"][1], values["department"],
                                 f'"{values["department"]}" står også i række {first[key]}; en afdeling eller enhed må '
                                 "kun stå én gang."))
            continue
        first[key], index[key] = number, i
        if values["parent"]:
            parent[key] = department_key(values["parent"])
    reported: set[str] = set()
    for start in parent:
        chain = [start]
        while (up := parent.get(chain[-1])) is not None and up not in chain:
            chain.append(up)
        if up is None or up in reported:
            continue
        ring = chain[chain.index(up):]
        reported.update(ring)
        names = [rows[index[k]]["department"] for k in ring]
        where = " og ".join(", ".join(str(first[k]) for k in ring).rsplit(", ", 1))
        story = ", som hører under ".join(f'"{n}"' for n in [*names, names[0]])
        found.append(Finding(index[ring[0]], first[ring[0]], columns["parent"][1], rows[index[ring[0]]]["parent"],
                             f"Organisationen går i ring: {story} (række {where}). Ret Overordnet, så ingen enhed "
                             "ligger under sig selv."))
    return found


# --------------------------------------------------------------------------- the tables' rules


@dataclass
class Header:
    """What a header rule found: required columns missing, other header errors and warnings."""

    missing: list[str]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Finding:
    """A problem a sheet rule found in the rows the row rule made: ``index`` of the made row
    (it is left out), its Excel row number, header, value and message."""

    index: int
    number: int
    header: str | None
    value: object
    message: str


def plain_header(table: Table) -> Callable[[dict, list], Header]:
    """The header rule of a table whose required fields are simply required."""
    def header(columns: dict[str, tuple[int, str]], boxes: list[Box]) -> Header:
        return Header([f.key for f in table.file_fields if f.required and f.key not in columns])
    return header


@dataclass(frozen=True)
class Rules:
    row: Callable[[Row], list[dict[str, Any]]]
    header: Callable[[dict, list], Header]
    sheet: Callable[[list[dict], list[int], dict], list[Finding]] | None = None  # across the made rows


from .schema import SCHEMA  # noqa: E402  (the tables the rules belong to)

RULES: dict[str, Rules] = {
    ARBEJDSARK: Rules(arbejdsark, arbejdsark_header),
    HANDLEPLAN: Rules(handleplan, plain_header(SCHEMA[HANDLEPLAN])),
    UDDANNELSE: Rules(uddannelse, uddannelse_header),
    MEDLEMMER: Rules(medlemmer, plain_header(SCHEMA[MEDLEMMER]), once_per_department),
    ORGANISATION: Rules(organisation, plain_header(SCHEMA[ORGANISATION]), tree_of_rows),
}
