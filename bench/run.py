"""The performance benchmark: one run on one machine, medians and target ratios.

``python bench/run.py`` (also ``make bench``) times, on a large generated workbook
(default 500 departments x 5 years: 100,000 Arbejdsark and 20,000 Handleplan rows, and an
``Organisation`` sheet of 555 rows, see bench/generate.py):

- the bare python-calamine read of the file (every cell of every sheet to Python values), as a
  process of its own, started the way the import is;
- ``pandas.read_excel(..., sheet_name=None, engine="openpyxl")`` of it, in the benchmark's own
  process (pandas already imported, so the comparison errs in pandas' favour);
- ``python -m amo_data import`` of it into a fresh SQLite store: the whole process tree (the
  command, the sandbox's fork server and the child that reads and checks the file), its wall
  time, CPU time and peak memory (bench/tree.py says how);
- ``python -m amo_data summary --json`` on that big store and on a 20-row store;
- every page's server-side run (Streamlit AppTest) on the big and the 20-row store, cold
  (after ``st.cache_data.clear(); st.cache_resource.clear()``) and, for information, a rerun
  of the same AppTest (cached). AppTests run in one subprocess per store, so caches and
  environment are clean.

Only the public command line and AppTest are used, so the benchmark runs on any version of
the store behind them.

Repetitions are interleaved (each round measures every item once), so that both sides of a
ratio see the same minutes of a machine whose speed moves; the pages of the big and the small
store alternate the same way. Before measuring, the bytecode of ``amo_data`` and ``amo_ui`` is
compiled, as pip does when it installs a package.

It prints a table of medians and the target ratios and writes them to
``OUT/results.md`` and ``OUT/results.json`` (``OUT`` = ``bench/out``, git-ignored). The
workbooks are cached in ``OUT`` (``bench-<D>x<Y>.xlsx``), so reruns do not regenerate them
(delete them after a change of bench/generate.py). The load average (1 minute) is noted at
the start, at the end and at its highest during the run.

Flags: ``--departments``, ``--years`` (size), ``--reps`` (repetitions, medians over them),
``--out`` (folder), ``--skip-pandas`` (the slow openpyxl baseline), ``--pages`` (which pages).
"""

from __future__ import annotations

import argparse
import compileall
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
# The home page and every page of the multipage app (pages/*.py, in their numbered order).
PAGES = ["app.py", *sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))]
TODAY = "2026-11-26"
# 2 departments x 2 years x (4 + 1) = 16 + 4 = 20 rows (and a tree of two units above them).
# Two years, so that every page takes the same path on both stores: with one year, Sammenlign
# afdelinger shows a note instead of the development chart, and big ÷ small would compare two
# different pages.
SMALL = {"departments": 2, "years": 2, "points": 4, "actions": 1}

# Targets, as ratios of medians from one run.
IMPORT_VS_CALAMINE = 2.5  # import ≤ this × the bare calamine read
PANDAS_VS_IMPORT = 5.0  # pandas+openpyxl ≥ this × the import
BIG_VS_SMALL = 2.0  # summary and every page's cold run: big store ≤ this × the 20-row store
IMPORT_PEAK_MB = 400  # the import's whole process tree

# The bare read, as a process of its own: what any import of the file must at least do.
_CALAMINE = """
import io, sys
import python_calamine
with open(sys.argv[1], "rb") as f:
    wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(f.read()))
for name in wb.sheet_names:
    wb.get_sheet_by_name(name).to_python()
"""


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


