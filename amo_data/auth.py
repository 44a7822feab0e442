"""Sign-in and roles: who may read, import, undo, edit and delete (no Streamlit here).

Configuration
-------------
Users live in ``.streamlit/secrets.toml`` (git-ignored; ``.streamlit/secrets.example.toml`` is
the documented example), one table per user::

    [users.mette]
    name = "Mette Hansen"
    role = "amo"                       # ledelse | konsulent | amo | admin
    departments = ["Lager", "Produktion"]   # required for amo, ignored for other roles
    password_hash = "$argon2id$v=19$..."    # made by: python -m amo_data user add mette ...

:func:`load_users` reads that mapping (``st.secrets`` or a dict from ``tomllib``) and refuses
invalid entries with one Danish sentence naming the user. Without any ``[users]`` table and
without single sign-on the app runs in local single-user mode as :data:`LOCAL_USER` (an
administrator).

Single sign-on (OpenID Connect) is Streamlit's ``st.login``, configured in ``[auth]``; the role
of a signed-in person comes from ``[auth.roles]`` (:func:`load_role_source`): from a claim of
the identity token through a mapping, or from the store (page Brugere), see :func:`oidc_user`.

Roles
-----
=========== ====== ============================ ============== ======== ==============
role        reads  imports / edits status       undo           audit    delete data
=========== ====== ============================ ============== ======== ==============
ledelse     all    no                           no             yes      no
konsulent   all    no                           no             no       no
amo         all    own departments only         own batches    no       no
admin       all    all                          all            yes      yes
=========== ====== ============================ ============== ======== ==============

Departments are compared like :func:`amo_data.store.department_key`: trimmed, inner whitespace
collapsed, case-insensitive. An ``amo`` user may undo a batch only when every department the
batch wrote is one of its own (a batch whose data was all erased touches no department and may
be undone by anyone who can import; it changes nothing).

Passwords
---------
argon2id through :class:`argon2.PasswordHasher` with its RFC 9106 "low memory" defaults
(time cost 3, 64 MiB, parallelism 4). Only hashes are stored, and only in ``secrets.toml``;
the database never sees a password or a hash. :func:`authenticate` runs one verification
even for an unknown user name (against a dummy hash), so the answer time does not tell which
user names exist, and it never logs anything.

Guessing
--------
:func:`sign_in` slows guessing down (:class:`SignInThrottle`, one per server process): after
:data:`FREE_FAILURES` failed sign-ins within :data:`FAILURE_WINDOW` seconds for one user name,
or from one client address, each further try must wait, 5 seconds after the fifth failure and
twice as long after each further one, at most :data:`LONGEST_WAIT` seconds. A try during the
wait is refused without checking the password. A correct password clears the user name's
failures (not the address's). Each failed sign-in and each wait that begins is an audit event
(:class:`SignIn.events`) for the caller to write.
"""

from __future__ import annotations

import getpass
import json
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .errors import AmoError, Problem
from .schema import SHEET_TITLES, TABLES
from .text import clean, fold, sorted_names

if TYPE_CHECKING:
    from .validate import FileResult

LEDELSE, KONSULENT, AMO, ADMIN = "ledelse", "konsulent", "amo", "admin"
ROLES = (LEDELSE, KONSULENT, AMO, ADMIN)
ROLE_LABELS = {LEDELSE: "Ledelse", KONSULENT: "Konsulent", AMO: "AMO", ADMIN: "Administrator"}

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes any length; this only stops absurd input
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

_HASHER = argon2.PasswordHasher()  # argon2id, RFC 9106 low-memory profile


def department_key(name: object) -> str:
    """The same key as :func:`amo_data.store.department_key` (not imported: no SQLAlchemy here)."""
    return clean(name).casefold()


def _listing(names: Iterable[str]) -> str:
    return ", ".join(sorted_names(names))


# --------------------------------------------------------------------------- users


