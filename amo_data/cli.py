"""The command line: ``python -m amo_data COMMAND …`` (contract: cli-and-metrics.md).

Exit status: 0 success (warnings allowed), 1 the input has errors (nothing stored),
2 a file could not be read at all or the command was used wrongly, 3 an unexpected failure
(one clear line, never a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import cli_records
from .errors import AmoError

OK, INPUT_ERRORS, UNREADABLE, UNEXPECTED = 0, 1, 2, 3


# argparse's own texts (Python 3.11 wording) in Danish: usage errors and --help are read by
# the users of the command line (see _danish_argparse).
_ARGPARSE_DANISH = {
    "usage: ": "brug: ",
    "positional arguments": "argumenter",
    "options": "valgmuligheder",
    "show this help message and exit": "vis denne hjælp og afslut",
    "argument %(argument_name)s: %(message)s": "argumentet %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "disse argumenter mangler: %s",
    "unrecognized arguments: %s": "ukendte argumenter: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ugyldigt valg: %(value)r (vælg mellem %(choices)s)",
    "invalid %(type)s value: %(value)r": "ugyldig værdi: %(value)r",
    "expected one argument": "mangler en værdi",
    "expected at most one argument": "tager højst én værdi",
    "expected at least one argument": "mangler mindst én værdi",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydigt valg: %(option)s kan betyde %(matches)s",
    "not allowed with argument %s": "kan ikke bruges sammen med %s",
    "one of the arguments %s is required": "et af argumenterne %s skal angives",
    "ignored explicit argument %r": "argumentet %r bruges ikke",
    "expected %s argument": "mangler %s værdi",
    "expected %s arguments": "mangler %s værdier",
}


@contextmanager
def _danish_argparse() -> Iterator[None]:
    """argparse looks its texts up through its module's ``_``/``ngettext`` when it builds a
    parser and when it reports; point both to the Danish texts meanwhile."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = lambda text: _ARGPARSE_DANISH.get(text, text)  # type: ignore[attr-defined]
    argparse.ngettext = lambda one, many, n: _ARGPARSE_DANISH.get(  # type: ignore[attr-defined]
        one if n == 1 else many, one if n == 1 else many)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" er ikke et helt tal') from None


def _year(text: str) -> int:
    """A year option: the files' rule (a whole year 2000-2100), with its Danish message."""
    from .fields import Year

    parsed = Year().parse(text)
    if parsed.error:
        raise argparse.ArgumentTypeError(parsed.error)
    return parsed.value


