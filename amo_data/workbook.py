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

from . import vocab
from .quarters import parse_date, parse_label, parse_quarter
from .schema import ARBEJDSARK, COLUMNS, HANDLEPLAN, SHEET_TITLES, TABLES, UDDANNELSE

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
    """List name (header of the Lister sheet) -> values, in the template's order."""
    return {
        "Kategori": vocab.CATEGORY.values,
        "Område": vocab.areas().values,
        "Hjælp": vocab.HELP.values,
        "Status": vocab.STATUS.values,
        "Rolle (uddannelse)": vocab.TRAINING_ROLE.values,
        "Rolle (arbejdsark)": ARBEJDSARK_ROLES,
        "Status (uddannelse)": vocab.TRAINING_STATUS.values,
    }


# Suggestions for the free-text Rolle of Arbejdsark (any other text is accepted too).
ARBEJDSARK_ROLES = ("AMR", "Arbejdsleder", "Leder", "Medarbejder", "TR")
SUGGESTION_LISTS = frozenset({"Rolle (arbejdsark)"})

# (table, header) -> list name on the Lister sheet.
VALIDATED_COLUMNS: dict[tuple[str, str], str] = {
    (ARBEJDSARK, "Område"): "Område",
    (ARBEJDSARK, "Kategori"): "Kategori",
    (ARBEJDSARK, "Hjælp"): "Hjælp",
    (ARBEJDSARK, "Rolle"): "Rolle (arbejdsark)",
    (HANDLEPLAN, "Område"): "Område",
    (HANDLEPLAN, "Hjælp"): "Hjælp",
    (HANDLEPLAN, "Status"): "Status",
    (UDDANNELSE, "Rolle"): "Rolle (uddannelse)",
    (UDDANNELSE, "Status"): "Status (uddannelse)",
}


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


def _canonical_rows(table: str, df: pd.DataFrame | None) -> list[list[Any]]:
    """Cell values per row, in the order of the sheet's headers."""
    if df is None or len(df) == 0:
        return []
    rows: list[list[Any]] = []
    records = df.to_dict("records")
    for rec in records:
        get = rec.get
        if table == ARBEJDSARK:
            row = [get("department"), _date(get("date")), _int(get("year")), get("area"),
                   get("category"), get("description"), get("help"), _int(get("rating")), get("role")]
        elif table == HANDLEPLAN:
            when = when_text(get("when"), get("quarter"), get("urgent"), get("year"), get("date"))
            row = [get("department"), _int(get("year")), _date(get("date")), get("what"), get("area"),
                   get("why"), get("how"), get("help"), when, get("who"), get("follow_up"), get("status")]
        else:
            when = when_text(get("when"), get("quarter"), False)
            row = [get("department"), get("role"), get("name"), _date(get("joined")), get("course"),
                   _number(get("hours")), when, get("status")]
        rows.append(row)
    return rows


def add_data_sheet(wb: Workbook, table: str, rows: Sequence[Sequence[Any]] = (),
                   list_ranges: dict[str, str] | None = None, title: str | None = None) -> Worksheet:
    """A data sheet in the template's format with ``rows`` (cell values in header order)."""
    ws = wb.create_sheet(title or SHEET_TITLES[table])
    columns = COLUMNS[table]
    headers = [c.header for c in columns]
    _style_header(ws, headers)
    date_columns = {i for i, c in enumerate(columns) if c.key in ("date", "joined")}
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values):
            set_cell(ws, r, c + 1, value, date=c in date_columns)
    ws.freeze_panes = "A2"
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
    _size_columns(ws, headers, rows, _MIN_WIDTH)
    if list_ranges:
        last_row = max(VALIDATION_LAST_ROW, len(rows) + 1)
        for index, header in enumerate(headers, start=1):
            list_name = VALIDATED_COLUMNS.get((table, header))
            if list_name is None or list_name not in list_ranges:
                continue
            suggestion = list_name in SUGGESTION_LISTS  # free text: the list only helps
            dv = DataValidation(type="list", formula1=list_ranges[list_name], allow_blank=True,
                                showDropDown=False, showErrorMessage=not suggestion,
                                errorStyle="warning", errorTitle="Ukendt værdi",
                                error=f'Værdien står ikke på listen for "{header}". Vælg fra listen, '
                                      "eller fortsæt, hvis du er sikker.",
                                showInputMessage=True, promptTitle=header[:32],
                                prompt=columns[index - 1].help[:255])
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
# The Vejledning sheet

