"""The organisation tree on the pages (AppTest): a unit chosen in the sidebar or the address
scopes every page, the breadcrumb and the children's links move up and down the tree, and a
unit with more than 30 children is shown 30 at a time.

The sample data's tree: Nordisk Emballage A/S -> Fabrikken i Vejle (Kantine, Lager, Produktion,
Værksted) and Hovedkontoret i Aarhus (Administration, Salg). Expected figures are computed from
the store with the core's own functions, never by the page.
"""

from __future__ import annotations

import json
import sys
import urllib.parse
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from amo_data import metrics
from amo_data.cli import main as cli
from amo_data.store import Store
from tests.test_pages import metric

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TODAY = "2026-11-26"
FABRIKKEN = ["Kantine", "Lager", "Produktion", "Værksted"]


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setenv("AMO_TODAY", TODAY)


def run(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption]
    parts += [e.value for kind in (at.info, at.warning, at.error, at.success) for e in kind]
    return "\n".join(parts)


def heatmap_rows(at: AppTest) -> list[str]:
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    return list(figure["data"][0]["y"])


def numbers(values) -> list[float]:
    """A trace's numbers as the figure's JSON holds them (plain, or Plotly's typed array)."""
    if isinstance(values, dict) and "bdata" in values:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def param(at: AppTest, key: str):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def tiles(store: Store, departments: list[str], year: int = 2026) -> dict:
    return metrics.tiles(store.current(), year=year, today=TODAY, department=departments)


# --- Overblik -----------------------------------------------------------------------------------

def test_overview_of_a_unit_from_the_address_shows_its_children_and_only_its_figures(sample_store):
    at = run(enhed="Fabrikken i Vejle")
    assert at.sidebar.selectbox(key="unit").value == "fabrikken i vejle"
    expected = tiles(sample_store, FABRIKKEN)
    assert metric(at, "Behov") == str(expected["needs"]) != metric(run(), "Behov")
    assert metric(at, "Afdelinger med drøftelse 2026") == f"{expected['departments_with_discussion_this_year']} af 4"
    assert "Samlet for Fabrikken i Vejle ud fra" in texts(at)
    # The breadcrumb: the company is a link up, the unit itself is where we are.
    assert "**Fabrikken i Vejle**" in texts(at)
    assert at.button(key="crumb_0").label == "Nordisk Emballage A/S"
    # The children: the factory's four departments, each with its own counts, and a link down.
    [table] = at.dataframe
    rows = table.value.set_index("Enhed")
    assert sorted(rows.index) == FABRIKKEN
    for name in FABRIKKEN:
        one = tiles(sample_store, [name])
        assert (rows.loc[name, "Behov"], rows.loc[name, "Styrker"]) == (one["needs"], one["strengths"]), name
    assert sorted(b.label for b in at.button if b.key and b.key.startswith("overview_down_")) == FABRIKKEN


def test_overview_at_the_top_lists_the_sites_and_drills_down_and_up(sample_store):
    at = run()
    [table] = at.dataframe
    assert sorted(table.value["Enhed"]) == ["Fabrikken i Vejle", "Hovedkontoret i Aarhus"]
    # Administration has had no discussion for over 365 days (sample data): its site is first.
    assert table.value["Enhed"].iloc[0] == "Hovedkontoret i Aarhus"
    assert table.value["Uden årlig drøftelse"].iloc[0] == 1
    at.button(key="overview_down_hovedkontoret i aarhus").click().run()
    assert param(at, "enhed") == "Hovedkontoret i Aarhus"
    assert sorted(at.dataframe[0].value["Enhed"]) == ["Administration", "Salg"]
    at.button(key="overview_down_salg").click().run()  # a department: no children, its own figures
    assert param(at, "enhed") == "Salg"
    assert not at.dataframe
    assert metric(at, "Behov") == str(tiles(sample_store, ["Salg"])["needs"])
    assert [b.label for b in at.button if b.key and b.key.startswith("crumb_")] == [
        "Nordisk Emballage A/S", "Hovedkontoret i Aarhus"]
    at.button(key="crumb_0").click().run()  # up to the company: the default, so not in the address
    assert "enhed" not in at.query_params
    assert len(at.dataframe[0].value) == 2


