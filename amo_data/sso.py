"""Single sign-on (OpenID Connect): who a signed-in person is, and with which role.

``[auth]`` is Streamlit's own (``st.login``): redirect_uri, cookie_secret and a provider
(client_id, client_secret, server_metadata_url) at its top or as ``[auth.<name>]``.
``[auth.roles]`` is ours: where a signed-in person's role comes from — a claim of the
provider's token mapped to roles and departments (``source = "claim"``), or the store, where
an administrator grants roles by e-mail on the Brugere page (``source = "store"``). The roles
themselves and what they may do are :mod:`amo_data.auth`'s. No Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .auth import ADMIN, AMO, KONSULENT, LEDELSE, ROLE_LABELS, ROLES, User, parse_departments, parse_role
from .errors import AmoError
from .text import clean, fold

CLAIM, STORE = "claim", "store"  # the two sources of roles
ROLE_PRECEDENCE = (ADMIN, AMO, LEDELSE, KONSULENT)  # several claim values: the first of these wins
SESSION_HOURS = 8.0  # a sign-in older than this is renewed (bounds how long a removed role lasts)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


@dataclass(frozen=True)
class Grant:
    """A role and, for ``amo``, its departments."""

    role: str
    departments: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleSource:
    """``[auth.roles]``: roles from the claim ``claim`` through ``grants`` (claim value key ->
    grant), or from the store; ``admins`` (e-mail keys) are administrators either way."""

    source: str = STORE
    claim: str = ""
    grants: Mapping[str, Grant] = field(default_factory=dict)
    admins: tuple[str, ...] = ()
    email_claim: str = "email"
    contact: str = ""
    session_hours: float = SESSION_HOURS


def email_key(value: object) -> str:
    """An e-mail address as roles are looked up by: trimmed, case-insensitive."""
    return clean(value).casefold() if isinstance(value, str) else ""


def _auth_section(config: Mapping | None) -> Mapping:
    try:
        section = config.get("auth") if config is not None else None
    except Exception:  # noqa: BLE001 - st.secrets without a file raises on any access
        return {}
    return section if isinstance(section, Mapping) else {}


def oidc_providers(config: Mapping | None) -> list[tuple[str | None, str]]:
    """The providers of ``[auth]`` as (name for ``st.login``, None for the unnamed one;
    server_metadata_url). Empty: single sign-on is not configured."""
    section = _auth_section(config)
    found: list[tuple[str | None, str]] = []
    if section.get("client_id"):
        found.append((None, str(section.get("server_metadata_url") or "")))
    for name, entry in section.items():
        if isinstance(entry, Mapping) and entry.get("client_id"):
            found.append((str(name), str(entry.get("server_metadata_url") or "")))
    return found


def _grant(value: object, where: str) -> Grant:
    entry = value if isinstance(value, Mapping) else {"role": value}
    role = parse_role(entry.get("role"))
    if role is None:
        raise AmoError(f'{where}: ukendt rolle "{entry.get("role")}". Vælg en af: {", ".join(ROLES)}.', 2)
    departments = parse_departments(entry.get("departments"))
    if departments is None or (role == AMO and not departments):
        raise AmoError(f'{where}: rollen amo kræver en liste af afdelinger, fx '
                       '{ role = "amo", departments = ["Lager"] }.', 2)
    return Grant(role, departments if role == AMO else ())


def load_role_source(config: Mapping | None) -> RoleSource:
    """``[auth.roles]`` of ``config`` (defaults when absent: roles from the store). Raises
    :class:`AmoError` (Danish) for anything that would silently grant or withhold access."""
    section = _auth_section(config)
    for key in ("redirect_uri", "cookie_secret"):
        if not isinstance(section.get(key), str) or not section.get(key, "").strip():
            raise AmoError(f"[auth] mangler {key}.", 2)
    if not section["redirect_uri"].rstrip("/").endswith("/oauth2callback"):
        raise AmoError('[auth] redirect_uri skal være appens adresse + "/oauth2callback".', 2)
    roles = section.get("roles", {})
    if not isinstance(roles, Mapping):
        raise AmoError("[auth.roles] skal være en tabel.", 2)
    claim = clean(roles.get("claim")) if isinstance(roles.get("claim"), str) else ""
    source = fold(roles.get("source")) or (CLAIM if claim else STORE)
    if source not in (CLAIM, STORE):
        raise AmoError(f'[auth.roles] source = "{roles.get("source")}" er ukendt: brug "claim" eller "store".', 2)
    mapping = roles.get("map", {})
    if not isinstance(mapping, Mapping):
        raise AmoError("[auth.roles.map] skal være en tabel: claim-værdi = rolle.", 2)
    grants = {clean(k).casefold(): _grant(v, f'[auth.roles.map] "{k}"') for k, v in mapping.items()}
    if source == CLAIM and not (claim and grants):
        raise AmoError("[auth.roles] med source = \"claim\" kræver claim (fx \"roles\" eller \"groups\") "
                       "og en [auth.roles.map] med mindst én rolle.", 2)
    admins = roles.get("admins", [])
    admins = [admins] if isinstance(admins, str) else admins
    if not isinstance(admins, list) or not all(isinstance(a, str) and EMAIL_PATTERN.match(clean(a)) for a in admins):
        raise AmoError('[auth.roles] admins skal være en liste af e-mailadresser, fx ["it@firma.dk"].', 2)
    hours = roles.get("session_hours", SESSION_HOURS)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
        raise AmoError("[auth.roles] session_hours skal være et positivt antal timer, fx 8.", 2)
    email_claim = roles.get("email_claim", "email")
    contact = roles.get("contact", "")
    return RoleSource(source, claim, grants, tuple(email_key(a) for a in admins),
                      clean(email_claim) if isinstance(email_claim, str) and clean(email_claim) else "email",
                      clean(contact) if isinstance(contact, str) else "", float(hours))


def _strongest(grants: Iterable[Grant]) -> Grant | None:
    grants = list(grants)
    for role in ROLE_PRECEDENCE:
        chosen = [g for g in grants if g.role == role]
        if chosen:
            return Grant(role, parse_departments([d for g in chosen for d in g.departments]) or ())
    return None


def _claim_values(value: object) -> list[str]:
    values = [value] if isinstance(value, str) else value if isinstance(value, list | tuple) else []
    return [clean(v).casefold() for v in values if isinstance(v, str)]


def oidc_user(claims: Mapping[str, Any], source: RoleSource, lookup: Callable[[str], Any]) -> User | None:
    """The user the identity token's ``claims`` sign in as, or None when the person has no role.

    The e-mail address (claim ``source.email_claim``) is the user name in the audit log. Its
    role: administrator when it is in ``admins``; else from the claim ``source.claim`` through
    the mapping (several values: the strongest role, the departments of every ``amo`` value);
    or, with roles from the store, ``lookup(email_key)`` (a record with ``.role`` and
    ``.departments``, or None). A record with an unknown role, or ``amo`` without departments,
    grants nothing.
    """
    email = clean(claims.get(source.email_claim)) if isinstance(claims.get(source.email_claim), str) else ""
    username = email or clean(claims.get("sub"))
    name = clean(claims.get("name")) if isinstance(claims.get("name"), str) else ""
    grant: Grant | None = None
    if email and email_key(email) in source.admins:
        grant = Grant(ADMIN)
    elif source.source == CLAIM:
        grant = _strongest(source.grants[v] for v in _claim_values(claims.get(source.claim)) if v in source.grants)
    elif email and (record := lookup(email_key(email))) is not None:
        role, departments = parse_role(getattr(record, "role", None)), parse_departments(getattr(record, "departments", None))
        if role is not None and departments is not None and (role != AMO or departments):
            grant = Grant(role, departments if role == AMO else ())
    if grant is None or not username:
        return None
    return User(username, name or username, grant.role, grant.departments, oidc=True)


def session_expired(claims: Mapping[str, Any], source: RoleSource, now: float) -> bool:
    """True when the sign-in (the token's ``iat``, issued at) is older than ``source.session_hours``.
    A token without ``iat`` (OpenID Connect requires it) is taken as fresh."""
    issued = claims.get("iat")
    if isinstance(issued, bool) or not isinstance(issued, int | float):
        return False
    return now - float(issued) > source.session_hours * 3600


def no_role_message(who: str, source: RoleSource) -> str:
    """What a signed-in person without a role is told (Danish): that and whom to ask."""
    if source.contact:
        ask = source.contact
    elif source.source == STORE and source.admins:
        ask = "en administrator af AMO-kompetencer (" + ", ".join(source.admins) + ")"
    else:
        ask = "jeres IT-afdeling" if source.source == CLAIM else "en administrator af AMO-kompetencer"
    then = ("Når rollen er givet i virksomhedens login-tjeneste, skal du logge ud og ind igen."
            if source.source == CLAIM else "Når du har fået en rolle, skal du blot genindlæse siden.")
    return (f"Du er logget ind som {who}, men du har ingen rolle i AMO-kompetencer og kan derfor ikke se "
            f"nogen data. Bed {ask} om at give dig en rolle. {then}")


def check_grant(email: object, role: object, departments: Iterable[str] | None) -> tuple[str, str, tuple[str, ...]]:
    """A role to give on the page Brugere, checked: (e-mail key, role, departments). Raises
    :class:`AmoError` (Danish) for an invalid address, an unknown role, ``amo`` without
    departments, or departments for another role."""
    address = email_key(email)
    if not EMAIL_PATTERN.match(address):
        raise AmoError(f'"{clean(email)}" er ikke en e-mailadresse.' if clean(email) else "Skriv en e-mailadresse.", 2)
    canonical = parse_role(role)
    if canonical is None:
        raise AmoError(f'"{role}" er ikke en rolle. Vælg en af: {", ".join(ROLES)}.', 2)
    names = parse_departments(list(departments or ())) or ()
    if canonical == AMO and not names:
        raise AmoError("Rollen AMO kræver mindst én afdeling.", 2)
    if canonical != AMO and names:
        raise AmoError(f"Afdelinger bruges kun til rollen AMO, ikke til {ROLE_LABELS[canonical]}.", 2)
    return address, canonical, names


