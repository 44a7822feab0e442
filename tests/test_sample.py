"""The sample company: reproducible, believable, covering every route and status, and clean."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from amo_data import vocab
from amo_data.quarters import parse_label
from amo_data.sample import DEFAULT_END_YEAR, DEFAULT_SEED, generate, organisation, write_sample
from amo_data.schema import (
    ARBEJDSARK,
    BOX_COLUMNS,
    COLUMNS,
    HANDLEPLAN,
    MEDLEMMER,
    ORGANISATION,
    TABLES,
    UDDANNELSE,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "sample_data"
TODAY = dt.date(DEFAULT_END_YEAR, 11, 26)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> list[Path]:
    return write_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def data() -> dict[str, dict[str, pd.DataFrame]]:
    return generate()


def _all(data, table: str) -> pd.DataFrame:
    return pd.concat([tables[table] for tables in data.values()], ignore_index=True)


def test_same_seed_gives_identical_files(tmp_path, written):
    again = write_sample(tmp_path / "again")
    assert [p.name for p in again] == [p.name for p in written]
    for a, b in zip(written, again):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_other_seed_gives_other_content(tmp_path, written):
    other = write_sample(tmp_path / "other", seed=DEFAULT_SEED + 1)
    assert any(a.read_bytes() != b.read_bytes() for a, b in zip(written, other))


def test_committed_sample_data_is_the_default_output(written):
    committed = sorted(p.name for p in SAMPLE_DIR.iterdir() if p.is_file())
    assert committed == sorted(p.name for p in written)
    for path in written:
        assert (SAMPLE_DIR / path.name).read_bytes() == path.read_bytes(), \
            f"sample_data/{path.name} is stale: run python -m amo_data sample sample_data"
    assert sum(p.stat().st_size for p in SAMPLE_DIR.iterdir()) < 1_000_000


def test_departments_and_years(data):
    assert len(data) == 6
    assert {"Produktion", "Lager", "Administration", "Kantine", "Værksted", "Salg"} == set(data)
    years = set(_all(data, ARBEJDSARK)["year"]) | set(_all(data, HANDLEPLAN)["year"])
    assert years == {DEFAULT_END_YEAR - 2, DEFAULT_END_YEAR - 1, DEFAULT_END_YEAR}


def test_more_departments_get_distinct_names():
    data = generate(departments=9, years=2, seed=3)
    assert len(data) == 9 and len(set(data)) == 9
    assert all(len(t[HANDLEPLAN]) or len(t[UDDANNELSE]) for t in data.values())


def test_every_help_route_and_status_occurs(data):
    plan = _all(data, HANDLEPLAN)
    assert set(plan["help"]) == {vocab.EGEN, vocab.INDEFRA, vocab.UDEFRA}
    assert set(plan["status"]) == set(vocab.STATUS.values)
    training = _all(data, UDDANNELSE)
    assert set(training["status"]) == set(vocab.TRAINING_STATUS.values)
    needs = _all(data, ARBEJDSARK)
    assert set(needs["category"]) == set(vocab.CATEGORY.values)
    assert {vocab.EGEN, vocab.INDEFRA, vocab.UDEFRA} <= set(needs["help"].dropna())


def test_older_years_mostly_done_current_year_mixed(data):
    plan = _all(data, HANDLEPLAN)
    old = plan[plan["year"] < DEFAULT_END_YEAR]
    assert (old["status"] == vocab.GENNEMFOERT).mean() > 0.6
    current = plan[plan["year"] == DEFAULT_END_YEAR]
    assert current["status"].nunique() >= 4


def test_some_actions_urgent_and_some_overdue(data):
    plan = _all(data, HANDLEPLAN)
    open_ = plan[~plan["status"].isin(vocab.CLOSED_STATUSES)]
    assert open_["urgent"].any()
    assert any(parse_label(q).end < TODAY for q in open_["quarter"])
    assert set(plan.loc[plan["urgent"], "when"]) <= {"Snarest", "Straks", "Så hurtigt som muligt"}


def test_training_hours_follow_the_rules(data):
    training = _all(data, UDDANNELSE)
    amo = training[training["role"].isin(["AMR", "Arbejdsleder"]) & (training["type"] == "Supplerende")]
    # 14.8 hours in the first year of service, 11.1 after; one year with too few (7.4) on purpose.
    assert set(amo["hours"]) == {14.8, 11.1, 7.4}
    assert (amo["hours"] == 7.4).sum() == 1
    assert set(training.loc[training["type"] == "Grunduddannelse", "hours"]) == {22.0}
    assert set(training["role"]) <= set(vocab.TRAINING_ROLE.values)


def test_members_show_every_state_of_the_entitlement(data):
    # Issue 16: "members for each sample department, including some who left, someone new whose
    # basic course is due, a declined offer, a year with too few hours".
    import datetime as dt

    from amo_data.entitlement import figures

    members, training = _all(data, "medlemmer"), _all(data, UDDANNELSE)
    assert set(members["department"]) == set(data)
    assert members["left"].notna().any()
    result = figures(members, training, dt.date(DEFAULT_END_YEAR, 11, 26))
    assert {b["state"] for b in result["basic_training"]} == {"due", "overdue"}
    assert {y["state"] for y in result["entitlement"]} >= {"met", "missed", "open"}
    assert (training["status"] == "Afslået").any()
    assert members["email"].notna().sum() > len(members) / 2


def test_one_department_lacks_a_recent_discussion(data):
    newest = _all(data, ARBEJDSARK).groupby("department")["year"].max()
    assert newest["Administration"] == DEFAULT_END_YEAR - 2
    assert (newest.drop("Administration") == DEFAULT_END_YEAR).all()
    assert len(data["Administration"][UDDANNELSE])  # it still appears in the data


def test_descriptions_are_danish_sentences(data):
    texts = set(_all(data, ARBEJDSARK)["description"])
    assert len(texts) > 60
    assert any("æ" in t or "ø" in t or "å" in t for t in texts)


def test_file_kinds(written):
    names = [p.name for p in written]
    assert sum(n.endswith(".xlsx") for n in names) >= 4
    assert any(n.endswith(".csv") for n in names)
    assert any("papirskema" in n for n in names)


def test_csv_is_written_as_danish_excel_writes_it(written):
    csvs = [p for p in written if p.suffix == ".csv"]
    assert csvs
    for path in csvs:
        raw = path.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # Windows-1252, not UTF-8
        text = raw.decode("cp1252")
        lines = text.split("\r\n")
        assert lines[-1] == "" and "\n" not in "".join(lines)  # CRLF everywhere
        header = lines[0].split(";")
        assert header[0] == "Afdeling" and len(header) >= 7
    training = next(p for p in csvs if "uddannelse" in p.name).read_bytes().decode("cp1252")
    assert ";11,1;" in training and "11.1" not in training  # decimal comma


def test_box_layout_file(written):
    path = next(p for p in written if "papirskema" in p.name)
    ws = openpyxl.load_workbook(path)["Arbejdsark"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header_index = next(i for i, r in enumerate(rows) if r[:3] == ["Afdeling", "År", "Område"])
    assert header_index >= 1  # a title row above the header
    assert rows[0][0] and "Værksted" in rows[0][0]
    assert set(rows[header_index][3:]) <= set(BOX_COLUMNS)
    cells = [v for r in rows[header_index + 1:] for v in r[3:] if isinstance(v, str)]
    multi = [v for v in cells if "\n" in v]
    assert multi and all(line.startswith("• ") for v in multi for line in v.split("\n"))


def test_every_workbook_has_the_template_sheets(written):
    for path in written:
        if path.suffix != ".xlsx" or path.name == "organisation.xlsx":
            continue
        wb = openpyxl.load_workbook(path)
        assert {"Handleplan", "Uddannelse", "Medlemmer"} <= set(wb.sheetnames)
        assert [c.value for c in wb["Handleplan"][1]] == [c.header for c in COLUMNS[HANDLEPLAN]]


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLE_DIR.iterdir() if p.is_file()))
def test_committed_sample_files_check_clean(name):
    from amo_data.validate import check_path

    result = check_path(SAMPLE_DIR / name)
    assert result.ok, [p.message for p in result.errors]
    assert result.warnings == [], [p.message for p in result.warnings]
    assert sum(result.rows.values()) > 0


def test_sample_files_give_back_the_generated_tables(written, data):
    from amo_data.validate import check_path

    results = [check_path(p) for p in written]
    assert all(r.ok for r in results)
    for table in TABLES:
        got = pd.concat([r.tables[table] for r in results], ignore_index=True)
        want = organisation(list(data)) if table == ORGANISATION else _all(data, table)
        assert len(got) == len(want), table
        key = {ARBEJDSARK: ["department", "year", "area", "category", "description"],
               HANDLEPLAN: ["department", "year", "what", "quarter", "status", "help"],
               UDDANNELSE: ["department", "role", "name", "course", "quarter", "status", "hours", "type"],
               MEDLEMMER: ["department", "name", "role", "joined", "left", "basic_training", "email"],
               ORGANISATION: ["department", "parent"]}[table]

        def rows(df, key=key):
            return sorted(tuple(str(v) for v in r) for r in df[key].itertuples(index=False))

        assert rows(got) == rows(want), table


def test_small_and_odd_sizes_work(tmp_path):
    paths = write_sample(tmp_path, departments=1, years=1, seed=5)
    assert paths and all(p.exists() for p in paths)
    buffer = io.BytesIO(paths[0].read_bytes())
    assert openpyxl.load_workbook(buffer)
