"""The benchmark script runs end to end on a tiny input and writes its table.

The benchmark itself (bench/run.py, `make bench`) is not a unit test; this only checks that
it still works: 3 departments x 1 year, 1 repetition.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402

from amo_data.schema import TABLES  # noqa: E402
from amo_data.validate import check_path  # noqa: E402


def test_generated_workbook_is_valid_and_sized(tmp_path):
    path = generate(tmp_path / "g.xlsx", departments=3, years=2)
    result = check_path(path)
    assert result.ok, result.errors[:3]
    assert not result.warnings
    assert result.rows == {**dict.fromkeys(TABLES, 0), "arbejdsark": 3 * 2 * 40, "handleplan": 3 * 2 * 8}
    assert load_workbook(path, read_only=True).sheetnames == ["Arbejdsark", "Handleplan"]


def test_benchmark_runs_on_a_tiny_input(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--departments", "3", "--years", "1", "--reps", "1",
         "--out", str(out)],
        capture_output=True, text=True, timeout=240, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    report = (out / "results.md").read_text(encoding="utf-8")
    assert "| bare python-calamine read |" in report
    assert "import ÷ bare calamine read" in report
    assert "summary: big ÷ small store" in report
    assert "page pages/3_Handleplan.py, cached" in report
    assert report.strip() in proc.stdout
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))
    m = res["medians"]
    for key in ("calamine", "pandas_openpyxl", "import", "import_small", "summary", "summary_small"):
        assert m["wall"][key] > 0 and m["cpu"][key] > 0
    assert 0 < m["peak_mb"]["import"] < 4000
    pages = ["app.py", *sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))]
    assert res["pages"] == pages and "pages/6_Mødeguide.py" in pages
    for page in pages:
        for key in (f"{page}|big|cold", f"{page}|big|cached", f"{page}|small|cold", f"{page}|small|cached"):
            assert m["wall"][key] > 0, key
    names = {t["name"] for t in res["targets"]}
    assert {"import peak memory", "summary: big ÷ small store", "app.py big: cached ÷ cold"} <= names
    # the workbooks are cached in the output folder for the next run
    assert (out / "bench-3x1.xlsx").exists() and (out / "bench-small-2x2.xlsx").exists()


def test_profile_of_the_import_names_where_its_threads_spend_their_samples(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "profile.py"), "import", "--departments", "3", "--years", "1",
         "--out", str(out)],
        capture_output=True, text=True, timeout=240, cwd=ROOT,
    )
    denied = "Permission denied" in proc.stdout + proc.stderr or "ptrace" in proc.stdout + proc.stderr
    if proc.returncode != 0 and denied:  # a machine that does not let py-spy read a process
        pytest.skip("py-spy may not read processes here: " + (proc.stdout + proc.stderr)[-300:])
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "## MainThread:" in proc.stdout
    assert "| samples | share of the thread | innermost frame of this project |" in proc.stdout
    assert "(amo_data/" in proc.stdout  # samples inside the import's own code
    raw = out / "profile-import.txt"
    assert raw.exists() and raw.stat().st_size > 0
    assert (out / "profile-import.sqlite").exists()  # the store the profiled import wrote
