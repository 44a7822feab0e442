"""The rules of each table that look at more than one cell of a row, each written once.

:mod:`amo_data.validate` finds a sheet's header row, maps its headers to the table's fields
(:mod:`amo_data.schema`) and parses every used column through its field's kind, each distinct
cell once (:class:`Columns`). The table's rule below then checks what needs more than one
cell, row by row over the parsed values, and returns the table's canonical columns. An
Arbejdsark row may give several entries, or none. A row with an error gives nothing.

- Arbejdsark: the year from År, else from Dato (2000-2100); a Hjælp only on "Brug for at
  styrke" (else a warning, and the value is dropped); a Beskrivelse of bulleted lines is
  several entries; the box layout of the paper work sheet (see :data:`schema.BOX_COLUMNS`):
  each box cell is one entry per line, in the box's Kategori (and Hjælp).
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
from .schema import ARBEJDSARK, DESCRIPTION_MAX, HANDLEPLAN, MEDLEMMER, ORGANISATION, SCHEMA, UDDANNELSE, Table
from .text import clean, control_character, department_key, name_key


@dataclass
class Box:
    """A box column of the paper work sheet's layout."""

    index: int  # cell index in the row
    header: str  # as written
    category: str
    help: str | None


# What a parsed cell can be besides a kind's Parsed: empty, or holding a control character
# (already reported, parsed as nothing more).
EMPTY = Parsed(None)
REPORTED = Parsed(None)


def control_problem(value: str) -> str:
    char = control_character(value) or ""
    return (f"Cellen indeholder et usynligt styretegn (U+{ord(char):04X}), som ikke kan gemmes. Slet tegnet i "
            "cellen, og prøv igen.")


class Columns:
    """The data rows of one sheet, column by column: each used cell parsed by its field's kind
    (each distinct value once), the problems found, and which rows have an error."""

    def __init__(self, table: Table, body: list[list], numbers: list[int], columns: dict[str, tuple[int, str]],
                 boxes: list[Box], parse: Callable[[Any, object], Parsed], broken: bool):
        self.table = table
        self.body = body  # the data rows, raw
        self.numbers = numbers  # each row's number as Excel shows it
        self.n = len(body)
        self.columns = columns  # key -> (cell index, header as written)
        self.boxes = boxes
        self._parse = parse
        self.broken = broken  # the sheet's headers have an error: no row gives anything
        self.problems: list[tuple[int, str | None, object, str]] = []
        self.warnings: list[tuple[int, str | None, object, str]] = []
        self.bad = [broken] * self.n  # the rows with an error
        self._parsed: dict[str, list[Parsed]] = {}
        self.cells: dict[int, list] = {}  # cell index -> the column's raw cells (the used ones)

    def raw(self, index: int) -> list:
        """The raw cells of column ``index``."""
        if index not in self.cells:
            self.cells[index] = [r[index] if index < len(r) else None for r in self.body]
        return self.cells[index]

    def header(self, key: str) -> str | None:
        spec = self.columns.get(key)
        return spec[1] if spec else None

    def error(self, i: int, header: str | None, value: object, message: str) -> None:
        self.problems.append((self.numbers[i], header, value, message))
        self.bad[i] = True

    def warn(self, i: int, header: str | None, value: object, message: str) -> None:
        self.warnings.append((self.numbers[i], header, value, message))

    def parsed(self, key: str) -> list[Parsed] | None:
        """Each row's cell of the column parsed by its field's kind (:data:`EMPTY`, :data:`REPORTED`
        or the kind's :class:`Parsed`); None when the sheet lacks the column. No problem is
        recorded here."""
        if key not in self.columns:
            return None
        if key not in self._parsed:
            kind, parse = self.table.field[key].kind, self._parse
            known = parse.memos[kind].get
            self._parsed[key] = [parse(kind, v) if type(v) is bool else (known(v) or parse(kind, v))
                                 for v in self.raw(self.columns[key][0])]
        return self._parsed[key]

    def values(self, key: str, required: bool | None = None) -> tuple[list, list[bool]]:
        """(values, given) of a column: an empty cell of a required field (``required``: the
        field's own flag unless given) and a value the kind refuses are errors, a kind's warning
        a warning. A column the sheet lacks gives None for every row."""
        parsed = self.parsed(key)
        if parsed is None:
            return [None] * self.n, [False] * self.n
        header = self.columns[key][1]
        field = self.table.field[key]
        required = field.required if required is None else required
        raw = self.raw(self.columns[key][0])
        for i in [i for i, p in enumerate(parsed) if p[0] is None or p[1] or p[2]]:  # anything to say
            p = parsed[i]
            if p is EMPTY:
                if required:
                    self.error(i, header, None, must_fill(header))
            elif p.error:
                self.error(i, header, raw[i], p.error)
            elif p.warning:
                self.warn(i, header, raw[i], p.warning)
            elif p.value is None and required and p is not REPORTED:
                self.error(i, header, raw[i], f'Kolonnen "{header}" skal udfyldes, men cellen indeholder ingen tekst.')
        return [p[0] for p in parsed], [p is not EMPTY for p in parsed]

    def kept(self) -> list[int]:
        """The rows without an error."""
        return [i for i, bad in enumerate(self.bad) if not bad]


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


