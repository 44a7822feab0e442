"""Data protection: erasing one department, or one person (training register, member list,
meeting participants).

Both erasures run on SQLite (a file in tmp_path) and PostgreSQL (tests/pg.py). Files are real
CSV bytes checked by amo_data.validate, as an upload would be.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from amo_data.errors import AmoError
from amo_data.schema import ARBEJDSARK, HANDLEPLAN, MEDLEMMER, ORGANISATION, TABLES, UDDANNELSE
from amo_data.store import DATA, Store, versions
from amo_data.validate import FileResult, check_bytes
from tests.pg import fresh_database

ADMIN = "admin"


def csv(name: str, header: str, *lines: str) -> FileResult:
    result = check_bytes(name, ("\n".join((header, *lines)) + "\n").encode("utf-8"))
    assert result.ok, result.errors
    return result


def ark(name: str, *lines: str) -> FileResult:
    return csv(name, "Afdeling;År;Område;Kategori;Beskrivelse", *lines)


def plan(name: str, *lines: str) -> FileResult:
    return csv(name, "Afdeling;År;Hvad;Område;Hjælp;Hvornår;Status", *lines)


def udd(name: str, *lines: str) -> FileResult:
    return csv(name, "Afdeling;Rolle;Navn;Kursus;Timer;Hvornår;Status", *lines)


def members(name: str, *lines: str) -> FileResult:
    return csv(name, "Afdeling;Navn;Rolle;Tiltrådt;E-mail", *lines)


def organisation(name: str, *lines: str) -> FileResult:
    return csv(name, "Afdeling;Overordnet", *lines)


def rows(**counts: int) -> dict[str, int]:
    return {**dict.fromkeys(TABLES, 0), **counts}


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'amo.sqlite'}")
        yield s
        s.close()
    else:
        with fresh_database() as url:
            s = Store(url)
            yield s
            s.close()


def all_rows(store: Store, department: str) -> dict[str, int]:
    """Rows of a department in every version (current, replaced, undone), per table."""
    with store.engine.connect() as conn:
        return {t: conn.execute(sa.select(sa.func.count()).select_from(DATA[t])
                                .where(sa.func.lower(DATA[t].c.department) == department.lower())).scalar_one()
                for t in TABLES}


def current_departments(store: Store) -> dict[str, set[str]]:
    return {t: set(frame["department"]) for t, frame in store.current().items()}


def two_versions_of_salg(store: Store) -> tuple[int, int]:
    """Batch 1: Salg and Lager in all tables; batch 2 replaces Salg's groups."""
    first = store.import_results([
        ark("ark.csv", "Salg;2026;Ergonomi;Lykkes;Gode løfteteknikker", "Lager;2026;Ergonomi;Behov;Truckkørsel",
            "Salg;2025;Trivsel;Behov;Travlhed"),
        plan("plan.csv", "Salg;2026;Kursus i stress;Trivsel;Egen;3. kvartal 2026;Planlagt",
             "Lager;2026;Kemikursus;Kemi;Udefra;Q4 2026;Ikke startet"),
        udd("udd.csv", "Salg;AMR;MH;Supplerende kursus;14,8;2026-Q2;Tilmeldt",
            "Lager;AMR;PJ;Supplerende kursus;14,8;2026-Q2;Gennemført"),
    ], user="mette")
    second = store.import_results([
        ark("ark2.csv", "Salg;2026;Ergonomi;Lykkes;Bedre løfteteknikker"),
        plan("plan2.csv", "Salg;2026;Kursus i stress og trivsel;Trivsel;Egen;3. kvartal 2026;I gang"),
        udd("udd2.csv", "SALG;AMR;MH;Supplerende kursus, del 2;11,1;2026-Q4;Tilbudt"),
    ], user="mette")
    return first.batch_id, second.batch_id


