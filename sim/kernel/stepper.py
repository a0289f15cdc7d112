"""The engine stepped from outside: advance virtual time, submit at the current instant, query.

:mod:`sim.kernel.client` runs a workload as a SimPy process *inside* the run. A real program —
a Qiskit script co-simulated by :mod:`sim.experiments.cosim` — cannot be a generator: it is
ordinary code that calls ``job.result()`` and expects to get an answer back. So the roles turn
round: the program owns the loop and the engine is advanced from it, between its calls::

    stepper = Stepper(Engine(scenario, seed), ["vqe"])   # "vqe" submits from outside
    stepper.start("vqe")                                  # virtual time = the workload's start
    job = stepper.submit("vqe", quantum=20.0)             # at the current virtual time
    stepper.wait(job)                                     # the others run meanwhile
    stepper.advance(12.5)                                 # the program's think time (R30)
    ...
    stepper.done("vqe")
    result = sim.Result.of(stepper.engine)                # run to the end: the usual tables

Every submission goes through the engine's own paths (:meth:`sim.kernel.engine.Engine.submit`), so a
stepped workload that submits what a built-in pattern would, at the same times, gives the same
tables (tests/test_cosim_stepper.py). A stepped workload may open more than one session or
batch (:meth:`Stepper.open_group`), as a script with two ``with Session(...)`` blocks does.

Time order: ``advance``/``wait`` stop *before* the other world events due at the instant they
stop at (SimPy's ``run(until=...)``), so a submission made there is handled before them; the
backend still picks its next job only after everything due at that instant (sim.kernel.environment).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..model.scenario import Workload
from .client import DrivenRun, Group, JobHandle

if TYPE_CHECKING:
    from .engine import Engine


def _idle(client):
    """The process of a stepped workload: it only marks that the workload has begun (what
    happens at its start — its session opening — has happened); the submissions come from
    outside."""
    client._run.began = True
    return
    yield  # makes this a generator


class Stepper:
    """Advance an :class:`~sim.kernel.engine.Engine` step by step while some of its workloads submit
    from outside (``external``: names of scenario workloads; more can be added later with
    :meth:`add_workload`)."""

    def __init__(self, engine: Engine, external: Iterable[str] = ()):
        self.engine = engine
        for name in external:
            engine.drive(name, _idle)
        engine.prepare()
        self.env = engine.env

    # --- time ---------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.env.now

    @property
    def over(self) -> bool:
        """The run has ended (every workload done and every job final, or ``until`` passed)."""
        return self.engine.over

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of virtual time pass; everything due meanwhile runs."""
        if seconds < 0:
            raise ValueError(f"cannot go back in time ({seconds!r} s)")
        if seconds > 0:
            self.env.run(until=self.env.now + seconds)

    def advance_to(self, time: float) -> None:
        self.advance(max(0.0, time - self.env.now))

    def step(self) -> float:
        """Process the next event of the run; returns the virtual time after it."""
        self.env.step()
        return self.env.now

    def start(self, workload: str) -> None:
        """Advance to the workload's start (the moment its program begins, R30), past what is
        scheduled for it there (its session opens first, as for a built-in pattern)."""
        run = self._run(workload)
        self.advance_to(run.spec.start)
        while not getattr(run, "began", False):
            self.env.step()

    def wait(self, job: JobHandle) -> str:
        """Advance until ``job`` is final (DONE, ERROR or CANCELLED) and return its status; if
        the run ends first (its ``until`` passed with the job still queued) return QUEUED."""
        final = job.final
        if not final.processed:
            done = self.engine.done
            self.env.run(until=final if done.processed else self.env.any_of([final, done]))
        return job.status

    # --- workloads submitting from outside ----------------------------------------------------

    def add_workload(self, spec: Workload) -> DrivenRun:
        """A workload that joins the run now (or at its ``start`` if later), submitting from
        outside. Its pattern is not used; its user, backend, mode and session settings are."""
        engine = self.engine
        if spec.name in engine.workloads:
            raise ValueError(f"workload {spec.name!r} already exists")
        if spec.user not in engine.user_instance:
            raise ValueError(f"unknown user {spec.user!r}")
        if spec.backend not in engine.backends:
            raise ValueError(f"unknown backend {spec.backend!r}")
        run = DrivenRun(engine, spec, _idle)
        engine.workloads[spec.name] = run
        run.begin()
        return run

    def _run(self, workload: str) -> DrivenRun:
        run = self.engine.workloads[workload]
        if not isinstance(run, DrivenRun):
            raise ValueError(f"workload {workload!r} does not submit from outside")
        return run

    def open_group(self, workload: str, mode: str, max_time: float | None = None) -> Group:
        """Open a session (``mode="session"``), a batch or a plain-jobs group for the workload
        now, like ``Session(backend)`` / ``Batch(backend)`` (see DrivenRun.open_group)."""
        return self._run(workload).open_group(mode, max_time)

    def submit(self, workload: str, quantum: float | None = None,
               group: Group | None = None) -> JobHandle:  # fmt: skip
        """Submit one job now (``quantum`` seconds; None draws from the workload's
        distribution) into ``group``, or the workload's own session if None."""
        run = self._run(workload)
        if self.engine.stopped or not run.submitting:
            raise RuntimeError(f"{workload}: no submissions after the run stopped or done()")
        run.submit_one(quantum, group)
        return run.handles[run.jobs[-1]]

    def close(self, group: Group) -> None:
        """``session.close()`` / leaving the ``with`` block (R17)."""
        s = group.session
        if s is not None and s.opened:
            self.engine.close_session(s)

    def cancel(self, workload: str, group: Group) -> None:
        """``session.cancel()`` (R18); for plain jobs, nothing to cancel as a group."""
        if group.session is not None:
            self._run(workload).cancel_session(group.session)

    def cancel_job(self, job: JobHandle) -> None:
        self.engine.cancel_job(job.job)

    def done(self, workload: str) -> None:
        """The workload submits no more (its program ended)."""
        self._run(workload).done_submitting()

    # --- state --------------------------------------------------------------------------------

    def queue_length(self, backend: str) -> int:
        return self.engine.queue_length(backend)

    def session_state(self, group: Group) -> dict:
        """What ``session.details()`` reports, from the simulation."""
        s = group.session
        if s is None:
            return {"mode": group.mode, "state": "none"}
        if s.ended:
            state = "closed"
        elif s.active:
            state = "active"
        elif s.first_activation is not None:
            state = "inactive"
        else:
            state = "open"
        return {
            "id": s.id,
            "mode": s.mode,
            "state": state,
            "accepting_jobs": s.accepting,
            "activated_at": s.first_activation,
            "activations": s.activations,
            "max_time": s.max_time,
            "interactive_timeout": s.ittl if s.holds else None,
            "end_reason": s.end_reason or None,
        }

    def finish(self) -> float:
        """Run to the end (call :meth:`done` for every stepped workload first, or the run only
        ends at ``until`` or the horizon); returns the end time. ``sim.Result.of(engine)``
        does this and gives the tables."""
        end = self.engine.run()
        self.engine.finish()
        return end
