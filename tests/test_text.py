"""The shared text rules (amo_data.text): cleaning, control characters, department and name keys."""

from __future__ import annotations

import pytest

from amo_data.text import clean, control_character, danish_key, department_key, department_name, name_key, visible


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_found(char):
    assert control_character(f"tekst{char}her") == char


@pytest.mark.parametrize("text", ["tab\there", "line\nfeed", "cr\r\nlf", "Word\vline", "page\fbreak", "æøå ÆØÅ"])
def test_tab_line_breaks_and_letters_are_not_control_characters(text):
    assert control_character(text) is None


def test_invisible_format_characters_are_removed_and_text_is_nfc():
    assert visible("a\u200bb\u200c\u200dc\u2060d\ufeffe\u00adf\u200eg\u202eh\u2066i\u2069") == "abcdefghi"
    assert visible("Ko\u0308rsel") == "Körsel"
    assert clean("  Lager\u200b  Nord ") == "Lager Nord"


def test_department_keys_match_case_spacing_invisible_and_full_width_spellings():
    keys = {department_key(n) for n in ("Lager", "LAGER", " lager ", "Lager\u200b", "Ｌａｇｅｒ")}
    assert keys == {"lager"}
    assert department_name("Ｌａｇｅｒ  Nord") == "Lager Nord"
    assert department_key("Lager Nord") != department_key("Lager")


def test_name_keys_ignore_case_and_spacing():
    assert name_key("  Ole   Hansen ") == name_key("ole hansen") == "ole hansen"


def test_danish_order_puts_ae_oe_aa_last():
    assert sorted(["Åben", "Zebra", "Æble", "Østen", "abe"], key=danish_key) == ["abe", "Zebra", "Æble", "Østen", "Åben"]
