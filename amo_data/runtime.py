"""How the process runs while big files are read, checked and stored.

* :func:`gc_paused`: Python's cyclic garbage collector is paused while a big file is read,
  checked or stored. Reading, validating and storing 120,000 rows builds millions of young
  objects (rows, cells, parse results, parameter tuples); each collection the allocations
  trigger traverses all of them again: 15-50 % of the time of those steps on the benchmark
  file. They create no reference cycles to speak of, so memory is freed by reference counting
  as before; the collector runs again afterwards.
* :func:`tune_malloc_for_batch`: for the command line only (one short run). glibc's malloc
  hands every block above 128 KB (a list of 100,000 cells, a 1 MB piece of XML, numpy's
  temporaries) straight back to the kernel when it is freed, so the next one page-faults its
  memory in again: a third of the import's CPU time was the kernel's. Above a 32 MB threshold
  and with freed memory kept up to 256 MB, the benchmark import takes 0.2-0.3 s less, for
  about 25 MB more peak memory. The dashboard (a long-running server) keeps glibc's defaults.
* :func:`one_short_run`: how ``python -m amo_data`` runs, which ends with ``os._exit`` (see
  ``amo_data/__main__.py``): malloc tuned as above, the collector paused to the end (so that
  no collection of every object starts when a command ends), and what is handed to
  :func:`keep` kept to the end instead of freed, up to :data:`KEEP_MAX_CELLS` cells in all.
  Freeing a big workbook's cells when they are no longer needed (1.3 million Python objects
  in the reader's grids, and calamine's own parsed sheets) took 40-60 ms of the benchmark
  import's single-threaded path; keeping them costs 10-20 MB of peak memory there (the
  memory they would free is mostly reused anyway). The budget bounds what a run keeps by about
  one such workbook, however many files it reads. Elsewhere (the dashboard, tests) :func:`keep`
  does nothing and everything is freed as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

MB = 1024 * 1024
_M_TRIM_THRESHOLD = -1  # glibc's mallopt() parameters (malloc.h)
_M_MMAP_THRESHOLD = -3

_kept: list | None = None  # what keep() keeps in a one-short-run process; None elsewhere
_kept_cells = 0
# The most cells keep() keeps in one run, counting a workbook's cell twice (calamine's value
# and the grid's Python object): the benchmark workbook (100,000 + 20,000 rows) is 2.6 million;
# beyond this, what a run has read is freed as usual.
KEEP_MAX_CELLS = 4_000_000


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the collector (if it runs) for the block. Nested or threaded use is safe: it is
    enabled again by whoever paused it first."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def tune_malloc_for_batch() -> bool:
    """Keep big freed blocks for reuse (glibc only; elsewhere nothing happens). True if set."""
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, ImportError):  # not glibc (macOS, Windows, musl without it)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    ok_mmap = mallopt(_M_MMAP_THRESHOLD, 32 * MB)
    ok_trim = mallopt(_M_TRIM_THRESHOLD, 256 * MB)
    return bool(ok_mmap and ok_trim)


def one_short_run() -> None:
    """Run this process as one short command that ends with ``os._exit`` (see the module's
    docstring): call it first, before any big allocation."""
    global _kept
    tune_malloc_for_batch()
    gc.disable()
    if _kept is None:
        _kept = []


def keep(cells: int, *objects: object) -> bool:
    """Keep ``objects`` (which hold about ``cells`` cells) until the process ends, in a
    :func:`one_short_run` process while the run has kept fewer than :data:`KEEP_MAX_CELLS`
    cells (True); otherwise nothing happens (False) and they are freed when no longer used."""
    global _kept_cells
    if _kept is None or _kept_cells + cells > KEEP_MAX_CELLS:
        return False
    _kept_cells += cells
    _kept.extend(objects)
    return True