HELP_ROUTES = (
    (vocab.EGEN, ("Jeres egen kompetenceudvikling: supplerende arbejdsmiljøuddannelse, kurser, "
                  "erfa-møder. Arbejdsgiveren skal hvert år tilbyde AMR og arbejdsledere i "
                  "arbejdsmiljøorganisationen supplerende uddannelse (2 dage ≈ 14,8 timer det første "
                  "år efter den obligatoriske uddannelse, 1½ dag ≈ 11,1 timer de følgende år).")),
    (vocab.INDEFRA, ("Hjælp fra andre på arbejdspladsen, fx HR, en intern arbejdsmiljøkonsulent, "
                     "kolleger med særlig viden eller ledelsen.")),
    (vocab.UDEFRA, ("Hjælp udefra: sagkyndig bistand, fx en autoriseret arbejdsmiljørådgiver, "
                    "bedriftssundhedstjeneste eller en anden ekstern ekspert.")),
)

QUARTER_FORMS = (
    ("3. kvartal 2026", "skrevet ud på dansk"),
    ("3. kvt. 2026 eller 3 kvt 2026", "forkortet"),
    ("2026-Q3, Q3 2026, Q3-2026 eller K3 2026", "kort form"),
    ("3. kvartal", "uden år: året tages fra kolonnen År"),
    ("15-08-2026, 15.08.2026, 15/8/2026 eller 2026-08-15", "en dato (eller en datocelle): datoens kvartal"),
    ("Snarest, Straks, Så hurtigt som muligt eller ASAP",
     "haster: lægges i kvartalet for rækkens Dato, ellers 1. kvartal i rækkens År"),
)

EXAMPLE_ARBEJDSARK = (
    ("Produktion", "12-03-2026", "2026", "Inddragelse og formidling", "Brug for at styrke",
     "Vi skal blive bedre til at formidle arbejdsmiljøet og inddrage kollegerne",
     vocab.EGEN, "2", "AMR"),
    ("Produktion", "12-03-2026", "2026", "Psykisk arbejdsmiljø", "Brug for at styrke",
     "Dialog om uklare og modstridende krav i opgaveløsningen", vocab.INDEFRA, "2", "Arbejdsleder"),
    ("Produktion", "12-03-2026", "2026", "Kemisk og biologisk arbejdsmiljø", "Brug for at styrke",
     "Risikovurdering af de kemiske produkter vi bruger", vocab.UDEFRA, "1", "AMR"),
    ("Produktion", "12-03-2026", "2026", "Ulykker og sikkerhed", "Lykkes",
     "Vi er gode til at registrere og følge op på nærved-ulykker", "", "4", "Leder"),
    ("Produktion", "12-03-2026", "2026", "APV og systematisk arbejdsmiljøarbejde", "Vigtig opgave",
     "APV'en skal være færdig før sommerferien", "", "", "Leder"),
)

