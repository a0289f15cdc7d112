"""Capacity-planning charts: a metric against a swept parameter, with confidence bands.

Input is a summary table (``sim.experiments.summarize``): one row per point and workload,
with the parameter's column, ``workload``, and ``METRIC``, ``METRIC_low``, ``METRIC_high``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .charts import _empty, _layout, _variant_colors
from .timefmt import time_unit

MEETS_COLOR = "#2CA02C"
MISSES_COLOR = "#D62728"


def _rgba(color: str, alpha: float) -> str:
    """``#RRGGBB`` → ``rgba(r, g, b, alpha)`` for a translucent band."""
    c = color.lstrip("#")
    if len(c) != 6:
        return color
    r, g, b = (int(c[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


def metric_vs_parameter(
    table: pd.DataFrame,
    *,
    parameter: str,
    metric: str,
    label: str | None = None,
    kind: str = "duration",
    workloads: Sequence[str] | None = None,
    colors: Mapping[str, str] | None = None,
    target: float | None = None,
    meets: pd.Series | None = None,
    title: str | None = None,
) -> go.Figure:
    """One line per workload (mean over replications) with its confidence band.

    ``kind`` ``duration`` shows seconds in a readable unit; ``count`` or ``ratio`` as they
    are. ``target`` draws a horizontal dashed line; ``meets`` (a boolean Series aligned with
    ``table``) rings the points that meet it in green and those that miss in red.
    """
    label = label or metric
    names = list(workloads) if workloads is not None else list(dict.fromkeys(table["workload"]))
    part = table[table["workload"].isin(names)]
    cmap = _variant_colors(names, colors)
    values = part[[metric, f"{metric}_low", f"{metric}_high"]].to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    top = max(float(np.abs(finite).max()) if finite.size else 0.0, target or 0.0)
    unit, per = time_unit(top) if kind == "duration" else ("", 1.0)
    fig = go.Figure()
    for name in names:
        rows = part[part["workload"] == name]
        if rows[metric].isna().all():
            continue
        x = rows[parameter].astype(str).tolist()
        y = rows[metric].to_numpy(dtype=float) / per
        low = rows[f"{metric}_low"].to_numpy(dtype=float) / per
        high = rows[f"{metric}_high"].to_numpy(dtype=float) / per
        color = cmap.get(name, "#444")
        if np.isfinite(low).any():
            # The band: along the upper bounds and back along the lower ones.
            fig.add_trace(
                go.Scatter(
                    x=x + x[::-1],
                    y=np.concatenate([high, low[::-1]]),
                    mode="lines",  # no markers at the band's corners
                    fill="toself",
                    fillcolor=_rgba(color, 0.18),
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                    name=f"{name} 95% CI",
                    meta="band",
                )
            )
        marker: dict = {"color": color, "size": 8}
        if meets is not None:
            ok = meets.reindex(rows.index).fillna(False).to_numpy(dtype=bool)
            marker["line"] = {"color": [MEETS_COLOR if m else MISSES_COLOR for m in ok],
                              "width": 3}  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines+markers",
                name=name,
                meta="mean",
                line={"color": color},
                marker=marker,
                customdata=np.column_stack([low, high]),
                hovertemplate=f"{parameter} = %{{x}}<br>{label}: %{{y:.3~f}} {unit} "
                + "(95% CI %{customdata[0]:.3~f}–%{customdata[1]:.3~f})"
                + f"<extra>{name}</extra>",
            )
        )
    if target is not None and math.isfinite(target):
        fig.add_hline(
            y=target / per,
            line_dash="dash",
            line_color="#555",
            annotation_text=f"target {target / per:.3g} {unit}".strip(),
            annotation_position="top left",
        )
    if not fig.data:
        _empty(fig, "nothing to show for this metric")
    axis = f"{label} ({unit})" if unit else label
    return _layout(
        fig,
        title,
        xaxis={"title": {"text": parameter}, "type": "category"},
        yaxis={"title": {"text": axis}, "rangemode": "tozero"},
    )
