"""The written record of one department's annual competence discussion, as a PDF.

The law asks that the yearly discussion can be documented in writing; this is the document a
workplace shows Arbejdstilsynet (cli-and-metrics.md, "Records, calendar and reminders"): the
department, the date(s) of the discussion, the participants, every Arbejdsark entry by Kategori
and Område, the action plan, the members' training entitlement for the years of service due
that year, and the date it was made.

A4, black on white with grey rules (readable when printed in black and white), in DejaVu Sans
(embedded, subset: every Danish letter, », « and – print). Every user text is written exactly
as stored, as plain text: nothing is read as Markdown or HTML. fpdf2 is the library (see
docs/decisions.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from . import vocab
from .entitlement import STATE_LABELS
from .metrics import area_order
from .quarters import parse_label
from .text import danish_number

FONTS = Path(__file__).resolve().parent / "fonts"
BLACK, GREY, LIGHT = (0, 0, 0), (90, 90, 90), (200, 200, 200)

CATEGORY_HEADINGS = {
    vocab.VIGTIG_OPGAVE: "Vigtige opgaver og fokuspunkter",
    vocab.LYKKES: "Dette lykkes vi med",
    vocab.BRUG_FOR_AT_STYRKE: "Det har vi brug for at styrke",
}


@dataclass(frozen=True)
class Record:
    department: str
    year: int
    dates: list[dt.date]  # the Dato of the year's Arbejdsark rows (none: "år Y")
    participants: list[str]
    participants_recorded: bool  # False: the department's current members stand in
    entries: pd.DataFrame  # the year's Arbejdsark rows
    actions: pd.DataFrame  # the year's Handleplan rows
    entitlement: list[dict] = field(default_factory=list)  # the years of service due in the year
    made: dt.date = field(default_factory=dt.date.today)


def _date(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    return str(value)


class _Pdf(FPDF):
    def __init__(self, footer: str):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer = footer
        self.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
        self.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self._footer} · side {self.page_no()} af {{nb}}", align="C")
        self.set_text_color(*BLACK)

    def heading(self, text: str, size: float = 13) -> None:
        if self.get_y() > self.h - 45:  # no heading alone at the bottom of a page
            self.add_page()
        self.ln(3)
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.set_draw_color(*LIGHT)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(3)

    def para(self, text: str, *, bold: bool = False, size: float = 10, indent: float = 0) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    def label(self, name: str, value: str, indent: float = 0) -> None:
        """``name: value`` with the name in bold; the value as plain text."""
        if not value:
            return
        self.set_x(self.l_margin + indent)
        self.set_font("DejaVu", "B", 10)
        width = self.get_string_width(name + ": ") + 1
        self.cell(width, 5, name + ":")
        self.set_font("DejaVu", "", 10)
        self.multi_cell(0, 5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")


def _when(action: dict) -> str:
    text = _text(action.get("when"))
    quarter = _text(action.get("quarter"))
    danish = parse_label(quarter).danish if quarter else ""
    if action.get("urgent") is True:
        return f"{text} (haster, {danish})" if danish else text
    return text if not danish or danish == text else f"{text} ({danish})"


def write_pdf(record: Record) -> bytes:
    """The record as the bytes of a PDF."""
    pdf = _Pdf(f"{record.department} · {record.year} · udskrevet {_date(record.made)}")
    pdf.set_title(f"Årlig drøftelse af arbejdsmiljøkompetencer – {record.department} {record.year}")
    pdf.set_author("AMO-kompetencer")
    pdf.set_creator("AMO-kompetencer")
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 17)
    pdf.multi_cell(0, 8, "Årlig drøftelse af arbejdsmiljøkompetencer", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 5, "Skriftlig dokumentation af arbejdsmiljøorganisationens årlige drøftelse af, om den har "
                         "de kompetencer, den har brug for, og af medlemmernes supplerende arbejdsmiljøuddannelse.",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_text_color(*BLACK)
    pdf.ln(3)
    pdf.label("Afdeling", record.department)
    pdf.label("År", str(record.year))
    dates = sorted(set(record.dates))
    pdf.label("Dato for drøftelsen", ", ".join(_date(d) for d in dates) if dates else f"år {record.year}")
    if record.participants:
        who = ", ".join(record.participants)
        if not record.participants_recorded:
            who += " (afdelingens nuværende medlemmer af AMO; deltagerne er ikke registreret)"
        pdf.label("Deltagere", who)
    else:
        pdf.label("Deltagere", "Ikke registreret")
    pdf.label("Udskrevet", _date(record.made))

    pdf.heading("Arbejdsark")
    entries = record.entries
    if entries.empty:
        pdf.para("Ingen punkter.")
    for category, heading in CATEGORY_HEADINGS.items():
        rows = entries.loc[entries["category"] == category]
        if rows.empty:
            continue
        pdf.para(heading, bold=True, size=11)
        for area in area_order(rows["area"].dropna().unique()):
            pdf.para(area, bold=True, indent=4)
            for point in rows.loc[rows["area"] == area].to_dict("records"):
                text = "• " + _text(point.get("description"))
                if _text(point.get("help")):
                    text += f" – {_text(point['help'])}"
                pdf.para(text, indent=8)
        pdf.ln(2)

    pdf.heading("Handleplan")
    if record.actions.empty:
        pdf.para("Ingen handlinger.")
    for number, action in enumerate(record.actions.to_dict("records"), start=1):
        if pdf.get_y() > pdf.h - 50:
            pdf.add_page()
        pdf.para(f"{number}. {_text(action.get('what'))}", bold=True)
        for name, key in (("Hvorfor", "why"), ("Hvordan", "how")):
            pdf.label(name, _text(action.get(key)), indent=5)
        pdf.label("Hvornår", _when(action), indent=5)
        for name, key in (("Hvem", "who"), ("Opfølgning", "follow_up"), ("Hjælp", "help"), ("Område", "area"),
                          ("Status", "status")):
            pdf.label(name, _text(action.get(key)), indent=5)
        pdf.ln(2)

    pdf.heading("Supplerende arbejdsmiljøuddannelse")
    pdf.para(f"Medlemmernes funktionsår med frist i {record.year}: arbejdsmiljørepræsentanter og arbejdsledere "
             "skal tilbydes 14,8 timer det første år og 11,1 timer hvert år derefter.", size=9)
    pdf.ln(1)
    if not record.entitlement:
        pdf.para("Ingen funktionsår med frist i året (eller ingen medlemsliste).")
    else:
        headers = ("Navn", "Rolle", "Funktionsår", "Frist", "Ret", "Tilbudt", "Gennemført", "Status")
        pdf.set_font("DejaVu", "", 8.5)
        pdf.set_draw_color(*LIGHT)
        with pdf.table(col_widths=(34, 23, 24, 21, 11, 16, 23, 22), text_align="LEFT",
                       line_height=5) as table:
            head = table.row()
            for text in headers:
                head.cell(text)
            for year in record.entitlement:
                row = table.row()
                for text in (year["name"], year["role"], f"{year['year_of_service']}. år",
                             _date(dt.date.fromisoformat(year["due"])), danish_number(year["entitled_hours"]),
                             danish_number(year["offered_hours"]), danish_number(year["completed_hours"]),
                             STATE_LABELS[year["state"]]):
                    row.cell(text)
    return bytes(pdf.output())
