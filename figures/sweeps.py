"""Capacity-planning charts: a metric against a swept parameter, with confidence bands.

Input is a summary table (``sim.experiments.runs.summarize``): one row per point and workload,
with the parameter's column, ``workload``, and ``METRIC``, ``METRIC_low``, ``METRIC_high``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .charts import _empty, _layout, _variant_colors
from .text import esc, esc_all
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


def _x_axis(values: np.ndarray, x_kind: str) -> tuple[str, float]:
    """(unit, base units per shown unit) of a numeric parameter axis: rates per hour,
    durations in the readable unit of the largest value, numbers as they are."""
    if x_kind == "rate":
        return "per hour", 1 / 3600
    if x_kind == "duration":
        finite = values[np.isfinite(values)]
        return time_unit(float(finite.max()) if finite.size else 0.0)
    return "", 1.0


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
    x_kind: str = "category",
    facet: str | None = None,
) -> go.Figure:
    """One line per workload (mean over replications) with its confidence band.

    ``kind`` ``duration`` shows seconds in a readable unit; ``count`` or ``ratio`` as they
    are. ``x_kind`` says what the parameter's column holds: ``rate`` (per second, drawn per
    hour), ``duration`` (seconds, drawn in a readable unit) or ``number`` give a numeric
    axis with the points in order; ``category`` (modes, profiles) evenly spaced labels.
    ``facet`` (a second parameter's column) draws one panel per value, side by side, all
    sharing one y axis and one unit, so panels that look alike are alike. ``target`` draws
    a dashed line in every panel, labelled in the axis's unit outside the plotting area;
    ``meets`` (a boolean Series aligned with ``table``, NA for rows without a value) rings
    the points that meet it in green and those that miss in red.
    """
    label = label or metric
    names = list(workloads) if workloads is not None else list(dict.fromkeys(table["workload"]))
    part = table[table["workload"].isin(names)]
    cmap = _variant_colors(names, colors)
    values = part[[metric, f"{metric}_low", f"{metric}_high"]].to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    top = max(float(np.abs(finite).max()) if finite.size else 0.0, target or 0.0)
    # One unit for every panel and for the target.
    unit, per = time_unit(top) if kind == "duration" else ("", 1.0)
    numeric = x_kind != "category"
    if numeric:
        part = part.assign(**{parameter: pd.to_numeric(part[parameter])})
        x_unit, x_per = _x_axis(part[parameter].to_numpy(dtype=float), x_kind)
        part = part.sort_values(parameter, kind="stable")
    else:
        x_unit, x_per = "", 1.0
    panels = [None] if facet is None else list(dict.fromkeys(part[facet]))
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        shared_yaxes=True,  # sets `matches` on every panel's y axis but the first
        horizontal_spacing=0.04 if len(panels) > 1 else 0.2,
        # The values alone over the panels; the figure's title names the parameter (a
        # long path repeated over narrow panels runs into its neighbours).
        subplot_titles=None if facet is None else esc_all(panels),
    )
    fig.update_annotations(font_size=13)  # the panels' titles
    shown_in_legend: set[str] = set()
    for col, panel in enumerate(panels, start=1):
        here = part if panel is None else part[part[facet] == panel]
        for name in names:
            rows = here[here["workload"] == name]
            if rows.empty or rows[metric].isna().all():
                continue
            x = (
                (rows[parameter] / x_per).tolist()
                if numeric
                else esc_all(rows[parameter].astype(str))
            )
            line = _Line(name, x, rows, metric, per, cmap.get(name, "#444"))
            if np.isfinite(line.low).any():
                fig.add_trace(_band(line), row=1, col=col)
            x_hover = "%{x:.4~g}" + (f" {x_unit}" if x_unit else "") if numeric else "%{x}"
            hover = f"{esc(parameter)} = {x_hover}<br>{esc(label)}: " + (
                f"%{{y:.3~f}} {unit} (95% CI %{{customdata[0]:.3~f}}–%{{customdata[1]:.3~f}})"
            )
            mean = _mean(line, hover, meets, legend=name not in shown_in_legend)
            fig.add_trace(mean, row=1, col=col)
            shown_in_legend.add(name)
    right = 10
    if target is not None and math.isfinite(target):
        _target(fig, target / per, unit, len(panels))
        right = 80
    if not fig.data:
        _empty(fig, "nothing to show for this metric")
    axis = esc(f"{label} ({unit})" if unit else label)
    x_title = esc(f"{parameter} ({x_unit})" if x_unit else parameter)
    fig.update_xaxes(type="linear" if numeric else "category")
    # One x title, under the middle panel: the same long title under each ran together.
    fig.update_xaxes(title_text=x_title, row=1, col=(len(panels) + 1) // 2)
    for col in range(2, len(panels) + 1):
        fig.update_xaxes(matches="x", row=1, col=col)  # the same grid of values in each panel
    fig.update_yaxes(rangemode="tozero")
    fig.update_yaxes(title_text=axis, row=1, col=1)
    if facet is not None:
        title = f"{title} — one panel per {facet}" if title else f"One panel per {facet}"
    _layout(fig, title)
    # Room on the right for the target's label, on top for the panels' titles.
    fig.update_layout(margin={"r": right, "t": (40 if title else 20) + (25 if facet else 0)})
    return fig


@dataclass(frozen=True)
class _Line:
    """One workload's means and confidence bounds in one panel, in the axis's unit."""

    name: str
    x: list
    rows: pd.DataFrame
    metric: str
    per: float
    color: str

    @property
    def y(self) -> np.ndarray:
        return self.rows[self.metric].to_numpy(dtype=float) / self.per

    @property
    def low(self) -> np.ndarray:
        return self.rows[f"{self.metric}_low"].to_numpy(dtype=float) / self.per

    @property
    def high(self) -> np.ndarray:
        return self.rows[f"{self.metric}_high"].to_numpy(dtype=float) / self.per


def _band(line: _Line) -> go.Scatter:
    """The confidence band: along the upper bounds and back along the lower ones."""
    return go.Scatter(
        x=line.x + line.x[::-1],
        y=np.concatenate([line.high, line.low[::-1]]),
        mode="lines",  # no markers at the band's corners
        fill="toself",
        fillcolor=_rgba(line.color, 0.18),
        line={"width": 0},
        hoverinfo="skip",
        showlegend=False,
        legendgroup=esc(line.name),  # an id, never drawn; escaped like the rest
        name=esc(f"{line.name} 95% CI"),
        meta="band",
    )


def _mean(line: _Line, hover: str, meets: pd.Series | None, legend: bool) -> go.Scatter:
    """The means, ringed green or red where ``meets`` says the point meets the target."""
    marker: dict = {"color": line.color, "size": 8}
    if meets is not None:
        ok = meets.reindex(line.rows.index).fillna(False).to_numpy(dtype=bool)
        marker["line"] = {"color": [MEETS_COLOR if m else MISSES_COLOR for m in ok], "width": 3}
    return go.Scatter(
        x=line.x,
        y=line.y,
        mode="lines+markers",
        name=esc(line.name),
        meta="mean",
        legendgroup=esc(line.name),  # an id, never drawn; escaped like the rest
        showlegend=legend,
        line={"color": line.color},
        marker=marker,
        customdata=np.column_stack([line.low, line.high]),
        hovertemplate=hover + f"<extra>{esc(line.name)}</extra>",
    )


def _target(fig: go.Figure, y: float, unit: str, panels: int) -> None:
    """A dashed line at ``y`` in every panel; its label in the right margin, level with the
    line, never over a point."""
    for col in range(1, panels + 1):
        fig.add_hline(y=y, line_dash="dash", line_color="#555", row=1, col=col)
    fig.add_annotation(
        text=f"target<br>{y:.3g} {unit}".strip(),
        xref="paper",
        x=1.0,
        xanchor="left",
        yref="y",
        y=y,
        yanchor="middle",
        showarrow=False,
        align="left",
        font={"color": "#555"},
        name="target",
    )