class _Parser(argparse.ArgumentParser):
    """argparse with Danish usage errors (exit 2, as the contract asks)."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        self.exit(UNREADABLE, f"{self.prog}: fejl i kommandoen: {message}\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m amo_data",
        description="AMO-kompetencer: læs, kontrollér, gem og opsummér AMO's kompetenceark.",
    )
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("template", help="skriv den tomme Excel-skabelon", description=(
        "Skriver den tomme Excel-skabelon: arkene Arbejdsark, Handleplan og Uddannelse med "
        "overskrifter og rullelister, og arket Vejledning med et udfyldt eksempel."))
    p.add_argument("out", metavar="OUT.xlsx", help="filen der skal skrives")

    p = sub.add_parser("sample", help="skriv realistiske eksempelfiler", description=(
        "Skriver realistiske eksempelfiler for en dansk virksomhed (flere afdelinger og år) "
        "i mappen; samme --seed giver de samme filer."))
    p.add_argument("out_dir", metavar="OUT_DIR", help="mappen der skal skrives i")
    p.add_argument("--departments", type=_whole, default=6, help="antal afdelinger (standard 6)")
    p.add_argument("--years", type=_whole, default=3, help="antal år (standard 3)")
    p.add_argument("--seed", type=_whole, default=2026, help="startværdi for tilfældige data")

    p = sub.add_parser("check", help="læs og kontrollér filer; gemmer intet", description=(
        "Læser og kontrollerer filerne og viser alle fejl og advarsler med ark, række og "
        "kolonne. Intet gemmes. Afslutningskode 0: i orden, 1: fejl i filerne, 2: en fil kan "
        "ikke læses."))
    p.add_argument("files", nargs="+", metavar="FIL", help="regneark: .xlsx, .xlsm, .xls, .ods eller .csv")
    p.add_argument("--json", action="store_true", help="resultat som JSON")

    p = sub.add_parser("import", help="kontrollér og gem filer (alle eller ingen)", description=(
        "Kontrollerer filerne og gemmer dem i én samlet import: har blot én fil fejl, gemmes "
        "intet. For hver afdeling og hvert år i filerne erstattes det, der var gemt før; den "
        "gamle version gemmes og kan hentes tilbage med undo."))
    p.add_argument("files", nargs="+", metavar="FIL", help="regneark: .xlsx, .xlsm, .xls, .ods eller .csv")
    _db(p)
    p.add_argument("--user", default=None, metavar="BRUGER", help="hvem importerer (standard: brugernavnet)")
    p.add_argument("--json", action="store_true", help="resultat som JSON")

    p = sub.add_parser("history", help="importerne, nyeste først", description=(
        "Viser alle importer, nyeste først: nummer, tidspunkt, bruger, filer, rækker og "
        "tilstand (gældende, erstattet eller fortrudt)."))
    _db(p)
    p.add_argument("--json", action="store_true", help="resultat som JSON")

    p = sub.add_parser("undo", help="fortryd en import", description=(
        "Fortryder importen med nummeret BATCH_ID (se history): det, den erstattede, bliver "
        "gældende igen. Intet slettes."))
    p.add_argument("batch_id", type=_whole, metavar="BATCH_ID")
    _db(p)
    p.add_argument("--user", default=None, metavar="BRUGER", help="hvem fortryder (standard: brugernavnet)")

    p = sub.add_parser("export", help="eksportér de gældende data i skabelonens format", description=(
        "Eksporterer de gældende data til en Excel-fil i skabelonens format, eventuelt kun ét "
        "år eller én afdeling. Filen kan indlæses igen med import."))
    p.add_argument("out", metavar="OUT.xlsx")
    _db(p)
    p.add_argument("--year", type=_year, default=None, metavar="ÅR", help="kun ét år")
    p.add_argument("--department", default=None, metavar="AFDELING", help="kun én afdeling")

    p = sub.add_parser("summary", help="nøgletallene som dashboardet viser", description=(
        "Viser nøgletallene, som dashboardet viser dem: punkter pr. område, behov pr. "
        "hjælpetype, handlinger og uddannelse pr. kvartal, overskredne og hastende handlinger, "
        "afdelinger uden årlig drøftelse, AMO's medlemmer og deres ret til supplerende uddannelse "
        "og punkterne pr. enhed i organisationen."))
    _db(p)
    p.add_argument("--year", type=_year, default=None, metavar="ÅR", help="kun ét år")
    p.add_argument("--department", default=None, metavar="AFDELING", help="kun én afdeling")
    p.add_argument("--unit", default=None, metavar="ENHED",
                   help="kun afdelingerne under en enhed i organisationen (fx en forvaltning)")
    p.add_argument("--today", type=_date, default=None, metavar="ÅÅÅÅ-MM-DD", help="fast dato for 'i dag'")
    p.add_argument("--json", action="store_true", help="resultat som JSON")

    p = sub.add_parser("report", help="referatet af en afdelings årlige drøftelse (PDF)", description=(
        "Skriver referatet af en afdelings årlige drøftelse af kompetencerne som PDF: dato, deltagere, "
        "arbejdsarket, handleplanen og medlemmernes ret til supplerende uddannelse. Det er den skriftlige "
        "dokumentation af drøftelsen."))
    p.add_argument("out", metavar="UD.pdf", help="PDF-filen, der skrives")
    p.add_argument("--department", required=True, metavar="AFDELING", help="afdelingen")
    p.add_argument("--year", required=True, type=_year, metavar="ÅR", help="året for drøftelsen")
    _db(p)
    p.add_argument("--today", type=_date, default=None, metavar="ÅÅÅÅ-MM-DD", help="fast dato for 'i dag'")

    p = sub.add_parser("calendar", help="fristerne som kalenderfil (.ics)", description=(
        "Skriver fristerne som en kalenderfil (iCalendar), som Outlook og Google Kalender kan læse: "
        "handleplanens åbne handlinger, næste årlige drøftelse og medlemmernes uddannelsesfrister."))
    p.add_argument("out", metavar="UD.ics", help="kalenderfilen, der skrives")
    p.add_argument("--department", default=None, metavar="AFDELING", help="kun én afdeling")
    _db(p)
    p.add_argument("--today", type=_date, default=None, metavar="ÅÅÅÅ-MM-DD", help="fast dato for 'i dag'")
    p.add_argument("--base-url", default=None, metavar="URL",
                   help="dashboardets adresse til links i begivenhederne (standard: AMO_BASE_URL)")

    p = sub.add_parser("remind", help="mail påmindelser om frister til medlemmerne", description=(
        "Sender hvert medlem med en e-mailadresse én mail med de frister, der vedrører medlemmet, og som "
        "udløber inden for de næste dage eller er overskredet. En frist sendes højst én gang, før den udløber, "
        "og én gang, når den er overskredet. Adgangskoden til mailserveren læses fra AMO_SMTP_PASSWORD."))
    p.add_argument("--smtp-host", default=None, metavar="VÆRT", help="mailserveren (standard: AMO_SMTP_HOST)")
    p.add_argument("--smtp-port", default=None, metavar="PORT", help="port (standard: AMO_SMTP_PORT, ellers 25)")
    p.add_argument("--smtp-security", default=None, choices=("starttls", "ssl", "none"),
                   help="forbindelsen (standard: AMO_SMTP_SECURITY; 587 = starttls, 465 = ssl, ellers none)")
    p.add_argument("--smtp-user", default=None, metavar="BRUGER", help="login (standard: AMO_SMTP_USER)")
    p.add_argument("--from", dest="sender", required=True, metavar="ADRESSE", help="afsenderens adresse")
    p.add_argument("--days", type=_whole, default=14, metavar="N", help="frister inden for så mange dage (14)")
    _db(p)
    p.add_argument("--today", type=_date, default=None, metavar="ÅÅÅÅ-MM-DD", help="fast dato for 'i dag'")
    p.add_argument("--base-url", default=None, metavar="URL",
                   help="dashboardets adresse til links (standard: AMO_BASE_URL)")
    p.add_argument("--dry-run", action="store_true", help="vis, hvad der ville blive sendt; send og gem intet")

    p = sub.add_parser("token", help="nøgler til kalender-feed og API", description=(
        "Opretter, viser og trækker nøgler tilbage, som giver adgang til dashboardets kalender-feed og "
        "nøgletal (/api/...). En nøgle kan begrænses til bestemte afdelinger."))
    tokens = p.add_subparsers(dest="token_command", metavar="HANDLING", parser_class=_Parser)
    tokens.required = True
    q = tokens.add_parser("add", help="opret en nøgle (vises én gang)")
    q.add_argument("name", metavar="NAVN", help="nøglens navn, fx kalender-lager")
    q.add_argument("--department", action="append", default=None, metavar="AFDELING",
                   help="kun denne afdeling (kan gentages)")
    _db(q)
    q = tokens.add_parser("list", help="vis nøglerne")
    _db(q)
    q = tokens.add_parser("revoke", help="træk en nøgle tilbage")
    q.add_argument("name", metavar="NAVN")
    _db(q)

    p = sub.add_parser("user", help="brugere til login (.streamlit/secrets.toml)", description=(
        "Laver brugere til dashboardets login."))
    users = p.add_subparsers(dest="user_command", metavar="HANDLING", parser_class=_Parser)
    users.required = True
    u = users.add_parser("add", help="lav en bruger: skriver den TOML-blok, der skal i .streamlit/secrets.toml")
    u.add_argument("username", metavar="BRUGERNAVN")
    u.add_argument("--role", required=True, choices=["ledelse", "konsulent", "amo", "admin"], help="rollen")
    u.add_argument("--department", action="append", default=[], metavar="AFDELING",
                   help="en afdeling brugeren må ændre (rolle amo; gentag for flere)")
    u.add_argument("--name", default=None, metavar="NAVN", help="fulde navn")
    u.add_argument("--password-stdin", action="store_true", help="læs adgangskoden fra standard input")

    p = sub.add_parser("delete-department", help="slet alle data for én afdeling permanent (databeskyttelse)",
                       description=("Sletter alle data for én afdeling permanent, også tidligere "
                                    "versioner. Kan ikke fortrydes."))
    p.add_argument("department", metavar="AFDELING")
    _db(p)
    p.add_argument("--user", default=None, metavar="BRUGER", help="hvem sletter (standard: brugernavnet)")

    p = sub.add_parser("delete-person", help="slet én persons kurser i uddannelsesregistret permanent",
                       description=("Sletter én persons rækker i uddannelsesregistret permanent, "
                                    "også i tidligere versioner. Kan ikke fortrydes."))
    p.add_argument("name", metavar="NAVN_ELLER_INITIALER")
    p.add_argument("--department", default=None, metavar="AFDELING", help="kun i denne afdeling")
    _db(p)
    p.add_argument("--user", default=None, metavar="BRUGER", help="hvem sletter (standard: brugernavnet)")

    p = sub.add_parser("seed-sample", help="læg eksempeldata i en tom database (bruges af 'make run')",
                       description="Lægger eksempeldata i databasen, hvis den er tom.")
    _db(p)
    return parser


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=None, metavar="URL",
                   help="SQLAlchemy-URL (standard: AMO_DATABASE_URL, ellers den lokale SQLite-fil)")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" er ikke en dato på formen ÅÅÅÅ-MM-DD') from None


def _user(name: str | None) -> str:
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "ukendt"


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


# --- commands -----------------------------------------------------------------------------

def _cmd_template(args) -> int:
    from .template import write_template

    write_template(Path(args.out))
    print(f"Skabelonen er skrevet til {args.out}")
    return OK


def _cmd_sample(args) -> int:
    from .sample import write_sample

    if args.departments < 1 or args.years < 1:
        raise AmoError("--departments og --years skal være mindst 1.")
    paths = write_sample(Path(args.out_dir), departments=args.departments, years=args.years, seed=args.seed)
    print(f"{len(paths)} eksempelfiler er skrevet til {args.out_dir}")
    return OK


def _check_all(files: list[str]):
    """Check every file."""
    from .validate import check_path

    return [check_path(f) for f in files]


def _status(results) -> int:
    if any(r.unreadable for r in results):
        return UNREADABLE
    if any(not r.ok for r in results):
        return INPUT_ERRORS
    return OK


def _report(results) -> None:
    from .schema import SHEET_TITLES
    from .validate import describe

    for r in results:
        counts = ", ".join(f"{n} i {SHEET_TITLES[t]}" for t, n in r.rows.items() if n)
        mark = "OK" if r.ok else "FEJL"
        print(f"{mark}  {r.file}: {counts or 'ingen rækker'}"
              + (f"; {len(r.errors)} fejl" if r.errors else "")
              + (f"; {len(r.warnings)} {'advarsel' if len(r.warnings) == 1 else 'advarsler'}"
                 if r.warnings else ""))
        for p in r.errors:
            print(f"  fejl: {describe(p)}")
        for p in r.warnings:
            print(f"  advarsel: {describe(p)}")


def _cmd_check(args) -> int:
    results = _check_all(args.files)
    if args.json:
        _print_json({"files": [r.to_json() for r in results], "stored": False, "batch_id": None})
    else:
        _report(results)
    return _status(results)


def _cmd_import(args) -> int:
    results = _check_all(args.files)
    status = _status(results)
    out = {"files": [r.to_json() for r in results], "stored": False, "batch_id": None}
    if status == OK:
        from .store import Store

        with Store(args.db) as store:
            outcome = store.import_results(results, user=_user(args.user))
        if outcome.unchanged:
            out["unchanged"] = True
        else:
            out.update(stored=True, batch_id=outcome.batch_id)
    if args.json:
        _print_json(out)
    else:
        _report(results)
        if status != OK:
            print("Intet er gemt: ret fejlene og importér igen.")
        elif out.get("unchanged"):
            print("Uændret: de samme data var allerede gemt.")
        else:
            print(f"Gemt som import nr. {out['batch_id']}.")
    return status


def _cmd_history(args) -> int:
    from .store import Store

    with Store(args.db) as store:
        batches = store.history()
    if args.json:
        _print_json({"batches": batches})
        return OK
    if not batches:
        print("Ingen importer endnu.")
    state = {"current": "gældende", "replaced": "erstattet", "undone": "fortrudt"}
    for b in batches:
        rows = ", ".join(f"{k}: {v}" for k, v in b["rows"].items())
        print(f"{b['id']:>5}  {b['created_at']}  {b['user']}  {state.get(b['state'], b['state'])}  "
              f"{', '.join(b['files'])}  ({rows})")
    return OK


def _cmd_undo(args) -> int:
    from .store import Store

    with Store(args.db) as store:
        result = store.undo(args.batch_id, user=_user(args.user))
    print(result["message"])
    return OK


def _cmd_export(args) -> int:
    from .store import Store
    from .workbook import write_workbook

    with Store(args.db) as store:
        tables = store.current(year=args.year, department=args.department)
    write_workbook(tables, Path(args.out))
    n = sum(len(t) for t in tables.values())
    print(f"{n} rækker er eksporteret til {args.out}")
    return OK


def _cmd_summary(args) -> int:
    from .store import Store
    from .summary import summary_of_store

    with Store(args.db) as store:
        figures = summary_of_store(store, year=args.year, department=args.department, unit=args.unit,
                                   today=args.today or dt.date.today())
    if args.json:
        _print_json(figures)
        return OK
    from .report import summary_text

    print(summary_text(figures))
    return OK


def _cmd_seed_sample(args) -> int:
    from .store import SAMPLE_USER, Store
    from .validate import check_path

    with Store(args.db) as store:
        if not store.is_empty():
            print("Databasen har allerede data; eksempeldata er ikke lagt ind.")
            return OK
        files = sorted(p for p in SAMPLE_DIR.iterdir() if p.is_file() and not p.name.startswith("."))
        results = [check_path(p) for p in files]
        bad = [r for r in results if not r.ok]
        if bad:
            _report(bad)
            return _status(results)
        outcome = store.import_results(results, user=SAMPLE_USER)
    print(f"Eksempeldata ({len(files)} filer) er lagt ind som import nr. {outcome.batch_id}.")
    return OK


def _cmd_user(args) -> int:
    from . import auth

    password = auth.read_new_password(args.password_stdin)
    print(auth.user_toml(args.username, args.name, args.role, args.department, password))
    return OK


def _cmd_delete_department(args) -> int:
    from .store import Store

    with Store(args.db) as store:
        print(store.delete_department(args.department, user=_user(args.user))["message"])
    return OK


def _cmd_delete_person(args) -> int:
    from .store import Store

    with Store(args.db) as store:
        result = store.delete_person(args.name, user=_user(args.user), department=args.department)
    print(result["message"])
    return OK


SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"

COMMANDS = {
    "template": _cmd_template, "sample": _cmd_sample, "check": _cmd_check, "import": _cmd_import,
    "history": _cmd_history, "undo": _cmd_undo, "export": _cmd_export, "summary": _cmd_summary,
    "seed-sample": _cmd_seed_sample, "user": _cmd_user,
    "delete-department": _cmd_delete_department, "delete-person": _cmd_delete_person,
    "report": cli_records.cmd_report, "calendar": cli_records.cmd_calendar, "remind": cli_records.cmd_remind,
    "token": cli_records.cmd_token,
}


def main(argv: list[str] | None = None) -> int:
    with _danish_argparse():
        args = _build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except AmoError as exc:
        print(f"Fejl: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # output piped into `head` and the like
        return OK
    except KeyboardInterrupt:
        print("Afbrudt.", file=sys.stderr)
        return UNEXPECTED
    except OSError as exc:
        if exc.filename is None:
            return _unexpected(exc)
        # An output path that cannot be written (no such folder, a folder, no access): the
        # command was given a wrong path.
        reason = _OS_REASONS.get(exc.errno, f"filsystemet afviste det ({errno.errorcode.get(exc.errno, exc.errno)})")
        print(f'Fejl: "{exc.filename}" kan ikke skrives: {reason}.', file=sys.stderr)
        return UNREADABLE
    except Exception as exc:  # the contract: one clear line, exit 3, never a traceback
        return _unexpected(exc)


_OS_REASONS = {
    errno.ENOENT: "mappen findes ikke",
    errno.EISDIR: "det er en mappe, ikke en fil",
    errno.ENOTDIR: "en del af stien er ikke en mappe",
    errno.EACCES: "der er ikke adgang til at skrive der",
    errno.EPERM: "der er ikke adgang til at skrive der",
    errno.EROFS: "stedet er skrivebeskyttet",
    errno.ENOSPC: "disken er fuld",
    errno.EEXIST: "der findes allerede en fil med det navn",
    errno.ENAMETOOLONG: "navnet er for langt",
}


def _unexpected(exc: BaseException) -> int:
    """The contract's unexpected failure: one line (the database's reason without
    SQLAlchemy's SQL text and links), exit 3."""
    if hasattr(exc, "orig"):  # SQLAlchemy's wrapper of a database driver's error
        from .store import database_reason

        print(f"Uventet fejl i databasen: {database_reason(exc)}", file=sys.stderr)
    else:
        text = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
        print(f"Uventet fejl ({type(exc).__name__}): {text}", file=sys.stderr)
    return UNEXPECTED
