"""Downloads besides the template-format workbook: a printable action plan and safe CSV tables."""

from __future__ import annotations

import io
from os import PathLike
from typing import IO

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from .quarters import parse_label
from .workbook import FORMULA_START, save_workbook, set_cell

# Printed columns of the action plan: (canonical column, Danish heading, width in characters).
PLAN_PRINT_COLUMNS = (
    ("department", "Afdeling", 16), ("what", "Hvad?", 34), ("why", "Hvorfor?", 28), ("how", "Hvordan?", 28),
    ("quarter", "Hvornår?", 13), ("who", "Hvem?", 16), ("follow_up", "Opfølgning?", 20),
    ("help", "Hjælp", 20), ("status", "Status", 12),
)


def write_action_plan(plan: pd.DataFrame, out: str | PathLike | IO[bytes], *, title: str = "Handleplan") -> None:
    """The action plan formatted to hang up: A4 landscape, fitted to the page width, the heading
    row repeated on every printed page, text wrapped."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Handleplan"
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=16, color="1F5C4D")
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, (_, heading, width) in enumerate(PLAN_PRINT_COLUMNS, start=1):
        cell = ws.cell(row=3, column=col, value=heading)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F5C4D")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = border
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, record in enumerate(plan.to_dict("records"), start=4):
        for col, (key, _, _) in enumerate(PLAN_PRINT_COLUMNS, start=1):
            value = record.get(key)
            if key == "quarter" and isinstance(value, str) and "-Q" in value:
                value = parse_label(value).danish + (" (haster)" if record.get("urgent") else "")
            cell = set_cell(ws, row, col, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = border
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.oddFooter.center.text = "Side &P af &N"
    save_workbook(wb, out)


def neutralise(value: object) -> object:
    """A CSV cell that a spreadsheet program will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(df: pd.DataFrame) -> bytes:
    """A table as CSV the way Danish Excel opens it (UTF-8 with BOM, ';', decimal comma),
    with formula-like text neutralised."""
    safe = df.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    buffer = io.StringIO()
    safe.to_csv(buffer, sep=";", decimal=",", index=False)
    return buffer.getvalue().encode("utf-8-sig")