def split_description(value: object, text: str | None = None) -> list[str]:
    """A Beskrivelse: several entries only when it is a list of bulleted lines (``text``: the
    cell as text, if known)."""
    if isinstance(value, str) and _LINES.search(value):
        lines = [line for line in _LINES.split(value) if line.strip()]
        if len(lines) >= 2 and all(_LIST_LINE.match(line) for line in lines):
            return [p for p in (clean(_BULLET.sub("", line, count=1)) for line in lines) if p]
    text = as_text(value) if text is None else text
    return [text] if text else []


def too_long(text: str) -> str:
    return (f"Beskrivelsen er {len(text):,} tegn lang; den må højst være "
            f"{DESCRIPTION_MAX:,} tegn.".replace(",", "."))


def _years_of_discussions(c: Columns) -> tuple[list, list]:
    """Arbejdsark: (each row's year, each row's Dato): År, else the year of Dato (which must then
    lie in 2000-2100); a row with neither is an error."""
    dates, date_given = c.values("date")
    years, year_given = c.values("year")
    year_header = c.header("year") or c.header("date")
    raw_dates = c.raw(c.columns["date"][0]) if "date" in c.columns else None
    for i in range(c.n):
        if year_given[i]:
            continue
        if not date_given[i]:
            if not c.broken:
                c.error(i, year_header, None, "Rækken mangler både Dato og År; udfyld mindst én af dem.")
        elif (date := dates[i]) is not None:
            if 2000 <= date.year <= 2100:
                years[i] = date.year
            else:
                c.error(i, c.header("date"), raw_dates[i], f'Datoen "{shown(raw_dates[i])}" ligger ikke i årene '
                                                           "2000–2100, så rækkens år kan ikke udledes af den; ret "
                                                           "datoen eller udfyld År.")
    return years, dates