@dataclass(frozen=True)
class User:
    """A signed-in user (or :data:`LOCAL_USER`). ``departments`` matter for ``amo`` only."""

    username: str
    name: str
    role: str
    departments: tuple[str, ...] = ()
    is_local: bool = False  # local single-user mode: no sign-in configured
    oidc: bool = False  # signed in through single sign-on (username is then the e-mail address)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def label(self) -> str:
        """For the sidebar, e.g. ``Mette Hansen (AMO: Lager, Produktion)``."""
        if self.role == AMO and self.departments:
            return f"{self.name} ({self.role_label}: {_listing(self.departments)})"
        return f"{self.name} ({self.role_label})"

    def can_import(self) -> bool:
        return self.role in (AMO, ADMIN)

    def may_change(self, department: object) -> bool:
        """May this user import into / edit / undo data of ``department``?"""
        if self.role == ADMIN:
            return True
        if self.role == AMO:
            key = department_key(department)
            return bool(key) and key in {department_key(d) for d in self.departments}
        return False

    def can_edit_status(self, department: object) -> bool:
        """Status edits in the action plan follow :meth:`may_change`."""
        return self.may_change(department)

    def can_undo(self, batch_departments: Iterable[str]) -> bool:
        """Admin: always. AMO: when every department the batch wrote is its own."""
        if self.role == ADMIN:
            return True
        if self.role == AMO:
            return all(self.may_change(d) for d in batch_departments)
        return False

    def can_see_audit(self) -> bool:
        return self.role in (ADMIN, LEDELSE)

    def can_delete_data(self) -> bool:
        return self.role == ADMIN

    def can_manage_users(self) -> bool:
        return self.role == ADMIN


LOCAL_USER = User(username="lokal", name="Lokal bruger", role=ADMIN, departments=(), is_local=True)


@dataclass(frozen=True)
class UserRecord:
    """One configured user as read from ``secrets.toml`` (the hash never leaves this module's use)."""

    username: str
    name: str
    role: str
    departments: tuple[str, ...]
    password_hash: str = field(repr=False)  # never in logs or tracebacks

    def user(self) -> User:
        return User(self.username, self.name, self.role, self.departments)


# --------------------------------------------------------------------------- passwords


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (a fresh random salt each time)."""
    check_password(password)
    return _HASHER.hash(password)


def check_password(password: object) -> None:
    """Refuse passwords that are not text, too short or absurdly long (Danish AmoError)."""
    if not isinstance(password, str) or not password:
        raise AmoError("Adgangskoden mangler.", 2)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AmoError(f"Adgangskoden skal være på mindst {MIN_PASSWORD_LENGTH} tegn.", 2)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AmoError(f"Adgangskoden må højst være på {MAX_PASSWORD_LENGTH} tegn.", 2)


def verify_password(password_hash: object, password: object) -> bool:
    """True when ``password`` matches ``password_hash``; False for anything else, never raises."""
    if not isinstance(password_hash, str) or not isinstance(password, str):
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    except Exception:  # noqa: BLE001 - a malformed hash must never break the sign-in form
        return False


@cache
def _dummy_hash() -> str:
    """A hash no password is known for: verified against for unknown user names (timing)."""
    return _HASHER.hash("amo-kompetencer: no such user")


# --------------------------------------------------------------------------- configuration


def _role(value: object) -> str | None:
    key = fold(value)
    for role in ROLES:
        if key in (role, fold(ROLE_LABELS[role])):
            return role
    return None


def _departments(value: object) -> tuple[str, ...] | None:
    """A list of department names (a single string is one name); None when not a list of text."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if isinstance(value, Mapping) or not isinstance(value, Iterable):
        return None
    names: list[str] = []
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, str):
            return None
        name = clean(item)
        if name and department_key(name) not in seen:
            seen.add(department_key(name))
            names.append(name)
    return tuple(names)


def users_configured(config: Mapping | None) -> bool:
    """True when ``config`` has a non-empty ``[users]`` table (else: local single-user mode)."""
    if config is None:
        return False
    try:
        users = config.get("users")
    except Exception:  # noqa: BLE001 - st.secrets without a file raises on any access
        return False
    return isinstance(users, Mapping) and len(users) > 0


