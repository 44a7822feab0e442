"""Real separate processes for the concurrency tests, started cheaply.

``spawn`` starts a fresh interpreter per process, which then imports pandas, SQLAlchemy and
the store again (about a second of CPU each, eight processes a test). A ``forkserver`` whose
server imported those modules once forks each process from it instead: still separate
processes, each with its own connections, started after the server's import.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import BaseContext

# Imported once by the fork server (every test that uses it, so the first one's choice fits all).
PRELOAD = ["tests.test_store", "tests.test_load"]


def process_context() -> BaseContext:
    """A ``forkserver`` context whose server has the store and the tests' workers imported."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx
