"""The rule profiles as a table: every knob, the rules (R-numbers) it implements, its value
in each profile and in the current scenario. Pure pandas, no Streamlit."""

from __future__ import annotations

from typing import Any

import pandas as pd

import sim
from sim.model.rules import ENGINE_PENDING, KNOB_NAMES, KNOB_SOURCES, Knobs
from sim.model.units import format_duration

# knob → (R-numbers, what it decides)
KNOB_RULES: dict[str, tuple[str, str]] = {
    "default_interactive_ttl": ("R14, R20", "default interactive timeout (ITTL) of a session"),
    "interactive_ttl_fixed": ("R20", "every premium session gets the default ITTL, fixed"),
    "default_max_time": ("R16, R20", "default max_time of a session"),
    "max_time_limit": ("R20", "system limit on max_time"),
    "session_blocks_calibration": ("R25, R26", "an active session keeps calibrations waiting"),
    "on_close": ("R17", "close(): queued jobs fail, or drain with priority"),
    "first_job_cancel_fails_session": ("R19", "cancelling the first job fails the session"),
    "open_plan_sessions": ("R21", "sessions on Open-plan instances"),
    "open_plan_interactive_ttl": ("R21", "ITTL of an Open-plan session (when allowed)"),
    "open_plan_max_time": ("R21", "max_time cap of an Open-plan session (when allowed)"),
    "idle_session_close": ("R22", "a session with no job this long after opening closes"),
    "batch_mode": ("R24", "batch mode exists (else a batch runs as a session)"),
    "batch_interactive_ttl": ("R24", "a batch's (tiny) interactive timeout"),
    "batch_max_time": ("R24", "default max_time of a batch"),
    "open_plan_batch_max_time": ("R21, R24", "default max_time of an Open-plan batch"),
    "session_order": ("R23", "order of jobs queued together in a session or batch"),
    "job_time_limit": ("R3", "system limit on one job's quantum time"),
    "fair_share_window": ("R7", "the rolling fair-share usage window"),
    "fair_share_basis": ("R34", "fair share by the hub/group/project tree, or by allocation"),
    "payg_priority": ("R34", "how Pay-As-You-Go instances (no allocation) compete"),
    "open_plan_allocation": ("R35", "an Open-plan instance's allocation, as a limit"),
    "open_plan_session_refusal": (
        "R35",
        "an Open-plan session refused at run time or by validation",
    ),  # fmt: skip
    "interactive_ttl_configurable": ("R36", "a workload may set its own ITTL"),
    "cancel_running_jobs": ("R37", "cancel_job stops a running job at once"),
    "job_overhead_seconds": ("R38", "QPU-locked time billed per job besides its quantum time"),
    "max_execution_time_status": ("R38", "status of a job stopped at max_execution_time"),
    "idle_close_batches": ("R41", "the idle close (R22) applies to batches too"),
    "preprocess_lanes": ("R41", "parallel pre-processing lanes before the QPU (0: none)"),
}
DURATION_KNOBS = {
    name for name, field in Knobs.model_fields.items() if "float" in str(field.annotation)
}


def knob_text(name: str, value: Any) -> str:
    """A knob value as the README writes it: ``1m``, ``never``, ``yes``/``no``, ``drain``."""
    if value is None:
        return "never"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name in DURATION_KNOBS:
        return format_duration(float(value))
    return str(value)


def profiles_table(scenario: sim.Scenario, profiles: list[str] | None = None) -> pd.DataFrame:
    """One row per knob: rules, description, each profile's value, and this scenario's value."""
    profiles = list(sim.PROFILES) if profiles is None else profiles
    active = scenario.knobs
    rows = []
    for name in KNOB_NAMES:
        rules, what = KNOB_RULES.get(name, ("", ""))
        if name in ENGINE_PENDING:
            what += " (not in runs yet: engine, next release)"
        if name in KNOB_SOURCES:
            # In the same cell, not a column of its own: the table must fit without scrolling.
            what += f" — IBM docs: {KNOB_SOURCES[name]}"
        row = {"knob": name, "rules": rules, "what it decides": what}
        for p in profiles:
            row[p] = knob_text(name, getattr(sim.PROFILES[p], name))
        value = knob_text(name, getattr(active, name))
        row["this scenario"] = value + (" (override)" if name in scenario.overrides else "")
        rows.append(row)
    return pd.DataFrame(rows)


def differing(table: pd.DataFrame, profiles: list[str]) -> pd.DataFrame:
    """Only the knobs whose value differs between the given profiles."""
    if len(profiles) < 2:
        return table
    return table[table[profiles].nunique(axis=1) > 1]
