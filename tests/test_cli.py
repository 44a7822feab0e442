"""The command line, per cli-and-metrics.md "Commands": exit codes, JSON shapes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


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
    assert json.loads(proc.stdout)["files"][0]["rows"] == {"arbejdsark": 0, "handleplan": 0, "uddannelse": 0}


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
