"""Figures of amo_data.charts: Danish text, the fixed colours, and empty input."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from amo_data import charts, metrics
from amo_data.schema import CANONICAL
from tests.test_metrics import frame, make_tables


@pytest.fixture(scope="module")
def tables():
    return make_tables()


def builders(tables):
    """(name, build) pairs: every chart of the dashboard, fed by its metrics function."""
    ark, plan, training = tables["arbejdsark"], tables["handleplan"], tables["uddannelse"]
    return [
        ("strengths_vs_needs", lambda: charts.strengths_vs_needs_by_area(metrics.entries_by_area(ark))),
        ("need_share", lambda: charts.need_share_by_area(metrics.need_share_by_area(ark))),
        ("needs_by_help", lambda: charts.needs_by_help(metrics.needs_by_help(ark))),
        ("heatmap", lambda: charts.department_area_heatmap(metrics.department_area_matrix(ark, "needs"))),
        ("heatmap_share", lambda: charts.department_area_heatmap(
            metrics.department_area_matrix(ark, "need_share"), "need_share")),
        ("vs_average", lambda: charts.departments_vs_average(
            metrics.entries_by_department_area(ark), metrics.company_average_by_area(ark), ["Lager", "Ærø"])),
        ("needs_trend", lambda: charts.needs_trend(metrics.needs_trend(ark))),
        ("actions_help", lambda: charts.actions_by_quarter(metrics.actions_by_quarter(plan))),
        ("actions_status", lambda: charts.actions_by_quarter(metrics.actions_by_quarter(plan), color_by="status")),
        ("training", lambda: charts.training_by_quarter(metrics.training_by_quarter(training))),
        ("expert", lambda: charts.expert_assistance_by_quarter(metrics.expert_assistance_by_quarter(plan))),
        ("supplementary", lambda: charts.supplementary_training_by_quarter(
            metrics.supplementary_training_by_quarter(plan))),
        ("aarshjul", lambda: charts.aarshjul(metrics.actions_by_quarter(plan), 2026)),
        ("hours", lambda: charts.training_hours_by_department_role(
            metrics.training_hours_by_department_role(training))),
    ]


EXPECTED_TITLES = {
    "strengths_vs_needs": "Styrker og behov pr. område",
    "need_share": "Andel behov pr. område",
    "needs_by_help": "Behov fordelt på hjælp",
    "heatmap": "Behov pr. afdeling og område",
    "heatmap_share": "Andel behov pr. afdeling og område",
    "vs_average": "Brug for at styrke: afdelinger mod gennemsnittet",
    "needs_trend": "Behov over årene pr. område",
    "actions_help": "Handlinger pr. kvartal",
    "actions_status": "Handlinger pr. kvartal",
    "training": "Uddannelse pr. kvartal",
    "expert": "Sagkyndig bistand (hjælp udefra) pr. kvartal",
    "supplementary": "Supplerende arbejdsmiljøuddannelse pr. kvartal",
    "aarshjul": "Årshjul 2026: handlinger pr. kvartal",
    "hours": "Uddannelsestimer pr. afdeling og rolle",
}

ALL_COLORS = {**charts.CATEGORY_COLORS, **charts.HELP_COLORS, **charts.STATUS_COLORS, **charts.ROLE_COLORS}


def _empty_tables():
    return {name: frame(name, []) for name in CANONICAL}


def test_every_builder_gives_a_danish_laptop_sized_figure(tables):
    for name, build in builders(tables):
        fig = build()
        assert isinstance(fig, go.Figure), name
        assert fig.layout.title.text == EXPECTED_TITLES[name]
        assert fig.layout.separators == ",."  # decimal comma, thousands point
        assert 350 <= fig.layout.height <= 700, name
        assert fig.layout.legend.orientation == "h"
        assert fig.data, name
        assert not fig.layout.annotations, name  # real data, not the empty message
        for trace in fig.data:
            assert "%{" in (trace.hovertemplate or ""), name
        json.loads(fig.to_json())  # serialisable for Streamlit


def test_traces_use_the_fixed_colour_maps(tables):
    for name, build in builders(tables):
        for trace in build().data:
            if trace.name in ALL_COLORS and trace.type in ("bar", "barpolar"):
                assert trace.marker.color == ALL_COLORS[trace.name], (name, trace.name)
    fig = charts.strengths_vs_needs_by_area(metrics.entries_by_area(tables["arbejdsark"]), include_important=True)
    assert {t.name: t.marker.color for t in fig.data} == charts.CATEGORY_COLORS
    help_fig = charts.needs_by_help(metrics.needs_by_help(tables["arbejdsark"]))
    assert list(help_fig.data[0].x) == ["Egen kompetenceudvikling", "Hjælp udefra", "Ingen hjælp angivet"]
    assert list(help_fig.data[0].marker.color) == [
        charts.HELP_COLORS["Egen kompetenceudvikling"], charts.HELP_COLORS["Hjælp udefra"], charts.HELP_COLORS[charts.NO_HELP]]


def test_status_has_one_colour_on_every_chart():
    assert charts.STATUS_COLORS["Gennemført"] == charts.STATUS_COLORS["Gennemført"]
    assert len(set(charts.STATUS_COLORS.values())) == len(charts.STATUS_COLORS)
    assert len(set(charts.CATEGORY_COLORS.values())) == 3
    assert len(set(charts.HELP_COLORS.values())) == 4


def test_quarters_are_shown_the_danish_way(tables):
    fig = charts.actions_by_quarter(metrics.actions_by_quarter(tables["handleplan"]), color_by="status")
    assert list(fig.data[0].x) == ["4. kvt. 2025", "1. kvt. 2026", "2. kvt. 2026", "3. kvt. 2026", "4. kvt. 2026"]
    names = [t.name for t in fig.data]
    assert names == ["Ikke startet", "Planlagt", "I gang", "Gennemført", "Aflyst"]
    planned = next(t for t in fig.data if t.name == "Planlagt")
    assert list(planned.y) == [0, 0, 0, 2, 0]
    assert fig.layout.xaxis.title.text == "Kvartal" and fig.layout.yaxis.title.text == "Antal handlinger"


def test_a_single_status_or_help_route_is_still_named_in_the_legend(tables):
    # Plotly hides the legend of a chart with one trace: a plan with only "Planlagt" actions
    # would show orange bars nobody can read. Every stacked category chart shows its legend.
    plan = tables["handleplan"]
    planned = plan.loc[plan["status"] == "Planlagt"]
    one = planned.loc[planned["help"] == "Egen kompetenceudvikling"]  # one status, one help route
    figures = [charts.actions_by_quarter(metrics.actions_by_quarter(one), color_by="status"),
               charts.actions_by_quarter(metrics.actions_by_quarter(one)),
               charts.supplementary_training_by_quarter(metrics.supplementary_training_by_quarter(one)),
               charts.aarshjul(metrics.actions_by_quarter(one), 2026)]
    for fig in figures:
        named = {t.name for t in fig.data if any(t.y if t.type == "bar" else t.r)}
        assert len(named) == 1 and fig.layout.showlegend is True, fig.layout.title.text


def test_training_hover_shows_hours(tables):
    fig = charts.training_by_quarter(metrics.training_by_quarter(tables["uddannelse"]))
    enrolled = next(t for t in fig.data if t.name == "Tilmeldt")
    assert list(enrolled.x) == ["4. kvt. 2025", "3. kvt. 2026"]
    assert list(enrolled.y) == [0, 2] and list(enrolled.customdata) == [0.0, 7.4]
    assert "Timer" in enrolled.hovertemplate and "Kurser" in enrolled.hovertemplate


def test_aarshjul_has_four_quarters_with_counts_by_status(tables):
    fig = charts.aarshjul(metrics.actions_by_quarter(tables["handleplan"]), 2026)
    assert all(t.type == "barpolar" for t in fig.data)
    assert list(fig.data[0].theta) == ["1. kvartal", "2. kvartal", "3. kvartal", "4. kvartal"]
    by_status = {t.name: list(t.r) for t in fig.data}
    assert by_status == {"Ikke startet": [0, 0, 0, 1], "Planlagt": [0, 0, 2, 0],
                         "I gang": [0, 1, 1, 0], "Gennemført": [1, 0, 0, 0]}
    assert charts.aarshjul(metrics.actions_by_quarter(tables["handleplan"]), 2030).layout.annotations[0].text == (
        "Ingen data for de valgte filtre")


def test_departments_against_company_average(tables):
    ark = tables["arbejdsark"]
    fig = charts.departments_vs_average(metrics.entries_by_department_area(ark), metrics.company_average_by_area(ark),
                                        ["Lager", "Ærø"])
    assert [t.name for t in fig.data] == ["Lager", "Ærø", "Gennemsnit for virksomheden"]
    assert list(fig.data[0].y) == ["Psykisk arbejdsmiljø", "Ergonomi", "Sygefravær", "Vold og trusler"]
    assert list(fig.data[0].x) == [1, 1, 0, 0]
    assert list(fig.data[2].x) == pytest.approx([0.2, 0.2, 0.0, 0.2])


def test_need_share_in_percent(tables):
    fig = charts.need_share_by_area(metrics.need_share_by_area(tables["arbejdsark"]))
    assert list(fig.data[0].y) == ["Psykisk arbejdsmiljø", "Ergonomi", "Sygefravær", "Vold og trusler"]
    assert list(fig.data[0].x) == pytest.approx([100.0, 100 / 3, 0.0, 100.0])  # percent
    only_tasks = frame("arbejdsark", [{**tables["arbejdsark"].iloc[3].drop("id").to_dict(), "date": None}])
    assert charts.need_share_by_area(metrics.need_share_by_area(only_tasks)).layout.annotations[0].text == (
        "Ingen data for de valgte filtre")  # 0 ÷ 0: no share to show
    # Danish writes "57 %": a space before the sign (d3's ".0%" would give "57%").
    assert fig.layout.xaxis.ticksuffix == " %" and fig.data[0].texttemplate == "%{x:.0f} %"
    heat = charts.department_area_heatmap(metrics.department_area_matrix(tables["arbejdsark"], "need_share"),
                                          "need_share")
    assert heat.data[0].texttemplate == "%{z:.0f} %" and heat.data[0].zmax == 100


def test_every_builder_handles_empty_input():
    for name, build in builders(_empty_tables()):
        fig = build()
        assert isinstance(fig, go.Figure), name
        assert [a.text for a in fig.layout.annotations] == ["Ingen data for de valgte filtre"], name
        assert fig.layout.title.text, name
        json.loads(fig.to_json())
    assert charts.departments_vs_average(pd.DataFrame(), pd.DataFrame(), []).layout.annotations[0].text == (
        "Ingen data for de valgte filtre")
    assert charts.strengths_vs_needs_by_area(None).layout.annotations[0].text == "Ingen data for de valgte filtre"


def test_aarshjul_with_every_action(tables):
    actions = metrics.actions_of_year(tables["handleplan"], 2026)
    assert actions["quarter_number"].tolist() == [1, 2, 3, 3, 3, 4]
    fig = charts.aarshjul_actions(actions, 2026)
    wheel = fig.data[0]
    assert wheel.type == "sunburst"
    assert list(wheel.labels[:4]) == ["4. kvartal", "3. kvartal", "2. kvartal", "1. kvartal"]  # drawn clockwise
    assert list(wheel.values[:4]) == [1.0, 1.0, 1.0, 1.0]  # four equal quarters
    leaves = dict(zip(wheel.ids[4:], wheel.marker.colors[4:], strict=True))
    assert sorted(leaves.values()) == sorted(charts.STATUS_COLORS[s] for s in actions["status"])
    assert any("Afdeling: Kontor" in h and "Hastende" in h for h in wheel.hovertext)
    assert [t.name for t in fig.data[1:]] == ["Ikke startet", "Planlagt", "I gang", "Gennemført"]
    empty = charts.aarshjul_actions(metrics.actions_of_year(tables["handleplan"], 2031), 2031)
    assert empty.layout.annotations[0].text == "Ingen data for de valgte filtre"


def test_share_charts_without_any_strength_or_need_say_so(tables):
    only_tasks = tables["arbejdsark"].loc[tables["arbejdsark"]["category"] == "Vigtig opgave"]
    heat = charts.department_area_heatmap(metrics.department_area_matrix(only_tasks, "need_share"), "need_share")
    assert heat.layout.annotations[0].text == "Ingen data for de valgte filtre"
    from_counts = charts.need_share_by_area(metrics.entries_by_area(tables["arbejdsark"]))
    assert list(from_counts.data[0].x) == pytest.approx([100.0, 100 / 3, 0.0, 100.0])  # percent
