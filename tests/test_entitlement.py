"""The training entitlement, hand-worked from cli-and-metrics.md ("Training entitlement").

Quoted rules: "year k (k = 1, 2, …) runs `from` J + (k−1) years `to` the day before J + k years
(both inclusive)"; "J + n years is the same day n years later (29 February → 28 February); J + 3
months is the same day 3 months later, or the month's last day when that day does not exist";
"`entitled_hours` is 14.8 for k = 1 and 11.1 after"; "`state`: `met` when `offered_hours` ≥
`entitled_hours` − 0.05; otherwise `ended` when the member left on or before `due`; otherwise
`missed` when `due` < T; otherwise `open`".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from amo_data.entitlement import add_months, add_years, course_day, figures

D = dt.date


def members(*rows) -> pd.DataFrame:
    cols = ["department", "name", "role", "joined", "left", "basic_training", "email"]
    return pd.DataFrame([dict(zip(cols, r + (None,) * (len(cols) - len(r)), strict=True)) for r in rows],
                        columns=cols, dtype=object)


def courses(*rows) -> pd.DataFrame:
    """(department, name, type, hours, when, quarter, status)"""
    cols = ["department", "name", "type", "hours", "when", "quarter", "status"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows], columns=cols, dtype=object)


NONE = courses()


def years(result: dict, name: str | None = None) -> list[dict]:
    return [y for y in result["entitlement"] if name is None or y["name"] == name]


def test_dates_add_years_and_months_by_the_contracts_rules():
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)  # "a 30 November joiner (3 months ends 28 February)"
    assert add_months(D(2023, 11, 30), 3) == D(2024, 2, 29)
    assert add_months(D(2026, 1, 31), 3) == D(2026, 4, 30)
    assert add_months(D(2026, 10, 15), 3) == D(2027, 1, 15)


def test_a_leap_day_joiner_has_years_ending_the_day_before_28_february():
    result = figures(members(("Lager", "Ole", "AMR", D(2024, 2, 29), None, D(2024, 4, 1))), NONE, D(2026, 3, 1))
    assert [(y["year_of_service"], y["from"], y["to"], y["entitled_hours"]) for y in years(result)] == [
        (1, "2024-02-29", "2025-02-27", 14.8),
        (2, "2025-02-28", "2026-02-27", 11.1),
        (3, "2026-02-28", "2027-02-27", 11.1),
    ]
    assert [y["state"] for y in years(result)] == ["missed", "missed", "open"]
    assert result["entitlement_missed"] == 2 and result["entitlement_open"] == 1


def test_a_30_november_joiner_must_have_basic_training_by_28_february():
    m = members(("Lager", "Sara", "Arbejdsleder", D(2025, 11, 30)))
    due = figures(m, NONE, D(2026, 2, 28))["basic_training"]
    assert due == [{"department": "Lager", "name": "Sara", "role": "Arbejdsleder", "deadline": "2026-02-28",
                    "state": "due"}]
    assert figures(m, NONE, D(2026, 3, 1))["basic_training"][0]["state"] == "overdue"


def test_basic_training_is_known_from_the_member_row_or_a_completed_course():
    m = members(("Lager", "Ole", "AMR", D(2026, 1, 10)), ("Lager", "Eva", "AMR", D(2026, 1, 10), None, D(2026, 2, 1)),
                ("Lager", "Kim", "AMR", D(2026, 1, 10)), ("Lager", "Bo", "Leder", D(2026, 1, 10)))
    c = courses(("Lager", "ole", "Grunduddannelse", 22, "2026-Q1", "2026-Q1", "Gennemført"),
                ("Lager", "Kim", "Grunduddannelse", 22, "2026-Q1", "2026-Q1", "Tilmeldt"))
    basic = figures(m, c, D(2026, 6, 1))["basic_training"]
    assert [b["name"] for b in basic] == ["Kim"]  # Bo is a Leder: no duty; Kim is only enrolled


def test_a_course_on_the_last_day_of_a_year_of_service_counts_in_that_year():
    m = members(("Lager", "Ole", "AMR", D(2025, 3, 1), None, D(2025, 3, 20)))
    c = courses(("Lager", "Ole", "Supplerende", 14.8, "28-02-2026", "2026-Q1", "Gennemført"))
    first = years(figures(m, c, D(2026, 6, 1)))[0]
    assert (first["to"], first["offered_hours"], first["completed_hours"], first["state"]) == ("2026-02-28", 14.8, 14.8,
                                                                                             "met")


def test_a_quarter_dated_course_counts_on_its_quarters_last_day_possibly_in_the_next_year():
    m = members(("Lager", "Ole", "AMR", D(2025, 9, 1), None, D(2025, 10, 1)))
    c = courses(("Lager", "Ole", "Supplerende", 14.8, "3. kvartal 2026", "2026-Q3", "Tilmeldt"))
    first, second = years(figures(m, c, D(2026, 9, 15)))
    assert (first["to"], first["offered_hours"], first["state"]) == ("2026-08-31", 0.0, "missed")
    assert (second["from"], second["offered_hours"], second["state"]) == ("2026-09-01", 14.8, "met")
    assert course_day("3. kvartal 2026", "2026-Q3") == D(2026, 9, 30)
    assert course_day("15-08-2026", "2026-Q3") == D(2026, 8, 15)


def test_declined_offers_count_as_offered_and_cancelled_ones_do_not():
    m = members(("Lager", "Ole", "AMR", D(2025, 1, 1), None, D(2025, 2, 1)))
    c = courses(("Lager", "Ole", "Supplerende", 7.4, "2025-Q2", "2025-Q2", "Afslået"),
                ("Lager", "Ole", "Supplerende", 7.4, "2025-Q3", "2025-Q3", "Tilbudt"),
                ("Lager", "Ole", "Supplerende", 14.8, "2025-Q4", "2025-Q4", "Aflyst"),
                ("Lager", "Ole", "Andet", 14.8, "2025-Q4", "2025-Q4", "Gennemført"))
    first = years(figures(m, c, D(2025, 12, 31)))[0]
    assert (first["offered_hours"], first["completed_hours"], first["state"]) == (14.8, 0.0, "met")


def test_within_five_hundredths_of_an_hour_is_met():
    m = members(("Lager", "Ole", "AMR", D(2025, 1, 1), None, D(2025, 2, 1)))
    met = courses(("Lager", "Ole", "Supplerende", 14.75, "2025-Q2", "2025-Q2", "Tilbudt"))
    short = courses(("Lager", "Ole", "Supplerende", 14.7, "2025-Q2", "2025-Q2", "Tilbudt"))
    assert years(figures(m, met, D(2026, 6, 1)))[0]["state"] == "met"
    assert years(figures(m, short, D(2026, 6, 1)))[0]["state"] == "missed"


def test_a_member_who_left_before_the_due_date_ended_and_has_no_later_years():
    m = members(("Lager", "Ole", "AMR", D(2023, 5, 1), D(2025, 3, 1), D(2023, 6, 1)))
    result = figures(m, NONE, D(2026, 11, 26))
    assert [(y["year_of_service"], y["state"]) for y in years(result)] == [(1, "missed"), (2, "ended")]
    assert result["members"] == 0 and result["basic_training"] == []


def test_leaving_on_a_years_first_day_gives_no_such_year():
    m = members(("Lager", "Ole", "AMR", D(2024, 5, 1), D(2025, 5, 1), D(2024, 6, 1)))
    assert [y["year_of_service"] for y in years(figures(m, NONE, D(2026, 1, 1)))] == [1]


def test_the_same_name_in_two_departments_is_two_members():
    m = members(("Lager", "Ole Hansen", "AMR", D(2025, 1, 1), None, D(2025, 2, 1)),
                ("Kontor", "Ole Hansen", "AMR", D(2025, 1, 1), None, D(2025, 2, 1)))
    c = courses(("Lager", "Ole Hansen", "Supplerende", 14.8, "2025-Q3", "2025-Q3", "Gennemført"))
    result = figures(m, c, D(2025, 12, 1))
    assert [(y["department"], y["offered_hours"]) for y in years(result)] == [("Kontor", 0.0), ("Lager", 14.8)]


def test_a_course_matches_its_member_by_name_in_other_case_and_spacing():
    m = members(("Lager", "Ole Hansen", "AMR", D(2025, 1, 1), None, D(2025, 2, 1)))
    c = courses(("LAGER", "  ole   HANSEN ", "Supplerende", 14.8, "2025-Q3", "2025-Q3", "Tilmeldt"))
    assert years(figures(m, c, D(2025, 12, 1)))[0]["offered_hours"] == 14.8


def test_members_counts_every_current_role_and_only_amr_and_arbejdsleder_have_years():
    m = members(("Lager", "A", "AMR", D(2025, 1, 1), None, D(2025, 1, 5)),
                ("Lager", "B", "Leder", D(2025, 1, 1)),
                ("Lager", "C", "Andet", D(2025, 1, 1)),
                ("Lager", "D", "Arbejdsleder", D(2027, 1, 1)),  # joins after today
                ("Lager", "E", "AMR", D(2020, 1, 1), D(2026, 11, 26), D(2020, 2, 1)))  # left today: not current
    result = figures(m, NONE, D(2026, 11, 26))
    assert result["members"] == 3
    assert {y["name"] for y in years(result)} == {"A", "E"}


def test_with_a_year_only_the_years_of_service_due_in_it_are_listed():
    m = members(("Lager", "Ole", "AMR", D(2024, 7, 1), None, D(2024, 8, 1)))
    result = figures(m, NONE, D(2026, 11, 26), year=2025)
    assert [(y["year_of_service"], y["due"]) for y in years(result)] == [(1, "2025-06-30")]
    assert result["entitlement_missed"] == 1 and result["entitlement_open"] == 0


def test_lists_are_in_danish_order_of_department_and_name():
    m = members(*[(dep, name, "AMR", D(2026, 1, 1), None, D(2026, 2, 1))
                  for dep, name in [("Ældre", "Bo"), ("Zone", "Åse"), ("Zone", "Anne"), ("Zone", "Ørn")]])
    assert [(y["department"], y["name"]) for y in years(figures(m, NONE, D(2026, 6, 1)))] == [
        ("Zone", "Anne"), ("Zone", "Ørn"), ("Zone", "Åse"), ("Ældre", "Bo")]


@pytest.mark.parametrize("today, state", [(D(2026, 8, 31), "open"), (D(2026, 9, 1), "missed")])
def test_a_year_is_open_through_its_due_date_and_missed_after(today, state):
    m = members(("Lager", "Ole", "AMR", D(2025, 9, 1), None, D(2025, 10, 1)))
    assert years(figures(m, NONE, today))[0]["state"] == state
