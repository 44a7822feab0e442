"""Imports, undo, status edits and the import history (contract: data-format.md, "What an
import does").

Import
------
- One call of :func:`import_results` is one transaction: all files or nothing.
- Rows are grouped per table as the table declares (``Table.group_by``): by (department, year)
  (for Uddannelse the year is that of Hvornår), or by department alone (Medlemmer, whose file
  list of a department replaces the department's whole list; Organisation, one group per named
  department or unit), stored with year :data:`~.tables.NO_YEAR`. Departments match by
  :func:`amo_data.text.department_key` against the departments of the current data and keep the
  stored spelling; a department new to the store keeps the first spelling met (files in the
  order given, tables in schema order). Other department-named columns (Organisation's
  Overordnet) take the stored spelling of a known department.
- Two files of one call that carry the same group: their rows are concatenated (file order).
  The very same file given twice in one call (equal SHA-256) is stored once.
- A group whose new rows equal its current rows as a multiset is left as it is. If every group
  is like that (or the files hold no rows) and no meeting is given, nothing is stored:
  ``ImportOutcome.unchanged``, one ``import_unchanged`` audit line.
- Otherwise a new batch is created; each changed group's current version becomes ``replaced``
  and the new rows become current. Groups not in the files are untouched. A batch all of whose
  groups were superseded gets state ``replaced``.
- An Organisation import is refused (exit code 1, nothing stored) when the tree after it, the
  stored rows not replaced plus the new ones, would have a cycle.
- A meeting (:class:`Meeting`) given with the import is saved with its batch (a meeting is
  always a change: it gets a batch even when its rows are unchanged). When the files carry the
  meeting's Arbejdsark (its department and year), they also carry its whole Handleplan of
  that year: a stored plan they have no rows for is replaced by an empty one (a plan whose
  every action the meeting deleted is empty afterwards; undo brings it back).

Undo
----
``undo(B)``: for every group where B's version is current, the version B replaced becomes
current again (or the group disappears if B created it). For a group that a later batch L
wrote over B, L stays current; B's version is cut out of the chain so that undoing L later
restores what B had replaced (never B's undone rows). B's state becomes ``undone`` (its meeting
is then no longer current; the history keeps it); batches whose versions become current again
get state ``current``. Unknown or already undone batches raise AmoError (exit code 2).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import fields, vocab
from ..errors import AmoError
from ..schema import ARBEJDSARK, HANDLEPLAN, ORGANISATION, SCHEMA, TABLES
from ..text import clean, department_key, department_name
from .engine import Database, database_reason
from .tables import (
    CURRENT, DATA, NO_YEAR, REPLACED, UNDONE, audit, batches, bump, chunks, has_years, iso, meetings, now, user_name,
    utc, versions, write_audit,
)
from .values import file_columns

if TYPE_CHECKING:
    from ..validate import FileResult

Group = tuple[str, str, int]  # (table, department key, year)


@dataclass
class ImportOutcome:
    batch_id: int | None  # the new batch, None when nothing changed
    unchanged: bool  # every group of the import already had exactly this content
    groups_replaced: int = 0  # groups that had current rows which the import replaced
    groups_new: int = 0  # groups that had no current rows before
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))  # rows in the files

    def to_json(self) -> dict[str, Any]:
        return {"batch_id": self.batch_id, "unchanged": self.unchanged, "groups_replaced": self.groups_replaced,
                "groups_new": self.groups_new, "rows": dict(self.rows)}


@dataclass(frozen=True)
class Meeting:
    """A meeting held in the dashboard: the department's annual discussion of ``year``."""

    department: str
    year: int
    held_on: dt.date
    participants: tuple[str, ...]
    author: str

    @classmethod
    def of(cls, value: Meeting | Mapping[str, Any]) -> Meeting:
        """A checked meeting from a Meeting or a dict with the same keys (Danish AmoError)."""
        get = value.get if isinstance(value, Mapping) else lambda key: getattr(value, key, None)
        department = department_name(get("department"))
        if not department:
            raise AmoError("Mødet mangler en afdeling.", 2)
        try:
            year = int(get("year"))
        except (TypeError, ValueError):
            raise AmoError(f'"{get("year")}" er ikke et år for mødet.', 2) from None
        if not 2000 <= year <= 2100:
            raise AmoError(f"{year} er ikke et gyldigt år for mødet (2000-2100).", 2)
        held_on = get("held_on")
        if isinstance(held_on, dt.datetime):
            held_on = held_on.date()
        if not isinstance(held_on, dt.date):
            raise AmoError("Mødet mangler den dato, det blev holdt.", 2)
        participants = get("participants") or ()
        if isinstance(participants, str):
            participants = [participants]
        names = tuple(dict.fromkeys(name for name in map(clean, participants) if name))
        return cls(department, year, held_on, names, clean(get("author")))

    def to_json(self) -> dict[str, Any]:
        return {"department": self.department, "year": self.year, "held_on": self.held_on.isoformat(),
                "participants": list(self.participants), "author": self.author}


