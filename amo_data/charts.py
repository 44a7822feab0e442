"""Plotly figures for the dashboard, built from the DataFrames of :mod:`amo_data.metrics`.

Every builder returns a ``go.Figure`` with Danish titles, axis titles, legends and hover texts,
the colours of the fixed maps below (one colour per category, help route, status and role,
the same on every page; Okabe-Ito, a palette readable with colour-blindness), Danish number
formatting and a size that reads well on a laptop. An empty DataFrame gives a figure that
says "Ingen data endnu". No Streamlit here.
"""

from __future__ import annotations

import html

from collections.abc import Iterable, Sequence
from itertools import repeat

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from . import vocab
from .metrics import CATEGORY_COLUMNS, area_order
from .quarters import parse_label

# Every figure here has Plotly's white template. As the default it is given to each new figure
# when it is made, cheaply; set by update_layout it would be copied and validated again for
# every chart. This module is the process's one home of Plotly figures.
pio.templates.default = "plotly_white"

# --------------------------------------------------------------------------- colours

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000",
    "grey": "#999999", "light_grey": "#C8C8C8", "dark_grey": "#555555",
}
_C = OKABE_ITO

CATEGORY_COLORS: dict[str, str] = {
    vocab.VIGTIG_OPGAVE: _C["blue"],
    vocab.LYKKES: _C["bluish_green"],
    vocab.BRUG_FOR_AT_STYRKE: _C["vermillion"],
}
NO_HELP = "Ingen hjælp angivet"  # label for needs without a help route
HELP_COLORS: dict[str, str] = {
    vocab.EGEN: _C["orange"],
    vocab.INDEFRA: _C["sky_blue"],
    vocab.UDEFRA: _C["reddish_purple"],
    NO_HELP: _C["grey"],
}
# One map for Handleplan and Uddannelse statuses: a status has the same colour everywhere.
STATUS_COLORS: dict[str, str] = {
    vocab.IKKE_STARTET: _C["light_grey"],
    vocab.PLANLAGT: _C["sky_blue"],
    vocab.I_GANG: _C["orange"],
    vocab.GENNEMFOERT: _C["bluish_green"],
    vocab.AFLYST: _C["dark_grey"],
    "Tilbudt": _C["reddish_purple"],
    "Tilmeldt": _C["blue"],
    "Afslået": _C["vermillion"],
}
ROLE_COLORS: dict[str, str] = {
    "AMR": _C["blue"], "Arbejdsleder": _C["orange"], "Leder": _C["bluish_green"], "Andet": _C["grey"],
}
# Areas, departments and other open lists cycle through this sequence.
SERIES_COLORS: tuple[str, ...] = (
    _C["blue"], _C["orange"], _C["bluish_green"], _C["vermillion"], _C["reddish_purple"],
    _C["sky_blue"], "#882255", _C["black"], _C["grey"],  # Tol's wine instead of yellow: readable on white
)
AVERAGE_COLOR = _C["dark_grey"]
FALLBACK_COLOR = _C["grey"]
HEATMAP_SCALE = [[0.0, "#FFFFFF"], [0.5, "#F5B461"], [1.0, "#B8470B"]]  # white (none) to dark orange (many)

CATEGORY_LABELS: dict[str, str] = {column: category for category, column in CATEGORY_COLUMNS.items()}

EMPTY_TEXT = "Ingen data for de valgte filtre"
HEIGHT = 400
FONT = {"size": 13}


# --------------------------------------------------------------------------- helpers


def quarter_label(label: object) -> str:
    """``2026-Q3`` -> ``3. kvt. 2026`` (other text unchanged)."""
    try:
        return parse_label(str(label)).danish
    except ValueError:
        return str(label)


def area_color(area: str, areas: Sequence[str] | None = None) -> str:
    """A stable colour per area: its place in the area vocabulary (or in ``areas``)."""
    order = list(areas) if areas is not None else list(vocab.areas().values)
    index = order.index(area) if area in order else len(order) + sum(map(ord, str(area)))
    return SERIES_COLORS[index % len(SERIES_COLORS)]


