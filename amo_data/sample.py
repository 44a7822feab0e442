"""Realistic sample files: a Danish company's yearly competence discussions over several years.

``write_sample`` writes, for each department, what its work environment organisation (AMO)
would keep after the yearly discussion: the work sheet (Arbejdsark), the action plan
(Handleplan) and the register of supplementary training (Uddannelse). The files show the
forms the dashboard accepts:

* most departments: one ``.xlsx`` in the template's format (the first one with the
  ``Vejledning`` sheet, as a user who filled in the template would send it);
* the second department: three CSV files as Danish Excel saves "CSV (semikolonsepareret)":
  Windows-1252, ``;`` between fields, decimal comma, CRLF line ends, a header row;
* the fifth department: an ``.xlsx`` whose Arbejdsark uses the boxes of the paper work sheet
  (several points in one cell, one line each, starting with ``•``) under a title row.

One department (the third, ``Administration``) has not held its yearly discussion: its
newest Arbejdsark is from two years before ``end_year``, so the dashboard lists it among the
departments without a yearly discussion. Everything is drawn from ``random.Random(seed)`` and
the files carry fixed internal timestamps, so the same arguments give byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from . import vocab
from .quarters import Quarter, parse_quarter, quarter_of
from .sample_text import (
    ACTION_STATUSES, ACTIONS, COURSES, FIRST_NAMES, FOLLOW_UP, LAST_NAMES, MANDATORY_COURSE, POINTS, PROFILE, ROLES,
    TRAINING_STATUSES, WHO,
)
from .entitlement import add_years
from .schema import (
    ARBEJDSARK, BOX_COLUMNS, CANONICAL, COLUMNS, HANDLEPLAN, MEDLEMMER, ORGANISATION, UDDANNELSE, frame,
)
from .workbook import (
    canonical_rows,
    _style_header,
    add_data_sheet,
    add_lists_sheet,
    build_workbook,
    save_workbook,
    set_cell,
)

DEFAULT_SEED = 2026  # the command line's default seed, so `sample sample_data` rebuilds the committed files
DEFAULT_END_YEAR = 2026

EGEN, INDEFRA, UDEFRA = vocab.EGEN, vocab.INDEFRA, vocab.UDEFRA
VIGTIG, LYKKES, STYRKE = vocab.VIGTIG_OPGAVE, vocab.LYKKES, vocab.BRUG_FOR_AT_STYRKE

DEPARTMENTS = (
    "Produktion", "Lager", "Administration", "Kantine", "Værksted", "Salg",
    "Kvalitet", "Indkøb", "Logistik", "Kundeservice", "Rengøring", "Vedligehold",
    "Udvikling", "IT", "Økonomi", "HR", "Pakkeri", "Forsendelse",
)
CSV_INDEX = 1  # Lager: CSV files
LAGGING_INDEX = 2  # Administration: no recent discussion
BOX_INDEX = 4  # Værksted: the paper box layout
NEW_MEMBER_INDEX = 3  # Kantine: a new AMR whose mandatory course is due
OVERDUE_INDEX = 4  # Værksted: an arbejdsleder whose mandatory course is overdue
SAMPLE_TODAY = (11, 26)  # the sample's "now" (month, day of the last year): what docs and tests use
EMAIL_DOMAIN = "nordiskemballage.dk"

def department_names(count: int) -> list[str]:
    names = list(DEPARTMENTS[:count])
    while len(names) < count:
        names.append(f"Afdeling {len(names) + 1}")
    return names


def slug(name: str) -> str:
    text = name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return "".join(ch if ch.isalnum() else "_" for ch in text).strip("_")


# --------------------------------------------------------------------------------------
# Generation of canonical tables


@dataclass
class Person:
    """A member of a department's AMO."""

    role: str
    name: str
    joined: dt.date
    left: dt.date | None = None
    basic: dt.date | None = None  # the mandatory course completed
    basic_in_row: bool = True  # known from the member row (else only from a Grunduddannelse course)
    email: str | None = None


