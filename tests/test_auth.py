"""Sign-in and roles (amo_data.auth): hashing, configuration, authentication, permissions.

argon2 is slow on purpose (about 0.1-0.5 s per hash here), so hashes are made once per module.
"""

from __future__ import annotations

import io
import tomllib

import pytest

from amo_data import auth
from amo_data.auth import (
    LOCAL_USER,
    ROLE_LABELS,
    ROLES,
    User,
    authenticate,
    departments_outside,
    hash_password,
    load_users,
    user_toml,
    users_configured,
    verify_password,
)
from amo_data.errors import AmoError
from amo_data.validate import check_bytes

PASSWORD = "korrekt hest batteri"


@pytest.fixture(scope="module")
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture(scope="module")
def config(password_hash) -> dict:
    return {"users": {
        "Mette": {"name": "Mette Hansen", "role": "amo", "departments": ["Lager", " produktion "],
                  "password_hash": password_hash},
        "lis": {"name": "Lis Berg", "role": "ledelse", "password_hash": password_hash},
        "root": {"role": "admin", "password_hash": password_hash},
    }}


# --------------------------------------------------------------------------- passwords


def test_hash_is_argon2id_salted_and_verifies(password_hash):
    assert password_hash.startswith("$argon2id$")
    assert PASSWORD not in password_hash
    assert verify_password(password_hash, PASSWORD)
    assert not verify_password(password_hash, PASSWORD.upper())
    assert not verify_password(password_hash, "")


@pytest.mark.parametrize("bad", ["", "not a hash", "$argon2id$v=19$m=1,t=1,p=1$AAAA$BBBB", "$2b$12$abc", None, 42])
def test_verify_never_raises_on_a_malformed_hash(bad):
    assert verify_password(bad, PASSWORD) is False


def test_too_short_password_is_refused_in_danish():
    with pytest.raises(AmoError, match="mindst 8 tegn"):
        hash_password("kort")
    with pytest.raises(AmoError, match="Adgangskoden mangler"):
        hash_password("")


# --------------------------------------------------------------------------- configuration


def test_load_users_reads_the_users_tables(config, password_hash):
    users = load_users(config)
    assert set(users) == {"mette", "lis", "root"}
    mette = users["mette"]
    assert (mette.username, mette.name, mette.role) == ("Mette", "Mette Hansen", "amo")
    assert mette.departments == ("Lager", "produktion")
    assert mette.password_hash == password_hash
    assert users["root"].name == "root"  # no name: the user name is shown
    assert users["lis"].departments == ()


@pytest.mark.parametrize("config", [None, {}, {"users": {}}, {"other": 1}])
def test_no_users_means_local_single_user_mode(config):
    assert load_users(config) == {}
    assert not users_configured(config)


def test_local_user_is_an_administrator():
    assert LOCAL_USER.is_local and LOCAL_USER.role == "admin" and LOCAL_USER.name == "Lokal bruger"
    assert LOCAL_USER.can_import() and LOCAL_USER.can_delete_data() and LOCAL_USER.can_see_audit()


@pytest.mark.parametrize(("entry", "expected"), [
    ({"role": "chef"}, 'Brugeren "per" har den ukendte rolle "chef". Vælg en af: ledelse, konsulent, amo, admin.'),
    ({}, 'Brugeren "per" har ingen rolle.'),
    ({"role": "amo"}, 'Brugeren "per" har rollen amo, men ingen afdelinger.'),
    ({"role": "amo", "departments": []}, 'Brugeren "per" har rollen amo, men ingen afdelinger.'),
    ({"role": "amo", "departments": [1, 2]}, 'Brugeren "per": departments skal være en liste af afdelingsnavne'),
    ({"role": "admin"}, 'Brugeren "per" mangler password_hash.'),
    ({"role": "admin", "password_hash": "  "}, 'Brugeren "per" mangler password_hash.'),
    ({"role": "admin", "password_hash": "hemmelig"},
     'Brugeren "per" har en password_hash, der ikke er en gyldig argon2-hash.'),
])
def test_invalid_users_are_refused_in_danish(entry, expected):
    with pytest.raises(AmoError) as caught:
        load_users({"users": {"per": entry}})
    assert caught.value.message.startswith(expected)
    assert caught.value.exit_code == 2


def test_user_entry_must_be_a_table_and_names_unique(password_hash):
    with pytest.raises(AmoError, match=r'Brugeren "per" i \[users\] skal være en tabel'):
        load_users({"users": {"per": "admin"}})
    with pytest.raises(AmoError, match='Brugernavnet "Per" findes to gange'):
        load_users({"users": {"per": {"role": "admin", "password_hash": password_hash},
                              "Per": {"role": "admin", "password_hash": password_hash}}})
    with pytest.raises(AmoError, match='Brugernavnet "per hansen" i \\[users\\] er ugyldigt'):
        load_users({"users": {"per hansen": {"role": "admin", "password_hash": password_hash}}})


