"""Runtime state of one session or batch (R11–R24).

The engine drives the transitions; this module only holds the state and the mapping from why a
session ended to the reason its remaining jobs fail.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import BackendState, Job

# Why a session ended → (status, reason) for its queued jobs and for later submissions.
END_FAILURES: dict[str, tuple[str, str]] = {
    "max_time": ("ERROR", "session_max_time"),  # R16
    "closed": ("ERROR", "session_closed"),  # R17
    "cancelled": ("CANCELLED", "session_cancelled"),  # R18
    "first_job_cancelled": ("ERROR", "first_job_cancelled"),  # R19
    "idle_timeout": ("ERROR", "session_closed"),  # R22
    "reservation_ended": ("ERROR", "reservation_ended"),  # R28
}


class Session:
    """A session (holds the backend while active) or a batch (jumps the queue, holds nothing)."""

    __slots__ = (
        "id", "workload", "user", "instance", "backend", "mode", "holds", "ittl", "max_time",
        "queue", "queued", "running", "opened", "active", "activated_at", "first_activation",
        "activations", "accepting", "closing", "ended", "end_reason", "pending_end",
        "ittl_gen", "jobs_submitted", "first_job", "rng", "preprocessing",
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
        self.opened = False  # a close or cancel before the session exists does nothing
        self.active = False
        self.activated_at = 0.0
        self.first_activation: float | None = None
        self.activations = 0
        self.accepting = True
        self.closing = False  # R17 drain: no new jobs, queued ones still run with priority
        self.ended = False
        self.end_reason = ""
        self.pending_end = ""  # ending, but a job is still running (R16, R18)
        self.ittl_gen = 0
        self.jobs_submitted = 0
        self.first_job: Job | None = None
        self.rng = None
        self.preprocessing: list[Job] = []  # R41: submitted, not yet in the QPU's queue

    def live_jobs(self) -> list[Job]:
        """The session's queued jobs in submission order (drops stale entries)."""
        return [j for j in self.queue if j.state == 0]
