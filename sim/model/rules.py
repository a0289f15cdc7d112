"""Rule profiles: named bundles of knobs (semantics §8, §10).

The engine reads knobs, never profile names, so a scenario can start from a profile and
override any knob one by one (``overrides: {on_close: drain}``).

The knobs of today's platform (``ibm-2025``, R34–R41) have defaults that keep the older
profiles' behaviour. Some of them are applied by validation (``sim/model/scenario.py``) already;
the ones in :data:`ENGINE_PENDING` are data only until the engine reads them, and a run
says so (``Result.warnings``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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

    # --- today's platform (semantics §10). Each default is the older profiles' behaviour. ---
    # R34 (docs: fair-share-scheduler, instances, allocation-limits): fair share over the
    # hub/group/project tree by `share` weights (R6), or between flat instances by the
    # fraction of their `allocation` used. Under `allocation` a name with slashes is just a
    # name and `hubs`/`groups` weights are refused (validation).
    fair_share_basis: Literal["share_tree", "allocation"] = "share_tree"
    # R34: the docs are silent on how a Pay-As-You-Go instance (no allocation) competes with
    # instances that have one: after all of them (`lowest`) or before them (`highest`).
    payg_priority: Literal["lowest", "highest"] = "lowest"
    # R35 (docs: plans-overview, instances): an Open-plan instance's allocation when the
    # scenario gives none, as a limit (None: no limit, the older profiles' R10 reading).
    open_plan_allocation: float | None = None
    # R35 (docs: execution-modes): where an Open-plan session is refused: at run time, each
    # job ERROR `open_plan_no_sessions` (ibm-current), or by validation before any job runs.
    open_plan_session_refusal: Literal["run", "validation"] = "run"
    # R36 (docs: run-jobs-session, max-execution-time): may a workload set its own ITTL?
    interactive_ttl_configurable: bool = True
    # R37 (docs: monitor-job): a `cancel_job` action stops a running job at once.
    cancel_running_jobs: bool = False
    # R38 (docs: execution-modes-faq, estimate-job-run-time): QPU-locked time billed per job
    # besides its quantum time (job and batch mode), about 2 s today.
    job_overhead_seconds: float = 0.0
    # R38 (docs: max-execution-time): a job over its max_execution_time ends ERROR (R3) or
    # CANCELLED (today: "forcibly canceled").
    max_execution_time_status: Literal["ERROR", "CANCELLED"] = "ERROR"
    # R41 (docs: run-jobs-session): the 30-minute idle close (R22) applies to batches too
    # (the engine's reading so far), or to sessions only.
    idle_close_batches: bool = True
    # R41 (docs: execution-modes-faq): classical pre-processing lanes per backend before
    # the QPU pick (0: none — a workload's `preprocess` is ignored with a warning, and a
    # job's RUNNING is its QPU start).
    preprocess_lanes: int = Field(default=0, ge=0)

    @field_validator(
        "default_interactive_ttl", "default_max_time", "max_time_limit",
        "open_plan_interactive_ttl", "open_plan_max_time", "idle_session_close",
        "batch_interactive_ttl", "batch_max_time", "open_plan_batch_max_time",
        "job_time_limit", "fair_share_window", "open_plan_allocation", "job_overhead_seconds",
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

    @field_validator("open_plan_allocation")
    @classmethod
    def _allocation(cls, value: float | None) -> float | None:
        if value is not None and value <= 0:
            raise ValueError("must be positive (or null for no limit)")
        return value

    @field_validator("job_overhead_seconds")
    @classmethod
    def _not_negative(cls, value: float) -> float:
        if value < 0:
            raise ValueError("may not be negative")
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
    # Today's platform (semantics §10, IBM's documentation as of late 2026; the page behind
    # each value is named beside its knob above and in docs/model.md).
    "ibm-2025": Knobs(
        default_interactive_ttl=60,  # run-jobs-session: 60 s, not configurable (R36)
        interactive_ttl_fixed=False,  # a workload's value is refused by validation instead
        interactive_ttl_configurable=False,
        session_blocks_calibration=True,  # execution-modes, calibration-jobs (R25)
        on_close="drain",  # run-jobs-session (R17)
        first_job_cancel_fails_session=False,
        open_plan_sessions="rejected",  # execution-modes: Open plan cannot submit sessions
        open_plan_session_refusal="validation",  # R35: an error before any job runs
        open_plan_allocation=10 * MINUTE,  # plans-overview: 10 min per 28 days (R35)
        idle_session_close=30 * MINUTE,  # R22
        idle_close_batches=False,  # R41: sessions only
        batch_mode=True,  # R24; open_plan_batch_max_time stays 10 min (R35)
        fair_share_basis="allocation",  # fair-share-scheduler, instances (R34)
        cancel_running_jobs=True,  # monitor-job (R37)
        job_overhead_seconds=2.0,  # execution-modes-faq: a per-job overhead (R38)
        max_execution_time_status="CANCELLED",  # max-execution-time (R38)
        preprocess_lanes=5,  # execution-modes-faq: five lanes on most backends (R41)
    ),
}
DEFAULT_PROFILE = "ibm-2024"
KNOB_NAMES = tuple(Knobs.model_fields)

# Knobs the engine does not read yet (issue 15's engine task): their value under a profile is
# data for the Rules page, validation and docs, not yet behaviour of a run. A run whose knobs
# differ from the default here is told so by ``Result.warnings`` (the older profiles never are).
# Empty now: the engine reads every knob of semantics §10 (R34, R35, R37–R41). Kept, with
# pending_rules(), for the next knob that is data before it is behaviour.
ENGINE_PENDING: dict[str, str] = {}

# The IBM documentation page (quantum.cloud.ibm.com/docs/guides/…) behind each knob's value
# under ibm-2025; the Rules page shows it beside the knob.
KNOB_SOURCES: dict[str, str] = {
    "default_interactive_ttl": "run-jobs-session, max-execution-time",
    "interactive_ttl_fixed": "max-execution-time",
    "interactive_ttl_configurable": "run-jobs-session, max-execution-time",
    "default_max_time": "max-execution-time",
    "max_time_limit": "max-execution-time",
    "session_blocks_calibration": "execution-modes, calibration-jobs",
    "on_close": "run-jobs-session, execution-modes-faq",
    "first_job_cancel_fails_session": "run-jobs-session",
    "open_plan_sessions": "execution-modes",
    "open_plan_session_refusal": "execution-modes",
    "open_plan_allocation": "plans-overview, instances",
    "open_plan_batch_max_time": "max-execution-time",
    "idle_session_close": "run-jobs-session",
    "idle_close_batches": "run-jobs-session, run-jobs-batch",
    "batch_mode": "execution-modes, run-jobs-batch",
    "batch_max_time": "max-execution-time, execution-modes-faq",
    "session_order": "execution-modes",
    "job_time_limit": "max-execution-time",
    "max_execution_time_status": "max-execution-time",
    "fair_share_window": "fair-share-scheduler",
    "fair_share_basis": "fair-share-scheduler, instances, allocation-limits",
    "payg_priority": "(the docs are silent: a modelling choice)",
    "cancel_running_jobs": "monitor-job",
    "job_overhead_seconds": "execution-modes-faq, estimate-job-run-time",
    "preprocess_lanes": "execution-modes-faq, execution-modes",
}


def pending_rules(knobs: Knobs) -> list[str]:
    """The rules of ``knobs`` that the engine does not apply yet (see :data:`ENGINE_PENDING`):
    those whose knob is set away from the default, the older profiles' behaviour."""
    fields = Knobs.model_fields
    return [
        text
        for name, text in ENGINE_PENDING.items()
        if getattr(knobs, name) != fields[name].get_default()
    ]


def knobs_for(profile: str, overrides: dict[str, object] | None = None) -> Knobs:
    """The profile's knobs with the scenario's overrides applied (and validated)."""
    base = PROFILES[profile].model_dump()
    base.update(overrides or {})
    return Knobs.model_validate(base)
