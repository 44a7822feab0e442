"""Run one command and measure its whole process tree: wall time, CPU time and peak memory.

``python bench/tree.py COMMAND ...`` runs COMMAND, passes its output through and prints, last,
one line ``BENCH-PROCESS-JSON:{...}`` with

- ``wall``: seconds from the start to the command's own exit (what a user waits for);
- ``cpu``: user + system seconds of every process of the tree;
- ``peak_kb``: the largest sum of resident memory (RSS, KB) of the tree's processes at one
  moment, and ``largest_kb``, the largest single process;
- ``processes``: how many processes the tree had; ``code``: the command's exit code.

Why a tree: ``python -m amo_data import`` reads and checks the workbook in a child process
(:mod:`amo_data.sandbox`: a fork server the command starts, and one child of it per file).
The kernel's own account (``getrusage(RUSAGE_CHILDREN)``) does not see that child: the fork
server lets the kernel reap its children, and their times and peaks go nowhere. So this
process samples ``/proc`` every :data:`INTERVAL` seconds, in a thread, while the main thread
waits for the command:

- every process whose parent is in the tree joins it (pids above this process's own, which is
  how Linux hands them out until the numbers wrap); this process is the tree's "subreaper"
  (``prctl(PR_SET_CHILD_SUBREAPER)``), so that a process orphaned by the command's exit (the
  fork server) stays in the tree and is reaped here;
- memory: the sum of the RSS of the tree's live processes, at each sample. A page two
  processes share (the sandbox's child and its fork server share what the server had
  imported) counts in each, so the sum errs on the high side; a peak shorter than the
  interval can be missed (memory grows over many samples in an import);
- CPU: for a process reaped here (the command, the orphaned fork server), its ``wait4``
  account; for one reaped elsewhere (the sandbox's child), its times at the last sample
  (``/proc/PID/stat``, in clock ticks), so up to one interval of it can be missed.

After the command has exited, its orphans are waited for (at most :data:`ORPHAN_WAIT` seconds,
then killed): their CPU time counts, their time does not add to ``wall``.

Without ``/proc`` (not Linux) only the command's own account is given (``getrusage``).
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
import time

INTERVAL = 0.01
ORPHAN_WAIT = 10.0
MARKER = "BENCH-PROCESS-JSON:"
_PR_SET_CHILD_SUBREAPER = 36
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE_KB = (os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096) // 1024


def _stat(pid: int) -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds, RSS in KB) from /proc/PID/stat, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rfind(b")") + 2:].split()  # after "pid (comm) "; comm may hold spaces
    # fields[0] is field 3 of proc(5): state, ppid, ... utime (14), stime (15), ... rss (24).
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK, int(fields[21]) * _PAGE_KB


class Tree:
    """The sampler: which processes are in the tree, their last CPU time, the peak memory."""

    def __init__(self, root: int):
        self.root = root  # this process: the tree's processes descend from it
        self.members: set[int] = {root}
        self.others: set[int] = set()  # pids seen that are not in the tree
        self.cpu: dict[int, float] = {}  # last CPU seconds seen per member
        self.peak_kb = 0
        self.largest_kb = 0
        self.stop = threading.Event()

    def sample(self) -> None:
        total = 0
        try:
            names = os.listdir("/proc")
        except OSError:
            return
        for pid in sorted(int(n) for n in names if n.isdigit()):
            if pid <= self.root or pid in self.others:
                continue
            found = _stat(pid)
            if found is None:
                continue
            ppid, cpu, rss = found
            if pid not in self.members:
                if ppid not in self.members:
                    self.others.add(pid)
                    continue
                self.members.add(pid)
            self.cpu[pid] = cpu
            total += rss
            self.largest_kb = max(self.largest_kb, rss)
        self.peak_kb = max(self.peak_kb, total)

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(INTERVAL)


def _subreaper() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def measure(command: list[str]) -> dict:
    if not os.path.isdir("/proc/self"):
        start = time.perf_counter()
        code = subprocess.call(command)
        wall = time.perf_counter() - start
        import resource

        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_kb": usage.ru_maxrss,
                "largest_kb": usage.ru_maxrss, "processes": 1, "code": code}
    _subreaper()
    tree = Tree(os.getpid())
    sampler = threading.Thread(target=tree.run, daemon=True)
    sampler.start()
    start = time.perf_counter()
    proc = subprocess.Popen(command)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    reaped = {proc.pid: usage.ru_utime + usage.ru_stime}
    largest_kb = usage.ru_maxrss
    deadline = time.monotonic() + ORPHAN_WAIT
    while True:  # the orphans (the sandbox's fork server ends when the command has ended)
        try:
            pid, _status, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            reaped[pid] = usage.ru_utime + usage.ru_stime
            largest_kb = max(largest_kb, usage.ru_maxrss)
            continue
        if time.monotonic() > deadline:
            for member in tree.members - {tree.root} - set(reaped):
                try:
                    os.kill(member, signal.SIGKILL)
                except OSError:
                    pass
            deadline = float("inf")
        time.sleep(INTERVAL)
    tree.stop.set()
    sampler.join()
    cpu = sum(reaped.values()) + sum(c for pid, c in tree.cpu.items() if pid not in reaped)
    return {"wall": wall, "cpu": cpu, "peak_kb": max(tree.peak_kb, largest_kb),
            "largest_kb": max(tree.largest_kb, largest_kb), "processes": len(tree.members) - 1,
            "code": proc.returncode}


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python bench/tree.py COMMAND [ARG ...]", file=sys.stderr)
        return 2
    result = measure(argv)
    sys.stdout.flush()
    print(MARKER + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
