"""Durations and rates as users write them in scenario files.

A duration is a number of seconds or a string such as ``"90s"``, ``"20m"``, ``"1h 30m"``,
``"2d"`` — the units qiskit-ibm-runtime accepts for ``max_time``. A rate is ``"20/h"``,
``"3/m"`` or a number per second. Parsers raise ``ValueError`` with a message meant for the
user; pydantic turns it into a field-path error.
"""

from __future__ import annotations

import math
import re

UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_UNIT_WORDS = {
    "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "min": "m", "mins": "m", "minute": "m", "minutes": "m",
    "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "day": "d", "days": "d",
}  # fmt: skip
_PART = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]+)\s*")


def parse_duration(value: object) -> float:
    """Seconds from a number or a duration string; refuses negatives, NaN and infinity."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 90, '90s', '20m' or '1h 30m', not a boolean")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = _parse_duration_text(value)
    else:
        got = "nothing (null)" if value is None else f"a {type(value).__name__}"
        raise ValueError(f"expected a duration such as 90, '90s', '20m' or '1h 30m', got {got}")
    if math.isnan(seconds) or math.isinf(seconds):
        raise ValueError("a duration must be a finite number of seconds")
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative (got {value!r})")
    return seconds


def _parse_duration_text(text: str) -> float:
    raw = text.strip().lower()
    if not raw:
        raise ValueError("empty duration; write e.g. '90s', '20m' or '1h 30m'")
    if raw.startswith("-"):
        raise ValueError(f"a duration cannot be negative (got {text!r})")
    try:
        return float(raw)  # "90" means 90 seconds, like a bare number
    except ValueError:
        pass
    total, pos = 0.0, 0
    while pos < len(raw):
        match = _PART.match(raw, pos)
        if not match:
            raise ValueError(f"malformed duration {text!r}; write e.g. '90s', '20m' or '1h 30m'")
        number, unit = match.groups()
        unit = _UNIT_WORDS.get(unit, unit)
        if unit not in UNIT_SECONDS:
            raise ValueError(
                f"unknown unit {match.group(2)!r} in duration {text!r}; use s, m, h or d"
            )
        total += float(number) * UNIT_SECONDS[unit]
        pos = match.end()
    return total


def parse_rate(value: object) -> float:
    """Events per second from ``"20/h"``, ``"3/m"``, ``"1/90s"`` or a number per second."""
    if isinstance(value, bool):
        raise ValueError("expected a rate such as '20/h', not a boolean")
    if isinstance(value, int | float):
        rate = float(value)
    elif isinstance(value, str):
        count_text, slash, per_text = value.strip().lower().partition("/")
        if not slash:
            try:
                rate = float(count_text)
            except ValueError:
                raise ValueError(
                    f"malformed rate {value!r}; write e.g. '20/h', '3/m' or a number per second"
                ) from None
        else:
            try:
                count = float(count_text)
            except ValueError:
                raise ValueError(
                    f"malformed rate {value!r}; the count before '/' must be a number"
                ) from None
            per_text = per_text.strip()
            per = UNIT_SECONDS.get(_UNIT_WORDS.get(per_text, per_text))
            if per is None:
                try:
                    per = parse_duration(per_text)
                except ValueError:
                    raise ValueError(
                        f"malformed rate {value!r}; write e.g. '20/h' or '3/m'"
                    ) from None
            if per <= 0:
                raise ValueError(f"malformed rate {value!r}; the period must be positive")
            rate = count / per
    else:
        raise ValueError(f"expected a rate such as '20/h', got {type(value).__name__}")
    if math.isnan(rate) or math.isinf(rate):
        raise ValueError("a rate must be a finite number")
    if rate <= 0:
        raise ValueError(f"a rate must be positive (got {value!r}); remove the workload instead")
    return rate


def format_duration(seconds: float) -> str:
    """Short human form (``"1h 30m"``), used in messages and the dashboard."""
    if seconds < 60:
        return f"{seconds:g}s"
    parts = []
    rest = seconds
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        count = int(rest // size)
        if count:
            parts.append(f"{count}{unit}")
            rest -= count * size
    if rest >= 0.5:
        parts.append(f"{rest:g}s" if rest != int(rest) else f"{int(rest)}s")
    return " ".join(parts)


def format_clock(seconds: float | None) -> str:
    """The one way the dashboard and the explanations write a time: ``hh:mm:ss``.

    Used alike for a moment (time since the start of the run) and for a length of time, so
    that ``from``, ``to`` and the length of an interval read the same way:
    ``00:02:00``, ``01:02:05``, ``3d 08:33:13`` past a day. Whole seconds, except under a
    minute, where a value that is not whole keeps its tenth (``00:00:07.5``): short quanta and
    waits would otherwise round to nothing. ``""`` for a missing value (None, NaN, infinity).
    """
    if seconds is None or not math.isfinite(seconds):
        return ""
    sign = "-" if seconds < 0 else ""
    value = abs(float(seconds))
    tenths = round(value * 10)  # figures.timefmt.clocks rounds the same way (half to even)
    if tenths < 600 and tenths % 10:
        return f"{sign}00:00:{tenths // 10:02d}.{tenths % 10}"
    whole = round(value)
    days, rest = divmod(whole, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    text = f"{h:02d}:{m:02d}:{s:02d}"
    return f"{sign}{days}d {text}" if days else sign + text


def format_share(key: float) -> str:
    """A fair-share key (R7: usage in the window / (share × window)) as the part of its share
    an instance has used: ``0.7 %``, ``0.00744 %``, ``120 %``. Three significant digits,
    never scientific notation (``7.44e-05`` reads as noise to most people)."""
    if not math.isfinite(key):
        return ""
    percent = key * 100
    if percent == 0:
        return "0 %"
    digits = max(0, 2 - math.floor(math.log10(abs(percent))))
    text = f"{percent:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} %"
