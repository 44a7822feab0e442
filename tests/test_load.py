"""Load: 8 sessions (separate processes) import and read against one store at the same time,
SQLite and PostgreSQL. No process may fail, no import may be lost, and every read must see
whole imports only (data-format.md "What an import does": an import is all or nothing).

Each process owns one department. In round r it imports a CSV with r + 2 rows for its
department (so every import is a new batch and each size says which import a reader saw), then
reads ``Store.current()``, ``summary.summary(...)`` and ``Store.history()``.
"""

from __future__ import annotations

import queue as queue_module
import time
import traceback

import pytest

from amo_data import summary
from amo_data.schema import TABLES
from amo_data.store import Store
from amo_data.validate import check_bytes
from tests.pg import postgres_url  # noqa: F401 - fixture
from tests.processes import process_context

PROCESSES = 8
ROUNDS = 5
TIMEOUT = 120  # seconds for the whole run
TODAY = "2026-11-26"
CATEGORIES = ("Vigtig opgave", "Lykkes", "Brug for at styrke")
HEADER = "Afdeling;År;Område;Kategori;Beskrivelse;Hjælp\r\n"


def department(index: int) -> str:
    return f"Afdeling {index}"


def size(round_: int) -> int:
    return round_ + 2


def descriptions(index: int, round_: int) -> list[str]:
    return [f"Punkt {k} i runde {round_} for afdeling {index}" for k in range(size(round_))]


def csv_file(index: int, round_: int) -> tuple[str, bytes]:
    lines = []
    for k, text in enumerate(descriptions(index, round_)):
        category = CATEGORIES[k % 3]
        help_ = "Udefra" if category == "Brug for at styrke" else ""
        lines.append(f"{department(index)};2026;Ergonomi;{category};{text};{help_}\r\n")
    return f"afdeling-{index}-runde-{round_}.csv", (HEADER + "".join(lines)).encode("utf-8")


def _read(store: Store) -> dict[str, int]:
    """One reading session: rows per department, checked against the summary of the same data."""
    tables = store.current()
    ark = tables["arbejdsark"]
    counts = ark["department"].value_counts().to_dict()
    figures = summary.summary(tables, today=TODAY)
    by_dept = {}
    for record in figures["entries_by_department"]:
        values = [record["vigtig_opgave"], record["lykkes"], record["brug_for_at_styrke"]]
        assert all(isinstance(v, int) and v >= 0 for v in values), record
        by_dept[record["department"]] = sum(values)
    assert by_dept == counts, (by_dept, counts)
    needs = sum(r["count"] for r in figures["needs_by_help"])
    assert needs == int((ark["category"] == "Brug for at styrke").sum())
    assert all(r["count"] >= 0 for r in figures["needs_by_help"])
    assert set(figures["departments"]) == set(counts)
    history = store.history()
    assert all(b["state"] in ("current", "replaced", "undone") for b in history)
    ids = [b["id"] for b in history]
    assert ids == sorted(ids, reverse=True), "history is newest first"
    return {str(k): int(v) for k, v in counts.items()}


def worker(url: str, index: int, barrier, out) -> None:
    """One session: ROUNDS times import then read. Reports (index, error, batch ids, reads)."""
    batch_ids: list[int] = []
    reads: list[tuple[float, dict[str, int]]] = []
    try:
        barrier.wait(timeout=60)
        store = Store(url)  # all at once on a fresh database: the schema is created concurrently
        for round_ in range(ROUNDS):
            name, data = csv_file(index, round_)
            result = check_bytes(name, data)
            assert result.ok and result.rows["arbejdsark"] == size(round_), [p.message for p in result.errors]
            outcome = store.import_results([result], user=f"bruger-{index}")
            assert not outcome.unchanged and outcome.batch_id is not None
            batch_ids.append(outcome.batch_id)
            counts = _read(store)
            # Read your own write: this department now has exactly this import's rows.
            assert counts.get(department(index)) == size(round_), (counts, round_)
            reads.append((time.monotonic(), counts))
        store.close()
        out.put((index, None, batch_ids, reads))
    except BaseException:  # noqa: BLE001 - reported to the parent, which fails the test
        out.put((index, traceback.format_exc(), batch_ids, reads))


def run_sessions(url: str) -> None:
    ctx = process_context()
    barrier = ctx.Barrier(PROCESSES)
    out = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(url, i, barrier, out), daemon=True) for i in range(PROCESSES)]
    deadline = time.monotonic() + TIMEOUT
    for p in procs:
        p.start()
    reports = {}
    try:
        while len(reports) < PROCESSES:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"only {len(reports)} of {PROCESSES} sessions finished within {TIMEOUT} s")
            try:
                index, error, batch_ids, reads = out.get(timeout=min(left, 5))
            except queue_module.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                assert not dead, f"a session died: exit codes {[p.exitcode for p in procs]}"
                continue
            reports[index] = (error, batch_ids, reads)
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
                p.join()

    errors = {i: r[0] for i, r in reports.items() if r[0]}
    assert not errors, "\n".join(f"session {i}:\n{e}" for i, e in errors.items())

    # Every import is a batch in the history, none lost, none extra.
    all_ids = [b for r in reports.values() for b in r[1]]
    assert len(all_ids) == len(set(all_ids)) == PROCESSES * ROUNDS
    store = Store(url)
    try:
        history = store.history()
        assert sorted(b["id"] for b in history) == sorted(all_ids)
        by_id = {b["id"]: b for b in history}
        for index, (_, ids, _) in reports.items():
            for round_, batch_id in enumerate(ids):
                batch = by_id[batch_id]
                assert batch["files"] == [csv_file(index, round_)[0]]
                assert batch["rows"] == {**dict.fromkeys(TABLES, 0), "arbejdsark": size(round_)}
                assert batch["state"] == ("current" if round_ == ROUNDS - 1 else "replaced")
            assert ids == sorted(ids), "one session's imports get increasing ids"

        # No lost row: each department holds exactly the last content it imported.
        final = store.current()["arbejdsark"]
        for index in range(PROCESSES):
            rows = final[final["department"] == department(index)]
            assert sorted(rows["description"]) == sorted(descriptions(index, ROUNDS - 1))
            assert set(rows["year"]) == {2026}
        assert len(final) == PROCESSES * size(ROUNDS - 1)
        figures = summary.summary(store.current(), today=TODAY)
        assert {r["department"]: r["vigtig_opgave"] + r["lykkes"] + r["brug_for_at_styrke"]
                for r in figures["entries_by_department"]} == {department(i): size(ROUNDS - 1) for i in range(PROCESSES)}
    finally:
        store.close()

    # Reads saw whole imports only, and never went back in time within one session.
    sizes = {size(r) for r in range(ROUNDS)}
    for index, (_, _, reads) in reports.items():
        assert len(reads) == ROUNDS
        last: dict[str, int] = {}
        for _, counts in reads:
            for dept, n in counts.items():
                assert n in sizes, f"session {index} saw {n} rows of {dept}: part of an import"
                assert n >= last.get(dept, 0), f"session {index} saw {dept} go back from {last[dept]} to {n}"
                last[dept] = n


def test_eight_sessions_on_one_sqlite_store(tmp_path):
    started = time.monotonic()
    run_sessions(f"sqlite:///{tmp_path / 'amo.sqlite'}")
    assert time.monotonic() - started < TIMEOUT


def test_eight_sessions_on_one_postgresql_store(postgres_url):  # noqa: F811 - pytest fixture
    started = time.monotonic()
    run_sessions(postgres_url)
    assert time.monotonic() - started < TIMEOUT