# --------------------------------------------------------------------------- import


class Conflict(AmoError):
    """The department's year changed after the caller looked at it (see :func:`year_state`)."""


def year_state(conn: Connection, department: str, year: int) -> str:
    """A fingerprint of what is stored for a department's year: the current Arbejdsark rows,
    the current Handleplan rows with their status, and the meetings not undone. Any import,
    undo, status edit or meeting of that year changes it."""
    key = department_key(department)
    shape = []
    for table in (ARBEJDSARK, HANDLEPLAN):
        data = DATA[table]
        status = data.c.status if table == HANDLEPLAN else sa.literal("")
        shape.append(sorted([int(i), str(s)] for i, s in conn.execute(
            sa.select(data.c.id, status).join(versions, versions.c.id == data.c.version_id)
            .where(versions.c.state == CURRENT, versions.c.table_name == table, versions.c.dept_key == key,
                   versions.c.year == int(year)))))
    shape.append(sorted(int(i) for i in conn.execute(
        sa.select(meetings.c.batch_id).join(batches, batches.c.id == meetings.c.batch_id)
        .where(meetings.c.dept_key == key, meetings.c.year == int(year), batches.c.state != UNDONE)).scalars()))
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()


def import_results(db: Database, results: list[FileResult], user: Any,
                   meeting: Meeting | Mapping[str, Any] | None = None, expected: str | None = None) -> ImportOutcome:
    """Store the canonical tables of checked files (and a meeting): one transaction.

    ``expected``: the meeting's department and year must still have this :func:`year_state`
    (checked under the write lock, so two app instances cannot both save over the same
    year); otherwise :class:`Conflict` and nothing is stored."""
    held = None if meeting is None else Meeting.of(meeting)
    if not results and held is None:
        raise AmoError("Der er ingen filer at indlæse.", 2)
    bad = [r.file for r in results if not r.ok or r.unreadable]
    if bad:
        names = ", ".join(f'"{name}"' for name in bad)
        raise AmoError(f"Der er fejl i {names}. Intet er gemt; ret fejlene og prøv igen.", 1)
    seen: set[str] = set()  # the very same file given twice in one call counts once
    results = [r for r in results if not r.sha256 or not (r.sha256 in seen or seen.add(r.sha256))]
    batch = {"files": [r.file for r in results], "sha256": [r.sha256 for r in results],
             "rows": {t: sum(r.rows[t] for r in results) for t in TABLES}}
    converted = [{t: file_columns(r, t) for t in TABLES} for r in results]
    try:
        with db.write() as conn:
            if expected is not None and held is not None and year_state(conn, held.department, held.year) != expected:
                raise Conflict(f"{held.department} {held.year} er ændret, efter at mødet blev åbnet. Intet er gemt.", 1)
            return _import(conn, converted, batch, user, held)
    except sa.exc.IntegrityError as exc:
        raise AmoError(f"Databasen afviste rækkerne, og intet er gemt: {database_reason(exc)}", 3) from exc