def test_delete_department_erases_current_and_historical_rows(store):
    first, second = two_versions_of_salg(store)
    lager_before = {t: f[f["department"] == "Lager"].drop(columns="id").to_dict("records")
                    for t, f in store.current().items()}
    history_before = store.history()
    version_before = store.data_version()
    assert all_rows(store, "Salg") == rows(arbejdsark=3, handleplan=2, uddannelse=2)

    result = store.delete_department("  salg ", user=ADMIN)

    assert result["department"] == "Salg"
    assert result["rows"] == rows(arbejdsark=3, handleplan=2, uddannelse=2)
    assert "Salg" in result["message"] and "7 rækker" in result["message"]
    assert all_rows(store, "Salg") == dict.fromkeys(TABLES, 0)
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(versions)
                            .where(versions.c.dept_key == "salg")).scalar_one() == 0
    assert all("Salg" not in names for names in current_departments(store).values())
    assert store.departments() == ["Lager"]
    # Other departments are untouched, row for row.
    assert {t: f[f["department"] == "Lager"].drop(columns="id").to_dict("records")
            for t, f in store.current().items()} == lager_before
    # The history keeps its batches and what the files held.
    assert [(b["id"], b["rows"], b["files"]) for b in store.history()] == \
        [(b["id"], b["rows"], b["files"]) for b in history_before]
    assert store.data_version() > version_before
    line = store.audit_log(limit=1)[0]
    assert line["action"] == "delete_department"
    assert line["user"] == ADMIN
    assert line["details"]["department"] == "Salg"
    assert line["details"]["rows"] == rows(arbejdsark=3, handleplan=2, uddannelse=2)
    assert store.batch_departments(second) == []
    assert store.batch_departments(first) == ["Lager"]


def test_undo_after_deleting_a_department_does_not_bring_it_back(store):
    first, second = two_versions_of_salg(store)
    store.delete_department("Salg", user=ADMIN)

    store.undo(second, user=ADMIN)  # wrote only Salg: nothing of it is left to restore
    assert all_rows(store, "Salg") == dict.fromkeys(TABLES, 0)
    assert "Salg" not in store.departments()

    store.undo(first, user=ADMIN)  # removes Lager as an undo does; Salg stays erased
    assert all_rows(store, "Salg") == dict.fromkeys(TABLES, 0)
    assert not store.has_current_data()

    # A new import of the department starts afresh.
    store.import_results([ark("ny.csv", "Salg;2027;Ergonomi;Lykkes;Ny start")], user="mette")
    assert store.current()[ARBEJDSARK]["description"].tolist() == ["Ny start"]


def test_delete_unknown_department_is_a_danish_error_and_changes_nothing(store):
    two_versions_of_salg(store)
    version = store.data_version()
    audit = len(store.audit_log())
    with pytest.raises(AmoError, match='Afdelingen "Marketing" findes ikke'):
        store.delete_department("Marketing", user=ADMIN)
    with pytest.raises(AmoError):
        store.delete_department("   ", user=ADMIN)
    assert store.data_version() == version
    assert len(store.audit_log()) == audit


def test_delete_person_erases_the_name_in_every_version(store):
    two_versions_of_salg(store)
    store.import_results([udd("lager.csv", "Lager;AMR;PJ;Supplerende kursus;14,8;2026-Q2;Gennemført",
                              "Lager;Arbejdsleder;mh;Førstehjælp;7,4;2026-Q3;Tilmeldt")], user="lars")
    kept_other_names = {"PJ"}

    result = store.delete_person(" Mh ", user=ADMIN)

    assert result["rows"] == 3  # Salg v1 + Salg v2 (SALG) + Lager
    assert "3 rækker" in result["message"]
    with store.engine.connect() as conn:
        names = conn.execute(sa.select(DATA[UDDANNELSE].c.name)).scalars().all()
    assert {n.casefold() for n in names} == {"pj"}
    assert set(store.current()[UDDANNELSE]["name"]) == kept_other_names
    # Arbejdsark and Handleplan are untouched.
    assert all_rows(store, "Salg")[ARBEJDSARK] == 3
    line = store.audit_log(limit=1)[0]
    assert line["action"] == "delete_person"
    assert line["user"] == ADMIN
    assert line["details"] == {"name": "Mh", "department": None, "rows": 3, "versions": 3, "meetings": 0}


def test_delete_person_in_one_department_only(store):
    store.import_results([udd("udd.csv", "Lager;AMR;Åse;Kursus;14,8;2026-Q2;Tilmeldt",
                              "Salg;AMR;åse;Kursus;14,8;2026-Q2;Tilmeldt")], user="lars")
    result = store.delete_person("ÅSE", user=ADMIN, department="lager")
    assert result["rows"] == 1 and result["department"] == "Lager"
    assert store.current()[UDDANNELSE][["department", "name"]].values.tolist() == [["Salg", "åse"]]
    with pytest.raises(AmoError, match='ingen rækker i Uddannelse eller Medlemmer med navnet "Åse" i afdelingen "Lager"'):
        store.delete_person("Åse", user=ADMIN, department="Lager")
    with pytest.raises(AmoError, match='Afdelingen "Kontor" findes ikke'):
        store.delete_person("åse", user=ADMIN, department="Kontor")


