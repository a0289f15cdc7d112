"""Charts besides the Gantt: queue length over time, waits and metrics across variants of a
scenario, execution order, and failed jobs against a what-if parameter."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import tables
from .colors import backend_styles, color_map
from .gantt import LEGEND, LEGEND_PX, WEBGL_THRESHOLD, title_spec
from .text import esc, esc_all, unesc
from .timefmt import clocks, durations, time_unit

Variants = Mapping[str, pd.DataFrame]  # variant label → jobs table

# Each series of a line chart gets its own dash and marker symbol, so that series that share
# points (or all of them) stay distinguishable where they overlap.
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "square", "diamond", "x", "triangle-up", "cross")
LINE_WIDTH = 2
MARKER_SIZE = 6
OVERLAP = 0.2  # share of common points above which a series is drawn as a rim (see below)
CHAR_PX = 7.5  # a generous width of one character of a 12 px tick label, for the left margin
LEGEND_ROW_PX = 30  # one row of a horizontal legend


def _layout(fig: go.Figure, title: str | None, height: int = 360, **extra) -> go.Figure:
    fig.update_layout(
        title=title_spec(title),
        height=height + (LEGEND_PX if extra.get("showlegend", True) else 0),
        margin={"l": 10, "r": 10, "t": 40 if title else 20, "b": 10},
        legend=LEGEND,
        **extra,
    )
    return fig


def _empty(fig: go.Figure, message: str) -> go.Figure:
    fig.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    return fig


def _variant_colors(labels: Sequence[str], colors: Mapping[str, str] | None) -> dict[str, str]:
    return dict(colors) if colors else color_map(labels)


def _points(trace) -> set[tuple[float, float]]:
    x = np.asarray(trace.x if trace.x is not None else [], dtype=float)
    y = np.asarray(trace.y if trace.y is not None else [], dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    return set(zip(np.round(x[keep], 9).tolist(), np.round(y[keep], 9).tolist(), strict=True))


def _keep_visible(fig: go.Figure, title: str | None) -> go.Figure:
    """Series that share points must not hide each other.

    Every series gets its own dash and marker symbol. A series that runs along a later one
    (shares at least ``OVERLAP`` of the points of the shorter of the two, and two points or
    more) is drawn wider, with bigger markers, so that it shows as a rim around the later one,
    which would otherwise cover it. Series equal at every point are also named in a note under
    the title: no styling makes two identical lines read as two.
    """
    lines = list(fig.data)
    points = [_points(t) for t in lines]

    def along(i: int, j: int) -> bool:
        shared = len(points[i] & points[j])
        return shared >= 2 and shared >= OVERLAP * min(len(points[i]), len(points[j]))

    same: list[str] = []
    for i, trace in enumerate(lines):
        under = min(2, sum(1 for j in range(i + 1, len(lines)) if along(i, j)))
        trace.line.dash = DASHES[i % len(DASHES)]
        trace.line.width = LINE_WIDTH + 2.5 * under
        trace.marker.symbol = SYMBOLS[i % len(SYMBOLS)]
        trace.marker.size = MARKER_SIZE + 4 * under
        twin = next((j for j in range(i) if points[j] and points[j] == points[i]), None)
        if twin is not None:
            same.append(f"“{lines[twin].name}” = “{trace.name}” everywhere")
    if same:
        notes = "<br>".join(f"<span style='font-size:12px;color:#555'>{n}</span>" for n in same)
        head = f"{esc(title)}<br>" if title else ""  # the notes are markup: no title_spec
        fig.update_layout(
            title={"text": head + notes, "x": 0.01, "xanchor": "left"}, meta={"coincide": same}
        )
        fig.layout.margin.t = (fig.layout.margin.t or 20) + 18 * len(same)
    return fig


def _wrap(label: str, width: int = 12) -> str:
    """A tick label on lines of about ``width`` characters (never rotated: rotated labels of
    neighbouring bars overlap in a narrow column)."""
    return "<br>".join(esc(line) for line in textwrap.wrap(label, width)) or esc(label)


def align(figs: Sequence[go.Figure]) -> list[go.Figure]:
    """Make charts shown side by side comparable (the Gantts of the variants of a comparison).

    They get the same height (with room for the whole legend), the same x range (the union;
    pass every chart the same ``time_range`` so that the unit is the same too), the same left
    margin (so the plot areas are equally wide, whatever the row labels) and the same legend
    entries in the same order: an entry missing from one chart is added there without data,
    so equal colours mean equal things in every chart.
    """
    figs = list(figs)
    if not figs:
        return figs
    ranges = [f.layout.xaxis.range for f in figs if f.layout.xaxis.range]
    # As drawn: "&lt;" is one character wide (figures.text).
    labels = [unesc(str(t)) for f in figs for t in (f.layout.yaxis.ticktext or ())]
    left = int(16 + CHAR_PX * max((len(t) for t in labels), default=0))
    entries: dict[str, dict] = {}
    for f in figs:
        for t in f.data:
            if t.name and t.showlegend is not False and t.name not in entries:
                entries[t.name] = _legend_only(t)
    rank = {name: 10 * (i + 1) for i, name in enumerate(entries)}
    # Room for the (now longer) legend: plotly caps a horizontal legend at half the figure's
    # height and scrolls the rest, which hid entries of a short Gantt. In a half-width column
    # most entries take a row of their own; what the legend does not use goes to the plot,
    # equally in every chart since their legends are the same.
    legend_px = LEGEND_ROW_PX * len(entries) + 10
    height = max(int(f.layout.height or 0) for f in figs) + max(0, legend_px - LEGEND_PX)
    for f in figs:
        names = {t.name for t in f.data if t.showlegend is not False}
        for name, spec in entries.items():
            if name not in names:
                f.add_trace(spec)
        for t in f.data:
            if t.name in rank:
                t.legendrank = rank[t.name]
        f.update_layout(height=height, legend_maxheight=legend_px)
        f.layout.margin.l = left
        if ranges:
            f.layout.xaxis.range = [min(r[0] for r in ranges), max(r[1] for r in ranges)]
    return figs


def _legend_only(trace) -> dict:
    """A copy of ``trace`` that only draws its legend entry."""
    spec = trace.to_plotly_json()
    for key in ("x", "y", "base", "customdata", "hovertemplate", "text", "width", "error_y"):
        spec.pop(key, None)
    spec.update(x=[None], y=[None], meta="legend", hoverinfo="skip", showlegend=True)
    return spec


def job_number(job_ids: pd.Series) -> pd.Series:
    """K from job ids ``WORKLOAD.K`` (the workload's submission order)."""
    return job_ids.astype(str).str.rsplit(".", n=1).str[-1].astype(int)


# --- over time -----------------------------------------------------------------------------


def queue_length(
    events: pd.DataFrame,
    *,
    backends: Sequence[str] | None = None,
    end_time: float | None = None,
    colors: Mapping[str, str] | None = None,
    webgl_threshold: int = WEBGL_THRESHOLD,
    max_points: int = 8000,
    time_range: tuple[float, float] | None = None,
    margin_left: int | None = None,
    title: str | None = "Jobs waiting in the queue",
) -> go.Figure:
    """Queued jobs per backend over time (a step line per backend).

    Above ``max_points`` steps a backend's line shows the peak of each of ``max_points / 2``
    equal intervals instead (hover says "at most"). Backends get colours and dashes of their
    own (``colors.backend_styles``), never a job group's colour; ``colors`` overrides them.
    ``time_range`` (seconds) draws that window in the unit the Gantt would choose for it, and
    ``margin_left`` (px, e.g. ``gantt.label_margin``) lines the time axis up with the Gantts'.
    """
    q = tables.queue_length(events)
    end = float(end_time if end_time is not None else events["time"].max() if len(events) else 0)
    lo, hi = time_range if time_range is not None else (0.0, end)
    unit, per = time_unit(hi - lo)
    if backends is None:
        backends = list(dict.fromkeys(q["backend"]))
    styles = backend_styles(backends)
    for b, c in (colors or {}).items():
        styles.setdefault(b, {"dash": "solid"})["color"] = c
    fig = go.Figure()
    for b in backends:
        times, counts, start_count, how = _window_steps(q[q["backend"] == b], lo, hi, max_points)
        last = counts[-1] if len(counts) else start_count
        x = np.concatenate([[lo], times, [hi]]) / per
        y = np.concatenate([[start_count], counts, [last]])
        kind = go.Scattergl if len(x) > webgl_threshold else go.Scatter
        style = styles.get(str(b), {})
        fig.add_trace(
            kind(
                x=x,
                y=y,
                mode="lines",
                line={"shape": "hv", "color": style.get("color"), "dash": style.get("dash")},
                name=esc(b),
                meta="queue",
                hovertemplate=f"%{{x:.2f}} {unit}: %{{y}} {how}<extra>{esc(b)}</extra>",
            )
        )
    if not len(q):
        _empty(fig, "no jobs were submitted")
    fig = _layout(
        fig,
        title,
        height=300,
        xaxis={"title": {"text": f"time since start ({unit})"}, "range": [lo / per, hi / per or 1]},
        yaxis={"title": {"text": "jobs queued"}, "rangemode": "tozero", "fixedrange": True},
        dragmode="zoom",
    )
    if margin_left is not None:
        fig.update_layout(margin={"l": margin_left})
    return fig


def _window_steps(part: pd.DataFrame, lo: float, hi: float, max_points: int) -> tuple:
    """One backend's queue steps inside [lo, hi]: (times, counts, the count in force at
    ``lo``, the hover's word). Above ``max_points`` steps, each interval's peak instead (more
    steps than pixels: SVG stays fast, and software-rendered WebGL is very slow on a line of
    100k+ points)."""
    times, counts = part["time"].to_numpy(dtype=float), part["queued"].to_numpy()
    first = np.searchsorted(times, lo, side="right")
    start_count = counts[first - 1] if first > 0 else 0
    inside = times[first:] <= hi
    times, counts = times[first:][inside], counts[first:][inside]
    if len(times) <= max_points:
        return times, counts, start_count, "queued"
    times, counts = tables.step_envelope(
        times, counts, hi, max_points // 2, start=lo, before=start_count
    )
    return times, counts, start_count, "queued at most"


# --- comparisons of variants ---------------------------------------------------------------


def waits_by_job(
    variants: Variants,
    *,
    colors: Mapping[str, str] | None = None,
    title: str | None = "Wait of each job",
) -> go.Figure:
    """Wait of job 1, 2, … of one workload, one line per variant (pass that workload's jobs)."""
    cmap = _variant_colors(list(variants), colors)
    top = max(
        (float(j["wait"].max()) for j in variants.values() if j["wait"].notna().any()), default=0.0
    )
    unit, per = time_unit(top)
    fig = go.Figure()
    for label, jobs in variants.items():
        ran = jobs[jobs["wait"].notna()]
        k = job_number(ran["job_id"]) if len(ran) else pd.Series(dtype=int)
        order = np.argsort(k.to_numpy(), kind="stable")
        fig.add_trace(
            go.Scatter(
                x=k.to_numpy()[order],
                y=ran["wait"].to_numpy()[order] / per,
                mode="lines+markers",
                name=esc(label),
                meta="waits",
                line={"color": cmap.get(label)},
                customdata=np.column_stack(
                    [
                        esc_all(ran["job_id"].to_numpy()[order]),
                        durations(ran["wait"].to_numpy()[order]),
                    ]
                ),
                hovertemplate="%{customdata[0]}: waited %{customdata[1]}<extra>"
                + esc(label)
                + "</extra>",
            )
        )
    _layout(
        fig,
        title,
        xaxis={"title": {"text": "job number"}},
        yaxis={"title": {"text": f"wait ({unit})"}, "rangemode": "tozero"},
    )
    return _keep_visible(fig, title)


def wait_distribution(
    variants: Variants,
    *,
    by: str = "user",
    colors: Mapping[str, str] | None = None,
    title: str | None = "Waits by user",
) -> go.Figure:
    """Box plot of waits per group (``by`` is a jobs column), one box colour per variant."""
    cmap = _variant_colors(list(variants), colors)
    waits = [j["wait"].dropna() for j in variants.values()]
    top = max((float(w.max()) for w in waits if len(w)), default=0.0)
    unit, per = time_unit(top)
    fig = go.Figure()
    for label, jobs in variants.items():
        ran = jobs[jobs["wait"].notna()]
        fig.add_trace(
            go.Box(
                x=esc_all(ran[by].astype(str)),
                y=ran["wait"].to_numpy() / per,
                name=esc(label),
                meta="waits",
                marker={"color": cmap.get(label)},
                boxmean=True,
                hovertemplate=f"%{{x}}: %{{y:.2f}} {unit}<extra>{esc(label)}</extra>",
            )
        )
    if not any(len(w) for w in waits):
        _empty(fig, "no job has started")
    return _layout(
        fig,
        title,
        boxmode="group",
        xaxis={"title": {"text": esc(by)}},
        yaxis={"title": {"text": f"wait ({unit})"}, "rangemode": "tozero"},
    )


def metric_bars(
    values: pd.DataFrame,
    *,
    title: str,
    kind: str = "duration",
    colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """One bar per variant (``variant, value`` and optional ``low, high`` columns).

    ``kind`` is ``duration`` (seconds, shown in a readable unit) or ``count``. When ``low``
    and ``high`` are present (a confidence interval), they are drawn as error bars.
    """
    labels = [str(v) for v in values["variant"]]
    cmap = _variant_colors(labels, colors)
    finite = values["value"].astype(float).replace([np.inf, -np.inf], np.nan).dropna()
    unit, per = time_unit(float(finite.max()) if len(finite) else 0.0)
    if kind != "duration":
        unit, per = "", 1.0
    y = values["value"].astype(float).to_numpy() / per
    bar = {
        "x": esc_all(labels),
        "y": y,
        "marker": {"color": [cmap.get(label) for label in labels]},
        "meta": "metric",
        "textposition": "none",
        "name": esc(title),
        "hovertemplate": "%{x}: %{y:.3~f}" + (f" {unit}" if unit else "") + "<extra></extra>",
    }
    if {"low", "high"} <= set(values.columns):
        low = values["low"].astype(float).to_numpy() / per
        high = values["high"].astype(float).to_numpy() / per
        bar["error_y"] = {
            "type": "data",
            "symmetric": False,
            "array": np.nan_to_num(high - y),
            "arrayminus": np.nan_to_num(y - low),
            "visible": bool(np.isfinite(high).any()),
        }
    fig = go.Figure(go.Bar(**bar))
    axis = esc(f"{title} ({unit})" if unit else title)
    return _layout(
        fig,
        title,
        height=300,
        showlegend=False,
        xaxis={"tickmode": "array", "tickvals": esc_all(labels),
               "ticktext": [_wrap(v) for v in labels],
               "tickangle": 0},
        yaxis={"title": {"text": axis}, "rangemode": "tozero"},
    )  # fmt: skip


def execution_order(
    variants: Variants,
    *,
    end_time: float | None = None,
    colors: Mapping[str, str] | None = None,
    title: str | None = "When each job ran",
) -> go.Figure:
    """Start time of job 1, 2, … per variant: gaps show time spent queued behind others."""
    cmap = _variant_colors(list(variants), colors)
    starts = [j["started"].dropna() for j in variants.values()]
    top = (
        end_time
        if end_time is not None
        else max((float(s.max()) for s in starts if len(s)), default=0.0)
    )
    unit, per = time_unit(top)
    fig = go.Figure()
    for label, jobs in variants.items():
        ran = jobs[jobs["started"].notna()].sort_values("started", kind="stable")
        k = job_number(ran["job_id"]) if len(ran) else pd.Series(dtype=int)
        fig.add_trace(
            go.Scatter(
                x=ran["started"].to_numpy() / per,
                y=k.to_numpy(),
                mode="lines+markers",
                name=esc(label),
                meta="order",
                line={"color": cmap.get(label), "shape": "hv"},
                customdata=np.column_stack([esc_all(ran["job_id"]), clocks(ran["started"])]),
                hovertemplate="%{customdata[0]} started %{customdata[1]}<extra>"
                + esc(label)
                + "</extra>",
            )
        )
    _layout(
        fig,
        title,
        xaxis={"title": {"text": f"time since start ({unit})"}},
        yaxis={"title": {"text": "job number"}, "rangemode": "tozero"},
    )
    return _keep_visible(fig, title)


def failed_vs_parameter(
    table: pd.DataFrame,
    *,
    x_title: str,
    selected: float | None = None,
    colors: Mapping[str, str] | None = None,
    title: str | None = "Failed jobs",
    seconds: bool = False,
) -> go.Figure:
    """Failed jobs against a parameter: ``x, failed`` and optional ``series`` columns (one line
    per series). ``selected`` marks the value currently chosen with a vertical line.

    ``seconds=True``: ``x`` (and ``selected``) are times in seconds; the axis is drawn in a unit
    chosen from the span, with the unit in its title, and the hover writes the time as the
    dashboard's sliders do (``04:05:00``)."""
    if "series" not in table.columns:
        table = table.assign(series="failed jobs")
    axis_title, value, per = esc(x_title), "%{x}", 1.0
    if seconds:
        unit, per = time_unit(float(table["x"].max()) if len(table) else 0.0)
        axis_title, value = esc(f"{x_title} ({unit})"), "%{customdata}"
        selected = None if selected is None else selected / per
    labels = list(dict.fromkeys(table["series"].astype(str)))
    cmap = _variant_colors(labels, colors)
    fig = go.Figure()
    for label in labels:
        part = table[table["series"].astype(str) == label].sort_values("x")
        fig.add_trace(
            go.Scatter(
                x=part["x"] / per,
                y=part["failed"],
                customdata=clocks(part["x"]) if seconds else None,
                mode="lines+markers",
                name=esc(label),
                meta="failed",
                line={"color": cmap.get(label)},
                hovertemplate=f"{esc(x_title)} {value}: %{{y}} failed<extra>{esc(label)}</extra>",
            )
        )
    if selected is not None and math.isfinite(selected):
        fig.add_vline(x=selected, line_dash="dot", line_color="#555")
    if table.empty:
        _empty(fig, "nothing to show")
    _layout(
        fig,
        title,
        height=320,
        xaxis={"title": {"text": axis_title}},
        yaxis={"title": {"text": "failed jobs"}, "rangemode": "tozero"},
    )
    return _keep_visible(fig, title)
