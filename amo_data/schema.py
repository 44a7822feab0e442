"""The tables of the file format, declared once.

Each :class:`Table` lists its :class:`Field` s in canonical order: the column's key, its Danish
header and aliases (``None`` for a column derived from others, such as the quarter of Hvornår),
its kind of value (:mod:`amo_data.fields`), whether the file must have it, and the sentence the
template's Vejledning sheet shows. Everything else derives from these declarations: header
matching and validation (:mod:`amo_data.validate`), the canonical DataFrames (:func:`frame`),
the store's columns, the export and the template (:mod:`amo_data.workbook`). Rules that look at
more than one cell of a row live in :mod:`amo_data.rules`.

A *canonical table* is a pandas DataFrame with exactly the table's columns, in canonical order
(English identifiers, vocabulary values in their canonical Danish spelling): text and dates
are ``str``/``datetime.date`` or ``None`` (object dtype), whole numbers ``int64`` (``Int64``
when optional), hours ``float64`` and flags ``bool``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from . import fields, vocab
from .text import fold

if TYPE_CHECKING:
    import pandas as pd

ARBEJDSARK = "arbejdsark"
HANDLEPLAN = "handleplan"
UDDANNELSE = "uddannelse"
MEDLEMMER = "medlemmer"
ORGANISATION = "organisation"

DESCRIPTION_MAX = 2000


@dataclass(frozen=True)
class Field:
    key: str  # canonical column
    header: str | None  # Danish header as the template writes it; None: derived, not in files
    kind: fields.Kind
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""  # one Danish sentence for the template's Vejledning sheet

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases) if self.header else ()

    @property
    def storage(self) -> str:
        return self.kind.storage


@dataclass(frozen=True)
class Table:
    name: str  # identifier, e.g. "arbejdsark"
    title: str  # sheet name as the template writes it
    sheet_aliases: tuple[str, ...]
    fields: tuple[Field, ...]  # canonical order
    file_order: tuple[str, ...] = ()  # the template's column order, if not the canonical one
    # What an import replaces: the rows of each (department, year) group in the file, or, for a
    # table without a year, each department's whole list (data-format.md, "What an import does").
    group_by: tuple[str, ...] = ("department", "year")

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """The canonical columns, in order."""
        return tuple(f.key for f in self.fields)

    @cached_property
    def file_fields(self) -> tuple[Field, ...]:
        """The columns a file may have, in the template's order."""
        in_files = {f.key: f for f in self.fields if f.header}
        return tuple(in_files[k] for k in self.file_order) if self.file_order else tuple(in_files.values())

    @cached_property
    def field(self) -> dict[str, Field]:
        return {f.key: f for f in self.fields}

    @cached_property
    def header_index(self) -> dict[str, Field]:
        """Folded header or alias -> field, for header matching."""
        return {fold(name): f for f in self.file_fields for name in f.names}


Text, Department, Year, Day, When = fields.Text(), fields.Department(), fields.Year(), fields.Day(), fields.When()
Help = fields.Choice(vocab.HELP, "en hjælpetype", "Hjælp")
# Suggestions for the free-text Rolle of Arbejdsark (any other text is accepted too).
ARBEJDSARK_ROLES = ("AMR", "Arbejdsleder", "Leder", "Medarbejder", "TR")

ARBEJDSARK_TABLE = Table(
    ARBEJDSARK, "Arbejdsark", ("Arbejdsark", "Worksheet", "Forberedelse", "Arbejdsark og forberedelse"),
    (
        Field("department", "Afdeling", Department, ("Department", "Afd."), True,
              "Afdelingens navn, fx Produktion eller Lager."),
        Field("year", "År", Year, ("Year",), False,
              "Året drøftelsen hører til, fx 2026. Udledes af Dato, hvis det mangler."),
        Field("date", "Dato", Day, ("Date", "Mødedato"), False,
              "Dato for drøftelsen, fx 15-03-2026. Udfyld Dato eller År (eller begge)."),
        Field("area", "Område", fields.Area(), ("Area", "Emne"), True,
              "Arbejdsmiljøområdet, fx Psykisk arbejdsmiljø eller Ergonomi (vælg fra listen)."),
        Field("category", "Kategori", fields.Category(), ("Category", "Type"), True,
              "Vigtig opgave, Lykkes eller Brug for at styrke."),
        Field("description", "Beskrivelse", Text, ("Description", "Tekst", "Punkt"), True,
              "Punktet med jeres egne ord (højst 2.000 tegn)."),
        Field("help", "Hjælp", Help, ("Help", "Hjælpebehov"), False,
              "Kun for Brug for at styrke: Egen kompetenceudvikling, Hjælp indefra eller Hjælp udefra."),
        Field("rating", "Vurdering", fields.Rating(), ("Rating", "Score"), False,
              "Hvor godt klædt på er I? 1 = slet ikke, 5 = helt."),
        Field("role", "Rolle", fields.Text(ARBEJDSARK_ROLES, "Rolle (arbejdsark)"), ("Role",), False,
              "Hvem der har bidraget, fx AMR, Arbejdsleder, Leder, Medarbejder eller TR."),
    ),
    file_order=("department", "date", "year", "area", "category", "description", "help", "rating", "role"),
)

