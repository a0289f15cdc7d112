"""Gantt chart of what each backend did: jobs, calibrations, held and reserved idle time,
reservation windows, and each session's active/inactive spans as a thin band below.

One trace per colour group and one per kind — never one per job, which is what keeps a chart
of 100k jobs buildable. Above ``WEBGL_THRESHOLD`` segments the job bars and session bands
become WebGL rectangles (``go.Scattergl`` filled polygons in data units, one trace per colour
group, separated by gaps), so they sit exactly where the SVG bars would, as thick. The
patterned kinds (calibrations, held and reserved idle time) stay SVG bars, patterns included,
unless they alone pass the threshold. Above ``OVERVIEW_THRESHOLD`` job segments even WebGL is
too slow where the browser renders it in software (seconds per chart, and per zoom), so the
jobs are drawn as an overview instead: the window is cut into ``OVERVIEW_BINS`` equal slices,
and each busy slice is one bar in the colour of the group that used most of it, as tall as
the share of the slice that was busy (a half-busy slice fills half the row), so the drawn
area is the busy time. The page offers a shorter window to see single jobs.

Rows run downwards from y = 0 (negative y, axis range [-total, 0]): WebGL's line code
(regl-line2d) mis-scales a *reversed* range once a chart is updated (Streamlit updates each
chart once after drawing it) and drew every WebGL bar half a row too low. The time axis is
numeric, in a unit chosen from the span (``px.timeline`` would need datetimes). A box drag
zooms the time axis only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import tables
from .colors import KIND_STYLE, colors_for
from .text import esc, esc_all
from .timefmt import clocks, durations, time_unit

WEBGL_THRESHOLD = 5000
OVERVIEW_THRESHOLD = 20_000  # job segments in one chart
# Slices of the time window: at least 2 px each on a 600-px plot. Plotly widens a bar under
# 2 px to whole pixels so that it stays visible; 1,200 sub-pixel slices therefore overlapped,
# and each pixel column showed its busiest slice (a backend 80 % busy looked ~100 % busy).
OVERVIEW_BINS = 300
ROW_PX = 56  # height of a backend row in pixels; a session row is SESSION_ROW of it
SESSION_ROW = 0.5
BAR = 0.8  # bar thickness, as a fraction of the row
HOVER_STEPS = 200  # WebGL hover points: at least one per 1/200 of the window along each bar
LABEL_PX = 7.5  # width of a y tick label's character, generously (12 px sans-serif)
COLOR_BY = ("user", "session", "mode")

# Plain ASCII: in WebGL mode the filled-in template is sent once per job.
JOB_HOVER = (
    "<b>%{customdata[0]}</b><br>user %{customdata[1]}, session %{customdata[2]}<br>"
    "submitted %{customdata[3]}, started %{customdata[4]}, finished %{customdata[5]}<br>"
    "wait %{customdata[6]}<br>%{customdata[7]} %{customdata[8]}<extra></extra>"
)
SPAN_HOVER = "<b>%{customdata[0]}</b><br>%{customdata[1]} to %{customdata[2]} (%{customdata[3]})"
JOB_COLUMNS = ["job_id", "user", "mode", "session_id", "submitted", "started", "finished", "wait",
               "status", "reason"]  # fmt: skip


# Legend at the bottom of the figure (above the plot it would collide with the title when it
# wraps in a narrow column); plotly grows the bottom margin to fit it.
LEGEND = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "y": 0,
    "yanchor": "bottom",
    "yref": "container",
}
LEGEND_PX = 70  # room for the legend's rows


def title_spec(title: str | None) -> dict | None:
    # A title is plain text (it may name a backend or workload): escaped (figures.text).
    return None if title is None else {"text": esc(title), "x": 0.01, "xanchor": "left"}


@dataclass(frozen=True)
class _Row:
    label: str
    y: float
    height: float
    backend: str


def gantt(
    timeline: pd.DataFrame,
    jobs: pd.DataFrame,
    events: pd.DataFrame,
    *,
    color_by: str = "user",
    colors: Mapping[str, str] | None = None,
    backends: Sequence[str] | None = None,
    end_time: float | None = None,
    webgl_threshold: int = WEBGL_THRESHOLD,
    overview_threshold: int = OVERVIEW_THRESHOLD,
    time_range: tuple[float, float] | None = None,
    title: str | None = None,
) -> go.Figure:
    """A Gantt chart, one row per backend plus one thin row per session on it.

    ``color_by`` is ``user``, ``session`` or ``mode``; ``colors`` maps group names to colours
    (pass the same map on every page to keep colours consistent). Each trace carries its kind
    in ``meta`` (``job``, ``calibration``, ``pause``, ``idle_held``, ``reserved_idle``,
    ``reservation``, ``session_active``, ``session_inactive``). ``time_range`` (seconds) keeps
    only what overlaps that window and zooms the axis to it. Above ``overview_threshold`` job
    segments the jobs are drawn as an overview (see the module's docstring); ``is_overview``
    tells.
    """
    if color_by not in COLOR_BY:
        raise ValueError(f"color_by must be one of {COLOR_BY}, not {color_by!r}")
    if backends is None:
        backends = list(dict.fromkeys(timeline["backend"]))
    end = float(end_time if end_time is not None else timeline["end"].max() if len(timeline) else 0)
    lo, hi = time_range if time_range is not None else (0.0, end)
    tl = _within(timeline[timeline["backend"].isin(backends)], lo, hi)
    spans = tables.session_spans(events, end)
    spans = _within(spans[spans["backend"].isin(backends)], lo, hi)
    windows = tables.reservation_windows(events, end)
    windows = _within(windows[windows["backend"].isin(backends)], lo, hi)

    overview = is_overview(tl, overview_threshold)
    # R41: classical pre-processing, one thin row per lane in use (not in an overview, which
    # draws no single jobs).
    pre = tables.preprocess_lanes(events, end)
    pre = pre.iloc[0:0] if overview else _within(pre[pre["backend"].isin(backends)], lo, hi)
    rows, row_y, blocks = _rows(backends, spans, pre)
    unit, per = time_unit(hi - lo)
    # Segments drawn one by one: an overview replaces the jobs by a fixed number of slices, so
    # only the rest counts. Below the threshold SVG bars; above it WebGL, which is fast with
    # many segments but costs about a second per chart to start in a GPU-less browser.
    drawn = tl["kind"] != "idle"
    if overview:
        drawn &= tl["kind"] != "job"
    segments = int(drawn.sum()) + len(spans) + len(pre)
    step = (hi - lo) / HOVER_STEPS
    draw = _Drawer(per, webgl=segments > webgl_threshold, step=step)
    # Patterns exist only on SVG bars: the patterned kinds stay bars unless they alone are many.
    patterned = tl["kind"].isin(["idle_held", "reserved_idle", "calibration", "pause"])
    draw_kind = _Drawer(per, webgl=int(patterned.sum()) > webgl_threshold, step=step)

    traces: list[go.BaseTraceType] = []
    if len(windows):
        traces.append(_windows_trace(windows, blocks, per))
    for kind in ("idle_held", "reserved_idle", "calibration", "pause"):
        part = tl[tl["kind"] == kind]
        if len(part):
            traces.append(_kind_trace(draw_kind, kind, part, row_y))
    if overview:
        traces.extend(_overview_traces(tl, jobs, row_y, color_by, colors, lo, hi, per))
    else:
        traces.extend(_job_traces(draw, tl, jobs, row_y, color_by, colors))
        traces.extend(_preprocess_traces(draw, pre, tl, jobs, row_y, color_by, colors))
    for state in ("active", "inactive"):
        part = spans[spans["state"] == state]
        if len(part):
            traces.append(_span_trace(draw, state, part, row_y))
    hover = _Drawer.hover_trace([draw, draw_kind])
    if hover is not None:
        traces.append(hover)

    fig = go.Figure(traces)
    total = sum(r.height for r in rows) or 1.0
    fig.update_layout(
        title=title_spec(title),
        barmode="overlay",
        height=int(130 + LEGEND_PX + total * ROW_PX),
        # The same left margin on every backend's chart (wide enough for every row label of
        # every backend), so that their time axes line up one above the other.
        margin={"l": label_margin(events), "r": 10, "t": 40 if title else 20, "b": 10},
        legend=LEGEND,
        hovermode="closest",
        dragmode="zoom",  # Streamlit makes it "pan" when a chart is clickable and none is set
        xaxis={"title": {"text": f"time since start ({unit})"}, "range": [lo / per, hi / per or 1]},
        yaxis={
            "tickmode": "array",
            "tickvals": [r.y for r in rows],
            "ticktext": [esc(r.label) for r in rows],
            # Top row first; explicit, so rows keep their heights. Increasing: see above.
            "range": [-total, 0],
            "fixedrange": True,  # a box drag zooms time, never squashes the rows
            "showgrid": False,
            "zeroline": False,
        },
    )
    return fig


def label_margin(events: pd.DataFrame) -> int:
    """Left margin (px) for the charts of a run: room for the longest row label of any backend
    (a backend's name, or "↳ " and a session id), the same whichever backends a chart shows."""
    labels = [str(b) for b in pd.unique(events["backend"].dropna())]
    labels += [f"↳ {s}" for s in pd.unique(events["session_id"].dropna())]
    if "event" in events and (events["event"] == "preprocess_start").any():
        labels.append(f"↳ {PREPROCESS_LABEL} 99")  # R41 lane rows
    longest = max((len(x) for x in labels), default=8)
    return int(round(20 + LABEL_PX * longest))


def is_overview(timeline: pd.DataFrame, threshold: int = OVERVIEW_THRESHOLD) -> bool:
    """Whether ``gantt`` draws these timeline rows' jobs as an overview."""
    return int((timeline["kind"] == "job").sum()) > threshold


def _within(frame: pd.DataFrame, lo: float, hi: float) -> pd.DataFrame:
    """Rows whose [start, end] overlaps [lo, hi]."""
    return frame[(frame["end"] >= lo) & (frame["start"] <= hi)]


def _rows(
    backends: Sequence[str], spans: pd.DataFrame, pre: pd.DataFrame | None = None
) -> tuple[list[_Row], dict[tuple[str, object], float], dict[str, tuple[float, float]]]:
    """Rows top to bottom; y of each (backend, session) row — and of each pre-processing lane
    in use, keyed (backend, ("lane", k)), right under its backend (R41); each backend's
    (centre, height)."""
    rows: list[_Row] = []
    row_y: dict[tuple[str, str | None], float] = {}
    blocks: dict[str, tuple[float, float]] = {}
    cursor = 0.0  # rows go down from 0: y is minus the distance from the top
    for b in backends:
        top = cursor
        rows.append(_Row(b, -(cursor + 0.5), 1.0, b))
        row_y[(b, None)] = -(cursor + 0.5)
        cursor += 1.0
        lanes = [] if pre is None else sorted(set(pre.loc[pre["backend"] == b, "lane"]))
        for k in lanes:
            y = -(cursor + SESSION_ROW / 2)
            rows.append(_Row(f"↳ {PREPROCESS_LABEL} {k}", y, SESSION_ROW, b))
            row_y[(b, ("lane", k))] = y
            cursor += SESSION_ROW
        for sid in sorted(set(spans.loc[spans["backend"] == b, "session_id"])):
            y = -(cursor + SESSION_ROW / 2)
            rows.append(_Row(f"↳ {sid}", y, SESSION_ROW, b))
            row_y[(b, sid)] = y
            cursor += SESSION_ROW
        blocks[b] = (-(top + cursor) / 2, cursor - top)
    return rows, row_y, blocks


class _Drawer:
    """Draws a set of segments as SVG bars, or as WebGL rectangles above the threshold.

    In WebGL mode the rectangles carry no hover data (a hover row per corner would multiply
    the payload); instead transparent markers along the middle of each segment (its centre,
    and one per ``step`` seconds of a long one, so hovering anywhere along a bar finds it)
    carry the same hover text, and the first customdata field (the job id a click picks), in
    a single ``hover`` trace built by :meth:`hover_trace`.
    """

    def __init__(self, per: float, webgl: bool, step: float = 0.0):
        self.per, self.webgl, self.step = per, webgl, step / per
        self._hover: list[tuple[np.ndarray, np.ndarray, list[str], np.ndarray]] = []

    def __call__(
        self,
        *,
        kind: str,
        name: str,
        start: np.ndarray,
        end: np.ndarray,
        y: np.ndarray,
        thickness: float,
        color: str,
        customdata: np.ndarray,
        hovertemplate: str,
        pattern: str = "",
    ) -> go.BaseTraceType:
        start = np.asarray(start, dtype=float) / self.per
        end = np.asarray(end, dtype=float) / self.per
        y = np.asarray(y, dtype=float)
        group = kind if kind != "job" else name
        if not self.webgl:
            marker: dict = {"color": color, "line": {"width": 0}}
            if pattern:
                marker["pattern"] = {"shape": pattern, "fgcolor": "rgba(0,0,0,0.35)"}
            return go.Bar(
                orientation="h",
                base=start,
                x=end - start,
                y=y,
                width=thickness,
                marker=marker,
                name=name,
                meta=kind,
                customdata=customdata,
                hovertemplate=hovertemplate,
                textposition="none",
                legendgroup=group,
            )
        # Filled rectangles in data units, like the SVG bars they replace (a thick line's width
        # is in pixels, which the rows' height is not). Plotly triangulates each filled piece
        # between NaN gaps on its own, which takes seconds for thousands of pieces, so each row
        # is one piece: a comb along the bar's bottom edge, up and over each bar in turn and
        # back down, the stretches between bars having no height (4 points per bar).
        xs, ys = _combs(start, end, y, thickness)
        self._hover.append((start, end, y, customdata, hovertemplate))
        return go.Scattergl(
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            fillcolor=color,
            connectgaps=False,
            hoverinfo="skip",
            line={"color": color, "width": 0},
            name=name,
            meta=kind,
            legendgroup=group,
        )

    @staticmethod
    def hover_trace(drawers: Sequence[_Drawer]) -> go.Scattergl | None:
        """WebGL mode: the transparent markers that carry every segment's hover text."""
        xs, ys, texts, firsts = [], [], [], []
        for d in drawers:
            for start, end, y, customdata, template in d._hover:
                # Points at the middles of equal pieces of each segment, one piece per step.
                pieces = np.ones(len(start), dtype=int)
                if d.step > 0:
                    pieces = np.maximum(1, np.ceil((end - start) / d.step)).astype(int)
                seg = np.repeat(np.arange(len(start)), pieces)
                k = np.arange(len(seg)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
                xs.append(start[seg] + (end - start)[seg] * (k + 0.5) / pieces[seg])
                ys.append(y[seg])
                filled = np.array(_hover_texts(template, customdata), dtype=object)
                texts.append(filled[seg])
                firsts.append(customdata[:, 0][seg])
        if not xs:
            return None
        return go.Scattergl(
            x=np.concatenate(xs),
            y=np.concatenate(ys),
            mode="markers",
            marker={"color": "rgba(0,0,0,0)", "size": 8},
            text=np.concatenate(texts).astype(str),  # validated much faster than a list
            customdata=np.concatenate(firsts).astype(str)[:, None],  # what a click selects
            hovertemplate="%{text}<extra></extra>",
            name="details",
            meta="hover",
            showlegend=False,
        )


def _combs(start: np.ndarray, end: np.ndarray, y: np.ndarray, thickness: float):
    """x and y of one comb-shaped polygon per row y (see ``_Drawer``), rows separated by NaN.

    Bars that touch (a job starting as the one before it ends) are drawn as one tooth, and
    empty bars not at all: Plotly's triangulation mangles a comb whose teeth share an edge or
    have no width (it drew such a row a third as thick)."""
    xs, ys = [], []
    for row in np.unique(y):
        on = y == row
        order = np.argsort(start[on], kind="stable")
        a, z = start[on][order], end[on][order]
        reach = np.maximum.accumulate(z)
        # A gap before this bar (one under 1e-7 of the row's span, invisible at any sensible
        # zoom, counts as none: in 32-bit floats it may be no gap at all).
        tol = 1e-7 * (reach[-1] - a[0])
        new = np.concatenate([[True], a[1:] > reach[:-1] + tol])
        runs = np.flatnonzero(new)
        a, z = a[runs], np.maximum.reduceat(z, runs)
        keep = z > a
        a, z = a[keep], z[keep]
        if not len(a):
            continue
        low, high = row - thickness / 2, row + thickness / 2
        n = len(a)
        x = np.empty(4 * n + 1)
        x[0:-1:4], x[1:-1:4], x[2:-1:4], x[3:-1:4] = a, a, z, z
        yy = np.empty(4 * n + 1)
        yy[0:-1:4], yy[1:-1:4], yy[2:-1:4], yy[3:-1:4] = low, high, high, low
        x[-1] = yy[-1] = np.nan
        xs.append(x)
        ys.append(yy)
    if not xs:
        return np.array([]), np.array([])
    return np.concatenate(xs)[:-1], np.concatenate(ys)[:-1]


def _hover_texts(hovertemplate: str, customdata: np.ndarray) -> list[str]:
    """The hover template filled in row by row (for the WebGL hover trace)."""
    template = hovertemplate.replace("<extra></extra>", "").replace("{", "{{").replace("}", "}}")
    template = re.sub(r"%\{\{customdata\[(\d+)\]\}\}", r"{\1}", template)
    return [template.format(*row) for row in customdata.tolist()]


def _ys(part: pd.DataFrame, row_y: Mapping[tuple[str, str | None], float], by_session: bool):
    keys = zip(
        part["backend"], part["session_id"] if by_session else [None] * len(part), strict=True
    )
    return np.array([row_y[k] for k in keys], dtype=float)


def _span_table(part: pd.DataFrame, first: list) -> np.ndarray:
    first = esc_all(first)  # names (sessions, users, instances) shown in the hover
    return np.column_stack(
        [first, clocks(part["start"]), clocks(part["end"]), durations(part["end"] - part["start"])]
    ).astype(object)


def _kind_trace(draw: _Drawer, kind: str, part: pd.DataFrame, row_y) -> go.BaseTraceType:
    style = KIND_STYLE[kind]
    if kind == "idle_held":
        first = [
            f"held by {s} ({u})" for s, u in zip(part["session_id"], part["user"], strict=True)
        ]
    else:
        first = [style["label"]] * len(part)
    return draw(
        kind=kind,
        name=style["label"],
        start=part["start"],
        end=part["end"],
        y=_ys(part, row_y, False),
        thickness=BAR,
        color=style["color"],
        customdata=_span_table(part, first),
        hovertemplate=SPAN_HOVER + "<extra></extra>",
        pattern=style["pattern"],
    )


def _job_groups(part: pd.DataFrame, color_by: str) -> pd.Series:
    if color_by == "session":
        return part["session_id"].astype(object).where(part["session_id"].notna(), "no session")
    return part[color_by].astype(object).fillna("")


def _job_traces(draw, tl, jobs, row_y, color_by, colors) -> list[go.BaseTraceType]:
    seg = tl[tl["kind"] == "job"][["backend", "start", "end", "job_id"]]
    part = seg.merge(jobs[JOB_COLUMNS], on="job_id", how="left")
    if part.empty:
        return []
    groups = _job_groups(part, color_by)
    cmap = colors_for(color_by, groups)
    if colors:
        cmap.update(colors)
    session = part["session_id"].astype(object).where(part["session_id"].notna(), "-")
    custom = np.column_stack(
        [
            esc_all(part["job_id"]),
            esc_all(part["user"]),
            esc_all(session),
            clocks(part["submitted"]),
            clocks(part["started"]),
            clocks(part["finished"]),
            durations(part["wait"]),
            part["status"].astype(object),
            esc_all(part["reason"].astype(object).fillna("")),
        ]
    ).astype(object)
    y = _ys(part, row_y, False)
    traces = []
    for name in sorted(set(groups)):
        mask = (groups == name).to_numpy()
        traces.append(
            draw(
                kind="job",
                name=esc(name),
                start=part["start"].to_numpy()[mask],
                end=part["end"].to_numpy()[mask],
                y=y[mask],
                thickness=BAR,
                color=cmap.get(str(name), "#888888"),
                customdata=custom[mask],
                hovertemplate=JOB_HOVER,
            )
        )
    return traces


PREPROCESS_LABEL = "pre-processing"
PREPROCESS_HOVER = (
    "<b>%{customdata[0]}</b> (%{customdata[1]}): classical pre-processing<br>"
    "%{customdata[2]} to %{customdata[3]} (%{customdata[4]}); the client sees RUNNING from "
    "%{customdata[2]}, the QPU starts it at %{customdata[5]}<extra></extra>"
)


def _preprocess_traces(draw, pre, tl, jobs, row_y, color_by,
                       colors) -> list[go.BaseTraceType]:  # fmt: skip
    """R41: each job's pre-processing as a thin bar in its lane's row, in the colour of its
    job (and in its legend group, so hiding a user hides both); the QPU bar is on the
    backend's row. Not in the legend: the row labels say what they are."""
    if pre.empty:
        return []
    part = pre.merge(jobs[["job_id", "mode", "started"]], on="job_id", how="left")
    groups = _job_groups(part, color_by)
    # The colours of the job bars (the same call as _job_traces, over the same jobs), plus
    # any group that only pre-processed here.
    seg = tl[tl["kind"] == "job"][["job_id"]].merge(jobs[JOB_COLUMNS], on="job_id", how="left")
    cmap = colors_for(color_by, _job_groups(seg, color_by))
    for name, color in colors_for(color_by, groups).items():
        cmap.setdefault(name, color)
    if colors:
        cmap.update(colors)
    ys = np.array([row_y[(b, ("lane", k))] for b, k in zip(part["backend"], part["lane"],
                                                          strict=True)])  # fmt: skip
    qpu = part["started"].astype(float)
    custom = np.column_stack(
        [
            esc_all(part["job_id"]),
            esc_all(part["user"]),
            clocks(part["start"]),
            clocks(part["end"]),
            durations(part["end"] - part["start"]),
            np.where(qpu.isna(), "never", np.asarray(clocks(qpu.fillna(0.0)), dtype=object)),
        ]
    ).astype(object)
    traces = []
    for name in sorted(set(groups)):
        mask = (groups == name).to_numpy()
        trace = draw(
            kind="preprocess",
            name=esc(name),
            start=part["start"].to_numpy()[mask],
            end=part["end"].to_numpy()[mask],
            y=ys[mask],
            thickness=BAR * SESSION_ROW * 0.6,
            color=cmap.get(str(name), "#888888"),
            customdata=custom[mask],
            hovertemplate=PREPROCESS_HOVER,
        )
        trace.update(showlegend=False, legendgroup=esc(name), opacity=0.7)
        if isinstance(trace, go.Bar):  # back-to-back jobs in one lane stay two bars
            trace.update(marker_line={"width": 1, "color": "white"})
        traces.append(trace)
    return traces


def _span_trace(draw: _Drawer, state: str, part: pd.DataFrame, row_y) -> go.BaseTraceType:
    kind = f"session_{state}"
    style = KIND_STYLE[kind]
    first = [f"{s} ({u}) {state}" for s, u in zip(part["session_id"], part["user"], strict=True)]
    return draw(
        kind=kind,
        name=style["label"],
        start=part["start"],
        end=part["end"],
        y=_ys(part, row_y, True),
        thickness=BAR * SESSION_ROW * 0.6,
        color=style["color"],
        customdata=_span_table(part, first),
        hovertemplate=SPAN_HOVER + "<extra></extra>",
    )


def _windows_trace(windows: pd.DataFrame, blocks, per: float) -> go.Bar:
    """Reservation windows behind everything else, covering the backend's whole block."""
    style = KIND_STYLE["reservation"]
    centre = np.array([blocks[b][0] for b in windows["backend"]], dtype=float)
    height = np.array([blocks[b][1] for b in windows["backend"]], dtype=float)
    first = [f"reserved for {i}" for i in windows["instance"]]
    return go.Bar(
        orientation="h",
        base=windows["start"].to_numpy() / per,
        x=(windows["end"] - windows["start"]).to_numpy() / per,
        y=centre,
        width=height,
        marker={"color": style["color"], "line": {"color": "rgba(103, 78, 167, 0.8)", "width": 1}},
        name=style["label"],
        meta="reservation",
        legendgroup="reservation",
        customdata=_span_table(windows, first),
        hovertemplate=SPAN_HOVER + "<extra></extra>",
        textposition="none",
    )


OVERVIEW_HOVER = (
    "<b>mostly %{customdata[0]}</b><br>%{customdata[1]} to %{customdata[2]}<br>"
    "%{customdata[3]} jobs started, busy %{customdata[4]}<extra></extra>"
)


def _busy_until(start: np.ndarray, end: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Busy time from 0 up to each of ``at``, for segments that never overlap (one backend
    runs one job at a time): full segments before, plus the part of the one under way."""
    order = np.argsort(start, kind="stable")
    start, end = start[order], end[order]
    done = np.concatenate([[0.0], np.cumsum(end - start)])
    k = np.searchsorted(start, at, side="right")  # segments started by then
    last = np.maximum(k - 1, 0)
    partial = np.where(k > 0, np.clip(np.minimum(at, end[last]) - start[last], 0.0, None), 0.0)
    return done[last] + partial


def _overview_traces(tl, jobs, row_y, color_by, colors, lo, hi, per) -> list[go.BaseTraceType]:
    """One bar per busy slice, coloured by the group busiest in it (one trace per group), as
    tall as the slice's busy share of a full bar and standing on the bottom of the bar's band:
    the drawn area is the busy time, whatever the colours."""
    part = tl[tl["kind"] == "job"]
    if color_by == "mode":  # the timeline already has each job's user and session
        part = part[["backend", "start", "end", "job_id"]].merge(
            jobs[["job_id", "mode"]], on="job_id", how="left"
        )
    if part.empty:
        return []
    groups = _job_groups(part, color_by).to_numpy(dtype=object)
    names = sorted(set(groups))
    cmap = colors_for(color_by, names)
    if colors:
        cmap.update(colors)
    edges = np.linspace(lo, hi, OVERVIEW_BINS + 1)
    start, end = part["start"].to_numpy(dtype=float), part["end"].to_numpy(dtype=float)
    ys = _ys(part, row_y, False)
    drawn: dict[str, list] = {name: [] for name in names}  # name → (a, z, y, count, share)
    for y in np.unique(ys):
        on = ys == y
        busy = np.zeros((len(names), OVERVIEW_BINS))
        for k, name in enumerate(names):
            mine = on & (groups == name)
            if mine.any():
                busy[k] = np.diff(_busy_until(start[mine], end[mine], edges))
        total = busy.sum(axis=0)
        top = busy.argmax(axis=0)
        started = np.histogram(start[on], edges)[0]
        for i in np.nonzero(total > 0)[0]:
            share = total[i] / (edges[i + 1] - edges[i])
            drawn[names[top[i]]].append((edges[i], edges[i + 1], y, started[i], share))
    draw = _Drawer(per, webgl=False)
    traces = []
    for name in names:
        rows = drawn[name]
        if not rows:
            continue
        a, z, y, count, share = (np.array(c) for c in zip(*rows, strict=True))
        custom = np.column_stack(
            [
                [esc(name)] * len(a),
                clocks(a),
                clocks(z),
                count.astype(int),
                [f"{x:.0%}" for x in share],
            ]  # fmt: skip
        ).astype(object)
        tall = BAR * share
        traces.append(
            draw(
                kind="job",
                name=esc(name),
                start=a,
                end=z,
                y=y - BAR / 2 + tall / 2,  # the band's bottom edge, plus half the bar
                thickness=tall,
                color=cmap.get(str(name), "#888888"),
                customdata=custom,
                hovertemplate=OVERVIEW_HOVER,
            )  # fmt: skip
        )
    return traces
