"""What users submit (R30–R32): iterative loops, batches and Poisson streams; and the
``replay`` of recorded jobs at absolute times (``sim.traces``, issue 18).

A workload keeps submitting according to its pattern whatever happens to its session: a job
sent to a closed or ended session is rejected (R16, R17) and shows up as an ERROR. An
iterative loop stops at its first job that does not end DONE, as an optimizer does when
``job.result()`` raises.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..model.distributions import Distribution, Draws, stream_rng
from ..model.scenario import Workload
from ..model.settings import session_limits, settings_for
from .sessions import Session

if TYPE_CHECKING:
    from .engine import Engine, Job


class WorkloadRun:
    def __init__(self, engine: Engine, spec: Workload):
        self.engine = engine
        self.spec = spec
        self.name = spec.name
        self.user = spec.user
        knobs = engine.knobs
        inst_name = engine.user_instance[spec.user]
        plan = engine.instances[inst_name].plan
        self.instance = engine.instance_index[inst_name]
        self.backend = engine.backends[spec.backend]
        limit = spec.max_execution_time if spec.max_execution_time is not None else math.inf
        self.limit = min(limit, knobs.job_time_limit)  # R3
        # R41: pre-processing before the QPU's queue, only where the profile has lanes (0, the
        # older profiles: the stage does not exist, and the field is ignored with a warning).
        self.preprocess = spec.preprocess if knobs.preprocess_lanes else 0.0
        # R38 (docs: execution-modes-faq, estimate-job-run-time): each job locks the QPU for a
        # small overhead besides its quantum; usage is the time the QPU is locked, so the
        # overhead occupies the backend and counts against max_execution_time (R3).
        self.overhead = knobs.job_overhead_seconds

        # R20, R21, R24: the mode, ITTL and max_time it runs with (sim/model/settings.py).
        self.settings = settings_for(spec, knobs, plan, engine.scenario.rules)
        self.mode = self.settings.mode
        self.reject_reason = self.settings.rejected
        self.session: Session | None = None
        if self.settings.has_session:
            self.session = self._make_session(plan)

        seed = engine.seed
        self.quantum = Draws(spec.quantum, stream_rng(seed, spec.name, "quantum"))
        self.classical = Draws(spec.classical, stream_rng(seed, spec.name, "classical"))
        if spec.rate is not None:
            gaps = Distribution(kind="exponential", params=(1.0 / spec.rate,))
            self.arrivals = Draws(gaps, stream_rng(seed, spec.name, "arrivals"))
        self.iterative = spec.pattern == "iterative"
        self.jobs: list[Job] = []
        self.outstanding = 0  # submitted jobs not yet final
        self.submitting = True

    def _make_session(
        self, plan: str, mode: str | None = None, sid: str | None = None,
        max_time: float | None = None,
    ) -> Session:  # fmt: skip
        """The workload's session or batch (R11). A workload submitted from outside
        (sim.kernel.stepper) opens more than one: ``mode``, ``sid`` and ``max_time`` (else the
        spec's) name each. Its ITTL and max_time (R20, R21, R24) come from
        sim/model/settings.py, as the workload's own ``self.settings`` do."""
        spec = self.spec
        mode = mode or self.mode
        asked = max_time if max_time is not None else spec.max_time
        ittl, max_time, _ = session_limits(mode, self.engine.knobs, plan, asked,
                                           spec.interactive_ttl)  # fmt: skip
        sid = sid or f"{self.name}:{mode}"
        s = Session(sid, self.name, self.user, self.instance, self.backend, mode, ittl,
                    max_time)  # fmt: skip
        # The workload's own session keeps its stream name (R33: the same draws as before).
        stream = self.name if sid == f"{self.name}:{mode}" else sid
        s.rng = stream_rng(self.engine.seed, stream, "session_order")
        return s

    # --- driving the pattern ----------------------------------------------------------------

    def hold_and_open(self) -> None:
        """What every workload does first: keep the run alive while it may still submit, and
        open its session at ``open_at`` (default: its start; R22)."""
        engine, spec = self.engine, self.spec
        engine.hold()
        if self.session is not None:
            opened = spec.open_at if spec.open_at is not None else spec.start
            engine.at(opened, lambda: engine.open_session(self.session))

    def begin(self) -> None:
        engine, spec = self.engine, self.spec
        self.hold_and_open()
        if spec.pattern == "stream":
            # R32: Poisson arrivals, drawn ahead and merged with the other streams'.
            if not engine.arrivals.add(self.arrivals, spec.rate, spec.start, spec.stop,
                                       spec.jobs, self._submit, self._arrive_last):  # fmt: skip
                engine.at(spec.start, self._done_submitting)
        elif spec.pattern == "replay":
            # Recorded submissions at their own times (not gaps, not after results): one
            # world event at a time on the heap, each scheduling the next, so a long trace
            # never puts a million callbacks on the heap at once.
            self._replay_next = 0
            engine.at(spec.replay[0].at, self._replay)
        else:
            engine.at(spec.start, self._first)

    def _first(self) -> None:
        if self.engine.stopped:
            self._done_submitting()
        elif self.spec.pattern == "iterative":
            self._submit()
        else:  # R31: a batch submits every job at once
            for _ in range(self.spec.jobs):
                if self.engine.stopped:
                    break
                self._submit()
            self._done_submitting()

    def _replay(self) -> None:
        """Submit every recorded job due now (ties in list order), then wait for the next."""
        jobs, k = self.spec.replay, self._replay_next
        now = jobs[k].at
        while k < len(jobs) and jobs[k].at == now:
            if self.engine.stopped:
                self._done_submitting()
                return
            self._submit(jobs[k].quantum)  # None: a draw from the workload's quantum
            k += 1
        self._replay_next = k
        if k < len(jobs):
            self.engine.at(jobs[k].at, self._replay)
        else:
            self._done_submitting()

    def _arrive_last(self) -> None:
        """A stream's last arrival: the next would be at or after its stop, or over its jobs."""
        self._submit()
        if self.submitting:
            self.engine.later(0.0, self._done_submitting)

    def _submit(self, recorded: float | None = None) -> None:
        """Submit the next job (``recorded``: a replay's own quantum). A stream's every arrival
        but its last calls this directly."""
        engine = self.engine
        if engine.stopped:
            # until (R1): nothing new arrives. Only a stream arrival gets here (the other
            # patterns check first): the stream gives up, and its later arrivals do nothing.
            self._done_submitting()
            return
        k = len(self.jobs) + 1
        quantum = self.quantum.next() if recorded is None else recorded
        self.outstanding += 1
        if self.reject_reason:
            job = engine.reject(self, k, quantum, self.reject_reason)
        else:
            job = engine.submit(self, k, quantum, self.session)
        self.jobs.append(job)

    def _done_submitting(self) -> None:
        if self.submitting:
            self.submitting = False
            self._maybe_close()
            self.engine.release()

    def on_final(self, job: Job, ok: bool, event: str = "done") -> None:
        """Called once per job when it reaches DONE, ERROR or CANCELLED (``event``: done,
        error or cancelled)."""
        self.outstanding -= 1
        if self.submitting and not self.iterative:
            return  # still submitting: _maybe_close() would have nothing to do
        if self.iterative and self.submitting:
            if ok and len(self.jobs) < self.spec.jobs and not self.engine.stopped:
                # R30: the next iteration is submitted after the result plus classical time.
                think = self.classical.next()

                def next_iteration() -> None:
                    if self.engine.stopped:
                        self._done_submitting()
                    else:
                        self._submit()

                self.engine.later(think, next_iteration)
            else:
                self._done_submitting()
                return
        self._maybe_close()

    def _maybe_close(self) -> None:
        # close: after_last — like leaving a `with Session()` block once every result is back.
        s = self.session
        if (s is not None and not self.submitting and self.outstanding == 0
                and self.spec.close == "after_last" and not s.ended):  # fmt: skip
            self.engine.close_session(s)

    # --- user actions -----------------------------------------------------------------------

    def cancel_session(self, s: Session) -> None:
        """``session.cancel()``: queued jobs are cancelled, the running one finishes (R18)."""
        engine = self.engine
        engine.log.add(engine.env.now, s.backend.name, "session_cancel", None, s.id, s.user)
        if not s.ended:
            engine.end_session(s, "cancelled")  # R18

    def act(self, do: str, job: int | None) -> None:
        engine = self.engine
        s = self.session
        if s is not None and not s.opened and do in ("close", "cancel"):
            return  # nothing to close yet: the user's `with Session()` has not been entered
        if do == "close":
            if s is not None:
                engine.close_session(s)  # R17
        elif do == "cancel":
            if s is not None:
                self.cancel_session(s)
            else:
                for j in list(self.jobs):
                    engine.cancel_job(j)
        elif do == "cancel_job" and job is not None and job <= len(self.jobs):
            engine.cancel_job(self.jobs[job - 1])
