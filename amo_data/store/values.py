"""Canonical values in and out of the store, by each field's storage (:mod:`amo_data.schema`).

In: a checked file's tables as plain Python values per column (``FileResult.columns``, which
validation gives with each value already of its column's plain type), or converted from its
DataFrames. Out: :func:`amo_data.schema.frame` of the rows, with ``id`` first.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..schema import SCHEMA, frame

if TYPE_CHECKING:
    import pandas as pd

    from ..validate import FileResult


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    import pandas as pd
    if value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value: object) -> str | None:
    return None if _is_missing(value) else str(value)


def _int(value: object) -> int | None:
    return None if _is_missing(value) else int(value)  # type: ignore[call-overload]


def _float(value: object) -> float | None:
    return None if _is_missing(value) else float(value)  # type: ignore[arg-type]


def _bool(value: object) -> bool:
    return False if _is_missing(value) else bool(value)


def _date(value: object) -> dt.date | None:
    if _is_missing(value):
        return None
    if isinstance(value, dt.datetime):  # also pd.Timestamp
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


CONVERT: dict[str, Callable[[object], Any]] = {
    "text": _text, "int": _int, "nullable_int": _int, "float": _float, "bool": _bool, "date": _date,
}


def file_columns(result: FileResult, table: str) -> list[list]:
    """One table of a checked file as plain value lists, one per canonical column: the
    validator's lists as they are, else converted from the result's DataFrame (tests)."""
    plain = None if result.columns is None else result.columns.get(table)
    if plain is not None:
        return [plain[name] for name in SCHEMA[table].columns]
    df = result.tables.get(table)
    n = 0 if df is None else len(df)
    fields = SCHEMA[table].fields
    if n == 0:
        return [[] for _ in fields]
    return [[CONVERT[f.storage](v) for v in df[f.key].tolist()] if f.key in df.columns else [None] * n
            for f in fields]


def wanted_columns(table: str, columns: Mapping[str, Iterable[str]] | None) -> tuple[str, ...]:
    """The canonical columns of ``table`` a load asks for, in canonical order (all by default,
    and for a table the mapping does not name); an unknown name is a ValueError."""
    canonical = SCHEMA[table].columns
    if columns is None or table not in columns:
        return canonical
    chosen = columns[table]
    wanted = {chosen} if isinstance(chosen, str) else {name for name in chosen if name != "id"}
    unknown = wanted.difference(canonical)
    if unknown:
        raise ValueError(f"{table} has no column(s) {sorted(unknown)}; canonical: {list(canonical)}")
    return tuple(name for name in canonical if name in wanted)


def rows_frame(table: str, names: tuple[str, ...], rows: list) -> pd.DataFrame:
    """Database rows (``id``, then the canonical columns ``names``) as a canonical DataFrame
    with ``id`` first."""
    import pandas as pd

    columns = list(zip(*rows, strict=True)) if rows else [() for _ in range(len(names) + 1)]
    out = frame(table, {name: list(values) for name, values in zip(names, columns[1:], strict=True)}, names)
    out.insert(0, "id", pd.Series(list(columns[0]), dtype="int64"))
    return out
