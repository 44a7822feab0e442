"""Who may reach the data from outside the dashboard's own sign-in: API tokens, and roles
granted to a person signed in with OpenID Connect (by e-mail address). Every change is audited.

API tokens: the secret is returned once by :func:`add_token` and never stored; the store keeps
its SHA-256 only. :func:`token_for` finds a token by its secret (None for an unknown or revoked
one). A token's ``departments`` are stored as given (the caller decides what they allow).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from .. import fields
from ..errors import AmoError
from ..text import clean, danish_key, department_key, department_name, fold
from .engine import Database
from .tables import api_tokens, bump, now, user_name, user_roles, utc, write_audit


def _departments(departments: Iterable[str] | None) -> list[str]:
    """Department names as stored: cleaned, the first spelling of each, in the order given."""
    if isinstance(departments, str):
        departments = [departments]
    found: dict[str, str] = {}
    for name in map(department_name, departments or ()):
        if name:
            found.setdefault(department_key(name), name)
    return list(found.values())


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- API tokens


def add_token(db: Database, name: str, departments: Iterable[str] | None, user: Any) -> str:
    """A new token ``name`` for ``departments``; returns its secret (shown once, never stored)."""
    label = clean(name)
    if not label:
        raise AmoError("Giv nøglen et navn.", 2)
    with db.write() as conn:
        secret = _add(conn, label, departments, user)
        bump(conn)
    return secret


def _add(conn: sa.Connection, label: str, departments: Iterable[str] | None, user: Any) -> str:
    secret = secrets.token_urlsafe(32)
    chosen = _departments(departments)
    if conn.execute(sa.select(api_tokens.c.id).where(api_tokens.c.name == label)).first() is not None:
        raise AmoError(f'Der findes allerede en nøgle med navnet "{label}". Vælg et andet navn.', 2)
    conn.execute(api_tokens.insert().values(name=label, secret_sha256=_digest(secret), departments=chosen,
                                            created_at=now(), created_by=user_name(user)))
    write_audit(conn, user, "token_add", {"token": label, "departments": chosen})
    return secret


def _revoke(conn: sa.Connection, row: Any, user: Any) -> None:
    conn.execute(api_tokens.update().where(api_tokens.c.id == row.id)
                 .values(revoked_at=now(), revoked_by=user_name(user)))
    write_audit(conn, user, "token_revoke", {"token": row.name})


# A person's calendar link, made on Handleplan ("Lav mit kalenderlink"): a token named
# "Kalender <user name> (n)" and made by that user. It covers what the person may see when it
# is made; a role stored here for the person, given anew, changed or removed (assign_role,
# revoke_role), revokes it.


def _calendar_links_of(tokens: list[Any], person: str) -> list[Any]:
    """Of the ``tokens`` (rows), the calendar links ``person`` (a user name, case-insensitive in
    any script) has made, working or not."""
    return [r for r in tokens if clean(r.created_by).casefold() == clean(person).casefold()
            and r.name.startswith(f"Kalender {r.created_by} (") and r.name.endswith(")")]


def _revoke_working(conn: sa.Connection, rows: list[Any], user: Any) -> None:
    for row in rows:
        if row.revoked_at is None:
            _revoke(conn, row, user)


def new_calendar_link(db: Database, departments: Iterable[str] | None, user: Any) -> str:
    """A new calendar link of ``user`` for ``departments`` (none: every one); the user's earlier
    links stop working. Returns its secret."""
    person = clean(user_name(user))
    with db.write() as conn:
        tokens = conn.execute(sa.select(api_tokens)).all()  # a handful
        mine = _calendar_links_of(tokens, person)
        _revoke_working(conn, mine, person)
        taken = {r.name for r in tokens}  # a token made by hand may hold a number
        n = len(mine) + 1
        while f"Kalender {person} ({n})" in taken:
            n += 1
        secret = _add(conn, f"Kalender {person} ({n})", departments, person)
        bump(conn)
    return secret


def _token(row: Any) -> dict[str, Any]:
    return {"name": row.name, "departments": list(row.departments), "created_at": utc(row.created_at),
            "created_by": row.created_by, "revoked_at": None if row.revoked_at is None else utc(row.revoked_at),
            "revoked_by": row.revoked_by}


def tokens(db: Database) -> list[dict[str, Any]]:
    """Every token, by name: ``{"name", "departments", "created_at", "created_by", "revoked_at",
    "revoked_by"}`` (times as UTC datetimes; ``revoked_at`` None while the token works)."""
    with db.read() as conn:
        rows = conn.execute(sa.select(api_tokens)).all()
    return [_token(row) for row in sorted(rows, key=lambda r: (danish_key(r.name), r.name))]


def revoke_token(db: Database, name: str, user: Any) -> None:
    """Revoke the token ``name`` for good (it stays listed)."""
    label = clean(name)
    with db.write() as conn:
        row = conn.execute(sa.select(api_tokens).where(api_tokens.c.name == label)).first()
        if row is None:
            raise AmoError(f'Der findes ingen nøgle med navnet "{label}".', 2)
        if row.revoked_at is not None:
            raise AmoError(f'Nøglen "{label}" er allerede tilbagekaldt.', 2)
        _revoke(conn, row, user)
        bump(conn)


def token_for(db: Database, secret: str | None) -> dict[str, Any] | None:
    """The working token whose secret is ``secret``; None for an unknown or revoked one."""
    if not isinstance(secret, str) or not secret:
        return None
    digest = _digest(secret)
    with db.read() as conn:
        row = conn.execute(sa.select(api_tokens).where(api_tokens.c.secret_sha256 == digest)).first()
    if row is None or not hmac.compare_digest(row.secret_sha256, digest) or row.revoked_at is not None:
        return None
    return _token(row)


# --------------------------------------------------------------------------- roles by e-mail


def _email(email: str) -> str:
    parsed = fields.Email().parse(email)
    if parsed.error:
        raise AmoError(parsed.error, 2)
    return parsed.value


def _role(role: str) -> str:
    from ..auth import ROLE_LABELS, ROLES  # argon2 and the users' rules: only when roles change

    canonical = next((r for r in ROLES if fold(role) in (r, fold(ROLE_LABELS[r]))), None)
    if canonical is None:
        raise AmoError(f'"{clean(role)}" er ikke en rolle. Vælg en af: {", ".join(ROLES)}.', 2)
    return canonical


def assign_role(db: Database, email: str, role: str, departments: Iterable[str] | None, user: Any) -> None:
    """Grant ``role`` to the person signing in as ``email`` (replaces a role given before);
    ``departments`` are required for the role amo and ignored for the others."""
    from ..auth import AMO

    address, canonical = _email(email), _role(role)
    chosen = _departments(departments) if canonical == AMO else []
    if canonical == AMO and not chosen:
        raise AmoError("Rollen amo skal have mindst én afdeling.", 2)
    with db.write() as conn:
        mine = user_roles.c.email_key == address.casefold()
        values = {"email": address, "role": canonical, "departments": chosen, "assigned_at": now(),
                  "assigned_by": user_name(user)}
        before = conn.execute(sa.select(user_roles).where(mine)).first()
        if before is None:
            conn.execute(user_roles.insert().values(email_key=address.casefold(), **values))
        else:
            conn.execute(user_roles.update().where(mine).values(**values))
        # A link made under another role (or before any was stored here) may cover more.
        if before is None or before.role != canonical or ({department_key(d) for d in before.departments}
                                                          != {department_key(d) for d in chosen}):
            _revoke_calendar_links(conn, address, user)
        write_audit(conn, user, "role_assign", {"email": address, "role": canonical, "departments": chosen})
        bump(conn)


def revoke_role(db: Database, email: str, user: Any) -> None:
    """Take the role of ``email`` away (AmoError when it has none)."""
    key = clean(email).casefold()
    with db.write() as conn:
        row = conn.execute(sa.select(user_roles).where(user_roles.c.email_key == key)).first()
        if row is None:
            raise AmoError(f'"{clean(email)}" har ingen rolle.', 2)
        conn.execute(user_roles.delete().where(user_roles.c.id == row.id))
        write_audit(conn, user, "role_revoke", {"email": row.email, "role": row.role})
        _revoke_calendar_links(conn, row.email, user)
        bump(conn)


def _revoke_calendar_links(conn: sa.Connection, email: str, user: Any) -> None:
    """The person's role changed or went: the calendar links the person made stop working."""
    _revoke_working(conn, _calendar_links_of(conn.execute(sa.select(api_tokens)).all(), email), user)


