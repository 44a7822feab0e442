"""Writing workbooks in the template's format: the blank template, exports and sample files.

The layout is the one :mod:`amo_data.schema` describes: the sheets ``Arbejdsark``,
``Handleplan`` and ``Uddannelse`` with their Danish headers in row 1 (bold, filled, frozen,
filterable), drop-down lists for every vocabulary column (their values on a hidden ``Lister``
sheet, because an inline list is limited to 255 characters), and optionally a ``Vejledning``
sheet first that explains every column in Danish with a filled example. ``Vejledning`` and
``Lister`` are not sheet aliases, so reading the workbook ignores them.

Data rows come from canonical tables (:data:`amo_data.schema.CANONICAL`) and are written so
that reading the file back gives the same canonical tables:

* dates are real Excel date cells shown as ``dd-mm-yyyy``; ``År`` is an integer;
  ``Vurdering`` an integer or empty; ``Timer`` a number or empty;
* ``Hvornår`` keeps the text as it was written (the canonical ``when``) when that text
  re-parses, with the row's ``År`` and ``Dato``, to the same quarter and the same urgency;
  otherwise the canonical Danish quarter (``3. kvt. 2026``) is written, which keeps the quarter
  but, for an urgent action whose quarter no longer follows from ``Dato``/``År``, not the
  urgency (the quarter is the figure every chart and the overdue count use);
* every text is written as a text cell, never a formula: a text starting with ``=``, ``+``,
  ``-`` or ``@`` stays exactly that text (formula injection), and is shown with Excel's
  quote prefix so editing the cell does not turn it into a formula either. Characters a
  workbook cannot hold (ASCII control characters other than tab and line breaks) are dropped.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from os import PathLike
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from . import fields
from .quarters import parse_date, parse_label, parse_quarter
from .schema import SCHEMA, SHEET_TITLES, TABLES, Field, Table

GUIDE_TITLE = "Vejledning"
LISTS_TITLE = "Lister"
DATE_FORMAT = "dd-mm-yyyy"
VALIDATION_LAST_ROW = 1000  # drop-down lists cover rows 2..1000 of every data sheet

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F5C4D")
TITLE_FONT = Font(bold=True, size=16, color="1F5C4D")
SECTION_FONT = Font(bold=True, size=12, color="1F5C4D")
THIN = Side(style="thin", color="BFBFBF")

FORMULA_START = ("=", "+", "-", "@")

# Width (characters) of each column in the blank template, before sizing to content.
_MIN_WIDTH = {
    "Beskrivelse": 55, "Hvad": 40, "Hvorfor": 35, "Hvordan": 35, "Område": 32, "Hjælp": 26,
    "Kategori": 20, "Opfølgning": 28, "Kursus": 40, "Hvornår": 16, "Hvem": 20, "Status": 14,
    "Dato": 12, "Tiltrådt": 12, "Afdeling": 18,
}
_MAX_WIDTH = 70


# --------------------------------------------------------------------------------------
# Vocabulary lists and which header uses which list


def _lists() -> dict[str, tuple[str, ...]]:
    """List name (header of the Lister sheet) -> values: every drop-down list the tables'
    fields offer (:attr:`amo_data.fields.Kind.choices`), in the order the tables name them."""
    lists: dict[str, tuple[str, ...]] = {}
    for table in SCHEMA.values():
        for field in table.file_fields:
            if field.kind.list_name and field.kind.choices:
                lists.setdefault(field.kind.list_name, field.kind.choices)
    return lists


# --------------------------------------------------------------------------------------
# Cell values


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, (str, bytes, list, tuple)) else False
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str | None:
    if _is_missing(value):
        return None
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text if text != "" else None


def _date(value: Any) -> dt.date | None:
    if _is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(value)


def _int(value: Any) -> int | None:
    number = _number(value)
    return number if isinstance(number, int) else None


def _number(value: Any) -> int | float | None:
    if _is_missing(value) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number) or math.isinf(number):
        return None
    return int(number) if number.is_integer() else number


def set_cell(ws: Worksheet, row: int, column: int, value: Any, *, date: bool = False):
    """Write one value; text always as a text cell (never a formula), dates as date cells."""
    cell = ws.cell(row=row, column=column)
    if type(value) is str and not date:  # the common case, without the checks below
        return _set_text(cell, value)
    if _is_missing(value):
        cell.value = None
        return cell
    if date or isinstance(value, (dt.date, pd.Timestamp)):
        day = _date(value)
        if day is not None:
            cell.value = day
            cell.number_format = DATE_FORMAT
            return cell
    if isinstance(value, bool):
        value = "Ja" if value else "Nej"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
        return cell
    return _set_text(cell, str(value))


def _set_text(cell, value: str):
    text = ILLEGAL_CHARACTERS_RE.sub("", value) if ILLEGAL_CHARACTERS_RE.search(value) else value
    if not text:
        cell.value = None
        return cell
    cell.value = text
    cell.data_type = "s"  # never a formula, whatever the text starts with
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True
    if "\n" in text:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def when_text(when: Any, quarter: Any, urgent: Any, year: Any = None, date: Any = None) -> str | None:
    """The ``Hvornår`` text to write so that reading it back gives the same quarter and urgency.

    Keeps ``when`` (as written) when it re-parses with the row's ``År``/``Dato`` to the same
    quarter and urgency; else the canonical Danish quarter, e.g. ``3. kvt. 2026``.
    """
    label = _text(quarter)
    target = None
    if label:
        try:
            target = parse_label(label)
        except ValueError:
            target = None
    text = _text(when)
    is_urgent = bool(urgent) if not _is_missing(urgent) else False
    if text is not None:
        parsed = parse_quarter(text, _int(year), _date(date))
        if parsed is not None and (target is None or (
                (parsed.year, parsed.quarter) == (target.year, target.quarter)
                and parsed.urgent == is_urgent)):
            return text
    if target is not None:
        return target.danish
    return text


# --------------------------------------------------------------------------------------
# Sheets


def _style_header(ws: Worksheet, headers: Sequence[str], row: int = 1) -> None:
    for index, header in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=index, value=header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        cell.border = Border(bottom=THIN)


def _size_columns(ws: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                  minimum: dict[str, int] | None = None) -> None:
    widths = [max(len(h) + 4, (minimum or {}).get(h, 0)) for h in headers]
    for values in rows:
        for index, value in enumerate(values):
            if _is_missing(value):
                continue
            if isinstance(value, (dt.date, pd.Timestamp)):
                length = 11
            else:
                length = max((len(line) for line in str(value).splitlines()), default=0)
            widths[index] = max(widths[index], length + 2)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(width, _MAX_WIDTH)


def _cell_value(field: Field, record: dict[str, Any], table: Table) -> Any:
    """What to write for one canonical value so that reading it back gives the same value."""
    value = record.get(field.key)
    if isinstance(field.kind, fields.When):
        year = record.get("year") if table.field["year"].header else None  # År as the file wrote it
        return when_text(value, record.get("quarter"), record.get("urgent", False), year, record.get("date"))
    storage = field.storage
    if storage == "date":
        return _date(value)
    if storage in ("int", "nullable_int"):
        return _int(value)
    if storage == "float":
        return _number(value)
    return value


def canonical_rows(table: str, df: pd.DataFrame | None) -> list[list[Any]]:
    """Cell values per row of a canonical table, in the order of the sheet's headers."""
    if df is None or len(df) == 0:
        return []
    spec = SCHEMA[table]
    return [[_cell_value(field, record, spec) for field in spec.file_fields] for record in df.to_dict("records")]