def test_reimporting_the_file_without_the_person_changes_nothing(store):
    store.import_results([udd("udd.csv", "Lager;AMR;PJ;Kursus;14,8;2026-Q2;Tilmeldt",
                              "Lager;AMR;MH;Kursus;14,8;2026-Q2;Tilmeldt")], user="lars")
    store.delete_person("MH", user=ADMIN)
    again = store.import_results([udd("udd-rettet.csv", "Lager;AMR;PJ;Kursus;14,8;2026-Q2;Tilmeldt")], user="lars")
    assert again.unchanged


def test_delete_unknown_person_is_an_error_and_audits_nothing(store):
    two_versions_of_salg(store)
    audit = len(store.audit_log())
    with pytest.raises(AmoError, match='ingen rækker i Uddannelse eller Medlemmer med navnet "XY"'):
        store.delete_person("XY", user=ADMIN)
    with pytest.raises(AmoError):
        store.delete_person("", user=ADMIN)
    assert len(store.audit_log()) == audit


def test_batch_and_action_departments(store):
    first, second = two_versions_of_salg(store)
    assert store.batch_departments(first) == ["Lager", "Salg"]
    assert store.batch_departments(second) == ["Salg"]
    assert store.batch_departments(999) == []
    plan_rows = store.current()[HANDLEPLAN]
    for action_id, department in zip(plan_rows["id"], plan_rows["department"], strict=True):
        assert store.action_department(int(action_id)) == department
    assert store.action_department(999_999) is None
    assert store.action_department("x") is None
    with pytest.raises(AmoError, match="ikke et importnummer"):
        store.batch_departments("x")


def test_sqlite_file_keeps_no_trace_of_erased_rows(tmp_path):
    path = tmp_path / "amo.sqlite"
    secret = "Fortrolig-punkt-7Q9Z"
    with Store(f"sqlite:///{path}") as store:
        store.import_results([ark("ark.csv", f"Salg;2026;Ergonomi;Lykkes;{secret}",
                                  "Lager;2026;Ergonomi;Lykkes;Andet punkt")], user="mette")
        store.import_results([ark("ark2.csv", f"Salg;2026;Ergonomi;Lykkes;{secret} igen")], user="mette")

        def on_disk() -> bytes:
            return b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("amo.sqlite"))

        assert secret.encode() in on_disk()
        store.delete_department("Salg", user=ADMIN)
        assert secret.encode() not in on_disk()
        assert b"Andet punkt" in on_disk()


def test_known_departments_include_undone_data_until_erased(store):
    first, _second = two_versions_of_salg(store)
    store.import_results([ark("kontor.csv", "Kontor;2026;Ergonomi;Lykkes;Hæve-sænkeborde")], user="lis")
    kontor = store.history()[0]["id"]
    store.undo(kontor, user=ADMIN)
    assert store.departments() == ["Lager", "Salg"]
    assert store.known_departments() == ["Kontor", "Lager", "Salg"]
    store.delete_department("kontor", user=ADMIN)
    assert store.known_departments() == ["Lager", "Salg"]


def salg_with_members_and_organisation(store: Store) -> None:
    """Salg and Lager with data, member lists in two versions, a place in the organisation, a
    meeting and a draft; Webshop is a unit under Salg, Kundeservice a unit above it."""
    store.import_results([
        ark("ark.csv", "Salg;2026;Ergonomi;Lykkes;Gode løft", "Lager;2026;Ergonomi;Behov;Truck"),
        members("m.csv", "Salg;Mette Holm;AMR;01-09-2025;mh@firma.dk", "Lager;Per Jensen;AMR;01-01-2024;"),
        organisation("o.csv", "Salg;Kundeservice", "Webshop;Salg", "Lager;Drift"),
    ], user="mette")
    store.import_results([members("m2.csv", "salg;Mette Holm;AMR;01-09-2025;mh@firma.dk",
                                  "Salg;Ida Berg;Arbejdsleder;01-02-2026;")],
                         user="mette", meeting={"department": "Salg", "year": 2026, "held_on": dt.date(2026, 3, 2),
                                                "participants": ["Mette Holm", "Ida Berg"], "author": "mette"})
    store.save_preparation("mette", "Salg", 2026, {"noter": "Mette Holm vil tale om løft"})


