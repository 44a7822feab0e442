"""What the store keeps beside the data: the meetings saved with imports, personal drafts
before a meeting, and the reminders ``remind`` mailed.

Drafts and reminders are not data: writing them does not bump the data version and is not
audited. Like every write they run under the store's write lock, so they survive restarts and
another process sees them at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from ..errors import AmoError
from ..text import clean, danish_key, department_key, department_name
from .engine import Database
from .imports import meeting_json
from .tables import CURRENT, UNDONE, batches, chunks, iso, meetings, now, preparations, reminders, versions

PHASES = ("coming", "passed")  # a deadline is mailed at most once in each


def _department_year(department: str, year: Any) -> tuple[str, str, int]:
    name = department_name(department)
    if not name:
        raise AmoError("Angiv afdelingen.", 2)
    try:
        number = int(year)
    except (TypeError, ValueError):
        raise AmoError(f'"{year}" er ikke et år.', 2) from None
    return name, department_key(name), number


# --------------------------------------------------------------------------- meetings


def meetings_of(db: Database, department: str, year: int) -> list[dict[str, Any]]:
    """The current meetings of a department's year (their import is not undone), newest first:
    ``{"batch_id", "department", "year", "held_on" (date), "participants", "author"}``."""
    _name, key, number = _department_year(department, year)
    query = (sa.select(meetings).join(batches, batches.c.id == meetings.c.batch_id)
             .where(meetings.c.dept_key == key, meetings.c.year == number, batches.c.state != UNDONE)
             .order_by(meetings.c.held_on.desc(), meetings.c.id.desc()))
    with db.read() as conn:
        return [meeting_json(row) for row in conn.execute(query)]


# --------------------------------------------------------------------------- drafts


def save_preparation(db: Database, author: str, department: str, year: int, content: Mapping[str, Any]) -> None:
    """Save (or replace) ``author``'s draft for a department's year: a JSON object."""
    who = clean(author)
    if not who:
        raise AmoError("Et udkast skal have en forfatter.", 2)
    name, key, number = _department_year(department, year)
    if not isinstance(content, Mapping):
        raise TypeError("a preparation's content is a dict")
    content = json.loads(json.dumps(dict(content), ensure_ascii=False))  # JSON only, a copy
    with db.write() as conn:
        name = conn.execute(sa.select(versions.c.department).where(  # the stored spelling, if any
            versions.c.dept_key == key, versions.c.state == CURRENT).limit(1)).scalar() or name
        mine = sa.and_(preparations.c.author == who, preparations.c.dept_key == key, preparations.c.year == number)
        if conn.execute(sa.select(preparations.c.id).where(mine)).first() is None:
            conn.execute(preparations.insert().values(author=who, dept_key=key, department=name, year=number,
                                                      content=content, updated_at=now()))
        else:
            conn.execute(preparations.update().where(mine).values(department=name, content=content,
                                                                  updated_at=now()))


def preparation(db: Database, author: str, department: str, year: int) -> dict[str, Any] | None:
    """``author``'s draft for a department's year, None when there is none."""
    _name, key, number = _department_year(department, year)
    with db.read() as conn:
        return conn.execute(sa.select(preparations.c.content).where(
            preparations.c.author == clean(author), preparations.c.dept_key == key,
            preparations.c.year == number)).scalar()


def preparations_of(db: Database, department: str, year: int) -> list[dict[str, Any]]:
    """Every author's draft for a department's year, by author (Danish order):
    ``{"author", "department", "year", "content", "updated_at" (ISO text)}``."""
    _name, key, number = _department_year(department, year)
    with db.read() as conn:
        rows = conn.execute(sa.select(preparations).where(preparations.c.dept_key == key,
                                                          preparations.c.year == number)).all()
    return [{"author": r.author, "department": r.department, "year": r.year, "content": r.content,
             "updated_at": iso(r.updated_at)} for r in sorted(rows, key=lambda r: (danish_key(r.author), r.author))]


# --------------------------------------------------------------------------- reminders


def _address(recipient: str) -> str:
    """An e-mail address as reminders are recorded: trimmed, case-insensitive (lower case)."""
    return clean(recipient).casefold()


def reminders_sent(db: Database, recipients: Iterable[str]) -> set[tuple[str, str, str]]:
    """``(recipient, uid, phase)`` of every reminder recorded for the given recipients
    (addresses in lower case, as recorded)."""
    wanted = sorted({_address(r) for r in recipients if _address(r)})
    found: set[tuple[str, str, str]] = set()
    with db.read() as conn:
        for chunk in chunks(wanted):
            query = sa.select(reminders.c.recipient, reminders.c.uid, reminders.c.phase) \
                .where(reminders.c.recipient.in_(chunk))
            found.update((r, u, p) for r, u, p in conn.execute(query))
    return found


def record_reminders(db: Database, rows: Iterable[tuple[str, str, str]]) -> int:
    """Record reminders as sent, ``(recipient, uid, phase)`` with phase "coming" or "passed"
    (the address is matched case-insensitively); one already recorded is left as it is.
    Returns how many were new."""
    wanted = {(_address(recipient), str(uid), phase) for recipient, uid, phase in rows}
    bad = sorted({phase for _r, _u, phase in wanted if phase not in PHASES}, key=str)
    if bad or any(not r or not u for r, u, _p in wanted):
        raise ValueError(f"a reminder needs a recipient, a uid and a phase in {PHASES}, not {bad}")
    if not wanted:
        return 0
    with db.write() as conn:
        known: set[tuple[str, str, str]] = set()
        for chunk in chunks(sorted({r for r, _u, _p in wanted})):
            known.update(tuple(row) for row in conn.execute(
                sa.select(reminders.c.recipient, reminders.c.uid, reminders.c.phase)
                .where(reminders.c.recipient.in_(chunk))))
        new = sorted(wanted - known)
        sent = now()
        for chunk in chunks(new):
            conn.execute(reminders.insert(), [{"recipient": r, "uid": u, "phase": p, "sent_at": sent}
                                              for r, u, p in chunk])
    return len(new)

