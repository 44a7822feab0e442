"""The Uddannelse page organised around people (issue 16), through Streamlit's AppTest.

The figures a user reads on the page are compared with the contract's figures of the same store
(``summary --json``, computed by ``amo_data.entitlement``) and with hand-checked facts of the
committed sample data (today 2026-11-26): Kim Thomsen (Værksted, arbejdsleder, joined
01-06-2026) has not completed the mandatory course and its deadline 01-09-2026 has passed; Jens
Christensen (Kantine, AMR, joined 01-10-2026) must complete it by 01-01-2027; Mads Christensen
(Produktion) was offered 7,4 of 11,1 hours in his 2nd year of service, due 14-07-2025; Susanne
Thomsen (Lager) left on 31-03-2025.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from amo_data import auth
from amo_data.cli import main as cli
from amo_data.store import Store
from amo_data.summary import summary_of_store
from amo_ui.people import build, history
from tests.browser import RENGORING_HANDLEPLAN
from tests.test_pages import metric
from tests.test_pages import signed_in as signed_in_page

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "pages/5_Uddannelse.py"
TODAY = "2026-11-26"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setenv("AMO_TODAY", TODAY)


def open_page(page: str = PAGE) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(page).run()  # opened by its address
    assert not at.exception, [e.message for e in at.exception]
    return at


def signed_in(role: str, departments: list[str] | None = None) -> AppTest:
    return signed_in_page(PAGE, role, departments)


def members_table(at: AppTest):
    [table] = [d.value for d in at.dataframe if "Grunduddannelse" in d.value.columns]
    return table


def members_colours(at: AppTest) -> dict[tuple[int, int], str]:
    """(row, column) -> the cell's background colour, from the table's CSS."""
    [proto] = [d.proto for d in at.dataframe if "Grunduddannelse" in d.value.columns]
    colours = {}
    for rule in proto.arrow_data.styler.styles.split("}"):
        if "{" not in rule:
            continue
        selectors, body = rule.split("{")
        colour = re.search(r"background-color:\s*(#[0-9a-f]{6})", body)
        for cell in re.finditer(r"_row(\d+)_col(\d+)", selectors):
            colours[(int(cell[1]), int(cell[2]))] = colour[1] if colour else ""
    return colours


def row(table, name: str) -> dict:
    [found] = table.loc[table["Navn"] == name].to_dict("records")
    return found


def choose(at: AppTest, year, departments: list[str]) -> AppTest:
    at.sidebar.selectbox(key="year").set_value(year).run()
    at.sidebar.multiselect(key="departments").set_value(departments).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


# --- sample data --------------------------------------------------------------------------------

def test_each_member_has_a_row_with_the_contracts_figures(sample_store):
    at = open_page()
    figures = summary_of_store(sample_store, today=TODAY)
    table = members_table(at)
    assert metric(at, "Medlemmer i AMO") == str(figures["members"]) == str(len(table)) == "20"
    overdue = [b for b in figures["basic_training"] if b["state"] == "overdue"]
    assert metric(at, "Grunduddannelse overskredet") == str(len(overdue)) == "1"
    # Each entitled member's row shows the state, hours and due date of the newest year of service.
    newest = {}
    for y in figures["entitlement"]:
        newest[(y["department"], y["name"])] = y
    labels = {"met": "Opfyldt", "open": "Åben", "missed": "Ikke opfyldt", "ended": "Fratrådt før fristen"}
    for r in table.to_dict("records"):
        y = newest.get((r["Afdeling"], r["Navn"]))
        if y is None:
            assert r["Rolle"] in ("Leder", "Andet") and r["Status"] == "Ikke omfattet", r
            continue
        day, month, year = r["Frist"].split("-")
        assert f"{year}-{month}-{day}" == y["due"], r
        assert r["Status"] == labels[y["state"]]
        offered, entitled = (str(y[k]).replace(".", ",").removesuffix(",0") for k in ("offered_hours",
                                                                                      "entitled_hours"))
        assert r["Tilbudt (timer)"] == f"{offered} af {entitled}", r
        assert r["Funktionsår"] == f"{y['year_of_service']}."
    mads = row(table, "Mads Christensen")
    assert (mads["Status"], mads["Frist"], mads["Tilbudt (timer)"]) == ("Åben", "14-07-2027", "0 af 11,1")


def test_overdue_and_due_basic_training_come_first_and_are_said_in_words(sample_store):
    at = open_page()
    table = members_table(at)
    assert list(table["Navn"][:2]) == ["Kim Thomsen", "Jens Christensen"]
    assert table["Grunduddannelse"][0] == "Overskredet (frist 01-09-2026)"
    assert table["Grunduddannelse"][1] == "Skal gennemføres senest 01-01-2027"
    lines = [w.value for w in at.warning if "arbejdsmiljøuddannelse" in w.value]
    assert lines == [
        "**Kim Thomsen** (Arbejdsleder, Værksted) har ikke gennemført den obligatoriske arbejdsmiljøuddannelse. "
        "Fristen var 01\\-09\\-2026.",
        "**Jens Christensen** (AMR, Kantine) skal gennemføre den obligatoriske arbejdsmiljøuddannelse "
        "senest 01\\-01\\-2027."]
    assert not at.error
    # Next: the members still without their offer, nearest due date first.
    open_rows = table.loc[table["Status"] == "Åben"]
    assert list(open_rows["Navn"]) == ["Kim Thomsen", "Mads Christensen", "Jens Møller", "Jørgen Larsen"]


def test_the_state_has_a_colour_beside_its_words(sample_store):
    at = open_page()
    table, colours = members_table(at), members_colours(at)
    status = list(table.columns).index("Status")
    basic = list(table.columns).index("Grunduddannelse")
    kim = table.index[table["Navn"] == "Kim Thomsen"][0]
    bo = table.index[table["Navn"] == "Bo Madsen"][0]
    leader = table.index[table["Rolle"] == "Leder"][0]
    assert colours[(kim, status)] == "#fff1c2"  # Åben: amber
    assert colours[(bo, status)] == "#d7f0dd"  # Opfyldt: green
    assert colours[(leader, status)] == "#e8e8ec"  # Ikke omfattet: grey
    assert colours[(kim, basic)] == "#f8d3d3"  # overdue: red
    assert (bo, basic) not in colours or not colours[(bo, basic)]  # done: no colour


def test_the_filter_mangler_tilbud_keeps_the_members_without_their_offer(sample_store):
    at = open_page()
    figures = summary_of_store(sample_store, today=TODAY)
    at.toggle(key="only_missing_offer").set_value(True).run()
    table = members_table(at)
    expected = {y["name"] for y in figures["entitlement"] if y["state"] == "open"}
    assert set(table["Navn"]) == expected == {"Kim Thomsen", "Mads Christensen", "Jens Møller", "Jørgen Larsen"}
    assert metric(at, "Mangler tilbud") == "4"
    assert set(table["Status"]) == {"Åben"}
    at = choose(at, 2026, ["Lager"])  # every AMR and arbejdsleder of Lager has had the offer
    assert not [d for d in at.dataframe if "Grunduddannelse" in d.value.columns]
    assert any("Alle AMR og arbejdsledere har fået tilbudt" in s.value for s in at.success)


def test_a_missed_year_is_counted_in_its_year_and_shown_in_the_members_history(sample_store):
    at = open_page()
    assert metric(at, "Ikke opfyldte år (2026)") == "0"
    at = choose(at, 2025, [])
    assert metric(at, "Ikke opfyldte år (2025)") == "1"
    assert row(members_table(at), "Mads Christensen")["Ikke opfyldte år"] == "1"
    at = choose(at, "Alle år", [])
    assert metric(at, "Ikke opfyldte år (alle år)") == "1"

    at.selectbox(key="member_history").set_value(("Produktion", "Mads Christensen")).run()
    assert not at.exception
    [years] = [d.value for d in at.dataframe if "Til (frist)" in d.value.columns]
    assert list(years["Funktionsår"]) == ["4.", "3.", "2.", "1."]
    second = years.loc[years["Funktionsår"] == "2."].iloc[0]
    assert (second["Til (frist)"], second["Tilbudt (timer)"], second["Ret (timer)"], second["Status"]) == (
        "14-07-2025", "7,4", "11,1", "Ikke opfyldt")
    [courses] = [d.value for d in at.dataframe if list(d.value.columns) == ["Hvornår", "Kursus", "Type", "Timer",
                                                                              "Status"]]
    assert len(courses) >= 3 and "7,4" in set(courses["Timer"])
    assert any("kurser for Mads Christensen" in c.value for c in at.caption)


def test_members_who_left_are_shown_on_request(sample_store):
    at = open_page()
    assert "Susanne Thomsen" not in set(members_table(at)["Navn"])
    at.toggle(key="with_former_members").set_value(True).run()
    susanne = row(members_table(at), "Susanne Thomsen")
    assert susanne["Fratrådt"] == "31-03-2025"
    assert susanne["Status"] == "Opfyldt"  # her last year (2nd, to 31-08-2025) was offered in full


# --- privacy --------------------------------------------------------------------------------------

def test_email_addresses_are_shown_only_to_admins_and_the_departments_own_amo_users(sample_store):
    admin = members_table(signed_in("admin"))
    assert row(admin, "Ida Holm")["E-mail"] == "ida.holm@nordiskemballage.dk"
    assert row(admin, "Bo Madsen")["E-mail"] == "bo.madsen@nordiskemballage.dk"

    amo = members_table(signed_in("amo", ["Lager"]))
    assert row(amo, "Ida Holm")["E-mail"] == "ida.holm@nordiskemballage.dk"
    assert row(amo, "Bo Madsen")["E-mail"] == ""  # Administration is not this user's department
    assert {e for d, e in zip(amo["Afdeling"], amo["E-mail"], strict=True) if d != "Lager"} == {""}

    for role in ("ledelse", "konsulent"):
        at = signed_in(role)
        table = members_table(at)
        assert "E-mail" not in table.columns and len(table) == 20
        assert "nordiskemballage.dk" not in repr([d.value.to_dict() for d in at.dataframe])


# --- a department without a member list ----------------------------------------------------------

def test_a_department_without_a_member_list_says_how_to_add_one():
    files = [str(ROOT / "sample_data" / f) for f in ("lager_arbejdsark.csv", "lager_handleplan.csv",
                                                     "lager_uddannelse.csv")]
    assert cli(["import", *files]) == 0
    at = open_page()
    assert not [d for d in at.dataframe if "Grunduddannelse" in d.value.columns]
    [info] = [i.value for i in at.info if "medlemsliste" in i.value]
    assert info.startswith("Lager har ingen medlemsliste endnu")
    assert "arket **Medlemmer** i skabelonen" in info and "siden Upload" in info
    assert "Hent Excel-skabelonen" in [b.label for b in at.get("download_button")]
    assert [(link.proto.label, link.proto.page) for link in at.main.get("page_link")] == [("Gå til Upload", "Upload")]
    assert not [m for m in at.metric if m.label == "Medlemmer i AMO"]
    # The course register and its charts stay.
    assert [m.label for m in at.metric] == ["Kurser", "Gennemført", "Timer gennemført"]
    assert len(at.get("plotly_chart")) == 2


def test_departments_without_a_member_list_are_named_beside_those_with_one(sample_store):
    path = Path(sample_store.url.removeprefix("sqlite:///")).parent / "rengoering_handleplan.csv"
    path.write_bytes(RENGORING_HANDLEPLAN)
    assert cli(["import", str(path)]) == 0
    at = open_page()
    assert "Ingen medlemsliste for Rengøring: skriv medlemmerne i arket Medlemmer" in "\n".join(
        c.value for c in at.caption)
    at = choose(at, 2026, ["Rengøring"])
    assert any(i.value.startswith("Rengøring har ingen medlemsliste endnu") for i in at.info)


def test_the_meeting_guide_states_the_contracts_rules():
    at = open_page("pages/6_Mødeguide.py")
    text = "\n".join(m.value for m in at.markdown)
    for rule in ("senest 3 måneder efter", "3 dage (22 timer)", "2 dage (ca. 14,8 timer) i det første funktionsår",
                 "1½ dag (ca. 11,1 timer) i hvert funktionsår", "Ubrugte dage bortfalder",
                 "sagt nej til, tæller som givet", "aflyst, tæller ikke", "tiltrådt 30. november 2026, senest "
                 "28. februar 2027"):
        assert rule in text, rule
    assert "efter den obligatoriske uddannelse" not in text  # the year of service runs from joining


# --- the member rows, hand-worked ---------------------------------------------------------------

def _frame(cols: list[str], rows) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows], columns=cols, dtype=object)


def test_each_member_row_says_its_state_in_words_hand_worked():
    day = dt.date
    members = _frame(["department", "name", "role", "joined", "left", "basic_training", "email"], [
        ("Lager", "Ole Hansen", "AMR", day(2025, 9, 1), None, day(2025, 10, 1), None),
        ("Kontor", "Ole Hansen", "Arbejdsleder", day(2025, 9, 1), None, day(2025, 10, 1), None),
        ("Lager", "Eva Berg", "AMR", day(2024, 1, 10), day(2026, 6, 30), day(2024, 2, 1), None),
        ("Lager", "Bo Lund", "Leder", day(2020, 1, 1), None, None, None),
        ("Lager", "Ny Person", "AMR", day(2027, 1, 1), None, None, None),
    ])
    # Ole of Lager: 14,8 hours offered in his first year (name written in other case and spacing).
    # Ole of Kontor: none. Eva left 30-06-2026, before her 3rd year's due date 09-01-2027.
    training = _frame(["department", "name", "type", "hours", "when", "quarter", "status", "course"], [
        ("lager", " ole  HANSEN ", "Supplerende", 14.8, None, "2026-Q2", "Afslået", "Kursus A"),
        ("Lager", "Eva Berg", "Supplerende", 3.0, None, "2026-Q1", "Gennemført", "Kursus B"),
    ])
    found = build(members, training, day(2026, 7, 15))
    rows = {(r["Afdeling"], r["Navn"]): r for r in found.members.to_dict("records")}
    assert rows[("Lager", "Ole Hansen")]["Status"] == "Opfyldt"  # a declined offer counts as offered
    assert rows[("Lager", "Ole Hansen")]["Tilbudt (timer)"] == "14,8 af 14,8"
    assert rows[("Kontor", "Ole Hansen")]["Status"] == "Åben"  # same name, other department: not his course
    assert rows[("Kontor", "Ole Hansen")]["Frist"] == "31-08-2026"
    assert (rows[("Lager", "Eva Berg")]["Status"], rows[("Lager", "Eva Berg")]["Frist"]) == ("Fratrådt før fristen", "")
    assert rows[("Lager", "Bo Lund")]["Status"] == "Ikke omfattet"
    assert rows[("Lager", "Ny Person")]["Status"] == "Ikke tiltrådt endnu"
    assert found.count == 3 and found.missing_offer == 1
    assert [r["Navn"] for r in found.members.to_dict("records") if r["missing_offer"]] == ["Ole Hansen"]
    years, courses = history(found, "Lager", "Ole Hansen")
    assert list(years["Status"]) == ["Opfyldt"]
    assert list(courses["Kursus"]) == ["Kursus A"] and list(courses["Hvornår"]) == ["2. kvt. 2026"]


@pytest.mark.parametrize("user, shown", [
    (auth.User("ada", "Ada", auth.ADMIN), {"Administration", "Kantine", "Lager", "Produktion", "Salg", "Værksted"}),
    (auth.User("mette", "Mette", auth.AMO, ("Lager",)), {"Lager"}),
    (auth.User("leif", "Leif", auth.LEDELSE), set()),
])
def test_the_export_holds_only_the_email_addresses_the_user_may_see(sample_store, user, shown):
    # The Upload page's "Hent de gemte data som Excel" is offered to every role.
    import io

    from openpyxl import load_workbook

    import amo_ui as ui
    from amo_data.workbook import write_workbook

    book = load_workbook(io.BytesIO(ui.lazy_export(write_workbook, user)()), read_only=True)
    rows = list(book["Medlemmer"].iter_rows(values_only=True))
    header = list(rows[0])
    department, email = header.index("Afdeling"), header.index("E-mail")
    with_email = {r[department] for r in rows[1:] if r[email]}
    assert with_email == shown
    assert len(rows) - 1 == len(sample_store.current()["medlemmer"]), "every member is still exported"


def test_a_department_with_only_its_member_list_is_offered_and_missing_its_discussion(sample_store, tmp_path):
    # A new department's first upload is often its member list: it is a department (it appears
    # in a table), so the sidebar offers it and Overblik names it among those without a yearly
    # discussion, as `summary` does.
    members = tmp_path / "ny_medlemmer.csv"
    members.write_text("Afdeling;Navn;Rolle;Tiltrådt;E-mail\nNy afdeling;Ole Olsen;AMR;01-09-2026;ole@firma.dk\n",
                       encoding="utf-8")
    assert cli(["import", str(members)]) == 0
    figures = summary_of_store(Store(), today=dt.date.fromisoformat(TODAY))
    assert "Ny afdeling" in figures["departments_without_discussion"]
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Ny afdeling" in at.sidebar.multiselect(key="departments").options
    assert any("Ny afdeling" in w.value for w in at.warning), [w.value for w in at.warning]