@dataclass(frozen=True)
class RoleGrant:
    """A role granted to the person signing in as ``email``."""

    email: str  # as it was given when the role was granted
    role: str  # one of amo_data.auth.ROLES
    departments: tuple[str, ...]  # for the role amo; empty for the others
    assigned_at: dt.datetime  # UTC
    assigned_by: str


def _grant(row: Any) -> RoleGrant:
    return RoleGrant(row.email, row.role, tuple(row.departments), utc(row.assigned_at), row.assigned_by)


def role_of(db: Database, email: str | None) -> RoleGrant | None:
    """The role granted to ``email`` (case-insensitive), or None."""
    key = clean(email).casefold()
    if not key:
        return None
    with db.read() as conn:
        row = conn.execute(sa.select(user_roles).where(user_roles.c.email_key == key)).first()
    return None if row is None else _grant(row)


def roles(db: Database) -> list[RoleGrant]:
    """Every granted role, by e-mail address."""
    with db.read() as conn:
        rows = conn.execute(sa.select(user_roles).order_by(user_roles.c.email_key)).all()
    return [_grant(row) for row in rows]


def record(db: Database, action: str, user: Any, details: dict[str, Any]) -> None:
    """One audit line that changes no data (a failed sign-in, a pause of sign-ins); it bumps
    the data version, so the Revisionslog shows it at once."""
    with db.write() as conn:
        write_audit(conn, user, action, details)
        bump(conn)