def _when_form(rng: random.Random, q: Quarter, plan_year: int) -> str:
    """A quarter written in one of the ways people write it."""
    forms = [
        f"{q.quarter}. kvt. {q.year}", f"{q.quarter}. kvartal {q.year}", f"{q.year}-Q{q.quarter}",
        f"Q{q.quarter} {q.year}", f"K{q.quarter} {q.year}",
    ]
    if q.year == plan_year:
        forms.append(f"{q.quarter}. kvartal")
    if rng.random() < 0.15:  # a deadline date inside the quarter
        month = 3 * q.quarter - rng.randint(0, 2)
        day = dt.date(q.year, month, rng.choice((1, 15, 28)))
        return day.strftime("%d-%m-%Y")
    return rng.choice(forms)


def _pick_areas(rng: random.Random, department: str, count: int) -> list[str]:
    favoured = set(PROFILE.get(department, ()))
    pool = list(POINTS)
    weights = [4 if a in favoured else 1 for a in pool]
    chosen: list[str] = []
    while len(chosen) < count:
        area = rng.choices(pool, weights)[0]
        if area not in chosen:
            chosen.append(area)
    return chosen


def _arbejdsark(rng: random.Random, department: str, year: int, meeting: dt.date,
                date_known: bool) -> list[dict]:
    rows: list[dict] = []
    for area in _pick_areas(rng, department, rng.randint(4, 6)):
        categories = [VIGTIG, LYKKES, STYRKE]
        wanted = rng.sample(categories, rng.randint(1, 3))
        if STYRKE not in wanted and rng.random() < 0.5:
            wanted.append(STYRKE)
        for category in categories:
            if category not in wanted:
                continue
            for text in rng.sample(POINTS[area][category], rng.randint(1, 3) if category == STYRKE else rng.randint(1, 2)):
                help_type = None
                rating = None
                if category == STYRKE:
                    help_type = rng.choices([EGEN, INDEFRA, UDEFRA, None], [4, 3, 3, 1])[0]
                    rating = rng.randint(1, 3)
                elif category == LYKKES:
                    rating = rng.randint(4, 5)
                elif rng.random() < 0.5:
                    rating = rng.randint(2, 4)
                if rng.random() < 0.15:
                    rating = None
                rows.append({
                    "department": department, "year": year, "date": meeting if date_known else None,
                    "area": area, "category": category, "description": text, "help": help_type,
                    "rating": rating, "role": rng.choice(ROLES) if rng.random() < 0.8 else None,
                })
    return rows


def _status(rng: random.Random, year: int, end_year: int, q: Quarter) -> str:
    """A believable status seen from the autumn of ``end_year``."""
    if year < end_year - 1:
        return rng.choices(ACTION_STATUSES, [0, 0, 1, 17, 2])[0]
    if year < end_year:
        return rng.choices(ACTION_STATUSES, [1, 1, 3, 12, 2])[0]
    if q.urgent:
        return rng.choice((vocab.IKKE_STARTET, vocab.I_GANG, vocab.I_GANG))
    if q.end < dt.date(end_year, 10, 1):  # the quarter is over: done, or overdue
        return rng.choices(ACTION_STATUSES, [1, 1, 3, 6, 1])[0]
    return rng.choices(ACTION_STATUSES, [3, 4, 3, 1, 0])[0]


