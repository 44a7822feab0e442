"""The restructuring of the code kept what users see, and the features after it only added.

``tests/fixtures/before/`` holds what the command line wrote at the commit before the
restructuring (issue 15): ``check --json`` of every sample file of that time (kept in
``fixtures/before/sample_data/``) and of every malformed file, and ``summary`` of a store
holding those samples. Format version 2 added tables (``rows`` has two more keys), filters and
figures (``unit``, the members, the entitlement, the units); everything that was there before
is still there, with the same values, in the same order.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BEFORE = ROOT / "tests" / "fixtures" / "before"
SAMPLES = sorted((BEFORE / "sample_data").iterdir())


def cli(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "amo_data", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def kept(before, now):
    """``now`` without what it added to ``before`` (keys of dicts, recursively)."""
    if isinstance(before, dict) and isinstance(now, dict):
        return {k: kept(before[k], now[k]) if k in before else now[k] for k in now if k in before}
    if isinstance(before, list) and isinstance(now, list) and len(before) == len(now):
        return [kept(b, n) for b, n in zip(before, now, strict=True)]
    return now


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_check_json_of_each_earlier_sample_file_is_unchanged(path):
    before = json.loads((BEFORE / f"check_{path.stem}.json").read_text(encoding="utf-8"))
    now = json.loads(cli("check", str(path.relative_to(ROOT)), "--json"))
    assert now["files"][0]["file"] == before["files"][0]["file"] == path.name
    assert kept(before, now) == before
    assert set(now["files"][0]["rows"]) - set(before["files"][0]["rows"]) == {"medlemmer", "organisation"}


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('before') / 'amo.sqlite'}"
    cli("import", *(str(p.relative_to(ROOT)) for p in SAMPLES), "--db", url)
    return url


@pytest.mark.parametrize("fixture, args", [("summary.json", []), ("summary_2025.json", ["--year", "2025"]),
                                           ("summary_lager.json", ["--department", "Lager"])])
def test_summary_of_the_earlier_samples_keeps_every_figure(store, fixture, args):
    before = json.loads((BEFORE / fixture).read_text(encoding="utf-8"))
    now = json.loads(cli("summary", "--today", "2026-11-26", "--db", store, "--json", *args))
    assert kept(before, now) == before
    assert list(kept(before, now)) == list(before)  # the same order


def test_summary_text_of_the_earlier_samples_only_gained_lines_at_the_end(store):
    before = (BEFORE / "summary.txt").read_text(encoding="utf-8")
    now = cli("summary", "--today", "2026-11-26", "--db", store)
    assert now.startswith(before.rstrip("\n"))
