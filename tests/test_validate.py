"""Validation of raw sheets: sheets, headers, vocabularies, every error kind, box layout, CSV."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amo_data import vocab
from amo_data.errors import Problem
from amo_data.reader import RawSheet
from amo_data.schema import (
    ARBEJDSARK,
    BOX_COLUMNS,
    CANONICAL,
    COLUMNS,
    HANDLEPLAN,
    MEDLEMMER,
    ORGANISATION,
    SHEET_ALIASES,
    TABLES,
    UDDANNELSE,
)
from amo_data.validate import (
    FileResult,
    check_bytes,
    check_path,
    describe,
    validate_sheets,
)

from tests.workbooks import xlsx

AH = ["Afdeling", "År", "Område", "Kategori", "Beskrivelse", "Hjælp", "Vurdering", "Rolle"]
HH = ["Afdeling", "År", "Hvad", "Område", "Hjælp", "Hvornår", "Status"]
UH = ["Afdeling", "Rolle", "Navn", "Kursus", "Timer", "Hvornår", "Status"]

A_ROW = ["Lager", 2026, "Ergonomi", "Lykkes", "Gode løfteteknikker", None, 4, "AMR"]
H_ROW = ["Lager", 2026, "Kursus i kemi", "Kemi", "Egen", "3. kvartal 2026", "Planlagt"]
U_ROW = ["Lager", "AMR", "JH", "Supplerende kursus", "14,8", "2026-Q3", "Tilmeldt"]
MH = ["Afdeling", "Navn", "Rolle", "Tiltrådt", "Fratrådt", "Grunduddannelse", "E-mail"]
M_ROW = ["Lager", "Ole Hansen", "AMR", "01-09-2025", None, "15-10-2025", "ole@firma.dk"]
OH = ["Afdeling", "Overordnet"]
O_ROW = ["Lager", "Drift"]


def sheet(name: str, *rows, csv: bool = False) -> RawSheet:
    return RawSheet(name, [list(r) for r in rows], is_csv=csv)


def run(*sheets: RawSheet, file: str = "drøftelse.xlsx") -> FileResult:
    return validate_sheets(file, list(sheets))


def one_error(result: FileResult) -> Problem:
    assert len(result.errors) == 1, [describe(p) for p in result.errors]
    return result.errors[0]


def arbejdsark(*rows, headers=AH) -> FileResult:
    return run(sheet("Arbejdsark", headers, *rows))


def handleplan(*rows, headers=HH) -> FileResult:
    return run(sheet("Handleplan", headers, *rows))


def uddannelse(*rows, headers=UH) -> FileResult:
    return run(sheet("Uddannelse", headers, *rows))


def with_cell(row: list, headers: list, header: str, value) -> list:
    row = list(row)
    row[headers.index(header)] = value
    return row


# --- sheets -----------------------------------------------------------------------------------

ROWS = {ARBEJDSARK: (AH, A_ROW), HANDLEPLAN: (HH, H_ROW), UDDANNELSE: (UH, U_ROW), MEDLEMMER: (MH, M_ROW),
        ORGANISATION: (OH, O_ROW)}


@pytest.mark.parametrize(
    ("table", "name"),
    [(t, n) for t, names in SHEET_ALIASES.items() for n in names]
    + [(ARBEJDSARK, "  ARBEJDSARK "), (HANDLEPLAN, "action PLAN"), (UDDANNELSE, "supplerende  uddannelse")],
)
def test_every_sheet_alias_is_found(table, name):
    headers, row = ROWS[table]
    result = run(sheet(name, headers, row))
    assert result.ok, [describe(p) for p in result.errors]
    assert result.rows[table] == 1
    assert sum(result.rows.values()) == 1


def test_other_sheets_are_ignored():
    result = run(sheet("Vejledning", ["Sådan udfylder du arket"], ["Afdeling", "Kategori"]),
                 sheet("Lister", ["Ergonomi", "Kemi"]), sheet("Handleplan", HH, H_ROW))
    assert result.ok and not result.warnings
    assert result.rows == {t: int(t == HANDLEPLAN) for t in TABLES}


def test_workbook_without_known_sheet_is_an_error_naming_the_sheets():
    result = run(sheet("Ark1", AH, A_ROW), sheet("Data", HH))
    err = one_error(result)
    assert (err.sheet, err.row, err.column) == (None, None, None)
    for name in ("Arbejdsark", "Handleplan", "Uddannelse"):
        assert name in err.message
    assert not result.ok


def test_empty_known_sheet_is_fine_but_a_sheet_without_header_is_an_error():
    assert run(sheet("Uddannelse"), sheet("Handleplan", HH, H_ROW)).ok
    err = one_error(run(sheet("Handleplan", ["Plan for 2026"], ["noget", "andet"])))
    assert err.sheet == "Handleplan"
    assert "overskrift" in err.message


def test_problems_carry_the_sheet_name_as_written():
    result = run(sheet("  handlingsplan", HH, with_cell(H_ROW, HH, "Hvornår", "snart")))
    assert one_error(result).sheet == "  handlingsplan"


# --- headers ----------------------------------------------------------------------------------

VALID = {  # a valid raw value for each column and the canonical value it gives
    (ARBEJDSARK, "department"): (" Lager  Nord ", "Lager Nord"),
    (ARBEJDSARK, "date"): (dt.datetime(2026, 3, 15), dt.date(2026, 3, 15)),
    (ARBEJDSARK, "year"): (2026, 2026),
    (ARBEJDSARK, "area"): ("Støj", "Fysisk arbejdsmiljø"),
    (ARBEJDSARK, "category"): ("Behov", "Brug for at styrke"),
    (ARBEJDSARK, "description"): ("Mere viden om kemi", "Mere viden om kemi"),
    (ARBEJDSARK, "help"): ("Ekstern", "Hjælp udefra"),
    (ARBEJDSARK, "rating"): ("2", 2),
    (ARBEJDSARK, "role"): ("TR", "TR"),
    (HANDLEPLAN, "department"): ("Lager", "Lager"),
    (HANDLEPLAN, "year"): (2027, 2027),
    (HANDLEPLAN, "date"): ("15-03-2026", dt.date(2026, 3, 15)),
    (HANDLEPLAN, "what"): ("Kursus", "Kursus"),
    (HANDLEPLAN, "area"): ("Trivsel", "Psykisk arbejdsmiljø"),
    (HANDLEPLAN, "why"): ("Fordi", "Fordi"),
    (HANDLEPLAN, "how"): ("Sådan", "Sådan"),
    (HANDLEPLAN, "help"): ("Sagkyndig bistand", "Hjælp udefra"),
    (HANDLEPLAN, "when"): ("K2 2026", "K2 2026"),
    (HANDLEPLAN, "who"): ("Jens", "Jens"),
    (HANDLEPLAN, "follow_up"): ("Efter kurset", "Efter kurset"),
    (HANDLEPLAN, "status"): ("Færdig", "Gennemført"),
    (UDDANNELSE, "department"): ("Lager", "Lager"),
    (UDDANNELSE, "role"): ("Arbejdsmiljøleder", "Arbejdsleder"),
    (UDDANNELSE, "name"): ("JH", "JH"),
    (UDDANNELSE, "joined"): (dt.date(2024, 5, 1), dt.date(2024, 5, 1)),
    (UDDANNELSE, "course"): ("Kemi", "Kemi"),
    (UDDANNELSE, "hours"): ("11,1", 11.1),
    (UDDANNELSE, "when"): ("Q4 2026", "Q4 2026"),
    (UDDANNELSE, "status"): ("Gennemført", "Gennemført"),
    (UDDANNELSE, "type"): ("Obligatorisk", "Grunduddannelse"),
    (MEDLEMMER, "department"): ("Lager ", "Lager"),
    (MEDLEMMER, "name"): (" Ole  Hansen", "Ole Hansen"),
    (MEDLEMMER, "role"): ("Arbejdsmiljørepræsentant", "AMR"),
    (MEDLEMMER, "joined"): ("01-09-2025", dt.date(2025, 9, 1)),
    (MEDLEMMER, "left"): (dt.datetime(2026, 8, 31), dt.date(2026, 8, 31)),
    (MEDLEMMER, "basic_training"): ("15-10-2025", dt.date(2025, 10, 15)),
    (MEDLEMMER, "email"): (" ole.hansen@firma.dk ", "ole.hansen@firma.dk"),
    (ORGANISATION, "department"): ("Vejdrift", "Vejdrift"),
    (ORGANISATION, "parent"): ("Vej  og Park", "Vej og Park"),
}


def _sheet_with(table: str, header_for: dict[str, str]) -> tuple[list, list]:
    """Headers and one valid row with every column; ``header_for`` overrides header names."""
    headers, row = [], []
    for col in COLUMNS[table]:
        headers.append(header_for.get(col.key, col.header))
        row.append(VALID[(table, col.key)][0])
    return headers, row


@pytest.mark.parametrize(
    ("table", "key", "alias"),
    [(t, c.key, name) for t in TABLES for c in COLUMNS[t] for name in c.names],
)
def test_every_header_alias_reads_its_column(table, key, alias):
    headers, row = _sheet_with(table, {key: alias})
    result = run(sheet(table.capitalize(), headers, row))
    assert result.ok, [describe(p) for p in result.errors]
    assert not result.warnings, [describe(p) for p in result.warnings]
    assert result.tables[table][key].iloc[0] == VALID[(table, key)][1]


@pytest.mark.parametrize(
    ("written", "key"),
    [("Omraade", "area"), ("Aar", "year"), ("Hjaelp", "help"), ("Kategori?", "category"),
     ("Beskrivelse:", "description"), ("  AFDELING ", "department"), ("område?", "area"),
     ("Moededato", "date"), ("Vurdering :", "rating")],
)
def test_header_spelling_variants(written, key):
    headers, row = _sheet_with(ARBEJDSARK, {key: written})
    result = run(sheet("Arbejdsark", headers, row))
    assert result.ok and not result.warnings
    assert result.tables[ARBEJDSARK][key].iloc[0] == VALID[(ARBEJDSARK, key)][1]


def test_problem_column_is_the_header_as_written():
    result = run(sheet("Arbejdsark", ["Afdeling", "Aar", "Omraade", "Kategori", "Beskrivelse"],
                       ["Lager", "tyve", "Ergonomi", "Lykkes", "x"]))
    err = one_error(result)
    assert (err.row, err.column, err.value) == (2, "Aar", "tyve")


def test_header_row_below_title_rows_and_row_numbers_as_excel_shows_them():
    result = run(sheet("Handleplan",
                       [],
                       ["Handleplan 2026 for Lager"],
                       [None, "Udfyldt af AMO", None],
                       [None, *HH],
                       [None, *H_ROW],
                       [None, *with_cell(H_ROW, HH, "Hvornår", "4. kvartl 2026")]))
    err = one_error(result)
    assert (err.sheet, err.row, err.column, err.value) == ("Handleplan", 6, "Hvornår", "4. kvartl 2026")
    assert len(result.tables[HANDLEPLAN]) == 1 and result.rows[HANDLEPLAN] == 2


def test_empty_columns_and_empty_rows_are_skipped_with_a_warning():
    headers = ["Afdeling", None, "År", "Område", None, "Kategori", "Beskrivelse"]
    row = ["Lager", None, 2026, "Ergonomi", None, "Lykkes", "Løft"]
    result = run(sheet("Arbejdsark", headers, row, [], [None, None, "  "], row, [None], []))
    assert result.ok
    assert result.rows[ARBEJDSARK] == 2
    [warning] = result.warnings
    assert warning.row == 3
    assert "2 tomme rækker" in warning.message and "3, 4" in warning.message


def test_unknown_column_is_a_warning_and_ignored():
    result = arbejdsark([*A_ROW, "hemmeligt"], headers=[*AH, "Kommentar"])
    assert result.ok and result.rows[ARBEJDSARK] == 1
    [warning] = result.warnings
    assert (warning.row, warning.column) == (1, "Kommentar")
    assert "Kommentar" in warning.message


@pytest.mark.parametrize("second", ["Område", "Area", "omraade"])
def test_duplicate_header_is_an_error_naming_the_column(second):
    result = arbejdsark([*A_ROW, "Kemi"], headers=[*AH, second])
    err = one_error(result)
    assert (err.row, err.column) == (1, second)
    assert f'"{second}"' in err.message
    assert not result.ok


def test_missing_required_columns_one_error_each_listing_aliases():
    result = run(sheet("Handleplan", ["Titel"], ["Afdeling", "År", "Status"], ["Lager", 2026, "Planlagt"]))
    missing = {p.message.split('"')[1]: p for p in result.errors}
    assert set(missing) == {"Hvad", "Område", "Hjælp", "Hvornår"}
    for problem in missing.values():
        assert (problem.sheet, problem.row, problem.column) == ("Handleplan", 2, None)
    assert '"Kvartal"' in missing["Hvornår"].message and '"Deadline"' in missing["Hvornår"].message
    assert '"Indsats"' in missing["Hvad"].message
    assert len(result.tables[HANDLEPLAN]) == 0


def test_arbejdsark_without_date_and_year_columns_is_an_error():
    result = run(sheet("Arbejdsark", ["Afdeling", "Område", "Kategori", "Beskrivelse"],
                       ["Lager", "Ergonomi", "Lykkes", "Løft"]))
    err = one_error(result)
    assert "Dato" in err.message and "År" in err.message


# --- vocabularies -----------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "canonical"), sorted(vocab.CATEGORY.aliases.items()))
def test_category_aliases(raw, canonical):
    result = arbejdsark(with_cell(A_ROW, AH, "Kategori", f" {raw.upper()} "))
    assert result.ok
    assert result.tables[ARBEJDSARK]["category"].iloc[0] == canonical


@pytest.mark.parametrize("raw", ["Dette lykkes vi godt med allerede", "Dette kan vi have brug for at styrke",
                                 "Vigtige opgaver og fokuspunkter", "Styrkes", "Strength"])
def test_category_written_in_full(raw):
    result = arbejdsark(with_cell(A_ROW, AH, "Kategori", raw))
    assert result.ok


@pytest.mark.parametrize(("raw", "canonical"), sorted(vocab.HELP.aliases.items()))
def test_help_aliases(raw, canonical):
    result = handleplan(with_cell(H_ROW, HH, "Hjælp", raw.title()))
    assert result.ok
    assert result.tables[HANDLEPLAN]["help"].iloc[0] == canonical


@pytest.mark.parametrize(("raw", "canonical"), sorted(vocab.STATUS.aliases.items()))
def test_status_aliases(raw, canonical):
    result = handleplan(with_cell(H_ROW, HH, "Status", raw))
    assert result.ok
    assert result.tables[HANDLEPLAN]["status"].iloc[0] == canonical


@pytest.mark.parametrize(("raw", "canonical"), sorted(vocab.TRAINING_ROLE.aliases.items()))
def test_training_role_aliases(raw, canonical):
    result = uddannelse(with_cell(U_ROW, UH, "Rolle", raw))
    assert result.ok
    assert result.tables[UDDANNELSE]["role"].iloc[0] == canonical


@pytest.mark.parametrize(("raw", "canonical"), sorted(vocab.TRAINING_STATUS.aliases.items()))
def test_training_status_values(raw, canonical):
    result = uddannelse(with_cell(U_ROW, UH, "Status", raw))
    assert result.ok
    assert result.tables[UDDANNELSE]["status"].iloc[0] == canonical


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [(a, name) for name, aliases in vocab.DEFAULT_AREAS.items() for a in (name, *aliases)]
    + [("psykisk arbejdsmiljoe", "Psykisk arbejdsmiljø"), ("LOEFT", "Ergonomi"), ("  Stoej ", "Fysisk arbejdsmiljø")],
)
def test_area_aliases(raw, canonical):
    result = arbejdsark(with_cell(A_ROW, AH, "Område", raw))
    assert result.ok and not result.warnings
    assert result.tables[ARBEJDSARK]["area"].iloc[0] == canonical


def test_unknown_area_is_a_warning_and_kept_as_written():
    result = arbejdsark(with_cell(A_ROW, AH, "Område", "  Vold og  trusler "))
    assert result.ok
    [warning] = result.warnings
    assert (warning.row, warning.column, warning.value) == (2, "Område", "  Vold og  trusler ")
    assert "område" in warning.message
    assert result.tables[ARBEJDSARK]["area"].iloc[0] == "Vold og trusler"


def test_empty_status_is_ikke_startet():
    result = handleplan(with_cell(H_ROW, HH, "Status", None), H_ROW[:-1])
    assert result.ok
    assert list(result.tables[HANDLEPLAN]["status"]) == ["Ikke startet", "Ikke startet"]


def test_department_is_trimmed_with_inner_whitespace_collapsed():
    result = arbejdsark(with_cell(A_ROW, AH, "Afdeling", "  Lager \u00a0 Nord\n"))
    assert result.tables[ARBEJDSARK]["department"].iloc[0] == "Lager Nord"


# --- error kinds ------------------------------------------------------------------------------


def test_contract_example_message_exactly():
    result = run(sheet("Handleplan", ["Handleplan"], [], [], [], HH, H_ROW,
                       with_cell(H_ROW, HH, "Hvornår", "4. kvartl 2026")))
    err = one_error(result)
    assert err.message == '"4. kvartl 2026" er ikke et kvartal (fx "3. kvartal 2026" eller "2026-Q3")'
    assert describe(err, with_file=False) == (
        'Handleplan, række 7, kolonne "Hvornår": "4. kvartl 2026" er ikke et kvartal '
        '(fx "3. kvartal 2026" eller "2026-Q3")'
    )
    assert describe(err).startswith("drøftelse.xlsx: Handleplan, række 7,")
    assert err.to_json() == {"sheet": "Handleplan", "row": 7, "column": "Hvornår",
                             "value": "4. kvartl 2026", "message": err.message}


@pytest.mark.parametrize("header", ["Afdeling", "Område", "Kategori", "Beskrivelse"])
def test_required_arbejdsark_value_empty(header):
    result = arbejdsark(A_ROW, with_cell(A_ROW, AH, header, "   "))
    err = one_error(result)
    assert (err.row, err.column) == (3, header)
    assert "udfyld" in err.message
    assert len(result.tables[ARBEJDSARK]) == 1 and result.rows[ARBEJDSARK] == 2


@pytest.mark.parametrize("header", ["Afdeling", "Hvad", "Område", "Hjælp", "Hvornår"])
def test_required_handleplan_value_empty(header):
    err = one_error(handleplan(with_cell(H_ROW, HH, header, None)))
    assert (err.row, err.column) == (2, header)


@pytest.mark.parametrize("header", ["Afdeling", "Rolle", "Kursus", "Hvornår", "Status"])
def test_required_uddannelse_value_empty(header):
    err = one_error(uddannelse(with_cell(U_ROW, UH, header, "")))
    assert (err.row, err.column) == (2, header)


def test_unknown_category_lists_the_three_values():
    err = one_error(arbejdsark(with_cell(A_ROW, AH, "Kategori", "Måske")))
    assert (err.row, err.column, err.value) == (2, "Kategori", "Måske")
    for value in ("Vigtig opgave", "Lykkes", "Brug for at styrke"):
        assert f'"{value}"' in err.message


@pytest.mark.parametrize("raw", ["Styrke", " styrke ", "STYRKE"])
def test_bare_styrke_is_ambiguous(raw):
    err = one_error(arbejdsark(with_cell(A_ROW, AH, "Kategori", raw)))
    assert err.column == "Kategori"
    assert "tvetydig" in err.message
    assert '"Lykkes"' in err.message and '"Brug for at styrke"' in err.message


def test_unknown_help_lists_the_three_values():
    err = one_error(handleplan(with_cell(H_ROW, HH, "Hjælp", "Konsulent")))
    assert (err.row, err.column, err.value) == (2, "Hjælp", "Konsulent")
    for value in ("Egen kompetenceudvikling", "Hjælp indefra", "Hjælp udefra"):
        assert f'"{value}"' in err.message


def test_help_on_a_need_is_kept_and_unknown_help_on_a_need_is_an_error():
    row = with_cell(with_cell(A_ROW, AH, "Kategori", "Brug for at styrke"), AH, "Hjælp", "HR")
    result = arbejdsark(row)
    assert result.ok and not result.warnings
    assert result.tables[ARBEJDSARK]["help"].iloc[0] == "Hjælp indefra"
    err = one_error(arbejdsark(with_cell(row, AH, "Hjælp", "Måske")))
    assert err.column == "Hjælp"


@pytest.mark.parametrize("category", ["Lykkes", "Vigtig opgave"])
def test_help_on_a_row_that_is_not_a_need_is_a_warning_and_dropped(category):
    row = with_cell(with_cell(A_ROW, AH, "Kategori", category), AH, "Hjælp", "Udefra")
    result = arbejdsark(row)
    assert result.ok
    [warning] = result.warnings
    assert (warning.row, warning.column, warning.value) == (2, "Hjælp", "Udefra")
    assert "Brug for at styrke" in warning.message
    assert result.tables[ARBEJDSARK]["help"].iloc[0] is None


@pytest.mark.parametrize(("raw", "expected"), [(4, 4), (4.0, 4), ("4", 4), ("4,0", 4), (" 5 ", 5), (1, 1), (None, None)])
def test_rating_accepts_whole_numbers(raw, expected):
    result = arbejdsark(with_cell(A_ROW, AH, "Vurdering", raw))
    assert result.ok
    value = result.tables[ARBEJDSARK]["rating"].iloc[0]
    assert (value is pd.NA) if expected is None else (value == expected)


@pytest.mark.parametrize("raw", [4.5, 7, 0, "god", "4,5", True, dt.datetime(2026, 1, 4)])
def test_rating_errors(raw):
    err = one_error(arbejdsark(A_ROW, A_ROW, with_cell(A_ROW, AH, "Vurdering", raw)))
    assert (err.row, err.column, err.value) == (4, "Vurdering", raw)
    assert "1 til 5" in err.message


@pytest.mark.parametrize(("raw", "expected"), [(2026, 2026), (2026.0, 2026), ("2026", 2026), (" 2000 ", 2000), (2100, 2100)])
def test_year_accepts_whole_numbers_in_range(raw, expected):
    result = arbejdsark(with_cell(A_ROW, AH, "År", raw))
    assert result.ok
    assert result.tables[ARBEJDSARK]["year"].iloc[0] == expected


@pytest.mark.parametrize("raw", [1999, 2101, 2026.5, "tyve", "26"])
def test_year_errors(raw):
    err = one_error(handleplan(with_cell(H_ROW, HH, "År", raw)))
    assert (err.row, err.column, err.value) == (2, "År", raw)
    assert "2000" in err.message and "2100" in err.message


def test_year_is_derived_from_date_and_both_may_differ():
    headers = ["Afdeling", "Dato", "År", "Område", "Kategori", "Beskrivelse"]
    result = run(sheet("Arbejdsark", headers,
                       ["Lager", dt.datetime(2026, 3, 15), None, "Kemi", "Lykkes", "a"],
                       ["Lager", "15-01-2027", 2026, "Kemi", "Lykkes", "b"],
                       ["Lager", 46100, None, "Kemi", "Lykkes", "c"]))
    assert result.ok
    table = result.tables[ARBEJDSARK]
    assert list(table["year"]) == [2026, 2026, 2026]
    assert list(table["date"]) == [dt.date(2026, 3, 15), dt.date(2027, 1, 15), dt.date(2026, 3, 19)]


def test_arbejdsark_row_needs_date_or_year():
    headers = ["Afdeling", "Dato", "År", "Område", "Kategori", "Beskrivelse"]
    err = one_error(run(sheet("Arbejdsark", headers, ["Lager", None, None, "Kemi", "Lykkes", "a"])))
    assert err.row == 2
    assert "Dato" in err.message and "År" in err.message


@pytest.mark.parametrize("raw", ["32-01-2026", "i går", "2026-13-01", 12.5])
def test_date_errors(raw):
    headers = ["Afdeling", "Dato", "År", "Område", "Kategori", "Beskrivelse"]
    err = one_error(run(sheet("Arbejdsark", headers, ["Lager", raw, 2026, "Kemi", "Lykkes", "a"])))
    assert (err.row, err.column, err.value) == (2, "Dato", raw)
    assert "dato" in err.message


def test_description_longer_than_2000_characters_is_an_error():
    ok = arbejdsark(with_cell(A_ROW, AH, "Beskrivelse", "x" * 2000))
    assert ok.ok
    err = one_error(arbejdsark(with_cell(A_ROW, AH, "Beskrivelse", "x" * 2001)))
    assert (err.row, err.column) == (2, "Beskrivelse")
    assert "2.000" in err.message


@pytest.mark.parametrize(
    ("raw", "quarter", "urgent"),
    [("2026-Q3", "2026-Q3", False), ("Q3 2026", "2026-Q3", False), ("Q3-2026", "2026-Q3", False),
     ("3. kvartal 2026", "2026-Q3", False), ("3. kvt. 2026", "2026-Q3", False), ("3 kvt 2026", "2026-Q3", False),
     ("K3 2026", "2026-Q3", False), ("3. kvartal", "2027-Q3", False), (dt.datetime(2026, 8, 15), "2026-Q3", False),
     ("2026-08-15", "2026-Q3", False), ("15-08-2026", "2026-Q3", False), ("15.08.2026", "2026-Q3", False),
     ("15/8/2026", "2026-Q3", False), ("Snarest", "2027-Q1", True), ("ASAP", "2027-Q1", True),
     ("Så hurtigt som muligt", "2027-Q1", True), ("straks", "2027-Q1", True)],
)
def test_when_expressions(raw, quarter, urgent):
    result = handleplan(with_cell(H_ROW, HH, "År", 2027), with_cell(with_cell(H_ROW, HH, "År", 2027), HH, "Hvornår", raw))
    assert result.ok, [describe(p) for p in result.errors]
    table = result.tables[HANDLEPLAN]
    assert table["quarter"].iloc[1] == quarter
    assert bool(table["urgent"].iloc[1]) is urgent
    assert table["year"].iloc[1] == 2027


def test_when_text_is_kept_as_written_and_dates_as_dd_mm_yyyy():
    result = handleplan(with_cell(H_ROW, HH, "Hvornår", " 3.  kvartal 2026 "),
                        with_cell(H_ROW, HH, "Hvornår", dt.datetime(2026, 8, 5)))
    assert list(result.tables[HANDLEPLAN]["when"]) == ["3. kvartal 2026", "05-08-2026"]


def test_asap_is_placed_in_the_quarter_of_the_date():
    headers = ["Afdeling", "Dato", "Hvad", "Område", "Hjælp", "Hvornår"]
    result = run(sheet("Handleplan", headers, ["Lager", "15-05-2026", "Kursus", "Kemi", "Egen", "Snarest"]))
    assert result.ok
    row = result.tables[HANDLEPLAN].iloc[0]
    assert (row["quarter"], bool(row["urgent"]), row["year"]) == ("2026-Q2", True, 2026)


def test_handleplan_year_from_quarter_when_year_is_absent():
    headers = ["Afdeling", "Hvad", "Område", "Hjælp", "Hvornår"]
    result = run(sheet("Handleplan", headers, ["Lager", "Kursus", "Kemi", "Egen", "Q1 2027"],
                       ["Lager", "Kursus", "Kemi", "Egen", "15-08-2026"]))
    assert result.ok
    assert list(result.tables[HANDLEPLAN]["year"]) == [2027, 2026]
    with_year_column = handleplan(with_cell(H_ROW, HH, "År", None))
    assert with_year_column.ok
    assert with_year_column.tables[HANDLEPLAN]["year"].iloc[0] == 2026


def test_quarter_without_year_is_an_error_saying_the_year_is_missing():
    err = one_error(handleplan(with_cell(with_cell(H_ROW, HH, "År", None), HH, "Hvornår", "3. kvartal")))
    assert (err.row, err.column, err.value) == (2, "Hvornår", "3. kvartal")
    assert "mangler et år" in err.message


def test_asap_without_date_or_year_is_an_error():
    err = one_error(handleplan(with_cell(with_cell(H_ROW, HH, "År", None), HH, "Hvornår", "Snarest")))
    assert err.column == "Hvornår"
    assert "Dato" in err.message and "År" in err.message


@pytest.mark.parametrize("raw", ["4. kvartl 2026", "Q5 2026", "senere", "2026-Q0", 3.5])
def test_when_errors(raw):
    err = one_error(handleplan(with_cell(H_ROW, HH, "Hvornår", raw)))
    assert (err.row, err.column, err.value) == (2, "Hvornår", raw)
    assert "er ikke et kvartal" in err.message


def test_unknown_status_lists_the_values():
    err = one_error(handleplan(with_cell(H_ROW, HH, "Status", "Måske")))
    assert (err.row, err.column) == (2, "Status")
    for value in ("Ikke startet", "Planlagt", "I gang", "Gennemført", "Aflyst"):
        assert f'"{value}"' in err.message


def test_uddannelse_values():
    result = uddannelse(U_ROW, with_cell(with_cell(U_ROW, UH, "Timer", 11), UH, "Hvornår", dt.date(2027, 2, 1)),
                        with_cell(U_ROW, UH, "Timer", None))
    assert result.ok
    table = result.tables[UDDANNELSE]
    assert list(table["hours"][:2]) == [14.8, 11.0] and math.isnan(table["hours"].iloc[2])
    assert list(table["year"]) == [2026, 2027, 2026]
    assert list(table["quarter"]) == ["2026-Q3", "2027-Q1", "2026-Q3"]
    assert list(table["when"]) == ["2026-Q3", "01-02-2027", "2026-Q3"]


@pytest.mark.parametrize(("header", "raw"), [("Rolle", "Chef"), ("Status", "Planlagt"), ("Timer", "-1"),
                                             ("Timer", "mange"), ("Timer", "1.234,5"), ("Hvornår", "snart")])
def test_uddannelse_errors(header, raw):
    err = one_error(uddannelse(U_ROW, with_cell(U_ROW, UH, header, raw)))
    assert (err.row, err.column, err.value) == (3, header, raw)


def test_uddannelse_quarter_without_year_is_an_error():
    err = one_error(uddannelse(with_cell(U_ROW, UH, "Hvornår", "3. kvartal")))
    assert "mangler et år" in err.message


def test_all_errors_of_a_file_are_reported_together():
    result = run(
        sheet("Arbejdsark", AH, with_cell(A_ROW, AH, "Kategori", "Styrke"), with_cell(A_ROW, AH, "Vurdering", 9)),
        sheet("Handleplan", HH, with_cell(with_cell(H_ROW, HH, "Hvornår", "snart"), HH, "Hjælp", "Nogen")),
        sheet("Uddannelse", UH, with_cell(U_ROW, UH, "Status", "?")),
    )
    where = [(p.sheet, p.row, p.column) for p in result.errors]
    assert where == [("Arbejdsark", 2, "Kategori"), ("Arbejdsark", 3, "Vurdering"),
                     ("Handleplan", 2, "Hjælp"), ("Handleplan", 2, "Hvornår"), ("Uddannelse", 2, "Status")]
    assert not result.ok
    assert result.to_json()["ok"] is False


# --- box layout -------------------------------------------------------------------------------


def test_box_layout_gives_one_entry_per_cell_and_line():
    headers = ["Afdeling", "År", "Område", "Vigtige opgaver og fokuspunkter", "Dette lykkes vi med",
               "Brug for at styrke", "Egen kompetenceudvikling", "Brug for andre på arbejdsplads",
               "Brug for hjælp udefra"]
    result = run(sheet("Arbejdsark", ["Vores drøftelse"], headers,
                       ["Lager", 2026, "Kemi", "APV", "• Sikkerhedsdatablade\n• Værnemidler",
                        "Substitution", "Kemikursus", "- Mester\n- HR", "Arbejdsmiljørådgiver"]))
    assert result.ok and not result.warnings
    table = result.tables[ARBEJDSARK]
    got = list(zip(table["category"], table["description"], table["help"], strict=True))
    assert got == [
        ("Vigtig opgave", "APV", None),
        ("Lykkes", "Sikkerhedsdatablade", None),
        ("Lykkes", "Værnemidler", None),
        ("Brug for at styrke", "Substitution", None),
        ("Brug for at styrke", "Kemikursus", "Egen kompetenceudvikling"),
        ("Brug for at styrke", "Mester", "Hjælp indefra"),
        ("Brug for at styrke", "HR", "Hjælp indefra"),
        ("Brug for at styrke", "Arbejdsmiljørådgiver", "Hjælp udefra"),
    ]
    assert set(table["department"]) == {"Lager"} and set(table["area"]) == {"Kemisk og biologisk arbejdsmiljø"}


def test_a_box_line_starting_with_a_minus_number_keeps_its_minus():
    # "lines starting with • or -" are bullets; "-5 grader i kølerum" is a temperature, and a
    # user would notice the minus gone. A dash without a space is still a bullet.
    headers = ["Afdeling", "År", "Område", "Dette lykkes vi med", "Brug for at styrke"]
    result = run(sheet("Arbejdsark", headers, ["Lager", 2026, "Kemi", "-5 grader i kølerum\n-Værnemidler",
                                               "–2 timer om ugen"]))
    assert result.ok
    assert list(result.tables[ARBEJDSARK]["description"]) == ["-5 grader i kølerum", "Værnemidler", "–2 timer om ugen"]
    # A bulleted Beskrivelse with such a line is still a list, and the line keeps its minus.
    listed = arbejdsark(with_cell(A_ROW, AH, "Beskrivelse", "- Kursus A\n-5 grader om vinteren"))
    assert list(listed.tables[ARBEJDSARK]["description"]) == ["Kursus A", "-5 grader om vinteren"]


def test_a_text_file_named_xls_with_headers_of_two_tables_gets_the_csv_advice():
    # Known headers that fit two tables equally: the file was read, and the CSV message says
    # which column to add (exit 1), not "not a spreadsheet" (exit 2).
    result = check_bytes("tvetydig.xls", "Afdeling\tÅr\nLager\t2026\n".encode())
    assert not result.unreadable
    assert "passer lige godt til" in result.errors[0].message


@pytest.mark.parametrize("header", list(BOX_COLUMNS))
def test_every_box_header_and_its_spelling_variants(header):
    category, help_ = BOX_COLUMNS[header]
    for written in (header, header.upper() + ":", header.replace("å", "aa").replace("ø", "oe")):
        result = run(sheet("Arbejdsark", ["Afdeling", "År", "Område", written], ["Lager", 2026, "Kemi", "punkt"]))
        assert result.ok and not result.warnings, written
        row = result.tables[ARBEJDSARK].iloc[0]
        assert (row["category"], row["help"], row["description"]) == (category, help_, "punkt")


def test_box_problems_point_at_the_box_cell():
    headers = ["Afdeling", "År", "Område", "Dette lykkes vi med", "Brug for hjælp udefra"]
    result = run(sheet("Arbejdsark", headers, ["Lager", 2026, "Kemi", "ok", "x" * 2001],
                       ["Lager", 2026, "Månen", "godt", None]))
    err = one_error(result)
    assert (err.row, err.column) == (2, "Brug for hjælp udefra")
    [warning] = result.warnings
    assert (warning.row, warning.column, warning.value) == (3, "Område", "Månen")


def test_box_row_without_any_entry_is_skipped_with_a_warning():
    headers = ["Afdeling", "År", "Område", "Dette lykkes vi med"]
    result = run(sheet("Arbejdsark", headers, ["Lager", 2026, "Kemi", None], ["Lager", 2026, "Kemi", "godt"]))
    assert result.ok and result.rows[ARBEJDSARK] == 1
    [warning] = result.warnings
    assert warning.row == 2


def test_help_column_in_box_layout_applies_to_the_need_box():
    headers = ["Afdeling", "År", "Område", "Brug for at styrke", "Dette lykkes vi med", "Hjælp"]
    result = run(sheet("Arbejdsark", headers, ["Lager", 2026, "Kemi", "Substitution", "Godt", "Ekstern"],
                       ["Lager", 2026, "Kemi", None, "Godt", "Ekstern"]))
    assert result.ok
    table = result.tables[ARBEJDSARK]
    needs = table[table["category"] == "Brug for at styrke"]
    assert list(needs["help"]) == ["Hjælp udefra"]
    assert set(table.loc[table["category"] == "Lykkes", "help"]) == {None}
    [warning] = result.warnings
    assert (warning.row, warning.column) == (3, "Hjælp")


def test_bulleted_description_gives_one_entry_per_line_and_plain_lines_stay_one_entry():
    result = arbejdsark(with_cell(A_ROW, AH, "Beskrivelse", "• Løft\n• Skub og træk"),
                        with_cell(A_ROW, AH, "Beskrivelse", "Første linje\nanden linje"))
    assert list(result.tables[ARBEJDSARK]["description"]) == ["Løft", "Skub og træk", "Første linje anden linje"]


# --- CSV --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "row", "table"),
    [
        (AH, A_ROW, ARBEJDSARK),
        (["Afdeling", "Dato", "Område", "Kategori", "Beskrivelse"], ["Lager", "15-03-2026", "Kemi", "Lykkes", "a"], ARBEJDSARK),
        (["Afdeling", "Dato", "Område", "Dette lykkes vi med"], ["Lager", "15-03-2026", "Kemi", "a"], ARBEJDSARK),
        (HH, H_ROW, HANDLEPLAN),
        (["Afdeling", "Dato", "Hvad", "Område", "Hjælp", "Hvornår"], ["Lager", "01-02-2026", "a", "Kemi", "Egen", "Q3 2026"], HANDLEPLAN),
        (UH, U_ROW, UDDANNELSE),
        (["Afdeling", "Rolle", "Kursus", "Dato", "Status"], ["Lager", "AMR", "Kemi", "15-09-2026", "Tilbudt"], UDDANNELSE),
        (["Department", "Role", "Course", "When", "State"], ["Lager", "Other", "Kemi", "Q3 2026", "Aflyst"], UDDANNELSE),
    ],
)
def test_csv_table_is_recognised_from_its_headers(headers, row, table):
    result = run(sheet("data.csv", ["Eksport fra intranettet"], headers, row, csv=True), file="data.csv")
    assert result.ok, [describe(p) for p in result.errors]
    assert result.rows[table] == 1 and sum(result.rows.values()) == 1


def test_csv_problems_use_the_danish_table_title():
    result = run(sheet("plan.csv", HH, with_cell(H_ROW, HH, "Hvornår", "4. kvartl 2026"), csv=True), file="plan.csv")
    err = one_error(result)
    assert (err.file, err.sheet, err.row, err.column) == ("plan.csv", "Handleplan", 2, "Hvornår")


@pytest.mark.parametrize("rows", [[["Navn", "Telefon"], ["Jens", "1234"]], [], [[None, ""]],
                                  [["Afdeling", "Område"], ["Lager", "Kemi"]]])
def test_unrecognisable_csv_is_a_clear_error(rows):
    result = run(sheet("x.csv", *rows, csv=True), file="x.csv")
    err = one_error(result)
    assert (err.sheet, err.row, err.column) == (None, None, None)
    assert "CSV" in err.message
    assert sum(result.rows.values()) == 0


# --- canonical tables -------------------------------------------------------------------------


def _check_dtypes(result: FileResult) -> None:
    for table in TABLES:
        frame = result.tables[table]
        assert tuple(frame.columns) == CANONICAL[table]
        if "year" in frame.columns:
            assert frame["year"].dtype == "int64"
    assert result.tables[ARBEJDSARK]["rating"].dtype == "Int64"
    assert result.tables[UDDANNELSE]["hours"].dtype == "float64"
    assert result.tables[HANDLEPLAN]["urgent"].dtype == bool


def test_canonical_tables_have_exact_columns_and_types_also_when_empty():
    empty = run(sheet("Arbejdsark", AH), sheet("Handleplan", HH), sheet("Uddannelse", UH))
    assert empty.ok and not empty.warnings and empty.rows == {t: 0 for t in TABLES}
    _check_dtypes(empty)
    full = run(sheet("Arbejdsark", AH, A_ROW), sheet("Handleplan", HH, H_ROW), sheet("Uddannelse", UH, U_ROW))
    _check_dtypes(full)
    assert full.tables[ARBEJDSARK]["date"].iloc[0] is None
    assert isinstance(full.tables[UDDANNELSE]["hours"].iloc[0], float)


def test_rows_with_errors_are_left_out_of_the_tables():
    result = handleplan(H_ROW, with_cell(H_ROW, HH, "Hvornår", "snart"), H_ROW)
    assert not result.ok and len(result.tables[HANDLEPLAN]) == 2
    # "rows" counts the rows read, the one with an error included
    assert result.to_json()["rows"] == {t: 3 if t == HANDLEPLAN else 0 for t in TABLES}


def test_rows_of_a_sheet_with_a_missing_column_are_all_counted_but_none_returned():
    result = run(sheet("Handleplan", HH[:-2], H_ROW[:-2], H_ROW[:-2]))
    assert len(result.tables[HANDLEPLAN]) == 0
    assert result.rows[HANDLEPLAN] == 2


# --- reading files ----------------------------------------------------------------------------


def test_check_bytes_never_raises_for_garbage():
    result = check_bytes("skrald.xlsx", b"PK\x03\x04 not really a zip")
    assert result.unreadable and not result.ok
    err = one_error(result)
    assert (err.file, err.sheet, err.row, err.column) == ("skrald.xlsx", None, None, None)
    assert result.rows == {t: 0 for t in TABLES}
    for table in TABLES:
        assert tuple(result.tables[table].columns) == CANONICAL[table]


def test_check_path_refuses_a_too_large_file_before_reading(tmp_path):
    path = tmp_path / "stor.csv"
    path.write_bytes(b"Afdeling;Hvad\n" * 100)
    result = check_path(path, max_bytes=100)
    assert result.unreadable
    assert "for stor" in one_error(result).message
    missing = check_path(tmp_path / "findes-ikke.xlsx")
    assert missing.unreadable and missing.file == "findes-ikke.xlsx"


def test_describe_whole_file_problem():
    problem = Problem("a.xlsx", None, None, None, None, "Filen er tom.")
    assert describe(problem) == "a.xlsx: Filen er tom."
    assert describe(Problem("a.xlsx", "Arbejdsark", 4, None, None, "Tekst.")) == "a.xlsx: Arbejdsark, række 4: Tekst."


# --- property: arbitrary cells never break validation -----------------------------------------

_cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["", " ", "Styrke", "Lykkes", "Q3 2026", "3. kvartal", "Snarest", "4,5", "Egen",
                     "Ergonomi", "Gennemført", "AMR", "• a\n- b", "\n", "•", "-", "2026", "15-08-2026",
                     "nan", "inf", "1e400", "31-02-2026"]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(),
    st.times(),
)
_header_choices = st.sampled_from(
    sorted({n for t in TABLES for c in COLUMNS[t] for n in c.names} | set(BOX_COLUMNS) | {"Ukendt", "", "Omraade"})
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(st.sampled_from(["Arbejdsark", "Handleplan", "Uddannelse", "Andet"]), min_size=0, max_size=3),
    headers=st.lists(_header_choices, min_size=0, max_size=10),
    grid=st.lists(st.lists(_cells, max_size=12), max_size=8),
    csv=st.booleans(),
    above=st.lists(st.lists(_cells, max_size=3), max_size=2),
)
def test_arbitrary_cells_always_give_a_file_result(names, headers, grid, csv, above):
    rows = [*above, list(headers), *grid]
    sheets = [RawSheet("f.csv", rows, is_csv=True)] if csv else [RawSheet(n, rows) for n in names]
    result = validate_sheets("f.csv" if csv else "f.xlsx", sheets)
    assert isinstance(result, FileResult)
    _check_dtypes(result)
    for problem in [*result.errors, *result.warnings]:
        assert problem.message and isinstance(problem.message, str)
        assert problem.row is None or problem.row >= 1
        problem.to_json()
        describe(problem)
    result.to_json()


# --- end to end through the reader ------------------------------------------------------------


def test_xlsx_end_to_end_with_title_rows_dates_and_errors():
    data = xlsx({
        "Vejledning": [["Sådan bruger du skabelonen"]],
        "Arbejdsark": [
            ["Kompetencedrøftelse 2026"],
            [],
            ["Afdeling", "Dato", "Aar", "Omraade", "Kategori", "Beskrivelse", "Hjælp", "Vurdering"],
            ["Lager", dt.date(2026, 3, 15), 2026, "Løft", "Lykkes", "Gode løfteteknikker", None, 4],
            ["Lager", dt.datetime(2026, 3, 15), None, "Kemi", "Behov", "• Substitution\n• Værnemidler", "Ekstern", 4.0],
            [],
            ["Lager", None, "2026", "Vold", "Styrke", "Konflikthåndtering", None, "7"],
        ],
        "Action plan": [
            ["Afdeling", "År", "Hvad", "Område", "Hjælp", "Hvornår", "Status"],
            ["Lager", 2026, "Kemikursus", "Kemi", "Egen", dt.date(2026, 8, 15), None],
            ["Lager", 2026, "Rådgiver", "Kemi", "Udefra", "4. kvartl 2026", "Planlagt"],
        ],
    })
    result = check_bytes("lager.xlsx", data)
    assert not result.unreadable and not result.ok
    assert result.sha256 and len(result.sha256) == 64
    assert [(p.sheet, p.row, p.column, p.value) for p in result.errors] == [
        ("Arbejdsark", 7, "Kategori", "Styrke"),
        ("Arbejdsark", 7, "Vurdering", "7"),
        ("Action plan", 3, "Hvornår", "4. kvartl 2026"),
    ]
    assert describe(result.errors[-1]) == (
        'lager.xlsx: Action plan, række 3, kolonne "Hvornår": "4. kvartl 2026" er ikke et kvartal '
        '(fx "3. kvartal 2026" eller "2026-Q3")'
    )
    warnings = {(p.row, p.column) for p in result.warnings}
    assert warnings == {(6, None), (7, "Omraade")}
    arbejdsark_table = result.tables[ARBEJDSARK]
    assert list(arbejdsark_table["description"]) == ["Gode løfteteknikker", "Substitution", "Værnemidler"]
    assert list(arbejdsark_table["date"]) == [dt.date(2026, 3, 15)] * 3
    assert list(arbejdsark_table["help"]) == [None, "Hjælp udefra", "Hjælp udefra"]
    plan = result.tables[HANDLEPLAN]
    assert list(plan["when"]) == ["15-08-2026"] and list(plan["status"]) == ["Ikke startet"]
    assert result.to_json()["rows"] == {ARBEJDSARK: 4, HANDLEPLAN: 2, UDDANNELSE: 0, MEDLEMMER: 0, ORGANISATION: 0}


def test_cp1252_semicolon_csv_end_to_end():
    text = (
        "Uddannelsesregister;;\r\n"
        "Afdeling;Rolle;Navn;Kursus;Timer;Hvornår;Status\r\n"
        "Lager;Arbejdsmiljørepræsentant;ÆØ;Supplerende kursus;14,8;3. kvt. 2026;Gennemført\r\n"
        "Kontor;Leder;;Kursus;;15-08-2026;Afslået\r\n"
        "Kontor;Chef;;Kursus;;15-08-2026;Afslået\r\n"
    )
    result = check_bytes("uddannelse.csv", text.encode("cp1252"))
    err = one_error(result)
    assert (err.sheet, err.row, err.column, err.value) == ("Uddannelse", 5, "Rolle", "Chef")
    table = result.tables[UDDANNELSE]
    assert list(table["role"]) == ["AMR", "Leder"]
    assert list(table["name"]) == ["ÆØ", None]
    assert table["hours"].iloc[0] == 14.8 and math.isnan(table["hours"].iloc[1])
    assert list(table["quarter"]) == ["2026-Q3", "2026-Q3"]
    assert list(table["status"]) == ["Gennemført", "Afslået"]


def test_utf8_comma_csv_of_the_arbejdsark_end_to_end():
    text = "\ufeffAfdeling,År,Område,Kategori,Beskrivelse\nLager,2026,Støj,Lykkes,\"Høreværn, altid\"\n"
    result = check_bytes("drøftelse.csv", text.encode("utf-8"))
    assert result.ok and result.rows[ARBEJDSARK] == 1
    assert result.tables[ARBEJDSARK]["description"].iloc[0] == "Høreværn, altid"


def test_unreadable_files_are_one_whole_file_error():
    for name, data in [("tom.xlsx", b""), ("klip.xlsx", xlsx({"Arbejdsark": [AH, A_ROW]})[:300]),
                       ("billede.csv", b"\x89PNG\r\n\x1a\n\x00\x00")]:
        result = check_bytes(name, data)
        assert result.unreadable, name
        err = one_error(result)
        assert (err.file, err.sheet, err.row, err.column) == (name, None, None, None)
        assert result.to_json()["rows"] == {t: 0 for t in TABLES}


def test_check_path_reads_a_real_file_and_refuses_a_huge_one_without_reading_it(tmp_path, monkeypatch):
    good = tmp_path / "plan.xlsx"
    good.write_bytes(xlsx({"Handleplan": [HH, H_ROW]}))
    result = check_path(good)
    assert result.ok and result.file == "plan.xlsx" and result.rows[HANDLEPLAN] == 1
    huge = tmp_path / "enorm.xlsx"
    with huge.open("wb") as handle:  # sparse: 8 GB on paper, nothing on disk; reading it would hang
        handle.truncate(8 * 1024**3)
    refused = check_path(huge)
    assert refused.unreadable and "for stor" in one_error(refused).message
    monkeypatch.setenv("AMO_MAX_UPLOAD_MB", "0,001")
    assert check_path(good).unreadable


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=st.sampled_from([HANDLEPLAN, UDDANNELSE]),
       grid=st.lists(st.lists(_cells, min_size=12, max_size=12), min_size=1, max_size=6))
def test_every_data_row_gives_one_table_row_or_an_error(table, grid):
    headers = [c.header for c in COLUMNS[table]]
    rows = [row[: len(headers)] for row in grid]
    result = validate_sheets("f.xlsx", [RawSheet(table.capitalize(), [headers, *rows])])
    filled = [i + 2 for i, row in enumerate(rows) if any(not _blank(c) for c in row)]
    with_errors = {p.row for p in result.errors}
    assert len(result.tables[table]) + len(with_errors) == len(filled) == result.rows[table]
    assert with_errors <= set(filled)
    frame = result.tables[table]
    assert frame["year"].between(2000, 2100).all()
    assert frame["quarter"].str.fullmatch(r"\d{4}-Q[1-4]").all()
    assert frame["department"].map(lambda v: isinstance(v, str) and v == v.strip() and v != "").all()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def test_data_in_a_column_without_header_is_a_warning():
    result = arbejdsark([*A_ROW, None, "note"], [*A_ROW[:2], None, *A_ROW[3:]], headers=[*AH[:2], None, *AH[3:]])
    assert not result.ok  # the Område column has no header any more
    result = arbejdsark(A_ROW, [*A_ROW, None, "Husk kaffe"])
    assert result.ok and result.rows[ARBEJDSARK] == 2
    [warning] = result.warnings
    assert (warning.row, warning.column, warning.value) == (3, None, "Husk kaffe")
    assert "Kolonne J" in warning.message


def test_year_typed_into_a_date_formatted_cell_is_read_as_the_year():
    # Excel shows 2026 in a date-formatted cell as 18-07-1905 (serial 2026).
    result = arbejdsark(with_cell(A_ROW, AH, "År", dt.datetime(1905, 7, 18)))
    assert result.ok
    assert result.tables[ARBEJDSARK]["year"].iloc[0] == 2026
    err = one_error(arbejdsark(with_cell(A_ROW, AH, "År", dt.date(2026, 3, 1))))
    assert err.column == "År"


# --- text cells (data-format.md: "Text cells are normalised to Unicode NFC; invisible format
# characters ... are removed; a control character ... is an error naming the cell. Department
# names are also NFKC-normalised. Two sheets of one workbook that name the same table ... are
# an error.") ------------------------------------------------------------------------------------


def escaped_xlsx(sheets: dict[str, list[list]], replace: dict[str, str]) -> bytes:
    """An .xlsx whose inline strings carry Excel's ``_xHHHH_`` escapes (what a hostile or
    damaged file holds: openpyxl refuses to write control characters itself)."""
    import io
    import zipfile

    data = xlsx(sheets, write_only=True)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            for old, new in replace.items():
                body = body.replace(old.encode(), new.encode())
            zout.writestr(info, body)
    return out.getvalue()


@pytest.mark.parametrize("escape, code", [("_x0007_", "U+0007"), ("_x0000_", "U+0000"), ("_x001B_", "U+001B")])
def test_a_control_character_in_an_xlsx_cell_is_an_error_naming_the_cell(escape, code):
    data = escaped_xlsx({"Arbejdsark": [AH, A_ROW, with_cell(A_ROW, AH, "Beskrivelse", "PLACEHOLDER")]},
                        {"PLACEHOLDER": f"Ringer{escape}klokken"})
    result = check_bytes("styretegn.xlsx", data)
    problem = one_error(result)
    assert (problem.sheet, problem.row, problem.column) == ("Arbejdsark", 3, "Beskrivelse")
    assert code in problem.message and "styretegn" in problem.message
    assert result.rows[ARBEJDSARK] == 2 and len(result.tables[ARBEJDSARK]) == 1


def test_a_control_character_in_a_csv_cell_is_an_error_naming_the_cell():
    text = "Afdeling;År;Hvad;Område;Hjælp;Hvornår\nLager;2026;Kursus\x1b i kemi;Kemi;Egen;Q3 2026\n"
    problem = one_error(check_bytes("plan.csv", text.encode()))
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("Handleplan", 2, "Hvad", "Kursus\x1b i kemi")
    assert "U+001B" in problem.message


def test_tab_and_line_breaks_are_not_control_characters():
    result = arbejdsark(with_cell(A_ROW, AH, "Beskrivelse", "Løft\tog bær\r\nsikkert\vi lageret"))
    assert result.ok, [describe(p) for p in result.errors]


def test_invisible_characters_are_removed_and_text_is_nfc():
    nfd = "Ko\u0308rsel med tru\u0308ck"  # "Körsel med trück" decomposed
    rows = [with_cell(A_ROW, AH, "Afdeling", "Lager\u200b"),
            with_cell(with_cell(A_ROW, AH, "Beskrivelse", "Fler\u00adsproget \u2066instruktion\u2069"), AH, "Afdeling",
                      "\ufeffLager"),
            with_cell(A_ROW, AH, "Beskrivelse", nfd)]
    result = arbejdsark(*rows)
    assert result.ok
    table = result.tables[ARBEJDSARK]
    assert set(table["department"]) == {"Lager"}
    assert list(table["description"]) == ["Gode løfteteknikker", "Flersproget instruktion", "Körsel med trück"]


def test_a_cell_of_only_invisible_characters_is_empty():
    problem = one_error(arbejdsark(with_cell(A_ROW, AH, "Beskrivelse", "\u200b\u200d")))
    assert problem.column == "Beskrivelse" and "tom" in problem.message


def test_department_names_are_nfkc_so_full_width_letters_match():
    result = handleplan(with_cell(H_ROW, HH, "Afdeling", "Ｌａｇｅｒ"), H_ROW)
    assert set(result.tables[HANDLEPLAN]["department"]) == {"Lager"}


@pytest.mark.parametrize("names", [("Arbejdsark", "ARBEJDSARK"), ("Arbejdsark", "Worksheet"),
                                   ("Handleplan", "handleplan ")])
def test_two_sheets_naming_one_table_are_an_error(names):
    table = ARBEJDSARK if names[0] == "Arbejdsark" else HANDLEPLAN
    headers, row = ROWS[table]
    result = run(sheet(names[0], headers, row), sheet(names[1], headers, row))
    problem = one_error(result)
    assert problem.sheet == names[1] and problem.row is None
    assert f'"{names[0]}"' in problem.message and f'"{names[1]}"' in problem.message
    assert "to ark" in problem.message


def test_true_is_not_a_rating_though_it_equals_one():
    rows = [with_cell(A_ROW, AH, "Vurdering", value) for value in (1, 1.0, True, "1")]
    problem = one_error(arbejdsark(*rows))
    assert problem.row == 4 and problem.column == "Vurdering"


# --- format version 2: Medlemmer, Organisation and Uddannelse's Type (data-format.md) ----------


def medlemmer(*rows, headers=MH) -> FileResult:
    return run(sheet("Medlemmer", headers, *rows))


def organisation(*rows, headers=OH) -> FileResult:
    return run(sheet("Organisation", headers, *rows))


def test_a_member_list_is_read_into_its_table():
    result = medlemmer(M_ROW, ["Lager", "Sara", "Arbejdsleder", dt.date(2026, 10, 1), None, None, None])
    assert result.ok and not result.warnings
    table = result.tables[MEDLEMMER]
    assert list(table["name"]) == ["Ole Hansen", "Sara"]
    assert list(table["joined"]) == [dt.date(2025, 9, 1), dt.date(2026, 10, 1)]
    assert list(table["email"]) == ["ole@firma.dk", None]


def test_the_same_member_twice_in_a_file_is_an_error_naming_both_rows():
    # "A member is identified by department (as for every table) and name: trimmed, inner
    # whitespace collapsed, case-insensitive. ... Two rows of one file with the same department
    # and name are an error."
    again = with_cell(with_cell(M_ROW, MH, "Navn", "ole   HANSEN"), MH, "Afdeling", "LAGER")
    other_department = with_cell(M_ROW, MH, "Afdeling", "Kontor")
    problem = one_error(medlemmer(M_ROW, other_department, again))
    assert (problem.sheet, problem.row, problem.column) == ("Medlemmer", 4, "Navn")
    assert "række 2" in problem.message and "én gang pr. afdeling" in problem.message


def test_fratraadt_before_tiltraadt_is_an_error():
    problem = one_error(medlemmer(with_cell(M_ROW, MH, "Fratrådt", "31-08-2025")))
    assert (problem.row, problem.column) == (2, "Fratrådt")
    assert "31-08-2025" in problem.message and "01-09-2025" in problem.message


@pytest.mark.parametrize("column, value, words", [
    ("Rolle", "Formand", "er ikke en rolle"),
    ("Tiltrådt", None, "skal udfyldes"),
    ("Tiltrådt", "snart", "er ikke en dato"),
    ("E-mail", "ole@firma.dk; eva@firma.dk", "er ikke én e-mailadresse"),
    ("E-mail", "ole hansen", "er ikke én e-mailadresse"),
    ("Navn", None, "skal udfyldes"),
])
def test_bad_member_cells_are_errors_naming_row_and_column(column, value, words):
    problem = one_error(medlemmer(with_cell(M_ROW, MH, column, value)))
    assert (problem.sheet, problem.row, problem.column) == ("Medlemmer", 2, column)
    assert words in problem.message


def test_a_member_list_without_tiltraadt_is_refused():
    headers = [h for h in MH if h != "Tiltrådt"]
    problem = one_error(medlemmer([v for h, v in zip(MH, M_ROW, strict=True) if h != "Tiltrådt"], headers=headers))
    assert problem.message.startswith('Kolonnen "Tiltrådt" mangler')


def test_course_type_defaults_to_supplerende_and_reads_its_aliases():
    headers = [*UH, "Type"]
    result = uddannelse([*U_ROW, None], [*U_ROW, "Den obligatoriske arbejdsmiljøuddannelse"], [*U_ROW, "Other"],
                        headers=headers)
    assert result.ok and list(result.tables[UDDANNELSE]["type"]) == ["Supplerende", "Grunduddannelse", "Andet"]
    assert list(uddannelse(U_ROW).tables[UDDANNELSE]["type"]) == ["Supplerende"]


def test_a_supplementary_course_without_hours_is_a_warning():
    # "a `Supplerende` course without hours counts 0 hours towards the entitlement, with a warning"
    result = uddannelse(with_cell(U_ROW, UH, "Timer", None), U_ROW)
    assert result.ok
    assert [(p.row, p.column) for p in result.warnings] == [(2, "Timer")]
    assert "0 timer" in result.warnings[0].message
    basic = uddannelse([*with_cell(U_ROW, UH, "Timer", None), "Grunduddannelse"], headers=[*UH, "Type"])
    assert basic.ok and not basic.warnings
    no_column = uddannelse([v for h, v in zip(UH, U_ROW, strict=True) if h != "Timer"],
                           headers=[h for h in UH if h != "Timer"])
    assert no_column.ok and [(p.row, p.column) for p in no_column.warnings] == [(1, None)]


def test_an_organisation_sheet_is_read_into_its_table():
    result = organisation(["Vejdrift", "Vej og Park"], ["Vej og Park", "Teknik og Miljø"], ["Teknik og Miljø", None])
    assert result.ok
    assert list(result.tables[ORGANISATION]["parent"]) == ["Vej og Park", "Teknik og Miljø", None]


def test_a_unit_under_itself_is_an_error():
    problem = one_error(organisation(["Vejdrift", " VEJDRIFT "]))
    assert (problem.row, problem.column) == (2, "Overordnet") and "under sig selv" in problem.message


def test_a_cycle_is_an_error_naming_its_rows_and_nothing_is_kept():
    result = organisation(["A", "B"], ["X", None], ["B", "C"], ["c", "a"])
    problem = one_error(result)
    assert problem.column == "Overordnet" and "går i ring" in problem.message
    assert "række 2, 4 og 5" in problem.message and not result.ok


def test_a_name_twice_in_an_organisation_sheet_is_an_error():
    problem = one_error(organisation(["Vejdrift", "Vej og Park"], ["vejdrift", "Parker"]))
    assert (problem.row, problem.column) == (3, "Afdeling") and "række 2" in problem.message


@pytest.mark.parametrize("table, text", [
    (MEDLEMMER, "Afdeling;Navn;Rolle;Tiltrådt;Fratrådt\nLager;Ole;AMR;01-09-2025;\n"),
    (ORGANISATION, "Afdeling;Overordnet\nLager;Drift\n"),
])
def test_csv_files_of_the_new_tables_are_recognised(table, text):
    result = check_bytes("fil.csv", text.encode())
    assert result.ok, [describe(p) for p in result.errors]
    assert len(result.tables[table]) == 1