def test_role_may_be_written_as_its_label(password_hash):
    users = load_users({"users": {"a": {"role": "Administrator", "password_hash": password_hash},
                                  "b": {"role": " AMO ", "departments": "Lager", "password_hash": password_hash}}})
    assert users["a"].role == "admin"
    assert (users["b"].role, users["b"].departments) == ("amo", ("Lager",))


# --------------------------------------------------------------------------- authentication


def test_authenticate(config):
    users = load_users(config)
    user = authenticate(users, " METTE ", PASSWORD)
    assert user == User("Mette", "Mette Hansen", "amo", ("Lager", "produktion"))
    assert not user.is_local
    assert authenticate(users, "mette", "forkert kode") is None
    assert authenticate(users, "ukendt", PASSWORD) is None
    assert authenticate(users, "", PASSWORD) is None
    assert authenticate(users, None, None) is None
    assert authenticate({}, "mette", PASSWORD) is None


def test_unknown_user_still_costs_one_verification(config, monkeypatch):
    users = load_users(config)
    calls = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda h, p: calls.append(h) or real(h, p))
    authenticate(users, "ukendt", PASSWORD)
    authenticate(users, "mette", "forkert kode")
    assert len(calls) == 2
    assert calls[0].startswith("$argon2id$")


def test_authenticate_logs_nothing(config, caplog, capsys):
    users = load_users(config)
    with caplog.at_level("DEBUG"):
        authenticate(users, "mette", "hemmelig-forkert")
    assert "hemmelig-forkert" not in caplog.text
    out = capsys.readouterr()
    assert "hemmelig-forkert" not in out.out + out.err


# --------------------------------------------------------------------------- permissions

AMO = User("mette", "Mette", "amo", ("Lager", "Produktion"))
USERS = {
    "ledelse": User("lis", "Lis", "ledelse"),
    "konsulent": User("kim", "Kim", "konsulent"),
    "amo": AMO,
    "admin": User("root", "Root", "admin"),
}


@pytest.mark.parametrize(("role", "can_import", "audit", "delete"), [
    ("ledelse", False, True, False),
    ("konsulent", False, False, False),
    ("amo", True, False, False),
    ("admin", True, True, True),
])
def test_role_permissions(role, can_import, audit, delete):
    user = USERS[role]
    assert user.can_import() is can_import
    assert user.can_see_audit() is audit
    assert user.can_delete_data() is delete


@pytest.mark.parametrize(("role", "department", "allowed"), [
    ("admin", "Salg", True),
    ("amo", "Lager", True),
    ("amo", "  lager ", True),
    ("amo", "PRODUKTION", True),
    ("amo", "Salg", False),
    ("amo", "", False),
    ("amo", None, False),
    ("ledelse", "Lager", False),
    ("konsulent", "Lager", False),
])
def test_may_change(role, department, allowed):
    assert USERS[role].may_change(department) is allowed
    assert USERS[role].can_edit_status(department) is allowed


@pytest.mark.parametrize(("role", "departments", "allowed"), [
    ("admin", ["Salg", "Lager"], True),
    ("amo", ["Lager"], True),
    ("amo", ["lager", "Produktion"], True),
    ("amo", ["Lager", "Salg"], False),
    ("ledelse", ["Lager"], False),
    ("konsulent", [], False),
])
def test_can_undo(role, departments, allowed):
    assert USERS[role].can_undo(departments) is allowed


def test_roles_and_labels():
    assert ROLES == ("ledelse", "konsulent", "amo", "admin")
    assert [ROLE_LABELS[r] for r in ROLES] == ["Ledelse", "Konsulent", "AMO", "Administrator"]
    assert AMO.label == "Mette (AMO: Lager, Produktion)"
    assert USERS["admin"].label == "Root (Administrator)"


# --------------------------------------------------------------------------- uploads

PLAN = "Afdeling;År;Hvad;Område;Hjælp;Hvornår\n"


def test_amo_upload_of_own_departments_is_allowed():
    result = check_bytes("plan.csv", (PLAN + "lager;2026;Kursus;Ergonomi;Egen;Q3 2026\n"
                                      "Produktion;2026;Kursus;Kemi;Udefra;Q4 2026\n").encode())
    assert result.ok
    assert departments_outside(AMO, [result]) == []
    assert departments_outside(USERS["admin"], [result]) == []