def add_data_sheet(wb: Workbook, table: str, rows: Sequence[Sequence[Any]] = (),
                   list_ranges: dict[str, str] | None = None, title: str | None = None) -> Worksheet:
    """A data sheet in the template's format with ``rows`` (cell values in header order)."""
    ws = wb.create_sheet(title or SHEET_TITLES[table])
    columns = SCHEMA[table].file_fields
    headers = [c.header for c in columns]
    _style_header(ws, headers)
    date_columns = {i for i, c in enumerate(columns) if c.storage == "date"}
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values):
            set_cell(ws, r, c + 1, value, date=c in date_columns)
    ws.freeze_panes = "A2"
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
    _size_columns(ws, headers, rows, _MIN_WIDTH)
    if list_ranges:
        last_row = max(VALIDATION_LAST_ROW, len(rows) + 1)
        for index, column in enumerate(columns, start=1):
            list_name = column.kind.list_name
            if list_name is None or list_name not in list_ranges:
                continue
            suggestion = isinstance(column.kind, fields.Text)  # free text: the list only helps
            dv = DataValidation(type="list", formula1=list_ranges[list_name], allow_blank=True,
                                showDropDown=False, showErrorMessage=not suggestion,
                                errorStyle="warning", errorTitle="Ukendt værdi",
                                error=f'Værdien står ikke på listen for "{column.header}". Vælg fra listen, '
                                      "eller fortsæt, hvis du er sikker.",
                                showInputMessage=True, promptTitle=column.header[:32],
                                prompt=column.help[:255])
            letter = get_column_letter(index)
            dv.add(f"{letter}2:{letter}{last_row}")
            ws.add_data_validation(dv)
    return ws


