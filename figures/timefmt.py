"""Readable time: an axis unit chosen from the span, and clock/duration labels for hovers."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from sim.model.units import format_clock

UNITS = (("s", 1.0), ("min", 60.0), ("h", 3600.0), ("d", 86400.0))


def time_unit(span_seconds: float) -> tuple[str, float]:
    """(label, seconds per unit) for an axis covering ``span_seconds``.

    Up to 2 minutes in seconds, up to 2 hours in minutes, up to 10 days in hours, else days.
    """
    span = abs(span_seconds) if math.isfinite(span_seconds) else 0.0
    if span <= 120:
        return UNITS[0]
    if span <= 2 * 3600:
        return UNITS[1]
    if span <= 10 * 86400:
        return UNITS[2]
    return UNITS[3]


def clock(seconds: float | None) -> str:
    """``00:02:00``, ``3d 08:33:13``, ``00:00:07.5``; ``""`` if missing.

    The dashboard's one human time format (README, "Dashboard"):
    :func:`sim.model.units.format_clock`,
    shared with the explanations ``sim`` writes.
    """
    return format_clock(seconds)


def duration(seconds: float | None) -> str:
    """A length of time, written like a moment (``00:05:02``) so that the two read alike."""
    return format_clock(seconds)


def clocks(values: Iterable[float], *, column: bool = False) -> list[str]:
    """:func:`clock` for many values at once (the arithmetic vectorised).

    ``column=True`` writes every value with the same number of day digits (``0d 00:02:00``
    next to ``3d 08:33:13``; ``03d`` next to ``12d``): a table sorts text columns
    alphabetically, and text of one shape sorts in the order of the times it stands for.
    """
    a = np.asarray(values, dtype=float)
    ok = np.isfinite(a)
    v = np.abs(np.where(ok, a, 0.0))
    tenths = np.rint(v * 10).astype(np.int64)  # as format_clock: round(value * 10)
    fraction = (tenths < 600) & (tenths % 10 != 0)
    whole = np.rint(v).astype(np.int64)
    days, rest = np.divmod(whole, 86400)
    h, rest = np.divmod(rest, 3600)
    m, s = np.divmod(rest, 60)
    width = len(str(int(days[ok].max()))) if column and ok.any() and days[ok].max() else 0
    out = []
    for good, neg, frac, t, d, hh, mm, ss in zip(
        ok.tolist(), (a < 0).tolist(), fraction.tolist(), tenths.tolist(), days.tolist(),
        h.tolist(), m.tolist(), s.tolist(), strict=True,
    ):  # fmt: skip
        if not good:
            out.append("")
            continue
        text = f"00:00:{t // 10:02d}.{t % 10}" if frac else f"{hh:02d}:{mm:02d}:{ss:02d}"
        if width:
            text = f"{d:0{width}d}d {text}"
        elif d:
            text = f"{d}d {text}"
        out.append("-" + text if neg else text)
    return out


def durations(values: Iterable[float], *, column: bool = False) -> list[str]:
    return clocks(values, column=column)
