"""A store that cannot be used for a while: read-only, disk full, its file or server gone.

Every read and write then raises StoreUnavailable with a Danish message (what happened, that
nothing is lost, when to try again), stored data stay exactly as they were, and the same Store
object works again as soon as the cause is gone: no restart. SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from amo_data.errors import StoreUnavailable
from amo_data.store import Store, unavailable
from tests.pg import fresh_database
from tests.pg_server import pg_server  # noqa: F401 - fixture
from tests.test_store import plan, result


def _import(store: Store, department: str = "Lager", what: str = "Kursus") -> int:
    return store.import_results([result(f"{department}-{what}.xlsx", handleplan=[plan(department, 2026, what)])],
                                user="test").batch_id


def _state(store: Store) -> tuple:
    """What a user could see of the store: every current row, the history and the audit log."""
    current = store.current()
    return ({t: df.to_dict("records") for t, df in current.items()}, store.history(), store.audit_log())


@contextmanager
def read_only(path: Path):
    """The file may not be written (root may write any file it may not: then it is made immutable)."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
            pytest.skip("chattr +i is not allowed here (root ignores file permissions)")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(mode)


def _sqlite(tmp_path: Path) -> tuple[Store, Path]:
    path = tmp_path / "data" / "amo.sqlite"
    store = Store(f"sqlite:///{path}")
    _import(store)
    return store, path


def test_a_read_only_sqlite_file_refuses_writes_in_danish_and_heals_without_a_restart(tmp_path):
    store, path = _sqlite(tmp_path)
    before = _state(store)
    with read_only(path):
        # The dashboard (re)started while the file is read-only: SQLite opens it read-only.
        store = Store(f"sqlite:///{path}")
        assert _state(store) == before  # reading works
        with pytest.raises(StoreUnavailable) as info:
            _import(store, "Kantine")
        assert info.value.message == (
            "Databasen kan ikke skrives lige nu: databasen er skrivebeskyttet. Intet er ændret, og intet er gået "
            "tabt. Prøv igen, når databasen må skrives igen.")
        assert info.value.exit_code == 2
        with pytest.raises(StoreUnavailable):
            store.undo(1, user="test")
        assert _state(store) == before
    _import(store, "Kantine")  # the same Store object, at once: its read-only connections are not used
    assert {b["id"]: b["state"] for b in store.history()} == {1: "current", 2: "current"}


def test_a_missing_sqlite_folder_or_file_is_said_and_never_replaced_by_an_empty_store(tmp_path):
    store, path = _sqlite(tmp_path)
    before = _state(store)
    moved = tmp_path / "flyttet"
    path.parent.rename(moved)  # e.g. a network drive that is not mounted
    store.engine.dispose()  # connections opened from now on
    for action in (store.current, store.history, lambda: _import(store, "Kantine")):
        with pytest.raises(StoreUnavailable) as info:
            action()
        assert "databasefilen kan ikke åbnes" in info.value.message and "intet er gået tabt" in info.value.message.lower()
    path.parent.mkdir()  # the folder is back, but empty: no new, empty store is made there
    with pytest.raises(StoreUnavailable):
        store.current()
    assert not path.exists()
    path.parent.rmdir()
    moved.rename(path.parent)
    assert _state(store) == before
    _import(store, "Kantine")


@contextmanager
def _tiny_disk(directory: Path, size: str = "2M"):
    directory.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)],
                                           capture_output=True).returncode:
        pytest.skip("no tmpfs can be mounted here (test_the_disk_full_message_of_sqlite covers the words)")
    try:
        yield directory
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=True)


def test_a_full_disk_refuses_an_import_in_danish_and_the_store_heals_when_space_is_freed(tmp_path):
    with _tiny_disk(tmp_path / "disk") as disk:
        store = Store(f"sqlite:///{disk / 'amo.sqlite'}")
        _import(store)
        before = _state(store)
        filler = disk / "fyld"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:  # fill the disk to the last byte
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        many = [plan("Kantine", 2026, f"Handling {i} " + "x" * 400) for i in range(2000)]
        with pytest.raises(StoreUnavailable) as info:
            store.import_results([result("stor.xlsx", handleplan=many)], user="test")
        assert "disken er fuld" in info.value.message and "Intet er ændret" in info.value.message
        filler.unlink()
        assert _state(store) == before
        store.import_results([result("stor.xlsx", handleplan=many[:50])], user="test")
        assert len(store.current()["handleplan"]) == 51