def _import(conn: Connection, converted: list[dict[str, list[list]]], batch: dict[str, Any], user: Any,
            meeting: Meeting | None) -> ImportOutcome:
    current = {(row.table_name, row.dept_key, row.year): row for row in conn.execute(
        sa.select(versions.c.id, versions.c.table_name, versions.c.dept_key, versions.c.department,
                  versions.c.year, versions.c.batch_id, versions.c.row_count).where(versions.c.state == CURRENT))}
    spelling = {key: row.department for (_t, key, _y), row in current.items()}
    groups = _groups(converted, spelling)
    if meeting is not None:  # files with the meeting's work sheet hold its whole plan, also an empty one
        plan = (HANDLEPLAN, department_key(meeting.department), meeting.year)
        if (ARBEJDSARK, *plan[1:]) in groups and plan in current:
            groups.setdefault(plan, [current[plan].department, []])
    _refuse_organisation_cycles(conn, groups)
    unchanged = _unchanged(conn, groups, current)
    changed = [g for g in groups if g not in unchanged]
    rows_in_files = batch["rows"]
    if not changed and meeting is None:
        write_audit(conn, user, "import_unchanged", batch)
        bump(conn)
        return ImportOutcome(None, True, 0, 0, rows_in_files)

    batch_id = conn.execute(batches.insert().values(created_at=now(), user_name=user_name(user), state=CURRENT,
                                                    **batch)).inserted_primary_key[0]
    replaced = [current[g].id for g in changed if g in current]
    for chunk in chunks(replaced):
        conn.execute(versions.update().where(versions.c.id.in_(chunk)).values(state=REPLACED, replaced_by=batch_id))
    if changed:
        conn.execute(versions.insert(), [
            {"table_name": table, "dept_key": key, "department": groups[(table, key, year)][0], "year": year,
             "batch_id": batch_id, "previous_id": current[(table, key, year)].id if (table, key, year) in current
             else None, "state": CURRENT, "row_count": len(groups[(table, key, year)][1])}
            for table, key, year in changed])
        ids = {(r.table_name, r.dept_key, r.year): r.id for r in conn.execute(
            sa.select(versions.c.id, versions.c.table_name, versions.c.dept_key, versions.c.year)
            .where(versions.c.batch_id == batch_id))}
        for table in TABLES:  # each table's rows group by group, in the order the groups were met
            insert_rows(conn, table, [(ids[g], *row) for g in changed if g[0] == table for row in groups[g][1]])
    if meeting is not None:
        key = department_key(meeting.department)
        department = spelling.setdefault(key, meeting.department)
        conn.execute(meetings.insert().values(
            batch_id=batch_id, dept_key=key, department=department, year=meeting.year, held_on=meeting.held_on,
            participants=list(meeting.participants), author=meeting.author))
    refresh_batch_states(conn, {current[g].batch_id for g in changed if g in current})
    outcome = ImportOutcome(batch_id, False, len(replaced), len(changed) - len(replaced), rows_in_files)
    details = {"batch_id": batch_id, **batch, "groups_replaced": outcome.groups_replaced,
               "groups_new": outcome.groups_new}
    if meeting is not None:  # the participants' names stay out of the audit log
        details["meeting"] = {"department": department, "year": meeting.year,
                              "held_on": meeting.held_on.isoformat()}
    write_audit(conn, user, "import", details)
    bump(conn)
    return outcome


def insert_rows(conn: Connection, table: str, rows: list[tuple]) -> None:
    """Insert data rows ``(version_id, *canonical values)`` of ``table``: the statement compiled
    once for the connection's dialect and executed by the driver for many rows at once, the
    values converted by the column types' own bind processors (SQLite's dates). Passing
    dictionaries through ``Connection.execute`` would also build and process the parameters
    of every row in Python, which costs more than the database's insert itself."""
    if not rows:
        return
    data, dialect = DATA[table], conn.dialect
    names = ["version_id", *SCHEMA[table].columns]
    for i, name in enumerate(names):
        process = data.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:  # each distinct value once
            stored = {value: process(value) for value in {row[i] for row in rows}}
            rows = [(*row[:i], stored[row[i]], *row[i + 1:]) for row in rows]
    statement = data.insert().compile(dialect=dialect, column_keys=names)
    if statement.positional:
        order = [names.index(key) for key in statement.positiontup]
        params: list = rows if order == list(range(len(names))) else [tuple(r[i] for i in order) for r in rows]
    else:
        params = [dict(zip(names, row, strict=True)) for row in rows]
    for chunk in chunks(params):
        conn.exec_driver_sql(statement.string, chunk)


