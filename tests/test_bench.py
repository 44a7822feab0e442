"""The benchmark script runs end to end on a tiny input and writes its table.

The benchmark itself (bench/run.py, `make bench`) is not a unit test; this only checks that
it still works: 3 departments x 1 year, 1 repetition, two of the pages (each page's AppTest
runs are what take the time; the default list of pages is checked apart).
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

import run  # noqa: E402
import tree  # noqa: E402
from generate import generate, organisation  # noqa: E402

from amo_data.validate import check_path  # noqa: E402


def test_generated_workbook_is_valid_and_sized(tmp_path):
    path = generate(tmp_path / "g.xlsx", departments=3, years=2)
    result = check_path(path)
    assert result.ok, result.errors[:3]
    assert not result.warnings
    rows = result.rows
    assert (rows["arbejdsark"], rows["handleplan"], rows["uddannelse"]) == (3 * 2 * 40, 3 * 2 * 8, 0)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["Arbejdsark", "Handleplan", "Organisation"]
    tree_rows = [list(r) for r in book["Organisation"].iter_rows(values_only=True, max_col=2)]
    assert tree_rows[0] == ["Afdeling", "Overordnet"]
    assert [(r + [None])[:2] for r in tree_rows[1:]] == organisation(3)


def test_the_organisation_tree_has_five_forvaltninger_of_ten_omraader_over_the_departments():
    rows = organisation(500)
    parent = dict(rows)
    tops = [name for name, up in rows if up is None]
    areas = [name for name, up in rows if up in tops]
    departments = [name for name, up in rows if up in areas]
    assert (len(tops), len(areas), len(departments), len(rows)) == (5, 50, 500, 555)
    assert len(parent) == len(rows)  # every name once
    assert all(sum(parent[a] == top for a in areas) == 10 for top in tops)
    assert all(sum(parent[d] == area for d in departments) == 10 for area in areas)
    small = organisation(2)  # a small workbook: fewer units, none of them empty
    parents = {up for _, up in small}
    assert [name for name, _ in small if name not in parents] == ["Afdeling 001", "Afdeling 002"]


def test_the_tree_measure_counts_a_child_the_command_does_not_wait_for():
    # A parent that starts a grandchild holding 150 MB, which its parent neither waits for nor
    # reaps (as the sandbox's fork server does with its children): the tree's peak and CPU see it.
    script = (
        "import os, signal, time\n"
        "signal.signal(signal.SIGCHLD, signal.SIG_IGN)\n"
        "if os.fork() == 0:\n"
        "    block = bytearray(150 * 1024 * 1024)\n"
        "    end = time.process_time() + 0.3\n"
        "    while time.process_time() < end: pass\n"
        "    time.sleep(0.2)\n"
        "    os._exit(0)\n"
        "time.sleep(1.0)\n"
    )
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "tree.py"), sys.executable, "-c", script],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1].removeprefix(tree.MARKER))
    assert result["code"] == 0 and result["processes"] == 2
    assert result["peak_kb"] > 150 * 1024
    assert result["cpu"] >= 0.25
    assert 1.0 <= result["wall"] < 5


def test_benchmark_runs_on_a_tiny_input(tmp_path):
    out = tmp_path / "out"
    pages = ["app.py", "pages/3_Handleplan.py"]
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--departments", "3", "--years", "1", "--reps", "1",
         "--out", str(out), "--pages", ",".join(pages)],
        capture_output=True, text=True, timeout=240, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    report = (out / "results.md").read_text(encoding="utf-8")
    assert "| bare python-calamine read (a process) |" in report
    assert "| import peak memory (process tree) |" in report
    assert "load average (1 min)" in report
    assert "import ÷ bare calamine read | " in report and "≤ 2.5×" in report
    assert "pandas+openpyxl read ÷ import | " in report and "≥ 5×" in report
    assert "summary: big ÷ small store" in report
    assert "| page pages/3_Handleplan.py, cold |" in report
    assert "| page pages/3_Handleplan.py, cached rerun (information) |" in report
    assert report.strip() in proc.stdout
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))
    m = res["medians"]
    for key in ("calamine", "pandas_openpyxl", "import", "import_small", "summary", "summary_small"):
        assert m["wall"][key] > 0 and m["cpu"][key] > 0
    # The import's tree: the command and the sandbox's child that read the file.
    assert 30 < m["peak_mb"]["import"] < 4000
    assert res["size"]["organisation"] == len(organisation(3))
    assert res["pages"] == pages
    for page in pages:
        for key in (f"{page}|big|cold", f"{page}|big|cached", f"{page}|small|cold", f"{page}|small|cached"):
            assert m["wall"][key] > 0, key
    names = [t["name"] for t in res["targets"]]
    assert names == ["import ÷ bare calamine read", "pandas+openpyxl read ÷ import",
                     "import peak memory (process tree)", "summary: big ÷ small store",
                     "app.py cold: big ÷ small", "pages/3_Handleplan.py cold: big ÷ small"]
    # the workbooks are cached in the output folder for the next run
    assert (out / "bench-3x1.xlsx").exists() and (out / "bench-small-2x2.xlsx").exists()


def test_the_benchmark_times_every_page_by_default():
    pages = ["app.py", *sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))]
    assert run.PAGES == pages and "pages/6_Mødeguide.py" in pages


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
