"""The settings a workload actually runs with once the rule profile has had its say: its mode
(R21 Open plan, R24 batch mode) — the one place that decides them, read by the engine, the
scenario's parameters and the dashboard alike."""

from __future__ import annotations

from .rules import Knobs


def run_mode(mode: str, knobs: Knobs, plan: str) -> tuple[str, str]:
    """(the mode a workload asking for ``mode`` runs in, the reason its jobs are rejected or
    ""). The one place that decides it: the engine
    (:mod:`sim.kernel.workloads`) and :mod:`sim.model.parameters` both ask here."""
    if mode == "batch" and not knobs.batch_mode:
        mode = "session"  # R24: before batch mode, a batch was jobs in a session (seed 000)
    if mode == "session" and plan == "open":
        # R21: Open-plan sessions per profile.
        if knobs.open_plan_sessions == "job_mode":
            return "job", ""
        if knobs.open_plan_sessions == "rejected":
            return mode, "open_plan_no_sessions"
    return mode, ""
