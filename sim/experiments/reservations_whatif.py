"""What-if questions about one reservation (R27, R28) and a session's max_time (R16).

The Reservations page asks them: how many jobs fail if the window ends at another time, or
if the reserved instance's session has another max_time. The answers are runs of changed
scenarios; this module builds the scenarios, the values to try and the counts, and the page
only lays them out. The ranges it offers start from what the run uses: a session's max_time
is its effective one (:mod:`sim.model.settings`: R20, R21, R24), not the profile's default.

Nothing here imports Streamlit or Plotly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..analysis.results import Result
from ..model.scenario import Reservation, Scenario, ScenarioError, Workload
from ..model.settings import effective_settings, session_limits
from .compare import with_reservation, with_workload

GRID = 7  # points per what-if line
SERIES = {"reservation_ended": "reservation ended (R28)", "session_max_time": "max_time (R16)"}
STEP = 300.0  # a time slider's stops: every 5 minutes
Runner = Callable[[Scenario], Result]


def failures(result: Result) -> dict[str, int]:
    """Failed jobs by series: the two reasons the page is about, and the total."""
    failed = result.jobs[result.jobs["status"].isin(["ERROR", "CANCELLED"])]
    counts = {label: int((failed["reason"] == reason).sum()) for reason, label in SERIES.items()}
    counts["all failed jobs"] = len(failed)
    return counts


def failed_at_window_end(failed: pd.DataFrame, reservation: Reservation) -> pd.DataFrame:
    """The rows of a failed-jobs table (``backend``, ``reason``, ``failed_at``) that failed
    because this window ended (R28): on its backend, at its end."""
    return failed[
        (failed["reason"] == "reservation_ended")
        & (failed["backend"] == reservation.backend)
        & np.isclose(failed["failed_at"], reservation.end)
    ]


def what_if(
    scenario: Scenario, index: int, end: float, workload: str | None, max_time: float | None
) -> Scenario:
    """``scenario`` with reservation ``index`` ending at ``end`` and, when given, workload
    ``workload``'s max_time set to ``max_time``. Raises :class:`ScenarioError` if invalid."""
    changed = with_reservation(scenario, index, end=end)
    if workload is not None and max_time is not None:
        changed = with_workload(changed, workload, max_time=max_time)
    return changed


def grid(values: Iterable[float], make: Callable[[float], Scenario], run: Runner) -> pd.DataFrame:
    """Failed jobs (long table ``x, series, failed``) of ``run(make(x))`` for each value;
    values whose scenario is invalid, or whose run goes over its limits, are skipped."""
    rows = []
    for x in values:
        try:
            counts = failures(run(make(x)))
        except ScenarioError:
            continue
        rows.extend({"x": x, "series": s, "failed": n} for s, n in counts.items())
    return pd.DataFrame(rows, columns=["x", "series", "failed"])


def points(low: float, high: float, selected: float) -> list[float]:
    """Times (whole seconds) at which to run the what-if: GRID across [low, high] and the
    chosen one."""
    return sorted({*np.round(np.linspace(low, high, GRID)).tolist(), float(round(selected))})


def stops(low: float, high: float, chosen: float) -> list[float]:
    """A time slider's stops: every 5 minutes from ``low`` to ``high``, and ``chosen``."""
    step = int(STEP)
    return sorted({*(float(t) for t in range(int(low), int(high) + 1, step)), float(round(chosen))})


def sessions(scenario: Scenario, index: int) -> list[Workload]:
    """The workloads of reservation ``index``'s instance on its backend that run in a session
    or batch (their effective mode, R21, R24): those whose max_time matters (R16)."""
    res = scenario.reservations[index]
    users = {u.name: u.instance for u in scenario.users}
    return [
        w
        for w in scenario.workloads
        if w.backend == res.backend
        and users.get(w.user) == res.instance
        and effective_settings(scenario, w).has_session
    ]


def end_range(scenario: Scenario, index: int) -> tuple[float, float]:
    """(first stop, last) end of the window worth trying: from 5 minutes after its start
    (whole minutes) to three times its length or two hours more, not past the next window."""
    res = scenario.reservations[index]
    later = [
        r.start for r in scenario.reservations if r.backend == res.backend and r.start >= res.end
    ]
    length = res.end - res.start
    top = min([res.start + max(3 * length, length + 7200), *later])
    return (math.floor(res.start / 60) + 5) * 60.0, top


@dataclass(frozen=True)
class MaxTimeRange:
    """The max_time values worth trying for one session (seconds)."""

    low: float  # the shortest stop: 5 minutes, or the workload's ITTL (R20) when longer
    high: float  # the longest that takes effect: the system limit, or the Open plan's cap
    current: float  # the session's effective max_time: the run's own


def max_time_range(scenario: Scenario, workload: str) -> MaxTimeRange:
    """The range of a session's max_time what-if, around the max_time the run uses."""
    w = next(x for x in scenario.workloads if x.name == workload)
    settings = effective_settings(scenario, w)
    if settings.max_time is None:
        raise ValueError(f"{workload} runs without a session: its max_time changes nothing")
    knobs = scenario.knobs
    # A max_time below the workload's own ITTL is refused by validation (R20).
    low = max(5, math.ceil((w.interactive_ttl or 0) / 60)) * 60.0
    # Above the Open plan's cap a longer max_time changes nothing (R21, R24).
    _, high, _ = session_limits(settings.mode, knobs, settings.plan, knobs.max_time_limit, None)
    return MaxTimeRange(low, high // 60 * 60, settings.max_time)
