"""Folding rules shared by header matching and every vocabulary."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

_SPACE = re.compile(r"\s+")
_DANISH = str.maketrans({"å": "aa", "æ": "ae", "ø": "oe"})


def clean(value: object) -> str:
    """Trim a cell's text and collapse inner whitespace (keeps case and letters)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ")
    return _SPACE.sub(" ", text).strip()


def fold(value: object) -> str:
    """The key two spellings share when they mean the same header or vocabulary value.

    Case-insensitive, surrounding whitespace ignored, a trailing ``?`` or ``:`` ignored, and
    ``aa``/``ae``/``oe`` accepted for ``å``/``æ``/``ø``.
    """
    text = clean(value).lower().rstrip("?:").strip()
    return text.translate(_DANISH)


_DANISH_ORDER = str.maketrans({"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}"})


def danish_key(value: object) -> str:
    """Sort key for Danish alphabetical order (æ, ø, å after z), case-insensitive."""
    return clean(value).lower().translate(_DANISH_ORDER)


def danish_number(value: float, decimals: int = 1) -> str:
    """``1234.5`` as ``"1.234,5"``: Danish separators, at most ``decimals`` decimals, no
    trailing zeros (``7.0`` is ``"7"``)."""
    text = f"{value:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",").replace("\u00a0", ".")
    return text.rstrip("0").rstrip(",") if "," in text else text


def sorted_names(names: Iterable[str]) -> list[str]:
    """Distinct names in Danish order; two spellings with one key ("Lager", "LAGER") are ordered
    by the name itself, so the order never depends on a set's."""
    return sorted(set(names), key=lambda n: (danish_key(n), n))


def joined(items: Sequence[str], last: str = "og") -> str:
    """``"a"``, ``"a og b"``, ``"a, b og c"`` (``last`` = "eller" for a choice)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]
