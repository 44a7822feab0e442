"""The two audited erasures for data protection (docs/security.md): a department, and a person.

Unlike an undo, an erasure deletes rows in every version, so no undo can bring them back.
Batches keep their history entry and their row counts (what the files held). On SQLite the
erased content is overwritten (``secure_delete``) and the WAL emptied afterwards.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa

from ..errors import AmoError
from ..schema import MEDLEMMER, ORGANISATION, SCHEMA, SHEET_TITLES, TABLES
from ..text import clean, department_key, joined, name_key
from .engine import Database
from .imports import refresh_batch_states
from .tables import CURRENT, DATA, bump, chunks, meetings, preparations, reminders, versions, write_audit

# The tables that name persons (a "name" column): a person's erasure reaches them.
PERSON_TABLES = tuple(t for t in TABLES if "name" in SCHEMA[t].columns)


def _rows(n: int) -> str:
    return f"{n} {'række' if n == 1 else 'rækker'}"


def delete_department(db: Database, department: str, user: Any) -> dict[str, Any]:
    """Erase every row of ``department`` in every table and every version: its data, its
    member list, its own Organisation row (the rows of departments and units under it keep
    theirs), its meetings and the drafts for it.

    The department matches like imports do; a unit that is only in Organisation is not a
    department. One ``delete_department`` audit line records who, the department and the
    counts. Unknown department -> AmoError. Returns ``{"department", "rows": {table: n},
    "groups", "batches", "meetings", "message"}``.
    """
    key = department_key(department)
    if not key:
        raise AmoError("Angiv den afdeling, hvis data skal slettes.", 2)
    with db.write() as conn:
        found = conn.execute(sa.select(versions.c.id, versions.c.table_name, versions.c.department,
                                       versions.c.batch_id, versions.c.state)
                             .where(versions.c.dept_key == key).order_by(versions.c.id)).all()
        data_versions = [v for v in found if v.table_name != ORGANISATION]
        if not data_versions:
            raise AmoError(f'Afdelingen "{clean(department)}" findes ikke i databasen.', 2)
        current_names = [v.department for v in data_versions if v.state == CURRENT]
        name = current_names[0] if current_names else data_versions[-1].department
        ids = [v.id for v in found]
        db.secure_delete(conn)
        rows = dict.fromkeys(TABLES, 0)
        for table in TABLES:
            data = DATA[table]
            for chunk in chunks(ids):
                rows[table] += conn.execute(data.delete().where(data.c.version_id.in_(chunk))).rowcount
        # previous_id only links versions of the same group, so whole chains go at once.
        for chunk in chunks(ids):
            conn.execute(versions.delete().where(versions.c.id.in_(chunk)))
        held = conn.execute(meetings.delete().where(meetings.c.dept_key == key)).rowcount
        conn.execute(preparations.delete().where(preparations.c.dept_key == key))
        batch_ids = sorted({v.batch_id for v in found})
        refresh_batch_states(conn, batch_ids)
        result = {"department": name, "rows": rows, "groups": len(ids), "batches": batch_ids, "meetings": held}
        write_audit(conn, user, "delete_department", dict(result))
        bump(conn)
    db.checkpoint()
    total = sum(rows.values())
    result["message"] = (f'Alle data for afdelingen "{name}" er slettet: {_rows(total)} i alle versioner. '
                         "Sletningen er skrevet i loggen og kan ikke fortrydes.")
    return result


def delete_person(db: Database, name: str, user: Any, department: str | None = None) -> dict[str, Any]:
    """Erase one person (``Navn``, matched by :func:`amo_data.text.name_key`) in every version:
    the person's rows in the tables that name persons (Uddannelse, Medlemmer) and the person's
    name in the participants of the meetings.

    ``department`` limits the erasure to one department. The audit line keeps the name or
    initials exactly as the administrator typed them (needed to show what was erased), the
    department filter and the counts, nothing else about the person. A version whose rows all
    belonged to the person stays as an empty version, so undo chains keep working. Nothing
    found (or an unknown department) -> AmoError. Returns ``{"name", "department", "rows",
    "versions", "meetings", "message"}``.
    """
    wanted = name_key(name)
    if not wanted:
        raise AmoError("Angiv navnet eller initialerne på den person, hvis data skal slettes.", 2)
    dept = department_key(department) if department is not None and clean(department) else None
    sheets = joined([SHEET_TITLES[t] for t in PERSON_TABLES], "eller")
    with db.write() as conn:
        shown_department = None
        if dept is not None:
            shown_department = conn.execute(
                sa.select(versions.c.department).where(versions.c.dept_key == dept,
                                                       versions.c.table_name != ORGANISATION)
                .order_by(versions.c.id.desc()).limit(1)).scalar()
            if shown_department is None:
                raise AmoError(f'Afdelingen "{clean(department)}" findes ikke i databasen.', 2)
        hits: dict[str, list[Any]] = {}
        for table in PERSON_TABLES:
            data = DATA[table]
            email = data.c.email if "email" in data.c else sa.null()
            query = (sa.select(data.c.id, data.c.version_id, data.c.name, email.label("email"))
                     .join(versions, versions.c.id == data.c.version_id).where(data.c.name.is_not(None)))
            if dept is not None:
                query = query.where(versions.c.dept_key == dept)
            # Compared in Python: SQLite's lower() folds ASCII only (Æ, Ø, Å).
            hits[table] = [row for row in conn.execute(query) if name_key(row.name) == wanted]
        query = sa.select(meetings.c.id, meetings.c.participants)
        if dept is not None:
            query = query.where(meetings.c.dept_key == dept)
        held = [(row.id, [p for p in row.participants if name_key(p) != wanted]) for row in conn.execute(query)
                if any(name_key(p) == wanted for p in row.participants)]
        n = sum(len(found) for found in hits.values())
        if not n and not held:
            where = f' i afdelingen "{shown_department}"' if shown_department else ""
            raise AmoError(f'Der er ingen rækker i {sheets} med navnet "{clean(name)}"{where}.', 2)
        db.secure_delete(conn)
        per_version: Counter = Counter()
        for table, found in hits.items():
            per_version.update(row.version_id for row in found)
            for chunk in chunks([row.id for row in found]):
                conn.execute(DATA[table].delete().where(DATA[table].c.id.in_(chunk)))
        for version_id, count in per_version.items():
            conn.execute(versions.update().where(versions.c.id == version_id)
                         .values(row_count=versions.c.row_count - count))
        for meeting_id, participants in held:
            conn.execute(meetings.update().where(meetings.c.id == meeting_id).values(participants=participants))
        # What `remind` mailed the person: the address is theirs, and nothing will be sent to it again.
        # (An address another member row still holds, e.g. in a department not erased, stays.)
        addresses = {row.email for found in hits.values() for row in found if row.email}
        addresses -= set(conn.execute(sa.select(DATA[MEDLEMMER].c.email).distinct()
                                      .where(DATA[MEDLEMMER].c.email.in_(sorted(addresses)))).scalars())
        for chunk in chunks(sorted(addresses)):
            conn.execute(reminders.delete().where(reminders.c.recipient.in_(chunk)))
        result = {"name": clean(name), "department": shown_department, "rows": n, "versions": len(per_version),
                  "meetings": len(held)}
        write_audit(conn, user, "delete_person", dict(result))
        bump(conn)
    db.checkpoint()
    message = f'{_rows(n)} i {joined([SHEET_TITLES[t] for t in PERSON_TABLES])} med navnet "{clean(name)}" er slettet'
    if held:
        message += f", og navnet er fjernet fra deltagerne i {len(held)} {'møde' if len(held) == 1 else 'møder'}"
    result["message"] = message + " i alle versioner. Sletningen er skrevet i loggen og kan ikke fortrydes."
    return result