def test_overview_tiles_of_the_members_training_follow_the_unit(sample_store):
    from amo_data.summary import summary_of_store

    at = run()
    figures = summary_of_store(sample_store, year=2026, today=TODAY)
    overdue = sum(b["state"] == "overdue" for b in figures["basic_training"])
    assert metric(at, "AMO-medlemmer") == str(figures["members"]) != "0"
    assert metric(at, "Grunduddannelse overskredet") == str(overdue)
    assert metric(at, "Uddannelsesår uden tilbud 2026") == str(figures["entitlement_missed"])
    links = [link for link in at.get("page_link") if link.proto.label == "Se på Uddannelse"]
    assert len(links) == 3 and all("Uddannelse" in link.proto.page for link in links)

    at = run(enhed="Hovedkontoret i Aarhus")
    unit = summary_of_store(sample_store, year=2026, unit="Hovedkontoret i Aarhus", today=TODAY)
    assert metric(at, "AMO-medlemmer") == str(unit["members"])
    links = [link for link in at.get("page_link") if link.proto.label == "Se på Uddannelse"]
    assert all("enhed=Hovedkontoret" in link.proto.query_string for link in links)


# --- the unit in the address survives navigation -------------------------------------------------

def test_a_unit_chosen_in_the_sidebar_is_in_the_address_and_every_link_and_scopes_other_pages(sample_store):
    at = run()
    at.sidebar.selectbox(key="unit").set_value("fabrikken i vejle").run()
    assert param(at, "enhed") == "Fabrikken i Vejle"
    menu = [link.proto for link in at.sidebar.get("page_link")]
    assert menu and all(urllib.parse.parse_qs(p.query_string).get("enhed") == ["Fabrikken i Vejle"] for p in menu)
    # The departments to pick from are the unit's own.
    assert at.sidebar.multiselect(key="departments").options == FABRIKKEN

    at.switch_page("pages/2_Styrker_og_behov.py").run()
    assert not at.exception
    assert at.sidebar.selectbox(key="unit").value == "fabrikken i vejle"
    assert param(at, "enhed") == "Fabrikken i Vejle"
    # Styrker og behov counts the factory's points only: the help chart's bars add up to its needs.
    [helps] = [f for c in at.get("plotly_chart") if (f := json.loads(c.proto.spec))["layout"]["title"]["text"]
               == "Behov fordelt på hjælp"]
    assert sum(sum(numbers(trace["y"])) for trace in helps["data"]) == tiles(sample_store, FABRIKKEN)["needs"]

    at.switch_page("pages/4_Sammenlign_afdelinger.py").run()
    assert sorted(heatmap_rows(at)) == FABRIKKEN


def test_an_unknown_unit_in_the_address_says_so_and_shows_everything(sample_store):
    at = run(enhed="Findes Ikke")
    assert any("Findes Ikke" in w.value for w in at.sidebar.warning)
    assert len(at.dataframe[0].value) == 2  # the company's two sites


def test_without_an_organisation_tree_there_is_no_unit_to_choose(tmp_path):
    files = [str(ROOT / "sample_data" / f) for f in ("lager_arbejdsark.csv", "lager_handleplan.csv")]
    assert cli(["import", *files]) == 0
    at = run()
    assert not [s for s in at.sidebar.selectbox if s.key == "unit"]
    assert not [b for b in at.button if b.key and b.key.startswith("crumb_")]
    assert list(at.dataframe[0].value["Enhed"]) == ["Lager"]


# --- Sammenlign afdelinger -----------------------------------------------------------------------

