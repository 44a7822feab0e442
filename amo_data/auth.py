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
of a signed-in person comes from ``[auth.roles]`` (:func:`amo_data.sso.load_role_source`): from a claim of
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

Departments are compared by :func:`amo_data.text.department_key`: trimmed, inner whitespace
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
from .schema import MEDLEMMER, SHEET_TITLES, TABLES
from .text import clean, department_key, fold, sorted_names

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

    def may_see_email(self, department: object) -> bool:
        """Members' e-mail addresses: administrators and the AMO users of the member's own
        department (docs/security.md, Personoplysninger)."""
        return self.may_change(department)

    def hide_emails(self, tables: Mapping[str, Any]) -> dict[str, Any]:
        """``tables`` (table name -> frame) with the Medlemmer e-mail addresses this user may not
        see left empty: what an export for this user may hold."""
        out = dict(tables)
        members = out.get(MEDLEMMER)
        if members is not None and "email" in members.columns and len(members):
            hidden = ~members["department"].map(self.may_see_email).astype(bool)
            if hidden.any():
                members = members.copy()
                members.loc[hidden, "email"] = None
                out[MEDLEMMER] = members
        return out

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


def parse_role(value: object) -> str | None:
    key = fold(value)
    for role in ROLES:
        if key in (role, fold(ROLE_LABELS[role])):
            return role
    return None


def parse_departments(value: object) -> tuple[str, ...] | None:
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
        role = parse_role(entry.get("role"))
        if role is None:
            given = entry.get("role")
            what = f'den ukendte rolle "{given}"' if given not in (None, "") else "ingen rolle"
            raise AmoError(
                f'Brugeren "{shown}" har {what}. Vælg en af: {", ".join(ROLES)}.', 2)
        departments = parse_departments(entry.get("departments"))
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
    canonical = parse_role(role)
    if canonical is None:
        raise AmoError(f'"{role}" er ikke en rolle. Vælg en af: {", ".join(ROLES)}.', 2)
    names = parse_departments(list(departments or ()))
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
