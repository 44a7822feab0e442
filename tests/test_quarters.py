"""Quarter expressions and dates, per data-format.md "Quarter expressions (Hvornår)"."""

import datetime as dt

import pytest

from amo_data.quarters import Quarter, parse_date, parse_label, parse_quarter

# "`2026-Q3`, `Q3 2026`, `Q3-2026`, `3. kvartal 2026`, `3. kvt. 2026`, `3 kvt 2026`, `K3 2026`,
#  ... a date as an Excel date cell, `2026-08-15`, `15-08-2026`, `15.08.2026` or `15/8/2026`"
@pytest.mark.parametrize(
    "value",
    ["2026-Q3", "Q3 2026", "Q3-2026", "3. kvartal 2026", "3. kvt. 2026", "3 kvt 2026", "K3 2026",
     "2026-08-15", "15-08-2026", "15.08.2026", "15/8/2026", dt.datetime(2026, 8, 15), dt.date(2026, 7, 1),
     "  q3 2026 ", "3. KVARTAL 2026", "15. august 2026", 46249.0],
)
def test_every_form_of_the_contract_gives_third_quarter_2026(value):
    assert parse_quarter(value) == Quarter(2026, 3)


def test_quarter_without_year_takes_the_rows_year():
    # "`3. kvartal` (year from the row's `År`)"
    assert parse_quarter("3. kvartal", row_year=2025) == Quarter(2025, 3)
    assert parse_quarter("3. kvartal") is None


@pytest.mark.parametrize("word", ["Så hurtigt som muligt", "Snarest", "Straks", "ASAP", "saa hurtigt som muligt"])
def test_as_soon_as_possible_is_urgent_in_the_quarter_of_the_rows_date(word):
    # "the action is marked urgent and placed in the quarter of the row's `Dato`,
    #  else the first quarter of its `År`"
    assert parse_quarter(word, row_year=2026, row_date=dt.date(2026, 5, 2)) == Quarter(2026, 2, urgent=True)
    assert parse_quarter(word, row_year=2026) == Quarter(2026, 1, urgent=True)
    assert parse_quarter(word) is None


@pytest.mark.parametrize("value", ["4. kvartl 2026", "Q5 2026", "5. kvartal 2026", "31-02-2026", "snart", "2026", "", None, 1.5])
def test_non_quarters_are_refused(value):
    assert parse_quarter(value, row_year=None) is None


def test_quarter_labels_and_ends():
    q = Quarter(2026, 3)
    assert q.label == "2026-Q3" and q.danish == "3. kvt. 2026"
    assert q.end == dt.date(2026, 9, 30) and Quarter(2026, 4).end == dt.date(2026, 12, 31)
    assert Quarter(2024, 1).end == dt.date(2024, 3, 31)
    assert parse_label("2026-Q3") == q


@pytest.mark.parametrize(
    "value, expected",
    [("15-03-2026", dt.date(2026, 3, 15)), ("2026-03-15", dt.date(2026, 3, 15)),
     ("15.3.2026", dt.date(2026, 3, 15)), ("15/03/2026", dt.date(2026, 3, 15)),
     ("15. marts 2026", dt.date(2026, 3, 15)), ("1. okt. 2025", dt.date(2025, 10, 1)),
     (dt.datetime(2026, 3, 15, 0, 0), dt.date(2026, 3, 15)), (46096, dt.date(2026, 3, 15)),
     ("2026-03-15 00:00:00", dt.date(2026, 3, 15)), ("i går", None), ("32-01-2026", None), (True, None)],
)
def test_dates_in_danish_and_iso_forms(value, expected):
    assert parse_date(value) == expected


def test_date_cells_outside_2000_to_2100_are_not_quarters():
    assert parse_quarter(dt.date(1905, 7, 18)) is None
    assert parse_quarter(dt.datetime(2101, 1, 1)) is None