def arbejdsark(c: Columns) -> dict[str, list]:
    departments, _ = c.values("department")
    years, dates = _years_of_discussions(c)
    areas, _ = c.values("area")
    ratings, _ = c.values("rating")
    roles, _ = c.values("role")
    help_parsed = c.parsed("help")
    help_header = c.header("help")
    help_raw = c.raw(c.columns["help"][0]) if help_parsed is not None else None
    cat_parsed, desc_parsed = c.parsed("category"), c.parsed("description")
    cat_header, desc_header = c.header("category"), c.header("description")
    cat_raw = c.raw(c.columns["category"][0]) if cat_parsed is not None else None
    desc_raw = c.raw(c.columns["description"][0]) if desc_parsed is not None else None
    normal = cat_parsed is not None or desc_parsed is not None
    boxes = [(box, c.raw(box.index)) for box in c.boxes]
    out: dict[str, list] = {k: [] for k in c.table.columns}

    for i in range(c.n):
        help_p = help_parsed[i] if help_parsed is not None else EMPTY
        help_given = help_p is not EMPTY
        entries: list[tuple[str | None, str, str | None]] = []  # (category, description, help)
        help_used = False
        cat_p = cat_parsed[i] if cat_parsed is not None else EMPTY
        desc_p = desc_parsed[i] if desc_parsed is not None else EMPTY
        if normal and not (c.boxes and cat_p is EMPTY and desc_p is EMPTY):
            category = None
            if cat_header is not None:
                if cat_p is EMPTY:
                    c.error(i, cat_header, None, must_fill(cat_header))
                elif cat_p.error:
                    c.error(i, cat_header, cat_raw[i], cat_p.error)
                else:
                    category = cat_p.value
            descriptions: list[str] = []
            if desc_header is not None and desc_p is not REPORTED:
                if desc_p is EMPTY:
                    c.error(i, desc_header, None, must_fill(desc_header))
                else:
                    descriptions = split_description(desc_raw[i], desc_p.value)
                    if not descriptions:
                        c.error(i, desc_header, desc_raw[i],
                                f'Kolonnen "{desc_header}" skal udfyldes, men cellen har kun punkttegn.')
                    for text in descriptions:
                        if len(text) > DESCRIPTION_MAX:
                            c.error(i, desc_header, desc_raw[i], too_long(text))
            help_value = None
            if help_given:
                help_used = True
                if category is not None and category != vocab.BRUG_FOR_AT_STYRKE and help_p is not REPORTED:
                    c.warn(i, help_header, help_raw[i],
                           f'Hjælp "{shown(help_raw[i])}" bruges kun ved "{vocab.BRUG_FOR_AT_STYRKE}"; '
                           f'rækken er "{category}", så hjælpen ignoreres.')
                elif help_p.error:
                    c.error(i, help_header, help_raw[i], help_p.error)
                else:
                    help_value = help_p.value
            entries.extend((category, text, help_value) for text in descriptions)
        if boxes:
            row_help = None
            if help_given and not help_used:
                if help_p.error:
                    c.error(i, help_header, help_raw[i], help_p.error)
                    help_used = True
                else:
                    row_help = help_p.value
                    help_used = help_p is REPORTED
            before = len(c.problems)
            for box, cells in boxes:
                raw = cells[i]
                if is_empty(raw) or (isinstance(raw, str) and control_character(raw)):
                    continue
                for text in split_box(raw):
                    if len(text) > DESCRIPTION_MAX:
                        c.error(i, box.header, raw, too_long(text))
                        continue
                    help_value = box.help
                    if help_value is None and box.category == vocab.BRUG_FOR_AT_STYRKE and row_help:
                        help_value = row_help
                        help_used = True
                    entries.append((box.category, text, help_value))
            if help_given and not help_used:
                c.warn(i, help_header, help_raw[i],
                       f'Hjælp "{shown(help_raw[i])}" bruges kun ved "{vocab.BRUG_FOR_AT_STYRKE}", og '
                       "rækken har intet punkt i den boks, så hjælpen ignoreres.")
            if not entries and not c.bad[i] and len(c.problems) == before:
                c.warn(i, None, None, "Rækken har intet punkt i nogen boks og springes over.")
                continue
        if c.bad[i]:
            continue
        for category, text, help_value in entries:
            out["department"].append(departments[i])
            out["year"].append(years[i])
            out["date"].append(dates[i])
            out["area"].append(areas[i])
            out["category"].append(category)
            out["description"].append(text)
            out["help"].append(help_value)
            out["rating"].append(ratings[i])
            out["role"].append(roles[i])
    return out


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


