"""Dates and quarter expressions (the ``Hvornår`` column) as Danish workplaces write them."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from .text import clean, fold

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Whole numbers in this range in a date column are Excel date serials (2000-01-01 .. 2100-12-31).
_SERIAL_MIN, _SERIAL_MAX = 36526, 73415

DANISH_MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{4})$")
_DMY_NAMED = re.compile(r"^(\d{1,2})\.?\s*([a-zæøå]+)\.?\s*(\d{4})$")

ASAP_WORDS = frozenset(fold(w) for w in ("Så hurtigt som muligt", "Snarest", "Snarest muligt", "Straks", "ASAP"))

_Q_YEAR_FIRST = re.compile(r"^(\d{4})\s*[- ]?\s*[qk]\s*([1-4])$")  # 2026-Q3, 2026 Q3, 2026Q3
_Q_LETTER = re.compile(r"^[qk]\s*([1-4])(?:\s*[- /]?\s*(\d{4}))?$")  # Q3 2026, Q3-2026, K3 2026, Q3
_Q_DANISH = re.compile(r"^([1-4])\s*\.?\s*(?:kvartal|kvt|kv)\.?(?:\s*[- ]?\s*(\d{4}))?$")  # 3. kvartal 2026


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int
    urgent: bool = False

    @property
    def label(self) -> str:
        """The canonical form, e.g. ``2026-Q3``."""
        return f"{self.year}-Q{self.quarter}"

    @property
    def danish(self) -> str:
        """How tables show it, e.g. ``3. kvt. 2026``."""
        return f"{self.quarter}. kvt. {self.year}"

    @property
    def end(self) -> dt.date:
        """The last day of the quarter."""
        if self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def _valid_year(year: int) -> bool:
    return 2000 <= year <= 2100


def parse_date(value: object) -> dt.date | None:
    """A date from an Excel date cell, an Excel serial number or a Danish/ISO date text.

    Returns None when the value is not a date (the caller reports it).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and (math.isnan(value) or not value.is_integer()):
            number = value
        else:
            number = int(value)
        if _SERIAL_MIN <= number <= _SERIAL_MAX:
            return EXCEL_EPOCH + dt.timedelta(days=int(number))
        return None
    text = fold(value)
    try:
        if m := _ISO.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.match(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if (m := _DMY_NAMED.match(clean(value).lower())) and m[2] in DANISH_MONTHS:
            return dt.date(int(m[3]), DANISH_MONTHS[m[2]], int(m[1]))
    except ValueError:  # 31-02-2026 and the like
        return None
    return None


def is_asap(value: object) -> bool:
    return isinstance(value, str) and fold(value) in ASAP_WORDS


def parse_quarter(value: object, row_year: int | None = None, row_date: dt.date | None = None) -> Quarter | None:
    """Resolve a quarter expression to a year and quarter, or None when it is not one.

    ``row_year`` (the row's ``År``) completes ``3. kvartal``; "as soon as possible" is placed
    in the quarter of ``row_date`` (the row's ``Dato``), else the first quarter of ``row_year``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if is_asap(value):
        if row_date is not None:
            return Quarter(row_date.year, quarter_of(row_date), urgent=True)
        if row_year is not None:
            return Quarter(row_year, 1, urgent=True)
        return None
    if not isinstance(value, str):
        day = parse_date(value)
        return Quarter(day.year, quarter_of(day)) if day and _valid_year(day.year) else None
    text = fold(value)
    year: int | None
    if m := _Q_YEAR_FIRST.match(text):
        year, quarter = int(m[1]), int(m[2])
    elif m := (_Q_LETTER.match(text) or _Q_DANISH.match(text)):
        quarter, year = int(m[1]), int(m[2]) if m[2] else row_year
    else:
        day = parse_date(value)
        return Quarter(day.year, quarter_of(day)) if day and _valid_year(day.year) else None
    if year is None or not _valid_year(year):
        return None
    return Quarter(year, quarter)


def parse_label(label: str) -> Quarter:
    """Inverse of :attr:`Quarter.label`."""
    year, quarter = label.split("-Q")
    return Quarter(int(year), int(quarter))