def test_the_disk_full_message_of_sqlite():
    # SQLite's own error, made real with a page limit instead of a full disk.
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("PRAGMA max_page_count = 2")
    with pytest.raises(sqlite3.OperationalError) as info:
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,)] * 100)
    assert str(info.value) == "database or disk is full"
    wrapped = sa.exc.OperationalError("INSERT", None, info.value)
    assert unavailable(wrapped, writing=True).message == (
        "Databasen kan ikke skrives lige nu: disken er fuld. Intet er ændret, og intet er gået tabt. Prøv igen, "
        "når der er frigjort plads på disken.")


# --------------------------------------------------------------------------- PostgreSQL


def test_a_read_only_postgresql_database_refuses_writes_and_heals_without_a_restart():
    with fresh_database() as url:
        store = Store(url)
        _import(store)
        before = _state(store)
        name = sa.engine.make_url(url).database
        admin = sa.create_engine(sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT",
                                 poolclass=sa.pool.NullPool)

        def set_read_only(on: bool) -> None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {"on" if on else "off"}')

        try:
            set_read_only(True)
            store.engine.dispose()  # every connection from now on is opened read-only
            assert _state(store) == before  # reading works, and pools read-only connections
            with pytest.raises(StoreUnavailable) as info:
                _import(store, "Kantine")
            assert "databasen er skrivebeskyttet" in info.value.message and "Intet er ændret" in info.value.message
            assert _state(store) == before
            set_read_only(False)
            _import(store, "Kantine")  # the same Store object: the read-only connections are not used
            assert len(store.history()) == 2
        finally:
            set_read_only(False)
            store.close()
            admin.dispose()


def test_a_stopped_postgresql_server_is_said_and_the_store_heals_when_it_runs_again(pg_server):  # noqa: F811
    url = pg_server.fresh_url()
    store = Store(url)
    try:
        _import(store)
        before = _state(store)
        pg_server.stop()
        try:
            for action in (store.current, store.data_version, lambda: _import(store, "Kantine")):
                with pytest.raises(StoreUnavailable) as info:
                    action()
                assert "databaseserveren svarer ikke" in info.value.message, info.value.message
                assert "intet er gået tabt" in info.value.message.lower()
        finally:
            pg_server.start()
        assert _state(store) == before  # the same Store object, at once
        _import(store, "Kantine")
        assert len(store.history()) == 2
        pg_server.stop()
        with pytest.raises(StoreUnavailable) as info:  # a new Store while the server is down
            Store(url)
        assert info.value.message.startswith('Kan ikke åbne databasen "postgresql+psycopg://postgres:***@127.0.0.1:')
        assert "databaseserveren svarer ikke" in info.value.message
    finally:
        if not _server_runs(pg_server):
            pg_server.start()
        store.close()


def _server_runs(server) -> bool:
    try:
        with sa.create_engine(server.url, poolclass=sa.pool.NullPool).connect():
            return True
    except sa.exc.OperationalError:
        return False


# --------------------------------------------------------------------------- the pages

APP = str(Path(__file__).resolve().parents[1] / "app.py")
GOOD = ("Afdeling;År;Hvad;Område;Hjælp;Hvornår;Status\n"
        "Kantine;2027;Kursus i kemisk risikovurdering;Kemi;Sagkyndig bistand;1. kvartal 2027;Planlagt\n")


def _page(page: str | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60).run()
    if page:
        at.switch_page(page).run()
    return at


def _no_crash(at) -> None:
    assert not at.exception, [e.message for e in at.exception]  # no "This app has encountered an error"