def test_amo_upload_touching_other_departments_names_them_and_counts_rows():
    plan = check_bytes("plan.csv", (PLAN + "Salg;2026;Kursus;Ergonomi;Egen;Q3 2026\n"
                                    "salg;2026;Kursus 2;Ergonomi;Egen;Q3 2026\n"
                                    "Lager;2026;Kursus;Kemi;Udefra;Q4 2026\n"
                                    "Kontor;2026;Kursus;Kemi;Udefra;Q4 2026\n").encode())
    ark = check_bytes("ark.csv", b"Afdeling;\xc3\x85r;Omr\xc3\xa5de;Kategori;Beskrivelse\n"
                                 b"Salg;2026;Ergonomi;Lykkes;Godt\n")
    assert plan.ok and ark.ok
    problems = departments_outside(AMO, [plan, ark])
    assert [(p.file, p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("plan.csv", "Handleplan", None, "Afdeling", "Salg"),
        ("plan.csv", "Handleplan", None, "Afdeling", "Kontor"),
        ("ark.csv", "Arbejdsark", None, "Afdeling", "Salg"),
    ]
    assert problems[0].message == ('Afdelingen "Salg" er ikke din (2 rækker i Handleplan). '
                                   "Du kan kun indlæse data for: Lager, Produktion.")
    assert problems[1].message.startswith('Afdelingen "Kontor" er ikke din (1 række i Handleplan).')
    assert problems[0].to_json()["column"] == "Afdeling"


def test_reading_roles_may_not_upload_at_all():
    plan = check_bytes("plan.csv", (PLAN + "Lager;2026;Kursus;Ergonomi;Egen;Q3 2026\n").encode())
    problems = departments_outside(USERS["ledelse"], [plan])
    assert len(problems) == 1
    assert "Rollen Ledelse kan ikke indlæse data" in problems[0].message


# --------------------------------------------------------------------------- new users


def test_user_toml_round_trips_through_load_users():
    block = user_toml("mette", "Mette Hansen", "AMO", ["Lager", "Lager", "Produktion"], PASSWORD)
    parsed = tomllib.loads(block)
    assert parsed["users"]["mette"]["departments"] == ["Lager", "Produktion"]
    assert PASSWORD not in block
    users = load_users(parsed)
    assert authenticate(users, "mette", PASSWORD) == User("mette", "Mette Hansen", "amo", ("Lager", "Produktion"))


def test_user_toml_quotes_what_toml_needs():
    block = user_toml("m.hansen@firma.dk", 'Mette "MH" Ærø', "admin", [], PASSWORD)
    parsed = tomllib.loads(block)
    (entry,) = parsed["users"].values()
    assert list(parsed["users"]) == ["m.hansen@firma.dk"]
    assert entry["name"] == 'Mette "MH" Ærø' and entry["role"] == "admin" and "departments" not in entry


@pytest.mark.parametrize(("args", "message"), [
    (("per", None, "chef", [], PASSWORD), '"chef" er ikke en rolle'),
    (("per", None, "amo", [], PASSWORD), "Rollen amo kræver mindst én afdeling"),
    (("per", None, "ledelse", ["Lager"], PASSWORD), "Afdelinger bruges kun til rollen amo"),
    (("per hansen", None, "admin", [], PASSWORD), 'Brugernavnet "per hansen" er ugyldigt'),
    (("per", None, "admin", [], "kort"), "mindst 8 tegn"),
])
def test_user_toml_validates_in_danish(args, message):
    with pytest.raises(AmoError, match=message):
        user_toml(*args)


# --------------------------------------------------------------------------- the example file

EXAMPLE = auth.__file__.rsplit("/", 2)[0] + "/.streamlit/secrets.example.toml"


def test_example_secrets_are_refused_until_the_hashes_are_replaced(password_hash):
    with open(EXAMPLE, "rb") as handle:
        config = tomllib.load(handle)
    with pytest.raises(AmoError, match="ikke er en gyldig argon2-hash"):
        load_users(config)
    for entry in config["users"].values():
        entry["password_hash"] = password_hash
    users = load_users(config)
    assert {u.role for u in users.values()} == {"amo", "admin"}
    assert users["mette"].departments == ("Lager", "Produktion")


def test_user_record_repr_hides_the_hash(config, password_hash):
    record = load_users(config)["mette"]
    assert password_hash not in repr(record)
    assert "Mette Hansen" in repr(record)


# --------------------------------------------------------------------------- user add: the password


def test_read_new_password_from_stdin_keeps_everything_but_the_line_break():
    assert auth.read_new_password(True, io.StringIO(" med mellemrum \r\n")) == " med mellemrum "
    assert auth.read_new_password(True, io.StringIO("uden-linjeskift")) == "uden-linjeskift"
    with pytest.raises(AmoError, match="Adgangskoden mangler"):
        auth.read_new_password(True, io.StringIO(""))


def test_read_new_password_asks_twice():
    answers = iter(["hemmelig123", "hemmelig123"])
    prompts = []
    assert auth.read_new_password(prompt=lambda p: prompts.append(p) or next(answers)) == "hemmelig123"
    assert prompts == ["Adgangskode: ", "Gentag adgangskoden: "]
    answers = iter(["hemmelig123", "hemmelig124"])
    with pytest.raises(AmoError, match="ikke ens"):
        auth.read_new_password(prompt=lambda p: next(answers))


# --------------------------------------------------------------------------- guessing


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_wrong_passwords_for_one_user_make_the_next_tries_wait_growing_to_a_minute(config, monkeypatch):
    users, clock = load_users(config), Clock()
    throttle = auth.SignInThrottle(clock)
    checks = []
    real_verify = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda h, p: checks.append(p) or real_verify(h, p))
    for n in range(1, 5):
        attempt = auth.sign_in(users, throttle, "mette", f"gæt {n}", "10.0.0.7")
        assert attempt.user is None and attempt.message == "Forkert brugernavn eller adgangskode."
        assert [e[0] for e in attempt.events] == ["sign_in_failed"]
        assert attempt.events[0][1:] == ("Mette", {"address": "10.0.0.7", "failures": n})
        clock.now += 1
    waits = []
    for _ in range(7):
        attempt = auth.sign_in(users, throttle, "METTE", "gæt", "10.0.0.7")
        wait = attempt.events[-1][2]["wait_seconds"]
        waits.append(wait)
        assert attempt.message == ("Forkert brugernavn eller adgangskode. For mange forkerte forsøg: vent "
                                   f"{'1 minut' if wait == 60 else f'{wait} sekunder'}, før du prøver igen.")
        assert [e[0] for e in attempt.events] == ["sign_in_failed", "sign_in_paused"]
        clock.now += wait - 1
        checked = len(checks)
        early = auth.sign_in(users, throttle, "mette", PASSWORD, "10.0.0.8")  # the right one, too early
        assert early.user is None and early.message == "For mange forkerte forsøg. Vent 1 sekund, og prøv så igen."
        assert early.events == () and len(checks) == checked, "no password is checked during the wait"
        clock.now += 1
    assert waits == [5, 10, 20, 40, 60, 60, 60]
    assert auth.sign_in(users, throttle, "mette", PASSWORD, "10.0.0.8").user.username == "Mette"
    # Signed in: the user name's failures are gone; the address's are not.
    assert auth.sign_in(users, throttle, "mette", "gæt", "10.0.0.9").events[0][2]["failures"] == 1
    again = auth.sign_in(users, throttle, "lis", "gæt", "10.0.0.7")
    assert again.events[0][2]["failures"] == 12 and again.events[-1][0] == "sign_in_paused"


