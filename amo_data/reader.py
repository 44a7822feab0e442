"""Reading spreadsheet bytes into raw grids of cells (no interpretation yet).

STUB: the interface below is fixed; the implementation is being written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
MAX_BYTES_ENV = "AMO_MAX_UPLOAD_MB"


@dataclass
class RawSheet:
    """One sheet (or one CSV file) as a grid of cells.

    ``rows[i]`` is the row Excel shows as number ``i + 1`` (leading empty rows are kept as
    empty lists so numbers stay true). Cells are None, str, int, float, bool,
    ``datetime.datetime``, ``datetime.date`` or ``datetime.time``.
    """

    name: str  # sheet name as the workbook wrote it; for a CSV file the file name
    rows: list[list[object]] = field(default_factory=list)
    is_csv: bool = False


def read_file(name: str, data: bytes, max_bytes: int | None = None) -> list[RawSheet]:
    """All sheets of a workbook, or the one table of a CSV file.

    Raises :class:`amo_data.errors.AmoError` with one Danish sentence when the file is too
    large, an archive bomb, corrupt, truncated or not a spreadsheet.
    """
    raise NotImplementedError
