"""Paired comparisons and replications: thin layers over "run one scenario".

Every workload draws from its own random streams, seeded by (seed, workload name, stream),
so changing one workload's mode or pattern leaves job k's quantum and classical times as they
were: two runs with the same seed are a paired comparison (R33). Replications repeat a run
with consecutive seeds; :func:`mean_ci` summarises them with a Student-t interval.

Nothing here imports Streamlit or Plotly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..analysis.measures import FAILED, final_times, usage_billed, workload_metrics
from ..analysis.results import Result
from ..model.scenario import Problem, Scenario, ScenarioError, from_dict
from . import runs

# The per-workload measures moved to sim.analysis.measures; they stay importable from here.
__all__ = [
    "FAILED", "SUBMISSION_WAYS", "Runner", "final_times", "mean_ci", "replicate",
    "replication_seeds", "submission_variants", "usage_billed", "with_mode",
    "with_reservation", "with_workload", "workload_metrics",
]  # fmt: skip

Runner = Callable[[Scenario, int], Result]


# --- scenario variants ---------------------------------------------------------------------


def _workload_index(data: dict[str, Any], workload: str) -> int:
    for i, w in enumerate(data.get("workloads", [])):
        if w.get("name") == workload:
            return i
    raise ScenarioError([Problem("workloads", f"unknown workload {workload!r}")])


def with_workload(scenario: Scenario, workload: str, **changes: Any) -> Scenario:
    """A validated copy of ``scenario`` with fields of one workload changed.

    A change to ``None`` restores the field's default (e.g. ``rate=None``). Raises
    :class:`ScenarioError` when the workload is unknown or the result is not a valid scenario.
    """
    data = scenario.to_dict()
    i = _workload_index(data, workload)
    data["workloads"][i].update(changes)
    return from_dict(data)


def with_mode(scenario: Scenario, workload: str, mode: str) -> Scenario:
    """The same scenario with one workload's mode changed (job | session | batch).

    With the same seed, job k of the workload gets the same quantum and classical draws in
    both scenarios (R33), so the two runs differ only by the mode.
    """
    return with_workload(scenario, workload, mode=mode)


def with_reservation(scenario: Scenario, index: int, **changes: Any) -> Scenario:
    """A validated copy with fields of reservation ``index`` (0-based) changed."""
    data = scenario.to_dict()
    if not 0 <= index < len(data["reservations"]):
        raise ScenarioError([Problem("reservations", f"no reservation number {index + 1}")])
    data["reservations"][index].update(changes)
    return from_dict(data)


# The ways the Iterative vs batch page submits the same jobs (R24, R30, R31, plain jobs).
SUBMISSION_WAYS = ("iterative session", "batch in a session", "batch mode", "plain jobs")


def submission_variants(
    scenario: Scenario, workload: str, plain: str = "iterative"
) -> dict[str, Scenario]:
    """``workload``'s jobs submitted four ways, the rest of ``scenario`` as it is: an
    iterative loop in a session (R30), all at once in a session (R31), in batch mode (R24),
    and as plain jobs submitted ``plain`` (iterative: one after another; batch: at once).
    With the same seed every variant draws the same quantum times (R33)."""
    patterns = {
        "iterative session": ("iterative", "session"),
        "batch in a session": ("batch", "session"),
        "batch mode": ("batch", "batch"),
        "plain jobs": (plain, "job"),
    }
    return {
        way: with_workload(scenario, workload, pattern=pattern, mode=mode)
        for way, (pattern, mode) in patterns.items()
    }


# --- replications --------------------------------------------------------------------------

# One replication API: sim.experiments.runs'. These names are the same functions, kept because the
# README documents them here: consecutive seeds from ``first_seed`` (default: the scenario's
# own), so a comparison and a sweep of the same scenario draw the same replications;
# ``mean_ci(values, confidence)`` the Student-t interval of the sweeps (``scipy.stats.t``).
replicate = runs.replicate
mean_ci = runs.interval
replication_seeds = runs.seeds