def _area_colors(areas: Iterable[str]) -> dict[str, str]:
    """Known areas keep their vocabulary colour; unknown ones take the following positions."""
    known = list(vocab.areas().values)
    ordered = area_order(areas)
    extra = [a for a in ordered if a not in known]
    return {a: area_color(a, known + extra) for a in ordered}


def _help_label(value: object) -> str:
    return NO_HELP if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


ASSUMED_WIDTH = 400  # px of a half-width Streamlit column on a laptop, to estimate legend rows
LEGEND_ROW = 24  # px per legend row
MAX_HEIGHT = 750


def _legend_rows(fig: go.Figure) -> int:
    """How many rows the horizontal legend will take at ``ASSUMED_WIDTH``."""
    names = [str(t.name) for t in fig.data if t.name and t.showlegend is not False]
    if fig.data and fig.data[0].type == "heatmap":
        return 0
    rows, used = (1 if names else 0), 0
    for name in names:
        width = 45 + 7.5 * len(name)
        if used and used + width > ASSUMED_WIDTH:
            rows, used = rows + 1, 0
        used += width
    return rows


def plain(text: object) -> str:
    """User text as plotly shows it literally: plotly renders a subset of HTML (<b>, <br>,
    <a href>) in labels and hover texts and fills %{…} in templates, so both are escaped."""
    return html.escape(str(text), quote=False).replace("%", "&#37;")


_USER_TEXT_ATTRS = ("x", "y", "labels", "ids", "parents")


def _escape_user_text(fig: go.Figure) -> None:
    """Escape every category, label and trace name (they come from what users wrote).

    Hover texts and templates are built with :func:`plain` where they embed user text.
    """
    for trace in fig.data:
        for attr in _USER_TEXT_ATTRS:
            values = getattr(trace, attr, None)
            if values is not None and any(isinstance(v, str) for v in values):
                setattr(trace, attr, [plain(v) if isinstance(v, str) else v for v in values])
        if isinstance(trace.name, str):
            trace.name = plain(trace.name)


def _layout(fig: go.Figure, title: str, x_title: str | None = None, y_title: str | None = None,
            height: int = HEIGHT, legend_title: str | None = None) -> go.Figure:
    """Shared look: title top left, legend in rows under it, small margins, Danish numbers."""
    _escape_user_text(fig)
    rows = _legend_rows(fig)
    top = 48 + LEGEND_ROW * max(rows, 1)
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16},
               "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}},
        height=min(MAX_HEIGHT, height + LEGEND_ROW * max(rows - 1, 0)),
        separators=",.",
        font=FONT,
        margin={"l": 10, "r": 10, "t": top, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0,
                    "title": {"text": legend_title or ""}, "traceorder": "normal"},
        hoverlabel={"namelength": -1},
    )
    fig.update_xaxes(title_text=x_title, automargin=True)
    fig.update_yaxes(title_text=y_title, automargin=True)
    return fig


def _count_axis(fig: go.Figure, axis: str, largest: float) -> None:
    """Whole-number ticks on a count axis (no 0,5 actions)."""
    settings = {"tickformat": ",d", "rangemode": "tozero"}
    if largest <= 10:
        settings["dtick"] = 1
    (fig.update_xaxes if axis == "x" else fig.update_yaxes)(**settings)


def _stack_max(fig: go.Figure, attr: str) -> float:
    """The largest stacked total over the traces' ``attr`` ("x", "y" or "r") values."""
    totals: dict = {}
    for trace in fig.data:
        keys = trace.y if attr == "x" else (trace.theta if attr == "r" else trace.x)
        for key, value in zip(keys, getattr(trace, attr), strict=True):
            totals[key] = totals.get(key, 0) + (value or 0)
    return max(totals.values(), default=0)


def empty_figure(title: str, height: int = HEIGHT) -> go.Figure:
    """A figure that says there is nothing to show yet."""
    fig = go.Figure()
    _layout(fig, title, height=height)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(text=EMPTY_TEXT, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 16, "color": FALLBACK_COLOR})
    return fig


