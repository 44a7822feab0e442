"""Presentation helpers: Danish formats, read-only tables, charts and download data."""

from __future__ import annotations

import datetime as dt
import functools
import io

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from amo_data.quarters import parse_label
from amo_data.text import danish_number


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def danish_date(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.strftime("%d-%m-%Y")
    return str(value)


def danish_quarter(label) -> str:
    return parse_label(label).danish if isinstance(label, str) and "-Q" in label else ""


def display_frame(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    view = df[[c for c in columns if c in df.columns]].copy()
    for col in view.columns:
        if col in {"date", "joined", "created_at"}:
            view[col] = view[col].map(danish_date)
        elif col == "quarter":
            view[col] = view[col].map(danish_quarter)
        elif col == "urgent":
            view[col] = view[col].map(lambda v: "Ja" if v else "")
        elif col == "hours":
            view[col] = view[col].map(lambda v: "" if pd.isna(v) else danish_number(float(v), 1))
        elif col == "rating":  # no Vurdering: an empty cell, not Streamlit's grey "None"
            view[col] = view[col].map(lambda v: "" if pd.isna(v) else str(int(v)))
        elif not pd.api.types.is_numeric_dtype(view[col]):
            view[col] = view[col].map(lambda v: "" if v is None or v is pd.NA or v != v else v)
    return view.rename(columns=columns)


def show_table(df: pd.DataFrame, columns: dict[str, str], *, empty: str | None = None,
               view: pd.DataFrame | None = None, **kwargs) -> None:
    """A read-only table with Danish headings; dates as dd-mm-åååå, quarters as '3. kvt. 2026'.

    Cells are shown as plain text (never Markdown or HTML), whatever a user typed. ``view`` is
    ``display_frame(df, columns)`` when the caller has it already (cached with the figures).
    """
    if df.empty and empty:
        st.caption(empty)
        return
    show_view(display_frame(df, columns) if view is None else view, **kwargs)


PAGE_SIZE = 100


def page_rows(n: int, key: str, label: str = "Vis") -> slice:
    """Which of ``n`` rows a long table shows: all of them up to :data:`PAGE_SIZE`, else the
    page of :data:`PAGE_SIZE` rows chosen in a selectbox ("1–100 af 4.000") above the table.

    Give ``key`` something that changes with the rows (e.g. their ids), so that a new selection
    starts at its first page. A browser grid of thousands of rows is slow to scroll and to send.
    """
    if n <= PAGE_SIZE:
        return slice(0, n)
    pages = -(-n // PAGE_SIZE)

    def shown(page: int) -> str:
        first, last = page * PAGE_SIZE + 1, min((page + 1) * PAGE_SIZE, n)
        return f"{danish_number(first, 0)}–{danish_number(last, 0)} af {danish_number(n, 0)}"

    page = st.selectbox(label, range(pages), format_func=shown, key=key, width=260)
    return slice(page * PAGE_SIZE, min((page + 1) * PAGE_SIZE, n))


def show_view(view: pd.DataFrame, **kwargs) -> None:
    """A table already made by :func:`display_frame` (e.g. cached), shown as :func:`show_table` does."""
    st.dataframe(view, hide_index=True, width="stretch", **kwargs)


def plural(n: int, one: str, many: str) -> str:
    """``"1 handling"``, ``"4.000 handlinger"`` (Danish thousands separator)."""
    return f"{danish_number(n, 0)} {one if n == 1 else many}"


POINT_COLUMNS = {"department": "Afdeling", "category": "Kategori", "description": "Beskrivelse", "help": "Hjælp",
                 "rating": "Vurdering", "role": "Rolle", "year": "År", "date": "Dato"}


ACTION_COLUMNS = {"department": "Afdeling", "what": "Hvad", "status": "Status", "quarter": "Hvornår",
                  "urgent": "Haster", "who": "Hvem", "help": "Hjælp", "area": "Område", "why": "Hvorfor",
                  "how": "Hvordan", "follow_up": "Opfølgning", "year": "År"}


ACTION_SHORT_COLUMNS = {"department": "Afdeling", "what": "Hvad", "quarter": "Hvornår", "who": "Hvem",
                        "status": "Status"}


# The long course name after the short columns, so that Timer (what the 14,8/11,1-hour rule is
# about) is not pushed out of sight on a laptop screen.
TRAINING_COLUMNS = {"department": "Afdeling", "name": "Navn", "role": "Rolle", "quarter": "Hvornår",
                    "status": "Status", "hours": "Timer", "course": "Kursus", "joined": "Tiltrådt"}


def figure_spec(fig: go.Figure) -> dict:
    """A finished Plotly figure as its plain dict (what Streamlit sends), for caching.

    A cached ``go.Figure`` is rebuilt and validated property by property every time it is
    unpickled (≈ 8 ms a chart); its dict unpickles in well under a millisecond.
    """
    return fig.to_dict()


class _Finished(go.Figure):
    """A figure that plotly already built and validated, given as its dict (:func:`figure_spec`).

    ``st.plotly_chart`` validates a plain dict again by building a ``go.Figure`` from it; a
    figure object it only asks for ``to_dict()``, which here hands back the finished dict.
    The chart Streamlit sends is exactly the one of the original figure.
    """

    def __init__(self, spec: dict):  # no go.Figure.__init__: nothing to build or validate again
        self._amo_spec = spec

    def to_dict(self) -> dict:
        spec = self._amo_spec
        return {**spec, "data": [dict(trace) for trace in spec.get("data", ())]}

    def to_plotly_json(self) -> dict:
        return self.to_dict()


def chart(fig: go.Figure | dict) -> None:
    """A Plotly chart across the width, without the (English) toolbar; ``fig`` is a figure or
    its :func:`figure_spec` (a cached one)."""
    if isinstance(fig, dict):
        fig = _Finished(fig)
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False})


def excel_bytes(write, *args) -> bytes:
    """Run a workbook writer into memory (for download buttons)."""
    buf = io.BytesIO()
    write(*args, buf)
    return buf.getvalue()


def lazy_excel(write, *args):
    """A download button's data that is only built when the user clicks (a big export takes
    seconds, and a page must not pay for it on every run)."""
    return functools.partial(excel_bytes, write, *args)


def matrix_csv(matrix: pd.DataFrame) -> bytes:
    """The Sammenlign heatmap's table as CSV for Danish Excel: a column "Afdeling" and one per area;
    shares rounded to three decimals (0,571, not 0,5714285714285714)."""
    from amo_data.export import csv_bytes

    table = matrix.reset_index().rename(columns={"department": "Afdeling"})
    table.columns.name = None
    return csv_bytes(table.round(3))


def matrix_csv_name(measure_label: str, year: int | None) -> str:
    """The CSV's file name in Danish: "afdelinger-andel-behov-2026.csv" ("alle-år" without a year)."""
    return f"afdelinger-{measure_label.lower().replace(' ', '-')}-{year or 'alle-år'}.csv"


def danish_time(iso: str) -> str:
    try:
        t = dt.datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return t.strftime("%d-%m-%Y %H:%M")


def md_escape(text: str) -> str:
    """Show user text literally inside Markdown."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>~" else c for c in text)
