"""A large, valid workbook in the contract's format, for the benchmark.

``generate(path, departments, years)`` writes one ``.xlsx`` with the sheets ``Arbejdsark``
(``points`` rows per department and year, default 40), ``Handleplan`` (``actions`` rows per
department and year, default 8) and ``Organisation`` (the contract's organisation tree, format
version 2: ``Afdeling``, ``Overordnet``). The default 500 departments x 5 years gives 100,000
Arbejdsark and 20,000 Handleplan rows, and a tree of 5 forvaltninger x 10 områder with 10
departments under each område (555 rows). Every row is valid (the file checks clean), values
vary like real ones (every area, category, help type, status and several Hvornår forms) and
the output is deterministic for a seed. openpyxl's write-only mode streams the rows
(xlsxwriter is not installed in this project).

A store that does not know the ``Organisation`` sheet yet ignores it, as any other sheet it
does not know; one that does stores the tree.

Run: ``python bench/generate.py OUT.xlsx [--departments N] [--years N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from amo_data import vocab  # noqa: E402
from amo_data.schema import ARBEJDSARK, COLUMNS, HANDLEPLAN  # noqa: E402

FIRST_YEAR = 2022
CATEGORIES = (vocab.VIGTIG_OPGAVE, vocab.LYKKES, vocab.BRUG_FOR_AT_STYRKE)
HELPS = vocab.HELP.values
STATUSES = vocab.STATUS.values
ROLES = ("AMR", "Arbejdsleder", "Leder", "Medarbejder", "TR", None)
VERBS = ("Forebygge", "Kortlægge", "Følge op på", "Drøfte", "Tale om", "Dele viden om", "Håndtere")
TOPICS = ("stress i travle perioder", "tunge løft ved varemodtagelse", "støj i produktionen",
          "kemikalier i rengøringen", "nye kolleger", "krænkende adfærd", "indeklimaet om sommeren",
          "APV-handlingsplanen", "ulykker med truck", "sygefravær og tilbagevenden",
          "uklare krav fra kunder", "ergonomi ved skærmarbejde")
WHO = ("AMR", "Arbejdsleder", "Leder", "HR", "Arbejdsmiljøkonsulent", "AMO")


FORVALTNINGER = ("Børn og Unge", "Teknik og Miljø", "Social og Sundhed", "Kultur og Fritid",
                 "Økonomi og Administration")
# The Organisation sheet's headers as the contract names them (data-format.md, format version 2).
ORGANISATION_HEADERS = ("Afdeling", "Overordnet")


def department_names(count: int) -> list[str]:
    return [f"Afdeling {i:03d}" for i in range(1, count + 1)]


def organisation(departments: int, forvaltninger: int = 5, areas_each: int = 10) -> list[list[str | None]]:
    """The organisation tree's rows (Afdeling, Overordnet): ``forvaltninger`` at the top, each with
    ``areas_each`` områder, and the departments spread evenly over the områder. A small
    workbook gets fewer units (never more områder than departments, so that none is empty)."""
    tops = list(FORVALTNINGER[:max(1, min(forvaltninger, len(FORVALTNINGER), departments))])
    count = max(len(tops), min(len(tops) * areas_each, departments))  # områder in all
    parents = [tops[k * len(tops) // count] for k in range(count)]
    areas = [f"{parent}, område {parents[:k].count(parent) + 1}" for k, parent in enumerate(parents)]
    rows: list[list[str | None]] = [[top, None] for top in tops]
    rows += [[area, parent] for area, parent in zip(areas, parents)]
    rows += [[name, areas[i * count // departments]] for i, name in enumerate(department_names(departments))]
    return rows


def _when(rng: random.Random, year: int, i: int) -> str:
    quarter = 1 + i % 4
    form = rng.randrange(6)
    if form == 0:
        return f"{quarter}. kvartal {year}"
    if form == 1:
        return f"{year}-Q{quarter}"
    if form == 2:
        return f"Q{quarter} {year}"
    if form == 3:
        return f"{quarter}. kvt. {year}"
    if form == 4:
        return f"{quarter}. kvartal"  # year from the row's År
    return "Snarest" if rng.random() < 0.5 else f"K{quarter} {year}"


def rows(departments: int, years: int, points: int = 40, actions: int = 8, seed: int = 2026):
    """(arbejdsark rows, handleplan rows) as generators of header-ordered lists."""
    areas = vocab.areas().values
    names = department_names(departments)
    year_list = list(range(FIRST_YEAR, FIRST_YEAR + years))

    def arbejdsark():
        rng = random.Random(seed)
        for name in names:
            for year in year_list:
                meeting = dt.datetime(year, rng.randint(1, 11), rng.randint(1, 28))
                for i in range(points):
                    category = CATEGORIES[i % 3]
                    help_type = rng.choice(HELPS) if category == vocab.BRUG_FOR_AT_STYRKE else None
                    yield [name, meeting, year, areas[(i + rng.randrange(3)) % len(areas)], category,
                           f"{rng.choice(VERBS)} {rng.choice(TOPICS)} ({name}, punkt {i + 1})",
                           help_type, rng.choice((1, 2, 3, 4, 5, None)), rng.choice(ROLES)]

    def handleplan():
        rng = random.Random(seed + 1)
        for name in names:
            for year in year_list:
                plan_date = dt.datetime(year, rng.randint(1, 11), rng.randint(1, 28))
                for i in range(actions):
                    topic = rng.choice(TOPICS)
                    yield [name, year, plan_date, f"Kursus om {topic} ({i + 1})",
                           areas[(i + rng.randrange(3)) % len(areas)], f"Vi har brug for at styrke {topic}",
                           rng.choice(("Kursus", "Sparring med kollega", "Rådgiver", None)),
                           rng.choice(HELPS), _when(rng, year, i), rng.choice(WHO),
                           rng.choice(("Næste AMO-møde", "Om et halvt år", None)), rng.choice(STATUSES)]

    return arbejdsark(), handleplan()


def generate(path: str | Path, departments: int = 500, years: int = 5, points: int = 40, actions: int = 8,
             seed: int = 2026, forvaltninger: int = 5, areas_each: int = 10) -> Path:
    """Write the workbook to ``path`` (parents created) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    ark_rows, plan_rows = rows(departments, years, points, actions, seed)
    for table, data in ((ARBEJDSARK, ark_rows), (HANDLEPLAN, plan_rows)):
        ws = wb.create_sheet("Arbejdsark" if table == ARBEJDSARK else "Handleplan")
        ws.append([c.header for c in COLUMNS[table]])
        for row in data:
            ws.append(row)
    ws = wb.create_sheet("Organisation")
    ws.append(list(ORGANISATION_HEADERS))
    for row in organisation(departments, forvaltninger, areas_each):
        ws.append(row)
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)  # never leave a half-written cache file behind
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--departments", type=int, default=500)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--points", type=int, default=40, help="Arbejdsark rows per department and year")
    parser.add_argument("--actions", type=int, default=8, help="Handleplan rows per department and year")
    args = parser.parse_args(argv)
    generate(args.out, args.departments, args.years, args.points, args.actions)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