def add_lists_sheet(wb: Workbook) -> dict[str, str]:
    """The hidden ``Lister`` sheet; returns list name -> absolute range formula."""
    ws = wb.create_sheet(LISTS_TITLE)
    ranges: dict[str, str] = {}
    for index, (name, values) in enumerate(_lists().items(), start=1):
        letter = get_column_letter(index)
        ws.cell(row=1, column=index, value=name).font = Font(bold=True)
        for r, value in enumerate(values, start=2):
            set_cell(ws, r, index, value)
        ranges[name] = f"{LISTS_TITLE}!${letter}$2:${letter}${len(values) + 1}"
        ws.column_dimensions[letter].width = max(len(name), *(len(v) for v in values)) + 2
    ws.sheet_state = "hidden"
    return ranges


# --------------------------------------------------------------------------------------
# Saving


_CORE_DATE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _deterministic(data: bytes, stamp: dt.datetime) -> bytes:
    """Repack an .xlsx with fixed timestamps so equal content gives equal bytes."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATE.sub(lambda m: m[1] + iso + m[2], body)
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, body)
    return out.getvalue()


def save_workbook(wb: Workbook, out: str | PathLike | IO[bytes], *,
                  timestamp: dt.datetime | None = None) -> None:
    """Save to a path or a binary file-like; with ``timestamp`` the bytes are reproducible."""
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    if timestamp is not None:
        data = _deterministic(data, timestamp)
    if hasattr(out, "write"):
        out.write(data)  # type: ignore[union-attr]
    else:
        with open(out, "wb") as handle:  # type: ignore[arg-type]
            handle.write(data)


def build_workbook(tables: dict[str, pd.DataFrame] | None, *, include_guide: bool = True,
                   sheets: Sequence[str] = TABLES) -> Workbook:
    """The workbook object :func:`write_workbook` saves (for callers that add sheets)."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "AMO-kompetencer"
    wb.properties.title = "Drøft kompetencerne til jeres arbejdsmiljøarbejde"
    ranges = add_lists_sheet(wb)
    for table in sheets:
        add_data_sheet(wb, table, canonical_rows(table, (tables or {}).get(table)), ranges)
    lists = wb[LISTS_TITLE]
    wb.move_sheet(lists, offset=len(wb.sheetnames) - 1 - wb.index(lists))  # Lister last
    if include_guide:
        from .guide import add_guide_sheet

        add_guide_sheet(wb)
    wb.active = 0
    return wb


def write_workbook(tables: dict[str, pd.DataFrame] | None, out: str | PathLike | IO[bytes], *,
                   include_guide: bool = True, timestamp: dt.datetime | None = None) -> None:
    """Write canonical tables (or, with None, no data rows) as a workbook in the template's format.

    ``out`` is a path or a binary file-like. ``timestamp`` fixes the file's internal dates so
    equal content gives equal bytes (used for the committed sample files).
    """
    save_workbook(build_workbook(tables, include_guide=include_guide), out, timestamp=timestamp)
