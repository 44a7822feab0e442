"""The written record (PDF): every entry and action as stored, Danish throughout, read back with
pypdf. cli-and-metrics.md: "every user text exactly as stored (no Markdown or HTML interpreted)"."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from pypdf import PdfReader

from amo_data.record import Record, write_pdf

ARK = pd.DataFrame([
    {"area": "Ergonomi", "category": "Lykkes", "description": "Gode løfteteknikker – »altid« *ikke fed* <b>x</b>",
     "help": None},
    {"area": "Psykisk arbejdsmiljø", "category": "Brug for at styrke", "description": "Dialog om modstridende krav",
     "help": "Hjælp indefra"},
    {"area": "APV og systematisk arbejdsmiljøarbejde", "category": "Vigtig opgave",
     "description": "APV'en færdig før sommerferien", "help": None},
])
PLAN = pd.DataFrame([{"what": "Kemisk risikovurdering", "why": "Nye produkter", "how": "Autoriseret rådgiver",
                      "when": "Snarest", "quarter": "2026-Q1", "urgent": True, "who": "Arbejdsmiljøleder",
                      "follow_up": "Næste AMO-møde", "help": "Hjælp udefra", "area": "Kemisk og biologisk arbejdsmiljø",
                      "status": "I gang"}])
YEARS = [{"department": "Lager", "name": "Åse Ørsted", "role": "AMR", "year_of_service": 2, "from": "2025-09-01",
          "to": "2026-08-31", "due": "2026-08-31", "entitled_hours": 11.1, "offered_hours": 7.4,
          "completed_hours": 7.4, "state": "missed"}]


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_record_holds_every_entry_action_participant_and_year_exactly():
    data = write_pdf(Record("Lager", 2026, [dt.date(2026, 3, 12)], ["Ole Hansen (AMR)", "Åse Ørsted (AMR)"], True,
                            ARK, PLAN, YEARS, dt.date(2026, 11, 26)))
    assert data.startswith(b"%PDF")
    text = " ".join(text_of(data).split())
    for expected in ("Afdeling: Lager", "År: 2026", "Dato for drøftelsen: 12-03-2026", "Ole Hansen (AMR)",
                     "Gode løfteteknikker – »altid« *ikke fed* <b>x</b>", "Dialog om modstridende krav – Hjælp indefra",
                     "APV'en færdig før sommerferien", "Kemisk risikovurdering", "Hvorfor: Nye produkter",
                     "Hvordan: Autoriseret rådgiver", "Hvornår: Snarest", "Hvem: Arbejdsmiljøleder",
                     "Opfølgning: Næste AMO-møde", "Hjælp: Hjælp udefra", "Status: I gang", "Åse Ørsted",
                     "31-08-2026", "11,1", "7,4", "Ikke opfyldt", "Udskrevet: 26-11-2026"):
        assert expected in text, expected


def test_the_record_is_a4_and_names_the_year_when_no_date_is_known():
    data = write_pdf(Record("Kontor", 2025, [], ["Bo (Leder)"], False, ARK.iloc[:0], PLAN.iloc[:0]))
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4 in points
    text = " ".join(text_of(data).split())
    assert "Dato for drøftelsen: år 2025" in text
    assert "nuværende medlemmer af AMO" in text and "Ingen handlinger" in text


def test_a_long_plan_runs_over_several_pages_with_page_numbers():
    many = pd.concat([PLAN] * 40, ignore_index=True)
    data = write_pdf(Record("Lager", 2026, [dt.date(2026, 3, 12)], [], True, ARK, many, YEARS))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 2
    assert f"side 1 af {len(reader.pages)}" in reader.pages[0].extract_text()
    assert text_of(data).count("Kemisk risikovurdering") == 40


def test_the_report_command_writes_a_stored_years_record_and_refuses_a_year_without_one(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    db = f"sqlite:///{tmp_path / 'amo.sqlite'}"
    run = [sys.executable, "-m", "amo_data"]
    samples = [str(p) for p in sorted((root / "sample_data").iterdir())]
    subprocess.run([*run, "import", *samples, "--db", db], cwd=root, check=True, capture_output=True, timeout=300)
    out = tmp_path / "referat.pdf"
    proc = subprocess.run([*run, "report", str(out), "--department", "produktion", "--year", "2025", "--db", db,
                           "--today", "2026-11-26"], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = " ".join(text_of(out.read_bytes()).split())
    assert "Afdeling: Produktion" in text and "År: 2025" in text
    from amo_data.store import Store

    with Store(db) as store:
        tables = store.current_tables(("arbejdsark", "handleplan"))
    ark = tables["arbejdsark"]
    for description in ark.loc[(ark["department"] == "Produktion") & (ark["year"] == 2025), "description"]:
        assert " ".join(description.split()) in text
    plan = tables["handleplan"]
    for what in plan.loc[(plan["department"] == "Produktion") & (plan["year"] == 2025), "what"]:
        assert what in text
    none = subprocess.run([*run, "report", str(tmp_path / "tom.pdf"), "--department", "Produktion", "--year", "2019",
                           "--db", db], cwd=root, capture_output=True, text=True, timeout=120)
    assert none.returncode == 1
    assert none.stderr.startswith("Fejl: ") and "ingen drøftelse" in none.stderr and "Traceback" not in none.stderr
    assert not (tmp_path / "tom.pdf").exists()