EXAMPLE_HANDLEPLAN = (
    ("Produktion", "2026", "12-03-2026",
     "Supplerende uddannelse i formidling og inddragelse", "Inddragelse og formidling",
     "Kollegerne kender ikke de nye arbejdsmiljøregler", "2-dages kursus for AMR og arbejdsleder",
     vocab.EGEN, "2. kvt. 2026", "AMR og arbejdsleder", "På AMO-mødet i juni", "Planlagt"),
    ("Produktion", "2026", "12-03-2026",
     "Dialog om uklare og modstridende krav", "Psykisk arbejdsmiljø",
     "Flere oplever modstridende krav fra kunder og ledelse",
     "Dialogmøder i teams med den interne arbejdsmiljøkonsulent",
     vocab.INDEFRA, "3. kvt. 2026", "Produktionsleder", "Opfølgning i arbejdsmiljøgruppen", "Ikke startet"),
    ("Produktion", "2026", "12-03-2026",
     "Kemisk risikovurdering", "Kemisk og biologisk arbejdsmiljø",
     "Nye produkter og uklare sikkerhedsdatablade",
     "Sagkyndig bistand fra en autoriseret arbejdsmiljørådgiver",
     vocab.UDEFRA, "Snarest", "Arbejdsmiljøleder", "Status på næste AMO-møde", "I gang"),
)

EXAMPLE_UDDANNELSE = (
    ("Produktion", "AMR", "LKJ", "01-09-2025", "Supplerende arbejdsmiljøuddannelse: formidling",
     "14,8", "2. kvt. 2026", "Tilmeldt"),
    ("Produktion", "Arbejdsleder", "PN", "15-01-2022", "Supplerende arbejdsmiljøuddannelse: kemi",
     "11,1", "4. kvt. 2026", "Tilbudt"),
)


