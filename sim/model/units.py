"""Durations and rates as users write them in scenario files.

A duration is a number of seconds or a string such as ``"90s"``, ``"20m"``, ``"1h 30m"``,
``"2d"`` — the units qiskit-ibm-runtime accepts for ``max_time``. A rate is ``"20/h"``,
``"3/m"`` or a number per second. Parsers raise ``ValueError`` with a message meant for the
user; pydantic turns it into a field-path error.
"""

from __future__ import annotations

import math
import re
import reprlib

# The simulator's horizon: no scenario is meant to run this long, and every time or duration a
# scenario gives must fit in it (a larger one is a typo, or an attempt to make a run endless).
HORIZON_DAYS = 1000
HORIZON = HORIZON_DAYS * 86400.0

UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_UNIT_WORDS = {
    "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "min": "m", "mins": "m", "minute": "m", "minutes": "m",
    "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "day": "d", "days": "d",
}  # fmt: skip
_PART = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]+)\s*")


_SHORT = reprlib.Repr()  # keyword arguments need Python 3.12
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlong = 40
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = 4
_SHORT.maxlevel = 2


def short_repr(value: object) -> str:
    """``repr(value)`` cut to a readable length, for messages quoting what the user wrote.

    A message must not grow with its input: a value expanded from YAML aliases, a 5 MB string
    or a 1000-digit number is shown by its beginning. Control characters come out escaped, as
    in any repr, so a name cannot forge terminal output.
    """
    return _SHORT.repr(value)


def parse_duration(value: object) -> float:
    """Seconds from a number or a duration string; refuses negatives, NaN, infinity and
    anything beyond the simulator's horizon (``HORIZON``)."""
    seconds = _seconds(value)
    if seconds > HORIZON:
        raise ValueError(
            f"a duration may be at most {HORIZON_DAYS} days, the simulator's horizon "
            f"(got {short_repr(value)})"
        )
    return seconds


def _seconds(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 90, '90s', '20m' or '1h 30m', not a boolean")
    if isinstance(value, int | float):
        seconds = _float(value)
    elif isinstance(value, str):
        seconds = _parse_duration_text(value)
    else:
        got = "nothing (null)" if value is None else f"a {type(value).__name__}"
        raise ValueError(f"expected a duration such as 90, '90s', '20m' or '1h 30m', got {got}")
    if math.isnan(seconds) or math.isinf(seconds):
        raise ValueError("a duration must be a finite number of seconds")
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative (got {short_repr(value)})")
    return seconds


def _float(value: int | float) -> float:
    """``float(value)``, with a user's message for an integer too large for a float."""
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"the number is too large ({len(str(abs(int(value))))} digits)") from None


def _parse_duration_text(text: str) -> float:
    raw = text.strip().lower()
    if not raw:
        raise ValueError("empty duration; write e.g. '90s', '20m' or '1h 30m'")
    if raw.startswith("-"):
        raise ValueError(f"a duration cannot be negative (got {short_repr(text)})")
    try:
        return float(raw)  # "90" means 90 seconds, like a bare number
    except ValueError:
        pass
    total, pos = 0.0, 0
    while pos < len(raw):
        match = _PART.match(raw, pos)
        if not match:
            raise ValueError(
                f"malformed duration {short_repr(text)}; write e.g. '90s', '20m' or '1h 30m'"
            )
        number, unit = match.groups()
        unit = _UNIT_WORDS.get(unit, unit)
        if unit not in UNIT_SECONDS:
            raise ValueError(
                f"unknown unit {match.group(2)!r} in duration {short_repr(text)}; use s, m, h or d"
            )
        total += float(number) * UNIT_SECONDS[unit]
        pos = match.end()
    return total


def parse_rate(value: object) -> float:
    """Events per second from ``"20/h"``, ``"3/m"``, ``"1/90s"`` or a number per second."""
    if isinstance(value, bool):
        raise ValueError("expected a rate such as '20/h', not a boolean")
    if isinstance(value, int | float):
        rate = _float(value)
    elif isinstance(value, str):
        count_text, slash, per_text = value.strip().lower().partition("/")
        if not slash:
            try:
                rate = float(count_text)
            except ValueError:
                raise ValueError(
                    f"malformed rate {short_repr(value)}; "
                    "write e.g. '20/h', '3/m' or a number per second"
                ) from None
        else:
            try:
                count = float(count_text)
            except ValueError:
                raise ValueError(
                    f"malformed rate {short_repr(value)}; the count before '/' must be a number"
                ) from None
            per_text = per_text.strip()
            per = UNIT_SECONDS.get(_UNIT_WORDS.get(per_text, per_text))
            if per is None:
                try:
                    per = _seconds(per_text)
                except ValueError:
                    raise ValueError(
                        f"malformed rate {short_repr(value)}; write e.g. '20/h' or '3/m'"
                    ) from None
            if per <= 0:
                raise ValueError(f"malformed rate {short_repr(value)}; the period must be positive")
            rate = count / per
    else:
        raise ValueError(f"expected a rate such as '20/h', got {type(value).__name__}")
    if math.isnan(rate) or math.isinf(rate):
        raise ValueError("a rate must be a finite number")
    if rate <= 0:
        raise ValueError(
            f"a rate must be positive (got {short_repr(value)}); remove the workload instead"
        )
    return rate