class Clock:
    """Wall and CPU time (this process, all threads) since creation."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def lap(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def _medians(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    """(median wall, median CPU) of (wall, CPU) pairs."""
    return _median([w for w, _ in pairs]), _median([c for _, c in pairs])


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


# Each time_* function measures once, (wall, CPU) seconds: main() repeats them in rounds.


def run_process(args: list[str], env: dict[str, str]) -> tuple[tuple[float, float], float, int, str]:
    """((wall, CPU) seconds, peak memory in MB, exit code, output) of one command and every
    process it starts (bench/tree.py: the command runs under a small parent that samples the
    tree; measured from that fresh process, not forked from this big one)."""
    from tree import MARKER

    proc = subprocess.run([sys.executable, str(BENCH / "tree.py"), *args], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, env=env, cwd=ROOT, check=False)
    text = proc.stdout.decode("utf-8", "replace")
    lines = [line for line in text.splitlines() if line.startswith(MARKER)]
    if not lines:
        return (float("nan"), float("nan")), float("nan"), proc.returncode or 3, text
    info = json.loads(lines[-1][len(MARKER):])
    output = "\n".join(line for line in text.splitlines() if not line.startswith(MARKER))
    return (info["wall"], info["cpu"]), info["peak_kb"] / 1024, info["code"], output


def time_calamine(path: Path) -> tuple[float, float]:
    """The practical limit: a process that reads the file's bytes and turns every cell of every
    sheet into a Python value."""
    times, _peak, code, text = run_process([sys.executable, "-c", _CALAMINE, str(path)], _env())
    if code != 0:
        raise SystemExit(f"bare calamine read failed ({code}):\n{text[-3000:]}")
    return times


def time_pandas(path: Path) -> tuple[float, float]:
    import pandas as pd

    clock = Clock()
    frames = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    assert frames
    return clock.lap()


def time_import(path: Path, db: Path) -> tuple[tuple[float, float], float]:
    """((wall, CPU), peak memory in MB) of one import of ``path`` into a fresh store at ``db``."""
    _fresh_db(db.parent, db.name)
    times, peak, code, text = run_process(
        [sys.executable, "-m", "amo_data", "import", str(path), "--db", _sqlite_url(db),
         "--user", "bench", "--json"], _env())
    if code != 0:
        raise SystemExit(f"import failed ({code}):\n{text[-3000:]}")
    return times, peak


def time_summary(db: Path) -> tuple[float, float]:
    times, _peak, code, text = run_process(
        [sys.executable, "-m", "amo_data", "summary", "--db", _sqlite_url(db), "--today", TODAY, "--json"],
        _env())
    if code != 0:
        raise SystemExit(f"summary failed ({code}):\n{text[-3000:]}")
    return times


def time_pages(db: Path, reps: int, pages: list[str]) -> dict[str, dict[str, list]]:
    """Run the AppTest worker in a subprocess (clean caches and environment for this store)."""
    _times, _peak, code, text = run_process(
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

    def one(page: str) -> tuple[tuple[float, float], tuple[float, float]]:
        at = AppTest.from_file(str(APP), default_timeout=900)
        if page == "app.py":
            clear()
            clock = Clock()
            at.run()
        else:
            at.run()  # the home page first, as a user arrives; not timed
            clear()
            clock = Clock()
            at.switch_page(page).run()
        cold = clock.lap()
        clock = Clock()
        at.run()
        cached = clock.lap()
        if at.exception:
            raise RuntimeError(f"{page}: {[e.message for e in at.exception]}")
        return cold, cached

    result: dict[str, dict[str, list]] = {}
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
    if seconds != seconds:  # NaN
        return "–"
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _pair(m: dict, key: str) -> str:
    if key not in m["wall"]:
        return "| "
    return f"{_fmt(m['wall'][key])} | {_fmt(m['cpu'][key])}"


def build_report(res: dict) -> str:
    m = res["medians"]
    size = res["size"]
    lines = [
        f"# Benchmark results: {size['arbejdsark']:,} Arbejdsark + {size['handleplan']:,} Handleplan rows "
        f"({size['departments']} departments × {size['years']} years, an Organisation sheet of "
        f"{size['organisation']:,} rows); small store {size['small_rows']} rows",
        "",
        f"Machine: {res['machine']}  ",
        f"Run: {res['started']} UTC at commit {res['revision']}, {res['reps']} repetition(s), medians; "
        f"load average (1 min) {res['load_start']} at the start, {res['load_end']} at the end, "
        f"{res['load_max']} at most.",
        "",
        "| measurement | big: wall | big: CPU | small: wall | small: CPU |",
        "|---|---:|---:|---:|---:|",
        f"| bare python-calamine read (a process) | {_pair(m, 'calamine')} | | |",
    ]
    if "pandas_openpyxl" in m["wall"]:
        lines.append(f"| pandas.read_excel(engine=\"openpyxl\") (in the benchmark's process) | "
                     f"{_pair(m, 'pandas_openpyxl')} | | |")
    lines += [
        f"| `python -m amo_data import` (whole process tree) | {_pair(m, 'import')} | {_pair(m, 'import_small')} |",
        f"| import peak memory (process tree) | {m['peak_mb']['import']:,.0f} MB | | "
        f"{m['peak_mb']['import_small']:,.0f} MB | |",
        f"| `summary --json` (whole process) | {_pair(m, 'summary')} | {_pair(m, 'summary_small')} |",
    ]
    for page in res["pages"]:
        lines.append(f"| page {page}, cold | {_pair(m, f'{page}|big|cold')} | {_pair(m, f'{page}|small|cold')} |")
    for page in res["pages"]:
        lines.append(f"| page {page}, cached rerun (information) | {_pair(m, f'{page}|big|cached')} | "
                     f"{_pair(m, f'{page}|small|cached')} |")
    lines += ["", "Targets (ratios of wall-clock medians, as the issue defines them; the CPU-time ratio "
              "beside it is less sensitive to other load on the machine):", "",
              "| target | wall | CPU | limit | |", "|---|---:|---:|---:|---|"]
    for row in res["targets"]:
        if row["unit"] == "MB":
            value, cpu, limit = f"{row['wall']:,.0f} MB", "", f"{row['op']} {row['limit']:,.0f} MB"
        else:
            value, cpu = f"{row['wall']:.2f}×", f"{row['cpu']:.2f}×"
            limit = f"{row['op']} {row['limit']:g}×"
        lines.append(f"| {row['name']} | {value} | {cpu} | {limit} | {'met' if row['ok'] else 'MISSED'} |")
    return "\n".join(lines) + "\n"


def targets(m: dict, pages: list[str]) -> list[dict]:
    rows = []

    def ratio(name: str, a: str, b: str, op: str, limit: float) -> None:
        wall = m["wall"][a] / m["wall"][b]
        cpu = m["cpu"][a] / m["cpu"][b]
        ok = wall <= limit if op == "≤" else wall >= limit
        rows.append({"name": name, "wall": wall, "cpu": cpu, "op": op, "limit": limit, "unit": "x", "ok": ok})

    ratio("import ÷ bare calamine read", "import", "calamine", "≤", IMPORT_VS_CALAMINE)
    if "pandas_openpyxl" in m["wall"]:
        ratio("pandas+openpyxl read ÷ import", "pandas_openpyxl", "import", "≥", PANDAS_VS_IMPORT)
    peak = m["peak_mb"]["import"]
    rows.append({"name": "import peak memory (process tree)", "wall": peak, "cpu": None, "op": "≤",
                 "limit": IMPORT_PEAK_MB, "unit": "MB", "ok": peak <= IMPORT_PEAK_MB})
    ratio("summary: big ÷ small store", "summary", "summary_small", "≤", BIG_VS_SMALL)
    for page in pages:
        ratio(f"{page} cold: big ÷ small", f"{page}|big|cold", f"{page}|small|cold", "≤", BIG_VS_SMALL)
    return rows


def _revision() -> str:
    """The commit the run measured, with "+changes" when the working tree differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" +changes" if dirty else "")


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except (OSError, IndexError):
        return "unknown"


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

    from generate import generate, organisation

    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    big = out / f"bench-{args.departments}x{args.years}.xlsx"
    small = out / f"bench-small-{SMALL['departments']}x{SMALL['years']}.xlsx"
    started = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    loads = [_load()]
    revision = _revision()
    if not big.exists():
        print(f"generating {big.name} …", flush=True)
        generate(big, args.departments, args.years)
    if not small.exists():
        generate(small, **SMALL)
    reps = max(1, args.reps)

    def step(label: str) -> None:
        loads.append(_load())
        print(f"{time.strftime('%H:%M:%S')} (load {loads[-1]}) {label} …", flush=True)

    # Our modules' bytecode, as pip writes it when it installs a package and as Python writes it
    # on a first run: an environment with PYTHONDONTWRITEBYTECODE=1 (this machine's) would
    # otherwise compile them from source in every process.
    step("compiling the bytecode of amo_data and amo_ui")
    for package in ("amo_data", "amo_ui"):
        compileall.compile_dir(ROOT / package, quiet=1)

    pairs: dict[str, list] = {}
    peaks: dict[str, list[float]] = {}

    def add(key: str, *measured: tuple[float, float]) -> None:
        pairs.setdefault(key, []).extend(measured)

    # Repetitions are interleaved: each round measures every item once, in the same order, so
    # that both sides of every ratio see every minute of a machine whose speed moves.
    big_db = out / "bench-big.sqlite"
    small_db = out / "bench-small.sqlite"
    for r in range(1, reps + 1):
        step(f"round {r} of {reps}: bare calamine read, pandas read, imports, summary")
        add("calamine", time_calamine(big))
        if not args.skip_pandas:
            add("pandas_openpyxl", time_pandas(big))
        for key, path, db in (("import", big, big_db), ("import_small", small, small_db)):
            measured, peak_mb = time_import(path, db)
            add(key, measured)
            peaks.setdefault(key, []).append(peak_mb)
        add("summary", time_summary(big_db))
        add("summary_small", time_summary(small_db))
    for r in range(1, reps + 1):
        for store, db in (("big", big_db), ("small", small_db)):
            step(f"round {r} of {reps}: pages ({store} store)")
            for page, modes in time_pages(db, 1, pages).items():
                for mode, measured in modes.items():
                    add(f"{page}|{store}|{mode}", *map(tuple, measured))
    loads.append(_load())
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for key, measured in pairs.items():
        wall[key], cpu[key] = _medians(measured)
    m = {"wall": wall, "cpu": cpu, "peak_mb": {key: max(values) for key, values in peaks.items()}}
    known = [float(x) for x in loads if x != "unknown"]
    res = {
        "started": started, "machine": machine(), "reps": reps, "revision": revision,
        "load_start": loads[0], "load_end": loads[-1], "load_max": f"{max(known):.2f}" if known else "unknown",
        "size": {"departments": args.departments, "years": args.years,
                 "arbejdsark": args.departments * args.years * 40,
                 "handleplan": args.departments * args.years * 8,
                 "organisation": len(organisation(args.departments)),
                 "small_rows": SMALL["departments"] * SMALL["years"] * (SMALL["points"] + SMALL["actions"])},
        "pages": pages,
        "medians": m,
        "samples": pairs,
    }
    res["targets"] = targets(m, pages)
    report = build_report(res)
    (out / "results.json").write_text(json.dumps(res, indent=2, ensure_ascii=False), encoding="utf-8")
    (out / "results.md").write_text(report, encoding="utf-8")
    print()
    print(report)
    print(f"written to {out / 'results.md'} and {out / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
