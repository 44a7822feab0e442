"""Found in a hostile review of meeting mode (issue 17): defects a user would notice, each with
the reproduction that showed it."""

from __future__ import annotations

from amo_data.store import Store
from tests.test_meeting_page import MEETING, _sample, add_point, button, choose, ok, page  # noqa: F401


def test_a_name_with_an_invisible_control_character_is_refused_in_danish_and_nothing_is_stored():
    # Before: a preparation author "Eva\x00" crashed the page on PostgreSQL (DataError: text
    # fields cannot contain NUL); participants with control characters were stored in the record.
    from tests.test_meeting_page import PREP

    prep = choose(page(PREP), "prep", "Lager", 2027)
    prep.text_input(key="prep_author").input("Eva\x00")
    ok(prep.run())
    assert any("usynligt styretegn (U+0000)" in e.value for e in prep.error), [e.value for e in prep.error]
    assert not [b for b in prep.button if b.label == "Gem udkast"]

    at = choose(page(MEETING), "meeting", "Lager", 2027)
    add_point(at, "Et punkt")
    at.multiselect(key="meeting_people_lager_2027").set_value(["Ida Holm", "Bo\x07"])
    ok(at.run())
    button(at, "Gem mødet").click()
    ok(at.run())
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert 'Deltageren "Bo\x07" indeholder et usynligt styretegn (U+0007)' in errors
    assert not any("Mødet er gemt" in s.value for s in at.success)
    assert Store().meetings("Lager", 2027) == []
