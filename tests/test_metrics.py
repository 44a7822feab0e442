"""Figures of amo_data.metrics checked against a small data set computed by hand."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from amo_data import metrics, summary
from amo_data.schema import CANONICAL
from amo_data.text import danish_key

D = dt.date
TODAY = D(2026, 11, 26)


def ark_row(department, year, area, category, date=None, help=None):
    return {"department": department, "year": year, "date": date, "area": area, "category": category,
            "description": "punkt", "help": help, "rating": None, "role": None}


def plan_row(department, year, quarter, help, status, urgent=False):
    return {"department": department, "year": year, "date": None, "what": "indsats", "area": "Ergonomi",
            "why": None, "how": None, "help": help, "when": quarter, "quarter": quarter, "urgent": urgent,
            "who": None, "follow_up": None, "status": status}


def training_row(department, role, quarter, status, hours=None, year=None):
    return {"department": department, "role": role, "name": None, "joined": None, "course": "Kursus",
            "hours": np.nan if hours is None else hours, "when": quarter,
            "year": int(quarter[:4]) if year is None else year, "quarter": quarter, "status": status}


def frame(table, rows, with_id=False):
    df = pd.DataFrame(rows, columns=list(CANONICAL[table]))
    if "year" in df and table != "uddannelse":
        df["year"] = df["year"].astype("int64")
    if table == "arbejdsark":
        df["rating"] = df["rating"].astype("Int64")
        df["date"] = df["date"].astype(object)
    if table == "handleplan":
        df["urgent"] = df["urgent"].astype(bool)
    if table == "uddannelse":
        df["hours"] = df["hours"].astype("float64")
    for col in ("department", "area", "category", "description", "quarter", "status", "what", "when", "course"):
        if col in df and df[col].notna().all():
            df[col] = df[col].astype("str")
    if with_id:
        df.insert(0, "id", range(1, len(df) + 1))
    return df


def make_tables():
    ark = [
        ark_row("Lager", 2026, "Ergonomi", "Lykkes", D(2026, 3, 10)),
        ark_row("Lager", 2026, "Ergonomi", "Brug for at styrke", D(2026, 3, 10), "Hjælp udefra"),
        ark_row("Lager", 2026, "Psykisk arbejdsmiljø", "Brug for at styrke", D(2026, 3, 10)),
        ark_row("Lager", 2026, "Psykisk arbejdsmiljø", "Vigtig opgave", D(2026, 3, 10)),
        ark_row("Kontor", 2025, "Ergonomi", "Lykkes"),  # only År: counts as 2025-12-31
        ark_row("Ærø", 2026, "Vold og trusler", "Brug for at styrke", None, "Egen kompetenceudvikling"),
        ark_row("Østerbro", 2024, "Sygefravær", "Lykkes"),  # 2024-12-31: too long ago
        ark_row("Åbyhøj", 2025, "Sygefravær", "Vigtig opgave", D(2025, 11, 26)),  # exactly 365 days
    ]
    plan = [
        plan_row("Lager", 2026, "2026-Q4", "Hjælp udefra", "Ikke startet"),
        plan_row("Lager", 2026, "2026-Q3", "Hjælp udefra", "Planlagt"),
        plan_row("Lager", 2026, "2026-Q3", "Egen kompetenceudvikling", "I gang"),
        plan_row("Lager", 2026, "2026-Q3", "Egen kompetenceudvikling", "Planlagt"),
        plan_row("Kontor", 2026, "2026-Q2", "Hjælp indefra", "I gang", urgent=True),
        plan_row("Kontor", 2026, "2026-Q1", "Egen kompetenceudvikling", "Gennemført", urgent=True),
        plan_row("Administration", 2025, "2025-Q4", "Hjælp udefra", "Aflyst"),
    ]
    training = [
        training_row("Lager", "AMR", "2026-Q3", "Gennemført", 3.333),
        training_row("Lager", "AMR", "2026-Q3", "Tilmeldt", 7.4),
        training_row("Lager", "Arbejdsleder", "2026-Q3", "Tilmeldt"),  # no hours: counts as 0
        training_row("Kontor", "Leder", "2025-Q4", "Gennemført", 14.8),  # Hvornår 15-12-2025
    ]
    return {"arbejdsark": frame("arbejdsark", ark, with_id=True),
            "handleplan": frame("handleplan", plan, with_id=True),
            "uddannelse": frame("uddannelse", training, with_id=True)}


@pytest.fixture
def tables():
    return make_tables()


def test_summary_for_one_year_matches_hand_computed_figures(tables):
    result = summary.summary(tables, year=2026, today=TODAY)
    assert result == {
        "filters": {"year": 2026, "department": None, "unit": None, "today": "2026-11-26"},
        "departments": ["Kontor", "Lager", "Ærø"],
        "entries_by_area": [
            {"area": "Psykisk arbejdsmiljø", "vigtig_opgave": 1, "lykkes": 0, "brug_for_at_styrke": 1},
            {"area": "Ergonomi", "vigtig_opgave": 0, "lykkes": 1, "brug_for_at_styrke": 1},
            {"area": "Vold og trusler", "vigtig_opgave": 0, "lykkes": 0, "brug_for_at_styrke": 1},
        ],
        "entries_by_department": [
            {"department": "Lager", "vigtig_opgave": 1, "lykkes": 1, "brug_for_at_styrke": 2},
            {"department": "Ærø", "vigtig_opgave": 0, "lykkes": 0, "brug_for_at_styrke": 1},
        ],
        # Hjælp indefra has no need this year: left out, not listed with 0.
        "needs_by_help": [
            {"help": "Egen kompetenceudvikling", "count": 1},
            {"help": "Hjælp udefra", "count": 1},
            {"help": None, "count": 1},
        ],
        "actions_by_quarter": [
            {"quarter": "2026-Q1", "help": "Egen kompetenceudvikling", "status": "Gennemført", "count": 1},
            {"quarter": "2026-Q2", "help": "Hjælp indefra", "status": "I gang", "count": 1},
            {"quarter": "2026-Q3", "help": "Egen kompetenceudvikling", "status": "Planlagt", "count": 1},
            {"quarter": "2026-Q3", "help": "Egen kompetenceudvikling", "status": "I gang", "count": 1},
            {"quarter": "2026-Q3", "help": "Hjælp udefra", "status": "Planlagt", "count": 1},
            {"quarter": "2026-Q4", "help": "Hjælp udefra", "status": "Ikke startet", "count": 1},
        ],
        "overdue_actions": 4,  # Q2 I gang and the three open Q3 actions
        "urgent_actions": 1,  # Q2 I gang; the urgent Q1 action is Gennemført
        "training_by_quarter": [
            {"quarter": "2026-Q3", "status": "Tilmeldt", "count": 2, "hours": 7.4},
            {"quarter": "2026-Q3", "status": "Gennemført", "count": 1, "hours": 3.33},
        ],
        # Ignores the year filter: Østerbro (2024) and Administration (no discussion) still count.
        "departments_without_discussion": ["Administration", "Østerbro"],
        # No member list: no members and no entitlement.
        "members": 0, "basic_training": [], "entitlement": [], "entitlement_missed": 0, "entitlement_open": 0,
        # No organisation: every department is a top-level unit with its own counts.
        "entries_by_unit": [
            {"unit": "Lager", "departments": 1, "vigtig_opgave": 1, "lykkes": 1, "brug_for_at_styrke": 2},
            {"unit": "Ærø", "departments": 1, "vigtig_opgave": 0, "lykkes": 0, "brug_for_at_styrke": 1},
        ],
    }


def test_summary_is_json_native(tables):
    result = summary.summary(tables, today=TODAY)
    text = json.dumps(result, ensure_ascii=False, allow_nan=False)
    assert json.loads(text) == result
    assert all(type(row["count"]) is int for row in result["actions_by_quarter"])
    assert all(type(row["hours"]) is float for row in result["training_by_quarter"])
    assert type(result["overdue_actions"]) is int and type(result["urgent_actions"]) is int


def test_departments_in_danish_order_with_ae_oe_aa_last(tables):
    result = summary.summary(tables, today=TODAY)
    assert result["departments"] == ["Administration", "Kontor", "Lager", "Ærø", "Østerbro", "Åbyhøj"]
    assert [r["department"] for r in result["entries_by_department"]] == ["Kontor", "Lager", "Ærø", "Østerbro", "Åbyhøj"]


def test_department_filter_is_case_insensitive(tables):
    result = summary.summary(tables, department="lAGER", today=TODAY)
    assert result["departments"] == ["Lager"]
    assert result["entries_by_department"] == [
        {"department": "Lager", "vigtig_opgave": 1, "lykkes": 1, "brug_for_at_styrke": 2}]
    assert result["overdue_actions"] == 3 and result["urgent_actions"] == 0
    assert sum(r["count"] for r in result["training_by_quarter"]) == 3
    assert result["departments_without_discussion"] == []
    assert summary.summary(tables, department="administration", today=TODAY)["departments_without_discussion"] == [
        "Administration"]


def test_department_spellings_differing_in_case_are_one_department(tables):
    plan = tables["handleplan"].copy()
    plan.loc[plan["department"] == "Lager", "department"] = "LAGER"
    tables["handleplan"] = plan
    result = summary.summary(tables, today=TODAY)
    assert result["departments"].count("Lager") == 1 and "LAGER" not in result["departments"]


def test_year_filter_on_training_uses_hvornaar(tables):
    only_2025 = summary.summary(tables, year=2025, today=TODAY)["training_by_quarter"]
    assert only_2025 == [{"quarter": "2025-Q4", "status": "Gennemført", "count": 1, "hours": 14.8}]
    training = tables["uddannelse"].assign(year=np.nan)  # year missing: taken from the quarter
    filtered = metrics.filter_tables({"uddannelse": training}, year=2025)["uddannelse"]
    assert filtered["department"].tolist() == ["Kontor"]


@pytest.mark.parametrize(("today", "listed"), [
    (D(2026, 11, 26), False),  # Åbyhøj's discussion 2025-11-26 is exactly 365 days old
    (D(2026, 11, 27), True),  # 366 days
])
def test_discussion_365_day_boundary(tables, today, listed):
    assert ("Åbyhøj" in metrics.departments_without_discussion(tables, today)) is listed


@pytest.mark.parametrize(("today", "listed"), [
    (D(2026, 12, 31), False),  # only År 2025 known: held 2025-12-31, 365 days
    (D(2027, 1, 1), True),  # 366 days
])
def test_discussion_with_only_year_counts_as_31_december(tables, today, listed):
    assert ("Kontor" in metrics.departments_without_discussion(tables, today)) is listed


def test_newest_discussion_counts_and_departments_without_any_are_listed(tables):
    ark = tables["arbejdsark"]
    older = frame("arbejdsark", [ark_row("Østerbro", 2020, "Ergonomi", "Lykkes", D(2020, 5, 1)),
                                 ark_row("Østerbro", 2026, "Ergonomi", "Lykkes", D(2026, 2, 1))])
    tables["arbejdsark"] = pd.concat([ark.drop(columns="id"), older], ignore_index=True)
    result = metrics.departments_without_discussion(tables, TODAY)
    assert result == ["Administration"]  # in the Handleplan only, never discussed


@pytest.mark.parametrize(("today", "overdue"), [
    (D(2026, 9, 30), False),  # the quarter's last day: not yet overdue
    (D(2026, 10, 1), True),
])
def test_overdue_boundary_at_quarter_end(today, overdue):
    plan = frame("handleplan", [plan_row("Lager", 2026, "2026-Q3", "Hjælp udefra", "I gang"),
                                plan_row("Lager", 2026, "2026-Q3", "Hjælp udefra", "Gennemført"),
                                plan_row("Lager", 2026, "2026-Q3", "Hjælp udefra", "Aflyst")])
    assert len(metrics.overdue_actions(plan, today)) == (1 if overdue else 0)


def test_urgent_only_while_open():
    plan = frame("handleplan", [
        plan_row("Lager", 2026, "2026-Q1", "Hjælp udefra", status, urgent=True)
        for status in ("Ikke startet", "Planlagt", "I gang", "Gennemført", "Aflyst")
    ] + [plan_row("Lager", 2026, "2026-Q1", "Hjælp udefra", "I gang", urgent=False)])
    assert metrics.urgent_actions(plan)["status"].tolist() == ["Ikke startet", "Planlagt", "I gang"]


def test_need_share_is_needs_over_strengths_plus_needs():
    ark = frame("arbejdsark", [
        ark_row("Lager", 2026, "Ergonomi", "Lykkes"),
        ark_row("Lager", 2026, "Ergonomi", "Lykkes"),
        ark_row("Lager", 2026, "Ergonomi", "Lykkes"),
        ark_row("Lager", 2026, "Ergonomi", "Brug for at styrke"),
        ark_row("Lager", 2026, "Sygefravær", "Vigtig opgave"),  # 0 ÷ 0: no share
    ])
    shares = metrics.need_share_by_area(ark).set_index("area")["need_share"]
    assert shares["Ergonomi"] == pytest.approx(0.25)
    assert math.isnan(shares["Sygefravær"])


def test_area_order_vocabulary_first_then_unknown_in_danish_order():
    ark = frame("arbejdsark", [ark_row("Lager", 2026, area, "Lykkes") for area in (
        "Øvrigt", "Sygefravær", "Arbejdstid", "Psykisk arbejdsmiljø", "Ergonomi")])
    assert metrics.entries_by_area(ark)["area"].tolist() == [
        "Psykisk arbejdsmiljø", "Ergonomi", "Sygefravær", "Arbejdstid", "Øvrigt"]


def test_tiles(tables):
    assert metrics.tiles(tables, 2026, TODAY) == {
        "departments_with_discussion_this_year": 2,  # Lager and Ærø
        "departments_total": 6,
        "departments_without_discussion": 2,
        "strengths": 1,
        "needs": 3,
        "important_tasks": 1,
        "actions": 6,
        "open_actions": 5,
        "overdue": 4,
        "urgent": 1,
        "expert_requests_this_year": 2,
        "training_actions_completed": 1,
    }


def test_dashboard_tables(tables):
    ark, plan, training = tables["arbejdsark"], tables["handleplan"], tables["uddannelse"]
    experts = metrics.expert_assistance_by_quarter(plan)
    assert experts.to_dict("records") == [
        {"quarter": "2025-Q4", "status": "Aflyst", "count": 1},
        {"quarter": "2026-Q3", "status": "Planlagt", "count": 1},
        {"quarter": "2026-Q4", "status": "Ikke startet", "count": 1},
    ]
    supplementary = metrics.supplementary_training_by_quarter(plan)
    assert supplementary.to_dict("records") == [
        {"quarter": "2026-Q1", "status": "Gennemført", "count": 1},
        {"quarter": "2026-Q3", "status": "Planlagt", "count": 1},
        {"quarter": "2026-Q3", "status": "I gang", "count": 1},
    ]
    needs = metrics.department_area_matrix(ark, "needs")
    assert needs.index.tolist() == ["Kontor", "Lager", "Ærø", "Østerbro", "Åbyhøj"]
    assert needs.columns.tolist() == ["Psykisk arbejdsmiljø", "Ergonomi", "Sygefravær", "Vold og trusler"]
    assert needs.loc["Lager", "Ergonomi"] == 1 and needs.loc["Kontor", "Ergonomi"] == 0
    share = metrics.department_area_matrix(ark, "need_share")
    assert share.loc["Lager", "Ergonomi"] == pytest.approx(0.5) and math.isnan(share.loc["Lager", "Sygefravær"])
    trend = metrics.needs_trend(ark)
    assert trend.to_dict("records") == [
        {"year": 2026, "area": "Psykisk arbejdsmiljø", "count": 1},
        {"year": 2026, "area": "Ergonomi", "count": 1},
        {"year": 2026, "area": "Vold og trusler", "count": 1},
    ]
    hours = metrics.training_hours_by_department_role(training)
    assert hours.to_dict("records") == [
        {"department": "Kontor", "role": "Leder", "count": 1, "hours": 14.8},
        {"department": "Lager", "role": "AMR", "count": 2, "hours": 10.73},
        {"department": "Lager", "role": "Arbejdsleder", "count": 1, "hours": 0.0},
    ]
    average = metrics.company_average_by_area(ark).set_index("area")
    assert average.loc["Ergonomi", "lykkes"] == pytest.approx(2 / 5)  # 2 strengths, 5 departments with entries
    assert average.loc["Sygefravær", "vigtig_opgave"] == pytest.approx(1 / 5)


def test_empty_tables_give_empty_figures():
    empty = {name: frame(name, []) for name in CANONICAL}
    for tables in (empty, {}):
        result = summary.summary(tables, year=2026, today=TODAY)
        assert result["departments"] == [] and result["entries_by_area"] == []
        assert result["overdue_actions"] == 0 and result["departments_without_discussion"] == []
        json.dumps(result)
    ark = empty["arbejdsark"]
    for func in (metrics.entries_by_area, metrics.entries_by_department, metrics.need_share_by_area,
                 metrics.needs_by_help, metrics.needs_trend, metrics.company_average_by_area):
        assert func(ark).empty
    assert metrics.department_area_matrix(ark, "need_share").empty
    assert metrics.training_hours_by_department_role(empty["uddannelse"]).empty
    assert metrics.tiles({}, 2026, TODAY)["departments_total"] == 0


def test_hundred_thousand_rows_are_all_counted():
    rng = np.random.default_rng(7)
    n = 100_000
    departments = np.array([f"Afdeling {i}" for i in range(40)] + ["Ærø", "Østerbro", "Åbyhøj"])
    quarters = np.array([f"{y}-Q{q}" for y in (2024, 2025, 2026) for q in range(1, 5)])
    ark = pd.DataFrame({
        "department": rng.choice(departments, n), "year": rng.integers(2024, 2027, n),
        "date": pd.Series([D(2026, 1, 5) if i % 2 else None for i in range(n)], dtype=object),
        "area": rng.choice(np.array(["Ergonomi", "Sygefravær", "Psykisk arbejdsmiljø", "Andet"]), n),
        "category": rng.choice(np.array(list(metrics.CATEGORY_COLUMNS)), n), "description": "x",
        "help": pd.Series(rng.choice(np.array(["Hjælp udefra", "Hjælp indefra", None], dtype=object), n)),
        "rating": pd.array([pd.NA] * n, dtype="Int64"), "role": None})
    plan = pd.DataFrame({
        "department": rng.choice(departments, n), "year": rng.integers(2024, 2027, n), "date": None,
        "what": "x", "area": "Ergonomi", "why": None, "how": None,
        "help": rng.choice(np.array(metrics.HELP_ORDER), n), "when": "x", "quarter": rng.choice(quarters, n),
        "urgent": rng.random(n) < 0.1, "who": None, "follow_up": None,
        "status": rng.choice(np.array(metrics.STATUS_ORDER), n)})
    training = pd.DataFrame({
        "department": rng.choice(departments, n), "role": "AMR", "name": None, "joined": None, "course": "x",
        "hours": rng.choice(np.array([7.4, np.nan]), n), "when": "x", "year": 2026,
        "quarter": rng.choice(quarters, n), "status": "Tilmeldt"})
    tables = {"arbejdsark": ark, "handleplan": plan, "uddannelse": training}
    result = summary.summary(tables, today=TODAY)
    assert sum(r["count"] for r in result["actions_by_quarter"]) == n
    assert sum(r["count"] for r in result["training_by_quarter"]) == n
    assert sum(r["lykkes"] + r["vigtig_opgave"] + r["brug_for_at_styrke"] for r in result["entries_by_area"]) == n


def test_several_departments_for_the_dashboards_multiselect(tables):
    filtered = metrics.filter_tables(tables, department=["lager", "ÆRØ"])
    assert sorted(filtered["arbejdsark"]["department"].unique()) == ["Lager", "Ærø"]
    assert metrics.departments(filtered) == ["Lager", "Ærø"]
    assert len(metrics.filter_tables(tables, department=[])["arbejdsark"]) == len(tables["arbejdsark"])
    by_keyword = metrics.filter_tables(tables, year=2026, departments=("lager", "ÆRØ"))
    assert metrics.departments(by_keyword) == ["Lager", "Ærø"]
    assert len(metrics.filter_tables(tables, departments=None)["handleplan"]) == len(tables["handleplan"])
    assert metrics.tiles(tables, 2026, TODAY, department=["Kontor"])["urgent"] == 1


def test_nullable_and_text_columns_from_a_store_are_accepted(tables):
    ark = tables["arbejdsark"].assign(year=tables["arbejdsark"]["year"].astype("Int64"),
                                      date=tables["arbejdsark"]["date"].map(lambda d: d and d.isoformat()))
    plan = tables["handleplan"].assign(urgent=pd.array([None, False, False, False, True, True, None], dtype="boolean"),
                                       year=pd.array([2026] * 6 + [None], dtype="Int64"))
    training = tables["uddannelse"].assign(hours=tables["uddannelse"]["hours"].astype("Float64"))
    mixed = {"arbejdsark": ark, "handleplan": plan, "uddannelse": training}
    assert summary.summary(mixed, year=2026, today=TODAY) == summary.summary(tables, year=2026, today=TODAY)


DEPARTMENT_NAMES = ["Lager", "Kontor", "Ærø", "Østerbro", "Åbyhøj", "Aabenraa"]
AREAS = ["Ergonomi", "Sygefravær", "Psykisk arbejdsmiljø", "Vold og trusler"]


def _random_tables(data):
    from hypothesis import strategies as st

    ark_rows = data.draw(st.lists(st.builds(
        ark_row, st.sampled_from(DEPARTMENT_NAMES), st.integers(2023, 2027), st.sampled_from(AREAS),
        st.sampled_from(list(metrics.CATEGORY_COLUMNS)),
        st.one_of(st.none(), st.dates(D(2023, 1, 1), D(2027, 12, 31))),
        st.sampled_from([None, *metrics.HELP_ORDER])), max_size=25))
    plan_rows = data.draw(st.lists(st.builds(
        plan_row, st.sampled_from(DEPARTMENT_NAMES), st.integers(2025, 2026),
        st.sampled_from(["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]),
        st.sampled_from(metrics.HELP_ORDER), st.sampled_from(metrics.STATUS_ORDER), st.booleans()), max_size=15))
    return {"arbejdsark": frame("arbejdsark", ark_rows), "handleplan": frame("handleplan", plan_rows)}, ark_rows, plan_rows


def test_summary_agrees_with_a_row_by_row_count():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=60, deadline=None)
    @given(st.data(), st.dates(D(2025, 1, 1), D(2027, 6, 30)), st.sampled_from([None, 2025, 2026]))
    def check(data, today, year):
        tables, ark_rows, plan_rows = _random_tables(data)
        result = summary.summary(tables, year=year, today=today)
        ark_in = [r for r in ark_rows if year is None or r["year"] == year]
        plan_in = [r for r in plan_rows if year is None or r["year"] == year]
        assert sum(sum(v for k, v in row.items() if k != "area") for row in result["entries_by_area"]) == len(ark_in)
        assert sum(r["count"] for r in result["actions_by_quarter"]) == len(plan_in)
        assert all(r["count"] > 0 for r in result["actions_by_quarter"] + result["needs_by_help"])
        open_rows = [r for r in plan_in if r["status"] not in ("Gennemført", "Aflyst")]
        ends = {"2025-Q4": D(2025, 12, 31), "2026-Q1": D(2026, 3, 31), "2026-Q2": D(2026, 6, 30),
                "2026-Q3": D(2026, 9, 30), "2026-Q4": D(2026, 12, 31)}
        assert result["overdue_actions"] == sum(ends[r["quarter"]] < today for r in open_rows)
        assert result["urgent_actions"] == sum(r["urgent"] for r in open_rows)
        newest = {}
        for r in ark_rows:  # the 365-day rule ignores the year filter
            held = r["date"] or D(r["year"], 12, 31)
            newest[r["department"]] = max(newest.get(r["department"], held), held)
        everyone = {r["department"] for r in ark_rows + plan_rows}
        expected = [d for d in everyone if d not in newest or (today - newest[d]).days > 365]
        assert result["departments_without_discussion"] == sorted(expected, key=danish_key)
        json.dumps(result, allow_nan=False)

    check()


def test_training_hours_can_leave_out_declined_and_cancelled_courses():
    training = pd.DataFrame({
        "department": ["Lager", "Lager", "Lager"], "role": ["AMR", "AMR", "AMR"],
        "hours": [11.1, 14.8, 7.4], "status": ["Gennemført", "Aflyst", "Afslået"],
    })
    hours = metrics.training_hours_by_department_role(training, metrics.TRAINING_PLANNED_OR_DONE)
    assert hours.to_dict("records") == [{"department": "Lager", "role": "AMR", "count": 1, "hours": 11.1}]
