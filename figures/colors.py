"""Colour policy: a stable colour per user, session or mode, and one per timeline kind; the
arms of a comparison get colours clearly unlike all of those (:func:`arm_colors`).

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
    # R40: a queue pause is a system stop like a calibration, drawn in its family (grey) but
    # unlike it (lighter, horizontal lines), so the two are never read as one another.
    "pause": {"color": "#8C8C8C", "pattern": "-", "label": "queue paused"},
    "idle_held": {"color": "#F4B183", "pattern": "/", "label": "idle, held by a session"},
    "reserved_idle": {"color": "#B4A7D6", "pattern": ".", "label": "idle, reserved"},
    "reservation": {"color": "rgba(103, 78, 167, 0.16)", "pattern": "", "label": "reservation"},
    "session_active": {"color": "#2A9D8F", "pattern": "", "label": "session active"},
    "session_inactive": {"color": "#D5DEE2", "pattern": "", "label": "session inactive"},
}


# Candidates for the arms of a comparison (variants of a scenario): dark, earthy tones that none
# of the job colours above, the mode colours or the timeline kinds come close to. On a page
# that shows users in a Gantt and the arms in charts below, a shared colour would read as a
# shared meaning ("red is bob" above, "red is the session" below).
ARM_PALETTE: tuple[str, ...] = (
    "#000080",  # navy
    "#808000",  # olive
    "#8B4513",  # saddle brown
    "#556B2F",  # dark olive green
    "#4B0082",  # indigo
    "#800000",  # maroon
    "#A0522D",  # sienna
    "#004D40",  # dark teal
    "#6A1B9A",  # purple
)


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


def arm_colors(
    arms: Iterable[str], avoid: Iterable[str], palette: tuple[str, ...] = ARM_PALETTE
) -> dict[str, str]:
    """arm → colour, each as unlike ``avoid`` (the page's other colours) and the arms before it
    as ``palette`` allows: greedily the candidate farthest (CIE76 ΔE) from everything taken.

    Deterministic, so an arm keeps its colour while the page's users stay the same. A colour
    in ``avoid`` is never chosen (when the palette runs out, colours repeat across arms).
    """
    taken = [_lab(c) for c in avoid]
    avoided = {c.lower() for c in avoid}
    left = [c for c in palette if c.lower() not in avoided] or list(palette)
    out: dict[str, str] = {}
    for arm in arms:
        if not left:
            left = [c for c in palette if c.lower() not in avoided] or list(palette)
        best = max(left, key=lambda c: min((delta_e(c, t) for t in taken), default=0.0))
        out[arm] = best
        left.remove(best)
        taken.append(_lab(best))
    return out


def delta_e(a: str | tuple, b: str | tuple) -> float:
    """CIE76 colour difference of two colours (``#RRGGBB``, ``rgb(…)`` or Lab triples):
    about 2 is just noticeable, above 20 two colours are not mistaken for one another."""
    la = a if isinstance(a, tuple) else _lab(a)
    lb = b if isinstance(b, tuple) else _lab(b)
    return math.dist(la, lb)


def _rgb(color: str) -> tuple[float, float, float]:
    color = color.strip()
    if color.startswith("#"):
        h = color[1:]
        return tuple(int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    parts = color[color.index("(") + 1 : color.index(")")].split(",")
    return tuple(float(p) / 255 for p in parts[:3])  # type: ignore[return-value]


def _lab(color: str) -> tuple[float, float, float]:
    """sRGB (D65) → CIE L*a*b*."""
    lin = [((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92 for c in _rgb(color)]
    r, g, b = lin
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


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