def _is_empty(df: pd.DataFrame | None) -> bool:
    return df is None or len(df) == 0


def _quarter_axis(quarters: Iterable[str]) -> list[str]:
    return [quarter_label(q) for q in sorted(set(quarters))]


def _ordered(present: Iterable[object], order: Iterable[str]) -> list:
    present = list(dict.fromkeys(present))
    known = [v for v in order if v in present]
    return known + [v for v in present if v not in known]


# --------------------------------------------------------------------------- Arbejdsark


def strengths_vs_needs_by_area(df: pd.DataFrame, include_important: bool = False,
                               title: str = "Styrker og behov pr. område") -> go.Figure:
    """Horizontal grouped bars: Lykkes and Brug for at styrke (and Vigtig opgave) per area.

    ``df``: :func:`metrics.entries_by_area` (area | vigtig_opgave | lykkes | brug_for_at_styrke).
    """
    if _is_empty(df):
        return empty_figure(title)
    columns = ["lykkes", "brug_for_at_styrke"] + (["vigtig_opgave"] if include_important else [])
    fig = go.Figure()
    for column in columns:
        name = CATEGORY_LABELS[column]
        fig.add_trace(go.Bar(
            y=df["area"], x=df[column], name=name, orientation="h", marker_color=CATEGORY_COLORS[name],
            hovertemplate=f"Område: %{{y}}<br>{name}: %{{x}}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed")
    _count_axis(fig, "x", int(df[columns].to_numpy().max()))
    return _layout(fig, title, "Antal punkter", "Område", height=max(HEIGHT, 60 + 45 * len(df)))


def need_share_by_area(df: pd.DataFrame, title: str = "Andel behov pr. område") -> go.Figure:
    """Horizontal bars of needs ÷ (strengths + needs) per area, as percent.

    ``df``: :func:`metrics.need_share_by_area`. Areas without strengths or needs are left out.
    """
    if _is_empty(df):
        return empty_figure(title)
    if "need_share" not in df.columns:  # plain entries_by_area: compute the share here
        total = (df["brug_for_at_styrke"] + df["lykkes"]).astype("float64")
        df = df.assign(need_share=df["brug_for_at_styrke"] / total.where(total > 0))
    df = df.loc[df["need_share"].notna()]
    if df.empty:
        return empty_figure(title)
    # In percent with a space before the sign, as Danish writes it ("57 %"; d3's ".0%" gives "57%").
    percent = df["need_share"] * 100
    fig = go.Figure(go.Bar(
        y=df["area"], x=percent, orientation="h", name="Andel behov",
        marker_color=CATEGORY_COLORS[vocab.BRUG_FOR_AT_STYRKE],
        customdata=df[["brug_for_at_styrke", "lykkes"]].to_numpy(),
        text=percent, texttemplate="%{x:.0f} %", textposition="auto",
        hovertemplate=("Område: %{y}<br>Andel behov: %{x:.0f} %<br>Brug for at styrke: %{customdata[0]}"
                       "<br>Lykkes: %{customdata[1]}<extra></extra>")))
    fig.update_xaxes(ticksuffix=" %", range=[0, 105], dtick=25)
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, "Behov ÷ (styrker + behov)", "Område",
                   height=max(HEIGHT, 60 + 35 * len(df)))


def needs_by_help(df: pd.DataFrame, title: str = "Behov fordelt på hjælp") -> go.Figure:
    """Bars of needs per help route. ``df``: :func:`metrics.needs_by_help` (help | count)."""
    if _is_empty(df):
        return empty_figure(title)
    labels = [_help_label(h) for h in df["help"]]
    fig = go.Figure(go.Bar(
        x=labels, y=df["count"], name="Behov", marker_color=[HELP_COLORS.get(x, FALLBACK_COLOR) for x in labels],
        text=df["count"], textposition="auto",
        hovertemplate="Hjælp: %{x}<br>Behov: %{y}<extra></extra>"))
    _count_axis(fig, "y", int(df["count"].max()))
    return _layout(fig, title, "Hjælp", "Antal behov")