def test_compare_shows_the_units_children_ranked_by_need_share_and_drills_down(sample_store):
    at = run("pages/4_Sammenlign_afdelinger.py")
    assert heatmap_rows(at)[0] == "Hovedkontoret i Aarhus"  # highest need share of the two sites (sample)
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["title"]["text"] == "Behov pr. enhed og område"
    assert "Enhed:" in figure["data"][0]["hovertemplate"]
    at.button(key="compare_down_fabrikken i vejle").click().run()
    assert param(at, "enhed") == "Fabrikken i Vejle"
    rows = heatmap_rows(at)
    assert sorted(rows) == FABRIKKEN
    store_rows = sample_store.current()["arbejdsark"]
    store_rows = store_rows.loc[store_rows["year"] == 2026]

    def share(name: str) -> float:
        mine = store_rows.loc[store_rows["department"] == name, "category"]
        needs, strengths = (mine == "Brug for at styrke").sum(), (mine == "Lykkes").sum()
        return needs / (needs + strengths) if needs + strengths else -1

    assert [share(r) for r in rows] == sorted((share(r) for r in rows), reverse=True)
    # The chosen departments against the average are the unit's departments.
    assert sorted(at.multiselect(key="compare_departments").options) == FABRIKKEN


# --- paging -------------------------------------------------------------------------------------

@pytest.fixture
def wide_store(tmp_path):
    """35 departments under one område of one forvaltning (bench/generate.py), one year."""
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    path = generate.generate(tmp_path / "wide.xlsx", departments=35, years=1, points=4, actions=1,
                             forvaltninger=1, areas_each=1)
    assert cli(["import", str(path)]) == 0
    return Store()


def test_more_than_30_children_are_shown_30_at_a_time(wide_store):
    tree_rows = wide_store.current()["organisation"]
    area = tree_rows.loc[tree_rows["department"] == "Afdeling 001", "parent"].iloc[0]
    at = run(None, enhed=area)
    years = sorted({int(y) for y in wide_store.current()["arbejdsark"]["year"]})
    at.sidebar.selectbox(key="year").set_value(years[-1]).run()
    assert len(at.dataframe[0].value) == 30
    pager = at.selectbox(key=f"overview_page_{area.lower()}")
    assert (pager.label, pager.format_func(0), pager.format_func(1)) == ("Vis afdelinger", "1–30 af 35", "31–35 af 35")
    first = set(at.dataframe[0].value["Enhed"])
    pager.set_value(1).run()
    assert len(at.dataframe[0].value) == 5 and not first & set(at.dataframe[0].value["Enhed"])

    at.switch_page("pages/4_Sammenlign_afdelinger.py").run()
    assert param(at, "enhed") == area
    page1 = heatmap_rows(at)
    assert len(page1) == 30
    at.selectbox(key=f"compare_page_{area.lower()}").set_value(1).run()
    page2 = heatmap_rows(at)
    assert len(page2) == 5 and not set(page1) & set(page2)
    assert len(set(page1) | set(page2)) == 35


def test_a_new_department_outside_the_tree_joins_the_default_view_at_once(sample_store, tmp_path):
    at = run()  # the company's one top unit is shown by default
    assert at.sidebar.selectbox(key="unit").value == "nordisk emballage a/s"
    from tests.browser import RENGORING_ARBEJDSARK

    (tmp_path / "rengoering_arbejdsark.csv").write_bytes(RENGORING_ARBEJDSARK)
    assert cli(["import", str(tmp_path / "rengoering_arbejdsark.csv")]) == 0
    at.run()  # a department with no Organisation row sits at the top: the default is now everything
    assert at.sidebar.selectbox(key="unit").value == ""
    assert sorted(at.dataframe[0].value["Enhed"]) == ["Nordisk Emballage A/S", "Rengøring"]
    assert "enhed" not in at.query_params


# --- a unit that is a department too -------------------------------------------------------------

FACTORY_OWN = (
    "Afdeling;Dato;År;Område;Kategori;Beskrivelse\r\n"
    "Fabrikken i Vejle;10-11-2026;2026;Ergonomi;Brug for at styrke;Fælles løfteregler for hele fabrikken\r\n"
    "Fabrikken i Vejle;10-11-2026;2026;Ergonomi;Brug for at styrke;Oplæring af vikarer på tværs af hallerne\r\n"
    "Fabrikken i Vejle;10-11-2026;2026;Psykisk arbejdsmiljø;Lykkes;Ledelsens ugentlige rundgang\r\n"
).encode()


