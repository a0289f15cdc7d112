"""The tour's Gantt: the usual chart plus the moment that matters and the replay cursor.

Pure: result tables in, Plotly figure out. The moment is a dashed line with a label (what to
look at); the cursor is a solid line at the replay time ``at``, whose state the page lists.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from .gantt import gantt
from .timefmt import clock, time_unit

MOMENT_COLOR = "#D62728"
CURSOR_COLOR = "#1F2937"


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
    if moment is not None:
        x = moment / per
        fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper", name="moment",
                      line={"color": MOMENT_COLOR, "width": 2, "dash": "dash"})  # fmt: skip
        fig.add_annotation(x=x, y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"{clock(moment)} {moment_label}".strip(), name="moment",
                           font={"color": MOMENT_COLOR}, xanchor="left")  # fmt: skip
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