HANDLEPLAN_TABLE = Table(
    HANDLEPLAN, "Handleplan", ("Handleplan", "Handlingsplan", "Action plan", "Actionplan"),
    (
        Field("department", "Afdeling", Department, ("Department",), True, "Afdelingens navn."),
        Field("year", "År", Year, ("Year", "Planår"), False,
              "Planens år, fx 2026. Kan udelades, hvis alle Hvornår har et år eller en dato."),
        Field("date", "Dato", Day, ("Date",), False, "Dato for planen, fx 15-03-2026."),
        Field("what", "Hvad", Text, ("What", "Kompetence", "Indsats"), True,
              "Hvad skal I gøre? Fx Kursus i risikovurdering af kemi."),
        Field("area", "Område", fields.Area(), ("Area",), True, "Arbejdsmiljøområdet (vælg fra listen)."),
        Field("why", "Hvorfor", Text, ("Why", "Begrundelse"), False, "Hvorfor er det vigtigt?"),
        Field("how", "Hvordan", Text, ("How",), False, "Hvordan gør I det?"),
        Field("help", "Hjælp", Help, ("Help", "Hjælpetype"), True,
              "Egen kompetenceudvikling, Hjælp indefra eller Hjælp udefra."),
        Field("when", "Hvornår", When, ("When", "Kvartal", "Deadline"), True,
              'Kvartal eller dato, fx "3. kvartal 2026", "2026-Q3", "15-08-2026" eller "Snarest".'),
        Field("quarter", None, fields.Label()),  # the quarter of Hvornår, e.g. "2026-Q3"
        Field("urgent", None, fields.Flag()),  # Hvornår said "as soon as possible"
        Field("who", "Hvem", Text, ("Who", "Ansvarlig"), False, "Hvem er ansvarlig?"),
        Field("follow_up", "Opfølgning", Text, ("Follow-up", "Opfølgning hvornår"), False,
              "Hvornår og hvordan følger I op?"),
        Field("status", "Status", fields.Choice(vocab.STATUS, "en status", "Status"), ("State",), False,
              "Ikke startet, Planlagt, I gang, Gennemført eller Aflyst (tom = Ikke startet)."),
    ),
)

UDDANNELSE_TABLE = Table(
    UDDANNELSE, "Uddannelse", ("Uddannelse", "Supplerende uddannelse", "Training"),
    (
        Field("department", "Afdeling", Department, ("Department",), True, "Afdelingens navn."),
        Field("role", "Rolle", fields.Choice(vocab.TRAINING_ROLE, "en rolle", "Rolle (uddannelse)"), ("Role",), True,
              "AMR, Arbejdsleder, Leder eller Andet."),
        Field("name", "Navn", Text, ("Name", "Initialer"), False, "Navn eller initialer."),
        Field("joined", "Tiltrådt", Day, ("Joined", "Valgt"), False,
              "Dato for indtræden i arbejdsmiljøorganisationen."),
        Field("course", "Kursus", Text, ("Course",), True, "Kursets navn."),
        Field("hours", "Timer", fields.Hours(), ("Hours",), False,
              "Antal timer, fx 14,8. Et supplerende kursus uden timer tæller 0 timer i retten."),
        Field("when", "Hvornår", When, ("When", "Kvartal", "Dato"), True, "Kvartal eller dato for kurset."),
        Field("year", None, Year),  # the year of Hvornår: this table's grouping year
        Field("quarter", None, fields.Label()),
        Field("status", "Status", fields.Choice(vocab.TRAINING_STATUS, "en uddannelsesstatus", "Status (uddannelse)"),
              ("State",), True, "Tilbudt, Tilmeldt, Gennemført, Afslået eller Aflyst."),
        Field("type", "Type", fields.Choice(vocab.COURSE_TYPE, "en kursustype", "Type (uddannelse)"),
              ("Kursustype", "Course type"), False,
              "Supplerende (tom = Supplerende), Grunduddannelse (den obligatoriske uddannelse) eller Andet."),
    ),
    file_order=("department", "role", "name", "joined", "course", "type", "hours", "when", "status"),
)