def _handleplan(rng: random.Random, department: str, year: int, end_year: int, plan_date: dt.date,
                needs: Sequence[dict]) -> list[dict]:
    rows: list[dict] = []
    used: set[str] = set()
    candidates = [n for n in needs]
    rng.shuffle(candidates)
    count = rng.randint(3, 5)
    for need in candidates:
        if len(rows) >= count:
            break
        area = need["area"]
        route = need["help"] or rng.choice((EGEN, INDEFRA, UDEFRA))
        options = [a for a in ACTIONS[area][route] if a[0] not in used]
        if not options:
            continue
        what, why, how = rng.choice(options)
        used.add(what)
        urgent = rng.random() < 0.1
        if urgent:
            q = Quarter(plan_date.year, quarter_of(plan_date), urgent=True)
            when = rng.choice(("Snarest", "Snarest", "Straks", "Så hurtigt som muligt"))
        else:
            first = quarter_of(plan_date)
            quarter = rng.randint(min(first + 1, 4), 4) if rng.random() < 0.85 else first
            q = Quarter(year, quarter)
            if quarter == 4 and rng.random() < 0.2:
                q = Quarter(year + 1, 1)
            when = _when_form(rng, q, year)
        parsed = parse_quarter(when, year, plan_date)
        assert parsed is not None and (parsed.year, parsed.quarter, parsed.urgent) == (q.year, q.quarter, urgent)
        rows.append({
            "department": department, "year": year, "date": plan_date, "what": what, "area": area,
            "why": why if rng.random() < 0.9 else None, "how": how if rng.random() < 0.85 else None,
            "help": route, "when": when, "quarter": q.label, "urgent": urgent,
            "who": rng.choice(WHO[route]), "follow_up": rng.choice(FOLLOW_UP) or None,
            "status": _status(rng, year, end_year, q),
        })
    return rows


def _person(rng: random.Random, role: str, joined: dt.date, taken: set[str], first_day: dt.date, *,
            basic: bool = True) -> Person:
    while (name := f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}") in taken:
        pass
    taken.add(name)
    email = f"{slug(name).replace('_', '.')}@{EMAIL_DOMAIN}" if rng.random() < 0.8 else None
    done = joined + dt.timedelta(days=rng.randint(20, 80)) if basic else None
    # Before the register's first year, only the member row knows the mandatory course.
    in_row = rng.random() < 0.6 or done is None or done < first_day
    return Person(role, name, joined, basic=done, basic_in_row=in_row, email=email)


def _members(rng: random.Random, index: int, years: Sequence[int], end_year: int) -> list[Person]:
    """A department's AMO over the sample years: an AMR and an arbejdsleder who joined before the
    first year, sometimes a leader; the CSV department replaces its AMR; one department has a new
    AMR whose mandatory course is due, another an arbejdsleder whose course is overdue."""
    start, taken = years[0], set()
    first = dt.date(start, 1, 1)
    people = [_person(rng, "AMR", dt.date(start - 1, rng.randint(7, 12), 1), taken, first),
              _person(rng, "Arbejdsleder", dt.date(start - 1, rng.randint(7, 12), 15), taken, first)]
    if rng.random() < 0.5:
        people.append(_person(rng, "Leder", dt.date(start - 1, rng.randint(1, 6), 1), taken, first, basic=False))
    if index == CSV_INDEX and len(years) > 1:
        people[0].left = dt.date(years[1], 3, 31)
        people.append(_person(rng, "AMR", dt.date(years[1], 4, 15), taken, first))
    if index == NEW_MEMBER_INDEX:
        people.append(_person(rng, "AMR", dt.date(end_year, 10, 1), taken, first, basic=False))
    if index == OVERDUE_INDEX:
        people.append(_person(rng, "Arbejdsleder", dt.date(end_year, 6, 1), taken, first, basic=False))
    return people


def _members_frame(department: str, people: list[Person]) -> list[dict]:
    return [{"department": department, "name": p.name, "role": p.role, "joined": p.joined, "left": p.left,
             "basic_training": p.basic if p.basic_in_row else None, "email": p.email} for p in people]


def _course_day(rng: random.Random, start: dt.date, end: dt.date, first: dt.date) -> dt.date:
    """A day for a course in the year of service [start, end], not before ``first``."""
    low = max(start, first) + dt.timedelta(days=20)
    return low + dt.timedelta(days=rng.randint(0, max((end - low).days - 20, 0)))


