"""E-mail reminders of the deadlines (cli-and-metrics.md, "Records, calendar and reminders").

Every current member with an ``E-mail`` gets one Danish plain-text message listing the
deadlines (:mod:`amo_data.deadlines`) that concern the member: the department's open actions
and its next annual discussion, and the member's own basic training and entitlement years
(never another person's training), that fall within the next ``days`` days or have passed. A
deadline is mailed to a recipient at most once while it is coming and once when it has passed:
what was sent is recorded in the store, so a daily run (cron) sends nothing twice.

SMTP settings come from the command line's options or from the environment (``AMO_SMTP_HOST``,
``AMO_SMTP_PORT``, ``AMO_SMTP_SECURITY``, ``AMO_SMTP_USER``); the password only from
``AMO_SMTP_PASSWORD``, never from the command line (where it would stay in the shell's history
and in the process list).
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import pandas as pd

from .deadlines import Deadline, deadlines
from .errors import AmoError
from .ical import page_link
from .text import danish_key

COMING, PASSED = "coming", "passed"
DEFAULT_DAYS = 14
SECURITIES = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class Recipient:
    department: str
    name: str
    email: str


@dataclass
class Message:
    recipient: Recipient
    coming: list[Deadline] = field(default_factory=list)
    passed: list[Deadline] = field(default_factory=list)

    @property
    def items(self) -> list[tuple[str, str, str]]:
        """(recipient, uid, phase) of every deadline in the message: what is recorded once sent."""
        address = self.recipient.email.casefold()
        return [(address, d.uid, PASSED) for d in self.passed] + [(address, d.uid, COMING) for d in self.coming]


def recipients(members: pd.DataFrame, today: dt.date) -> list[Recipient]:
    """The current members (joined on or before today, not left) with an e-mail address."""
    out = []
    for r in members.to_dict("records"):
        email, joined, left = r.get("email"), r.get("joined"), r.get("left")
        if not isinstance(email, str) or not email or not isinstance(joined, dt.date) or joined > today:
            continue
        if isinstance(left, dt.date) and left <= today:
            continue
        out.append(Recipient(r["department"], r["name"], email))
    return sorted(out, key=lambda p: (danish_key(p.department), danish_key(p.name)))


def messages(tables: dict[str, pd.DataFrame], today: dt.date, sent: set[tuple[str, str, str]],
             days: int = DEFAULT_DAYS, departments: Iterable[str] | None = None) -> list[Message]:
    """The messages to send today: per recipient, the deadlines concerning them that come within
    ``days`` days or have passed, leaving out what ``sent`` (recipient, uid, phase) says was sent."""
    found = deadlines(tables, today, departments)
    horizon = today + dt.timedelta(days=days)
    out = []
    for person in recipients(tables["medlemmer"], today):
        message = Message(person)
        address = person.email.casefold()
        for deadline in found:
            if not deadline.concerns(person.department, person.name):
                continue
            phase = PASSED if deadline.day < today else COMING if deadline.day <= horizon else None
            if phase is None or (address, deadline.uid, phase) in sent:
                continue
            (message.passed if phase == PASSED else message.coming).append(deadline)
        if message.passed or message.coming:
            out.append(message)
    return out


def _day(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def body(message: Message, days: int, base_url: str | None = None) -> str:
    """The message's Danish plain text."""
    who = message.recipient
    lines = [f"Hej {who.name}", "",
             f"Her er frister i arbejdsmiljøorganisationen (AMO) for {who.department}, som du har ansvar for "
             "eller er med i:", ""]
    for heading, items in (("Overskredet", message.passed), (f"Inden for de næste {days} dage", message.coming)):
        if not items:
            continue
        lines.append(f"{heading}:")
        for deadline in items:
            lines.append(f"- {_day(deadline.day)}: {deadline.summary}")
            lines.extend(f"    {label}: {value}" for label, value in deadline.details)
            if link := page_link(base_url, deadline):
                lines.append(f"    Se mere: {link}")
        lines.append("")
    lines += ["Venlig hilsen", "AMO-kompetencer", "",
              "Denne besked er sendt automatisk. Du får hver frist højst én gang, før den udløber, og én gang, "
              "hvis den er overskredet."]
    return "\n".join(lines) + "\n"


def email(message: Message, sender: str, days: int, base_url: str | None = None) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = formataddr((message.recipient.name, message.recipient.email))
    count = len(message.passed) + len(message.coming)
    mail["Subject"] = (f"AMO-kompetencer: {count} {'frist' if count == 1 else 'frister'} for "
                       f"{message.recipient.department}")
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content(body(message, days, base_url))
    return mail


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    security: str  # "starttls", "ssl" or "none"
    user: str | None = None
    password: str | None = None
    timeout: float = 30


def send(smtp: Smtp, mails: list[tuple[Message, EmailMessage]],
         accepted: Callable[[Message], None]) -> int:
    """Send the mails over one SMTP connection; ``accepted(message)`` is called for each mail
    the server accepted, as soon as it did (what is recorded). A failure raises a Danish
    :class:`AmoError` (exit code 2); the mails accepted before it stay accepted."""
    try:
        if smtp.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise AmoError(f"Mailserveren {smtp.host}:{smtp.port} kan ikke nås ({_reason(exc)}). Ingen påmindelser "
                       "er sendt.") from exc
    sent = 0
    try:
        with client:
            if smtp.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                client.login(smtp.user, smtp.password or "")
            for message, mail in mails:
                client.send_message(mail)
                accepted(message)
                sent += 1
    except smtplib.SMTPAuthenticationError as exc:
        raise AmoError(f"Mailserveren afviste brugernavnet eller adgangskoden (AMO_SMTP_USER/AMO_SMTP_PASSWORD). "
                       f"{_sent(sent)}") from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise AmoError(f"Mailserveren afviste en påmindelse ({_reason(exc)}). {_sent(sent)}") from exc
    return sent


def _sent(n: int) -> str:
    if n == 0:
        return "Ingen påmindelser er sendt."
    return f"{n} {'påmindelse' if n == 1 else 'påmindelser'} blev sendt og er registreret; resten sendes næste gang."


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}".strip()
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "modtageren blev afvist"
    if isinstance(exc, ConnectionRefusedError):
        return "forbindelsen blev afvist"
    if isinstance(exc, TimeoutError):
        return "ingen svar"
    return exc.strerror or type(exc).__name__ if isinstance(exc, OSError) else type(exc).__name__
