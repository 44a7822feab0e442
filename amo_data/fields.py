"""Kinds of value: how one cell becomes a canonical value, and how that value is stored.

One small class per kind of value (in the spirit of frictionless' field types). A kind's
:meth:`Kind.parse` takes a non-empty cell as the reader gives it (str, int, float, bool, date,
datetime or time) and returns a :class:`Parsed`: the canonical value, or a Danish error, or a
value with a Danish warning. Its :attr:`Kind.storage` says how the value is kept: ``text``
(``str``), ``int``, ``nullable_int``, ``float``, ``bool`` or ``date`` (``datetime.date``); the
canonical DataFrames, the store's columns and the exported cells all derive from it.

Rules that look at more than one cell of a row (a year derived from a date, a quarter completed
by the row's year) are the tables' rules in :mod:`amo_data.rules`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, ClassVar, NamedTuple

from . import quarters, vocab
from .text import INVISIBLE, clean, department_name, fold, listing, visible


class Parsed(NamedTuple):
    value: Any
    error: str | None = None
    warning: str | None = None


# --------------------------------------------------------------------------- cells


def is_empty(value: object) -> bool:
    """An empty cell: None, a number that is not finite, or text of only whitespace and
    invisible characters."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        return not text or (text[0] in INVISIBLE and not visible(text).strip())
    if isinstance(value, float):
        return not math.isfinite(value)
    return False


_PLAIN = frozenset({str, bool, int, float, dt.date, dt.datetime, dt.time})


def normal(value: object) -> object:
    """A cell as the rows hold it: blank text and numbers that are not finite are None, a
    duration (a timedelta) a time when under a day, else its length in days, anything
    unknown its text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, int):
        return value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value
    if isinstance(value, dt.timedelta):
        if dt.timedelta(0) <= value < dt.timedelta(days=1):
            return (dt.datetime.min + value).time()
        return value.total_seconds() / 86400
    return str(value)


def plain(value: object) -> object:
    """:func:`normal` for a value of an unusual type; other values as they are."""
    return value if type(value) in _PLAIN else normal(value)


def as_text(value: object) -> str:
    """A cell as text, the way the user would read it."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%d-%m-%Y") if value.year >= 1000 else value.date().isoformat()
        return clean(value.isoformat(sep=" "))
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y") if value.year >= 1000 else value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return clean(value)


def shown(value: object) -> str:
    """A cell value as quoted in a message (at most 80 characters)."""
    text = as_text(value)
    return text if len(text) <= 80 else text[:77] + "…"


def number(value: object) -> float | None:
    """A finite number from a numeric cell or a text with decimal point or comma."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        result = float(value) if not isinstance(value, int) or abs(value) < 2**63 else None
    elif isinstance(value, str):
        text = clean(value).replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
            return None
        result = float(text)
    else:
        return None
    if result is None or not math.isfinite(result):
        return None
    return result


def whole(value: object) -> int | None:
    """A whole number (``4`` and ``4.0`` count), else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    found = number(value)
    if found is None or not found.is_integer():
        return None
    return int(found)


def must_fill(header: str) -> str:
    """The message for an empty cell in a required column."""
    return f'Kolonnen "{header}" skal udfyldes, men cellen er tom.'


# --------------------------------------------------------------------------- kinds


class Kind:
    """How a cell becomes a value. Subclasses set :attr:`storage` and override :meth:`parse`.

    :attr:`choices` are the values the template offers in a drop-down list named
    :attr:`list_name` (a vocabulary's values, or suggestions for a free text)."""

    storage: ClassVar[str] = "text"
    list_name: str | None = None

    @property
    def choices(self) -> tuple[str, ...]:
        return ()

    def parse(self, value: object) -> Parsed:
        return Parsed(as_text(value) or None)


class Text(Kind):
    """Free text, cleaned (see :func:`amo_data.text.clean`); ``suggestions`` are offered in the
    template's drop-down list ``list_name``, but any text is accepted."""

    def __init__(self, suggestions: tuple[str, ...] = (), list_name: str | None = None):
        self.suggestions, self.list_name = suggestions, list_name

    @property
    def choices(self) -> tuple[str, ...]:
        return self.suggestions


class Department(Kind):
    """A department's name: free text, NFKC-normalised as well."""

    def parse(self, value: object) -> Parsed:
        return Parsed(department_name(as_text(value)) or None)


class Year(Kind):
    """A whole year 2000-2100."""

    storage = "int"

    def parse(self, value: object) -> Parsed:
        if isinstance(value, dt.date):
            # 2026 typed into a date-formatted cell shows as 18-07-1905: Excel's serial 2026.
            day = value.date() if isinstance(value, dt.datetime) else value
            serial = (day - quarters.EXCEL_EPOCH).days
            if 2000 <= serial <= 2100 and (not isinstance(value, dt.datetime) or value.time() == dt.time(0)):
                return Parsed(serial)
        year = whole(value)
        if year is None or not 2000 <= year <= 2100:
            return Parsed(None, f'"{shown(value)}" er ikke et gyldigt år (et helt tal fra 2000 til 2100, fx 2026).')
        return Parsed(year)


