"""Workbooks written with openpyxl for tests: ``{sheet title: rows}`` to the bytes of an .xlsx."""

from __future__ import annotations

import io

import openpyxl


def xlsx(sheets: dict[str, list[list]], write_only: bool = False) -> bytes:
    """One sheet per title, its rows appended in order (``write_only``: openpyxl's streaming
    writer, which writes inline strings instead of shared ones)."""
    workbook = openpyxl.Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    for title, rows in sheets.items():
        worksheet = workbook.create_sheet(title)
        for row in rows:
            worksheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
