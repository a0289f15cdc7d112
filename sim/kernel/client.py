"""A workload written as a SimPy process: the engine's public client API.

The built-in patterns (R30–R32) cover loops, batches and streams. Anything else — an optimizer
that decides after each result, a script that cancels, a real Qiskit program co-simulated
step by step — is a generator run as a SimPy process in the engine's own environment
(:class:`sim.kernel.environment.Kernel`), talking to the scheduler through a :class:`Client`::

    engine = Engine(scenario, seed)

    def loop(client):                       # started at the workload's `start` (R30)
        for _ in range(10):
            job = client.submit()           # quantum drawn from the workload's distribution
            status = yield job.final        # "DONE", "ERROR" or "CANCELLED"
            if status != "DONE":
                break
            yield client.env.timeout(client.think())   # classical time (R30)
        client.done()                       # no more jobs: closes an after_last session

    engine.drive("vqe", loop)
    result = sim.Result.of(engine)

The workload is declared in the scenario as usual: its user, backend, mode, session settings
and quantum/classical distributions apply; only its pattern (and jobs, rate, stop) is replaced
by the process. The jobs it submits go through exactly the paths a built-in workload's do, so
the tables are the ones a built-in workload doing the same would give (tests/test_kernel.py).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model.settings import run_mode
from .workloads import WorkloadRun

if TYPE_CHECKING:
    import simpy

    from .engine import Engine, Job
    from .environment import Kernel
    from .sessions import Session

_STATUS = {"done": "DONE", "error": "ERROR", "cancelled": "CANCELLED"}
_STATE = ("QUEUED", "RUNNING")


class JobHandle:
    """A submitted job as its submitter sees it."""

    __slots__ = ("job", "final", "_status")

    def __init__(self, job: Job, final: simpy.Event):
        self.job = job
        self.final = final  # succeeds when the job is final; its value is the status
        self._status = ""

    @property
    def id(self) -> str:
        return self.job.id

    @property
    def status(self) -> str:
        """QUEUED, RUNNING, DONE, ERROR or CANCELLED (R1)."""
        return self._status or _STATE[self.job.state]

    def __repr__(self) -> str:
        return f"<JobHandle {self.id} {self.status}>"


@dataclass
class Group:
    """What a workload submits into when it opens its own sessions (a stepped workload,
    :mod:`sim.kernel.stepper`, or a recorded ``trace``): a session, a batch or plain jobs."""

    mode: str  # the mode its jobs run in (job | session | batch), after R21/R24
    session: Session | None
    reject_reason: str  # R21: refused outright under some profiles

    @property
    def id(self) -> str | None:
        return self.session.id if self.session is not None else None


class Client:
    """Submits and follows the jobs of one scenario workload from a SimPy process."""

    def __init__(self, run: DrivenRun):
        self._run = run

    @property
    def env(self) -> Kernel:
        return self._run.engine.env

    @property
    def name(self) -> str:
        return self._run.name

    @property
    def stopped(self) -> bool:
        """The scenario's ``until`` has passed: nothing new may be submitted (R1)."""
        return self._run.engine.stopped

    @property
    def jobs(self) -> list[JobHandle]:
        return [self._run.handles[j] for j in self._run.jobs]

    def submit(self, quantum: float | None = None) -> JobHandle:
        """Submit a job now (in the workload's session, if it has one). ``quantum``: its
        quantum seconds; None draws the next one from the workload's distribution. Raises
        RuntimeError once the run is stopped or after :meth:`done`."""
        run = self._run
        if run.engine.stopped or not run.submitting:
            raise RuntimeError(f"{run.name}: no submissions after the run stopped or done()")
        run.submit_one(quantum)
        return run.handles[run.jobs[-1]]

    def think(self) -> float:
        """The next classical time between iterations, from the workload's distribution."""
        return self._run.classical.next()

    def cancel(self, job: JobHandle) -> None:
        """Cancel a queued job; a running or final one is not affected (R1)."""
        self._run.engine.cancel_job(job.job)

    def close_session(self) -> None:
        """``session.close()`` (R17)."""
        if self._run.session is not None and self._run.session.opened:
            self._run.engine.close_session(self._run.session)

    def done(self) -> None:
        """No more submissions (the run may end once every workload is done, R1); a session
        with ``close: after_last`` closes once its last job is final."""
        self._run.done_submitting()


class DrivenRun(WorkloadRun):
    """A scenario workload whose submissions come from a process instead of its pattern."""

    def __init__(self, engine: Engine, spec, process: Callable[[Client], Generator]):
        super().__init__(engine, spec)
        self.process = process
        self.iterative = True  # the engine tells on_final about every job (no fast path)
        self.handles: dict[Job, JobHandle] = {}
        self.client = Client(self)
        self.groups = 0  # sessions and batches opened by open_group()

    def begin(self) -> None:
        self.hold_and_open()  # the process may submit until it returns
        self.engine.at(self.spec.start, self._start)

    def _start(self) -> None:
        # A process starts URGENT: before the other world events of this instant, where a
        # built-in pattern's first submission runs.
        self.engine.env.process(self.process(self.client))

    def submit_one(self, quantum: float | None, group: Group | None = None) -> None:
        """Submit the next job now: in the workload's own session (``group`` None) or in a
        session, batch or none that a stepped workload opened itself (:mod:`sim.kernel.stepper`)."""
        engine = self.engine
        k = len(self.jobs) + 1
        q = self.quantum.next() if quantum is None else float(quantum)
        final = engine.env.event()
        self.outstanding += 1
        # The handle exists before the job can be final (a rejection is final at once).
        self._next_final = final
        if group is None:
            session, reject = self.session, self.reject_reason
        else:  # the submit event records the workload's mode: the group's, for this job
            session, reject = group.session, group.reject_reason
            own, self.mode = self.mode, group.mode
        if reject:
            job = engine.reject(self, k, q, reject)
        else:
            job = engine.submit(self, k, q, session)
        if group is not None:
            self.mode = own
        self.jobs.append(job)
        handle = self.handles.get(job)
        if handle is None:
            self.handles[job] = JobHandle(job, final)

    def open_group(self, mode: str, max_time: float | None = None) -> Group:
        """Open a session, a batch or a plain-jobs group now, as a program's
        ``Session(backend)`` / ``Batch(backend)`` does: R21 and R24 decide the mode its jobs
        actually run in; a session opens at once (R22's idle clock starts)."""
        engine = self.engine
        plan = engine.instances[engine.user_instance[self.user]].plan
        actual, reject = run_mode(mode, engine.knobs, plan)
        session = None
        if actual in ("session", "batch") and not reject:
            self.groups += 1
            sid = f"{self.name}:{actual}:{self.groups}"
            session = self._make_session(plan, actual, sid, max_time)
            engine.open_session(session)
        return Group(actual, session, reject)

    def done_submitting(self) -> None:
        self._done_submitting()

    def on_final(self, job: Job, ok: bool, event: str = "done") -> None:
        handle = self.handles.get(job)
        if handle is None:  # final inside submit(): a rejection (R16, R17, R21)
            handle = self.handles[job] = JobHandle(job, self._next_final)
        handle._status = _STATUS[event]
        self.outstanding -= 1
        # Whoever waits runs where a built-in pattern's on_final would (see Kernel).
        self.engine.env.trigger_urgent(handle.final, handle._status)
        self._maybe_close()