def test_guesses_from_one_address_wait_whatever_the_user_names_and_failures_expire(config):
    users, clock = load_users(config), Clock()
    throttle = auth.SignInThrottle(clock)
    for name in ("a", "b", "c", "d"):
        attempt = auth.sign_in(users, throttle, name, "gæt", "10.0.0.7")
        assert attempt.events == (("sign_in_failed", "", {"address": "10.0.0.7", "failures": attempt.events[0][2][
            "failures"], "unknown_user": True}),)
    attempt = auth.sign_in(users, throttle, "e", "gæt", "10.0.0.7")
    assert attempt.events[-1][2] == {"address": "10.0.0.7", "failures": 5, "unknown_user": True, "wait_seconds": 5}
    assert auth.sign_in(users, throttle, "lis", PASSWORD, "10.0.0.7").user is None  # the address waits
    assert auth.sign_in(users, throttle, "lis", PASSWORD, "10.0.0.8").user is not None  # another address
    clock.now += auth.FAILURE_WINDOW  # fifteen minutes later every failure is forgotten
    assert auth.sign_in(users, throttle, "lis", PASSWORD, "10.0.0.7").user is not None
    assert auth.sign_in(users, throttle, "f", "gæt", "10.0.0.7").events[0][2]["failures"] == 1


def test_random_user_names_cannot_fill_the_memory(config, monkeypatch):
    monkeypatch.setattr(auth, "MAX_TRACKED", 50)
    monkeypatch.setattr(auth, "authenticate", lambda users, name, password: None)  # no argon2 per name
    throttle = auth.SignInThrottle(Clock())
    for i in range(200):
        throttle.clock.now += 1
        auth.sign_in({}, throttle, f"navn{i}", "gæt")
    assert throttle.tracked == 50
