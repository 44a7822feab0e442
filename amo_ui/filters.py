"""The sidebar's choice of year, unit and departments, which every data page's figures follow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from amo_data import metrics


@dataclass(frozen=True)
class Filters:
    year: int | None  # None: every year
    departments: tuple[str, ...]  # none: every department
    # The chosen unit of the organisation tree when ``departments`` are exactly its subtree's
    # (None: every department, or departments picked one by one).
    unit: str | None = None

    def scope(self, data: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """Only the chosen departments (every year)."""
        return metrics.filter_tables(data, departments=self.departments or None)
