"""The deadlines and the calendar (cli-and-metrics.md, "Records, calendar and reminders"), parsed
back with icalendar and compared with hand-worked deadlines.

Quoted: "each open action (status neither `Gennemført` nor `Aflyst`) on the last day of its
quarter, summary `Handleplan: HVAD (AFDELING)`; each department's next annual discussion on its
newest discussion's day + 365 days (... an `År`-only discussion counts as held on 31 December),
summary `Årlig drøftelse af kompetencer (AFDELING)`; each `open` or `missed` entitlement year on
its `due` date, summary `Supplerende arbejdsmiljøuddannelse: NAVN (AFDELING)`; each basic
training not done on its deadline, summary `Grunduddannelse: NAVN (AFDELING)`. Every event has a
UID that stays the same when the same deadline is exported again".
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from icalendar import Calendar

from amo_data.deadlines import deadlines
from amo_data.ical import calendar_bytes
from amo_data.schema import frame

ROOT = Path(__file__).resolve().parents[1]
D = dt.date
TODAY = D(2026, 11, 26)


def tables() -> dict:
    plan = frame("handleplan", {
        "department": ["Lager", "Lager", "Lager", "Kontor"], "year": [2026] * 4, "date": [None] * 4,
        "what": ["Kursus i kemi", "APV-opfølgning", "Afsluttet", "Kursus i kemi"], "area": ["Ergonomi"] * 4,
        "why": [None] * 4, "how": [None] * 4, "help": ["Hjælp udefra"] * 4,
        "when": ["3. kvartal 2026", "Snarest", "Q1 2026", "Q4 2026"],
        "quarter": ["2026-Q3", "2026-Q1", "2026-Q1", "2026-Q4"], "urgent": [False, True, False, False],
        "who": ["Ole", None, None, "Eva"], "follow_up": ["På AMO-mødet", None, None, None],
        "status": ["Planlagt", "I gang", "Gennemført", "Ikke startet"]})
    ark = frame("arbejdsark", {
        "department": ["Lager", "Lager", "Kontor"], "year": [2026, 2025, 2025],
        "date": [D(2026, 3, 12), D(2025, 3, 1), None], "area": ["Ergonomi"] * 3, "category": ["Lykkes"] * 3,
        "description": ["a", "b", "c"], "help": [None] * 3, "rating": [None] * 3, "role": [None] * 3})
    members = frame("medlemmer", {
        "department": ["Lager", "Lager"], "name": ["Ole Hansen", "Eva Berg"], "role": ["AMR", "Leder"],
        "joined": [D(2025, 9, 1), D(2020, 1, 1)], "left": [None, None], "basic_training": [None, None],
        "email": ["ole@firma.dk", None]})
    training = frame("uddannelse", {k: [] for k in ("department",)})
    return {"handleplan": plan, "arbejdsark": ark, "medlemmer": members, "uddannelse": training}


def events(data: bytes) -> dict[tuple[str, dt.date], tuple]:
    """(summary, day) -> (start, end, UID, description) of every event."""
    cal = Calendar.from_ical(data)
    return {(str(e["SUMMARY"]), e.decoded("DTSTART")): (e.decoded("DTSTART"), e.decoded("DTEND"), str(e["UID"]),
                                                        str(e["DESCRIPTION"])) for e in cal.walk("VEVENT")}


def test_the_calendar_has_every_deadline_on_its_day_as_an_all_day_event():
    found = events(calendar_bytes(deadlines(tables(), TODAY), base_url="https://amo.firma.dk"))
    assert set(found) == {
        ("Handleplan: Kursus i kemi (Lager)", D(2026, 9, 30)),  # the last day of the 3rd quarter
        ("Handleplan: APV-opfølgning (Lager)", D(2026, 3, 31)),  # urgent, still open
        ("Handleplan: Kursus i kemi (Kontor)", D(2026, 12, 31)),
        ("Årlig drøftelse af kompetencer (Lager)", D(2027, 3, 12)),  # 12-03-2026 + 365 days
        ("Årlig drøftelse af kompetencer (Kontor)", D(2026, 12, 31)),  # År 2025 only: 31-12-2025 + 365
        ("Grunduddannelse: Ole Hansen (Lager)", D(2025, 12, 1)),  # joined 01-09-2025 + 3 months
        ("Supplerende arbejdsmiljøuddannelse: Ole Hansen (Lager)", D(2026, 8, 31)),  # year 1: missed
        ("Supplerende arbejdsmiljøuddannelse: Ole Hansen (Lager)", D(2027, 8, 31)),  # year 2: open
    }
    start, end, _uid, description = found[("Handleplan: Kursus i kemi (Lager)", D(2026, 9, 30))]
    assert end - start == dt.timedelta(days=1)  # all day
    assert "Hvad: Kursus i kemi" in description and "Hvem: Ole" in description
    assert "Opfølgning: På AMO-mødet" in description
    assert "https://amo.firma.dk/Handleplan" in description


def test_closed_actions_and_leaders_without_entitlement_have_no_event():
    summaries = {s for s, _day in events(calendar_bytes(deadlines(tables(), TODAY)))}
    assert "Handleplan: Afsluttet (Lager)" not in summaries
    assert not any("Eva Berg" in s for s in summaries)  # a Leder has neither duty nor entitlement


def test_uids_stay_the_same_when_the_same_deadlines_are_exported_again():
    first = {k: v[2] for k, v in events(calendar_bytes(deadlines(tables(), TODAY))).items()}
    later = {k: v[2] for k, v in events(calendar_bytes(deadlines(tables(), TODAY + dt.timedelta(days=3)))).items()}
    assert first == later
    assert len(set(first.values())) == len(first)


def test_two_equal_actions_get_two_events():
    data = tables()
    plan = data["handleplan"]
    data["handleplan"] = frame("handleplan", {c: [*plan[c], plan[c].iloc[0]] for c in plan.columns})
    found = [e for e in Calendar.from_ical(calendar_bytes(deadlines(data, TODAY))).walk("VEVENT")
             if str(e["SUMMARY"]) == "Handleplan: Kursus i kemi (Lager)"]
    assert len(found) == 2 and found[0]["UID"] != found[1]["UID"]


def test_one_departments_calendar():
    summaries = {s for s, _day in events(calendar_bytes(deadlines(tables(), TODAY, ["kontor"])))}
    assert summaries == {"Handleplan: Kursus i kemi (Kontor)", "Årlig drøftelse af kompetencer (Kontor)"}


def test_the_calendar_command_writes_the_stores_deadlines(tmp_path):
    db = f"sqlite:///{tmp_path / 'amo.sqlite'}"
    samples = [str(p) for p in sorted((ROOT / "sample_data").iterdir())]
    run = [sys.executable, "-m", "amo_data"]
    subprocess.run([*run, "import", *samples, "--db", db], cwd=ROOT, check=True, capture_output=True, timeout=300)
    out = tmp_path / "frister.ics"
    proc = subprocess.run([*run, "calendar", str(out), "--db", db, "--today", "2026-11-26", "--department", "Lager"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    found = {s for s, _day in events(out.read_bytes())}
    assert found and all(summary.endswith("(Lager)") for summary in found)
    assert "Årlig drøftelse af kompetencer (Lager)" in found
