"""The blank template and workbook writing: layout, drop-down lists, guide, safe text, round trip."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from amo_data import vocab
from amo_data.schema import (
    ARBEJDSARK,
    CANONICAL,
    COLUMNS,
    HANDLEPLAN,
    SHEET_TITLES,
    TABLES,
    UDDANNELSE,
)
from amo_data.template import write_template
from amo_data.workbook import VALIDATION_LAST_ROW, when_text, write_workbook


def _template_bytes() -> bytes:
    buffer = io.BytesIO()
    write_template(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def template() -> bytes:
    return _template_bytes()


@pytest.fixture(scope="module")
def wb(template):
    return openpyxl.load_workbook(io.BytesIO(template))


def _list_values(wb, formula: str) -> list[str]:
    sheet, ref = formula.lstrip("=").split("!")
    ws = wb[sheet.strip("'")]
    return [row[0].value for row in ws[ref.replace("$", "")]]


def test_template_has_guide_first_then_every_data_sheet(wb):
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible == ["Vejledning", "Arbejdsark", "Handleplan", "Uddannelse", "Medlemmer", "Organisation"]
    assert wb["Lister"].sheet_state == "hidden"
    assert wb.active.title == "Vejledning"


def test_template_written_to_a_path(tmp_path):
    out = tmp_path / "skabelon.xlsx"
    write_template(out)
    assert openpyxl.load_workbook(out).sheetnames[:4] == ["Vejledning", "Arbejdsark", "Handleplan", "Uddannelse"]


@pytest.mark.parametrize("table", TABLES)
def test_headers_are_bold_frozen_filtered_sized_and_no_data(wb, table):
    ws = wb[SHEET_TITLES[table]]
    headers = [c.header for c in COLUMNS[table]]
    assert [c.value for c in ws[1]] == headers
    assert all(c.font.bold for c in ws[1])
    assert all(c.fill.fgColor.rgb not in (None, "00000000") for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert ws.max_row == 1  # blank template: no data rows
    for index, header in enumerate(headers, start=1):
        width = ws.column_dimensions[openpyxl.utils.get_column_letter(index)].width
        assert width >= len(header)


EXPECTED_LISTS = {
    (ARBEJDSARK, "Område"): vocab.areas().values,
    (ARBEJDSARK, "Kategori"): vocab.CATEGORY.values,
    (ARBEJDSARK, "Hjælp"): vocab.HELP.values,
    (HANDLEPLAN, "Område"): vocab.areas().values,
    (HANDLEPLAN, "Hjælp"): vocab.HELP.values,
    (HANDLEPLAN, "Status"): vocab.STATUS.values,
    (UDDANNELSE, "Rolle"): vocab.TRAINING_ROLE.values,
    (UDDANNELSE, "Status"): vocab.TRAINING_STATUS.values,
}


@pytest.mark.parametrize(("table", "header"), list(EXPECTED_LISTS))
def test_every_vocabulary_column_has_a_drop_down_list(wb, table, header):
    ws = wb[SHEET_TITLES[table]]
    letter = openpyxl.utils.get_column_letter([c.header for c in COLUMNS[table]].index(header) + 1)
    matching = [dv for dv in ws.data_validations.dataValidation
                if f"{letter}2:{letter}{VALIDATION_LAST_ROW}" in str(dv.sqref)]
    assert len(matching) == 1, f"{table}.{header} has no drop-down list"
    dv = matching[0]
    assert dv.type == "list"
    assert "Lister!" in dv.formula1  # a range on the hidden sheet, not an inline list
    assert tuple(_list_values(wb, dv.formula1)) == EXPECTED_LISTS[(table, header)]


def test_free_text_columns_have_no_drop_down(wb):
    ws = wb["Arbejdsark"]
    letters = {str(dv.sqref)[0] for dv in ws.data_validations.dataValidation}
    # Afdeling (A) and Beskrivelse (F) are free text.
    assert not letters & {"A", "F"}


def test_arbejdsark_role_suggests_but_accepts_any_text(wb):
    ws = wb["Arbejdsark"]
    (dv,) = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith("I2:")]
    assert _list_values(wb, dv.formula1) == ["AMR", "Arbejdsleder", "Leder", "Medarbejder", "TR"]
    assert not dv.showErrorMessage


def test_vocabulary_lists_warn_on_other_values(wb):
    # Aliases (e.g. "Færdig" for Gennemført) are valid in the file, so Excel only warns.
    dvs = [dv for ws in wb.worksheets for dv in ws.data_validations.dataValidation if dv.showErrorMessage]
    assert dvs and all(dv.errorStyle == "warning" for dv in dvs)


def test_guide_explains_every_column_quarters_help_routes_and_example(wb):
    ws = wb["Vejledning"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    for table in TABLES:
        for col in COLUMNS[table]:
            assert col.header in text
            assert col.help in text
    for form in ("3. kvartal 2026", "2026-Q3", "Q3 2026", "K3 2026", "3 kvt 2026", "15-08-2026", "Snarest"):
        assert form in text
    for route in (vocab.EGEN, vocab.INDEFRA, vocab.UDEFRA):
        assert route in text
    assert "supplerende arbejdsmiljøuddannelse" in text.lower()
    assert "sagkyndig bistand" in text.lower()
    # The seed tool's three example actions, each with its help route on the same row.
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    examples = {
        "formidling": vocab.EGEN,
        "uklare og modstridende krav": vocab.INDEFRA,
        "Kemisk risikovurdering": vocab.UDEFRA,
    }
    for phrase, route in examples.items():
        assert any(any(phrase.lower() in str(v).lower() for v in row[3:4]) and route in row for row in rows), phrase


def test_guide_sheet_is_not_a_data_sheet_alias(wb):
    from amo_data.schema import sheet_index
    from amo_data.text import fold

    assert fold("Vejledning") not in sheet_index()
    assert fold("Lister") not in sheet_index()


# --------------------------------------------------------------------------------------
# Data rows


def _tables(**columns_by_table) -> dict[str, pd.DataFrame]:
    out = {}
    for table in TABLES:
        rows = columns_by_table.get(table, [])
        df = pd.DataFrame(rows, columns=list(CANONICAL[table]))
        if table == ARBEJDSARK:
            df["rating"] = df["rating"].astype("Int64")
        out[table] = df
    return out


FORMULA_LIKE = ["=SUM(A1)", "+45 1234", "-virker ikke", "@bruger", '=HYPERLINK("http://x","klik")']


def _formula_tables() -> dict[str, pd.DataFrame]:
    ark = [{"department": "Lager", "year": 2026, "date": dt.date(2026, 3, 12), "area": "Ergonomi",
            "category": "Lykkes", "description": text, "help": None, "rating": 4, "role": "-AMR"}
           for text in FORMULA_LIKE]
    plan = [{"department": "Lager", "year": 2026, "date": None, "what": "=SUM(A1)", "area": "Ergonomi",
             "why": "+45 1234", "how": "-virker ikke", "help": vocab.EGEN, "when": "3. kvt. 2026",
             "quarter": "2026-Q3", "urgent": False, "who": "@bruger", "follow_up": "=1+1",
             "status": "Planlagt"}]
    return _tables(arbejdsark=ark, handleplan=plan)


def test_formula_like_text_is_written_as_text():
    buffer = io.BytesIO()
    write_workbook(_formula_tables(), buffer, include_guide=False)
    data = buffer.getvalue()

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Arbejdsark"]
    described = [ws.cell(row=r, column=6) for r in range(2, 2 + len(FORMULA_LIKE))]
    assert [c.value for c in described] == FORMULA_LIKE
    assert all(c.data_type == "s" for c in described)
    assert ws.cell(row=2, column=9).value == "-AMR"
    plan = wb["Handleplan"]
    assert [plan.cell(row=2, column=i).value for i in (4, 6, 7, 10, 11)] == \
        ["=SUM(A1)", "+45 1234", "-virker ikke", "@bruger", "=1+1"]
    assert all(plan.cell(row=2, column=i).data_type == "s" for i in (4, 6, 7, 10, 11))

    cal = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = cal.get_sheet_by_name("Arbejdsark").to_python()
    assert [r[5] for r in rows[1:]] == FORMULA_LIKE
    plan_rows = cal.get_sheet_by_name("Handleplan").to_python()
    assert [plan_rows[1][i] for i in (3, 5, 6, 9, 10)] == ["=SUM(A1)", "+45 1234", "-virker ikke", "@bruger", "=1+1"]
    # No cell of the file is a formula.
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name)


def test_cell_types_dates_years_ratings_hours():
    ark = [{"department": "Kontor", "year": 2026, "date": dt.date(2026, 3, 12), "area": "Ergonomi",
            "category": "Brug for at styrke", "description": "Løfteteknik", "help": vocab.EGEN,
            "rating": 2, "role": "AMR"},
           {"department": "Kontor", "year": 2026, "date": None, "area": "Ergonomi",
            "category": "Lykkes", "description": "Hæve-sænkeborde", "help": None, "rating": None, "role": None}]
    training = [{"department": "Kontor", "role": "AMR", "name": "LKJ", "joined": dt.date(2025, 9, 1),
                 "course": "Supplerende arbejdsmiljøuddannelse", "hours": 14.8, "when": "2. kvt. 2026",
                 "year": 2026, "quarter": "2026-Q2", "status": "Tilmeldt"},
                {"department": "Kontor", "role": "Leder", "name": None, "joined": None,
                 "course": "Ledelse af arbejdsmiljø", "hours": float("nan"), "when": "15-11-2026",
                 "year": 2026, "quarter": "2026-Q4", "status": "Tilbudt"}]
    buffer = io.BytesIO()
    write_workbook(_tables(arbejdsark=ark, uddannelse=training), buffer)
    wb = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    ws = wb["Arbejdsark"]
    assert ws["B2"].value == dt.datetime(2026, 3, 12)
    assert ws["B2"].number_format.lower() == "dd-mm-yyyy"
    assert ws["B3"].value is None
    assert ws["C2"].value == 2026 and isinstance(ws["C2"].value, int)
    assert ws["H2"].value == 2 and isinstance(ws["H2"].value, int)
    assert ws["H3"].value is None
    ud = wb["Uddannelse"]
    assert ud["D2"].value == dt.datetime(2025, 9, 1)
    assert ud["G2"].value == pytest.approx(14.8)  # F: Type (format version 2)
    assert ud["G3"].value is None
    assert ud["H3"].value == "15-11-2026"
    # Sized to content: the longest course name fits.
    assert ud.column_dimensions["E"].width >= len("Supplerende arbejdsmiljøuddannelse")


def test_when_text_keeps_what_re_parses_to_the_same_quarter():
    assert when_text("Snarest", "2026-Q1", True, 2026, dt.date(2026, 2, 3)) == "Snarest"
    assert when_text("Snarest", "2026-Q1", True, 2026, None) == "Snarest"
    assert when_text("3. kvartal", "2026-Q3", False, 2026, None) == "3. kvartal"
    assert when_text("15-08-2026", "2026-Q3", False, 2026, None) == "15-08-2026"
    # "Snarest" would now land in another quarter than the stored one: write the quarter.
    assert when_text("Snarest", "2026-Q3", True, 2026, dt.date(2026, 2, 3)) == "3. kvt. 2026"
    # A text that no longer parses, or none at all: the canonical Danish quarter.
    assert when_text(None, "2025-Q4", False, 2025, None) == "4. kvt. 2025"
    assert when_text("3. kvartal", "2027-Q3", False, 2026, None) == "3. kvt. 2027"


def test_blank_template_checks_clean(template):
    from amo_data.validate import check_bytes

    result = check_bytes("skabelon.xlsx", template)
    assert result.ok, [p.message for p in result.errors]
    assert result.warnings == []
    assert result.rows == {t: 0 for t in TABLES}


def _comparable(df: pd.DataFrame) -> list[dict]:
    def norm(value):
        if isinstance(value, (list, tuple)):
            return value
        try:
            if pd.isna(value):
                return None
        except (TypeError, ValueError):
            pass
        if isinstance(value, pd.Timestamp):
            return value.date()
        if hasattr(value, "item"):
            return value.item()
        return value

    return [{k: norm(v) for k, v in rec.items()} for rec in df.to_dict("records")]


def test_written_tables_read_back_identically():
    from amo_data.sample import generate
    from amo_data.validate import check_bytes

    data = generate(departments=6, years=3, seed=7)
    for department, tables in data.items():
        buffer = io.BytesIO()
        write_workbook(tables, buffer)
        result = check_bytes(f"{department}.xlsx", buffer.getvalue())
        assert result.ok, [p.message for p in result.errors]
        assert result.warnings == []
        for table in tables:  # a department's sample has no Organisation sheet
            assert _comparable(result.tables[table]) == _comparable(tables[table]), (department, table)


def test_formula_like_text_reads_back_exactly():
    from amo_data.validate import check_bytes

    buffer = io.BytesIO()
    write_workbook(_formula_tables(), buffer)
    result = check_bytes("formler.xlsx", buffer.getvalue())
    assert result.ok, [p.message for p in result.errors]
    assert list(result.tables[ARBEJDSARK]["description"]) == FORMULA_LIKE
    plan = result.tables[HANDLEPLAN].iloc[0]
    assert (plan["what"], plan["why"], plan["how"], plan["who"]) == ("=SUM(A1)", "+45 1234", "-virker ikke", "@bruger")


def test_control_characters_do_not_break_the_file():
    ark = [{"department": "Lager", "year": 2026, "date": None, "area": "Ergonomi", "category": "Lykkes",
            "description": "Bip\x07 og linje\nto", "help": None, "rating": None, "role": None}]
    buffer = io.BytesIO()
    write_workbook(_tables(arbejdsark=ark), buffer)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_name("Arbejdsark").to_python()
    assert rows[1][5] == "Bip og linje\nto"