def _groups(converted: list[dict[str, list[list]]], spelling: dict[str, str]) -> dict[Group, list]:
    """The files' rows per group, ``{(table, key, year): [department, rows]}`` in the order the
    groups are first met; each row a tuple of canonical values with the stored spelling of its
    department (``spelling`` gains the departments new to the store)."""
    groups: dict[Group, list] = {}
    resolved: dict[object, tuple[str | None, str]] = {}  # raw department -> (spelling, key)
    for per_file in converted:
        for table in TABLES:
            columns = per_file[table]
            if not columns or not columns[0]:
                continue
            year_at = SCHEMA[table].columns.index("year") if has_years(table) else None
            for row in zip(*columns, strict=True):
                found = resolved.get(row[0])
                if found is None:
                    name = department_name(row[0]) or None
                    key = department_key(name) if name else ""
                    found = resolved[row[0]] = (spelling.setdefault(key, name) if name else None, key)
                name, key = found
                group = (table, key, NO_YEAR if year_at is None else row[year_at])
                if group not in groups:
                    groups[group] = [name, []]
                groups[group][1].append((name, *row[1:]))
    for (table, _key, _year), group in groups.items():  # e.g. Organisation's Overordnet
        named = [i for i, f in enumerate(SCHEMA[table].fields) if i and isinstance(f.kind, fields.Department)]
        if named:
            group[1] = [tuple(spelling.get(department_key(v), v) if i in named and v else v for i, v in enumerate(row))
                        for row in group[1]]
    return groups


def _unchanged(conn: Connection, groups: dict[Group, list], current: dict[Group, Any]) -> set[Group]:
    """The groups whose new rows equal their current rows as a multiset (row order aside)."""
    same: set[Group] = set()
    for table in TABLES:
        candidates = {current[g].id: g for g, (_name, rows) in groups.items()
                      if g[0] == table and g in current and current[g].row_count == len(rows)}
        if not candidates:
            continue
        data = DATA[table]
        stored: dict[int, list[tuple]] = {}
        for chunk in chunks(sorted(candidates)):
            query = sa.select(data.c.version_id, *(data.c[n] for n in SCHEMA[table].columns)) \
                .where(data.c.version_id.in_(chunk))
            for row in conn.execute(query):
                stored.setdefault(row[0], []).append(tuple(row[1:]))
        same.update(g for version_id, g in candidates.items()
                    if Counter(stored.get(version_id, [])) == Counter(groups[g][1]))
    return same


def _refuse_organisation_cycles(conn: Connection, groups: dict[Group, list]) -> None:
    """AmoError (exit code 1) when the organisation after the import, the stored rows of the
    departments and units the import does not name plus its new rows, has a cycle."""
    new = {key: rows for (table, key, _y), (_name, rows) in groups.items() if table == ORGANISATION}
    if not new:
        return
    org = DATA[ORGANISATION]
    above: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    stored = conn.execute(sa.select(versions.c.dept_key, org.c.department, org.c.parent)
                          .join(versions, versions.c.id == org.c.version_id)
                          .where(versions.c.state == CURRENT, versions.c.table_name == ORGANISATION)).all()
    edges = [(key, row[0], row[1]) for key, rows in new.items() for row in rows]
    edges += [(key, name, parent) for key, name, parent in stored if key not in new]
    for key, name, parent in edges:
        names.setdefault(key, name)
        if parent:
            above.setdefault(key, set()).add(department_key(parent))
            names.setdefault(department_key(parent), parent)
    ring = _cycle(above)
    if ring:
        story = ", som hører under ".join(f'"{names[key]}"' for key in ring)
        raise AmoError(f"Organisationen kan ikke gemmes: sammen med den gemte organisation går den i ring: {story}. "
                       "Intet er gemt; ret Overordnet, så ingen enhed ligger under sig selv, og indlæs igen.", 1)


def _cycle(above: dict[str, set[str]]) -> list[str] | None:
    """A ring ``[a, b, …, a]`` of the graph key -> parents, else None (iterative depth-first)."""
    done: set[str] = set()
    for start in sorted(above):
        if start in done:
            continue
        path, stack = [start], [iter(sorted(above.get(start, ())))]
        while stack:
            up = next(stack[-1], None)
            if up is None:
                done.add(path.pop())
                stack.pop()
            elif up in path:
                return path[path.index(up):] + [up]
            elif up not in done:
                path.append(up)
                stack.append(iter(sorted(above.get(up, ()))))
    return None


