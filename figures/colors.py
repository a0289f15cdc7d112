"""Colour policy: a stable colour per user, session or mode, and one per timeline kind.

Colours are assigned from a *sorted* list of names, so a page that passes the same names (the
scenario's users, say) gets the same colours as every other page, whatever order the rows of
a result table are in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd
from plotly.colors import qualitative

# Job colours. Greys are left out: they belong to calibrations, idle time and "no session".
PALETTE: tuple[str, ...] = (
    tuple(qualitative.Plotly) + tuple(qualitative.Safe[:10]) + tuple(qualitative.Vivid[:10])
)

MODE_COLORS = {"job": "#636EFA", "session": "#EF553B", "batch": "#00CC96"}
NO_SESSION = "#B8B8B8"  # jobs outside any session or batch, when colouring by session

# Backends (queue-length lines) must never wear a user's colour from the Gantt above them.
# These are the darker colours (CIELAB L < 56) farthest from every job, mode and kind colour
# above (at least 31 ΔE from each, 40 between each other), each with its own dash as well.
# Not #000001-#000040: Streamlit's theme swaps those for colours of its own (#000033 for red).
BACKEND_COLORS: tuple[str, ...] = ("#0A0A3C", "#0000FF", "#EE00CC", "#444400", "#009900")
BACKEND_DASHES: tuple[str, ...] = ("solid", "dash", "dot", "dashdot", "longdash")

# What a backend does besides running user jobs; each kind looks different (colour + pattern).
KIND_STYLE: dict[str, dict[str, str]] = {
    "calibration": {"color": "#2F2F2F", "pattern": "x", "label": "calibration"},
    "idle_held": {"color": "#F4B183", "pattern": "/", "label": "idle, held by a session"},
    "reserved_idle": {"color": "#B4A7D6", "pattern": ".", "label": "idle, reserved"},
    "reservation": {"color": "rgba(103, 78, 167, 0.16)", "pattern": "", "label": "reservation"},
    "session_active": {"color": "#2A9D8F", "pattern": "", "label": "session active"},
    "session_inactive": {"color": "#D5DEE2", "pattern": "", "label": "session inactive"},
}


def color_map(names: Iterable[object], palette: tuple[str, ...] = PALETTE) -> dict[str, str]:
    """name → colour, assigned in sorted order (cycling through ``palette``)."""
    unique = sorted({str(n) for n in set(names) if not _missing(n)})
    return {name: palette[i % len(palette)] for i, name in enumerate(unique)}


def colors_for(by: str, names: Iterable[object]) -> dict[str, str]:
    """The colour map for a colour-by choice: fixed colours for modes, sorted names otherwise."""
    if by == "mode":
        return dict(MODE_COLORS)
    colors = color_map(names)
    if by == "session":
        colors.setdefault("no session", NO_SESSION)
    return colors


def backend_styles(names: Iterable[object]) -> dict[str, dict[str, str]]:
    """name → {"color", "dash"} for backends, assigned in sorted order (colour and dash cycle
    with different periods, so a seventh backend differs from the first in colour)."""
    unique = sorted({str(n) for n in set(names) if not _missing(n)})
    return {
        name: {
            "color": BACKEND_COLORS[i % len(BACKEND_COLORS)],
            "dash": BACKEND_DASHES[(i + i // len(BACKEND_COLORS)) % len(BACKEND_DASHES)],
        }
        for i, name in enumerate(unique)
    }


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value) == ""
