"""Vocabularies and folding rules, per data-format.md "Vocabularies"."""

import pytest

from amo_data import vocab
from amo_data.text import danish_key, fold

# "Values of every vocabulary are matched like headers: case-insensitive, trimmed, with
#  `aa`/`ae`/`oe` accepted for `å`/`æ`/`ø`."
ALIASES = [
    (vocab.HELP, {
        "Egen kompetenceudvikling": ["Egen", "Selv", "Supplerende uddannelse", "Uddannelse", "Own"],
        "Hjælp indefra": ["Indefra", "Intern", "Brug for andre på arbejdspladsen", "Andre på arbejdspladsen", "HR", "Internal"],
        "Hjælp udefra": ["Udefra", "Ekstern", "Sagkyndig bistand", "Arbejdsmiljørådgiver", "External"],
    }),
    (vocab.STATUS, {
        "Ikke startet": ["Ikke påbegyndt", "Not started"],
        "Planlagt": ["Planned"],
        "I gang": ["Igang", "Påbegyndt", "In progress"],
        "Gennemført": ["Færdig", "Afsluttet", "Done", "Completed"],
        "Aflyst": ["Annulleret", "Cancelled"],
    }),
    (vocab.CATEGORY, {
        "Vigtig opgave": ["Vigtige opgaver", "Vigtige opgaver og fokuspunkter", "Fokuspunkt", "Opgave", "Task"],
        "Lykkes": ["Dette lykkes vi med", "Dette lykkes vi godt med allerede", "Strength"],
        "Brug for at styrke": ["Dette kan vi have brug for at styrke", "Styrkes", "Behov", "Need"],
    }),
    (vocab.TRAINING_ROLE, {
        "AMR": ["Arbejdsmiljørepræsentant"], "Arbejdsleder": ["Arbejdsmiljøleder"],
        "Leder": [], "Andet": ["Other"],
    }),
    (vocab.areas(), {
        "Psykisk arbejdsmiljø": ["Psykisk", "Psykosocialt", "Psykosocialt arbejdsmiljø", "Trivsel", "Stress", "Krænkelser"],
        "Ergonomi": ["Ergonomisk", "Muskel- og skeletbelastninger", "Løft"],
        "Kemisk og biologisk arbejdsmiljø": ["Kemi", "Kemisk", "Biologisk"],
        "Fysisk arbejdsmiljø": ["Fysisk", "Indeklima", "Støj", "Lys"],
        "Ulykker og sikkerhed": ["Ulykker", "Ulykkesrisici", "Sikkerhed"],
        "Sygefravær": ["Fravær"],
        "Samarbejde i AMO": ["Samarbejde", "Arbejdsmiljøgruppen"],
        "Inddragelse og formidling": ["Inddragelse", "Formidling", "Kommunikation"],
        "APV og systematisk arbejdsmiljøarbejde": ["APV", "Årshjul", "Systematisk arbejdsmiljøarbejde"],
    }),
]


def _cases():
    for voc, table in ALIASES:
        for value, aliases in table.items():
            for alias in [value, *aliases]:
                yield voc, alias, value


@pytest.mark.parametrize("voc, alias, value", list(_cases()), ids=lambda x: getattr(x, "name", str(x)))
def test_every_alias_in_every_spelling(voc, alias, value):
    assert voc.match(alias) == value
    assert voc.match(f"  {alias.upper()} ") == value
    danish_free = alias.replace("å", "aa").replace("æ", "ae").replace("ø", "oe")
    assert voc.match(danish_free) == value


def test_unknown_values_do_not_match_and_styrke_is_not_a_category():
    assert vocab.areas().match("Vold og trusler") is None
    assert vocab.CATEGORY.match("Styrke") is None
    assert fold("Styrke") == vocab.AMBIGUOUS_CATEGORY


def test_area_list_is_extended_by_a_configuration_file(tmp_path):
    cfg = tmp_path / "omraader.toml"
    cfg.write_text('[[omraade]]\nnavn = "Vold og trusler"\naliaser = ["Vold", "Trusler"]\n\n'
                   '[[omraade]]\nnavn = "Ergonomi"\naliaser = ["Tunge løft"]\n', encoding="utf-8")
    areas = vocab.load_areas(cfg)
    assert areas.match("trusler") == "Vold og trusler"
    assert areas.match("tunge loeft") == "Ergonomi"
    assert areas.values[-1] == "Vold og trusler" and areas.values.count("Ergonomi") == 1


def test_bad_area_file_is_a_danish_error(tmp_path):
    cfg = tmp_path / "omraader.toml"
    cfg.write_text("[[omraade]]\naliaser = []\n", encoding="utf-8")
    with pytest.raises(vocab.AmoError, match="navn"):
        vocab.load_areas(cfg)


def test_header_folding_rules():
    # "case-insensitive, ignores surrounding whitespace, a trailing `?` or `:`, and accepts
    #  `aa`/`ae`/`oe` for `å`/`æ`/`ø` (so `Omraade` = `Område`, `Aar` = `År`)"
    assert fold("Omraade") == fold("Område") and fold("Aar") == fold("År")
    assert fold(" Hvornår? ") == fold("hvornaar:") == fold("HVORNÅR")


def test_danish_alphabetical_order():
    names = ["Åbyhøj", "Østerbro", "Ærø", "Zone", "aarhus", "Brande"]
    assert sorted(names, key=danish_key) == ["aarhus", "Brande", "Zone", "Ærø", "Østerbro", "Åbyhøj"]