def _quarters(c: Columns, years: list, dates: list,
              problem: Callable[[object, int], str | None]) -> list[quarters.Quarter | None]:
    """Each row's Hvornår resolved to its quarter in the row's context (None when it is not
    one: ``problem(value, i)`` says why, if it says anything)."""
    parsed = c.parsed("when")
    if parsed is None:
        return [None] * c.n
    header = c.header("when")
    raw = c.raw(c.columns["when"][0])
    memo: dict = {}
    found: list[quarters.Quarter | None] = []
    for i, p in enumerate(parsed):
        if p is EMPTY or p is REPORTED:
            if p is EMPTY:
                c.error(i, header, None, must_fill(header))
            found.append(None)
            continue
        key = (type(raw[i]), raw[i], years[i], dates[i])
        q = memo[key] if key in memo else memo.setdefault(key, quarter(raw[i], years[i], dates[i]))
        if q is None and (text := problem(raw[i], i)):
            c.error(i, header, raw[i], text)
        found.append(q)
    return found


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


def handleplan(c: Columns) -> dict[str, list]:
    values = {key: c.values(key)[0] for key in ("department", "date", "what", "area", "why", "how", "help", "who",
                                                  "follow_up", "status")}
    years, year_given = c.values("year")
    dates = values["date"]
    found = _quarters(c, years, dates, lambda v, i: _plan_when_problem(v, year_given[i] and years[i] is None, dates[i]))
    whens = [p.value for p in c.parsed("when") or [EMPTY] * c.n]
    kept = c.kept()
    out = {key: [values[key][i] for i in kept] for key in values}
    out["year"] = [found[i].year if years[i] is None else years[i] for i in kept]
    out["when"] = [whens[i] for i in kept]
    out["quarter"] = [found[i].label for i in kept]
    out["urgent"] = [found[i].urgent for i in kept]
    out["status"] = [s or vocab.IKKE_STARTET for s in out["status"]]
    return out


def _training_when_problem(value: object, _i: int = 0) -> str:
    """Why an Uddannelse Hvornår is not a quarter (the register has no År column)."""
    if text := out_of_range(value):
        return text
    text = shown(value)
    if not quarters.is_asap(value) and quarters.parse_quarter(value, 2000) is not None:
        return f'"{text}" mangler et år: skriv året med, fx "{text} 2026".'
    return f'"{text}" er ikke et kvartal eller en dato (fx "3. kvartal 2026", "2026-Q3" eller "15-08-2026").'


def uddannelse(c: Columns) -> dict[str, list]:
    values = {key: c.values(key)[0] for key in ("department", "role", "name", "joined", "course", "status", "type")}
    hours, hours_given = c.values("hours")
    found = _quarters(c, [None] * c.n, [None] * c.n, _training_when_problem)
    whens = [p.value for p in c.parsed("when") or [EMPTY] * c.n]
    kinds = [kind or vocab.SUPPLERENDE for kind in values["type"]]
    header = c.header("hours")
    if header is not None:
        for i in [i for i in range(c.n) if not hours_given[i] and kinds[i] == vocab.SUPPLERENDE]:
            c.warn(i, header, None, "Kurset har ingen timer, så det tæller 0 timer i retten til supplerende "
                                    "arbejdsmiljøuddannelse.")
    kept = c.kept()
    out = {key: [values[key][i] for i in kept] for key in values}
    out["hours"] = [hours[i] for i in kept]
    out["type"] = [kinds[i] for i in kept]
    out["when"] = [whens[i] for i in kept]
    out["year"] = [found[i].year for i in kept]
    out["quarter"] = [found[i].label for i in kept]
    return out


def uddannelse_header(columns: dict[str, tuple[int, str]], boxes: list[Box]) -> Header:
    found = plain_header(SCHEMA[UDDANNELSE])(columns, boxes)
    if "hours" not in columns:
        found.warnings.append('Arket har ingen kolonne "Timer", så supplerende kurser tæller 0 timer i retten til '
                              "supplerende arbejdsmiljøuddannelse.")
    return found


# --------------------------------------------------------------------------- Medlemmer


