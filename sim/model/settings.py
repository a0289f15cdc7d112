"""A workload's effective session settings: the one place that works them out.

What a workload asks for (``mode``, ``interactive_ttl``, ``max_time``) is not always what it
gets. The profile and the instance's plan decide:

- the mode it runs in: a batch is jobs in a session where there is no batch mode (R24), an
  Open-plan session runs in job mode or is refused (R21, R35);
- its session's interactive timeout (ITTL): about 1 s for a batch (R24), the Open plan's
  (R21), the profile's fixed one (R20, ``ibm-2023``), the workload's own, or the default;
- its max_time: the workload's own or the default of the mode (R20, R24), capped on the Open
  plan (R21, R24);
- and, R20, an ITTL never longer than the session's max_time.

The engine builds its sessions from these numbers (:mod:`sim.workloads`), the scenario's
validation and :mod:`sim.parameters` ask here, and the dashboard's pages show them, so a
page cannot show a value the run does not use. Nothing here imports Streamlit or Plotly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .units import format_duration

if TYPE_CHECKING:
    from .rules import Knobs
    from .scenario import Scenario, Workload

MODES_WITH_SESSION = ("session", "batch")


@dataclass(frozen=True)
class EffectiveSettings:
    """What one workload runs with under its scenario's profile and its instance's plan."""

    rules: str  # the profile's name ("" when worked out from knobs alone)
    plan: str  # premium | open | flex | payg
    requested_mode: str  # the workload's ``mode``
    mode: str  # job | session | batch: the mode its jobs run in (R21, R24)
    rejected: str  # "" or the reason every job of it is rejected (R21: open_plan_no_sessions)
    interactive_ttl: float | None  # its session's ITTL; None without a session
    max_time: float | None  # its session's max_time; None without a session
    ittl_rule: str = ""  # why the ITTL is what it is (a sentence citing the rule)

    @property
    def own_ittl(self) -> bool:
        """Whether the session uses the workload's own ``interactive_ttl`` (R20); a batch
        (R24), an Open-plan session (R21) or a fixed profile ITTL ignore it."""
        return self.ittl_rule.startswith("the workload's own")

    @property
    def has_session(self) -> bool:
        """Whether the workload's jobs run in a session or batch (and are not rejected)."""
        return self.interactive_ttl is not None


def run_mode(mode: str, knobs: Knobs, plan: str) -> tuple[str, str]:
    """(the mode a workload asking for ``mode`` runs in, the reason its jobs are rejected or
    "")."""
    if mode == "batch" and not knobs.batch_mode:
        mode = "session"  # R24: before batch mode, a batch was jobs in a session (seed 000)
    if mode == "session" and plan == "open":
        # R21: Open-plan sessions per profile.
        if knobs.open_plan_sessions == "job_mode":
            return "job", ""
        if knobs.open_plan_sessions == "rejected":
            return mode, "open_plan_no_sessions"
    return mode, ""


def default_max_time(mode: str, knobs: Knobs) -> float:
    """The max_time a session (or batch) of ``mode`` gets when the workload sets none (R20,
    R24), before the Open plan's cap."""
    return knobs.batch_max_time if mode == "batch" else knobs.default_max_time


def session_limits(
    mode: str, knobs: Knobs, plan: str, max_time: float | None, interactive_ttl: float | None
) -> tuple[float, float, str]:
    """(ITTL, max_time, why the ITTL) of a session running in ``mode`` ("session" or
    "batch", as :func:`run_mode` gives it) for a workload asking for ``max_time`` and
    ``interactive_ttl`` (None: the defaults)."""
    if mode == "batch":
        ittl = knobs.batch_interactive_ttl  # R24: about one second, not meaningful
        why = "a batch's ITTL (R24)"
        if plan == "open":  # R21, R24: an Open-plan batch is capped, 10 min by default
            cap = knobs.open_plan_batch_max_time
            limit = min(max_time if max_time is not None else math.inf, cap)
        else:
            limit = max_time if max_time is not None else knobs.batch_max_time
    elif plan == "open":
        ittl = knobs.open_plan_interactive_ttl  # R21 (ibm-2023): 2 s, at most 15 min
        why = "the Open plan's ITTL (R21)"
        limit = min(max_time if max_time is not None else math.inf, knobs.open_plan_max_time)
    else:
        if knobs.interactive_ttl_fixed:
            ittl, why = knobs.default_interactive_ttl, "fixed by the profile (R20)"
        elif interactive_ttl is None:
            ittl, why = knobs.default_interactive_ttl, "the profile's default (R20)"
        else:
            ittl, why = interactive_ttl, "the workload's own"
        limit = max_time if max_time is not None else knobs.default_max_time
    if ittl > limit:
        # R20: the ITTL may not exceed max_time (ibm-2023's fixed 5 min in a shorter session).
        # Past max_time the session has ended, so this changes no start time, only what the
        # session is said to have.
        ittl, why = limit, why + ", cut to max_time (R20)"
    return ittl, limit, why


def settings_for(workload: Workload, knobs: Knobs, plan: str, rules: str = "") -> EffectiveSettings:
    """The effective settings of ``workload`` on an instance of ``plan`` under ``knobs``."""
    mode, rejected = run_mode(workload.mode, knobs, plan)
    if mode not in MODES_WITH_SESSION or rejected:
        return EffectiveSettings(rules, plan, workload.mode, mode, rejected, None, None)
    ittl, max_time, why = session_limits(
        mode, knobs, plan, workload.max_time, workload.interactive_ttl
    )
    return EffectiveSettings(rules, plan, workload.mode, mode, rejected, ittl, max_time, why)


def plan_of(scenario: Scenario, workload: Workload) -> str:
    """The plan of the instance ``workload``'s user belongs to (premium when the scenario does
    not say: validation reports the missing user or instance on its own)."""
    instance = next((u.instance for u in scenario.users if u.name == workload.user), None)
    return next((i.plan for i in scenario.instances if i.name == instance), "premium")


def effective_settings(scenario: Scenario, workload: Workload | str) -> EffectiveSettings:
    """The effective settings of one workload of ``scenario`` (given or named)."""
    if isinstance(workload, str):
        workload = next(w for w in scenario.workloads if w.name == workload)
    return settings_for(workload, scenario.knobs, plan_of(scenario, workload), scenario.rules)


def describe(settings: EffectiveSettings) -> str:
    """One sentence on what the workload runs with, for a page or a report."""
    if settings.rejected:
        return f"its jobs are rejected ({settings.rejected}, R21)"
    if settings.interactive_ttl is None or settings.max_time is None:
        return "runs in job mode, without a session"
    return (
        f"runs as a {settings.mode}: ITTL {format_duration(settings.interactive_ttl)} "
        f"({settings.ittl_rule}), max_time {format_duration(settings.max_time)}"
    )
