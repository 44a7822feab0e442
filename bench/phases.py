"""Where the time of ``python -m amo_data import`` goes, phase by phase.

``python bench/phases.py [FILE] [--reps N]`` (default: the benchmark workbook in bench/out)
prints two tables.

1. The command's steps, taken in this process the way ``python -m amo_data import`` takes them
   (the interpreter's start and the imports timed apart, as processes of their own):
   the sandbox's fork server started (a trivial check), the file checked in the sandbox (the
   guard, calamine and validation in its child, the result sent back), the store imported,
   opened and written.
2. Inside the sandbox's child: the same work split into its phases, run by the sandbox itself
   (:func:`amo_data.sandbox.run` of :func:`child_work`, in a child of its fork server): the guard (:func:`amo_data.guard.check_zip`), calamine's parse
   (:func:`amo_data.reader.parse_workbook`), validation
   (:func:`amo_data.validate.validate_sheets`), and the result pickled (the child's send) and
   unpickled (the parent's receive). Its last line, the sandbox's own cost, is step 1's check
   less these phases: the fork, the request, the limits and the transfer.

Each step is repeated ``--reps`` times (default 3) and the medians are shown, wall and CPU
time, with the child's peak memory. bench/run.py measures the whole command; bench/profile.py
samples it.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class Phases:
    """Named (wall, CPU) seconds, several of each; medians in the report."""

    def __init__(self) -> None:
        self.times: dict[str, list[tuple[float, float | None]]] = {}
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def start(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self, label: str, cpu_here: bool = True) -> None:
        """The time since the last lap; ``cpu_here`` False: the work was another process's, so
        this process's CPU time says nothing of it."""
        wall, cpu = time.perf_counter(), time.process_time()
        self.add(label, wall - self._wall, cpu - self._cpu if cpu_here else None)
        self._wall, self._cpu = wall, cpu

    def add(self, label: str, wall: float, cpu: float | None) -> None:
        self.times.setdefault(label, []).append((wall, cpu))

    def median(self, label: str) -> tuple[float, float | None]:
        pairs = self.times[label]
        cpu = [c for _, c in pairs if c is not None]
        return statistics.median(w for w, _ in pairs), statistics.median(cpu) if cpu else None

    def report(self, total: str = "total") -> str:
        lines = ["| phase | wall | CPU | share of the wall time |", "|---|---:|---:|---:|"]
        medians = {label: self.median(label) for label in self.times}
        whole = sum(w for w, _ in medians.values()) or 1
        for label, (wall, cpu) in medians.items():
            shown = "–" if cpu is None else f"{cpu * 1000:,.0f} ms"
            lines.append(f"| {label} | {wall * 1000:,.0f} ms | {shown} | {100 * wall / whole:.0f} % |")
        lines.append(f"| **{total}** | {whole * 1000:,.0f} ms | | 100 % |")
        return "\n".join(lines)


def _process(code: str) -> tuple[float, float]:
    """(wall, CPU) of a Python process running ``code``, as the command line is started."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def command_steps(path: Path, data: bytes, phases: Phases) -> None:
    """One import, step by step, as ``amo_data.cli`` takes it (a fresh fork server and store)."""
    from amo_data import sandbox, validate

    before = "import amo_data.cli, amo_data.validate, amo_data.sandbox"  # what runs before the check
    bare, cli, store = _process("pass"), _process(before), _process(before + "; import amo_data.store")
    phases.add("interpreter start (`python -c pass`)", *bare)
    phases.add("`import amo_data.cli` (and validate, sandbox)", cli[0] - bare[0], cli[1] - bare[1])
    sandbox._stop_server()  # each repetition starts its own, as each command does
    phases.start()
    sandbox.run(path.name, os.getpid)
    phases.lap("start the sandbox's fork server (a trivial check)", cpu_here=False)
    result = validate.check_path(path)
    phases.lap("check the file in the sandbox (guard, calamine, validation, result back)", cpu_here=False)
    assert result.ok, [p.message for p in result.errors[:3]]
    phases.add("`import amo_data.store` (SQLAlchemy, the database drivers)", store[0] - cli[0], store[1] - cli[1])
    from amo_data.store import Store

    phases.start()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/phases.sqlite")
        phases.lap("open a fresh store")
        store.import_results([result], user="bench")
        phases.lap("write the import (`Store.import_results`)")
        store.close()
        phases.lap("close the store")
    del result, data


def child_work(name: str, data: bytes) -> tuple[dict, int]:
    """In the sandbox's child (see :func:`child_phases`): the check's work phase by phase, its
    times and the child's peak memory (KB)."""
    from amo_data import guard, reader, validate

    child = Phases()
    guard.check_zip(name, data, reader.max_bytes())
    child.lap("guard (`guard.check_zip`)")
    sheets = reader.parse_workbook(name, data)
    child.lap("calamine's parse (`reader.parse_workbook`)")
    result = validate.validate_sheets(name, sheets)
    result.sha256 = validate.sha256(data)
    child.lap(f"validation (`validate.validate_sheets`, {sum(result.rows.values()):,} rows)")
    sent = pickle.dumps(("ok", result), pickle.HIGHEST_PROTOCOL)
    child.lap(f"pickle the result ({len(sent) / 1e6:.1f} MB)")
    pickle.loads(sent)
    child.lap("unpickle it (in the parent, in a real check)")
    return child.times, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_phases(path: Path, data: bytes, phases: Phases) -> int:
    """The sandbox child's work, phase by phase, run by the sandbox itself (a child of its fork
    server, under its limits); returns the child's peak memory (KB)."""
    import phases as this  # by this name, so that the fork server finds child_work (bench/ is on its path)

    from amo_data import sandbox

    times, peak = sandbox.run(path.name, this.child_work, path.name, data)
    for label, pairs in times.items():
        for wall, cpu in pairs:
            phases.add(label, wall, cpu)
    return peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Where the import's time goes, phase by phase")
    parser.add_argument("file", nargs="?", default=str(BENCH / "out" / "bench-500x5.xlsx"))
    parser.add_argument("--reps", type=int, default=3, help="repetitions (medians)")
    args = parser.parse_args(argv)
    path = Path(args.file)
    data = path.read_bytes()
    # The fork server (started with this process's environment) must find this module.
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(BENCH), os.environ.get("PYTHONPATH")) if p)
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    from amo_data import sandbox  # noqa: F401 - what the command and the fork server import
    from amo_data.sandbox import PRELOAD

    for module in PRELOAD:
        __import__(module)
    command, child = Phases(), Phases()
    peaks = []
    for _ in range(max(1, args.reps)):  # interleaved, like bench/run.py's rounds
        command_steps(path, data, command)
        peaks.append(child_phases(path, data, child))
    check, _cpu = command.median("check the file in the sandbox (guard, calamine, validation, result back)")
    inside = sum(child.median(label)[0] for label in child.times)
    child.add("the sandbox's own cost (the check less the phases above: fork, request, limits, transfer)",
              check - inside, None)
    print(f"{path.name}: {len(data) / 1e6:.1f} MB; {max(1, args.reps)} repetition(s), medians; "
          f"load average {Path('/proc/loadavg').read_text().split()[0] if Path('/proc/loadavg').exists() else '?'}")
    print()
    print("The command's steps (`python -m amo_data import FILE`):")
    print()
    print(command.report("the import"))
    print()
    print(f"Inside the sandbox's child (its peak memory: {max(peaks) / 1024:,.0f} MB). CPU \"–\": the work of "
          "another process, whose CPU time this one does not see.")
    print()
    print(child.report("the check"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