def format_duration(seconds: float) -> str:
    """Short human form (``"1h 30m"``), used in messages and the dashboard."""
    if seconds < 60:
        return f"{seconds:g}s"
    parts, rest = _whole_units(seconds)
    if rest >= 0.5:
        parts.append(f"{rest:g}s" if rest != int(rest) else f"{int(rest)}s")
    return " ".join(parts)


# --- writing: the inverse of the parsers ------------------------------------------------------
#
# Scenario files are written back (Download as YAML, the library) in the words a user would
# have typed: ``6h``, ``1h 30m``, ``14/h``. Each writer builds candidate texts and keeps only
# those the parser above reads back to the very same float, so a file written and read again
# gives a bit-identical scenario; when no human text is exact, the plain number is written.

_MAX_DECIMALS = 6  # more digits than this is not what a person types: use the plain number


def _plain(value: float) -> str:
    """The shortest digits that read back to ``value``, positional (the parsers take no
    exponents): ``2.5``, ``0.00001``, ``14``."""
    text = repr(float(value))
    if "e" in text or "E" in text:
        from decimal import Decimal

        text = format(Decimal(text), "f")
    return text.removesuffix(".0")


def _rounded(value: float, read, suffix: str, target: float) -> str | None:
    """``value`` with the fewest decimals (up to ``_MAX_DECIMALS``) whose text, followed by
    ``suffix``, ``read`` turns back into ``target`` exactly; None if there is none."""
    if not math.isfinite(value) or value < 0:
        return None
    for decimals in range(_MAX_DECIMALS + 1):
        text = _plain(round(value, decimals)) + suffix
        try:
            if read(text) == target:
                return text
        except ValueError:
            pass
    return None


def _whole_units(seconds: float) -> tuple[list[str], float]:
    """(["1d", "2h", "30m"], the seconds left): whole days, hours and minutes, the zero ones
    left out."""
    parts = []
    rest = seconds
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        count = int(rest // size)
        if count:
            parts.append(f"{count}{unit}")
            rest -= count * size
    return parts, rest


def _parts(seconds: float) -> str:
    """Whole days, hours and minutes, then the rest in seconds: ``1h 30m``, ``1m 0.5s``."""
    parts, rest = _whole_units(seconds)
    if rest or not parts:
        parts.append(_plain(rest) + "s")
    return " ".join(parts)


def duration_text(seconds: float) -> str | float:
    """What a user would write for ``seconds``; :func:`parse_duration` reads it back exactly.

    Whole seconds are written as the dashboard shows them (``6h``, ``1h 30m``, ``1m 30s``,
    ``2d``); other values as the shortest exact text among that form and a single unit with a
    few decimals (``2.5s``, ``1.1h``). Falls back to the float itself (a number is seconds).
    """
    seconds = float(seconds)
    if not math.isfinite(seconds) or seconds < 0:
        return seconds  # not a valid duration: write it as it is, the reader will refuse it
    candidates = []
    if seconds < 2**53:
        text = _parts(seconds)
        if _exact(parse_duration, text, seconds):
            candidates.append(text)
    if not seconds.is_integer():
        for unit, size in UNIT_SECONDS.items():
            text = _rounded(seconds / size, parse_duration, unit, seconds)
            if text is not None:
                candidates.append(text)
    return min(candidates, key=len) if candidates else seconds


def rate_text(per_second: float) -> str | float:
    """What a user would write for a rate; :func:`parse_rate` reads it back exactly.

    A whole count per unit or one per whole seconds, the shortest (``14/h``, ``3/m``, ``1/7s``);
    else a count with a few decimals (``2.5/h``); else the float itself (a number per second).
    """
    rate = float(per_second)
    if not math.isfinite(rate) or rate <= 0:
        return rate
    whole, decimal = [], []
    for unit, size in UNIT_SECONDS.items():
        count = rate * size
        if round(count) >= 1 and _exact(parse_rate, f"{round(count)}/{unit}", rate):
            whole.append(f"{round(count)}/{unit}")
        else:
            text = _rounded(count, parse_rate, f"/{unit}", rate)
            if text is not None:
                decimal.append(text)
    period = 1 / rate  # "1/7s": one every so many whole seconds, the way users write it
    if period.is_integer() and period < 2**53 and _exact(parse_rate, f"1/{period:.0f}s", rate):
        whole.append(f"1/{period:.0f}s")
    for found in (whole, decimal):
        if found:
            return min(found, key=len)
    return rate


def _exact(read, text: str, target: float) -> bool:
    try:
        return read(text) == target
    except ValueError:
        return False


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