def test_delete_department_erases_its_members_its_place_its_meetings_and_drafts(store):
    salg_with_members_and_organisation(store)
    assert all_rows(store, "Salg") == rows(arbejdsark=1, medlemmer=3, organisation=1)
    assert store.known_departments() == ["Lager", "Salg"]  # Webshop, Kundeservice, Drift: units

    result = store.delete_department("SALG", user=ADMIN)

    assert result["rows"] == rows(arbejdsark=1, medlemmer=3, organisation=1) and result["meetings"] == 1
    assert all_rows(store, "Salg") == dict.fromkeys(TABLES, 0)
    current = store.current()
    assert current[MEDLEMMER]["name"].tolist() == ["Per Jensen"]
    # Its own place is gone; the unit under it keeps its row (naming Salg as its parent).
    assert sorted(map(tuple, current[ORGANISATION][["department", "parent"]].values.tolist())) == [
        ("Lager", "Drift"), ("Webshop", "Salg")]
    assert store.meetings("Salg", 2026) == [] and store.preparations("Salg", 2026) == []
    assert store.audit_log(limit=1)[0]["details"]["rows"][MEDLEMMER] == 3
    # A unit that is only in Organisation is not a department to erase.
    with pytest.raises(AmoError, match='Afdelingen "Webshop" findes ikke'):
        store.delete_department("Webshop", user=ADMIN)
    assert store.known_departments() == ["Lager"]


def test_delete_person_erases_the_member_rows_and_the_name_among_meeting_participants(store):
    salg_with_members_and_organisation(store)
    store.import_results([udd("udd.csv", "Salg;AMR;mette  HOLM;Kursus;14,8;2026-Q2;Tilmeldt")], user="mette")

    result = store.delete_person("Mette Holm", user=ADMIN)

    assert (result["rows"], result["versions"], result["meetings"]) == (3, 3, 1)  # 2 members + 1 course
    assert "Uddannelse og Medlemmer" in result["message"] and "1 møde" in result["message"]
    with store.engine.connect() as conn:
        for table in (UDDANNELSE, MEDLEMMER):
            names = conn.execute(sa.select(DATA[table].c.name)).scalars().all()
            assert all("holm" not in n.casefold() for n in names), table
    assert store.current()[MEDLEMMER]["name"].tolist() == ["Per Jensen", "Ida Berg"]
    [meeting] = store.meetings("salg", 2026)
    assert meeting["participants"] == ["Ida Berg"]
    assert store.history()[1]["meeting"]["participants"] == ["Ida Berg"]
    line = store.audit_log(limit=1)[0]
    assert line["details"] == {"name": "Mette Holm", "department": None, "rows": 3, "versions": 3, "meetings": 1}
    # Re-importing the member list without the person changes nothing.
    again = store.import_results([members("m3.csv", "Salg;Ida Berg;Arbejdsleder;01-02-2026;")], user="mette")
    assert again.unchanged


def test_delete_person_in_one_department_keeps_the_same_name_elsewhere(store):
    store.import_results([members("m.csv", "Salg;Åse Berg;AMR;01-09-2025;", "Lager;ÅSE  berg;AMR;01-09-2025;")],
                         user="mette")
    result = store.delete_person("åse berg", user=ADMIN, department="lager")
    assert result["rows"] == 1 and result["department"] == "Lager"
    assert store.current()[MEDLEMMER][["department", "name"]].values.tolist() == [["Salg", "Åse Berg"]]


def test_version_ids_continue_after_an_erasure(store):
    store.import_results([ark("a.csv", "Lager;2026;Ergonomi;Lykkes;a", "Kontor;2026;Ergonomi;Lykkes;b")], user="u")
    store.delete_department("Kontor", user=ADMIN)  # erases the newest group version
    outcome = store.import_results([ark("b.csv", "Øst;2026;Ergonomi;Lykkes;c", "Lager;2026;Ergonomi;Lykkes;d")],
                                   user="u")
    assert (outcome.groups_replaced, outcome.groups_new) == (1, 1)
    with store.engine.connect() as conn:
        groups = conn.execute(versions.select().order_by(versions.c.id)).all()
    assert [(g.department, g.state, g.previous_id) for g in groups] == [
        ("Lager", "replaced", None), ("Øst", "current", None), ("Lager", "current", 1)]
    # SQLite gives the largest id + 1 (as it always did); PostgreSQL's sequence does not reuse 2.
    assert [g.id for g in groups] == ([1, 2, 3] if store.is_sqlite else [1, 3, 4])
    assert sorted(store.current()[ARBEJDSARK]["description"]) == ["c", "d"]
    store.undo(outcome.batch_id, user="u")
    assert store.current()[ARBEJDSARK]["description"].tolist() == ["a"]