def refresh_batch_states(conn: Connection, batch_ids: Iterable[int]) -> None:
    """Batches that are not undone: current while any of their versions is current."""
    for chunk in chunks(sorted(set(batch_ids))):
        has_current = (sa.select(versions.c.id)
                       .where(versions.c.batch_id == batches.c.id, versions.c.state == CURRENT).exists())
        conn.execute(batches.update().where(batches.c.id.in_(chunk), batches.c.state != UNDONE)
                     .values(state=sa.case((has_current, CURRENT), else_=REPLACED)))


# --------------------------------------------------------------------------- undo


def undo(db: Database, batch_id: Any, user: Any = "") -> dict[str, Any]:
    """Undo one import (see the module docstring); returns what happened."""
    try:
        batch_id = int(batch_id)
    except (TypeError, ValueError):
        raise AmoError(f'"{batch_id}" er ikke et importnummer.', 2) from None
    with db.write() as conn:
        batch = conn.execute(sa.select(batches).where(batches.c.id == batch_id)).first()
        if batch is None:
            raise AmoError(f"Import nr. {batch_id} findes ikke.", 2)
        if batch.state == UNDONE:
            raise AmoError(f"Import nr. {batch_id} er allerede fortrudt.", 2)
        own = conn.execute(sa.select(versions).where(versions.c.batch_id == batch.id).order_by(versions.c.id)).all()
        restored = removed = kept = 0
        touched: set[int] = set()
        for version in own:
            if version.state == CURRENT:
                conn.execute(versions.update().where(versions.c.id == version.id).values(state=UNDONE))
                if version.previous_id is None:
                    removed += 1
                    continue
                conn.execute(versions.update().where(versions.c.id == version.previous_id)
                             .values(state=CURRENT, replaced_by=None))
                touched.add(conn.execute(sa.select(versions.c.batch_id)
                                         .where(versions.c.id == version.previous_id)).scalar_one())
                restored += 1
            elif version.state == REPLACED:
                # A later batch wrote over this group: it stays current. Cut this version out of
                # the chain so undoing the later batch restores our predecessor. The successor
                # is the live version naming this one as previous (an undone one may too).
                successor = conn.execute(
                    sa.select(versions.c.id, versions.c.batch_id)
                    .where(versions.c.previous_id == version.id, versions.c.state != UNDONE).order_by(versions.c.id)
                ).first()
                if successor is not None:
                    conn.execute(versions.update().where(versions.c.id == successor.id)
                                 .values(previous_id=version.previous_id))
                    if version.previous_id is not None:
                        conn.execute(versions.update().where(versions.c.id == version.previous_id)
                                     .values(replaced_by=successor.batch_id))
                conn.execute(versions.update().where(versions.c.id == version.id).values(state=UNDONE))
                kept += 1
        conn.execute(batches.update().where(batches.c.id == batch.id).values(state=UNDONE))
        refresh_batch_states(conn, touched)
        held_on = conn.execute(sa.select(meetings.c.held_on).where(meetings.c.batch_id == batch.id)).scalar()
        result = {"batch_id": batch.id, "state": UNDONE, "groups_restored": restored, "groups_removed": removed,
                  "groups_kept": kept, "message": _undo_message(batch.id, restored, removed, kept, held_on)}
        write_audit(conn, user, "undo", {k: v for k, v in result.items() if k != "message"})
        bump(conn)
        return result


def _undo_message(batch_id: int, restored: int, removed: int, kept: int, held_on: dt.date | None) -> str:
    parts = [f"Import nr. {batch_id} er fortrudt."]
    if restored:
        parts.append(f"{restored} {'gruppe' if restored == 1 else 'grupper'} har fået de tidligere data tilbage.")
    if removed:
        parts.append(f"{removed} {'gruppe' if removed == 1 else 'grupper'} uden tidligere data er fjernet.")
    if kept:
        parts.append(f"{kept} {'gruppe' if kept == 1 else 'grupper'} var allerede erstattet af en senere import og "
                     "er uændret.")
    if held_on is not None:
        parts.append(f"Mødet den {held_on:%d-%m-%Y} gælder ikke længere; det står stadig i historikken.")
    return " ".join(parts)


