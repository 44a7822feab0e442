"""The template's ``Vejledning`` sheet: every column of every table explained in Danish, the
three routes of help, the quarter forms, the paper layout's boxes and a filled example.

The columns and their sentences come from :mod:`amo_data.schema`; this module adds the prose
around them. ``Vejledning`` is not a sheet alias, so reading the workbook ignores it.
"""

from __future__ import annotations

import math

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import vocab
from .schema import ARBEJDSARK, COLUMNS, HANDLEPLAN, MEDLEMMER, ORGANISATION, SHEET_TITLES, TABLES, UDDANNELSE
from .workbook import GUIDE_TITLE, HEADER_FILL, HEADER_FONT, SECTION_FONT, TITLE_FONT, set_cell

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
    ("Produktion", "AMR", "LKJ", "01-09-2025", "Supplerende arbejdsmiljøuddannelse: formidling", "Supplerende",
     "14,8", "2. kvt. 2026", "Tilmeldt"),
    ("Produktion", "Arbejdsleder", "PN", "15-01-2022", "Supplerende arbejdsmiljøuddannelse: kemi", "Supplerende",
     "11,1", "4. kvt. 2026", "Tilbudt"),
    ("Produktion", "AMR", "LKJ", "01-09-2025", "Den obligatoriske arbejdsmiljøuddannelse", "Grunduddannelse",
     "22", "4. kvt. 2025", "Gennemført"),
)

EXAMPLE_MEDLEMMER = (
    ("Produktion", "LKJ", "AMR", "01-09-2025", "", "", "lkj@firma.dk"),
    ("Produktion", "PN", "Arbejdsleder", "15-01-2022", "", "20-03-2022", "pn@firma.dk"),
    ("Produktion", "MS", "Leder", "01-02-2020", "", "", ""),
    ("Produktion", "BT", "AMR", "01-09-2023", "31-08-2025", "12-10-2023", ""),
)

EXAMPLE_ORGANISATION = (
    ("Produktion", "Fabrikken i Vejle"),
    ("Lager", "Fabrikken i Vejle"),
    ("Fabrikken i Vejle", ""),
)

SHEET_INTROS = {
    ARBEJDSARK: "Arbejdsark – hvad drøftelsen fandt frem til (én række pr. punkt).",
    HANDLEPLAN: "Handleplan – hvad gør I ved det? (én række pr. handling: Hvad? Hvorfor? Hvordan? "
                "Hvornår? Hvem? Opfølgning?)",
    UDDANNELSE: "Uddannelse – register over arbejdsmiljøuddannelse (valgfrit ark).",
    MEDLEMMER: "Medlemmer – hvem er med i AMO (valgfrit ark). Listen giver retten til supplerende uddannelse: "
               "én række pr. person; en fil erstatter afdelingens hele liste.",
    ORGANISATION: "Organisation – hvor hver afdeling hører til, fx afdeling → område → forvaltning (valgfrit ark).",
}
EXAMPLES = {ARBEJDSARK: EXAMPLE_ARBEJDSARK, HANDLEPLAN: EXAMPLE_HANDLEPLAN, UDDANNELSE: EXAMPLE_UDDANNELSE,
            MEDLEMMER: EXAMPLE_MEDLEMMER, ORGANISATION: EXAMPLE_ORGANISATION}


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
         "Arbejdsark og Handleplan og (hvis I vil) Uddannelse, Medlemmer og Organisation. Én række pr. punkt, "
         "handling, kursus, medlem eller enhed. "
         "Skriv ikke over overskrifterne i række 1. Dette ark (Vejledning) læses ikke ind.")
    line("Brug listerne i cellerne (pilen til højre i cellen) til Område, Kategori, Hjælp, Rolle og Status. "
         "Datoer skrives som 15-03-2026. Gem filen som .xlsx (eller CSV med semikolon) og læs den ind i dashboardet.")
    blank()

    for table in TABLES:
        line(SHEET_INTROS[table], font=SECTION_FONT)
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
    for table in TABLES:
        line(SHEET_TITLES[table], font=Font(bold=True))
        line(*(c.header for c in COLUMNS[table]), fill=True)
        for values in EXAMPLES[table]:
            line(*values)
        blank()
    line("Fejl og advarsler", font=SECTION_FONT)
    line("En fejl (fx et kvartal, der ikke kan læses) stopper hele filen: intet gemmes, før fejlen er rettet. "
         "En advarsel (fx et ukendt område) stopper ikke indlæsningen, men er værd at kigge på. "
         "Hver besked nævner ark, række og kolonne, som Excel viser dem.")
    return ws
