"""The training entitlement of the AMO's members (file format version 2), to the day.

The Danish rules (AML § 6 d; BEK 1838/2023; AT-vejledning F.3.7-1): every arbejdsmiljø-
repræsentant (AMR) and arbejdsleder in the AMO must complete the mandatory work environment
course within 3 months of joining, and the employer must *offer* them supplementary training
of 14.8 hours in their first year of service and 11.1 hours in each year after. This module
computes, from the ``Medlemmer`` and ``Uddannelse`` tables, exactly the figures the command-line
contract defines ("Training entitlement"): ``members``, ``basic_training``, ``entitlement``,
``entitlement_missed`` and ``entitlement_open``. The pages and ``summary`` both use it.

Dates: "J + n years" is the same day n years later (29 February -> 28 February); "J + 3 months"
is the same day 3 months later, or that month's last day when the day does not exist.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pandas as pd

from . import quarters
from .text import danish_key, department_key, name_key

ENTITLED_ROLES = frozenset({"AMR", "Arbejdsleder"})
FIRST_YEAR_HOURS = 14.8
LATER_YEAR_HOURS = 11.1
OFFERED = frozenset({"Tilbudt", "Tilmeldt", "Gennemført", "Afslået"})  # Aflyst is not an offer
SUPPLEMENTARY = "Supplerende"
BASIC = "Grunduddannelse"
TOLERANCE = 0.05  # hours: 14.75 offered meets 14.8

# The states as users read them (a year of service; a basic training).
STATE_LABELS = {"met": "Opfyldt", "open": "Åben", "missed": "Ikke opfyldt", "ended": "Fratrådt før fristen"}
BASIC_LABELS = {"due": "Skal gennemføres", "overdue": "Overskredet"}


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or that month's last day when the day does not exist."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def course_day(when: object, quarter: object) -> dt.date | None:
    """The day a course counts on: its Hvornår date, else the last day of its quarter."""
    day = quarters.parse_date(when) if isinstance(when, str) else None
    if day is not None:
        return day
    if isinstance(quarter, str) and "-Q" in quarter:
        return quarters.parse_label(quarter).end
    return None


@dataclass(frozen=True)
class Member:
    department: str
    name: str
    role: str
    joined: dt.date
    left: dt.date | None
    basic_training: dt.date | None  # from the member row
    email: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return department_key(self.department), name_key(self.name)

    @property
    def entitled(self) -> bool:
        return self.role in ENTITLED_ROLES

    def current(self, today: dt.date) -> bool:
        """In the AMO today: joined on or before today and not left (left empty or after today)."""
        return self.joined <= today and (self.left is None or self.left > today)

    @property
    def basic_deadline(self) -> dt.date:
        return add_months(self.joined, 3)

    def years_of_service(self, today: dt.date) -> Iterator[tuple[int, dt.date, dt.date]]:
        """(k, from, to) of every year of service the member has by ``today``."""
        k = 1
        while True:
            start = add_years(self.joined, k - 1)
            if start > today or (self.left is not None and start >= self.left):
                return
            yield k, start, add_years(self.joined, k) - dt.timedelta(days=1)
            k += 1


@dataclass(frozen=True)
class Course:
    key: tuple[str, str]  # (department key, name key) of the member it belongs to
    type: str
    status: str
    hours: float
    day: dt.date | None


def _value(v: object) -> object:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


def members_of(table: pd.DataFrame) -> list[Member]:
    """The ``Medlemmer`` rows as members (rows without a name or a Tiltrådt are left out)."""
    out = []
    for r in table.to_dict("records"):
        r = {k: _value(v) for k, v in r.items()}
        if r.get("name") and r.get("joined") and r.get("department"):
            out.append(Member(r["department"], r["name"], r.get("role") or "", r["joined"], r.get("left"),
                              r.get("basic_training"), r.get("email")))
    return out


def courses_of(table: pd.DataFrame) -> list[Course]:
    """The ``Uddannelse`` rows that name a person, as courses."""
    out = []
    named = table.loc[table["name"].notna() & table["department"].notna()] if "name" in table.columns else table.iloc[:0]
    for r in named.to_dict("records"):
        r = {k: _value(v) for k, v in r.items()}
        if not r.get("name") or not r.get("department"):
            continue
        out.append(Course((department_key(r["department"]), name_key(r["name"])), r.get("type") or SUPPLEMENTARY,
                          r.get("status") or "", float(r.get("hours") or 0.0), course_day(r.get("when"), r.get("quarter"))))
    return out


def basic_training_done(member: Member, courses: Iterable[Course]) -> dt.date | None:
    """When the member completed the mandatory course: the member row's date, else the earliest
    completed course of Type Grunduddannelse (its Hvornår date, or its quarter's last day)."""
    if member.basic_training is not None:
        return member.basic_training
    days = [c.day for c in courses if c.key == member.key and c.type == BASIC and c.status == "Gennemført" and c.day]
    return min(days, default=None)


def _order(member: Member) -> tuple:
    return danish_key(member.department), danish_key(member.name), member.department, member.name


def figures(members: pd.DataFrame, training: pd.DataFrame, today: dt.date, year: int | None = None) -> dict:
    """``members``, ``basic_training``, ``entitlement``, ``entitlement_missed`` and
    ``entitlement_open`` of the summary (JSON-native values), from the chosen departments'
    ``Medlemmer`` and ``Uddannelse`` rows (every year: a course may count in another year than
    its own). ``year`` keeps the entitlement years whose due date falls in it."""
    people = sorted(members_of(members), key=_order)
    courses = courses_of(training)
    by_member: dict[tuple[str, str], list[Course]] = {}
    for course in courses:
        by_member.setdefault(course.key, []).append(course)

    basic = []
    for m in people:
        if not (m.entitled and m.current(today)) or basic_training_done(m, by_member.get(m.key, ())) is not None:
            continue
        deadline = m.basic_deadline
        basic.append({"department": m.department, "name": m.name, "role": m.role, "deadline": deadline.isoformat(),
                      "state": "overdue" if today > deadline else "due"})

    years = []
    for m in people:
        if not m.entitled:
            continue
        mine = [c for c in by_member.get(m.key, ()) if c.type == SUPPLEMENTARY and c.status in OFFERED and c.day]
        for k, start, end in m.years_of_service(today):
            if year is not None and end.year != year:
                continue
            counted = [c for c in mine if start <= c.day <= end]
            entitled = FIRST_YEAR_HOURS if k == 1 else LATER_YEAR_HOURS
            offered = round(sum(c.hours for c in counted), 1)
            completed = round(sum(c.hours for c in counted if c.status == "Gennemført"), 1)
            if offered >= entitled - TOLERANCE:
                state = "met"
            elif m.left is not None and m.left <= end:
                state = "ended"
            elif end < today:
                state = "missed"
            else:
                state = "open"
            years.append({"department": m.department, "name": m.name, "role": m.role, "year_of_service": k,
                          "from": start.isoformat(), "to": end.isoformat(), "due": end.isoformat(),
                          "entitled_hours": entitled, "offered_hours": offered, "completed_hours": completed,
                          "state": state})
    return {
        "members": sum(1 for m in people if m.current(today)),
        "basic_training": basic,
        "entitlement": years,
        "entitlement_missed": sum(1 for y in years if y["state"] == "missed"),
        "entitlement_open": sum(1 for y in years if y["state"] == "open"),
    }
