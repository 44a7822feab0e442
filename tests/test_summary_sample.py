"""`summary --json` on the imported sample_data/ against figures counted by hand.

The hand count below uses plain Python over the checked rows (no amo_data.metrics), following
the Definitions of cli-and-metrics.md word for word.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from amo_data.schema import TABLES
from amo_data.validate import check_path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.is_file())
TODAY = dt.date(2026, 11, 26)
CLOSED = {"Gennemført", "Aflyst"}


def cli(*args: str, db: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "amo_data", *args, "--db", db], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('sample') / 'amo.sqlite'}"
    proc = cli("import", *map(str, SAMPLES), "--json", db=url)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["stored"] is True and out["batch_id"] == 1
    return url


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {table: [] for table in TABLES}
    for path in SAMPLES:
        result = check_path(path)
        assert result.ok
        for table, df in result.tables.items():
            out[table].extend(df.to_dict("records"))
    return out


def summary(db: str, *args: str) -> dict:
    proc = cli("summary", "--today", TODAY.isoformat(), "--json", *args, db=db)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def quarter_end(label: str) -> dt.date:
    year, q = int(label[:4]), int(label[-1])
    return dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])


def hand_counts(rows: dict[str, list[dict]], year: int | None) -> dict:
    ark = [r for r in rows["arbejdsark"] if year is None or r["year"] == year]
    plan = [r for r in rows["handleplan"] if year is None or r["year"] == year]
    training = [r for r in rows["uddannelse"] if year is None or int(r["quarter"][:4]) == year]
    by_area = Counter((r["area"], r["category"]) for r in ark)
    needs = Counter(r["help"] for r in ark if r["category"] == "Brug for at styrke")
    actions = Counter((r["quarter"], r["help"], r["status"]) for r in plan)
    hours = Counter()
    for r in training:
        hours[(r["quarter"], r["status"])] += 0 if r["hours"] != r["hours"] else r["hours"]
    return {
        "by_area": {k: v for k, v in by_area.items()},
        "needs": dict(needs),
        "actions": dict(actions),
        "overdue": sum(1 for r in plan if r["status"] not in CLOSED and quarter_end(r["quarter"]) < TODAY),
        "urgent": sum(1 for r in plan if r["urgent"] and r["status"] not in CLOSED),
        "training": Counter((r["quarter"], r["status"]) for r in training),
        "hours": hours,
    }


def without_discussion(rows: dict[str, list[dict]]) -> list[str]:
    # "a department that appears in any table and whose newest Arbejdsark discussion is more than
    #  365 days before today, or that has none. A discussion with only År known counts as held on
    #  31 December of that year. This ignores --year."
    # An Organisation row places a department or a unit; it is no department's data (docs/decisions.md).
    departments = {r["department"] for name, table in rows.items() if name != "organisation" for r in table}
    newest: dict[str, dt.date] = {}
    for r in rows["arbejdsark"]:
        held = r["date"] or dt.date(r["year"], 12, 31)
        newest[r["department"]] = max(held, newest.get(r["department"], held))
    return sorted(d for d in departments if d not in newest or (TODAY - newest[d]).days > 365)


@pytest.mark.parametrize("year", [None, 2024, 2026])
def test_summary_matches_the_hand_count(db, rows, year):
    s = summary(db, *(["--year", str(year)] if year else []))
    hand = hand_counts(rows, year)
    assert s["filters"] == {"year": year, "department": None, "unit": None, "today": "2026-11-26"}
    got_area = {(r["area"], cat): r[key] for r in s["entries_by_area"]
                for cat, key in (("Vigtig opgave", "vigtig_opgave"), ("Lykkes", "lykkes"),
                                 ("Brug for at styrke", "brug_for_at_styrke")) if r[key]}
    assert got_area == hand["by_area"]
    assert {r["help"]: r["count"] for r in s["needs_by_help"]} == hand["needs"]
    assert {(r["quarter"], r["help"], r["status"]): r["count"] for r in s["actions_by_quarter"]} == hand["actions"]
    assert s["overdue_actions"] == hand["overdue"]
    assert s["urgent_actions"] == hand["urgent"]
    assert {(r["quarter"], r["status"]): r["count"] for r in s["training_by_quarter"]} == dict(hand["training"])
    for r in s["training_by_quarter"]:
        assert r["hours"] == pytest.approx(hand["hours"][(r["quarter"], r["status"])])
    assert s["departments_without_discussion"] == without_discussion(rows)


def test_the_sample_company_in_plain_numbers(db):
    s = summary(db)
    assert s["departments"] == ["Administration", "Kantine", "Lager", "Produktion", "Salg", "Værksted"]
    assert s["departments_without_discussion"] == ["Administration"]  # newest discussion 2024
    ergonomi = next(r for r in s["entries_by_area"] if r["area"] == "Ergonomi")
    assert (ergonomi["vigtig_opgave"], ergonomi["lykkes"], ergonomi["brug_for_at_styrke"]) == (12, 12, 23)
    assert (s["overdue_actions"], s["urgent_actions"]) == (14, 4)
    # "Lists leave out rows whose count is 0."
    for key in ("needs_by_help", "actions_by_quarter", "training_by_quarter"):
        assert all(r["count"] > 0 for r in s[key])


def test_department_filter_is_case_insensitive_and_ignores_year_for_discussion(db):
    s = summary(db, "--department", "administration", "--year", "2026")
    assert s["departments_without_discussion"] == ["Administration"]
    assert all(r["department"] == "Administration" for r in s["entries_by_department"])


@pytest.mark.parametrize("year", [None, 2024, 2025, 2026])
@pytest.mark.parametrize("department", [None, "lager", "Administration"])
def test_summary_of_the_narrow_load_equals_summary_of_every_column(db, year, department):
    # `summary` loads only metrics.SUMMARY_COLUMNS (the long texts stay in the database).
    from amo_data.summary import SUMMARY_COLUMNS
    from amo_data.summary import summary as figures
    from amo_data.store import Store

    store = Store(db)
    narrow = store.current(columns=SUMMARY_COLUMNS)
    assert "description" not in narrow["arbejdsark"].columns and "what" not in narrow["handleplan"].columns
    full = store.current()
    assert figures(narrow, year=year, department=department, today=TODAY) == \
        figures(full, year=year, department=department, today=TODAY)
