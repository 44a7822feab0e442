"""The command line, per cli-and-metrics.md "Commands": exit codes, JSON shapes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from amo_data.schema import TABLES
from tests.pg_server import pg_server  # noqa: F401 - fixture


ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.is_file())


def run(*args: str, db: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if db:
        env["AMO_DATABASE_URL"] = db
    return subprocess.run([sys.executable, "-m", "amo_data", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_every_sample_file_checks_clean():
    # "`python -m amo_data check sample_data/*` exits 0"
    proc = run("check", *map(str, SAMPLES), "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = json.loads(proc.stdout)
    assert out["stored"] is False and out["batch_id"] is None
    assert [f["file"] for f in out["files"]] == [p.name for p in SAMPLES]
    assert all(f["ok"] and not f["errors"] for f in out["files"])


def test_template_then_check_exits_0(tmp_path):
    out = tmp_path / "skabelon.xlsx"
    assert run("template", str(out)).returncode == 0
    proc = run("check", str(out), "--json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["files"][0]["rows"] == dict.fromkeys(TABLES, 0)


def test_sample_command_writes_files_that_check_clean(tmp_path):
    proc = run("sample", str(tmp_path / "ud"), "--departments", "7", "--years", "2", "--seed", "5")
    assert proc.returncode == 0, proc.stderr
    files = sorted((tmp_path / "ud").iterdir())
    assert files
    assert run("check", *map(str, files)).returncode == 0


def test_errors_exit_1_with_json_shape(tmp_path):
    bad = tmp_path / "plan.csv"
    bad.write_text("Afdeling;År;Hvad;Område;Hjælp;Hvornår\n"
                   "Lager;2026;Kursus i kemi;Kemi;Udefra;3. kvartal 2026\n"
                   "Lager;2026;Førstehjælp;Sikkerhed;Egen;4. kvartl 2026\n", encoding="utf-8")
    proc = run("check", str(bad), "--json")
    assert proc.returncode == 1
    f = json.loads(proc.stdout)["files"][0]
    assert f["ok"] is False and f["rows"]["handleplan"] == 2
    [err] = f["errors"]
    assert (err["sheet"], err["row"], err["column"], err["value"]) == ("Handleplan", 3, "Hvornår", "4. kvartl 2026")
    assert "er ikke et kvartal" in err["message"]


def test_unreadable_file_exits_2_without_traceback(tmp_path):
    png = tmp_path / "billede.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    proc = run("check", str(png))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    missing = run("check", str(tmp_path / "findes-ikke.xlsx"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_wrong_usage_exits_2():
    assert run("check").returncode == 2
    assert run("findes-ikke").returncode == 2
    assert run("summary", "--today", "i morgen").returncode == 2


PLAN = ("Afdeling;År;Hvad;Område;Hjælp;Hvornår;Status\n"
        "Lager;2026;Kursus i kemisk risikovurdering;Kemi;Sagkyndig bistand;3. kvartal 2026;Planlagt\n")


def test_import_history_undo_export_summary(tmp_path):
    db = f"sqlite:///{tmp_path / 'amo.sqlite'}"
    plan = tmp_path / "plan.csv"
    plan.write_text(PLAN, encoding="cp1252")
    first = run("import", str(plan), "--json", "--user", "ama", db=db)
    assert first.returncode == 0, first.stderr
    out = json.loads(first.stdout)
    assert out["stored"] is True and out["batch_id"] == 1 and out["files"][0]["rows"]["handleplan"] == 1
    # "the same content imported again changes nothing and says `unchanged`"
    again = json.loads(run("import", str(plan), "--json", db=db).stdout)
    assert again["unchanged"] is True and again["stored"] is False and again["batch_id"] is None

    plan.write_text(PLAN.replace("Planlagt", "Gennemført"), encoding="cp1252")
    assert json.loads(run("import", str(plan), "--json", db=db).stdout)["batch_id"] == 2
    history = json.loads(run("history", "--json", db=db).stdout)["batches"]
    assert [(b["id"], b["state"]) for b in history] == [(2, "current"), (1, "replaced")]
    assert history[1]["user"] == "ama" and history[1]["files"] == ["plan.csv"] and len(history[1]["sha256"][0]) == 64
    assert history[1]["rows"] == {**dict.fromkeys(TABLES, 0), "handleplan": 1}

    def statuses():
        s = json.loads(run("summary", "--json", "--today", "2026-11-26", db=db).stdout)
        return [(r["status"], r["count"]) for r in s["actions_by_quarter"]]

    assert statuses() == [("Gennemført", 1)]
    undo = run("undo", "2", db=db)
    assert undo.returncode == 0 and "fortrudt" in undo.stdout
    assert statuses() == [("Planlagt", 1)]
    assert run("undo", "2", db=db).returncode == 2  # already undone
    assert run("undo", "99", db=db).returncode == 2

    out_file = tmp_path / "eksport.xlsx"
    assert run("export", str(out_file), "--year", "2026", "--department", "lager", db=db).returncode == 0
    assert json.loads(run("check", str(out_file), "--json").stdout)["files"][0]["rows"]["handleplan"] == 1


def test_import_with_one_bad_file_stores_nothing(tmp_path):
    db = f"sqlite:///{tmp_path / 'amo.sqlite'}"
    good, bad = tmp_path / "god.csv", tmp_path / "fejl.csv"
    good.write_text(PLAN, encoding="utf-8")
    bad.write_text(PLAN.replace("3. kvartal 2026", "4. kvartl 2026"), encoding="utf-8")
    proc = run("import", str(good), str(bad), "--json", db=db)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["stored"] is False
    assert json.loads(run("history", "--json", db=db).stdout) == {"batches": []}


def test_a_broken_database_url_is_one_clear_line(tmp_path):
    proc = run("summary", "--db", "ikke-en-url://")
    assert proc.returncode in (2, 3)
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_user_add_prints_a_secrets_block_with_an_argon2_hash():
    proc = subprocess.run([sys.executable, "-m", "amo_data", "user", "add", "mette", "--role", "amo",
                           "--department", "Lager", "--name", "Mette Hansen", "--password-stdin"],
                          cwd=ROOT, input="et-godt-kodeord\n", capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    import tomllib

    from amo_data import auth

    users = auth.load_users(tomllib.loads(proc.stdout))
    assert auth.authenticate(users, "Mette", "et-godt-kodeord").departments == ("Lager",)
    assert "et-godt-kodeord" not in proc.stdout
    bad = subprocess.run([sys.executable, "-m", "amo_data", "user", "add", "x", "--role", "amo", "--password-stdin"],
                         cwd=ROOT, input="et-godt-kodeord\n", capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_delete_department_and_person_from_the_command_line(tmp_path):
    db = f"sqlite:///{tmp_path / 'amo.sqlite'}"
    assert run("seed-sample", "--db", db).returncode == 0
    proc = run("delete-department", "lager", "--db", db)
    assert proc.returncode == 0, proc.stderr
    s = json.loads(run("summary", "--json", "--today", "2026-11-26", "--db", db).stdout)
    assert "Lager" not in s["departments"]
    assert run("delete-department", "Lager", "--db", db).returncode == 2  # nothing left to delete
    assert run("delete-person", "Findes Ikke", "--db", db).returncode == 2


def test_after_an_import_the_database_file_alone_holds_everything(tmp_path):
    # The command line ends its process without the interpreter's teardown (amo_data/__main__.py),
    # so it must close its store first: a user who copies amo.sqlite right after an import (a
    # backup, a mail to the consultant) must get the imported rows, not leave them in -wal.
    db = tmp_path / "amo.sqlite"
    proc = run("import", *map(str, SAMPLES), "--json", db=f"sqlite:///{db}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["stored"] is True
    assert not Path(f"{db}-wal").exists()
    copy = tmp_path / "kopi" / "amo.sqlite"
    copy.parent.mkdir()
    copy.write_bytes(db.read_bytes())
    summary = run("summary", "--json", "--today", "2026-11-26", db=f"sqlite:///{copy}")
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout)["departments"]  # the copied file has the imported departments


def test_output_piped_into_a_closed_reader_ends_quietly(tmp_path):
    # `python -m amo_data history | head -1` style: no traceback when the reader goes away.
    proc = subprocess.Popen([sys.executable, "-m", "amo_data", "check", *map(str, SAMPLES)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before anything is written
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) in (0, 1)
    assert "Traceback" not in err


def test_check_and_import_do_not_load_pandas(tmp_path):
    # A consultant's big import runs without pandas (its import alone cost a quarter of a second
    # of CPU; docs/performance.md): check and import work on plain columns, and the store builds
    # DataFrames only for the pages and the reports.
    probe = ("import sys\nfrom amo_data.cli import main\ncode = main(sys.argv[1:])\n"
             "print('LOADED', sorted(m for m in ('pandas', 'openpyxl', 'plotly') if m in sys.modules),"
             " file=sys.stderr)\nsys.exit(code)\n")
    db = f"sqlite:///{tmp_path / 'amo.sqlite'}"
    for args in (["check", *map(str, SAMPLES)], ["import", *map(str, SAMPLES), "--db", db]):
        proc = subprocess.run([sys.executable, "-c", probe, *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "LOADED []" in proc.stderr, (args[0], proc.stderr)


# --- what a user of the command line reads (a review against cli-and-metrics.md "Commands") ---


def _one_danish_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text and "sqlalche.me" not in text and "[SQL:" not in text
    return lines[0]


def test_a_file_that_is_not_a_database_is_one_danish_line(tmp_path):
    # "an unexpected failure prints one clear line": SQLAlchemy's second line (a web link)
    # and its English wording must not reach the user.
    db = tmp_path / "amo.sqlite"
    db.write_text("ikke en database")
    proc = run("summary", "--db", f"sqlite:///{db}")
    assert proc.returncode in (2, 3)
    assert "filen er ikke en SQLite-database" in _one_danish_line(proc.stderr)


def test_an_output_path_that_cannot_be_written_is_a_wrong_command(tmp_path):
    # Exit 2, "the command was used wrongly", in Danish: not an unexpected failure.
    (tmp_path / "fil").write_text("x")
    for args, reason in ((["export", str(tmp_path)], "det er en mappe"),
                         (["template", str(tmp_path / "findes-ikke" / "skabelon.xlsx")], "mappen findes ikke"),
                         (["sample", str(tmp_path / "fil")], "der findes allerede en fil med det navn")):
        proc = run(*args, "--db", f"sqlite:///{tmp_path / 'amo.sqlite'}") if args[0] == "export" else run(*args)
        assert proc.returncode == 2, proc.stderr
        line = _one_danish_line(proc.stderr)
        assert "kan ikke skrives" in line and reason in line, line


def test_wrong_usage_and_help_are_danish():
    # "each command's --help explains it"; a usage error exits 2 without argparse's English.
    missing = run("check")
    assert missing.returncode == 2
    assert "disse argumenter mangler: FIL" in missing.stderr and "the following" not in missing.stderr
    bad_year = run("summary", "--year", "abc")
    assert bad_year.returncode == 2 and '"abc" er ikke et gyldigt år (et helt tal fra 2000 til 2100' in bad_year.stderr
    for command, explains in (("check", "Intet gemmes"), ("import", "gemmes intet"), ("undo", "bliver gældende igen"),
                              ("summary", "afdelinger uden årlig drøftelse")):
        helped = run(command, "--help")
        assert helped.returncode == 0
        assert explains in helped.stdout and "show this help" not in helped.stdout, helped.stdout


def test_one_warning_is_one_advarsel_and_a_number_cell_is_reported_as_written(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Arbejdsark"
    sheet.append(["Afdeling", "År", "Område", "Kategori", "Beskrivelse"])
    sheet.append(["Lager", 2026, "Hjemmearbejde", "Lykkes", "Godt samarbejde"])  # unknown area: a warning
    sheet.append(["Lager", 1999, "Ergonomi", "Lykkes", "Løft"])  # a year outside 2000-2100: an error
    path = tmp_path / "lager.xlsx"
    book.save(path)
    text = run("check", str(path))
    assert "; 1 advarsel" in text.stdout and "1 advarsler" not in text.stdout, text.stdout
    err = json.loads(run("check", str(path), "--json").stdout)["files"][0]["errors"][0]
    assert (err["row"], err["column"], err["value"]) == (3, "År", 1999)
    assert json.dumps(err["value"]) == "1999"


def test_the_plain_summary_keeps_quarter_names_and_uses_a_decimal_comma():
    from amo_data.report import summary_text

    from amo_data.summary import summary

    figures = summary({}, today="2026-11-26")  # every key of the figures, none of them filled
    figures["training_by_quarter"] = [{"quarter": "2025-Q4", "status": "Gennemført", "count": 1, "hours": 1.0},
                                      {"quarter": "2026-Q1", "status": "Tilmeldt", "count": 3, "hours": 1234.5}]
    text = summary_text(figures)
    assert "4. kvt. 2025  Gennemført: 1 (1 time)" in text
    assert "1. kvt. 2026  Tilmeldt: 3 (1.234,5 timer)" in text


# --- a database that cannot be used: one Danish line, exit 2, nothing changed ------------------


def test_a_read_only_store_is_one_danish_line_and_nothing_changes(tmp_path):
    from tests.test_store_unavailable import read_only

    db = tmp_path / "amo.sqlite"
    assert run("import", str(SAMPLES[0]), "--db", f"sqlite:///{db}").returncode == 0
    before = run("history", "--json", "--db", f"sqlite:///{db}").stdout
    with read_only(db):
        for args in (["import", *map(str, SAMPLES[1:3])], ["undo", "1"]):
            proc = run(*args, "--db", f"sqlite:///{db}")
            assert proc.returncode == 2, proc.stderr
            assert _one_danish_line(proc.stderr) == (
                "Fejl: Databasen kan ikke skrives lige nu: databasen er skrivebeskyttet. Intet er ændret, og intet "
                "er gået tabt. Prøv igen, når databasen må skrives igen.")
        assert run("history", "--json", "--db", f"sqlite:///{db}").stdout == before  # reading works
    assert run("history", "--json", "--db", f"sqlite:///{db}").stdout == before


def test_postgresqls_refusals_are_one_danish_line(pg_server):  # noqa: F811
    import sqlalchemy as sa

    url = sa.engine.make_url(pg_server.url)
    cases = [
        (url.set(password="forkert"), "databaseserveren afviste brugernavnet eller adgangskoden"),
        (url.set(database="findes_ikke"), "databasen eller brugeren findes ikke på databaseserveren"),
    ]
    for wrong, reason in cases:
        proc = run("history", "--db", wrong.render_as_string(hide_password=False))
        assert proc.returncode == 2, proc.stderr
        line = _one_danish_line(proc.stderr)
        assert line.startswith("Fejl: Kan ikke åbne databasen ") and reason in line, line
        assert "forkert" not in line, "the password is not shown"
    pg_server.stop()
    try:
        proc = run("history", "--db", pg_server.url)
    finally:
        pg_server.start()
    assert proc.returncode == 2, proc.stderr
    line = _one_danish_line(proc.stderr)
    assert "databaseserveren svarer ikke (kører PostgreSQL?)" in line and "Prøv igen, når databaseserveren kører" in line
    assert run("history", "--db", pg_server.url).returncode == 0


@pytest.mark.parametrize("year", ["9223372036854775808", "99999", "1999"])
def test_a_year_option_outside_2000_to_2100_is_a_danish_usage_error(year):
    # The files' rule for years; a huge number once ended as "Uventet fejl (OverflowError)".
    proc = run("summary", "--year", year)
    assert proc.returncode == 2
    assert f'"{year}" er ikke et gyldigt år (et helt tal fra 2000 til 2100, fx 2026).' in proc.stderr
    assert "Traceback" not in proc.stderr and "Uventet" not in proc.stderr
