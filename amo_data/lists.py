"""The rows the pages list (the points in their own words, the actions, the courses), selected
and ordered as the pages show them; the figures about them are :mod:`amo_data.metrics`."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from . import metrics
from .quarters import parse_label


def points(ark: pd.DataFrame, area: str | None = None, department: str | None = None,
           category: str | None = None) -> pd.DataFrame:
    """The Arbejdsark points themselves (their own words), newest year first.

    ``category`` is a Kategori value ("Lykkes") or its column name ("lykkes").
    """
    mask = pd.Series(True, index=ark.index)
    if area is not None:
        mask &= ark["area"] == area
    if department is not None:
        mask &= metrics.department_mask(ark, department)
    if category is not None:
        names = {v: k for k, v in metrics.CATEGORY_COLUMNS.items()}
        mask &= ark["category"] == names.get(category, category)
    rows = ark.loc[mask]
    return metrics.sort_departments(rows.assign(_y=-metrics.numeric(rows["year"])), ["_y"]).drop(columns="_y")


def quarters(plan: pd.DataFrame) -> list[str]:
    """The distinct quarters of the actions, in time order ("2026-Q3" labels)."""
    labels = plan["quarter"].dropna().unique()
    return sorted((str(q) for q in labels), key=lambda q: (parse_label(q).year, parse_label(q).quarter))


def select_actions(plan: pd.DataFrame, areas: Iterable[str] = (), helps: Iterable[str] = (),
                   statuses: Iterable[str] = (), quarters: Iterable[str] = ()) -> pd.DataFrame:
    """Actions narrowed by the Handleplan page's filters (an empty choice keeps everything),
    ordered by quarter, department and help route."""
    mask = pd.Series(True, index=plan.index)
    for column, chosen in (("area", areas), ("help", helps), ("status", statuses), ("quarter", quarters)):
        chosen = list(chosen)
        if chosen:
            values = metrics.status_of(plan) if column == "status" else plan[column]
            mask &= values.isin(chosen)
    rows = plan.loc[mask]
    order = {q: i for i, q in enumerate(globals()["quarters"](rows))}  # the function, not the argument
    ranked = rows.assign(_q=rows["quarter"].map(order), _h=metrics.rank_of(rows["help"], metrics.order_rank(rows["help"], metrics.HELP_ORDER)))
    return metrics.sort_departments(ranked.sort_values("_q", kind="stable"), ["_q", "_h"]).sort_values(
        ["_q"], kind="stable").drop(columns=["_q", "_h"]).reset_index(drop=True)


def training_totals(training: pd.DataFrame) -> dict[str, float | int]:
    """Courses in the register, those completed, and hours of the completed ones."""
    done = training["status"] == "Gennemført"
    return {
        "courses": len(training),
        "completed": int(done.sum()),
        "hours_completed": round(float(metrics.numeric(training.loc[done, "hours"]).fillna(0.0).sum()), 2),
    }


def training_list(training: pd.DataFrame) -> pd.DataFrame:
    """The training register, newest quarter first, then department (Danish order)."""
    order = {q: -i for i, q in enumerate(quarters(training))}
    return metrics.sort_departments(training.assign(_q=training["quarter"].map(order)), []).sort_values(
        "_q", kind="stable").drop(columns="_q").reset_index(drop=True)
