"""One session or batch (R11–R24): its states, the transitions between them, and what a job
sent to it when it no longer accepts jobs is told.

A session has two state machines side by side, because IBM's session has two independent
facts: where it is in its life, and whether it holds the backend right now.

- :class:`Phase` — NEW (created, not yet opened: a close or cancel does nothing) → OPEN
  (accepts jobs) → CLOSING (R17 drain: no new jobs, queued ones still run with priority) →
  ENDING (R16, R18: ending, its running job finishes first) → ENDED. Any later phase may be
  reached directly from an earlier one (a session closed or cancelled with nothing running ends
  at once), never the other way.
- :class:`Activity` — PENDING (never active yet) → ACTIVE (R12: from its first job's start;
  R13 holds the backend; a batch is active but holds nothing, R24) ⇄ INACTIVE (R14 ITTL ran
  out, R15 a new job reactivates it, R27 a reservation took the backend).

The engine performs the side effects (log, billing, timers, the backend's holder); the state
changes themselves happen only through the methods here, which refuse a transition the rules
do not allow (``SessionStateError``): a broken engine path fails loudly instead of drawing a
session that reopens after it ended.
"""

from __future__ import annotations

from collections import deque
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import BackendState, Job


class Phase(Enum):
    NEW = "new"
    OPEN = "open"
    CLOSING = "closing"
    ENDING = "ending"
    ENDED = "ended"


class Activity(Enum):
    PENDING = "pending"
    ACTIVE = "active"
    INACTIVE = "inactive"


NEW, OPEN, CLOSING, ENDING, ENDED = Phase
PENDING, ACTIVE, INACTIVE = Activity

# The allowed transitions: the life only moves forward (R16–R18, R22, R28); activity starts
# pending and then goes back and forth (R12, R14, R15, R27).
PHASE_STEPS: dict[Phase, frozenset[Phase]] = {
    NEW: frozenset({OPEN}),
    OPEN: frozenset({CLOSING, ENDING, ENDED}),
    CLOSING: frozenset({ENDING, ENDED}),
    ENDING: frozenset({ENDED}),
    ENDED: frozenset(),
}
ACTIVITY_STEPS: dict[Activity, frozenset[Activity]] = {
    PENDING: frozenset({ACTIVE}),
    ACTIVE: frozenset({INACTIVE}),
    INACTIVE: frozenset({ACTIVE}),
}


class SessionStateError(RuntimeError):
    """A transition the session rules do not allow (an engine bug, never a user's input)."""


# Why a session ended → (status, reason) for its queued jobs and for later submissions.
END_FAILURES: dict[str, tuple[str, str]] = {
    "max_time": ("ERROR", "session_max_time"),  # R16
    "closed": ("ERROR", "session_closed"),  # R17
    "cancelled": ("CANCELLED", "session_cancelled"),  # R18
    "first_job_cancelled": ("ERROR", "first_job_cancelled"),  # R19
    "idle_timeout": ("ERROR", "session_closed"),  # R22
    "reservation_ended": ("ERROR", "reservation_ended"),  # R28
    # R39: the instance's cost limit was reached; as R18, queued jobs are cancelled and
    # later submissions (sent to an ended session) are errors.
    "cost_limit": ("CANCELLED", "cost_limit"),
}


