"""Presentation helpers: Danish formats, read-only tables, charts and download data."""

from __future__ import annotations

import datetime as dt
import functools
import io

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from amo_data.quarters import parse_label
from amo_data.schema import SHEET_TITLES
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


PAGE_SIZE = 100


def page_rows(n: int, key: str, label: str = "Vis", size: int | None = None) -> slice:
    """Which of ``n`` rows a long table shows: all of them up to ``size`` (default
    :data:`PAGE_SIZE`), else the page of ``size`` rows chosen in a selectbox ("1–100 af 4.000")
    above the table.

    Give ``key`` something that changes with the rows (e.g. their ids), so that a new selection
    starts at its first page. A browser grid of thousands of rows is slow to scroll and to send.
    """
    size = size or PAGE_SIZE
    if n <= size:
        return slice(0, n)
    pages = -(-n // size)

    def shown(page: int) -> str:
        first, last = page * size + 1, min((page + 1) * size, n)
        return f"{danish_number(first, 0)}–{danish_number(last, 0)} af {danish_number(n, 0)}"

    page = st.selectbox(label, range(pages), format_func=shown, key=key, width=260)
    return slice(page * size, min((page + 1) * size, n))


def show_view(view: pd.DataFrame) -> None:
    """A read-only table made by :func:`display_frame` (Danish headings; dates as dd-mm-åååå,
    quarters as '3. kvt. 2026'). Cells are shown as plain text (never Markdown or HTML),
    whatever a user typed."""
    st.dataframe(view, hide_index=True, width="stretch")


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


Chart = dict  # a finished chart as the plain dict Streamlit sends (figure_spec); chart() shows it


def figure_spec(fig: go.Figure) -> Chart:
    """A finished Plotly figure as its plain dict (what Streamlit sends), for caching.

    A cached ``go.Figure`` is rebuilt and validated property by property every time it is
    unpickled; its dict unpickles as plain data, far faster.
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


def chart(fig: go.Figure | Chart) -> None:
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


STATE_DA = {"current": "Gældende", "replaced": "Erstattet", "undone": "Fortrudt"}


def history_frame(batches: list[dict]) -> pd.DataFrame:
    """The import history (``Store.history()``) as the Upload page shows it."""
    return pd.DataFrame([{"Nr.": b["id"], "Tidspunkt": danish_time(b["created_at"]), "Bruger": b["user"],
                          "Tilstand": STATE_DA.get(b["state"], b["state"]),
                          "Arbejdsark": b["rows"].get("arbejdsark", 0), "Handleplan": b["rows"].get("handleplan", 0),
                          "Uddannelse": b["rows"].get("uddannelse", 0), "Filer": ", ".join(b["files"])}
                         for b in batches])


AUDIT_ACTIONS = {"import": "Import", "import_unchanged": "Import (uændret)", "undo": "Fortryd",
                 "status": "Statusændring", "delete_department": "Sletning af afdeling",
                 "delete_person": "Sletning af person", "sign_in_failed": "Mislykket login",
                 "sign_in_paused": "Login sat på pause", "token_add": "Ny API-nøgle",
                 "token_revoke": "API-nøgle trukket tilbage", "role_assign": "Rolle givet", "role_revoke": "Rolle fjernet"}


def audit_frame(entries: list[dict]) -> pd.DataFrame:
    """The audit log (``Store.audit_log()``, newest first) as the Revisionslog page shows it."""
    return pd.DataFrame([{"Tidspunkt": danish_time(e["at"]), "Bruger": e["user"],
                          "Handling": AUDIT_ACTIONS.get(e["action"], e["action"]),
                          "Detaljer": audit_details(e["details"])} for e in entries])


def audit_details(details: dict) -> str:
    """One readable Danish line for an audit entry's details."""
    d = details or {}
    parts = []
    if "batch_id" in d:
        parts.append(f"import nr. {d['batch_id']}")
    if d.get("files"):
        parts.append("filer: " + ", ".join(map(str, d["files"])))
    if "old" in d and "new" in d:
        parts.append(f"{d.get('department', '')}: »{d.get('what', '')}« {d['old']} → {d['new']}")
    if "department" in d and "old" not in d:
        parts.append(f"afdeling: {d['department']}")
    if d.get("name"):
        parts.append(f"person: {d['name']}")
    if isinstance(d.get("rows"), dict):
        parts.append("rækker: " + ", ".join(f"{SHEET_TITLES.get(k, k)} {v}" for k, v in d["rows"].items() if v))
    if d.get("unknown_user"):
        parts.append("ukendt brugernavn")
    if "failures" in d:
        parts.append(f"{d['failures']} forkerte forsøg inden for 15 minutter")
    if d.get("address"):
        parts.append(f"adresse: {d['address']}")
    if d.get("token"):
        parts.append(f"nøgle: {d['token']}")
    if d.get("email"):
        from amo_data.auth import ROLE_LABELS

        parts.append(f"e-mail: {d['email']}, rolle: {ROLE_LABELS.get(d.get('role'), d.get('role', ''))}")
    if d.get("departments"):
        parts.append("afdelinger: " + ", ".join(map(str, d["departments"])))
    if d.get("wait_seconds"):
        parts.append(f"næste forsøg tidligst om {d['wait_seconds']} sekunder")
    return "; ".join(parts)