def test_a_save_to_a_read_only_store_says_so_until_it_works_again(tmp_path, monkeypatch):
    from amo_data.cli import main as cli

    path = tmp_path / "amo.sqlite"
    monkeypatch.setenv("AMO_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("AMO_TODAY", "2026-11-26")
    assert cli(["seed-sample"]) == 0
    before = _state(Store())
    with read_only(path):  # the dashboard starts while the file is read-only
        at = _page("pages/1_Upload.py")
        _no_crash(at)
        at.file_uploader[0].set_value(("kantine-plan.csv", GOOD.encode("cp1252"), "text/csv")).run()
        at.button(key="save_uploads").click().run()
        _no_crash(at)
        message = ("Databasen kan ikke skrives lige nu: databasen er skrivebeskyttet. Intet er ændret, og intet er "
                   "gået tabt. Prøv igen, når databasen må skrives igen.")
        assert [e.value.replace("\\", "") for e in at.error] == [message]
        at.run()  # it stays on the page
        assert [e.value.replace("\\", "") for e in at.error] == [message]
        assert _state(Store()) == before
        at.switch_page("app.py").run()  # and on the other pages, which show the data meanwhile
        _no_crash(at)
        assert at.metric and [e.value.replace("\\", "") for e in at.error] == [message]
        at.switch_page("pages/1_Upload.py").run()
    at.file_uploader[0].set_value(("kantine-plan.csv", GOOD.encode("cp1252"), "text/csv")).run()
    at.button(key="save_uploads").click().run()  # in the same process: no restart
    _no_crash(at)
    assert not at.error
    assert any("Gemt som import nr. 2" in s.value for s in at.success)


def _overview_metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_a_stopped_postgresql_server_is_said_on_the_page_and_the_data_come_back(pg_server, monkeypatch):  # noqa: F811
    from amo_data.cli import main as cli

    monkeypatch.setenv("AMO_DATABASE_URL", pg_server.fresh_url())
    monkeypatch.setenv("AMO_TODAY", "2026-11-26")
    assert cli(["seed-sample"]) == 0
    at = _page()
    _no_crash(at)
    tiles = _overview_metric(at, "Afdelinger med drøftelse 2026")
    pg_server.stop()
    try:
        at.run()
        _no_crash(at)
        [error] = [e.value.replace("\\", "") for e in at.error]
        assert error == ("Databasen kan ikke læses lige nu: databaseserveren svarer ikke (kører PostgreSQL?). "
                         "Intet er gået tabt. Prøv igen, når databaseserveren kører igen.")
        assert not at.metric
    finally:
        pg_server.start()
    at.run()  # the same process, the next click
    _no_crash(at)
    assert not at.error and _overview_metric(at, "Afdelinger med drøftelse 2026") == tiles


def test_a_store_whose_folder_is_gone_is_said_on_the_page_and_the_data_come_back(tmp_path, monkeypatch):
    import amo_ui as ui
    from amo_data.cli import main as cli

    path = tmp_path / "data" / "amo.sqlite"
    monkeypatch.setenv("AMO_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("AMO_TODAY", "2026-11-26")
    assert cli(["seed-sample"]) == 0
    at = _page("pages/5_Uddannelse.py")
    courses = _overview_metric(at, "Kurser")
    moved = tmp_path / "flyttet"
    path.parent.rename(moved)
    ui.store().engine.dispose()  # no connection left open from before
    at.run()
    _no_crash(at)
    assert [e.value.replace("\\", "") for e in at.error] == [
        "Databasen kan ikke læses lige nu: databasefilen kan ikke åbnes (findes den og dens mappe, og må der skrives "
        "i mappen?). Intet er gået tabt. Prøv igen, når filen kan åbnes igen."]
    moved.rename(path.parent)
    at.run()
    _no_crash(at)
    assert not at.error and _overview_metric(at, "Kurser") == courses


def test_a_new_store_whose_folder_cannot_be_made_is_said_in_danish(tmp_path):
    (tmp_path / "fil").write_text("ikke en mappe")
    with pytest.raises(StoreUnavailable) as info:
        Store(f"sqlite:///{tmp_path / 'fil' / 'data' / 'amo.sqlite'}")
    assert info.value.message.startswith('Kan ikke oprette databasen "sqlite:///') and "Intet er ændret" in info.value.message
