"""Small helpers the pages share: stable colours, the colour-by control, charts, downloads."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import sim
from figures import tables
from figures.colors import colors_for
from sim.analysis.csvfile import to_csv

COLOR_BY = {"user": "user", "session": "session", "mode": "mode"}


def group_names(scenario: sim.Scenario, by: str) -> list[str]:
    """Every name a colour group can take in this scenario, whatever the variant run.

    Colours come from this sorted list, so the same user (or session) has the same colour on
    every page and in every variant of a comparison.
    """
    if by == "user":
        return [u.name for u in scenario.users]
    if by == "session":
        return [f"{w.name}:{kind}" for w in scenario.workloads for kind in ("session", "batch")]
    return ["job", "session", "batch"]


def colors(scenario: sim.Scenario, by: str) -> dict[str, str]:
    return colors_for(by, group_names(scenario, by))


def color_by(key: str) -> str:
    return st.radio(
        "Colour jobs by",
        list(COLOR_BY),
        horizontal=True,
        key=key,
        help="the Gantt's job colours; calibrations, held/reserved idle time and reservation "
        "windows always have their own look",
    )


def chart(fig: go.Figure, key: str) -> None:
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


def csv_download(label: str, frame: pd.DataFrame, file_name: str, key: str) -> None:
    """A CSV download built only when clicked (writing 400k events takes seconds)."""
    st.download_button(
        label,
        lambda: to_csv(frame).encode("utf-8"),
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click="ignore",
    )


# The unit of every time column, shown in its header (README, "Dashboard": one time format).
CLOCK_UNIT = "hh:mm:ss"
MOMENT_HELP = "time since the start of the run, hours:minutes:seconds (3d 08:33:13 past a day)"
LENGTH_HELP = "a length of time, hours:minutes:seconds (3d 08:33:13 past a day)"
LABELS = {
    "quantum_seconds": "quantum",
    "usage_seconds": "usage",
    "idle_held_seconds": "idle held",
    "running_since": "RUNNING since",
}  # R41: what the client shows, beside the QPU start
# Wrapped cells: about this many pixels per character of the dashboard's table font, and per
# line. Streamlit wraps text only in rows taller than 4rem (64 px).
CHAR_PX = 6.2
LINE_PX = 21
WRAP_MIN_PX = 66


def time_columns(frame: pd.DataFrame) -> dict[str, Any]:
    """Column configs naming each time column's unit, for :func:`figures.tables.readable_times`."""
    config: dict[str, Any] = {}
    for column in frame.columns:
        moment = column in tables.MOMENT_COLUMNS
        if moment or column in tables.LENGTH_COLUMNS:
            label = f"{LABELS.get(column, column)} ({CLOCK_UNIT})"
            config[column] = st.column_config.TextColumn(
                label, help=MOMENT_HELP if moment else LENGTH_HELP
            )
    return config


def wrap_height(frame: pd.DataFrame, wrap: Mapping[str, int]) -> int | None:
    """Row height (px) that shows the longest text of each wrapped column whole, given the
    column's width in pixels; None when every text fits on one line."""
    lines = 1
    for column, width in wrap.items():
        if column in frame.columns and len(frame):
            longest = int(frame[column].astype(str).str.len().max())
            per_line = max(int((width - 16) / CHAR_PX), 1)
            lines = max(lines, math.ceil(longest / per_line))
    return None if lines == 1 else max(lines * LINE_PX + 8, WRAP_MIN_PX)


def table(
    frame: pd.DataFrame,
    key: str | None = None,
    *,
    wrap: Mapping[str, int] | None = None,
    widths: Mapping[str, Any] | None = None,
) -> None:
    """A read-only table as people read it: times in the one time format with their unit in the
    header, the ``wrap`` columns (name → width in px) wrapped so that no text is cut off, and
    the ``widths`` columns given a width. The CSV downloads keep the raw seconds."""
    config = time_columns(frame)
    for column, width in (widths or {}).items():
        config[column] = st.column_config.Column(width=width)
    for column, width in (wrap or {}).items():
        config[column] = st.column_config.TextColumn(width=width)
    st.dataframe(
        tables.readable_times(frame),
        hide_index=True,
        column_config=config,
        row_height=wrap_height(frame, wrap or {}),
        key=key,
    )