def medlemmer(c: Columns) -> dict[str, list]:
    values = {key: c.values(key)[0] for key in SCHEMA[MEDLEMMER].columns}
    header = c.header("left")
    raw = c.raw(c.columns["left"][0]) if header else None
    for i, (joined, left) in enumerate(zip(values["joined"], values["left"], strict=True)):
        if joined is not None and left is not None and left < joined:
            c.error(i, header, raw[i], f"Fratrådt ({left:%d-%m-%Y}) ligger før Tiltrådt ({joined:%d-%m-%Y}); ret en af "
                                       "datoerne.")
    first: dict[tuple[str, str], int] = {}  # a member stands once per department in a file
    for i in c.kept():
        key = department_key(values["department"][i]), name_key(values["name"][i])
        if key in first:
            c.error(i, c.header("name"), values["name"][i],
                    f'"{values["name"][i]}" står også i række {first[key]} for afdeling {values["department"][i]}; '
                    "et medlem må kun stå én gang pr. afdeling.")
        else:
            first[key] = c.numbers[i]
    kept = c.kept()
    return {key: [column[i] for i in kept] for key, column in values.items()}


# --------------------------------------------------------------------------- Organisation


def organisation(c: Columns) -> dict[str, list]:
    names, _ = c.values("department")
    parents, _ = c.values("parent")
    parent_header = c.header("parent")
    first: dict[str, int] = {}  # name key -> index of its first row
    above: dict[str, str] = {}
    for i in range(c.n):
        if names[i] is None:
            continue
        key = department_key(names[i])
        if parents[i] and department_key(parents[i]) == key:
            c.error(i, parent_header, parents[i], f'"{names[i]}" kan ikke høre under sig selv.')
        elif key in first:
            c.error(i, c.header("department"), names[i],
                    f'"{names[i]}" står også i række {c.numbers[first[key]]}; en afdeling eller enhed må kun stå én '
                    "gang.")
            continue
        first.setdefault(key, i)
        if parents[i] and not c.bad[i]:
            above[key] = department_key(parents[i])
    reported: set[str] = set()
    for start in above:
        chain = [start]
        while (up := above.get(chain[-1])) is not None and up not in chain:
            chain.append(up)
        if up is None or up in reported:
            continue
        ring = chain[chain.index(up):]
        reported.update(ring)
        rows = [first[k] for k in ring]
        where = " og ".join(", ".join(str(c.numbers[i]) for i in rows).rsplit(", ", 1))
        story = ", som hører under ".join(f'"{names[i]}"' for i in [*rows, rows[0]])
        for i in rows:
            c.bad[i] = True
        c.error(rows[0], parent_header, parents[rows[0]],
                f"Organisationen går i ring: {story} (række {where}). Ret Overordnet, så ingen enhed ligger under sig "
                "selv.")
    kept = c.kept()
    return {"department": [names[i] for i in kept], "parent": [parents[i] for i in kept]}


# --------------------------------------------------------------------------- the tables' rules


@dataclass
class Header:
    """What a header rule found: required columns missing, other header errors and warnings."""

    missing: list[str]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def plain_header(table: Table) -> Callable[[dict, list], Header]:
    """The header rule of a table whose required fields are simply required."""
    def header(columns: dict[str, tuple[int, str]], boxes: list[Box]) -> Header:
        return Header([f.key for f in table.file_fields if f.required and f.key not in columns])
    return header


# table -> (header rule, rule of the rows)
RULES: dict[str, tuple[Callable[[dict, list], Header], Callable[[Columns], dict[str, list]]]] = {
    ARBEJDSARK: (arbejdsark_header, arbejdsark),
    HANDLEPLAN: (plain_header(SCHEMA[HANDLEPLAN]), handleplan),
    UDDANNELSE: (uddannelse_header, uddannelse),
    MEDLEMMER: (plain_header(SCHEMA[MEDLEMMER]), medlemmer),
    ORGANISATION: (plain_header(SCHEMA[ORGANISATION]), organisation),
}