def _uddannelse(rng: random.Random, department: str, index: int, people: list[Person], years: Sequence[int],
                today: dt.date) -> list[dict]:
    """The training register of a department's members: the mandatory course where only the
    register knows it, and a supplementary course in every year of service (the first 14.8
    hours, then 11.1); past courses mostly completed, now and then declined or cancelled and
    offered again; one year with too few hours in the first department."""
    first = dt.date(years[0], 1, 1)
    rows: list[dict] = []
    for person in people:
        if person.basic is not None and person.basic >= first and (not person.basic_in_row or rng.random() < 0.3):
            rows.append(_training(rng, department, person, MANDATORY_COURSE, 22.0, person.basic,
                                  "Gennemført", vocab.GRUNDUDDANNELSE))
        elif person.basic is None and person.role in ("AMR", "Arbejdsleder") and person.joined.year == today.year:
            planned = person.joined + dt.timedelta(days=60)
            rows.append(_training(rng, department, person, MANDATORY_COURSE, 22.0, planned, "Tilmeldt",
                                  vocab.GRUNDUDDANNELSE))
        if person.role not in ("AMR", "Arbejdsleder"):
            if rng.random() < 0.5:  # a leader's own course: no entitlement, still in the register
                rows.append(_training(rng, department, person, "Ledelse af arbejdsmiljø", 7.4,
                                      dt.date(years[-1], rng.randint(2, 9), 10), "Gennemført", "Andet"))
            continue
        k = 0
        while True:
            k += 1
            start = add_years(person.joined, k - 1)
            end = add_years(person.joined, k) - dt.timedelta(days=1)
            if start > today or (person.left is not None and start >= person.left) or end < first:
                if start > today or (person.left is not None and start >= person.left):
                    break
                continue
            day = _course_day(rng, start, end, first)
            hours = 14.8 if k == 1 else 11.1
            if day > today:  # the current year of service: offered or enrolled this year, or nothing yet
                last = min(end, dt.date(today.year, 12, 31))
                if rng.random() < 0.7 and (last - today).days > 14:
                    day = today + dt.timedelta(days=rng.randint(7, (last - today).days - 7))
                    rows.append(_training(rng, department, person, rng.choice(COURSES), hours, day,
                                          rng.choice(("Tilbudt", "Tilmeldt")), latest=end))
                continue
            if index == 0 and person.role == "Arbejdsleder" and k == 2:  # too few hours that year
                rows.append(_training(rng, department, person, rng.choice(COURSES), 7.4, day, "Gennemført",
                                      latest=end))
                continue
            status = rng.choices(("Gennemført", "Afslået", "Aflyst"), [16, 2, 2])[0]
            rows.append(_training(rng, department, person, rng.choice(COURSES), hours, day, status, latest=end))
            if status == "Aflyst":  # offered again later the same year
                again = min(day + dt.timedelta(days=60), end, max(day, dt.date(today.year, 12, 31)))
                rows.append(_training(rng, department, person, rng.choice(COURSES), hours, again,
                                      "Gennemført" if again <= today else "Tilmeldt", latest=end))
    return rows


def _training(rng: random.Random, department: str, person: Person, course: str, hours: float,
              day: dt.date, status: str, kind: str = vocab.SUPPLERENDE, latest: dt.date | None = None) -> dict:
    """A course on ``day``, its Hvornår a date or its quarter; the quarter (which counts on its
    last day) only when that day is not after ``latest``, the end of its year of service."""
    q = Quarter(day.year, quarter_of(day))
    when = day.strftime("%d-%m-%Y")
    if rng.random() < 0.5 and (latest is None or q.end <= latest) and kind == vocab.SUPPLERENDE:
        when = rng.choice((f"{q.quarter}. kvt. {q.year}", f"{q.year}-Q{q.quarter}", f"{q.quarter}. kvartal {q.year}"))
    return {
        "department": department, "role": person.role, "name": person.name, "joined": person.joined,
        "course": course, "hours": hours, "when": when, "year": q.year, "quarter": q.label,
        "status": status, "type": kind,
    }


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    return frame(table, {key: [row[key] for row in rows] for key in CANONICAL[table]})


