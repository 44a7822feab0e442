"""E-mail reminders, sent to a real SMTP server started by the test (aiosmtpd).

Quoted from cli-and-metrics.md: "`remind` sends, to every current member with an `E-mail`, one
Danish plain-text message listing the calendar's deadlines that concern the member: the
department's open actions and its next annual discussion, and the member's own basic training
and entitlement years (never another person's training), that fall within the next `--days` days
(default 14) or have passed. A deadline is mailed to a recipient at most once while it is coming
and once when it has passed ... `--dry-run` prints what would be sent and records nothing. SMTP
errors exit 2 with one Danish line and record nothing for the messages that were not accepted."
"""

from __future__ import annotations

import email
import email.policy
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.browser import free_port

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [str(p) for p in sorted((ROOT / "sample_data").iterdir())]
TODAY = "2026-11-26"


class Inbox:
    """An SMTP handler keeping every accepted message; refuses recipients in ``refuse``."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.casefold() in self.refuse:
            return "550 Postkassen findes ikke"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Modtaget"

    def by_recipient(self) -> dict[str, str]:
        return {m["To"].addresses[0].addr_spec: m.get_content() for m in self.messages}


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"amo" and auth_data.password == b"hemmelig"
    # handled=False: aiosmtpd then answers 535 itself (handled=True would leave the client waiting).
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def inbox():
    handler = Inbox()
    # A port of its own: the controller checks that its server answers by connecting to it, which
    # port 0 cannot.
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port, authenticator=_authenticator,
                            auth_require_tls=False)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def store(tmp_path) -> str:
    db = f"sqlite:///{tmp_path / 'amo.sqlite'}"
    proc = subprocess.run([sys.executable, "-m", "amo_data", "import", *SAMPLES, "--db", db], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return db


def remind(db: str, port: int, *more: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("AMO_SMTP_PASSWORD", None)
    if password is not None:
        env["AMO_SMTP_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "amo_data", "remind", "--smtp-host", "127.0.0.1", "--smtp-port",
                           str(port), "--smtp-security", "none", "--from", "amo@nordiskemballage.dk", "--db", db,
                           "--today", TODAY, *more], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def members(db: str):
    from amo_data.store import Store

    with Store(db) as s:
        return s.current_tables(("medlemmer",))["medlemmer"]


def test_each_member_gets_one_danish_mail_with_only_what_concerns_them(store, inbox):
    proc = remind(store, inbox.port)
    assert proc.returncode == 0, proc.stderr
    mails = inbox.by_recipient()
    people = members(store)
    current = people.loc[people["email"].notna() & people["left"].isna()]
    assert set(mails) <= set(current["email"]) and mails
    assert len(inbox.messages) == len(mails)  # one message per member
    for address, body in mails.items():
        me = current.loc[current["email"] == address].iloc[0]
        assert body.startswith(f"Hej {me['name']}")
        others = people.loc[(people["name"] != me["name"])]
        for other in others["name"]:  # never another person's training
            assert f"Grunduddannelse: {other} " not in body
            assert f"Supplerende arbejdsmiljøuddannelse: {other} " not in body
        for line in body.splitlines():
            if line.startswith("- ") and "(" in line:
                assert line.rstrip().endswith(f"({me['department']})"), line
    # The new AMR in Kantine has a basic course due by 01-01-2027 (within 14 days? no): the
    # Værksted arbejdsleder's is overdue since 01-09-2026: passed, so it is mailed.
    overdue = current.loc[(current["department"] == "Værksted") & (current["role"] == "Arbejdsleder")
                          & current["basic_training"].isna()]
    for _, person in overdue.iterrows():
        if isinstance(person["email"], str):
            assert f"Grunduddannelse: {person['name']} (Værksted)" in mails[person["email"]]
    assert all(m["Subject"].startswith("AMO-kompetencer: ") for m in inbox.messages)


def test_a_second_run_sends_nothing_and_dry_run_records_nothing(store, inbox):
    dry = remind(store, inbox.port, "--dry-run")
    assert dry.returncode == 0 and "prøvekørsel" in dry.stdout and not inbox.messages
    assert remind(store, inbox.port).returncode == 0
    sent = len(inbox.messages)
    assert sent > 0
    again = remind(store, inbox.port)
    assert again.returncode == 0 and "Ingen nye frister" in again.stdout
    assert len(inbox.messages) == sent


def test_an_unreachable_server_exits_2_in_danish_and_records_nothing(store, inbox):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    proc = remind(store, closed)
    assert proc.returncode == 2
    assert proc.stderr.startswith("Fejl: Mailserveren 127.0.0.1:") and "kan ikke nås" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert remind(store, inbox.port).returncode == 0 and inbox.messages  # nothing was recorded


def test_a_refused_recipient_is_not_recorded_and_is_sent_next_time(store, inbox):
    first = members(store)
    victim = first.loc[first["email"].notna() & first["left"].isna(), "email"].iloc[0]
    inbox.refuse = {victim.casefold()}
    proc = remind(store, inbox.port)
    assert proc.returncode == 2 and "afviste" in proc.stderr
    inbox.refuse = set()
    assert remind(store, inbox.port).returncode == 0
    assert victim in inbox.by_recipient()


def test_login_comes_from_the_environment_and_a_wrong_password_exits_2(store, inbox):
    wrong = remind(store, inbox.port, "--smtp-user", "amo", password="forkert")
    assert wrong.returncode == 2 and "adgangskoden" in wrong.stderr and not inbox.messages
    right = remind(store, inbox.port, "--smtp-user", "amo", password="hemmelig")
    assert right.returncode == 0 and inbox.messages


def test_erasing_a_person_forgets_what_was_mailed_to_them(store, inbox):
    from amo_data import auth
    from amo_data.store import Store

    assert remind(store, inbox.port).returncode == 0
    address, body = next(iter(inbox.by_recipient().items()))
    name = body.split("\n", 1)[0].removeprefix("Hej ").rstrip(",!. ")
    with Store(store) as s:
        assert s.reminders_sent([address])
        s.delete_person(name, auth.LOCAL_USER)
        assert not s.reminders_sent([address]), "the erased person's address is still in the reminders"
        assert address not in set(s.current_tables(("medlemmer",))["medlemmer"]["email"].dropna())
