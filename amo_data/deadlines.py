"""Every deadline the product knows, in one list: what the calendar shows and reminders mail.

cli-and-metrics.md, "Records, calendar and reminders":

- each open action (status neither Gennemført nor Aflyst) on the last day of its quarter,
  ``Handleplan: HVAD (AFDELING)``;
- each department's next annual discussion on its newest discussion's day + 365 days (an
  År-only discussion counts as held on 31 December), ``Årlig drøftelse af kompetencer (AFDELING)``;
- each ``open`` or ``missed`` entitlement year on its ``due`` date,
  ``Supplerende arbejdsmiljøuddannelse: NAVN (AFDELING)``;
- each basic training not done on its deadline, ``Grunduddannelse: NAVN (AFDELING)``.

A deadline's :attr:`Deadline.uid` depends only on what the deadline is (its kind, department,
action or person, and day), so exporting the same deadline again gives the same UID and a
subscribed calendar updates instead of duplicating.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from . import entitlement, vocab
from .metrics import DISCUSSION_MAX_DAYS, last_discussion
from .quarters import parse_label
from .text import danish_key, department_key, name_key

ACTION, DISCUSSION, TRAINING, BASIC = "action", "discussion", "training", "basic"


@dataclass(frozen=True)
class Deadline:
    kind: str  # ACTION, DISCUSSION, TRAINING or BASIC
    day: dt.date
    department: str
    summary: str  # the calendar's title, Danish
    details: tuple[tuple[str, str], ...]  # (Danish label, value) lines for a description or a mail
    person: str | None = None  # the member a TRAINING or BASIC deadline belongs to
    occurrence: int = 0  # tells apart two equal actions of one department in one quarter

    @property
    def uid(self) -> str:
        who = name_key(self.person) if self.person else ""
        what = dict(self.details).get("Hvad", "") if self.kind == ACTION else ""
        key = "|".join((self.kind, department_key(self.department), who, what, self.day.isoformat(),
                        str(self.occurrence)))
        return hashlib.sha256(key.encode()).hexdigest()[:32] + "@amo-kompetencer"

    def concerns(self, department: str, person: str) -> bool:
        """Whether the deadline concerns a member of ``department`` named ``person``: the
        department's actions and discussion, and the member's own training (never another's)."""
        if department_key(department) != department_key(self.department):
            return False
        return self.person is None or name_key(self.person) == name_key(person)


def _text(value: object) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def _actions(plan: pd.DataFrame) -> list[Deadline]:
    out: list[Deadline] = []
    seen: dict[tuple, int] = {}
    for action in plan.to_dict("records"):
        status = _text(action.get("status")) or vocab.IKKE_STARTET
        quarter = _text(action.get("quarter"))
        if status in vocab.CLOSED_STATUSES or not quarter:
            continue
        what, department = _text(action.get("what")), _text(action.get("department"))
        day = parse_label(quarter).end
        key = (department_key(department), what, day)
        seen[key] = seen.get(key, -1) + 1
        details = (("Hvad", what), ("Hvornår", _text(action.get("when"))), ("Hvem", _text(action.get("who"))),
                   ("Opfølgning", _text(action.get("follow_up"))), ("Hjælp", _text(action.get("help"))),
                   ("Status", status))
        out.append(Deadline(ACTION, day, department, f"Handleplan: {what} ({department})",
                            tuple((k, v) for k, v in details if v), occurrence=seen[key]))
    return out


def _discussions(ark: pd.DataFrame) -> list[Deadline]:
    out = []
    for department, last in zip(*(last_discussion(ark)[c] for c in ("department", "last")), strict=True):
        day = last + dt.timedelta(days=DISCUSSION_MAX_DAYS)
        out.append(Deadline(DISCUSSION, day, department, f"Årlig drøftelse af kompetencer ({department})",
                            (("Seneste drøftelse", last.strftime("%d-%m-%Y")),
                             ("Frist", f"Drøftelsen skal holdes senest {day.strftime('%d-%m-%Y')} (365 dage efter).")))
                   )
    return out


def _training(members: pd.DataFrame, training: pd.DataFrame, today: dt.date) -> list[Deadline]:
    figures = entitlement.figures(members, training, today)
    out = []
    for year in figures["entitlement"]:
        if year["state"] not in ("open", "missed"):
            continue
        day = dt.date.fromisoformat(year["due"])
        hours = f"{year['entitled_hours']:.1f}".replace(".", ",")
        offered = f"{year['offered_hours']:.1f}".replace(".", ",")
        out.append(Deadline(TRAINING, day, year["department"],
                            f"Supplerende arbejdsmiljøuddannelse: {year['name']} ({year['department']})",
                            (("Hvem", f"{year['name']} ({year['role']})"),
                             ("Funktionsår", f"{year['year_of_service']}. år, {year['from']} – {year['to']}"),
                             ("Ret", f"{hours} timer skal tilbydes; tilbudt indtil nu: {offered} timer"),
                             ("Status", entitlement.STATE_LABELS[year["state"]])),
                            person=year["name"]))
    for basic in figures["basic_training"]:
        day = dt.date.fromisoformat(basic["deadline"])
        out.append(Deadline(BASIC, day, basic["department"], f"Grunduddannelse: {basic['name']} ({basic['department']})",
                            (("Hvem", f"{basic['name']} ({basic['role']})"),
                             ("Frist", "Den obligatoriske arbejdsmiljøuddannelse skal være gennemført inden for 3 "
                                       "måneder efter indtrædelsen i AMO."),
                             ("Status", entitlement.BASIC_LABELS[basic["state"]])),
                            person=basic["name"]))
    return out


def deadlines(tables: dict[str, pd.DataFrame], today: dt.date, departments: Iterable[str] | None = None) -> list[Deadline]:
    """Every deadline of the tables (all years), for the chosen departments (all by default),
    in order of day, department and summary."""
    from .metrics import filter_tables

    chosen = filter_tables(tables, departments=list(departments)) if departments else tables
    empty = pd.DataFrame()
    found = (_actions(chosen.get("handleplan", empty)) + _discussions(chosen.get("arbejdsark", empty))
             + _training(chosen.get("medlemmer", empty), chosen.get("uddannelse", empty), today))
    return sorted(found, key=lambda d: (d.day, danish_key(d.department), d.summary))
