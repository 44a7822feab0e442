"""The command line's commands for records, deadlines and access: ``report``, ``calendar``,
``remind`` and ``token`` (contract: cli-and-metrics.md, "Records, calendar and reminders").
:mod:`amo_data.cli` parses the arguments and reports errors; these do the work."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from .errors import AmoError

OK, INPUT_ERRORS, UNREADABLE = 0, 1, 2
BASE_URL_ENV = "AMO_BASE_URL"


def _today(args) -> dt.date:
    return args.today or dt.date.today()


def _write(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise AmoError(f'Filen "{path}" kan ikke skrives: {exc.strerror or exc}.') from exc


def record_of(store, department: str, year: int, today: dt.date):
    """The written record of ``department``'s discussion in ``year`` from the store; a Danish
    error (exit code 1) when the department has no Arbejdsark rows for the year."""
    from . import entitlement
    from .metrics import filter_tables
    from .record import Record
    from .schema import ARBEJDSARK, HANDLEPLAN, MEDLEMMER, UDDANNELSE
    from .text import department_key

    tables = store.current_tables((ARBEJDSARK, HANDLEPLAN, UDDANNELSE, MEDLEMMER))
    mine = filter_tables(tables, departments=[department])
    ark = mine[ARBEJDSARK].loc[mine[ARBEJDSARK]["year"] == year]
    if ark.empty:
        raise AmoError(f"{department} har ingen drøftelse (Arbejdsark) for {year}, så der er intet referat at skrive.",
                       INPUT_ERRORS)
    name = ark["department"].iloc[0]
    plan = mine[HANDLEPLAN].loc[mine[HANDLEPLAN]["year"] == year]
    meetings = store.meetings(name, year)
    if meetings:
        participants, recorded = list(meetings[0]["participants"]), True
    else:
        members = entitlement.members_of(mine[MEDLEMMER])
        participants = [f"{m.name} ({m.role})" for m in members if m.current(today)]
        recorded = False
    years = [y for y in entitlement.figures(mine[MEDLEMMER], mine[UDDANNELSE], today, year)["entitlement"]
             if department_key(y["department"]) == department_key(name)]
    dates = sorted({d for d in ark["date"] if isinstance(d, dt.date)})
    return Record(name, year, dates, participants, recorded, ark, plan, years, today)


def cmd_report(args) -> int:
    from .record import write_pdf
    from .store import Store

    with Store(args.db) as store:
        record = record_of(store, args.department, args.year, _today(args))
    _write(args.out, write_pdf(record))
    print(f"Referatet af {record.department}s drøftelse i {record.year} er skrevet til {args.out}")
    return OK


def calendar_of(store, today: dt.date, departments: list[str] | None = None, base_url: str | None = None) -> bytes:
    """The deadlines of the store as an ``.ics`` file (all departments, or ``departments``)."""
    from .deadlines import deadlines
    from .ical import calendar_bytes
    from .schema import ARBEJDSARK, HANDLEPLAN, MEDLEMMER, UDDANNELSE

    tables = store.current_tables((ARBEJDSARK, HANDLEPLAN, UDDANNELSE, MEDLEMMER))
    return calendar_bytes(deadlines(tables, today, departments), base_url=base_url)


def cmd_calendar(args) -> int:
    from .store import Store

    base_url = args.base_url or os.environ.get(BASE_URL_ENV) or None
    with Store(args.db) as store:
        data = calendar_of(store, _today(args), [args.department] if args.department else None, base_url)
    _write(args.out, data)
    print(f"{data.count(b'BEGIN:VEVENT')} frister er skrevet til {args.out}")
    return OK


def _smtp(args):
    from .remind import SECURITIES, Smtp

    host = args.smtp_host or os.environ.get("AMO_SMTP_HOST")
    if not host:
        raise AmoError("Angiv mailserveren med --smtp-host eller AMO_SMTP_HOST.")
    port_text = args.smtp_port or os.environ.get("AMO_SMTP_PORT") or "25"
    try:
        port = int(port_text)
    except ValueError as exc:
        raise AmoError(f'"{port_text}" er ikke et portnummer.') from exc
    security = (args.smtp_security or os.environ.get("AMO_SMTP_SECURITY")
                or {465: "ssl", 587: "starttls"}.get(port, "none"))
    if security not in SECURITIES:
        raise AmoError(f'"{security}" er ikke en forbindelsestype (vælg starttls, ssl eller none).')
    user = args.smtp_user or os.environ.get("AMO_SMTP_USER") or None
    return Smtp(host, port, security, user, os.environ.get("AMO_SMTP_PASSWORD"))


def cmd_remind(args) -> int:
    from . import remind
    from .schema import ARBEJDSARK, HANDLEPLAN, MEDLEMMER, UDDANNELSE
    from .store import Store

    smtp = None if args.dry_run else _smtp(args)  # a wrong setting is said before anything is read
    today = _today(args)
    base_url = args.base_url or os.environ.get(BASE_URL_ENV) or None
    with Store(args.db) as store:
        tables = store.current_tables((ARBEJDSARK, HANDLEPLAN, UDDANNELSE, MEDLEMMER))
        people = remind.recipients(tables[MEDLEMMER], today)
        sent = store.reminders_sent([p.email.casefold() for p in people])
        todo = remind.messages(tables, today, sent, args.days)
        mails = [(m, remind.email(m, args.sender, args.days, base_url)) for m in todo]
        if args.dry_run:
            for _message, mail in mails:
                print(f"Til: {mail['To']}\nEmne: {mail['Subject']}\n\n{mail.get_content()}\n{'-' * 60}")
            print(f"{len(mails)} {'påmindelse' if len(mails) == 1 else 'påmindelser'} ville blive sendt "
                  "(prøvekørsel: intet er sendt eller registreret).")
            return OK
        if not mails:
            print("Ingen nye frister at minde om.")
            return OK

        def accepted(message: remind.Message) -> None:
            store.record_reminders(message.items)

        count = remind.send(smtp, mails, accepted)
    print(f"{count} {'påmindelse' if count == 1 else 'påmindelser'} er sendt.")
    return OK


def cmd_token(args) -> int:
    from .store import Store
    from .text import joined

    with Store(args.db) as store:
        if args.token_command == "add":
            secret = store.add_token(args.name, args.department or [], user="kommandolinje")
            scope = f" (kun {joined(args.department)})" if args.department else " (alle afdelinger)"
            print(f"Nøglen {args.name}{scope} er oprettet. Gem den nu: den vises ikke igen.", file=sys.stderr)
            print(secret)
        elif args.token_command == "revoke":
            store.revoke_token(args.name, user="kommandolinje")
            print(f"Nøglen {args.name} er trukket tilbage.")
        else:
            for token in store.tokens():
                where = ", ".join(token["departments"]) or "alle afdelinger"
                state = f"trukket tilbage {token['revoked_at']:%d-%m-%Y}" if token.get("revoked_at") else "aktiv"
                print(f"{token['name']}\t{where}\t{state}")
    return OK