class Session:
    """A session (holds the backend while active) or a batch (jumps the queue, holds nothing)."""

    __slots__ = (
        "id", "workload", "user", "instance", "backend", "mode", "holds", "ittl", "max_time",
        "queue", "queued", "running", "phase", "activity", "activated_at", "first_activation",
        "activations", "end_reason", "drained", "ittl_gen", "jobs_submitted", "first_job", "rng",
        "preprocessing",
    )  # fmt: skip

    def __init__(
        self,
        sid: str,
        workload: str,
        user: str,
        instance: int,
        backend: BackendState,
        mode: str,
        ittl: float,
        max_time: float,
    ):
        self.id = sid
        self.workload = workload
        self.user = user
        self.instance = instance
        self.backend = backend
        self.mode = mode
        self.holds = mode == "session"  # R13 holds the backend; R24 a batch does not
        self.ittl = ittl
        self.max_time = max_time
        self.queue: deque[Job] = deque()  # lazy deletion: entries that left the queue are skipped
        self.queued = 0
        self.running = 0
        self.phase = NEW
        self.activity = PENDING
        self.activated_at = 0.0
        self.first_activation: float | None = None
        self.activations = 0
        self.end_reason = ""  # why it ended or is ending (a key of END_FAILURES)
        self.drained = False  # closed by its user (R17): later jobs fail "session_closed"
        self.ittl_gen = 0
        self.jobs_submitted = 0
        self.first_job: Job | None = None
        self.rng = None
        self.preprocessing: list[Job] = []  # R41: submitted, not yet in the QPU's queue

    def live_jobs(self) -> list[Job]:
        """The session's queued jobs in submission order (drops stale entries)."""
        return [j for j in self.queue if j.state == 0]

    # --- what the phases mean to the engine --------------------------------------------------

    @property
    def opened(self) -> bool:
        return self.phase is not NEW

    @property
    def accepting(self) -> bool:
        """New jobs are queued (R16, R17: a closing or ended session refuses them)."""
        return self.phase is NEW or self.phase is OPEN

    @property
    def closing(self) -> bool:
        return self.phase is CLOSING

    @property
    def ending(self) -> bool:
        return self.phase is ENDING

    @property
    def ended(self) -> bool:
        return self.phase is ENDED

    @property
    def finishing(self) -> bool:
        """Ending or ended: max_time, a cancel or a reservation's end has nothing left to do."""
        return self.phase is ENDING or self.phase is ENDED

    @property
    def active(self) -> bool:
        return self.activity is ACTIVE

    def refusal(self) -> str:
        """The reason a job sent to a session that no longer accepts jobs fails with."""
        if self.drained and self.phase is not ENDED:
            return "session_closed"  # R17: closed by its user, still draining or ending
        return END_FAILURES.get(self.end_reason, ("ERROR", "session_closed"))[1]

    # --- transitions ---------------------------------------------------------------------------

    def _to(self, phase: Phase) -> None:
        if phase not in PHASE_STEPS[self.phase]:
            raise SessionStateError(f"session {self.id}: {self.phase.value} -> {phase.value}")
        self.phase = phase

    def _activity(self, activity: Activity) -> None:
        if activity not in ACTIVITY_STEPS[self.activity]:
            raise SessionStateError(f"session {self.id}: {self.activity.value} -> {activity.value}")
        self.activity = activity

    def open(self) -> None:
        """R11: the session exists from here; jobs may come."""
        self._to(OPEN)

    def activate(self, now: float) -> bool:
        """R12/R15: active from its (first or next) job's start. True on the first activation,
        when the max_time clock starts (R12)."""
        self._activity(ACTIVE)
        self.activations += 1
        self.activated_at = now
        first = self.first_activation is None
        if first:
            self.first_activation = now
        return first

    def deactivate(self) -> None:
        """R14 (ITTL), R27 (a reservation takes the backend): inactive, queued jobs wait."""
        self._activity(INACTIVE)
        self.ittl_gen += 1  # a pending ITTL timer is void

    def start_closing(self) -> None:
        """R17 drain: no new jobs; the queued ones still run with priority."""
        self._to(CLOSING)
        self.drained = True

    def start_ending(self, why: str) -> None:
        """R16, R18, R19, R22, R28: no new jobs, the queued ones fail; ends when its running
        job is done."""
        self._to(ENDING)
        self.end_reason = why

    def end(self, why: str) -> None:
        """Ended, for ``why`` (a key of END_FAILURES, or "closed" after a drain)."""
        if self.activity is ACTIVE:
            self._activity(INACTIVE)
        self._to(ENDED)
        self.end_reason = why
        self.ittl_gen += 1
