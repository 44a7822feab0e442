"""Running the parse of an untrusted workbook in a child process with limits.

python-calamine is native code: a hostile or merely unlucky workbook can make it abort the
whole process (a failed allocation in Rust aborts; it does not raise), allocate gigabytes or
loop forever. :mod:`amo_data.guard` refuses every such file we know of before calamine sees
it; this module is the second line: whatever slips past the guard costs one check, not the
dashboard's server.

:func:`run` calls ``target(*args)`` in a child process and returns its result, or raises
:class:`~amo_data.errors.AmoError` with a Danish sentence when the child needed more memory
or time than a spreadsheet may, or died. An :class:`AmoError` raised by the target (the
reader's own messages) comes back as it was.

How a child is made: each check forks from a small fork server, a Python process of its own
(``python -m amo_data.sandbox``) that has imported the reader and python-calamine and does
nothing but fork. It is started once per process that checks files (the dashboard's server,
a command-line run, a test run) and ends when that process closes its end of the server's
control socket (or dies). Forking the dashboard's server itself would be unsafe (it runs
many threads: a lock held by another thread at the fork stays locked in the child forever),
and starting a fresh interpreter per check would cost its start-up every time.
``multiprocessing``'s own "forkserver" start method was not used: it imports the parent's
main script again in every child (under ``streamlit run``, the whole of Streamlit for every
check), and breaks for a script without a ``__name__ == "__main__"`` guard. Per check, the parent hands the server one end of a new
socket pair; the child the server forks reads the request from it and writes the result
back, which the parent reads before anything else (a big result fills the socket's buffer,
and the child cannot end before it has been read).

Limits of the child (chosen where the contract is silent):

* Memory: :data:`MEMORY_BYTES` (2 GiB) of address space (``RLIMIT_AS``). Reading the
  benchmark workbook (500 departments x 5 years: 120,000 rows) takes a small part of that in
  the child (docs/performance.md has the measured peak), so an honest workbook five times its
  size (the upload limit) fits with room, and so does the most text the guard lets through (``guard.text_cap``, held
  twice in the child: calamine's copy and Python's). A runaway allocation fails early,
  long before the machine swaps, even with a few uploads checked at once. The address space
  is what a limit can enforce per process on Linux (resident memory cannot be capped so); it
  counts memory reserved but never used too, which is one more reason for the room.
* Time: :data:`CPU_SECONDS` (60 s) of CPU time (``RLIMIT_CPU``) and :data:`WALL_SECONDS`
  (120 s) of wall time (``alarm``), both enforced by the kernel in the child, so that native
  code looping forever is stopped too. The benchmark workbook takes a small part of that
  (docs/performance.md); the wall limit is twice the CPU limit so that a busy machine does not turn an honest file
  into a refusal.

Nothing process-wide of the parent is changed (no signal handler, no collector setting, no
limit): the limits are set in the child only, and each check gets its own child, so two
uploads checked at once in two threads do not meet.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .errors import AmoError

MB = 1024 * 1024
MEMORY_BYTES = 2 * 1024 * MB
CPU_SECONDS = 60
WALL_SECONDS = 120
PRELOAD = ("amo_data.validate", "amo_data.reader", "python_calamine")  # imported by the fork server, once

_lock = threading.Lock()
_server: subprocess.Popen | None = None
_control: socket.socket | None = None


def err_limits(name: str) -> AmoError:
    return AmoError(
        f'Filen "{name}" kunne ikke læses: den kræver mere hukommelse eller tid, end et regneark må bruge.'
    )


def run(name: str, target: Callable[..., Any], *args: Any, memory: int = MEMORY_BYTES,
        cpu_seconds: int = CPU_SECONDS, wall_seconds: int = WALL_SECONDS) -> Any:
    """``target(*args)`` computed in a child process under the limits (see the module's
    docstring). ``name`` is the file's name for the Danish message. ``target``, its
    arguments and its result must pickle (``target`` by reference: a module-level function
    the fork server can import)."""
    request = pickle.dumps((target, args, (memory, cpu_seconds, wall_seconds)), pickle.HIGHEST_PROTOCOL)
    mine, theirs = socket.socketpair()
    try:
        _hand_over(theirs)
    except OSError as exc:  # no fork server could be started
        mine.close()
        raise err_limits(name) from exc
    finally:
        theirs.close()
    conn = Connection(mine.detach())
    try:
        conn.send_bytes(request)
        # The child ends itself at wall_seconds (alarm); the margin covers a stalled server.
        if not conn.poll(wall_seconds + 10):
            raise err_limits(name)
        kind, value = pickle.loads(conn.recv_bytes())
    except (EOFError, OSError) as exc:  # the child died without an answer
        raise err_limits(name) from exc
    finally:
        conn.close()
    if kind == "ok":
        return value
    if kind == "amo":
        raise AmoError(*value)
    raise err_limits(name)  # MemoryError, RecursionError, or anything the target did not expect


def _hand_over(end: socket.socket) -> None:
    """Give ``end`` to the fork server, which forks a child to serve it; (re)start the server
    when there is none or it has gone."""
    global _server, _control
    with _lock:
        for attempt in (1, 2):
            if _control is None:
                _server, _control = _start_server()
            try:
                socket.send_fds(_control, [b"c"], [end.fileno()])
                return
            except OSError:
                if attempt == 2:
                    raise
                _stop_server()


def _start_server() -> tuple[subprocess.Popen, socket.socket]:
    parent, server = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)  # one socket a message
    root = str(Path(__file__).resolve().parents[1])  # where the amo_data package is
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "amo_data.sandbox", str(server.fileno())],
            pass_fds=[server.fileno()], env=env, cwd=root,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    except BaseException:
        parent.close()
        raise
    finally:
        server.close()
    return proc, parent


def _stop_server() -> None:
    global _server, _control
    if _control is not None:
        _control.close()  # the server ends at the end of its control socket
    if _server is not None:
        try:
            _server.wait(5)
        except subprocess.TimeoutExpired:
            _server.kill()
            _server.wait()
    _server = _control = None


# --------------------------------------------------------------------------- the server


def _serve(control_fd: int) -> None:
    """The fork server's loop: one child per socket received, until the control socket ends."""
    import importlib

    for module in PRELOAD:
        importlib.import_module(module)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    control = socket.socket(fileno=control_fd)
    while True:
        try:
            message, fds, _flags, _addr = socket.recv_fds(control, 16, 4)
        except InterruptedError:
            continue
        if not message:
            return  # the parent closed its end, or died
        for fd in fds:
            if os.fork() == 0:
                control.close()
                _child(fd)  # never returns
            os.close(fd)


def _child(fd: int) -> None:
    """In the child: the request read, limits on, native messages silenced, ``target`` run,
    its outcome sent; then the process ends."""
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        conn = Connection(fd)
        target, args, (memory, cpu, wall) = pickle.loads(conn.recv_bytes())
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort writes no core file
        signal.alarm(wall)  # SIGALRM's default action ends the process, even in native code
        try:
            outcome = ("ok", target(*args))
        except AmoError as exc:
            outcome = ("amo", (exc.message, exc.exit_code))
        except BaseException as exc:  # noqa: BLE001 - reported as an unreadable file
            outcome = ("failed", type(exc).__name__)
        try:
            data = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - a result too big for the memory limit
            data = pickle.dumps(("failed", "MemoryError"))
        conn.send_bytes(data)
        conn.close()
    except BaseException:  # noqa: BLE001 - the parent sees the end of the socket
        code = 1
    finally:
        os._exit(code)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