# --------------------------------------------------------------------------- history


def history(db: Database) -> list[dict[str, Any]]:
    """The batches, newest first, as ``history --json`` shows them; ``meeting`` is the meeting
    saved with the batch (None for file imports)."""
    with db.read() as conn:
        rows = conn.execute(sa.select(batches).order_by(batches.c.id.desc())).all()
        held = {row.batch_id: row for row in conn.execute(sa.select(meetings))}
    return [{"id": row.id, "created_at": iso(row.created_at), "user": row.user_name, "files": list(row.files),
             "sha256": list(row.sha256), "rows": {t: int(row.rows.get(t, 0)) for t in TABLES}, "state": row.state,
             "meeting": meeting_json(held[row.id], text=True) if row.id in held else None}
            for row in rows]


def meeting_json(row: Any, text: bool = False) -> dict[str, Any]:
    """A stored meeting as :meth:`Store.meetings` gives it; ``text``: the date as ISO text (the
    history, which is JSON)."""
    return {"batch_id": row.batch_id, "department": row.department, "year": int(row.year),
            "held_on": row.held_on.isoformat() if text else row.held_on, "participants": list(row.participants),
            "author": row.author}


# --------------------------------------------------------------------------- status edits


def set_action_status(db: Database, action_id: Any, status: str, user: Any, expected: str | None = None) -> None:
    """Change one current Handleplan action's status in place (audited).

    ``expected``: the status the person saw. The change is then refused (AmoError, Danish)
    when the action is no longer current (an import replaced it, or its import was undone)
    or when its status is no longer ``expected`` (someone else changed it meanwhile; the
    message says who and to what). Setting the status it already has changes nothing.
    """
    canonical = status if status in vocab.STATUS.values else vocab.STATUS.match(status)
    if canonical is None:
        raise AmoError(f'"{status}" er ikke en gyldig status. Vælg en af: {vocab.STATUS.listing()}.', 2)
    try:
        action_id = int(action_id)
    except (TypeError, ValueError):
        raise AmoError(f'"{action_id}" er ikke et handlingsnummer.', 2) from None
    plan = DATA[HANDLEPLAN]
    with db.write() as conn:
        row = conn.execute(
            sa.select(plan.c.id, plan.c.status, plan.c.department, plan.c.year, plan.c.what, versions.c.state)
            .join(versions, versions.c.id == plan.c.version_id).where(plan.c.id == action_id)
        ).first()
        if row is None or (row.state != CURRENT and expected is None):
            raise AmoError(f"Handling nr. {action_id} findes ikke i de gældende data.", 2)
        if row.state != CURRENT:
            raise AmoError(f"Status for »{row.what}« ({row.department}, {row.year}) er ikke ændret: handlingen "
                           "er i mellemtiden erstattet af en nyere import, eller dens import er fortrudt. "
                           "Intet er ændret.", 2)
        if row.status == canonical:
            return
        if expected is not None and row.status != expected:
            raise AmoError(f"Status for »{row.what}« ({row.department}, {row.year}) er ikke ændret til "
                           f"»{canonical}«: {_changed_by(conn, row.id, row.status)}, efter at du så "
                           "den. Vælg igen, hvis den stadig skal ændres.", 2)
        conn.execute(plan.update().where(plan.c.id == row.id).values(status=canonical))
        write_audit(conn, user, "status", {"action_id": row.id, "department": row.department, "year": row.year,
                                           "what": row.what, "old": row.status, "new": canonical})
        bump(conn)


def _changed_by(conn: Connection, action_id: int, status: str) -> str:
    """Who changed an action's status to ``status`` and when, from its newest status audit
    line: "kollega ændrede den til »I gang« den 26-11-2026 kl. 14:03"."""
    last = conn.execute(
        sa.select(audit.c.user_name, audit.c.at)
        .where(audit.c.action == "status", audit.c.details["action_id"].as_integer() == action_id)
        .order_by(audit.c.id.desc()).limit(1)
    ).first()
    if last is None:
        return f"den er i mellemtiden ændret til »{status}«"
    return f"{last.user_name or 'en anden'} ændrede den til »{status}« {utc(last.at).astimezone():den %d-%m-%Y kl. %H:%M}"