def generate(departments: int = 6, years: int = 3, seed: int = DEFAULT_SEED,
             end_year: int = DEFAULT_END_YEAR) -> dict[str, dict[str, pd.DataFrame]]:
    """Canonical tables of the sample company, per department."""
    if departments < 1 or years < 1:
        raise ValueError("departments and years must be at least 1")
    rng = random.Random(seed)
    year_list = list(range(end_year - years + 1, end_year + 1))
    names = department_names(departments)
    lagging = LAGGING_INDEX if departments > LAGGING_INDEX else departments - 1
    result: dict[str, dict[str, pd.DataFrame]] = {}
    for index, department in enumerate(names):
        ark: list[dict] = []
        plan: list[dict] = []
        for year in year_list:
            if index == lagging and departments > 1 and year > end_year - 2:
                continue  # this department has not held its discussion since
            meeting = dt.date(year, 2, 1) + dt.timedelta(days=rng.randint(0, 110))
            entries = _arbejdsark(rng, department, year, meeting, date_known=rng.random() < 0.85)
            ark.extend(entries)
            needs = [e for e in entries if e["category"] == STYRKE]
            plan_date = meeting + dt.timedelta(days=rng.randint(7, 35))
            plan.extend(_handleplan(rng, department, year, end_year, plan_date, needs))
        people = _members(rng, index, year_list, end_year)
        today = dt.date(end_year, *SAMPLE_TODAY)
        result[department] = {
            ARBEJDSARK: _frame(ARBEJDSARK, ark),
            HANDLEPLAN: _frame(HANDLEPLAN, plan),
            UDDANNELSE: _frame(UDDANNELSE, _uddannelse(rng, department, index, people, year_list, today)),
            MEDLEMMER: _frame(MEDLEMMER, _members_frame(department, people)),
        }
    _ensure_coverage(rng, result, end_year)
    return result


def _ensure_coverage(rng: random.Random, result: dict[str, dict[str, pd.DataFrame]], end_year: int) -> None:
    """Make sure every help route and every status occurs at least once."""
    plans = [t[HANDLEPLAN] for t in result.values() if len(t[HANDLEPLAN])]
    if plans:
        seen = set().union(*(set(p["status"]) for p in plans))
        newest = max(plans, key=lambda p: (p["year"].max(), len(p)))
        candidates = [i for i in newest.index if not newest.at[i, "urgent"]]
        for status, i in zip([s for s in ACTION_STATUSES if s not in seen], candidates):
            newest.at[i, "status"] = status
        seen_help = set().union(*(set(p["help"]) for p in plans))
        for route in (EGEN, INDEFRA, UDEFRA):
            if route not in seen_help:
                i = newest.index[-1]
                newest.at[i, "help"] = route
    trainings = [t[UDDANNELSE] for t in result.values() if len(t[UDDANNELSE])]
    if trainings:
        seen = set().union(*(set(t["status"]) for t in trainings))
        newest = trainings[0]
        for status, i in zip([s for s in TRAINING_STATUSES if s not in seen], newest.index):
            newest.at[i, "status"] = status


# --------------------------------------------------------------------------------------
# Files


