"""Every page through Streamlit's AppTest: with sample data and with an empty store.

Values, not presence: the figures a user sees are compared with hand-checked numbers of the
committed sample data (see test_summary_sample.py) and with the store after each action.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

import amo_ui as ui
from amo_data.store import Store
from amo_data.validate import check_bytes
from amo_data.workbook import write_workbook

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGES = ["pages/1_Upload.py", "pages/2_Styrker_og_behov.py", "pages/3_Handleplan.py",
         "pages/4_Sammenlign_afdelinger.py", "pages/5_Uddannelse.py", "pages/6_Mødeguide.py"]
DATA_PAGES = [p for p in PAGES if "Upload" not in p and "Mødeguide" not in p]
TODAY = "2026-11-26"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setenv("AMO_TODAY", TODAY)


def open_page(page: str | None = None) -> AppTest:
    """``page`` (None: the overview) as opened by its address."""
    at = AppTest.from_file(APP, default_timeout=60)
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}; have {[m.label for m in at.metric]}"
    return found[0]


def figure(at: AppTest, index: int) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption]
    parts += [e.value for kind in (at.info, at.warning, at.error, at.success) for e in kind]
    return "\n".join(parts)


# --- empty store ------------------------------------------------------------------------------

@pytest.mark.parametrize("page", [None, *DATA_PAGES])
def test_every_data_page_says_what_to_do_when_the_store_is_empty(page):
    at = open_page(page)
    assert "Der er ingen data endnu" in texts(at)
    assert not at.get("plotly_chart")


def test_upload_and_guide_pages_work_on_an_empty_store():
    at = open_page("pages/1_Upload.py")
    assert "Ingen importer endnu." in texts(at)
    assert [b.label for b in at.get("download_button")][0] == "Hent Excel-skabelonen"
    at = open_page("pages/6_Mødeguide.py")
    assert "Slut med en handleplan" in [h.value for h in at.header]


# --- sample data ------------------------------------------------------------------------------

def test_overview_shows_the_sample_companys_figures(sample_store):
    at = open_page()
    assert "eksempeldata" in texts(at)
    # Sample data, year 2026 (the default year), today 2026-11-26: 5 of 6 departments held their
    # discussion in 2026; Administration's newest discussion is from 2024.
    assert metric(at, "Afdelinger med drøftelse 2026") == "5 af 6"
    assert "Administration" in "\n".join(w.value for w in at.warning)
    tiles = _tiles(sample_store, 2026)
    assert metric(at, "Styrker") == str(tiles["strengths"])
    assert metric(at, "Behov") == str(tiles["needs"])
    assert metric(at, "Overskredne handlinger") == str(tiles["overdue"])
    assert len(at.get("plotly_chart")) == 2


def test_the_overview_speaks_of_the_chosen_departments_and_year(sample_store):
    # The caption and the discussion line follow the sidebar; a tile never calls the current
    # year "2026" as if it were the chosen one when every year is shown.
    at = open_page()
    at.sidebar.multiselect(key="departments").set_value(["Lager"]).run()
    assert "Samlet for Lager ud fra" in texts(at)
    assert "Lager har holdt sin årlige drøftelse" in "\n".join(s.value for s in at.success)
    at.sidebar.selectbox(key="year").set_value("Alle år").run()
    assert metric(at, "Afdelinger med drøftelse i år (2026)")
    assert metric(at, "Sagkyndig bistand i år (2026)")


def test_the_overview_of_a_year_without_rows_says_which_years_have_them(sample_store):
    # Administration last held its discussion in 2024 (see the test above): 2026 has no rows.
    at = open_page()
    at.sidebar.multiselect(key="departments").set_value(["Administration"]).run()
    assert "Der er ingen punkter på arbejdsarket for Administration i 2026" in texts(at)
    assert "vælg året i sidepanelet" in texts(at) or "vælg et af årene i sidepanelet" in texts(at)
    assert not at.get("plotly_chart")


def _tiles(store: Store, year: int | None) -> dict:
    from amo_data import metrics

    return metrics.tiles(store.current(), year=year, today=TODAY)


def test_the_year_filter_changes_the_figures_and_lives_in_the_link(sample_store):
    at = open_page()
    needs_2026 = metric(at, "Behov")
    at.sidebar.selectbox(key="year").set_value(2024).run()
    assert metric(at, "Behov") == str(_tiles(sample_store, 2024)["needs"]) != needs_2026
    assert at.query_params["aar"] in ("2024", ["2024"])


def test_each_page_renders_with_sample_data(sample_store):
    for page in DATA_PAGES:
        at = open_page(page)
        assert at.get("plotly_chart"), page


def test_a_status_edit_is_saved_with_who_and_when(sample_store):
    at = open_page("pages/3_Handleplan.py")
    key = at.session_state["_plan_editor_key"]
    first = sample_store.current()["handleplan"]
    at.session_state[key] = {"edited_rows": {0: {"Status": "Aflyst"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    plan = Store().current()["handleplan"]
    changed = plan.merge(first, on="id", suffixes=("", "_before"))
    changed = changed[changed["status"] != changed["status_before"]]
    assert list(changed["status"]) == ["Aflyst"]
    assert Store().audit_log()[0]["action"] == "status"


def test_printable_plan_is_landscape_fitted_to_width_with_repeated_header(sample_store):
    from amo_data.export import write_action_plan

    buf = io.BytesIO()
    write_action_plan(sample_store.current()["handleplan"], buf)
    ws = load_workbook(io.BytesIO(buf.getvalue()))["Handleplan"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$3:$3"
    assert [c.value for c in ws[3]][:5] == ["Afdeling", "Hvad?", "Hvorfor?", "Hvordan?", "Hvornår?"]


# --- upload -----------------------------------------------------------------------------------

GOOD = ("Afdeling;År;Hvad;Område;Hjælp;Hvornår;Status\n"
        "Kantine;2027;Kursus i kemisk risikovurdering;Kemi;Sagkyndig bistand;1. kvartal 2027;Planlagt\n")
BAD = ("Afdeling;År;Hvad;Område;Hjælp;Hvornår\n"
       "Kantine;2027;Kursus i kemi;Kemi;Udefra;4. kvartl 2026\n")


def _upload(at: AppTest, name: str, text: str) -> AppTest:
    at.file_uploader[0].set_value((name, text.encode("cp1252"), "text/csv")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_uploading_a_good_file_stores_it_and_the_overview_changes(sample_store):
    before = open_page()
    before.sidebar.selectbox(key="year").set_value("Alle år").run()
    open_before = int(metric(before, "Åbne handlinger"))
    at = _upload(open_page("pages/1_Upload.py"), "kantine-plan.csv", GOOD)
    assert "Ingen fejl eller advarsler." in texts(at)
    assert [m.value for m in at.metric if m.label == "Rækker i Handleplan"] == ["1"]
    [save] = [b for b in at.button if b.label == "Gem"]
    save.click().run()
    batch = Store().history()[0]
    assert any(f"Gemt som import nr. {batch['id']}" in s.value for s in at.success)
    assert batch["files"] == ["kantine-plan.csv"] and batch["rows"]["handleplan"] == 1
    after = open_page()
    after.sidebar.selectbox(key="year").set_value("Alle år").run()
    assert int(metric(after, "Åbne handlinger")) == open_before + 1


def test_uploading_a_bad_file_shows_its_errors_and_stores_nothing(sample_store):
    history_before, data_before = Store().history(), Store().current()
    at = _upload(open_page("pages/1_Upload.py"), "kantine-plan.csv", BAD)
    errors = at.dataframe[0].value
    assert list(errors.columns) == ["Ark", "Række", "Kolonne", "Værdi", "Besked"]
    row = errors.iloc[0]
    assert (row["Ark"], row["Række"], row["Kolonne"], row["Værdi"]) == ("Handleplan", 2, "Hvornår", "4. kvartl 2026")
    assert "er ikke et kvartal" in row["Besked"]
    assert not [b for b in at.button if b.label == "Gem"]
    assert Store().history() == history_before
    assert all(Store().current()[t].equals(data_before[t]) for t in data_before)


def test_undo_needs_confirmation_then_restores(sample_store):
    at = _upload(open_page("pages/1_Upload.py"), "kantine-plan.csv", GOOD)
    [b for b in at.button if b.label == "Gem"][0].click().run()
    new_id = Store().history()[0]["id"]
    undo = at.button(key="undo_button")
    assert undo.disabled
    at.selectbox(key="undo_batch").set_value(new_id).run()
    at.checkbox(key=f"undo_confirm_{new_id}").check().run()
    at.button(key="undo_button").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert Store().history()[0]["state"] == "undone" and Store().history()[0]["id"] == new_id


def test_removing_the_sample_data_empties_the_dashboard(sample_store):
    at = open_page()
    at.button(key="remove_sample").click().run()
    assert "Der er ingen data endnu" in texts(at)
    assert [t.value for t in at.toast] == ["Eksempeldata er fjernet\\. De kan ses i importhistorikken som fortrudt\\."]


def test_the_audit_log_gives_its_details_the_width(sample_store):
    at = open_page("pages/7_Revisionslog.py")
    widths = {name: c.get("width") for name, c in json.loads(at.dataframe[0].proto.columns).items()}
    assert widths["Detaljer"] >= 1000 and all(widths[c] <= 160 for c in ("Tidspunkt", "Bruger", "Handling"))
    assert at.dataframe[0].value.iloc[0]["Detaljer"].startswith("import nr. 1; filer: ")


def test_a_point_without_a_rating_shows_an_empty_cell_not_none(sample_store):
    # The sample's Kantine has a "Vigtig opgave" about stress in 2025 with no Vurdering.
    at = open_page("pages/2_Styrker_og_behov.py")
    at.sidebar.selectbox(key="year").set_value(2025).run()
    at.selectbox(key="words_area").set_value("Psykisk arbejdsmiljø").run()
    [points] = [d.value for d in at.dataframe if "Vurdering" in d.value.columns]
    ratings = list(points["Vurdering"])
    assert "" in ratings and "None" not in ratings and all(r == "" or r.isdigit() for r in ratings)
    stress = points.loc[points["Beskrivelse"] == "Forebygge stress i travle perioder", "Vurdering"]
    assert list(stress) == [""]


# --- UX review: what a user notices on the Upload page ------------------------------------------

def test_saved_files_show_that_they_are_saved_instead_of_a_second_save_button(sample_store):
    at = _upload(open_page("pages/1_Upload.py"), "kantine-plan.csv", GOOD)
    at.button(key="save_uploads").click().run()
    batch = Store().history()[0]["id"]
    assert any(f"Gemt som import nr. {batch}" in s.value for s in at.success)
    assert not [b for b in at.button if b.label == "Gem"], "the files are saved: no Gem button that seems to do nothing"
    at.run()  # any later click on the page (e.g. opening the undo) reruns it
    assert not [b for b in at.button if b.label == "Gem"]
    assert f"Filerne er gemt som import nr. {batch}. Vælg nye filer ovenfor for at indlæse flere." in texts(at)
    assert len(Store().history()) == 2


def test_undo_offers_the_newest_import_first_and_names_it(sample_store):
    at = open_page("pages/1_Upload.py")
    assert at.selectbox(key="undo_batch").value == 1  # the sample data is the only import
    at = _upload(at, "kantine-plan.csv", GOOD)
    at.button(key="save_uploads").click().run()
    undo = at.selectbox(key="undo_batch")
    assert undo.value == 2, "after an import, the import just made is the one offered for undo"
    when = ui.danish_time(Store().history()[0]["created_at"])
    assert undo.options[0] == f"Nr. 2 · {when} · lokal · kantine-plan.csv"
    assert undo.options[1].startswith("Nr. 1 · ") and "eksempeldata" in undo.options[1]
    assert undo.options[1].endswith("og 9 filer mere")
    at.checkbox(key="undo_confirm_2").check().run()
    at.button(key="undo_button").click().run()
    assert Store().history()[0]["state"] == "undone" and Store().history()[1]["state"] == "current"
    assert any("Import nr. 2 er fortrudt." in s.value for s in at.success)
    # The undone files may be saved again: the Gem button is back.
    assert [b for b in at.button if b.label == "Gem"]


def test_an_error_shows_a_whole_number_as_typed_and_the_file_with_a_failure_icon(sample_store):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Arbejdsark"
    wb.active.append(["Afdeling", "År", "Område", "Kategori", "Beskrivelse", "Vurdering"])
    wb.active.append(["Kantine", 2026, "Ergonomi", "Lykkes", "Gode løftestole", 7])  # Excel: a number
    buf = io.BytesIO()
    wb.save(buf)
    at = open_page("pages/1_Upload.py")
    at.file_uploader[0].set_value(("kantine-ark.xlsx", buf.getvalue(), ui.XLSX_MIME)).run()
    errors = at.dataframe[0].value
    row = errors.loc[errors["Kolonne"] == "Vurdering"].iloc[0]
    assert row["Værdi"] == "7" and '"7"' in row["Besked"]
    # The message gets the width (it fits on a 1920 px screen) instead of an even share of it.
    widths = {name: c.get("width") for name, c in json.loads(at.dataframe[0].proto.columns).items()}
    assert widths["Besked"] >= 1000 and all(widths[c] <= 120 for c in ("Ark", "Række", "Kolonne", "Værdi"))
    assert any(m.value.startswith(":red[:material/cancel:]") and "kantine" in m.value for m in at.markdown)


# --- UX review: the data pages --------------------------------------------------------------------

def test_handleplan_says_what_overdue_and_urgent_mean_and_what_the_wheel_counts(sample_store):
    at = open_page("pages/3_Handleplan.py")
    captions = [c.value for c in at.caption]
    assert "Handlinger, hvis kvartal er slut, og som hverken er gennemført eller aflyst." in captions
    assert any(c.startswith("Handlinger med Hvornår »Snarest«") for c in captions)
    titles = [figure(at, i)["layout"]["title"]["text"] for i in range(len(at.get("plotly_chart")))]
    assert "Årshjul 2026: handlinger pr. kvartal" in titles


def test_with_every_year_the_wheel_counts_every_years_actions(sample_store):
    at = open_page("pages/3_Handleplan.py")
    at.sidebar.selectbox(key="year").set_value("Alle år").run()
    charts = [figure(at, i) for i in range(len(at.get("plotly_chart")))]
    [wheel] = [c for c in charts if c["layout"]["title"]["text"].startswith("Årshjul")]
    assert wheel["layout"]["title"]["text"] == "Årshjul, alle år: handlinger pr. kvartal"
    assert sum(sum(trace["r"]) for trace in wheel["data"]) == len(sample_store.current()["handleplan"])


def test_the_comparison_table_downloads_with_danish_headers_and_name(sample_store):
    import pandas as pd

    at = open_page("pages/4_Sammenlign_afdelinger.py")
    assert [b.label for b in at.get("download_button")] == ["Hent tabellen (CSV)"]
    at.radio(key="heatmap_measure").set_value("need_share").run()
    matrix = ui.comparison(ui.Filters(2026, ()), "need_share").matrix
    table = pd.read_csv(io.BytesIO(ui.matrix_csv(matrix)), sep=";", decimal=",", encoding="utf-8-sig")
    assert table.columns[0] == "Afdeling" and "Ergonomi" in table.columns
    assert list(table["Afdeling"]) == list(matrix.index)
    shares = table.drop(columns="Afdeling").stack().dropna()
    assert len(shares) > 20 and ((shares * 1000).round(6) % 1 == 0).all(), "shares rounded to three decimals"
    assert ui.matrix_csv_name("Andel behov", 2026) == "afdelinger-andel-behov-2026.csv"
    assert ui.matrix_csv_name("Behov", None) == "afdelinger-behov-alle-år.csv"


def test_comparing_with_one_department_in_the_sidebar_says_where_to_choose_more(sample_store):
    at = open_page("pages/4_Sammenlign_afdelinger.py")
    at.sidebar.multiselect(key="departments").set_value(["Lager"]).run()
    assert at.multiselect(key="compare_departments").options == ["Lager"]
    assert any("Der er kun én afdeling med drøftelser i de valgte filtre" in i.value and "sidepanelet" in i.value
               for i in at.info)
    at.sidebar.multiselect(key="departments").set_value([]).run()
    assert not [i for i in at.info if "kun én afdeling" in i.value]
    assert any(i.value == "Vælg mindst to afdelinger for at sammenligne dem." for i in at.info)


def test_the_course_list_shows_the_hours_before_the_long_course_name(sample_store):
    at = open_page("pages/5_Uddannelse.py")
    [courses] = [d.value for d in at.dataframe if "Kursus" in d.value.columns]
    columns = list(courses.columns)
    assert columns.index("Timer") < columns.index("Kursus"), columns
    assert columns[:6] == ["Afdeling", "Navn", "Rolle", "Hvornår", "Status", "Timer"]
    assert "11,1" in set(courses["Timer"]) and all("." not in h for h in courses["Timer"])
    assert metric(at, "Kurser") == str(len(courses))


# --- UX review: what each role is told before it tries -------------------------------------------

def signed_in(page: str, role: str, departments: list[str] | None = None) -> AppTest:
    """``page`` opened by a user with ``role`` signed in with a password."""
    from amo_data import auth

    user = {"name": "Test Testesen", "role": role, "password_hash": auth.hash_password("kodeord-til-test")}
    if departments:
        user["departments"] = departments
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["users"] = {"test": user}
    at.run()
    at.text_input(key="sign_in_user").input("test")
    at.text_input(key="sign_in_password").input("kodeord-til-test")
    at.button[0].click().run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_handleplan_tells_each_role_what_it_may_change(sample_store):
    def intro(at: AppTest) -> str:
        [line] = [m.value for m in at.markdown if m.value.endswith((" handlinger.", " hvornår."))]
        return line

    local = open_page("pages/3_Handleplan.py")
    assert intro(local) == ("20 handlinger. Ret status direkte i tabellen; ændringen gemmes straks og skrives i "
                            "revisionsloggen med hvem og hvornår.")
    reader = signed_in("pages/3_Handleplan.py", "ledelse")
    assert intro(reader) == "20 handlinger.", "no invitation to edit for a role that cannot"
    assert "Din rolle kan se handleplanen, men ikke ændre status." in [c.value for c in reader.caption]
    amo = signed_in("pages/3_Handleplan.py", "amo", ["Lager", "Kantine"])
    assert intro(amo).startswith("20 handlinger. Ret status direkte i tabellen for Kantine og Lager; ")


def test_an_amo_user_is_told_which_departments_it_may_upload_before_uploading(sample_store):
    at = signed_in("pages/1_Upload.py", "amo", ["Lager"])
    assert ("Du kan indlæse data for Lager. En fil med andre afdelinger afvises, og intet af den gemmes."
            in [c.value for c in at.caption])
    assert "En administrator kan fjerne dem." in texts(at)  # the sample banner says who can remove it
    admin = signed_in("pages/1_Upload.py", "admin")
    assert not [c for c in admin.caption if c.value.startswith("Du kan indlæse data for")]


# --- UX review: a year and department with nothing says what to choose instead -------------------

def _choose(at: AppTest, year, departments: list[str]) -> AppTest:
    at.sidebar.selectbox(key="year").set_value(year).run()
    at.sidebar.multiselect(key="departments").set_value(departments).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("page, expected", [
    ("pages/2_Styrker_og_behov.py", "Der er ingen punkter på arbejdsarket for Administration i 2026. "
                                    "Der er punkter fra 2024: vælg året i sidepanelet."),
    ("pages/4_Sammenlign_afdelinger.py", "Der er ingen punkter på arbejdsarket for Administration i 2026. "
                                         "Der er punkter fra 2024: vælg året i sidepanelet."),
    ("pages/3_Handleplan.py", "Der er ingen handlinger i handleplanen for Administration i 2026. "
                              "Der er handlinger fra 2024: vælg året i sidepanelet."),
])
def test_a_department_without_rows_in_the_year_is_told_which_years_have_them(sample_store, page, expected):
    # The sample's Administration held its discussion in 2024 only.
    at = _choose(open_page(page), 2026, ["Administration"])
    assert expected in [i.value for i in at.info]
    if "Sammenlign" in page:  # no empty heatmap; the trend over every year is still there, but one
        # year of needs is no development: it says so instead of drawing dots
        assert "Udviklingen over årene" in [s.value for s in at.subheader] and not at.get("plotly_chart")
        assert "Udviklingen vises, når der er behov fra mindst to år. Indtil nu er der kun behov fra 2024." in [
            i.value for i in at.info]
    else:
        assert not at.get("plotly_chart"), "no empty charts under the explanation"
    at = _choose(at, 2024, ["Administration"])
    assert not [i for i in at.info if i.value.startswith("Der er ingen")]
    assert at.get("plotly_chart")


def test_a_course_register_without_the_year_names_the_years_that_have_courses(sample_store):
    at = _choose(open_page("pages/5_Uddannelse.py"), "Alle år", [])
    [courses] = [d.value for d in at.dataframe if "Kursus" in d.value.columns]
    years = sorted({int(q[-4:]) for q in courses["Hvornår"] if q}, reverse=True)
    listing = ", ".join(map(str, years[:-1])) + f" og {years[-1]}"
    groups = sample_store.current_groups(tables=["uddannelse"])
    assert ui.nothing_chosen(ui.Filters(2030, ()), "uddannelse", groups) == (
        f"Der er ingen kurser i uddannelsesregistret i 2030. Der er kurser fra {listing}: "
        "vælg et af årene i sidepanelet.")
    assert ui.nothing_chosen(ui.Filters(2030, ("Ukendt", "Andet")), "uddannelse", groups) == (
        "Der er ingen kurser i uddannelsesregistret for de valgte afdelinger i 2030. "
        "Udfyld arket Uddannelse i skabelonen, og indlæs det på siden Upload.")


def test_a_plan_filter_without_matches_offers_no_empty_sheet_to_print(sample_store):
    at = open_page("pages/3_Handleplan.py")
    label = "Hent handleplanen til opslag (Excel, liggende A4)"
    assert label in [b.label for b in at.get("download_button")]
    [status] = [m for m in at.main.multiselect if m.label == "Status"]
    status.set_value(["Aflyst"]).run()
    [quarter] = [m for m in at.main.multiselect if m.label == "Kvartal"]
    quarter.set_value(["2026-Q2"]).run()  # the sample's one cancelled action of 2026 is in 3. kvt.
    assert "Ingen handlinger for de valgte filtre." in [c.value for c in at.caption]
    assert label not in [b.label for b in at.get("download_button")]


# --- Revisionslog: an erasure leaves every page at once -------------------------------------------

def test_an_erased_department_leaves_the_revisionslog_and_every_cache_at_once(sample_store):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/7_Revisionslog.py").run()
    box = at.selectbox(key="erase_department")
    assert "Lager" in box.options
    audit_rows = len(at.dataframe[0].value)
    box.set_value("Lager").run()
    at.checkbox(key="erase_department_ok").check().run()
    at.button(key="erase_department_button").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Lager" not in at.selectbox(key="erase_department").options
    log = at.dataframe[0].value
    assert len(log) == audit_rows + 1 and log.iloc[0]["Handling"] == "Sletning af afdeling"
    at.switch_page("pages/3_Handleplan.py").run()
    assert "Lager" not in at.sidebar.multiselect(key="departments").options
    shown = [e for e in at.dataframe if e.proto.editing_mode][0].value
    assert "Lager" not in set(shown["Afdeling"])


# --- what keeps the pages fast shows the same -----------------------------------------------------
# The overview loads only the columns its figures read (ui.COUNT_COLUMNS) of the chosen year; its
# figures equal those of every column, for every year, "Alle år" and chosen departments (also
# spelled otherwise), on the sample data and on data with several spellings, missing values and
# unknown areas. (Figures counted in the database: tests/test_store_counts.py.)


def _overview_of_every_column(monkeypatch, filters: ui.Filters) -> ui.Overview:
    import streamlit as st

    import amo_ui.data

    with monkeypatch.context() as patched:
        patched.setattr(amo_ui.data, "COUNT_COLUMNS", {})  # every column
        st.cache_data.clear()
        every = ui.overview(filters, ui.today())
    st.cache_data.clear()
    return every


def _same_overview(narrow: ui.Overview, every: ui.Overview, where: str) -> None:
    import plotly.io

    assert dict(narrow.tiles) == dict(every.tiles), where
    assert (narrow.without_discussion, narrow.empty) == (every.without_discussion, every.empty), where
    for chart in ("by_area", "by_quarter"):
        assert (plotly.io.to_json(getattr(narrow, chart), validate=False)
                == plotly.io.to_json(getattr(every, chart), validate=False)), (where, chart)


def _check_every_choice(store: Store, monkeypatch) -> None:
    departments = store.departments()
    for year in [None, *store.years()]:
        for chosen in [(), tuple(departments[:2]), (departments[-1].upper(),)]:
            filters = ui.Filters(year, chosen)
            _same_overview(ui.overview(filters, ui.today()), _overview_of_every_column(monkeypatch, filters),
                           f"year={year} departments={chosen}")


def test_the_overviews_narrow_loads_give_the_figures_of_every_column(sample_store, monkeypatch):
    _check_every_choice(sample_store, monkeypatch)


def _odd_store() -> Store:
    """Departments in two cases, missing help and status, unknown areas, 'Snarest', a year without plans."""
    store = Store()
    ark = pd.DataFrame({
        "department": ["Lager", "lager", "Produktion", "Kantine", "Kantine", "Æblehuset"],
        "year": pd.Series([2025, 2026, 2026, 2026, 2024, 2026], dtype="int64"),
        "date": [None] * 6,
        "area": ["Psykisk arbejdsmiljø", "Ergonomi", "Noget helt andet", "Ergonomi", "Kemi", "Ergonomi"],
        "category": ["Brug for at styrke", "Lykkes", "Brug for at styrke", "Vigtig opgave", "Lykkes",
                     "Brug for at styrke"],
        "description": ["a", "b", "c", "d", "e", "f"],
        "help": ["Egen kompetenceudvikling", None, "Hjælp udefra", None, None, "Hjælp indefra"],
        "rating": pd.Series([1, None, 5, None, 3, None], dtype="Int64"),
        "role": [None] * 6,
    })
    plan = pd.DataFrame({
        "department": ["Lager", "Produktion", "Kantine"],
        "year": pd.Series([2026, 2026, 2025], dtype="int64"),
        "date": [None] * 3, "what": ["x", "y", "z"], "area": ["Ergonomi", "Noget helt andet", "Kemi"],
        "why": [None] * 3, "how": [None] * 3,
        "help": ["Egen kompetenceudvikling", "Hjælp udefra", "Hjælp indefra"],
        "when": ["Snarest", "3. kvartal 2026", "1. kvartal 2025"], "quarter": [None, "2026-Q3", "2025-Q1"],
        "urgent": [True, False, False], "who": [None] * 3, "follow_up": [None] * 3,
        "status": ["Ikke startet", None, "Gennemført"],
    })
    buffer = io.BytesIO()
    write_workbook({"arbejdsark": ark, "handleplan": plan}, buffer)
    result = check_bytes("odd.xlsx", buffer.getvalue())
    assert result.ok, result.errors
    store.import_results([result], user="test")
    return store


def test_the_overviews_narrow_loads_give_the_figures_of_every_column_on_odd_data(monkeypatch):
    _check_every_choice(_odd_store(), monkeypatch)


def test_a_cached_chart_dict_reaches_the_browser_as_the_figure_itself():
    def page(as_dict: bool):
        import plotly.graph_objects as go

        import amo_ui as ui

        fig = go.Figure(go.Bar(x=["Ergonomi", "Kemi"], y=[3, 1], name="Behov"))
        fig.update_layout(title="Behov pr. område", barmode="stack")
        ui.chart(ui.figure_spec(fig) if as_dict else fig)

    shown = []
    for as_dict in (False, True):
        at = AppTest.from_function(page, kwargs={"as_dict": as_dict}).run()
        assert not at.exception
        shown.append(at.get("plotly_chart")[0].proto)
    figure, spec = shown
    assert (spec.spec, spec.config, spec.id) == (figure.spec, figure.config, figure.id)
    assert json.loads(spec.spec)["data"][0]["y"] == [3, 1]


def test_a_chart_dict_is_not_changed_by_showing_it():
    import plotly.graph_objects as go

    fig = go.Figure(go.Bar(x=[1], y=[2], uid="keep"))
    spec = ui.figure_spec(fig)
    before = json.dumps(spec, sort_keys=True)
    ui.chart(spec)  # the cached dict is shown again on the next run
    assert json.dumps(spec, sort_keys=True) == before


@pytest.mark.parametrize("page", [None, *DATA_PAGES, "pages/1_Upload.py", "pages/7_Revisionslog.py"])
def test_a_rerun_reads_only_the_data_version_and_a_write_anywhere_reads_again(sample_store, monkeypatch, page):
    import inspect

    at = open_page(page)
    calls: list[str] = []
    for name, method in inspect.getmembers(Store, inspect.isfunction):
        if not name.startswith("_"):
            def counted(self, *args, _name=name, _method=method, **kwargs):
                calls.append(_name)
                return _method(self, *args, **kwargs)
            monkeypatch.setattr(Store, name, counted)
    at.run()  # a click on the page: every figure comes from the cache
    assert not at.exception and calls == ["data_version"], calls
    Store().record("test", "kollega", {})  # a write in another process
    calls.clear()
    at.run()
    assert calls[0] == "data_version" and len(calls) > 1, calls
