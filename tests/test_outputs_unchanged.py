"""The restructuring of the code kept what users see: ``check --json`` of every sample file and
``summary --json`` of a store holding them are byte-for-byte what they were before
(tests/fixtures/before/, written by the command line at the commit before the change)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BEFORE = ROOT / "tests" / "fixtures" / "before"
SAMPLES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.is_file())


def cli(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "amo_data", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_check_json_of_each_sample_file_is_unchanged(path):
    # Format version 2 added two tables to "rows" (both 0 here); everything else is byte for byte.
    out = json.loads(cli("check", str(path.relative_to(ROOT)), "--json"))
    for file in out["files"]:
        assert (file["rows"].pop("medlemmer"), file["rows"].pop("organisation")) == (0, 0)
    assert json.dumps(out, ensure_ascii=False, indent=2) + "\n" == \
        (BEFORE / f"check_{path.stem}.json").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('before') / 'amo.sqlite'}"
    cli("import", *(str(p.relative_to(ROOT)) for p in SAMPLES), "--db", url)
    return url


@pytest.mark.parametrize("fixture, args", [("summary.json", ["--json"]), ("summary_2025.json", ["--json", "--year", "2025"]),
                                           ("summary_lager.json", ["--json", "--department", "Lager"]),
                                           ("summary.txt", [])])
def test_summary_of_the_sample_store_is_unchanged(store, fixture, args):
    out = cli("summary", "--today", "2026-11-26", "--db", store, *args)
    assert out == (BEFORE / fixture).read_text(encoding="utf-8")
