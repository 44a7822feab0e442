"""Normalising and validating raw sheets into the three canonical tables plus problems.

STUB: the interface below is fixed; the implementation is being written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import Problem
from .schema import TABLES


@dataclass
class FileResult:
    file: str  # file name as uploaded (no directory)
    tables: dict[str, pd.DataFrame]  # canonical tables, see amo_data.schema.CANONICAL
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    sha256: str = ""
    unreadable: bool = False  # the file could not be read at all (CLI exit 2)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> dict[str, int]:
        return {t: (0 if self.unreadable else len(self.tables.get(t, ()))) for t in TABLES}

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "ok": self.ok,
            "rows": self.rows,
            "errors": [p.to_json() for p in self.errors],
            "warnings": [p.to_json() for p in self.warnings],
        }


def check_bytes(name: str, data: bytes, max_bytes: int | None = None) -> FileResult:
    """Read and validate one file. Never raises for bad input: problems are in the result."""
    raise NotImplementedError


def check_path(path: str | Path, max_bytes: int | None = None) -> FileResult:
    path = Path(path)
    return check_bytes(path.name, path.read_bytes(), max_bytes)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
