"""The tour's Gantt: the usual chart plus the moment that matters and the replay cursor.

Pure: result tables in, Plotly figure out. The moment is a dashed line with a label (what to
look at); the cursor is a solid line at the replay time ``at``, whose state the page lists.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .gantt import gantt
from .tables import failed_jobs
from .text import esc, esc_all, unesc
from .timefmt import clock, time_unit

MOMENT_COLOR = "#D62728"
FAILED_COLOR = "#B91C1C"
CURSOR_COLOR = "#1F2937"
CLUSTER = 0.015  # failures closer than this share of the axis share one labelled cross
HOVER_IDS = 8  # job ids listed in a cross's hover
HALO = "1px 1px 2px white, -1px -1px 2px white"  # keeps a count legible over the bars


def replay_gantt(
    timeline: pd.DataFrame,
    jobs: pd.DataFrame,
    events: pd.DataFrame,
    *,
    end_time: float,
    moment: float | None = None,
    moment_label: str = "",
    at: float | None = None,
    color_by: str = "user",
    colors: Mapping[str, str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """A Gantt of every backend with the teaching moment annotated and the replay cursor.

    Lines are layout shapes tagged with ``name`` (``moment``, ``replay_cursor``) so that tests
    can find them in ``fig.to_dict()``.
    """
    fig = gantt(timeline, jobs, events, color_by=color_by, colors=colors, end_time=end_time,
                title=title)  # fmt: skip
    _, per = time_unit(end_time)  # the unit gantt() chose for the span [0, end_time]
    failed = failed_marks(jobs, events, fig, per)
    if failed is not None:
        fig.add_trace(failed)
    if moment is not None:
        x = moment / per
        fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", name="moment",
                      line={"color": MOMENT_COLOR, "width": 2, "dash": "dash"})  # fmt: skip
        # Past the middle of the axis the label grows leftwards, so it is never cut off.
        anchor = "right" if end_time and moment > end_time / 2 else "left"
        fig.add_annotation(x=x, y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"{clock(moment)} {esc(moment_label)}".strip(), name="moment",
                           font={"color": MOMENT_COLOR}, xanchor=anchor)  # fmt: skip
    if at is not None:
        x = at / per
        fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", name="replay_cursor",
                      line={"color": CURSOR_COLOR, "width": 2})  # fmt: skip
    fig.update_layout(margin={"t": 60})
    return fig


def profile_gantts(
    runs: Mapping[str, object],
    *,
    colors: Mapping[str, str] | None = None,
    moment: float | None = None,
    moment_label: str = "",
) -> dict[str, go.Figure]:
    """One annotated Gantt per rule profile, on a common time axis so they line up."""
    end = max(float(r.end_time) for r in runs.values())
    return {
        profile: replay_gantt(r.timeline, r.jobs, r.events, end_time=end, moment=moment,
                              moment_label=moment_label, colors=colors, title=profile)
        for profile, r in runs.items()
    }  # fmt: skip


def failed_marks(
    jobs: pd.DataFrame, events: pd.DataFrame, fig: go.Figure, per: float
) -> go.Scatter | None:
    """A cross on the backend's row where jobs failed without ever running (e.g.
    ``reservation_ended``, R28): such jobs have no bar, yet they are the lesson.

    Jobs that fail together (at the same moment, or closer than ``CLUSTER`` of the axis) get
    one cross labelled with their number and listed in its hover, so a window's end where
    dozens of jobs fail reads "55 failed" instead of a pile of overlapping crosses.
    """
    failed = failed_jobs(jobs, events)
    failed = failed[failed["started"].isna()]
    if failed.empty:
        return None
    ticks = fig.layout.yaxis.ticktext or ()
    # Tick labels are the backends' names escaped for Plotly (figures.text).
    rows = {unesc(t): v for t, v in zip(ticks, fig.layout.yaxis.tickvals or (), strict=False)}
    failed = failed[failed["backend"].isin(list(rows))]
    if failed.empty:
        return None
    span = fig.layout.xaxis.range
    gap = CLUSTER * (span[1] - span[0]) * per if span else 0.0
    x, y, text, custom = [], [], [], []
    for backend, part in failed.sort_values("failed_at", kind="stable").groupby("backend"):
        at = part["failed_at"].to_numpy(dtype=float)
        cluster = np.concatenate([[0], np.cumsum(np.diff(at) > gap)])
        for k in np.unique(cluster):
            group = part[cluster == k]
            n = len(group)
            ids = esc_all(group["job_id"])
            listed = ", ".join(ids[:HOVER_IDS]) + (
                f" and {n - HOVER_IDS} more" if n > HOVER_IDS else ""
            )
            reasons = ", ".join(sorted(set(esc_all(group["reason"]))))
            first, last = float(group["failed_at"].min()), float(group["failed_at"].max())
            when = clock(first) if last == first else f"{clock(first)} to {clock(last)}"
            x.append(first / per)
            y.append(rows[backend])
            text.append(f"{n} failed" if n > 1 else "")
            custom.append([f"{n} job{'s' if n > 1 else ''} failed at {when}", reasons, listed])
    return go.Scatter(
        x=x,
        y=y,
        mode="markers+text",
        text=text,
        textposition="middle right",
        textfont={"color": FAILED_COLOR, "weight": "bold", "shadow": HALO},
        marker={"symbol": "x", "size": 11, "color": FAILED_COLOR},
        name="failed without running",
        meta="failed",
        customdata=np.array(custom, dtype=object),
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}"
        "<extra></extra>",
    )
