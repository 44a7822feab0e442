"""API tokens and roles granted by e-mail address, both backends: what a person gets, what the
database keeps (never a token's secret), and the audit line of every change."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa

from amo_data.errors import AmoError
from tests.test_store import store as store  # noqa: F401  (fixture)
from tests.test_store import url as url  # noqa: F401  (fixture)


def everything_stored(store) -> str:
    """Every value of every table, as text: what someone with a copy of the database sees."""
    with store.engine.connect() as conn:
        return repr([conn.execute(sa.text(f'SELECT * FROM "{name}"')).all()
                     for name in sa.inspect(conn).get_table_names()])


# --------------------------------------------------------------------------- tokens


def test_a_token_is_shown_once_found_by_its_secret_and_revoked_for_good(store):
    version = store.data_version()
    secret = store.add_token("Intranet", ["Lager", " lager ", "Kontor"], user="admin")
    assert len(secret) >= 40 and store.data_version() > version
    other = store.add_token("BI", [], user="admin")
    assert other != secret
    stored = everything_stored(store)
    assert secret not in stored and other not in stored
    assert hashlib.sha256(secret.encode()).hexdigest() in stored

    found = store.token_for(secret)
    assert found["name"] == "Intranet" and found["departments"] == ["Lager", "Kontor"]
    assert found["created_by"] == "admin" and found["revoked_at"] is None
    assert abs((dt.datetime.now(dt.UTC) - found["created_at"]).total_seconds()) < 120
    for wrong in ("", None, secret[:-1], secret + "x", secret.upper()):
        assert store.token_for(wrong) is None
    assert [(t["name"], t["revoked_at"]) for t in store.tokens()] == [("BI", None), ("Intranet", None)]

    with pytest.raises(AmoError, match='allerede en nøgle med navnet "Intranet"'):
        store.add_token(" Intranet ", ["Lager"], user="admin")
    store.revoke_token("Intranet", user="chef")
    assert store.token_for(secret) is None and store.token_for(other)["name"] == "BI"
    revoked = store.tokens()[1]  # still listed
    assert revoked["revoked_by"] == "chef" and revoked["revoked_at"] >= revoked["created_at"]
    with pytest.raises(AmoError, match="allerede tilbagekaldt"):
        store.revoke_token("Intranet", user="chef")
    with pytest.raises(AmoError, match='ingen nøgle med navnet "Ukendt"'):
        store.revoke_token("Ukendt", user="chef")

    lines = store.audit_log()
    assert [(e["action"], e["user"]) for e in lines[:3]] == [("token_revoke", "chef"), ("token_add", "admin"),
                                                              ("token_add", "admin")]
    assert lines[2]["details"] == {"token": "Intranet", "departments": ["Lager", "Kontor"]}
    assert secret not in repr(lines)


# --------------------------------------------------------------------------- roles


def test_a_role_granted_to_an_email_address(store):
    assert store.role_of("mette@firma.dk") is None and store.roles() == []
    store.assign_role("Mette@Firma.dk", "amo", ["Lager", "Produktion"], user="admin")
    role = store.role_of(" mette@firma.DK ")
    assert (role.email, role.role, role.departments) == ("Mette@Firma.dk", "amo", ("Lager", "Produktion"))
    assert role.assigned_by == "admin" and abs((dt.datetime.now(dt.UTC) - role.assigned_at).total_seconds()) < 120
    store.assign_role("mette@firma.dk", "Ledelse", ["Lager"], user="chef")  # replaces; departments only for amo
    assert (store.role_of("METTE@firma.dk").role, store.role_of("METTE@firma.dk").departments) == ("ledelse", ())
    store.assign_role("ole@firma.dk", "Administrator", None, user="chef")
    assert [(r.email, r.role) for r in store.roles()] == [("mette@firma.dk", "ledelse"), ("ole@firma.dk", "admin")]

    for email, role, departments, words in [("ikke en adresse", "amo", ["Lager"], "e-mailadresse"),
                                            ("ida@firma.dk", "direktør", [], "ikke en rolle"),
                                            ("ida@firma.dk", "amo", [], "mindst én afdeling")]:
        with pytest.raises(AmoError, match=words):
            store.assign_role(email, role, departments, user="admin")
    assert store.role_of("ida@firma.dk") is None

    store.revoke_role("OLE@firma.dk", user="chef")
    assert store.role_of("ole@firma.dk") is None
    with pytest.raises(AmoError, match="har ingen rolle"):
        store.revoke_role("ole@firma.dk", user="chef")
    lines = store.audit_log()
    assert [e["action"] for e in lines[:4]] == ["role_revoke", "role_assign", "role_assign", "role_assign"]
    assert lines[0]["details"] == {"email": "ole@firma.dk", "role": "admin"}
    assert lines[3]["details"] == {"email": "Mette@Firma.dk", "role": "amo", "departments": ["Lager", "Produktion"]}


def test_an_audit_line_of_its_own(store):
    version = store.data_version()
    store.record("sign_in_failed", "mette", {"address": "10.0.0.7"})
    assert store.audit_log()[0] == {**store.audit_log()[0], "action": "sign_in_failed", "user": "mette",
                                    "details": {"address": "10.0.0.7"}}
    assert store.data_version() == version + 1


# --------------------------------------------------------------------------- calendar links


def test_a_persons_calendar_links_stop_working_when_the_stored_role_changes_or_goes(store):
    # docs/security.md: a personal calendar link (Handleplan's "Lav mit kalenderlink") covers what
    # its maker may see; an administrator who changes or removes the maker's role stops it.
    store.assign_role("Mette@Firma.dk", "amo", ["Lager"], user="admin")
    store.assign_role("ole@firma.dk", "ledelse", None, user="admin")
    first = store.new_calendar_link(["Lager"], user="Mette@Firma.dk")
    second = store.new_calendar_link(["Lager"], user="Mette@Firma.dk")  # a new link: the first one stops
    oles = store.new_calendar_link([], user="ole@firma.dk")
    intranet = store.add_token("Intranet", [], user="mette@firma.dk")  # made by hand: not a calendar link
    assert store.token_for(first) is None and store.token_for(second)["name"] == "Kalender Mette@Firma.dk (2)"

    store.assign_role("mette@firma.dk", "amo", [" lager "], user="admin")  # the same role again: nothing changes
    assert store.token_for(second) is not None
    store.assign_role("METTE@firma.dk", "amo", ["Produktion"], user="admin")  # another department
    assert store.token_for(second) is None
    assert store.token_for(oles) is not None and store.token_for(intranet) is not None
    revoked = [e for e in store.audit_log() if e["action"] == "token_revoke"]
    assert revoked[0]["details"] == {"token": "Kalender Mette@Firma.dk (2)"} and revoked[0]["user"] == "admin"

    third = store.new_calendar_link(["Produktion"], user="Mette@Firma.dk")
    assert store.token_for(third)["name"] == "Kalender Mette@Firma.dk (3)"
    store.revoke_role("mette@firma.dk", user="chef")  # the role removed
    assert store.token_for(third) is None
    store.assign_role("ole@firma.dk", "admin", None, user="chef")  # another role
    assert store.token_for(oles) is None
    assert store.token_for(intranet) is not None

    # A link made before any role was stored here (an administrator of the configuration, say)
    # stops when the first stored role is given; a token made by hand with the next link's name
    # is skipped, not an error.
    early = store.new_calendar_link([], user="ida@firma.dk")
    store.add_token("Kalender ida@firma.dk (2)", [], user="kommandolinje")
    store.assign_role("ida@firma.dk", "amo", ["Lager"], user="admin")
    assert store.token_for(early) is None
    assert store.token_for(store.new_calendar_link(["Lager"], user="ida@firma.dk"))["name"] == "Kalender ida@firma.dk (3)"
    assert store.token_for(store.new_calendar_link(["Lager"], user="ida@firma.dk"))["name"] == "Kalender ida@firma.dk (4)"
