"""The performance benchmark: one run on one machine, medians and target ratios.

``python bench/run.py`` (also ``make bench``) times, on a large generated workbook
(default 500 departments x 5 years: 100,000 Arbejdsark and 20,000 Handleplan rows):

- the bare python-calamine read of the file (every cell of every sheet to Python values);
- ``pandas.read_excel(..., sheet_name=None, engine="openpyxl")`` of it;
- ``python -m amo_data import`` of it into a fresh SQLite store (the whole process) and the
  process's peak memory (``ru_maxrss`` from ``os.wait4``);
- ``python -m amo_data summary --json`` on that big store and on a 20-row store;
- every page's server-side run (Streamlit AppTest) on the big and the 20-row store, cold
  (after ``st.cache_data.clear(); st.cache_resource.clear()``) and cached (a second run of the
  same AppTest). AppTests run in one subprocess per store, so caches and environment are clean.

It prints a table of medians and the target ratios and writes them to
``OUT/results.md`` and ``OUT/results.json`` (``OUT`` = ``bench/out``, git-ignored). The
workbooks are cached in ``OUT`` (``bench-<D>x<Y>.xlsx``), so reruns do not regenerate them.

Flags: ``--departments``, ``--years`` (size), ``--reps`` (repetitions, medians over them),
``--out`` (folder), ``--skip-pandas`` (the slow openpyxl baseline), ``--pages`` (which pages).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

APP = ROOT / "app.py"
PAGES = ["app.py", "pages/1_Upload.py", "pages/2_Styrker_og_behov.py", "pages/3_Handleplan.py",
         "pages/4_Sammenlign_afdelinger.py", "pages/5_Uddannelse.py", "pages/6_Mødeguide.py"]
TODAY = "2026-11-26"
SMALL = {"departments": 2, "years": 1, "points": 8, "actions": 2}  # 16 + 4 = 20 rows

# Targets, as ratios of medians from one run.
IMPORT_VS_CALAMINE = 2.0
PANDAS_VS_IMPORT = 8.0
BIG_VS_SMALL = 2.0
CACHED_VS_COLD = 0.2
IMPORT_PEAK_MB = 400


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _env(db_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["AMO_TODAY"] = TODAY
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if db_url:
        env["AMO_DATABASE_URL"] = db_url
    return env


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _fresh_db(folder: Path, name: str) -> Path:
    path = folder / name
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return path


# --------------------------------------------------------------------------- measurements


def time_calamine(path: Path, reps: int) -> list[float]:
    import python_calamine

    times = []
    for _ in range(reps):
        start = time.perf_counter()
        data = path.read_bytes()
        import io

        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        cells = 0
        for name in wb.sheet_names:
            cells += sum(len(r) for r in wb.get_sheet_by_name(name).to_python())
        times.append(time.perf_counter() - start)
    return times


def time_pandas(path: Path, reps: int) -> list[float]:
    import pandas as pd

    times = []
    for _ in range(reps):
        start = time.perf_counter()
        frames = pd.read_excel(path, sheet_name=None, engine="openpyxl")
        assert frames
        times.append(time.perf_counter() - start)
    return times


# A tiny parent for each measured process: it starts the command, waits for it and reports the
# wall time and the child's peak RSS (getrusage(RUSAGE_CHILDREN)). Measuring from this small
# process matters on Linux: a child forked straight from the benchmark (which holds the big
# workbook and pandas) would report the benchmark's own RSS as its peak.
_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[1:])
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("BENCH-PROCESS-JSON:" + json.dumps({"wall": wall, "peak_kb": peak, "code": code}), flush=True)
"""


def run_process(args: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """(wall seconds, peak RSS in MB, exit code, output) of one child process."""
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, env=env, cwd=ROOT, check=False)
    text = proc.stdout.decode("utf-8", "replace")
    marker = "BENCH-PROCESS-JSON:"
    lines = [line for line in text.splitlines() if line.startswith(marker)]
    if not lines:
        return float("nan"), float("nan"), proc.returncode or 3, text
    info = json.loads(lines[-1][len(marker):])
    output = "\n".join(line for line in text.splitlines() if not line.startswith(marker))
    return info["wall"], info["peak_kb"] / 1024, info["code"], output  # Linux: ru_maxrss in KB


def time_import(path: Path, folder: Path, name: str, reps: int) -> tuple[list[float], list[float], Path]:
    times, peaks = [], []
    db = folder / name
    for _ in range(reps):
        db = _fresh_db(folder, name)
        wall, peak, code, text = run_process(
            [sys.executable, "-m", "amo_data", "import", str(path), "--db", _sqlite_url(db),
             "--user", "bench", "--json"], _env())
        if code != 0:
            raise SystemExit(f"import failed ({code}):\n{text[-3000:]}")
        times.append(wall)
        peaks.append(peak)
    return times, peaks, db


