"""amo_data.sandbox: an uploaded file is read and checked in a child process
(``validate.check_bytes``), so whatever goes wrong there (a native abort, a runaway allocation,
an endless loop) costs one check with a Danish message, never the process that asked (the
dashboard's server)."""

from __future__ import annotations

import gc
import threading
import os
import resource
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from amo_data import reader, sandbox
from amo_data.validate import check_bytes
from amo_data.errors import AmoError
from tests.workbooks import xlsx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "malformed"
LIMITS = 'Filen "x.xlsx" kunne ikke læses: den kræver mere hukommelse eller tid, end et regneark må bruge.'
HEADER = ["Afdeling", "År", "Område", "Kategori", "Beskrivelse"]


def _workbook(department: str, rows: int = 3) -> bytes:
    return xlsx({"Arbejdsark": [HEADER] + [[department, 2026, "APV", "Lykkes", f"Punkt {i}"] for i in range(rows)]})


def _refused(*args, **kwargs) -> str:
    with pytest.raises(AmoError) as info:
        sandbox.run("x.xlsx", *args, **kwargs)
    assert info.value.exit_code == 2
    return info.value.message


def test_a_result_comes_back_from_the_child():
    sheets = sandbox.run("x.xlsx", reader.parse_workbook, "x.xlsx", _workbook("Lager", 2))
    assert [(s.name, s.rows) for s in sheets] == [
        ("Arbejdsark", [HEADER, ["Lager", 2026.0, "APV", "Lykkes", "Punkt 0"],
                        ["Lager", 2026.0, "APV", "Lykkes", "Punkt 1"]]),
    ]
    assert sandbox.run("x.xlsx", os.getpid) != os.getpid()  # it ran elsewhere


def test_check_bytes_reads_and_checks_in_the_child_with_this_processs_settings(monkeypatch, tmp_path):
    areas = tmp_path / "omraader.toml"
    areas.write_text('[[omraade]]\nnavn = "Vold og trusler"\n', encoding="utf-8")
    monkeypatch.setenv("AMO_AREAS_FILE", str(areas))  # set after the fork server started
    data = xlsx({"Arbejdsark": [HEADER, ["Lager", 2026, "Vold og trusler", "Lykkes", "Punkt"]]})
    result = check_bytes("x.xlsx", data)
    assert result.ok and not result.warnings  # the child knew the extra area
    assert list(result.tables["arbejdsark"]["area"]) == ["Vold og trusler"]


def test_calamine_aborting_natively_costs_one_check_and_is_reported_in_danish():
    # The file the guard refuses (uniqueCount 2147483647), handed to calamine in the child
    # without the guard: calamine asks for 48 GB, the allocation fails and Rust aborts the
    # process. The parent (this test's process) goes on and says why in Danish.
    hostile = (CORPUS / "tekstantal_loegn.xlsx").read_bytes()
    assert _refused(reader.parse_workbook, "x.xlsx", hostile) == LIMITS
    assert _refused(os.abort) == LIMITS  # SIGABRT, as a native abort
    # The next file is read as usual.
    assert check_bytes("x.xlsx", _workbook("Kontor")).tables["arbejdsark"]["department"][0] == "Kontor"


def test_the_memory_limit_stops_a_runaway_allocation():
    assert _refused(bytearray, 8 * 1024**3) == LIMITS  # 8 GB in one go
    # A smaller limit stops a smaller allocation: the limit is the child's, not fixed.
    assert sandbox.run("x.xlsx", len, bytearray(10)) == 10
    assert _refused(bytearray, 600 * 1024**2, memory=512 * 1024**2) == LIMITS


def test_the_time_limits_stop_an_endless_loop_and_a_hang():
    start = time.perf_counter()
    assert _refused(sum, range(10**13), cpu_seconds=1) == LIMITS  # busy: CPU time
    assert _refused(time.sleep, 600, wall_seconds=1) == LIMITS  # waiting: wall time
    assert time.perf_counter() - start < 30


def test_the_readers_own_message_comes_back_as_it_was():
    message = _refused(reader.parse_workbook, "x.xlsx", b"PK\x03\x04 not a workbook at all")
    assert message == 'Filen "x.xlsx" er beskadiget eller afkortet og kan ikke læses.'


