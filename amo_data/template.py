"""The blank template users fill in after their yearly competence discussion."""

from __future__ import annotations

from os import PathLike
from typing import IO

from .workbook import write_workbook


def write_template(out: str | PathLike | IO[bytes]) -> None:
    """Write the empty template (no data rows, so it checks clean) to a path or binary file-like."""
    write_workbook(None, out, include_guide=True)
