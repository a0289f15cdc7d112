"""Rule profiles: named bundles of knobs (semantics §8).

The engine reads knobs, never profile names, so a scenario can start from a profile and
override any knob one by one (``overrides: {on_close: drain}``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from .units import parse_duration

HOUR = 3600.0
MINUTE = 60.0
DAY = 86400.0


class Knobs(BaseModel):
    """Every rule that differs between IBM's scheduler generations, as a value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # R20: defaults and limits for sessions on premium (and other paid) plans.
    default_interactive_ttl: float
    interactive_ttl_fixed: bool  # ibm-2023: every session has a 5-minute ITTL that cannot change
    default_max_time: float = 8 * HOUR
    max_time_limit: float = 8 * HOUR
    # R25: does an active session keep calibrations off the backend?
    session_blocks_calibration: bool
    # R17: what close() does to queued jobs: fail them, or drain them with priority.
    on_close: Literal["fail", "drain"]
    # R19: does cancelling a session's first job fail the rest of the session?
    first_job_cancel_fails_session: bool
    # R21: sessions on Open-plan instances.
    open_plan_sessions: Literal["allowed", "job_mode", "rejected"]
    open_plan_interactive_ttl: float = 2.0
    open_plan_max_time: float = 15 * MINUTE
    # R22: a session that gets no job this long after it was opened closes (None: never).
    idle_session_close: float | None
    # R24: batch mode exists; where it does not, a batch-mode workload runs as a session.
    batch_mode: bool
    batch_interactive_ttl: float = 1.0
    batch_max_time: float = 8 * HOUR
    open_plan_batch_max_time: float = 10 * MINUTE
    # R23: jobs queued together in a session/batch run in submission order, or shuffled.
    session_order: Literal["fifo", "shuffled"] = "fifo"
    # R3: system limit on one job's quantum time.
    job_time_limit: float = 3 * HOUR
    # R7: the fair-share usage window.
    fair_share_window: float = 28 * DAY

    @field_validator(
        "default_interactive_ttl", "default_max_time", "max_time_limit",
        "open_plan_interactive_ttl", "open_plan_max_time", "idle_session_close",
        "batch_interactive_ttl", "batch_max_time", "open_plan_batch_max_time",
        "job_time_limit", "fair_share_window",
        mode="before",
    )  # fmt: skip
    @classmethod
    def _duration(cls, value: object) -> object:
        return None if value is None else parse_duration(value)

    @field_validator("max_time_limit", "job_time_limit", "fair_share_window")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be positive")
        return value


PROFILES: dict[str, Knobs] = {
    # Seed 000 (2023): fixed 5-minute ITTL, calibrations ahead of sessions, close() fails
    # queued jobs, a cancelled first job dooms the session, no batch mode.
    "ibm-2023": Knobs(
        default_interactive_ttl=300,
        interactive_ttl_fixed=True,
        session_blocks_calibration=False,
        on_close="fail",
        first_job_cancel_fails_session=True,
        open_plan_sessions="allowed",
        idle_session_close=None,
        batch_mode=False,
    ),
    # Seed 002 (2024): 60 s ITTL, close() drains, Open-plan sessions run as plain jobs.
    "ibm-2024": Knobs(
        default_interactive_ttl=60,
        interactive_ttl_fixed=False,
        session_blocks_calibration=False,
        on_close="drain",
        first_job_cancel_fails_session=False,
        open_plan_sessions="job_mode",
        idle_session_close=None,
        batch_mode=True,
    ),
    # IBM's documentation from 2025 on: an active session keeps calibrations waiting, Open-plan
    # sessions are refused, idle sessions close after 30 minutes.
    "ibm-current": Knobs(
        default_interactive_ttl=60,
        interactive_ttl_fixed=False,
        session_blocks_calibration=True,
        on_close="drain",
        first_job_cancel_fails_session=False,
        open_plan_sessions="rejected",
        idle_session_close=30 * MINUTE,
        batch_mode=True,
    ),
}
DEFAULT_PROFILE = "ibm-2024"
KNOB_NAMES = tuple(Knobs.model_fields)


def knobs_for(profile: str, overrides: dict[str, object] | None = None) -> Knobs:
    """The profile's knobs with the scenario's overrides applied (and validated)."""
    base = PROFILES[profile].model_dump()
    base.update(overrides or {})
    return Knobs.model_validate(base)
