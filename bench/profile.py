"""Where the time goes: py-spy samples the import or a page's runs, every thread, native frames.

``python bench/profile.py import`` (also ``make profile``) runs ``python -m amo_data import`` of the
benchmark workbook into a fresh SQLite store under ``py-spy record --native --threads
--subprocesses`` (the workbook is parsed in a child process: amo_data.sandbox);
``python bench/profile.py page pages/2_Styrker_og_behov.py`` runs that page cold and cached
(bench/run.py's page worker, on the big store, which is made first if it is missing; 20 runs
of each kind, so that the worker's imports are a small part of the samples).

The raw samples go to ``OUT/profile-<what>.txt`` (flamegraph.pl's folded format: one stack and
its count per line; speedscope.app and flamegraph.pl read it). The script prints, per thread (the
sandbox's apart), where the samples fall: the innermost frame of this project's code
(amo_data, amo_ui, pages) and the innermost frame of all (a native function of calamine,
SQLite, zlib or the kernel's system calls shows there).

py-spy slows the process down while it samples (native unwinding most of all), so a share
is a guide to where to look, not a timing: ``bench/run.py`` measures, ``bench/phases.py``
splits one import into its phases. py-spy needs to be allowed to read the process (it is here,
as root; elsewhere ``sudo`` or ``kernel.yama.ptrace_scope=0``).

Flags: ``--departments``, ``--years`` (the workbook, as bench/run.py), ``--rate`` (samples per
second), ``--top`` (lines per thread), ``--out``.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import run  # noqa: E402 - bench/run.py: the workbook, stores and page worker it measures

OURS = re.compile(r"\((?:amo_data|amo_ui|pages)/[^)]*\)")
_THREAD = re.compile(r"^thread \((\w+)\)(?:: ?(.*))?$")
_PROCESS = re.compile(r"^process (\d+):")
_NUMBERED = re.compile(r"(_\d+)$")  # pool threads: ThreadPoolExecutor-0_1 ...


def py_spy() -> str:
    """The py-spy next to this Python (the venv's), else one on PATH."""
    here = Path(sys.executable).with_name("py-spy")
    found = str(here) if here.exists() else shutil.which("py-spy")
    if not found:
        raise SystemExit("py-spy is not installed: pip install -r requirements-dev.txt")
    return found


def record(command: list[str], raw: Path, rate: int, env: dict[str, str], done: str) -> None:
    """Sample ``command`` into ``raw``. py-spy exits 0 whatever the command's own exit code, so
    the command's output must show ``done`` (what it prints when it has done its work)."""
    raw.unlink(missing_ok=True)
    proc = subprocess.run([py_spy(), "record", "--native", "--threads", "--subprocesses", "--rate", str(rate),
                           "--format", "raw",
                           "--output", str(raw), "--", *command],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    if proc.returncode != 0 or not raw.exists():
        raise SystemExit(f"py-spy failed ({proc.returncode}):\n{output[-3000:]}")
    if done not in proc.stdout:
        raise SystemExit(f"the profiled command did not finish its work (no {done!r} in its output):\n"
                         f"{output[-3000:]}")


def _process_label(processes: list[str]) -> str:
    """Which process a sample is from: the command (no label), or a process it started. The
    workbook is read and checked in the sandbox's child, a fork of the sandbox's fork server
    (both run ``python -m amo_data.sandbox``)."""
    if len(processes) <= 1:
        return ""
    if "amo_data.sandbox" in processes[-1]:
        return " (sandbox's fork server)" if len(processes) == 2 else " (sandbox's child: reads and checks the file)"
    return f" (child process, level {len(processes) - 1})"


def summarise(raw: Path, top: int) -> str:
    """Per thread: samples by the innermost frame of this project, and by the innermost frame."""
    per_thread: collections.Counter = collections.Counter()
    ours: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    leaves: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        processes = []  # (--subprocesses) the process, its parent, ... outermost first
        while len(frames) > 1 and frames[0].startswith("process "):
            processes.append(frames.pop(0))
        process = _process_label(processes)
        match = _THREAD.match(frames[0])
        name = (match.group(2) or "").strip() if match else frames[0]
        pid = _PROCESS.match(processes[-1]) if processes else None
        if match and not name and pid and match.group(1) == pid.group(1):
            name = "MainThread"  # sampled before py-spy learnt the thread's name
        thread = _NUMBERED.sub("", name or "(unnamed)") + process
        n = int(count)
        per_thread[thread] += n
        project = [f for f in frames if OURS.search(f)]
        ours[thread][project[-1] if project else "(outside this project's code)"] += n
        leaves[thread][frames[-1]] += n
    total = sum(per_thread.values()) or 1
    lines = [f"{raw.name}: {total:,} samples"]
    for thread, n in per_thread.most_common():
        lines += ["", f"## {thread}: {n:,} samples ({100 * n / total:.0f} %)", "",
                  "| samples | share of the thread | innermost frame of this project |", "|---:|---:|---|"]
        lines += [f"| {k:,} | {100 * k / n:.1f} % | `{frame}` |" for frame, k in ours[thread].most_common(top)]
        lines += ["", "| samples | share of the thread | innermost frame |", "|---:|---:|---|"]
        lines += [f"| {k:,} | {100 * k / n:.1f} % | `{frame}` |" for frame, k in leaves[thread].most_common(top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile the import or a page with py-spy")
    parser.add_argument("what", choices=["import", "page"])
    parser.add_argument("page", nargs="?", default="pages/2_Styrker_og_behov.py", help="for `page`: which one")
    parser.add_argument("--departments", type=int, default=500)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    parser.add_argument("--top", type=int, default=12, help="lines per thread and table")
    parser.add_argument("--runs", type=int, default=20,
                        help="for `page`: cold and cached runs (after one warm-up, whose imports are sampled too)")
    parser.add_argument("--out", default=str(BENCH / "out"))
    args = parser.parse_args(argv)

    from generate import generate

    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    book = out / f"bench-{args.departments}x{args.years}.xlsx"
    if not book.exists():
        print(f"generating {book.name} …", flush=True)
        generate(book, args.departments, args.years)
    python = sys.executable
    if args.what == "import":
        db = run._fresh_db(out, "profile-import.sqlite")
        raw = out / "profile-import.txt"
        record([python, "-m", "amo_data", "import", str(book), "--db", run._sqlite_url(db), "--user", "profil"],
               raw, args.rate, run._env(), done="Gemt som import nr.")
    else:
        if args.page not in run.PAGES:
            raise SystemExit(f"unknown page {args.page!r}; one of: {', '.join(run.PAGES)}")
        db = out / f"profile-{args.departments}x{args.years}.sqlite"
        if not db.exists():
            run.time_import(book, db)
        raw = out / f"profile-{Path(args.page).stem}.txt"
        record([python, str(BENCH / "run.py"), "--pages-worker", "--reps", str(args.runs), "--pages", args.page],
               raw, args.rate, run._env(run._sqlite_url(db)), done="BENCH-PAGES-JSON:")
    print(summarise(raw, args.top))
    print(f"\nraw samples: {raw}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
