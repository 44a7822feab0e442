"""Leftovers of the process tuning the command line did while it read, checked and stored
big files; nothing here is used by the reader or by ``python -m amo_data`` any more.

The command line's entry point used to tune glibc's malloc, pause the collector for the whole
run and keep what it had read until ``os._exit``. Measured on the benchmark import
(``python -m amo_data import`` of the 500 x 5 workbook, interleaved runs), that bought less
than the 20 % of the import's wall time that would justify process-wide settings, so it went.

* :func:`gc_paused` is not thread-safe (two uploads in one process: the first to finish
  enables the collector again inside the other's block) and must not be used. It stays
  importable, unchanged, only until ``amo_data/validate.py``, ``amo_data/store.py`` and
  ``amo_data/cli.py`` (other owners) stop calling it.
* :func:`keep` does nothing (it kept objects only in the tuned command-line run); it stays
  only until ``amo_data/validate.py`` stops calling it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the collector (if it runs) for the block. Deprecated: see the module's docstring."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def keep(cells: int, *objects: object) -> bool:
    """Nothing: the objects are freed when no longer used, as everywhere (always False)."""
    return False
