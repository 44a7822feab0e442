"""The three sheets of the file format: their names, columns, aliases and canonical tables.

A *canonical table* is a pandas DataFrame with exactly the columns listed in ``CANONICAL``
(English identifiers, vocabulary values in their canonical Danish spelling). Reading and
validation produce them, the store keeps them, metrics and export consume them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .text import fold

ARBEJDSARK = "arbejdsark"
HANDLEPLAN = "handleplan"
UDDANNELSE = "uddannelse"
TABLES = (ARBEJDSARK, HANDLEPLAN, UDDANNELSE)

# Sheet title as the template writes it, and the aliases a workbook may use.
SHEET_TITLES = {ARBEJDSARK: "Arbejdsark", HANDLEPLAN: "Handleplan", UDDANNELSE: "Uddannelse"}
SHEET_ALIASES = {
    ARBEJDSARK: ["Arbejdsark", "Worksheet", "Forberedelse", "Arbejdsark og forberedelse"],
    HANDLEPLAN: ["Handleplan", "Handlingsplan", "Action plan", "Actionplan"],
    UDDANNELSE: ["Uddannelse", "Supplerende uddannelse", "Training"],
}


@dataclass(frozen=True)
class Column:
    key: str  # canonical column of the table
    header: str  # Danish header as the template writes it
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""  # one Danish sentence for the template's Vejledning sheet

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


COLUMNS: dict[str, tuple[Column, ...]] = {
    ARBEJDSARK: (
        Column("department", "Afdeling", ("Department", "Afd."), True,
               "Afdelingens navn, fx Produktion eller Lager."),
        Column("date", "Dato", ("Date", "Mødedato"), False,
               "Dato for drøftelsen, fx 15-03-2026. Udfyld Dato eller År (eller begge)."),
        Column("year", "År", ("Year",), False,
               "Året drøftelsen hører til, fx 2026. Udledes af Dato, hvis det mangler."),
        Column("area", "Område", ("Area", "Emne"), True,
               "Arbejdsmiljøområdet, fx Psykisk arbejdsmiljø eller Ergonomi (vælg fra listen)."),
        Column("category", "Kategori", ("Category", "Type"), True,
               "Vigtig opgave, Lykkes eller Brug for at styrke."),
        Column("description", "Beskrivelse", ("Description", "Tekst", "Punkt"), True,
               "Punktet med jeres egne ord (højst 2.000 tegn)."),
        Column("help", "Hjælp", ("Help", "Hjælpebehov"), False,
               "Kun for Brug for at styrke: Egen kompetenceudvikling, Hjælp indefra eller Hjælp udefra."),
        Column("rating", "Vurdering", ("Rating", "Score"), False,
               "Hvor godt klædt på er I? 1 = slet ikke, 5 = helt."),
        Column("role", "Rolle", ("Role",), False,
               "Hvem der har bidraget, fx AMR, Arbejdsleder, Leder, Medarbejder eller TR."),
    ),
    HANDLEPLAN: (
        Column("department", "Afdeling", ("Department",), True, "Afdelingens navn."),
        Column("year", "År", ("Year", "Planår"), False,
               "Planens år, fx 2026. Kan udelades, hvis alle Hvornår har et år eller en dato."),
        Column("date", "Dato", ("Date",), False, "Dato for planen, fx 15-03-2026."),
        Column("what", "Hvad", ("What", "Kompetence", "Indsats"), True,
               "Hvad skal I gøre? Fx Kursus i risikovurdering af kemi."),
        Column("area", "Område", ("Area",), True, "Arbejdsmiljøområdet (vælg fra listen)."),
        Column("why", "Hvorfor", ("Why", "Begrundelse"), False, "Hvorfor er det vigtigt?"),
        Column("how", "Hvordan", ("How",), False, "Hvordan gør I det?"),
        Column("help", "Hjælp", ("Help", "Hjælpetype"), True,
               "Egen kompetenceudvikling, Hjælp indefra eller Hjælp udefra."),
        Column("when", "Hvornår", ("When", "Kvartal", "Deadline"), True,
               'Kvartal eller dato, fx "3. kvartal 2026", "2026-Q3", "15-08-2026" eller "Snarest".'),
        Column("who", "Hvem", ("Who", "Ansvarlig"), False, "Hvem er ansvarlig?"),
        Column("follow_up", "Opfølgning", ("Follow-up", "Opfølgning hvornår"), False,
               "Hvornår og hvordan følger I op?"),
        Column("status", "Status", ("State",), False,
               "Ikke startet, Planlagt, I gang, Gennemført eller Aflyst (tom = Ikke startet)."),
    ),
    UDDANNELSE: (
        Column("department", "Afdeling", ("Department",), True, "Afdelingens navn."),
        Column("role", "Rolle", ("Role",), True, "AMR, Arbejdsleder, Leder eller Andet."),
        Column("name", "Navn", ("Name", "Initialer"), False, "Navn eller initialer."),
        Column("joined", "Tiltrådt", ("Joined", "Valgt"), False, "Dato for indtræden i arbejdsmiljøorganisationen."),
        Column("course", "Kursus", ("Course",), True, "Kursets navn."),
        Column("hours", "Timer", ("Hours",), False, "Antal timer, fx 14,8."),
        Column("when", "Hvornår", ("When", "Kvartal", "Dato"), True, "Kvartal eller dato for kurset."),
        Column("status", "Status", ("State",), True, "Tilbudt, Tilmeldt, Gennemført, Afslået eller Aflyst."),
    ),
}

# Box layout of the paper work sheet: header -> (Kategori, Hjælp).
BOX_COLUMNS: dict[str, tuple[str, str | None]] = {
    "Vigtige opgaver og fokuspunkter": ("Vigtig opgave", None),
    "Dette lykkes vi med": ("Lykkes", None),
    "Brug for at styrke": ("Brug for at styrke", None),
    "Egen kompetenceudvikling": ("Brug for at styrke", "Egen kompetenceudvikling"),
    "Brug for andre på arbejdspladsen": ("Brug for at styrke", "Hjælp indefra"),
    "Brug for andre på arbejdsplads": ("Brug for at styrke", "Hjælp indefra"),
    "Brug for hjælp udefra": ("Brug for at styrke", "Hjælp udefra"),
}
BOX_KEYS = {fold(h): h for h in BOX_COLUMNS}

DESCRIPTION_MAX = 2000

# Canonical tables: the columns and their meaning. Dates are ``datetime.date`` or None,
# integers are Python ints (nullable columns use pandas' "Int64"), text is str or None.
CANONICAL: dict[str, tuple[str, ...]] = {
    ARBEJDSARK: (
        "department",  # str, trimmed, inner whitespace collapsed
        "year",  # int: År, else the year of Dato
        "date",  # date | None
        "area",  # str: canonical area, or the text as written for an unknown area
        "category",  # "Vigtig opgave" | "Lykkes" | "Brug for at styrke"
        "description",  # str
        "help",  # canonical help type | None
        "rating",  # Int64 1-5 | <NA>
        "role",  # str | None
    ),
    HANDLEPLAN: (
        "department", "year",  # int: År, else the year of the Hvornår quarter
        "date", "what", "area", "why", "how",
        "help",  # canonical help type (required)
        "when",  # str: Hvornår as written (dates as dd-mm-yyyy)
        "quarter",  # str: canonical quarter label, e.g. "2026-Q3"
        "urgent",  # bool: Hvornår said "as soon as possible"
        "who", "follow_up",
        "status",  # canonical status, default "Ikke startet"
    ),
    UDDANNELSE: (
        "department",
        "role",  # "AMR" | "Arbejdsleder" | "Leder" | "Andet"
        "name", "joined", "course",
        "hours",  # float | NaN
        "when",  # str as written
        "year",  # int: the year of Hvornår (grouping key of this table)
        "quarter",  # "2026-Q3"
        "status",  # "Tilbudt" | "Tilmeldt" | "Gennemført" | "Afslået" | "Aflyst"
    ),
}


def column_index(table: str) -> dict[str, Column]:
    """Folded header or alias -> column, for header matching."""
    return {fold(name): col for col in COLUMNS[table] for name in col.names}


def sheet_index() -> dict[str, str]:
    """Folded sheet name or alias -> table."""
    return {fold(name): table for table, names in SHEET_ALIASES.items() for name in names}