def load_users(config: Mapping | None) -> dict[str, UserRecord]:
    """The ``[users.<username>]`` tables of ``config``, keyed by the casefolded user name.

    An empty result means local single-user mode. Raises :class:`AmoError` (Danish, naming the
    user) for: an entry that is not a table, an unknown role, an ``amo`` user without
    departments, a missing or malformed password hash, two user names that differ only in case.
    """
    if not users_configured(config):
        return {}
    users = config["users"]  # type: ignore[index]
    out: dict[str, UserRecord] = {}
    for raw_name, entry in users.items():
        username = clean(raw_name)
        shown = username or str(raw_name)
        if not username or not USERNAME_PATTERN.match(username):
            raise AmoError(
                f'Brugernavnet "{shown}" i [users] er ugyldigt: brug bogstaver a-z, tal og . _ - @ '
                "(højst 64 tegn, ingen mellemrum).", 2)
        if not isinstance(entry, Mapping):
            raise AmoError(f'Brugeren "{shown}" i [users] skal være en tabel: [users.{shown}].', 2)
        role = _role(entry.get("role"))
        if role is None:
            given = entry.get("role")
            what = f'den ukendte rolle "{given}"' if given not in (None, "") else "ingen rolle"
            raise AmoError(
                f'Brugeren "{shown}" har {what}. Vælg en af: {", ".join(ROLES)}.', 2)
        departments = _departments(entry.get("departments"))
        if departments is None:
            raise AmoError(
                f'Brugeren "{shown}": departments skal være en liste af afdelingsnavne, '
                'fx departments = ["Lager", "Produktion"].', 2)
        if role == AMO and not departments:
            raise AmoError(
                f'Brugeren "{shown}" har rollen amo, men ingen afdelinger. Angiv fx '
                'departments = ["Lager"].', 2)
        password_hash = entry.get("password_hash")
        if not isinstance(password_hash, str) or not password_hash.strip():
            raise AmoError(
                f'Brugeren "{shown}" mangler password_hash. Lav den med: '
                f"python -m amo_data user add {shown} --role {role}", 2)
        password_hash = password_hash.strip()
        try:
            argon2.extract_parameters(password_hash)
        except Exception:  # noqa: BLE001 - any parse failure means: not an argon2 hash
            raise AmoError(
                f'Brugeren "{shown}" har en password_hash, der ikke er en gyldig argon2-hash. '
                f"Lav en ny med: python -m amo_data user add {shown} --role {role}", 2) from None
        name = clean(entry.get("name")) if isinstance(entry.get("name"), str) else ""
        key = username.casefold()
        if key in out:
            raise AmoError(
                f'Brugernavnet "{shown}" findes to gange i [users] (store og små bogstaver '
                "tæller ikke som forskellige).", 2)
        out[key] = UserRecord(username, name or username, role, departments, password_hash)
    return out


def authenticate(users: Mapping[str, UserRecord], username: object, password: object) -> User | None:
    """The user when ``username`` (case-insensitive) and ``password`` match, else None.

    Always runs exactly one argon2 verification, also for an unknown user name.
    """
    key = clean(username).casefold() if isinstance(username, str) else ""
    record = users.get(key) if key else None
    if record is None:
        verify_password(_dummy_hash(), password if isinstance(password, str) else "")
        return None
    if verify_password(record.password_hash, password):
        return record.user()
    return None


# --------------------------------------------------------------------------- guessing

FREE_FAILURES = 5  # failed sign-ins per user name or address before tries must wait
FAILURE_WINDOW = 15 * 60  # seconds a failed sign-in counts
FIRST_WAIT = 5  # seconds after the FREE_FAILURES-th failure; doubled after each further one
LONGEST_WAIT = 60
MAX_TRACKED = 10_000  # user names and addresses remembered at once (random names cannot fill memory)