class Day(Kind):
    """A date: a date cell, an Excel serial or a Danish or ISO date text."""

    storage = "date"

    def parse(self, value: object) -> Parsed:
        day = quarters.parse_date(value)
        if day is None:
            return Parsed(None, f'"{shown(value)}" er ikke en dato (fx "15-03-2026" eller "2026-03-15").')
        return Parsed(day)


class Rating(Kind):
    """Vurdering: a whole number 1-5 (1 = not at all equipped, 5 = fully)."""

    storage = "nullable_int"

    def parse(self, value: object) -> Parsed:
        rating = whole(value)
        if rating is None or not 1 <= rating <= 5:
            return Parsed(None, f'"{shown(value)}" er ikke en gyldig vurdering (et helt tal fra 1 til 5, '
                                "hvor 1 = slet ikke og 5 = helt).")
        return Parsed(rating)


class Hours(Kind):
    """A number of hours, 0 or more; decimal comma allowed."""

    storage = "float"

    def parse(self, value: object) -> Parsed:
        hours = number(value)
        if hours is None or hours < 0:
            return Parsed(None, f'"{shown(value)}" er ikke et antal timer (et tal på 0 eller mere, fx 14,8).')
        return Parsed(hours)


class Choice(Kind):
    """A value of a vocabulary (its canonical spelling); ``what`` names it in messages."""

    def __init__(self, vocabulary: vocab.Vocabulary, what: str, list_name: str):
        self.vocabulary, self.what, self.list_name = vocabulary, what, list_name

    @property
    def choices(self) -> tuple[str, ...]:
        return self.vocabulary.values

    def parse(self, value: object) -> Parsed:
        match = self.vocabulary.match(value)
        if match is None:
            return Parsed(None, f'"{shown(value)}" er ikke {self.what} (vælg {listing(self.vocabulary.values)}).')
        return Parsed(match)


class Category(Choice):
    """Kategori of an Arbejdsark entry; a bare "Styrke" is ambiguous in Danish."""

    def __init__(self) -> None:
        super().__init__(vocab.CATEGORY, "en kategori", "Kategori")

    def parse(self, value: object) -> Parsed:
        if fold(value) == vocab.AMBIGUOUS_CATEGORY:
            return Parsed(None, f'"{shown(value)}" er tvetydigt: skriv "{vocab.LYKKES}", hvis det er noget, I '
                                f'allerede lykkes med, eller "{vocab.BRUG_FOR_AT_STYRKE}", hvis I har brug for at '
                                "styrke det.")
        return super().parse(value)


class Area(Kind):
    """Område: a known area (its canonical name), or the text as written with a warning."""

    list_name = "Område"

    @property
    def choices(self) -> tuple[str, ...]:
        return vocab.areas().values

    def parse(self, value: object) -> Parsed:
        match = vocab.areas().match(value)
        if match is not None:
            return Parsed(match)
        return Parsed(as_text(value), warning=f'"{shown(value)}" er ikke et kendt område; det gemmes, som det er '
                                              "skrevet.")


_EMAIL = re.compile(r"[^@\s,;:<>()\[\]\"]+@[^@\s,;:<>()\[\]\"']+\.[^@\s,;:<>()\[\]\"'.]{2,}")


class Email(Kind):
    """One e-mail address (reminders are sent to it)."""

    def parse(self, value: object) -> Parsed:
        text = as_text(value)
        if _EMAIL.fullmatch(text) is None or ".." in text:
            return Parsed(None, f'"{shown(value)}" er ikke én e-mailadresse (fx "ole.hansen@firma.dk").')
        return Parsed(text)


class When(Kind):
    """Hvornår as written (dates as dd-mm-yyyy); its quarter is resolved by the table's rule,
    which knows the row's År and Dato (:func:`quarter`)."""

    def parse(self, value: object) -> Parsed:
        if isinstance(value, dt.datetime) and 1000 <= value.year:
            return Parsed(value.strftime("%d-%m-%Y"))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            day = quarters.parse_date(value)
            if day is not None:
                return Parsed(day.strftime("%d-%m-%Y"))
        return Parsed(as_text(value))


class Label(Kind):
    """A derived text, e.g. the canonical quarter ``2026-Q3``."""


class Flag(Kind):
    """A derived yes/no, e.g. whether Hvornår said "as soon as possible"."""

    storage = "bool"


def quarter(value: object, year: int | None, date: dt.date | None) -> quarters.Quarter | None:
    """A Hvornår's quarter in the row's context; None when it is not one or not in 2000-2100."""
    found = quarters.parse_quarter(value, year, date)
    return found if found is not None and 2000 <= found.year <= 2100 else None


def out_of_range(value: object) -> str | None:
    """The message for a Hvornår date outside the years 2000-2100, else None."""
    if quarters.is_asap(value):
        return None
    day = quarters.parse_date(value)
    if day is not None and not 2000 <= day.year <= 2100:
        return f'"{shown(value)}" ligger ikke i årene 2000–2100.'
    return None