def time_summary(db: Path, reps: int) -> list[float]:
    times = []
    for _ in range(reps):
        wall, _peak, code, text = run_process(
            [sys.executable, "-m", "amo_data", "summary", "--db", _sqlite_url(db), "--today", TODAY, "--json"],
            _env())
        if code != 0:
            raise SystemExit(f"summary failed ({code}):\n{text[-3000:]}")
        times.append(wall)
    return times


def time_pages(db: Path, reps: int, pages: list[str]) -> dict[str, dict[str, list[float]]]:
    """Run the AppTest worker in a subprocess (clean caches and environment for this store)."""
    wall, _peak, code, text = run_process(
        [sys.executable, str(Path(__file__).resolve()), "--pages-worker", "--reps", str(reps),
         "--pages", ",".join(pages)], _env(_sqlite_url(db)))
    marker = "BENCH-PAGES-JSON:"
    lines = [line for line in text.splitlines() if line.startswith(marker)]
    if code != 0 or not lines:
        raise SystemExit(f"page worker failed ({code}):\n{text[-3000:]}")
    return json.loads(lines[-1][len(marker):])


def pages_worker(reps: int, pages: list[str]) -> None:
    """In a subprocess whose AMO_DATABASE_URL is the store: time every page, cold and cached."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    def clear() -> None:
        st.cache_data.clear()
        st.cache_resource.clear()

    def one(page: str) -> tuple[float, float]:
        at = AppTest.from_file(str(APP), default_timeout=900)
        if page == "app.py":
            clear()
            start = time.perf_counter()
            at.run()
        else:
            at.run()  # the home page first, as a user arrives; not timed
            clear()
            start = time.perf_counter()
            at.switch_page(page).run()
        cold = time.perf_counter() - start
        start = time.perf_counter()
        at.run()
        cached = time.perf_counter() - start
        if at.exception:
            raise RuntimeError(f"{page}: {[e.message for e in at.exception]}")
        return cold, cached

    result: dict[str, dict[str, list[float]]] = {}
    for page in pages:
        one(page)  # warm-up: imports and Streamlit's own first-run work are not what we measure
        cold, cached = [], []
        for _ in range(reps):
            c, h = one(page)
            cold.append(c)
            cached.append(h)
        result[page] = {"cold": cold, "cached": cached}
    print("BENCH-PAGES-JSON:" + json.dumps(result), flush=True)


# --------------------------------------------------------------------------- report


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _check(ok: bool) -> str:
    return "met" if ok else "MISSED"


def build_report(res: dict) -> str:
    m = res["medians"]
    lines = [
        f"# Benchmark results ({res['size']['arbejdsark']:,} Arbejdsark + {res['size']['handleplan']:,} "
        f"Handleplan rows; small store {res['size']['small_rows']} rows)",
        "",
        f"Machine: {res['machine']}  ",
        f"Run: {res['started']} UTC, {res['reps']} repetition(s), medians.",
        "",
        "| measurement | big | small |",
        "|---|---:|---:|",
        f"| bare python-calamine read | {_fmt(m['calamine'])} | |",
    ]
    if m.get("pandas_openpyxl") is not None:
        lines.append(f"| pandas.read_excel(engine=\"openpyxl\") | {_fmt(m['pandas_openpyxl'])} | |")
    lines += [
        f"| `python -m amo_data import` (whole process) | {_fmt(m['import'])} | {_fmt(m['import_small'])} |",
        f"| import peak memory (max RSS) | {m['import_peak_mb']:,.0f} MB | {m['import_small_peak_mb']:,.0f} MB |",
        f"| `summary --json` (whole process) | {_fmt(m['summary_big'])} | {_fmt(m['summary_small'])} |",
    ]
    for page, t in m["pages"].items():
        lines.append(f"| page {page}, cold | {_fmt(t['big_cold'])} | {_fmt(t['small_cold'])} |")
        lines.append(f"| page {page}, cached | {_fmt(t['big_cached'])} | {_fmt(t['small_cached'])} |")
    lines += ["", "| target | ratio / value | limit | |", "|---|---:|---:|---|"]
    for row in res["targets"]:
        value = f"{row['value']:,.0f} MB" if row["unit"] == "MB" else f"{row['value']:.2f}×"
        limit = f"{row['limit']:,.0f} MB" if row["unit"] == "MB" else f"{row['op']} {row['limit']:g}×"
        lines.append(f"| {row['name']} | {value} | {limit} | {_check(row['ok'])} |")
    return "\n".join(lines) + "\n"


def targets(m: dict) -> list[dict]:
    rows = []

    def add(name: str, value: float, op: str, limit: float, unit: str = "x") -> None:
        ok = value <= limit if op == "≤" else value >= limit
        rows.append({"name": name, "value": value, "op": op, "limit": limit, "unit": unit, "ok": ok})

    add("import ÷ bare calamine read", m["import"] / m["calamine"], "≤", IMPORT_VS_CALAMINE)
    if m.get("pandas_openpyxl") is not None:
        add("pandas+openpyxl read ÷ import", m["pandas_openpyxl"] / m["import"], "≥", PANDAS_VS_IMPORT)
    add("import peak memory", m["import_peak_mb"], "≤", IMPORT_PEAK_MB, "MB")
    add("summary: big ÷ small store", m["summary_big"] / m["summary_small"], "≤", BIG_VS_SMALL)
    for page, t in m["pages"].items():
        add(f"{page} cold: big ÷ small", t["big_cold"] / t["small_cold"], "≤", BIG_VS_SMALL)
        add(f"{page} cached: big ÷ small", t["big_cached"] / t["small_cached"], "≤", BIG_VS_SMALL)
        add(f"{page} big: cached ÷ cold", t["big_cached"] / t["big_cold"], "≤", CACHED_VS_COLD)
        add(f"{page} small: cached ÷ cold", t["small_cached"] / t["small_cold"], "≤", CACHED_VS_COLD)
    return rows


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{cpu}, {os.cpu_count()} CPUs{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="AMO-kompetencer performance benchmark")
    parser.add_argument("--departments", type=int, default=500)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--reps", type=int, default=3, help="repetitions per measurement (medians)")
    parser.add_argument("--out", default=str(BENCH / "out"), help="folder for workbooks, stores and results")
    parser.add_argument("--skip-pandas", action="store_true", help="leave out the slow pandas+openpyxl read")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated pages to time")
    parser.add_argument("--pages-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    pages = [p for p in args.pages.split(",") if p]
    if args.pages_worker:
        pages_worker(args.reps, pages)
        return 0

    from generate import generate

    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    big = out / f"bench-{args.departments}x{args.years}.xlsx"
    small = out / "bench-small-20.xlsx"
    started = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    if not big.exists():
        print(f"generating {big.name} …", flush=True)
        generate(big, args.departments, args.years)
    if not small.exists():
        generate(small, **SMALL)
    reps = max(1, args.reps)

    def step(label: str):
        print(f"{time.strftime('%H:%M:%S')} {label} …", flush=True)

    m: dict = {}
    step("bare calamine read")
    m["calamine"] = _median(time_calamine(big, reps))
    if not args.skip_pandas:
        step("pandas + openpyxl read")
        m["pandas_openpyxl"] = _median(time_pandas(big, reps))
    step("import (big)")
    t, peaks, big_db = time_import(big, out, "bench-big.sqlite", reps)
    m["import"], m["import_peak_mb"] = _median(t), max(peaks)
    step("import (small)")
    t, peaks, small_db = time_import(small, out, "bench-small.sqlite", reps)
    m["import_small"], m["import_small_peak_mb"] = _median(t), max(peaks)
    step("summary")
    m["summary_big"] = _median(time_summary(big_db, reps))
    m["summary_small"] = _median(time_summary(small_db, reps))
    step("pages (big store)")
    big_pages = time_pages(big_db, reps, pages)
    step("pages (small store)")
    small_pages = time_pages(small_db, reps, pages)
    m["pages"] = {
        page: {"big_cold": _median(big_pages[page]["cold"]), "big_cached": _median(big_pages[page]["cached"]),
               "small_cold": _median(small_pages[page]["cold"]),
               "small_cached": _median(small_pages[page]["cached"])}
        for page in pages
    }
    res = {
        "started": started, "machine": machine(), "reps": reps,
        "size": {"departments": args.departments, "years": args.years,
                 "arbejdsark": args.departments * args.years * 40,
                 "handleplan": args.departments * args.years * 8,
                 "small_rows": SMALL["departments"] * SMALL["years"] * (SMALL["points"] + SMALL["actions"])},
        "medians": m,
    }
    res["targets"] = targets(m)
    report = build_report(res)
    (out / "results.json").write_text(json.dumps(res, indent=2, ensure_ascii=False), encoding="utf-8")
    (out / "results.md").write_text(report, encoding="utf-8")
    print()
    print(report)
    print(f"written to {out / 'results.md'} and {out / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
