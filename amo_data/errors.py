"""The product's own error type and the problem records shown to users."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


class AmoError(Exception):
    """An expected failure with a Danish message meant for the user.

    ``exit_code`` follows the command line contract: 1 = the input has errors,
    2 = a file could not be read at all or the command was used wrongly.
    """

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class StoreUnavailable(AmoError):
    """The database cannot be used right now (read-only, disk full, locked, its file or server
    gone, access refused), with a Danish message saying what happened, that nothing was lost,
    and when to try again. Nothing was changed; the store works again without a restart once
    the cause is gone. Exit code 2: the database given cannot be used."""

    def __init__(self, message: str):
        super().__init__(message, 2)


@dataclass(frozen=True)
class Problem:
    """One error or warning about a file, located as the user sees it in Excel."""

    file: str
    sheet: str | None
    row: int | None  # row number as Excel shows it; None for a whole-file problem
    column: str | None  # header as the file wrote it; None for a whole-file problem
    value: Any
    message: str  # Danish

    @property
    def written(self) -> Any:
        """The value as the user wrote it: a whole number read from a number cell as 1999.0 is
        1999."""
        value = self.value
        return int(value) if isinstance(value, float) and value.is_integer() else value

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("file")
        value = data["value"] = self.written
        if value is not None and not isinstance(value, (str, int, float, bool)):
            data["value"] = str(value)
        return data