def add_guide_sheet(wb: Workbook) -> Worksheet:
    """The Danish ``Vejledning`` sheet (ignored when the workbook is read)."""
    ws = wb.create_sheet(GUIDE_TITLE, 0)
    ws.sheet_properties.tabColor = "1F5C4D"
    widths = {"A": 26, "B": 16}
    widths.update({get_column_letter(i): 20 for i in range(3, 13)})
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1

    def line(*values: str, font: Font | None = None, fill: bool = False) -> None:
        """One row; a paragraph spans A:H, an explanation (three values) spans C:H."""
        nonlocal row
        spans: dict[int, int] = {}  # first column -> last column of a merged cell
        if len(values) == 1 and font is None:
            spans[1] = 8
        elif len(values) == 3:
            spans[3] = 8
        heading = len(values) == 1 and font is not None  # a heading overflows to the right
        lines = 1
        for index, value in enumerate(values, start=1):
            cell = set_cell(ws, row, index, value)
            cell.alignment = Alignment(vertical="top") if heading else wrap
            if font is not None:
                cell.font = font
            if fill:
                cell.font = HEADER_FONT
                cell.fill = HEADER_FILL
            last = spans.get(index, index)
            width = sum(widths[get_column_letter(i)] for i in range(index, last + 1))
            if value and not heading:
                needed = sum(max(1, math.ceil(len(part) * 1.1 / width)) for part in str(value).split("\n"))
                lines = max(lines, needed)
        for first, last in spans.items():
            if fill:
                for i in range(first + 1, last + 1):
                    ws.cell(row=row, column=i).fill = HEADER_FILL
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        if lines > 1:
            ws.row_dimensions[row].height = 15 * lines + 2
        elif font is TITLE_FONT:
            ws.row_dimensions[row].height = 24
        row += 1

    def blank() -> None:
        nonlocal row
        row += 1

    line("Drøft kompetencerne til jeres arbejdsmiljøarbejde", font=TITLE_FONT)
    line("Skabelon til arbejdsmiljøorganisationens (AMO) årlige kompetencedrøftelse. Udfyld arkene "
         "Arbejdsark, Handleplan og (hvis I vil) Uddannelse. Én række pr. punkt, handling eller kursus. "
         "Skriv ikke over overskrifterne i række 1. Dette ark (Vejledning) læses ikke ind.")
    line("Brug listerne i cellerne (pilen til højre i cellen) til Område, Kategori, Hjælp, Rolle og Status. "
         "Datoer skrives som 15-03-2026. Gem filen som .xlsx (eller CSV med semikolon) og læs den ind i dashboardet.")
    blank()

    sheet_intro = {
        ARBEJDSARK: "Arbejdsark – hvad drøftelsen fandt frem til (én række pr. punkt).",
        HANDLEPLAN: "Handleplan – hvad gør I ved det? (én række pr. handling: Hvad? Hvorfor? Hvordan? "
                    "Hvornår? Hvem? Opfølgning?)",
        UDDANNELSE: "Uddannelse – register over supplerende arbejdsmiljøuddannelse (valgfrit ark).",
    }
    for table in TABLES:
        line(sheet_intro[table], font=SECTION_FONT)
        line("Kolonne", "Skal udfyldes", "Forklaring", fill=True)
        for col in COLUMNS[table]:
            if col.required:
                must = "Ja"
            elif table == ARBEJDSARK and col.key in ("date", "year"):
                must = "Dato eller År"
            elif table == HANDLEPLAN and col.key == "year":
                must = "Ja, medmindre alle Hvornår har et år"
            else:
                must = "Nej"
            line(col.header, must, col.help)
        blank()

    line("Kategori på Arbejdsark", font=SECTION_FONT)
    line("Vigtig opgave", "", "Vigtige opgaver og fokuspunkter for arbejdsmiljøarbejdet.")
    line("Lykkes", "", "Det lykkes vi godt med allerede.")
    line("Brug for at styrke", "", "Det kan vi have brug for at styrke. Angiv gerne i Hjælp, hvilken hjælp I har brug for.")
    line("", "", 'Skriv ikke bare "Styrke": det kan betyde både en styrke og noget, der skal styrkes.')
    blank()

    line("De tre veje til hjælp (kolonnen Hjælp)", font=SECTION_FONT)
    for name, text in HELP_ROUTES:
        line(name, "", text)
    blank()

    line("Sådan kan I skrive Hvornår (kvartal)", font=SECTION_FONT)
    line("Eksempel", "", "Betydning", fill=True)
    for example, meaning in QUARTER_FORMS:
        line(example, "", meaning)
    blank()

    line("Papirskemaets bokse", font=SECTION_FONT)
    line("I stedet for Kategori og Beskrivelse må Arbejdsark have papirskemaets bokse som kolonner: "
         "Vigtige opgaver og fokuspunkter, Dette lykkes vi med, Brug for at styrke, Egen kompetenceudvikling, "
         "Brug for andre på arbejdspladsen og Brug for hjælp udefra. Hver linje i en celle (Alt+Enter eller "
         "linjer, der starter med •) bliver ét punkt. Afdeling, År og Område er stadig kolonner.")
    blank()

    line("Eksempel – udfyldt som i værktøjet", font=SECTION_FONT)
    line("Arbejdsark", font=Font(bold=True))
    line(*(c.header for c in COLUMNS[ARBEJDSARK]), fill=True)
    for values in EXAMPLE_ARBEJDSARK:
        line(*values)
    blank()
    line("Handleplan", font=Font(bold=True))
    line(*(c.header for c in COLUMNS[HANDLEPLAN]), fill=True)
    for values in EXAMPLE_HANDLEPLAN:
        line(*values)
    blank()
    line("Uddannelse", font=Font(bold=True))
    line(*(c.header for c in COLUMNS[UDDANNELSE]), fill=True)
    for values in EXAMPLE_UDDANNELSE:
        line(*values)
    blank()
    line("Fejl og advarsler", font=SECTION_FONT)
    line("En fejl (fx et kvartal, der ikke kan læses) stopper hele filen: intet gemmes, før fejlen er rettet. "
         "En advarsel (fx et ukendt område) stopper ikke indlæsningen, men er værd at kigge på. "
         "Hver besked nævner ark, række og kolonne, som Excel viser dem.")
    return ws


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
        add_data_sheet(wb, table, _canonical_rows(table, (tables or {}).get(table)), ranges)
    lists = wb[LISTS_TITLE]
    wb.move_sheet(lists, offset=len(wb.sheetnames) - 1 - wb.index(lists))  # Lister last
    if include_guide:
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