def test_two_uploads_checked_at_once_both_succeed_and_nothing_process_wide_changes():
    before = (gc.isenabled(), gc.get_threshold(), resource.getrlimit(resource.RLIMIT_AS),
              resource.getrlimit(resource.RLIMIT_CPU), signal.getsignal(signal.SIGCHLD),
              signal.getsignal(signal.SIGALRM))
    departments = [f"Afdeling {i}" for i in range(6)]
    files = {d: _workbook(d, 200) for d in departments}

    def check(department: str):
        return check_bytes(f"{department}.xlsx", files[department])

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = dict(zip(departments, pool.map(check, departments)))
    for department, result in results.items():
        assert result.ok and result.rows["arbejdsark"] == 200
        assert set(result.tables["arbejdsark"]["department"]) == {department}
    after = (gc.isenabled(), gc.get_threshold(), resource.getrlimit(resource.RLIMIT_AS),
             resource.getrlimit(resource.RLIMIT_CPU), signal.getsignal(signal.SIGCHLD),
             signal.getsignal(signal.SIGALRM))
    assert after == before
    assert gc.isenabled()


def test_a_fork_server_that_died_is_started_again():
    check_bytes("x.xlsx", _workbook("Lager"))
    server = sandbox._server
    assert server is not None and server.poll() is None
    server.kill()
    server.wait()
    assert check_bytes("x.xlsx", _workbook("Lager")).ok
    assert sandbox._server is not server and sandbox._server.poll() is None


def test_the_fork_server_ends_with_the_process_that_started_it():
    code = (
        "from amo_data import sandbox\n"
        "from amo_data.validate import check_bytes\n"
        "from tests.workbooks import xlsx\n"
        "check_bytes('x.xlsx', xlsx({'Ark': [['a']]}))\n"
        "print(sandbox._server.pid, flush=True)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    pid = int(proc.stdout)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
        if state == "Z":  # ended, waiting for init to collect it
            return
        time.sleep(0.1)
    pytest.fail("the fork server outlived the process that started it")


def test_the_dashboards_server_refuses_hostile_workbooks_and_goes_on_checking(tmp_path):
    """Through a real Streamlit server and browser: each upload is checked in the server's
    script thread, its workbook parsed in the sandbox. Files that aborted or exhausted the
    process before get their Danish message; a good workbook next to them is checked as usual,
    and the server is still up afterwards."""
    import urllib.request

    from tests import browser as B

    if not Path(B.CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {B.CHROMIUM} (Debian package 'chromium')")
    sync_api = pytest.importorskip("playwright.sync_api")
    good = tmp_path / "lager.xlsx"
    good.write_bytes(xlsx({"Arbejdsark": [HEADER, ["Lager", 2026, "APV", "Lykkes", "Gode rutiner"]]}))
    hostile = [CORPUS / "tekstantal_loegn.xlsx", CORPUS / "delt_tekst_2000_gange.xlsx"]
    log = tmp_path / "streamlit.log"
    with B.streamlit_server(B.store_env(tmp_path, seed=False), log) as url, sync_api.sync_playwright() as p:
        browser = B.launch(p)
        try:
            page = browser.new_context(viewport=B.VIEWPORT, locale="da-DK").new_page()
            page.set_default_timeout(60_000)
            page.goto(url + "/")
            B.wait_ready(page)
            B.go_to(page, "Upload", "Upload af kompetenceark")
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([*hostile, good])
            page.get_by_text("Ingen fejl eller advarsler.").wait_for()
            B.wait_ready(page)
            text = B.main_text(page)
            assert "cancel tekstantal_loegn.xlsx" in text and "cancel delt_tekst_2000_gange.xlsx" in text
            assert "check_circle lager.xlsx" in text
            # The messages are in the problem tables (a canvas; their accessible table has the text).
            tables = page.get_by_test_id("stDataFrame")
            messages = ""
            for _ in range(50):  # the tables fill their text a moment after they are drawn
                for i in range(tables.count()):
                    tables.nth(i).scroll_into_view_if_needed()
                messages = " ".join(tables.all_text_contents())
                if "tekster" in messages and "MB tekst" in messages:
                    break
                page.wait_for_timeout(200)
            assert "2.147.483.647 forskellige tekster" in messages
            assert "indeholder over 250 MB tekst, når den pakkes ud" in messages
            assert not B.exceptions(page)
        finally:
            browser.close()
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as answer:
            assert answer.read().decode().strip() == "ok"
    assert "memory allocation" not in log.read_text(errors="replace")


# --- what a check leaves in the process that asked ---------------------------------------


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
