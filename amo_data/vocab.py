"""Every controlled vocabulary of the file format, with its aliases.

Values are matched like headers (see :func:`amo_data.text.fold`). The area list can be
extended by a TOML file named in the environment variable ``AMO_AREAS_FILE``::

    [[omraade]]
    navn = "Vold og trusler"
    aliaser = ["Vold", "Trusler"]

An entry whose ``navn`` is already a default area adds aliases to it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import AmoError
from .text import clean, fold


@dataclass(frozen=True)
class Vocabulary:
    """A list of canonical values and the aliases that mean them."""

    name: str  # Danish name used in messages
    values: tuple[str, ...]
    aliases: dict[str, str] = field(default_factory=dict)  # folded alias -> canonical

    def __post_init__(self) -> None:
        for value in self.values:
            self.aliases.setdefault(fold(value), value)

    def match(self, raw: object) -> str | None:
        """The canonical value ``raw`` means, or None."""
        return self.aliases.get(fold(raw))

    def listing(self) -> str:
        return ", ".join(f'"{v}"' for v in self.values)


def _vocab(name: str, table: dict[str, list[str]]) -> Vocabulary:
    aliases = {fold(a): value for value, names in table.items() for a in names}
    return Vocabulary(name, tuple(table), aliases)


# Kategori of an Arbejdsark entry.
VIGTIG_OPGAVE = "Vigtig opgave"
LYKKES = "Lykkes"
BRUG_FOR_AT_STYRKE = "Brug for at styrke"
CATEGORY = _vocab(
    "kategori",
    {
        VIGTIG_OPGAVE: ["Vigtige opgaver", "Vigtige opgaver og fokuspunkter", "Fokuspunkt", "Opgave", "Task"],
        LYKKES: ["Dette lykkes vi med", "Dette lykkes vi godt med allerede", "Strength"],
        BRUG_FOR_AT_STYRKE: ["Dette kan vi have brug for at styrke", "Styrkes", "Behov", "Need"],
    },
)
# A bare "Styrke" may mean a strength or "to strengthen": always an error naming both choices.
AMBIGUOUS_CATEGORY = fold("Styrke")

# The three help routes of the seed tool.
EGEN = "Egen kompetenceudvikling"
INDEFRA = "Hjælp indefra"
UDEFRA = "Hjælp udefra"
HELP = _vocab(
    "hjælpetype",
    {
        EGEN: ["Egen", "Selv", "Supplerende uddannelse", "Uddannelse", "Own"],
        INDEFRA: ["Indefra", "Intern", "Brug for andre på arbejdspladsen", "Andre på arbejdspladsen", "HR", "Internal"],
        UDEFRA: ["Udefra", "Ekstern", "Sagkyndig bistand", "Arbejdsmiljørådgiver", "External"],
    },
)

# Status of a Handleplan action.
IKKE_STARTET = "Ikke startet"
PLANLAGT = "Planlagt"
I_GANG = "I gang"
GENNEMFOERT = "Gennemført"
AFLYST = "Aflyst"
STATUS = _vocab(
    "status",
    {
        IKKE_STARTET: ["Ikke påbegyndt", "Not started"],
        PLANLAGT: ["Planned"],
        I_GANG: ["Igang", "Påbegyndt", "In progress"],
        GENNEMFOERT: ["Færdig", "Afsluttet", "Done", "Completed"],
        AFLYST: ["Annulleret", "Cancelled"],
    },
)
CLOSED_STATUSES = frozenset({GENNEMFOERT, AFLYST})

# Role and status in the Uddannelse register.
TRAINING_ROLE = _vocab(
    "rolle",
    {
        "AMR": ["Arbejdsmiljørepræsentant"],
        "Arbejdsleder": ["Arbejdsmiljøleder"],
        "Leder": [],
        "Andet": ["Other"],
    },
)
TRAINING_STATUS = _vocab(
    "uddannelsesstatus",
    {"Tilbudt": [], "Tilmeldt": [], "Gennemført": [], "Afslået": [], "Aflyst": []},
)

# Type of a course in the Uddannelse register (format version 2).
SUPPLERENDE = "Supplerende"
GRUNDUDDANNELSE = "Grunduddannelse"
COURSE_TYPE = _vocab(
    "kursustype",
    {
        SUPPLERENDE: ["Supplerende arbejdsmiljøuddannelse", "Supplementary"],
        GRUNDUDDANNELSE: ["Obligatorisk", "Den obligatoriske arbejdsmiljøuddannelse", "Arbejdsmiljøuddannelse", "Basic"],
        "Andet": ["Other"],
    },
)

# Default areas (Område); a deployment may extend them, see the module docstring.
DEFAULT_AREAS: dict[str, list[str]] = {
    "Psykisk arbejdsmiljø": ["Psykisk", "Psykosocialt", "Psykosocialt arbejdsmiljø", "Trivsel", "Stress", "Krænkelser"],
    "Ergonomi": ["Ergonomisk", "Muskel- og skeletbelastninger", "Løft"],
    "Kemisk og biologisk arbejdsmiljø": ["Kemi", "Kemisk", "Biologisk"],
    "Fysisk arbejdsmiljø": ["Fysisk", "Indeklima", "Støj", "Lys"],
    "Ulykker og sikkerhed": ["Ulykker", "Ulykkesrisici", "Sikkerhed"],
    "Sygefravær": ["Fravær"],
    "Samarbejde i AMO": ["Samarbejde", "Arbejdsmiljøgruppen"],
    "Inddragelse og formidling": ["Inddragelse", "Formidling", "Kommunikation"],
    "APV og systematisk arbejdsmiljøarbejde": ["APV", "Årshjul", "Systematisk arbejdsmiljøarbejde"],
}

AREAS_ENV = "AMO_AREAS_FILE"


def load_areas(path: str | Path | None = None) -> Vocabulary:
    """The area vocabulary: the defaults plus the entries of an optional TOML file."""
    table = {name: list(aliases) for name, aliases in DEFAULT_AREAS.items()}
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise AmoError(f'Områdefilen "{path}" kan ikke læses: {exc}') from exc
        for entry in data.get("omraade", []):
            name = clean(entry.get("navn", "")) if isinstance(entry, dict) else ""
            if not name:
                raise AmoError(f'Områdefilen "{path}": hvert [[omraade]] skal have et "navn".')
            existing = next((n for n in table if fold(n) == fold(name)), name)
            table.setdefault(existing, []).extend(clean(a) for a in entry.get("aliaser", []))
    return _vocab("område", table)


@lru_cache(maxsize=8)
def _areas_cached(path: str | None) -> Vocabulary:
    return load_areas(path)


def areas() -> Vocabulary:
    """The area vocabulary in force (defaults, extended by ``AMO_AREAS_FILE`` if set)."""
    return _areas_cached(os.environ.get(AREAS_ENV) or None)