def department_area_heatmap(matrix: pd.DataFrame, measure: str = "needs", title: str | None = None) -> go.Figure:
    """Departments × areas heatmap. ``matrix``: :func:`metrics.department_area_matrix`."""
    names = {"needs": ("Behov pr. afdeling og område", "Behov"),
             "strengths": ("Styrker pr. afdeling og område", "Styrker"),
             "important": ("Vigtige opgaver pr. afdeling og område", "Vigtige opgaver"),
             "need_share": ("Andel behov pr. afdeling og område", "Andel behov")}
    default_title, value_name = names.get(measure, names["needs"])
    title = title or default_title
    if matrix is None or matrix.size == 0 or matrix.isna().all().all():
        return empty_figure(title)
    share = measure == "need_share"
    value_format, suffix = (":.0f", " %") if share else ("", "")  # "57 %", as Danish writes it
    z = matrix.to_numpy(dtype="float64")
    fig = go.Figure(go.Heatmap(
        z=z * 100 if share else z, x=[str(c) for c in matrix.columns], y=[str(i) for i in matrix.index],
        colorscale=HEATMAP_SCALE, zmin=0, zmax=100 if share else None,
        texttemplate=f"%{{z{value_format}}}{suffix}", hoverongaps=False,
        colorbar={"title": {"text": value_name}, "ticksuffix": suffix or None, "thickness": 12},
        hovertemplate=f"Afdeling: %{{y}}<br>Område: %{{x}}<br>{value_name}: %{{z{value_format}}}{suffix}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickangle=-30)
    return _layout(fig, title, "Område", "Afdeling", height=max(HEIGHT, 160 + 30 * len(matrix)))


def departments_vs_average(by_department_area: pd.DataFrame, average: pd.DataFrame,
                           departments: Sequence[str], category: str = "brug_for_at_styrke",
                           title: str | None = None) -> go.Figure:
    """2–4 departments side by side against the company average, per area.

    ``by_department_area``: :func:`metrics.entries_by_department_area`; ``average``:
    :func:`metrics.company_average_by_area`; ``category`` one of the three category columns.
    """
    name = CATEGORY_LABELS.get(category, category)
    title = title or f"{name}: afdelinger mod gennemsnittet"
    if _is_empty(by_department_area) or _is_empty(average) or not departments:
        return empty_figure(title)
    chosen = by_department_area.loc[by_department_area["department"].isin(departments)]
    areas = area_order(list(chosen["area"].unique()) + list(average["area"].unique()))
    fig = go.Figure()
    for i, department in enumerate(departments):
        rows = chosen.loc[chosen["department"] == department].set_index("area")[category]
        values = [int(rows.get(a, 0)) for a in areas]
        fig.add_trace(go.Bar(
            y=areas, x=values, name=str(department), orientation="h",
            marker_color=SERIES_COLORS[i % len(SERIES_COLORS)],
            hovertemplate=f"Afdeling: {plain(department)}<br>Område: %{{y}}<br>{name}: %{{x}}<extra></extra>"))
    avg = average.set_index("area")[category]
    fig.add_trace(go.Bar(
        y=areas, x=[float(avg.get(a, 0.0)) for a in areas], name="Gennemsnit for virksomheden",
        orientation="h", marker={"color": AVERAGE_COLOR, "pattern": {"shape": "/"}},
        hovertemplate=f"Gennemsnit pr. afdeling<br>Område: %{{y}}<br>{name}: %{{x:.1f}}<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, f"Antal punkter ({name.lower()})", "Område",
                   height=max(HEIGHT, 80 + 22 * len(areas) * (len(departments) + 1)))


def needs_trend(df: pd.DataFrame, title: str = "Behov over årene pr. område") -> go.Figure:
    """Lines of needs per area over the years. ``df``: :func:`metrics.needs_trend`."""
    if _is_empty(df):
        return empty_figure(title)
    years = sorted(int(y) for y in df["year"].unique())
    fig = go.Figure()
    colors = _area_colors(df["area"].unique())
    for area in colors:
        rows = df.loc[df["area"] == area].set_index("year")["count"]
        fig.add_trace(go.Scatter(
            x=years, y=[int(rows.get(y, 0)) for y in years], name=str(area), mode="lines+markers",
            line={"color": colors[area]}, marker={"color": colors[area]},
            hovertemplate=f"Område: {plain(area)}<br>År: %{{x}}<br>Behov: %{{y}}<extra></extra>"))
    fig.update_xaxes(tickmode="array", tickvals=years, ticktext=[str(y) for y in years])
    _count_axis(fig, "y", int(df["count"].max()))
    return _layout(fig, title, "År", "Antal behov")


# --------------------------------------------------------------------------- Handleplan


def actions_by_quarter(df: pd.DataFrame, color_by: str = "help",
                       title: str = "Handlinger pr. kvartal") -> go.Figure:
    """Stacked bars of actions per quarter, by help route (``color_by="help"``) or status.

    ``df``: :func:`metrics.actions_by_quarter` (quarter | help | status | count).
    """
    if _is_empty(df):
        return empty_figure(title)
    if color_by == "status":
        colors, order, legend = STATUS_COLORS, vocab.STATUS.values, "Status"
        keys = df["status"].astype(object)
    else:
        colors, order, legend = HELP_COLORS, vocab.HELP.values, "Hjælp"
        keys = df["help"].map(_help_label)
    df = df.assign(_key=keys, _x=df["quarter"].map(quarter_label))
    x_order = _quarter_axis(df["quarter"])
    fig = go.Figure()
    for key in _ordered(df["_key"], order):
        rows = df.loc[df["_key"] == key].groupby("_x")["count"].sum()
        fig.add_trace(go.Bar(
            x=x_order, y=[int(rows.get(q, 0)) for q in x_order], name=str(key),
            marker_color=colors.get(key, FALLBACK_COLOR),
            hovertemplate=f"%{{x}}<br>{legend}: {plain(key)}<br>Handlinger: %{{y}}<extra></extra>"))
    # The legend names the colours even when there is only one (Plotly hides a lone trace's).
    fig.update_layout(barmode="stack", showlegend=True)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=x_order)
    _count_axis(fig, "y", _stack_max(fig, "y"))
    return _layout(fig, title, "Kvartal", "Antal handlinger")


def _quarter_status_bars(df: pd.DataFrame, title: str, y_title: str, noun: str,
                         order: Sequence[str], hours: bool = False) -> go.Figure:
    if _is_empty(df):
        return empty_figure(title)
    x_order = _quarter_axis(df["quarter"])
    # Sums per (status, quarter label) of a few dozen rows: plain Python, not a pandas
    # groupby per status (a few ms each on every cold page).
    totals: dict[tuple, list[float]] = {}
    for status, label, count, spent in zip(df["status"], df["quarter"].map(quarter_label), df["count"],
                                           df["hours"] if hours else repeat(0.0), strict=False):
        total = totals.setdefault((status, label), [0, 0.0])
        total[0] += int(count)
        total[1] += float(spent)
    fig = go.Figure()
    for status in _ordered(df["status"], order):
        counts = [totals.get((status, q), (0, 0.0))[0] for q in x_order]
        extra, custom = "", None
        if hours:
            custom = [totals.get((status, q), (0, 0.0))[1] for q in x_order]
            extra = "<br>Timer: %{customdata:,.1f}"
        fig.add_trace(go.Bar(
            x=x_order, y=counts, name=str(status), marker_color=STATUS_COLORS.get(status, FALLBACK_COLOR),
            customdata=custom,
            hovertemplate=f"%{{x}}<br>Status: {status}<br>{noun}: %{{y}}{extra}<extra></extra>"))
    fig.update_layout(barmode="stack", showlegend=True)  # one status has a colour to explain too
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=x_order)
    _count_axis(fig, "y", _stack_max(fig, "y"))
    return _layout(fig, title, "Kvartal", y_title, legend_title="")


def training_by_quarter(df: pd.DataFrame, title: str = "Uddannelse pr. kvartal") -> go.Figure:
    """Courses per quarter stacked by status, hours in the hover.

    ``df``: :func:`metrics.training_by_quarter` (quarter | status | count | hours).
    """
    return _quarter_status_bars(df, title, "Antal kurser", "Kurser", vocab.TRAINING_STATUS.values, hours=True)


def expert_assistance_by_quarter(df: pd.DataFrame,
                                 title: str = "Sagkyndig bistand (hjælp udefra) pr. kvartal") -> go.Figure:
    """Requests for expert assistance per quarter and status.

    ``df``: :func:`metrics.expert_assistance_by_quarter` (quarter | status | count).
    """
    return _quarter_status_bars(df, title, "Antal anmodninger", "Anmodninger", vocab.STATUS.values)


def supplementary_training_by_quarter(
        df: pd.DataFrame, title: str = "Supplerende arbejdsmiljøuddannelse pr. kvartal") -> go.Figure:
    """Egen kompetenceudvikling actions per quarter and status.

    ``df``: :func:`metrics.supplementary_training_by_quarter` (quarter | status | count).
    """
    return _quarter_status_bars(df, title, "Antal handlinger", "Handlinger", vocab.STATUS.values)


def aarshjul(df: pd.DataFrame, year: int | None = None, title: str | None = None) -> go.Figure:
    """The year as a wheel: four sectors (1.–4. kvartal), planned actions stacked by status.

    ``df``: :func:`metrics.actions_by_quarter` (quarter | help | status | count). With ``year``
    only that year's quarters count; without it, every year's actions fall in their quarter.
    """
    title = title or (f"Årshjul {year}: handlinger pr. kvartal" if year else "Årshjul: handlinger pr. kvartal")
    if _is_empty(df):
        return empty_figure(title, height=450)
    quarters = df["quarter"].map(lambda q: parse_label(str(q)))
    if year is not None:
        keep = quarters.map(lambda q: q.year == int(year))
        df, quarters = df.loc[keep], quarters.loc[keep]
    if df.empty:
        return empty_figure(title, height=450)
    sectors = [f"{n}. kvartal" for n in range(1, 5)]
    totals: dict[tuple, int] = {}  # (status, sector) -> actions: a few dozen rows, plain Python
    for status, quarter, count in zip(df["status"], quarters, df["count"], strict=True):
        key = (status, sectors[quarter.quarter - 1])
        totals[key] = totals.get(key, 0) + int(count)
    fig = go.Figure()
    for status in _ordered(df["status"], vocab.STATUS.values):
        fig.add_trace(go.Barpolar(
            theta=sectors, r=[totals.get((status, s), 0) for s in sectors], name=str(status),
            marker_color=STATUS_COLORS.get(status, FALLBACK_COLOR), marker_line_color="white",
            hovertemplate=f"%{{theta}}<br>Status: {status}<br>Handlinger: %{{r}}<extra></extra>"))
    _layout(fig, title, height=450)
    largest = _stack_max(fig, "r")
    # The count scale runs up the gap between the last and the first quarter (straight up), not
    # through the middle of the first quarter's bars.
    radial = {"tickformat": ",d", "angle": 90, "tickangle": 90, "showline": False}
    if largest <= 10:
        radial["dtick"] = 1
    fig.update_layout(
        margin={"l": 30, "r": 30, "t": fig.layout.margin.t + 12, "b": 30},
        showlegend=True,  # one status has a colour to explain too
        polar={"barmode": "stack", "bargap": 0.05, "radialaxis": radial,
                   "angularaxis": {"direction": "clockwise", "rotation": 45, "categoryorder": "array",
                                    "categoryarray": sectors}})
    return fig


def aarshjul_actions(df: pd.DataFrame, year: int, title: str | None = None) -> go.Figure:
    """The year wheel with every action: quarters inside, the actions around, coloured by status.

    ``df``: :func:`metrics.actions_of_year` (quarter_number | department | what | help | status).
    """
    title = title or f"Årshjul {year}: handleplanens indsatser"
    if _is_empty(df):
        return empty_figure(title, height=500)
    sectors = [f"{n}. kvartal" for n in range(1, 5)]
    counts = df["quarter_number"].value_counts()
    ids, labels, parents, colors, hover, values = [], [], [], [], [], []
    # Plotly draws sunburst sectors counter-clockwise: add the quarters 4..1 so that they
    # read clockwise from the top, every quarter the same size like a wheel.
    rows = df.sort_values("quarter_number", kind="stable").iloc[::-1]
    for number in range(4, 0, -1):
        sector = sectors[number - 1]
        ids.append(sector)
        labels.append(sector)
        parents.append("")
        colors.append("#F2F2F2")
        hover.append(f"{sector} {year}<br>Handlinger: {int(counts.get(number, 0))}")
        values.append(1.0)
    for i, row in enumerate(rows.itertuples(index=False)):
        sector = sectors[int(row.quarter_number) - 1]
        what = str(row.what) if row.what is not None else ""
        short = what if len(what) <= 28 else what[:27] + "…"
        ids.append(f"{sector}/{i}")
        labels.append(short)
        parents.append(sector)
        colors.append(STATUS_COLORS.get(row.status, FALLBACK_COLOR))
        urgent = "<br>Hastende" if row.urgent else ""
        hover.append(f"{plain(what)}<br>Afdeling: {plain(row.department)}<br>Hjælp: {_help_label(row.help)}"
                     f"<br>Status: {row.status}{urgent}")
        values.append(1.0 / int(counts[row.quarter_number]))
    fig = go.Figure(go.Sunburst(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
        marker={"colors": colors, "line": {"color": "white", "width": 1}},
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", insidetextorientation="radial",
        sort=False, rotation=90, leaf={"opacity": 1.0}))
    # A legend for the status colours (sunburst has none of its own).
    for status in _ordered(df["status"], vocab.STATUS.values):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=str(status), hoverinfo="skip",
                                 marker={"size": 12, "symbol": "square",
                                         "color": STATUS_COLORS.get(status, FALLBACK_COLOR)}))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, height=500)