def _csv_value(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(value)


def write_danish_csv(path: Path, table: str, df: pd.DataFrame) -> None:
    """One table as Danish Excel saves CSV: Windows-1252, ';', decimal comma, CRLF."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.header for c in COLUMNS[table]])
    for values in canonical_rows(table, df):
        writer.writerow([_csv_value(v) for v in values])
    path.write_bytes(buffer.getvalue().encode("cp1252"))


BOX_HEADERS = (
    "Vigtige opgaver og fokuspunkter", "Dette lykkes vi med", "Brug for at styrke",
    "Egen kompetenceudvikling", "Brug for andre på arbejdspladsen", "Brug for hjælp udefra",
)


def _box_of(category: str, help_type: object) -> str:
    for header in BOX_HEADERS:
        if BOX_COLUMNS[header] == (category, help_type if isinstance(help_type, str) else None):
            return header
    raise ValueError((category, help_type))


def write_box_workbook(path: Path, department: str, tables: dict[str, pd.DataFrame],
                       timestamp: dt.datetime) -> None:
    """Arbejdsark in the paper tool's box layout under a title row; the other sheets as the template."""
    wb = Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("Arbejdsark")
    ranges = add_lists_sheet(wb)
    ws.cell(row=1, column=1, value=f"Drøft kompetencerne til jeres arbejdsmiljøarbejde – {department}").font = \
        Font(bold=True, size=14)
    headers = ["Afdeling", "År", "Område", *BOX_HEADERS]
    _style_header(ws, headers, row=3)
    ark = tables[ARBEJDSARK]
    row = 4
    for (year, area), group in ark.groupby(["year", "area"], sort=True):
        set_cell(ws, row, 1, department)
        set_cell(ws, row, 2, int(year))
        set_cell(ws, row, 3, area)
        for offset, header in enumerate(BOX_HEADERS, start=4):
            lines = [r["description"] for r in group.to_dict("records")
                     if _box_of(r["category"], r["help"]) == header]
            if not lines:
                continue
            text = lines[0] if len(lines) == 1 else "\n".join(f"• {line}" for line in lines)
            cell = set_cell(ws, row, offset, text)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    ws.freeze_panes = "A4"
    for index, width in enumerate((14, 8, 30, 40, 40, 40, 40, 40, 40), start=1):
        ws.column_dimensions[chr(64 + index)].width = width
    for table in (HANDLEPLAN, UDDANNELSE, MEDLEMMER):
        add_data_sheet(wb, table, canonical_rows(table, tables[table]), ranges)
    wb.move_sheet(wb["Lister"], offset=len(wb.sheetnames) - 1 - wb.index(wb["Lister"]))
    wb.active = 0
    save_workbook(wb, path, timestamp=timestamp)


COMPANY = "Nordisk Emballage A/S"
SITES = ("Fabrikken i Vejle", "Hovedkontoret i Aarhus")
SITE_OF = {"Produktion": 0, "Lager": 0, "Værksted": 0, "Kantine": 0, "Administration": 1, "Salg": 1}


def organisation(departments: Sequence[str]) -> pd.DataFrame:
    """Where the sample company's departments sit: the company, its two sites, the departments."""
    rows = [{"department": COMPANY, "parent": None}]
    rows += [{"department": site, "parent": COMPANY} for site in SITES]
    rows += [{"department": d, "parent": SITES[SITE_OF.get(d, i % 2)]} for i, d in enumerate(departments)]
    return _frame(ORGANISATION, rows)


def write_sample(out_dir: str | Path, departments: int = 6, years: int = 3, seed: int = DEFAULT_SEED,
                 end_year: int = DEFAULT_END_YEAR) -> list[Path]:
    """Write the sample company's files into ``out_dir`` (created if needed); returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = generate(departments, years, seed, end_year)
    timestamp = dt.datetime(end_year, 1, 1)
    span = f"{end_year - years + 1}-{end_year}" if years > 1 else f"{end_year}"
    paths: list[Path] = []
    for index, (department, tables) in enumerate(data.items()):
        base = slug(department)
        if index == CSV_INDEX:
            for table in (ARBEJDSARK, HANDLEPLAN, UDDANNELSE, MEDLEMMER):
                if len(tables[table]) == 0:
                    continue
                path = out / f"{base}_{table}.csv"
                write_danish_csv(path, table, tables[table])
                paths.append(path)
        elif index == BOX_INDEX and len(tables[ARBEJDSARK]):
            path = out / f"{base}_papirskema_{span}.xlsx"
            write_box_workbook(path, department, tables, timestamp)
            paths.append(path)
        else:
            path = out / f"{base}_{span}.xlsx"
            wb = build_workbook(tables, include_guide=index == 0)
            save_workbook(wb, path, timestamp=timestamp)
            paths.append(path)
    if departments > 1:
        path = out / "organisation.xlsx"
        wb = build_workbook({ORGANISATION: organisation(list(data))}, include_guide=False, sheets=(ORGANISATION,))
        save_workbook(wb, path, timestamp=timestamp)
        paths.append(path)
    return paths