class SignInThrottle:
    """Failed sign-ins per key (a user name or a client address) within the window, and the
    wait they impose. Thread-safe; ``clock`` (seconds, monotonic) for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(key, ()) if now - t < FAILURE_WINDOW]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    @staticmethod
    def _wait_after(failures: int) -> int:
        if failures < FREE_FAILURES:
            return 0
        return min(LONGEST_WAIT, FIRST_WAIT * 2 ** (failures - FREE_FAILURES))

    def wait(self, keys: Iterable[str]) -> int:
        """Whole seconds before the next try of ``keys`` is allowed (0: at once)."""
        now = self.clock()
        with self._lock:
            left = 0.0
            for key in keys:
                times = self._recent(key, now)
                if times:
                    left = max(left, times[-1] + self._wait_after(len(times)) - now)
        return max(0, -int(-left // 1))  # rounded up

    def failed(self, keys: Iterable[str]) -> tuple[int, int]:
        """Count a failed sign-in for ``keys``: (the most failures of one key in the window,
        the seconds the next try must wait)."""
        now = self.clock()
        with self._lock:
            counts = []
            for key in keys:
                times = self._recent(key, now)
                times.append(now)
                self._failures[key] = times
                counts.append(len(times))
            while len(self._failures) > MAX_TRACKED:  # the oldest key goes first
                del self._failures[min(self._failures, key=lambda k: self._failures[k][-1])]
        most = max(counts, default=0)
        return most, self._wait_after(most)

    @property
    def tracked(self) -> int:
        """How many user names and addresses have failures remembered."""
        return len(self._failures)

    def succeeded(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


def _seconds(n: int) -> str:
    if n >= 60 and n % 60 == 0:
        return f"{n // 60} minut" if n == 60 else f"{n // 60} minutter"
    return "1 sekund" if n == 1 else f"{n} sekunder"


@dataclass(frozen=True)
class SignIn:
    """What one sign-in try gave: the user, or a Danish refusal, and the audit events
    (action, user name, details) to write: ``sign_in_failed`` for a wrong user name or
    password, ``sign_in_paused`` when the tries of a user name or address must wait."""

    user: User | None
    message: str | None = None
    events: tuple[tuple[str, str, dict[str, Any]], ...] = ()


def sign_in(users: Mapping[str, UserRecord], throttle: SignInThrottle, username: object, password: object,
            address: str | None = None) -> SignIn:
    """One sign-in try from the client ``address`` (None: not known, e.g. this computer).

    The audit events name the user only when the name is a configured user (a password typed
    into the name field by mistake is never written down), and the address."""
    key = clean(username).casefold() if isinstance(username, str) else ""
    keys = [f"user:{key}"] if key else []
    if address:
        keys.append(f"address:{address}")
    if wait := throttle.wait(keys):
        return SignIn(None, f"For mange forkerte forsøg. Vent {_seconds(wait)}, og prøv så igen.")
    user = authenticate(users, username, password)
    if user is not None:
        throttle.succeeded(keys[:1])
        return SignIn(user)
    failures, wait = throttle.failed(keys)
    known = users[key].username if key in users else ""
    details: dict[str, Any] = {"address": address or "", "failures": failures}
    if not known:
        details["unknown_user"] = True
    events = [("sign_in_failed", known, details)]
    message = "Forkert brugernavn eller adgangskode."
    if wait:
        events.append(("sign_in_paused", known, {**details, "wait_seconds": wait}))
        message += f" For mange forkerte forsøg: vent {_seconds(wait)}, før du prøver igen."
    return SignIn(None, message, tuple(events))


# --------------------------------------------------------------------------- new users


def _toml_key(text: str) -> str:
    return text if _BARE_KEY.match(text) else json.dumps(text, ensure_ascii=False)


def _toml_string(text: str) -> str:
    # JSON string escapes (\" \\ \n \uXXXX) are valid TOML basic-string escapes.
    return json.dumps(text, ensure_ascii=False)


def user_toml(username: str, name: str | None, role: str, departments: Iterable[str] | None,
              password: str) -> str:
    """The ``[users.<username>]`` block to paste into ``.streamlit/secrets.toml``.

    Validates the user name, role and departments (required for ``amo``, refused for other
    roles) and the password (at least :data:`MIN_PASSWORD_LENGTH` characters), then hashes
    the password. Raises :class:`AmoError` (exit code 2) with a Danish message.
    """
    username = clean(username)
    if not username or not USERNAME_PATTERN.match(username):
        raise AmoError(
            f'Brugernavnet "{username}" er ugyldigt: brug bogstaver a-z, tal og . _ - @ '
            "(højst 64 tegn, ingen mellemrum).", 2)
    canonical = _role(role)
    if canonical is None:
        raise AmoError(f'"{role}" er ikke en rolle. Vælg en af: {", ".join(ROLES)}.', 2)
    names = _departments(list(departments or ()))
    if names is None:  # pragma: no cover - a list of str always parses
        raise AmoError("Afdelingerne skal være tekst.", 2)
    if canonical == AMO and not names:
        raise AmoError("Rollen amo kræver mindst én afdeling (--department).", 2)
    if canonical != AMO and names:
        raise AmoError(f"Afdelinger bruges kun til rollen amo, ikke til {canonical}.", 2)
    shown_name = clean(name) or username
    password_hash = hash_password(password)
    lines = [
        f"[users.{_toml_key(username)}]",
        f"name = {_toml_string(shown_name)}",
        f"role = {_toml_string(canonical)}",
    ]
    if names:
        lines.append("departments = [" + ", ".join(_toml_string(d) for d in names) + "]")
    lines.append(f"password_hash = {_toml_string(password_hash)}")
    return "\n".join(lines) + "\n"


def read_new_password(from_stdin: bool = False, stdin: TextIO | None = None,
                      prompt: Callable[[str], str] | None = None) -> str:
    """The password for ``user add``: one line of ``stdin`` (``--password-stdin``; the line
    break is removed, nothing else), or asked twice without echo (:func:`getpass.getpass`).

    Raises :class:`AmoError` (exit code 2, Danish) when the two entries differ or the password
    is too short. Never prints the password.
    """
    if from_stdin:
        line = (stdin or sys.stdin).readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password[:-1] if password.endswith("\r") else password
    else:
        ask = prompt or getpass.getpass
        password = ask("Adgangskode: ")
        if ask("Gentag adgangskoden: ") != password:
            raise AmoError("De to adgangskoder er ikke ens. Prøv igen.", 2)
    check_password(password)
    return password


# --------------------------------------------------------------------------- single sign-on
#
# ``[auth]`` is Streamlit's own (``st.login``): redirect_uri, cookie_secret and a provider
# (client_id, client_secret, server_metadata_url) at its top or as ``[auth.<name>]``.
# ``[auth.roles]`` is ours: where a signed-in person's role comes from.

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
    role = _role(entry.get("role"))
    if role is None:
        raise AmoError(f'{where}: ukendt rolle "{entry.get("role")}". Vælg en af: {", ".join(ROLES)}.', 2)
    departments = _departments(entry.get("departments"))
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
            return Grant(role, _departments([d for g in chosen for d in g.departments]) or ())
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
        role, departments = _role(getattr(record, "role", None)), _departments(getattr(record, "departments", None))
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
    canonical = _role(role)
    if canonical is None:
        raise AmoError(f'"{role}" er ikke en rolle. Vælg en af: {", ".join(ROLES)}.', 2)
    names = _departments(list(departments or ())) or ()
    if canonical == AMO and not names:
        raise AmoError("Rollen AMO kræver mindst én afdeling.", 2)
    if canonical != AMO and names:
        raise AmoError(f"Afdelinger bruges kun til rollen AMO, ikke til {ROLE_LABELS[canonical]}.", 2)
    return address, canonical, names


# --------------------------------------------------------------------------- uploads


def departments_outside(user: User, results: Iterable[FileResult]) -> list[Problem]:
    """One error per (file, table, department) in ``results`` that ``user`` may not change.

    Canonical tables keep no Excel row numbers, so each message says how many rows of the
    sheet carry that department. Empty when the upload is allowed.
    """
    problems: list[Problem] = []
    own = _listing(user.departments)
    for result in results:
        tables = getattr(result, "tables", None) or {}
        for table in TABLES:
            frame = tables.get(table)
            if frame is None or len(frame) == 0 or "department" not in frame.columns:
                continue
            counts: dict[str, list[Any]] = {}  # key -> [first spelling, rows]
            for value in frame["department"].tolist():
                if not isinstance(value, str) or not clean(value):
                    continue
                entry = counts.setdefault(department_key(value), [clean(value), 0])
                entry[1] += 1
            sheet = SHEET_TITLES[table]
            for name, rows in counts.values():
                if user.may_change(name):
                    continue
                where = f"{rows} {'række' if rows == 1 else 'rækker'} i {sheet}"
                if user.role == AMO and own:
                    message = (f'Afdelingen "{name}" er ikke din ({where}). '
                               f"Du kan kun indlæse data for: {own}.")
                else:
                    message = (f'Du må ikke indlæse data for afdelingen "{name}" ({where}). '
                               f"Rollen {user.role_label} kan ikke indlæse data.")
                problems.append(Problem(result.file, sheet, None, "Afdeling", name, message))
    return problems