def test_a_unit_with_its_own_data_shows_it_as_a_row_beside_its_children(sample_store, tmp_path):
    # The factory (a unit of the tree) has also held its own discussion: its points count in the
    # unit's tiles, and a row of its own makes the children's table add up to them.
    (tmp_path / "fabrikken.csv").write_bytes(FACTORY_OWN)
    assert cli(["import", str(tmp_path / "fabrikken.csv")]) == 0
    at = run(enhed="Fabrikken i Vejle")
    rows = at.dataframe[0].value.set_index("Enhed")
    own = "Fabrikken i Vejle (egne data)"
    assert sorted(rows.index) == sorted([*FABRIKKEN, own])
    assert (rows.loc[own, "Behov"], rows.loc[own, "Styrker"], rows.loc[own, "Afdelinger"]) == (2, 1, 1)
    unit = tiles(sample_store, [*FABRIKKEN, "Fabrikken i Vejle"])
    assert metric(at, "Behov") == str(unit["needs"]) == str(rows["Behov"].sum())
    assert rows["Styrker"].sum() == unit["strengths"]
    # Its own row is where the unit already is: no link down to it.
    assert sorted(b.label for b in at.button if b.key and b.key.startswith("overview_down_")) == FABRIKKEN

    at.switch_page("pages/4_Sammenlign_afdelinger.py").run()
    assert not at.exception
    assert sorted(heatmap_rows(at)) == sorted([*FABRIKKEN, own])
    assert sorted(b.label for b in at.button if b.key and b.key.startswith("compare_down_")) == FABRIKKEN

    # One level up, the factory's own points are part of the factory's row.
    at = run()
    top = at.dataframe[0].value.set_index("Enhed")
    assert top.loc["Fabrikken i Vejle", "Behov"] == unit["needs"]
    assert not [name for name in top.index if name.endswith("(egne data)")]


def test_a_unit_whose_only_points_in_the_year_are_its_own_shows_them_on_both_pages(sample_store, tmp_path):
    # Sammenlign afdelinger compares the unit's own data too, as Overblik's table shows it.
    (tmp_path / "fabrikken.csv").write_bytes(FACTORY_OWN.replace(b"2026", b"2023"))
    assert cli(["import", str(tmp_path / "fabrikken.csv")]) == 0
    at = run(enhed="Fabrikken i Vejle", aar="2023")
    rows = at.dataframe[0].value.set_index("Enhed")
    assert metric(at, "Behov") == str(rows["Behov"].sum()) == "2"
    at.switch_page("pages/4_Sammenlign_afdelinger.py").run()
    assert not at.exception
    assert not at.info or "ingen punkter" not in at.info[0].value, at.info[0].value
    assert heatmap_rows(at) == ["Fabrikken i Vejle (egne data)"]


def test_a_child_named_like_the_units_own_row_keeps_a_row_and_a_link_of_its_own(sample_store, tmp_path):
    (tmp_path / "fabrikken.csv").write_bytes(FACTORY_OWN)
    (tmp_path / "organisation.csv").write_bytes(
        b"Afdeling;Overordnet\r\nFabrikken i Vejle (egne data);Fabrikken i Vejle\r\n")
    (tmp_path / "barn.csv").write_bytes(FACTORY_OWN.replace(b"Fabrikken i Vejle;", b"Fabrikken i Vejle (egne data);"))
    assert cli(["import", *(str(tmp_path / f) for f in ("fabrikken.csv", "organisation.csv", "barn.csv"))]) == 0
    at = run(enhed="Fabrikken i Vejle")
    assert not at.exception
    names = list(at.dataframe[0].value["Enhed"])
    assert sorted(names) == sorted([*FABRIKKEN, "Fabrikken i Vejle (egne data)", "Fabrikken i Vejle (egne data 2)"])
    links = sorted(b.label.replace("\\", "") for b in at.button if b.key and b.key.startswith("overview_down_"))
    assert links == sorted([*FABRIKKEN, "Fabrikken i Vejle (egne data)"])  # the child (labels are escaped)
    at.switch_page("pages/4_Sammenlign_afdelinger.py").run()
    assert sorted(heatmap_rows(at)) == sorted(names)