MEDLEMMER_TABLE = Table(
    MEDLEMMER, "Medlemmer", ("Medlemmer", "AMO-medlemmer", "Medlemmer af AMO", "Members"),
    (
        Field("department", "Afdeling", Department, ("Department",), True, "Afdelingens navn."),
        Field("name", "Navn", Text, ("Name", "Initialer"), True,
              "Navn eller initialer, som i Uddannelse; én gang pr. afdeling."),
        Field("role", "Rolle", fields.Choice(vocab.TRAINING_ROLE, "en rolle", "Rolle (uddannelse)"), ("Role",), True,
              "AMR, Arbejdsleder, Leder eller Andet."),
        Field("joined", "Tiltrådt", Day, ("Joined", "Valgt", "Udpeget"), True,
              "Dato for indtræden i arbejdsmiljøorganisationen, fx 01-09-2025."),
        Field("left", "Fratrådt", Day, ("Left", "Udtrådt"), False,
              "Dato for udtræden; tom, hvis personen stadig er med."),
        Field("basic_training", "Grunduddannelse", Day, ("Basic training", "Obligatorisk uddannelse"), False,
              "Dato for den obligatoriske arbejdsmiljøuddannelse (3 dage, 22 timer), hvis den er gennemført."),
        Field("email", "E-mail", fields.Email(), ("Email", "Mail"), False,
              "Én e-mailadresse til påmindelser om frister (valgfri)."),
    ),
    group_by=("department",),
)

ORGANISATION_TABLE = Table(
    ORGANISATION, "Organisation", ("Organisation", "Organisationsdiagram", "Enheder", "Organisation chart"),
    (
        Field("department", "Afdeling", Department, ("Department", "Enhed", "Unit"), True,
              "En afdeling (som i de andre ark) eller en enhed over afdelingerne, fx et område."),
        Field("parent", "Overordnet", Department, ("Parent", "Hører under", "Overordnet enhed"), False,
              "Den enhed, den hører under, fx en forvaltning; tom øverst."),
    ),
    group_by=("department",),
)

SCHEMA: dict[str, Table] = {t.name: t for t in (ARBEJDSARK_TABLE, HANDLEPLAN_TABLE, UDDANNELSE_TABLE,
                                                 MEDLEMMER_TABLE, ORGANISATION_TABLE)}
TABLES: tuple[str, ...] = tuple(SCHEMA)
# The tables whose rows belong to a department (an Organisation row names a department or a
# unit above departments: it places one, it is no department's data).
DEPARTMENT_TABLES: tuple[str, ...] = tuple(t for t in TABLES if t != ORGANISATION)

# Views of the declarations above, for the code that reads them by table name.
SHEET_TITLES: dict[str, str] = {t.name: t.title for t in SCHEMA.values()}
SHEET_ALIASES: dict[str, list[str]] = {t.name: list(t.sheet_aliases) for t in SCHEMA.values()}
COLUMNS: dict[str, tuple[Field, ...]] = {t.name: t.file_fields for t in SCHEMA.values()}
CANONICAL: dict[str, tuple[str, ...]] = {t.name: t.columns for t in SCHEMA.values()}
Column = Field  # the name the rest of the code knew a file's column by

# Box layout of the paper work sheet: header -> (Kategori, Hjælp).
BOX_COLUMNS: dict[str, tuple[str, str | None]] = {
    "Vigtige opgaver og fokuspunkter": (vocab.VIGTIG_OPGAVE, None),
    "Dette lykkes vi med": (vocab.LYKKES, None),
    "Brug for at styrke": (vocab.BRUG_FOR_AT_STYRKE, None),
    "Egen kompetenceudvikling": (vocab.BRUG_FOR_AT_STYRKE, vocab.EGEN),
    "Brug for andre på arbejdspladsen": (vocab.BRUG_FOR_AT_STYRKE, vocab.INDEFRA),
    "Brug for andre på arbejdsplads": (vocab.BRUG_FOR_AT_STYRKE, vocab.INDEFRA),
    "Brug for hjælp udefra": (vocab.BRUG_FOR_AT_STYRKE, vocab.UDEFRA),
}
BOX_KEYS = {fold(h): h for h in BOX_COLUMNS}


def column_index(table: str) -> dict[str, Field]:
    """Folded header or alias -> column, for header matching."""
    return SCHEMA[table].header_index


def sheet_index() -> dict[str, str]:
    """Folded sheet name or alias -> table."""
    return {fold(name): t.name for t in SCHEMA.values() for name in t.sheet_aliases}


_DTYPES = {"int": "int64", "nullable_int": "Int64", "float": "float64", "bool": "bool"}  # others: object


def dtype(table: str, column: str) -> str:
    """The pandas dtype of a canonical column."""
    return _DTYPES.get(SCHEMA[table].field[column].storage, "object")


def frame(table: str, columns: dict[str, list] | None = None, names: tuple[str, ...] | None = None) -> pd.DataFrame:
    """A canonical table from plain value lists per column (missing columns empty); ``names``:
    only those columns (canonical order by default)."""
    import pandas as pd

    names = SCHEMA[table].columns if names is None else names
    data = {key: series(table, key, (columns or {}).get(key, [])) for key in names}
    return pd.DataFrame(data, columns=list(names))


def series(table: str, column: str, values: list) -> pd.Series:
    """One canonical column from its plain values, with the column's dtype."""
    import pandas as pd

    kind = dtype(table, column)
    if kind == "float64":
        values = [float("nan") if v is None else v for v in values]
    return pd.Series(values, dtype=kind)
