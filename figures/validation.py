"""Figures of the Validation page (issue 18): the Q-Q plot of simulated against observed
queue waits, and the side-by-side quantile table. Pure functions: tables in, figure out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .text import esc
from .timefmt import time_unit


def qq_figure(qq: pd.DataFrame, machine: str) -> go.Figure:
    """Simulated against observed wait quantiles (1 … 99 %) of one machine (or "all"), with
    the diagonal where the two agree. Both axes share one unit and one range, so a point
    above the diagonal is a quantile the simulator makes longer than observed."""
    rows = qq[qq.machine == machine]
    top = float(max(rows.observed.max(), rows.simulated.max(), 1.0)) if len(rows) else 1.0
    label, scale = time_unit(top)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, top / scale],
            y=[0, top / scale],
            mode="lines",
            name="simulated = observed",
            line={"dash": "dash", "color": "#888"},
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=rows.observed / scale,
            y=rows.simulated / scale,
            mode="markers",
            name="quantiles",
            marker={"size": 6, "color": "#1f77b4"},
            text=[f"{p:.0%}" for p in rows.p],
            hovertemplate="%{text} quantile<br>observed %{x:.3g} "
            + label
            + "<br>simulated %{y:.3g} "
            + label
            + "<extra></extra>",
        )
    )
    # One range on both axes, and a square plot: "constrain: domain" shrinks the plot area
    # rather than widening the x range (which would draw negative waits) to keep the scale.
    axis = {"range": [0, top / scale * 1.03], "constrain": "domain"}
    fig.update_layout(
        title=f"Q-Q: queue waits on {esc(machine)}",
        xaxis={**axis, "title": f"observed wait ({label})"},
        yaxis={**axis, "title": f"simulated wait ({label})", "scaleanchor": "x", "scaleratio": 1},
        height=480,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def quantile_table(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison as the page shows it: waits in seconds, observed (obs.) beside
    simulated (sim.; ``sim. waits`` counts them over every replication)."""
    out = pd.DataFrame(
        {"machine": table.machine, "jobs": table.observed_jobs, "sim. waits": table.simulated_jobs}
    )
    for q in (50, 90, 99):
        out[f"p{q} obs. s"] = table[f"observed_p{q}"].round(1)
        out[f"p{q} sim. s"] = table[f"simulated_p{q}"].round(1)
    out["KS"] = table.ks.round(3)
    out["p-value"] = table.p_value.map(lambda p: f"{p:.3g}")
    return out
