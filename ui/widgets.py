"""Small helpers the pages share: stable colours, the colour-by control, charts, downloads."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import sim
from figures.colors import colors_for
from sim.csvfile import to_csv

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


def seconds_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Round float seconds for display (the CSV downloads keep full precision)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].round(2)
    return out