# --------------------------------------------------------------------------- Uddannelse


def training_hours_by_department_role(df: pd.DataFrame,
                                      title: str = "Uddannelsestimer pr. afdeling og rolle",
                                      x_title: str = "Timer") -> go.Figure:
    """Horizontal stacked bars of training hours per department, by role (``x_title`` under the
    bars: room for a note on what is counted, which a half-width title has not).

    ``df``: :func:`metrics.training_hours_by_department_role` (department | role | count | hours).
    """
    if _is_empty(df):
        return empty_figure(title)
    departments = list(dict.fromkeys(df["department"]))
    fig = go.Figure()
    for role in _ordered(df["role"], vocab.TRAINING_ROLE.values):
        rows = df.loc[df["role"] == role].set_index("department")
        fig.add_trace(go.Bar(
            y=departments, x=[float(rows["hours"].get(d, 0.0)) for d in departments],
            customdata=[int(rows["count"].get(d, 0)) for d in departments],
            name=str(role), orientation="h", marker_color=ROLE_COLORS.get(role, FALLBACK_COLOR),
            hovertemplate=(f"Afdeling: %{{y}}<br>Rolle: {role}<br>Timer: %{{x:,.1f}}"
                           "<br>Kurser: %{customdata}<extra></extra>")))
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, x_title, "Afdeling", height=max(HEIGHT, 100 + 30 * len(departments)))


__all__ = [
    "CATEGORY_COLORS",
    "EMPTY_TEXT",
    "HELP_COLORS",
    "NO_HELP",
    "OKABE_ITO",
    "ROLE_COLORS",
    "SERIES_COLORS",
    "STATUS_COLORS",
    "aarshjul",
    "actions_by_quarter",
    "area_color",
    "department_area_heatmap",
    "departments_vs_average",
    "empty_figure",
    "expert_assistance_by_quarter",
    "need_share_by_area",
    "needs_by_help",
    "needs_trend",
    "quarter_label",
    "strengths_vs_needs_by_area",
    "supplementary_training_by_quarter",
    "training_by_quarter",
    "training_hours_by_department_role",
]
