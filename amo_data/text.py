"""Text rules shared by every part of the product: cleaning a cell's text, folding for matching,
department and person keys, Danish order and Danish numbers.

The file contract's paragraph on text cells lives here, once: text is normalised to Unicode NFC,
invisible format characters are removed (:data:`INVISIBLE`), and a control character
(:func:`control_character`) is an error the validator reports for the cell. Department names are
also NFKC-normalised (:func:`department_name`), so full-width letters match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

_DANISH = str.maketrans({"å": "aa", "æ": "ae", "ø": "oe"})

# Invisible format characters a cell may carry without anyone seeing them (pasted from a web
# page, Word or a PDF): zero-width space, non-joiner, joiner, word joiner, byte-order mark, soft
# hyphen, left-to-right and right-to-left marks, and the bidirectional embeddings, overrides
# and isolates. They are removed from every text.
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u061c"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_INVISIBLE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")

# Control characters a text cell may not hold: U+0000-U+001F except tab and the line breaks
# (line feed, carriage return, and vertical tab and form feed, which Word writes for a manual
# line or page break when text is pasted), and U+007F-U+009F.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def control_character(text: str) -> str | None:
    """The first control character a text may not hold (see the module docstring), else None."""
    found = _CONTROL.search(text)
    return found.group() if found else None


def visible(text: str) -> str:
    """``text`` in NFC without invisible format characters (whitespace kept as it is)."""
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if _INVISIBLE.search(text):
            text = _INVISIBLE.sub("", text)
    return text


def clean(value: object) -> str:
    """A cell's text trimmed, inner whitespace collapsed (every Unicode space, the no-break
    space included), NFC, invisible characters removed (keeps case and letters)."""
    if value is None:
        return ""
    return " ".join(visible(str(value)).split())


def department_name(value: object) -> str:
    """A department's name as stored: :func:`clean` after NFKC (full-width ``Ｌａｇｅｒ`` is
    ``Lager``)."""
    if value is None:
        return ""
    return clean(unicodedata.normalize("NFKC", str(value)))


def department_key(name: object) -> str:
    """The key two spellings of one department share: trimmed, whitespace collapsed, NFKC,
    case-insensitive. Every part of the product matches departments by this key."""
    return department_name(name).casefold()


def name_key(name: object) -> str:
    """The key two spellings of one person's name share (within a department): trimmed, inner
    whitespace collapsed, case-insensitive."""
    return clean(name).casefold()


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


def danish_int(n: int) -> str:
    """Thousands separated the Danish way: ``1.048.576``."""
    return f"{n:,}".replace(",", ".")


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


def listing(values: Iterable[str], last: str = "eller") -> str:
    """Quoted values for a message: ``"a", "b" eller "c"``."""
    return joined([f'"{v}"' for v in values], last)
