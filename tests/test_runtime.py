"""Process-wide state: reading, checking and storing an upload leave the process as it was
(the dashboard checks upload after upload, in threads, in one long-running process)."""

from __future__ import annotations

import gc
import threading
import weakref

from amo_data import reader, runtime
from amo_data.validate import check_bytes
from tests.workbooks import xlsx


class _Thing:
    pass


def test_keep_keeps_nothing():
    thing = _Thing()
    ref = weakref.ref(thing)
    assert runtime.keep(1, thing) is False
    del thing
    assert ref() is None


def _sheets_in_memory() -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, reader.RawSheet))


def test_a_checked_upload_leaves_no_sheet_in_the_dashboard_process():
    before = _sheets_in_memory()
    result = check_bytes("a.xlsx", xlsx({"Arbejdsark": [
        ["Afdeling", "År", "Område", "Kategori", "Beskrivelse"],
        ["Lager", 2026, "APV", "Lykkes", "Vi holder gangarealer ryddelige"],
    ]}))
    assert result.ok, result.errors
    assert _sheets_in_memory() == before


def test_reading_a_workbook_never_pauses_the_collector():
    # The reader used to pause the collector while it read (process-wide: in the dashboard,
    # every other session's thread ran without it meanwhile).
    rows = [["Afdeling", "År", "Område", "Kategori", "Beskrivelse"]]
    rows += [["Lager", 2026, "APV", "Lykkes", f"Punkt {i}"] for i in range(20_000)]
    data = xlsx({"Arbejdsark": rows, "Handleplan": rows[:1000]})
    seen: set[bool] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.add(gc.isenabled())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(3):
            assert len(reader.read_file("stor.xlsx", data)[0].rows) == 20_001
    finally:
        done.set()
        watcher.join()
    assert seen == {True}
