"""amo_data.runtime: how a command-line run differs from the dashboard's long-running process."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path

from amo_data import reader, runtime
from amo_data.validate import check_bytes
from tests.workbooks import xlsx

ROOT = Path(__file__).resolve().parents[1]


class _Thing:
    pass


def test_outside_a_command_line_run_nothing_is_kept():
    # The dashboard checks upload after upload in one process: their cells must be freed.
    thing = _Thing()
    ref = weakref.ref(thing)
    assert runtime.keep(1, thing) is False
    del thing
    assert ref() is None


def _sheets_in_memory() -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, (reader.RawSheet, reader.Grid)))


def test_a_checked_upload_leaves_no_sheet_in_the_dashboard_process():
    # The reader and the validation hand every sheet to keep(): in the dashboard's process that
    # does nothing, so nothing of an upload stays in memory once its result is made.
    before = _sheets_in_memory()
    result = check_bytes("a.xlsx", xlsx({"Arbejdsark": [
        ["Afdeling", "År", "Område", "Kategori", "Beskrivelse"],
        ["Lager", 2026, "APV", "Lykkes", "Vi holder gangarealer ryddelige"],
    ]}))
    assert result.ok, result.errors
    assert _sheets_in_memory() == before


def test_a_command_line_run_keeps_what_it_is_given_and_pauses_the_collector():
    code = (
        "import gc, weakref\n"
        "from amo_data import runtime\n"
        "runtime.one_short_run()\n"
        "class T: pass\n"
        "t = T(); r = weakref.ref(t)\n"
        "assert runtime.keep(10, t) is True\n"
        "del t\n"
        "assert r() is not None and not gc.isenabled()\n"
        "big = T(); r2 = weakref.ref(big)\n"  # beyond the budget: freed as usual
        "assert runtime.keep(runtime.KEEP_MAX_CELLS, big) is False\n"
        "del big\n"
        "assert r2() is None\n"
        "print('kept')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "kept", proc.stderr


def test_a_command_line_run_keeps_a_checked_workbook_until_it_ends():
    # What the import would free after validation (calamine's parsed sheet and the grid of its
    # cells) is kept to the end of a command-line run: freeing it only cost time there.
    code = (
        "from amo_data import runtime\n"
        "runtime.one_short_run()\n"
        "from amo_data.validate import check_bytes\n"
        "from tests.workbooks import xlsx\n"
        "rows = [['Afdeling', 'År', 'Område', 'Kategori', 'Beskrivelse'],\n"
        "        ['Lager', 2026, 'APV', 'Lykkes', 'Vi holder gangarealer ryddelige']]\n"
        "assert check_bytes('a.xlsx', xlsx({'Arbejdsark': rows})).ok\n"
        "print(sorted(type(o).__name__ for o in runtime._kept), runtime._kept_cells)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["['CalamineSheet',", "'RawSheet']", "20"]  # 2 rows x 5 columns, twice
