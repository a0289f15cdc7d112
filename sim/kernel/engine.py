"""The scheduler: a dispatcher over our own queues, driven by the SimPy kernel
(sim.kernel.environment).

No SimPy Process or Resource per job (a PriorityResource re-sorts its queue on every request):
every change of the world — a submission, a finish, a calibration falling due, a timer — is a
callback, and each backend has at most one pending *dispatch* that runs after every other event
of the same instant. So at any instant the scheduler decides with the whole picture: a job that
arrives exactly when the backend frees up is considered together with the ones already queued.

Event priorities at one instant: world events (1) → state timers such as the ITTL (2) →
dispatch (3). A job submitted exactly when an ITTL runs out therefore still keeps the session.

The kernel (:class:`sim.kernel.environment.Kernel`) is a ``simpy.Environment`` whose heap
also carries plain callbacks: the engine's per-job steps are plain callbacks (one ``heappop``
and one call), and SimPy processes — a workload written as a process (:mod:`sim.kernel.client`),
a probe sampling the
queues — run in the same heap, in the same time order.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from ..model.scenario import Scenario
from ..model.units import HORIZON
from .costlimit import CostMeter
from .dispatch import Dispatcher
from .environment import WORLD, Kernel
from .eventlog import EventLog, Opened
from .fairshare import Allocations, ShareTree, ledger_for
from .gcpause import gc_paused
from .sessions import END_FAILURES, Session

if TYPE_CHECKING:
    from collections.abc import Callable, Generator

    from .client import Client
    from .workloads import WorkloadRun

TIMER = 2  # a state timer runs after the world events of its instant (see sim.kernel.environment)
QUEUED, RUNNING, FINAL = 0, 1, 2  # Job.state (sim.kernel.dispatch reads QUEUED)
# R41: submitted, not yet in the QPU's queue: waiting for a pre-processing lane, or in one.
WAITING_LANE, IN_LANE = 3, 4
_new = object.__new__


class Job:
    """One submitted job. Built once per job, so it holds only what the engine reads later;
    its user, instance and backend are its workload's, copied for the hot paths."""

    __slots__ = (
        "id", "seq", "workload", "user", "instance", "backend", "session", "quantum", "run_time",
        "state",
    )  # fmt: skip

    @staticmethod
    def new(jid: str, seq: int, wl: WorkloadRun, session: Session | None, quantum: float) -> Job:
        """The one place a job is made. A plain function, not ``__init__``: the engine makes
        one per submission, and a class call runs the same lines through ``type.__call__``
        at about twice the cost of this call."""
        job = _new(Job)
        job.id = jid
        job.seq = seq  # global submission order: the tie-breaker "older job first" (R7)
        job.workload = wl  # told when the job is final
        job.user = wl.user
        job.instance = wl.instance
        job.backend = wl.backend
        job.session = session
        job.quantum = quantum
        limit = wl.limit
        need = quantum + wl.overhead if wl.overhead else quantum  # R38: the overhead locks the QPU
        job.run_time = need if need <= limit else limit  # R3
        job.state = QUEUED
        return job


class Reservation:
    __slots__ = ("instance", "start", "end", "sessions")

    def __init__(self, instance: int, start: float, end: float):
        self.instance = instance
        self.start = start
        self.end = end
        self.sessions: list[Session] = []  # sessions of the instance that ran inside (R28)


class BackendState:
    __slots__ = (
        "name", "queues", "counts", "waiting", "busy", "holder", "batches", "calibrations",
        "reservation", "windows", "dispatch_pending", "wake_at", "current", "since", "lanes_busy",
        "lane_queue",
    )  # fmt: skip

    def __init__(self, name: str, n_instances: int):
        self.name = name
        self.queues: list[deque[Job]] = [deque() for _ in range(n_instances)]
        self.counts = [0] * n_instances  # live queued jobs per instance
        self.waiting: set[int] = set()  # instances with queued jobs here
        self.busy = False
        self.holder: Session | None = None  # the active session holding the backend (R13)
        self.batches: list[Session] = []  # active batches, oldest activation first (R24)
        # Due system jobs, not yet run: (id, duration, calibration | pause) (R25, R40).
        self.calibrations: deque[tuple[str, float, str]] = deque()
        self.reservation: Reservation | None = None
        self.windows: dict[int, list[tuple[float, float]]] = {}  # instance → reserved windows
        self.dispatch_pending = False
        self.wake_at: float | None = None
        # The running job and its start, kept only when a running job may be stopped
        # (R37, R39; see Engine._track_running).
        self.current: Job | None = None
        self.since = 0.0
        self.lanes_busy = 0  # R41: pre-processing lanes in use
        self.lane_queue: deque[Job] = deque()  # R41: jobs waiting for a lane, FIFO


class Engine(Dispatcher):
    """The scheduler: the dispatch order is :class:`sim.kernel.dispatch.Dispatcher`'s; the engine
    keeps the queues and sessions and runs what it picks."""

    def __init__(self, scenario: Scenario, seed: int):
        self.scenario = scenario
        self.seed = seed
        self.knobs = scenario.knobs
        self.env = env = Kernel(self.dispatch)
        self.done = env.event()  # succeeds when the run is over (see _end)
        self.log = EventLog()
        knobs = self.knobs
        tree = ShareTree.build(scenario, knobs)
        by_allocation = knobs.fair_share_basis == "allocation"  # R34
        self._init_fair_share(
            tree,
            ledger_for(scenario, tree, knobs),
            Allocations.build(scenario, tree, knobs) if by_allocation else None,
        )
        self.instance_index = {n: i for i, n in enumerate(self.tree.instance_names)}
        self.instances = {i.name: i for i in scenario.instances}
        self.user_instance = {u.name: u.instance for u in scenario.users}
        n = len(self.tree.instance_names)
        self.backends = {b.name: BackendState(b.name, n) for b in scenario.backends}
        self.seq = 0
        self._dirty: list[BackendState] = env.dirty  # backends that asked for a dispatch
        self.alive = 0  # workloads still submitting + live jobs + active sessions + calibrations
        self.running = 0
        self.stopped = False
        self.over = False  # the run is over once the end marker is reached (see _end)
        self.draining = False  # R40: the user work is done; due system jobs still run (_end)
        self.sessions: list[Session] = []
        self.workloads: dict[str, WorkloadRun] = {}
        self.arrivals = env.arrivals  # every stream's arrivals, merged (R32)
        self._on_finish = self._finish  # bound once: scheduled once per job
        self._call_in = env.call_in
        self.prepared = False
        self.driven: dict[str, Callable] = {}  # workload → the process that submits its jobs
        # R3/R38: how a job that reaches its max_execution_time ends (ERROR, or CANCELLED as
        # today's max-execution-time page says: "forcibly canceled").
        cancelled = self.knobs.max_execution_time_status == "CANCELLED"
        self._time_limit_event = "cancelled" if cancelled else "error"
        # R39: the billed usage of each Pay-As-You-Go instance with a cost limit (instance →
        # meter); empty in the older profiles, where no instance can have one.
        self.meters: dict[int, CostMeter] = {
            self.instance_index[i.name]: CostMeter(i.cost_limit, i.used)
            for i in scenario.instances
            if i.cost_limit is not None
        }
        if self.knobs.cancel_running_jobs or self.meters:
            self._track_running()

    # --- the public client API (sim.kernel.client) ------------------------------------------------

    def drive(self, workload: str, process: Callable[[Client], Generator]) -> None:
        """Before ``run()``: the scenario workload ``workload`` submits through ``process(client)``,
        a generator run as a SimPy process from the workload's start (see
        :mod:`sim.kernel.client`)."""
        if self.prepared:
            raise RuntimeError("drive() must come before prepare() and run()")
        if workload not in {w.name for w in self.scenario.workloads}:
            raise KeyError(f"no workload {workload!r} in the scenario")
        self.driven[workload] = process

    def client(self, workload: str) -> Client:
        """The client of a workload given to :meth:`drive` (once the run has started)."""
        return self.workloads[workload].client

    def queue_length(self, backend: str) -> int:
        """Jobs queued on ``backend`` right now (not running, not final)."""
        return sum(self.backends[backend].counts)

    # --- scheduling primitives -------------------------------------------------------------

    def later(self, delay: float, fn, priority: int = WORLD, args: tuple = ()) -> None:
        """Call ``fn(*args)`` after ``delay``: a plain callback on the kernel's heap."""
        self.env.call_in(delay, fn, priority, args)

    def at(self, time: float, fn, priority: int = WORLD, args: tuple = ()) -> None:
        self.env.call_at(time, fn, priority, args)

    def _end(self) -> None:
        """The run is over: the ``done`` event goes in behind what is already due at this
        instant (a world event), so that the same events still run before the end.

        R40, in every profile: a calibration that fell due before the user work was done is
        never dropped — the run goes on until it has run (see :meth:`_drain_system_jobs`).
        ``until`` is a hard stop (nothing new starts, R1), so it ends the run as it is.
        """
        if self.over or (not self.stopped and self._drain_system_jobs()):
            return
        self.over = True
        self.done.succeed()

    def _drain_system_jobs(self) -> bool:
        """R40: once no user work is left, the backends still run their due calibrations.

        Nothing holds the run then (no job, no active session), so each one starts at once,
        holds the run while it runs and calls :meth:`_end` again when it is done. From the first
        drain on, a calibration falling due is not queued (``_schedule_calibration``): the run
        finishes the system jobs it has, and a periodic one that keeps falling due during the
        previous one cannot keep it going for ever. True while some are left to run.
        """
        waiting = [b for b in self.backends.values() if b.calibrations]
        if not waiting:
            return False
        self.draining = True
        for b in waiting:
            self.request_dispatch(b)
        return True

    def request_dispatch(self, b: BackendState) -> None:
        """Ask ``b`` to pick its next job once everything else at this instant is handled."""
        if not b.dispatch_pending and not b.busy:
            b.dispatch_pending = True
            self._dirty.append(b)

    def hold(self) -> None:
        self.alive += 1

    def release(self) -> None:
        self.alive -= 1
        if self.alive == 0:
            self._end()

    # --- the run ----------------------------------------------------------------------------

    def prepare(self) -> None:
        """Put the scenario's calendar on the kernel (calibrations, reservations, workloads,
        actions, until). ``run()`` does this first; call it yourself to step the kernel
        (``env.step()``, ``env.run(until=...)``) until ``done`` has been processed."""
        from .client import DrivenRun
        from .workloads import WorkloadRun

        if self.prepared:
            return
        self.prepared = True
        s = self.scenario
        for i, inst in enumerate(s.instances):
            # R8: usage spent before the start counts, as if charged at time 0.
            self.ledger.charge(0.0, i, inst.used)
        for b in s.backends:
            for n, cal in enumerate(b.calibrations):
                self._schedule_calibration(self.backends[b.name], f"{b.name}/cal{n + 1}", cal,
                                           cal.start)  # fmt: skip
            for n, pause in enumerate(b.pauses):  # R40: queue pauses (health checks)
                self._schedule_calibration(self.backends[b.name], f"{b.name}/pause{n + 1}",
                                           pause, pause.start, "pause")  # fmt: skip
        for r in s.reservations:
            b = self.backends[r.backend]
            inst = self.instance_index[r.instance]
            b.windows.setdefault(inst, []).append((r.start, r.end))
            res = Reservation(inst, r.start, r.end)
            self.at(r.start, lambda b=b, res=res: self._reservation_start(b, res))
        for w in s.workloads:
            process = self.driven.get(w.name)
            if process is None and w.pattern == "trace":
                from .trace import replay

                process = replay  # a recorded program's steps (sim.kernel.trace)
            self.workloads[w.name] = (
                WorkloadRun(self, w) if process is None else DrivenRun(self, w, process)
            )
        self._cost_limits_reached_before()
        for w in self.workloads.values():
            w.begin()
        for a in s.actions:
            self.at(a.at, lambda a=a: self.workloads[a.workload].act(a.do, a.job))
        if s.until is not None:
            self.at(s.until, self._stop)
        if self.alive == 0:
            self._end()
        # A safety net, never a rule: if work were left that can never start, the run stops at
        # the horizon instead of SimPy raising "no scheduled events" or periodic calibrations
        # spinning for ever.
        self.at(HORIZON, self._stop)

    def run(self) -> float:
        """Run to the end; returns the end time."""
        self.prepare()
        with gc_paused():  # the run keeps what it allocates (see gcpause)
            self.env.run(until=self.done)
        return self.env.now

    def _stop(self) -> None:
        """``until``: nothing new starts or arrives; a job already running completes (R1)."""
        self.stopped = True
        if self.running == 0:
            self._end()

    # --- jobs -------------------------------------------------------------------------------

    def submit(self, wl: WorkloadRun, k: int, quantum: float, session: Session | None) -> Job:
        job = self._submitted(wl, k, quantum, session)
        if job.state == FINAL:
            return job  # refused by its session
        if wl.preprocess:  # R41: pre-processing lanes before the QPU's queue
            return self._to_lanes(job)
        if session is not None:
            session.queue.append(job)
            session.queued += 1
        b = wl.backend
        self._enqueue(b, job)
        self.request_dispatch(b)
        return job

    def _submitted(self, wl: WorkloadRun, k: int, quantum: float,
                   session: Session | None) -> Job:  # fmt: skip
        """A new job, logged as submitted and counted by its session; FINAL already if its
        session no longer takes jobs (R16/R17: a closed or ended session rejects them)."""
        self.seq += 1
        job = Job.new(f"{wl.name}.{k}", self.seq, wl, session, quantum)
        self.log.extend((self.env.now, wl.backend.name, "submit", job.id,
                         session.id if session else None, job.user,
                         (wl.name, wl.mode, quantum)))  # fmt: skip
        self.hold()
        if session is not None:
            if not session.accepting:
                self._finalize(job, "error", session.refusal())
                return job
            session.jobs_submitted += 1
            if session.first_job is None:
                session.first_job = job
        return job

    # --- pre-processing lanes (R41) ------------------------------------------------------------

    def _to_lanes(self, job: Job) -> Job:
        """R41 (docs: execution-modes-faq): a job with a ``preprocess`` time shows RUNNING as
        soon as its classical pre-processing starts in one of the backend's lanes, and only
        then enters the QPU's queue (:meth:`_preprocessed`)."""
        b, session = job.backend, job.session
        if session is not None:
            session.preprocessing.append(job)  # a job in flight: keeps the ITTL off (R14)
        job.state = WAITING_LANE
        b.lane_queue.append(job)
        self._fill_lanes(b)
        if job.state == WAITING_LANE:  # no lane free: the log must say it is not queued yet
            self.log.add(self.env.now, b.name, "preprocess_wait", job.id,
                         session.id if session else None, job.user)  # fmt: skip
        return job

    def _fill_lanes(self, b: BackendState) -> None:
        """R41: start the pre-processing of waiting jobs, first come first served, while a
        lane is free. After ``until`` nothing new starts (R1)."""
        lanes, q = self.knobs.preprocess_lanes, b.lane_queue
        while q and b.lanes_busy < lanes and not self.stopped:
            job = q.popleft()
            if job.state != WAITING_LANE:
                continue  # it left (cancelled, or its session ended) while waiting for a lane
            job.state = IN_LANE
            b.lanes_busy += 1
            sid = job.session.id if job.session else None
            self.log.add(self.env.now, b.name, "preprocess_start", job.id, sid, job.user)
            self.later(job.workload.preprocess, self._preprocessed, WORLD, (b, job))

    def _preprocessed(self, b: BackendState, job: Job) -> None:
        """R41: the job's pre-processing is done: it frees its lane and enters the QPU's queue
        (its age for R7 is its place in that queue, the order the scheduler sees it in). A job
        that left meanwhile freed its lane then (:meth:`_fail_preprocessing`)."""
        if job.state != IN_LANE:
            return
        b.lanes_busy -= 1
        s = job.session
        self.log.add(self.env.now, b.name, "preprocess_end", job.id, s.id if s else None,
                     job.user)  # fmt: skip
        self.seq += 1
        job.seq = self.seq
        job.state = QUEUED
        if s is not None:
            s.preprocessing.remove(job)
            s.queue.append(job)
            s.queued += 1
        self._enqueue(b, job)
        self.request_dispatch(b)
        self._fill_lanes(b)

    def _fail_preprocessing(self, job: Job, status: str, reason: str) -> None:
        """A job leaves during its pre-processing (cancelled, or its session ended): the
        pre-processing stops and its lane, if it had one, is free at once."""
        s = job.session
        if s is not None:
            s.preprocessing.remove(job)
        in_lane = job.state == IN_LANE
        b = job.backend
        if in_lane:
            b.lanes_busy -= 1
        self._finalize(job, "cancelled" if status == "CANCELLED" else "error", reason)
        if in_lane:
            self._fill_lanes(b)

    def reject(self, wl: WorkloadRun, k: int, quantum: float, reason: str) -> Job:
        """A submission refused outright (R21: Open-plan sessions under ibm-current)."""
        b = wl.backend
        self.seq += 1
        job = Job.new(f"{wl.name}.{k}", self.seq, wl, None, quantum)
        self.log.add(self.env.now, b.name, "submit", job.id, None, wl.user,
                     (wl.name, wl.mode, quantum))  # fmt: skip
        self.hold()
        self._finalize(job, "error", reason)
        return job

    def _enqueue(self, b: BackendState, job: Job) -> None:
        i = job.instance
        b.queues[i].append(job)
        if b.counts[i] == 0:
            b.waiting.add(i)
        b.counts[i] += 1

    def _dequeue(self, job: Job) -> None:
        """Take a queued job out of the counts. A job at the head of its instance's queue
        (the usual case when it starts) leaves it; others are skipped lazily later."""
        b, i = job.backend, job.instance
        q = b.queues[i]
        if q[0] is job:
            q.popleft()
        b.counts[i] -= 1
        if b.counts[i] == 0:
            b.waiting.discard(i)
        s = job.session
        if s is not None:
            s.queued -= 1

    def _finalize(self, job: Job, event: str, reason: str = "") -> None:
        """A job reaches its final state: log it, tell its workload and session."""
        job.state = FINAL
        sid = job.session.id if job.session else None
        self.log.extend((self.env.now, job.backend.name, event, job.id, sid, job.user, reason))
        job.workload.on_final(job, event == "done", event)
        self.alive -= 1  # release()
        if self.alive == 0:
            self._end()

    def fail_queued(self, job: Job, status: str, reason: str) -> None:
        self._dequeue(job)
        self._finalize(job, "cancelled" if status == "CANCELLED" else "error", reason)

    def cancel_job(self, job: Job) -> None:
        """A user cancels one job: a queued one leaves the queue; a running one stops at once
        under ``cancel_running_jobs`` (R37, docs: monitor-job), else it runs on (R1); a
        finished one is not affected; one still pre-processing (R41) stops and leaves."""
        if job.state >= WAITING_LANE:  # R41: pre-processing, not in the QPU's queue yet
            self._fail_preprocessing(job, "CANCELLED", "user_cancelled")
            return
        if job.state == QUEUED:
            self.fail_queued(job, "CANCELLED", "user_cancelled")
        elif job.state == RUNNING and self.knobs.cancel_running_jobs:
            if not self._stop_running(job, "user_cancelled"):
                return  # it finishes at this very instant: too late to cancel
        else:
            return
        s = job.session
        if s is not None and s.first_job is job and self.knobs.first_job_cancel_fails_session:
            self.end_session(s, "first_job_cancelled")  # R19 (ibm-2023)
        self.request_dispatch(job.backend)

    def _start(self, b: BackendState, job: Job, why: str) -> None:
        self._dequeue(job)
        job.state = RUNNING
        b.busy = True
        self.running += 1
        s = job.session
        if s is not None:
            if not s.active:
                self.activate(s)  # R12/R15: a session becomes active when its job starts
            s.running += 1
            s.ittl_gen += 1  # a running job stops the ITTL clock
            res = b.reservation
            if res is not None and res.instance == s.instance and s not in res.sessions:
                res.sessions.append(s)
        self.log.extend((self.env.now, b.name, "start", job.id, s.id if s else None, job.user,
                         why))  # fmt: skip
        self._call_in(job.run_time, self._on_finish, WORLD, (b, job))

    def _finish(self, b: BackendState, job: Job) -> None:
        now = self.env.now
        b.busy = False
        self.running -= 1
        s = job.session
        if s is None and job.run_time is job.quantum and not b.windows:
            # The common case, once per job: a job without a session (job mode) charges its
            # whole quantum (R9; R3: within the limit; R27: no reserved window to deduct), and
            # the charge and the done event are logged in one go; then as _finalize.
            self.ledger.charge(now, job.instance, job.run_time)
            job.state = FINAL
            bn, jid, user = b.name, job.id, job.user
            self.log.extend((now, bn, "charge", jid, None, user, job.run_time,
                             now, bn, "done", jid, None, user, ""))  # fmt: skip
            job.workload.on_final(job, True)
            self.release()
            if self.stopped and self.running == 0:
                self._end()
            self.request_dispatch(b)
            return
        if s is None or s.mode != "session":
            self._charge_job(b, job, now - job.run_time, job.run_time)
        if job.run_time < job.quantum + job.workload.overhead:
            # R3: cut at its time limit; ERROR, or CANCELLED under ibm-2025 (R38).
            self._finalize(job, self._time_limit_event, "max_execution_time")
        else:
            self._finalize(job, "done")
        self._job_left(b, s)

    def _charge_job(self, b: BackendState, job: Job, start: float, used: float) -> None:
        """R9/R24/R38: job and batch mode charge the QPU-locked seconds (the quantum plus the
        per-job overhead), except time inside the instance's own reservation, which the
        reservation charges (R27)."""
        now = self.env.now
        if b.windows:
            used -= self._reserved_overlap(b, job.instance, start, now)
        self.ledger.charge(now, job.instance, used)
        s = job.session
        self.log.add(now, b.name, "charge", job.id, s.id if s else None, job.user,
                     used)  # fmt: skip

    def _job_left(self, b: BackendState, s: Session | None) -> None:
        """A job left the QPU (finished or stopped): its session and the backend go on."""
        if s is not None:
            s.running -= 1
            if s.ending:
                self._close_session(s)
            elif s.closing and s.queued == 0 and not s.preprocessing:
                self._close_session(s)  # R17 drain: done without waiting for the ITTL
            elif s.active:
                self._start_ittl(s)  # R14: the ITTL clock restarts when a session job finishes
        if self.stopped and self.running == 0:
            self._end()
        self.request_dispatch(b)

    # --- stopping a running job (R37 cancel, R39 cost limit) ---------------------------------

    def _track_running(self) -> None:
        """Keep each backend's running job and its start, so that one can be stopped before
        its finish. Installed only when a rule may stop a running job (``cancel_running_jobs``,
        a cost limit): the older profiles keep the plain per-job paths."""
        self._start = self._start_tracked
        self._on_finish = self._finish_tracked

    def _start_tracked(self, b: BackendState, job: Job, why: str) -> None:
        b.current = job
        b.since = self.env.now
        Engine._start(self, b, job, why)
        s = job.session
        if s is None or not s.holds:
            self._meter(job.instance, 1)  # R38/R39: a job or batch job bills while it runs

    def _finish_tracked(self, b: BackendState, job: Job) -> None:
        if job.state != RUNNING:
            return  # stopped before (R37, R39): this was its planned finish
        b.current = None
        s = job.session
        if s is None or not s.holds:
            self._meter(job.instance, -1)
        self._finish(b, job)

    def _stop_running(self, job: Job, reason: str) -> bool:
        """Stop a running job now: CANCELLED with ``reason``, charged the QPU-locked time it
        used so far (R38: what it consumed, overhead included). A job whose planned finish is
        this very instant is left to finish DONE (returns False)."""
        b = job.backend
        now = self.env.now
        if b.since + job.run_time <= now:
            return False
        b.busy = False
        b.current = None
        self.running -= 1
        s = job.session
        if s is None or not s.holds:
            self._meter(job.instance, -1)
            self._charge_job(b, job, b.since, now - b.since)
        self._finalize(job, "cancelled", reason)
        self._job_left(b, s)
        return True

    # --- the Pay-As-You-Go cost limit (R39, docs: manage-cost) ------------------------------

    def _meter(self, instance: int, change: int) -> None:
        """One more (or one fewer) thing billing ``instance`` by the second from now: a running
        job- or batch-mode job, or an active session (R38). If the instance has a cost limit,
        (re)plan the moment its billed usage reaches it."""
        meter = self.meters.get(instance)
        if meter is None:
            return
        at = meter.change(self.env.now, change)
        if at is not None:
            self.at(at, self._cost_limit_due, args=(instance, meter.gen))

    def _cost_limits_reached_before(self) -> None:
        """R39 + R8: an instance whose prior usage is at its cost limit runs nothing; its jobs
        are refused from the first (before any workload begins, so none is queued)."""
        for i, meter in self.meters.items():
            if meter.billed >= meter.limit:
                meter.reached = True
                self._apply_cost_limit(i)

    def _cost_limit_reached(self, instance: int) -> bool:
        meter = self.meters.get(instance)
        return meter is not None and meter.reached

    def _cost_limit_due(self, instance: int, gen: int) -> None:
        meter = self.meters[instance]
        if meter.gen != gen or meter.reached or self.over:
            return  # the rate changed since this moment was planned
        meter.reached = True
        self._apply_cost_limit(instance)

    def _apply_cost_limit(self, i: int) -> None:
        """R39: the instance's billed usage reached its cost limit. Its running jobs stop
        (CANCELLED ``cost_limit``), its sessions and batches end (queued jobs CANCELLED, later
        submissions ERROR, as R18), its queued jobs are cancelled and later ones refused:
        "no further jobs can be run" (manage-cost). Sessions end first, so that a session
        whose running job is stopped ends for this reason, not by its workload's close."""
        for wl in self.workloads.values():
            if wl.instance != i:
                continue
            s = wl.session
            if s is None:
                wl.reject_reason = "cost_limit"  # later submissions: ERROR at once
            elif s.opened and not s.finishing:  # one not open yet ends as it opens
                self.end_session(s, "cost_limit")
        for b in self.backends.values():
            job = b.current
            if job is not None and job.instance == i and job.state == RUNNING:
                self._stop_running(job, "cost_limit")
            for job in list(b.queues[i]):
                if job.state == QUEUED and job.session is None:
                    self.fail_queued(job, "CANCELLED", "cost_limit")

    # --- the dispatcher (sim.kernel.dispatch: dispatch() and the fair-share pick) -------------

    def _wake_when_usage_expires(self, b: BackendState) -> None:
        """R10: an instance over its allocation waits until old usage leaves the window."""
        t = self.ledger.next_expiry()
        if t is None or (b.wake_at is not None and b.wake_at <= t and b.wake_at > self.env.now):
            return
        b.wake_at = t

        def wake() -> None:
            b.wake_at = None
            self.request_dispatch(b)

        self.at(t, wake)

    # --- calibrations (R25, R26, R29) -----------------------------------------------------

    def _schedule_calibration(self, b: BackendState, cid: str, cal, when: float,
                              kind: str = "calibration") -> None:  # fmt: skip
        """A calibration (R25) or a queue pause (``kind="pause"``, R40) falls due at ``when``
        (and every ``cal.every`` after). Both wait in the backend's one queue of system jobs."""
        due_event = f"{kind}_due"

        def due() -> None:
            if self.over or self.draining:  # after the user work: not part of the run (R40)
                return
            if all(c[0] != cid for c in b.calibrations):  # a late one is not queued twice
                b.calibrations.append((cid, cal.duration, kind))
                self.log.add(self.env.now, b.name, due_event, None, None, None, cid)
                self.request_dispatch(b)
            if cal.every is not None:
                self.later(cal.every, due)

        self.at(when, due)

    def _start_calibration(self, b: BackendState) -> None:
        """Run the first due system job: a calibration (R25, R26), or a queue pause (R40:
        a health check stopped the queue; like a calibration, the backend starts no job
        until it ends, and a running job finishes first, R1)."""
        cid, duration, kind = b.calibrations.popleft()
        b.busy = True
        self.running += 1
        self.hold()
        self.log.add(self.env.now, b.name, f"{kind}_start", None, None, None, cid)

        def end() -> None:
            b.busy = False
            self.running -= 1
            self.log.add(self.env.now, b.name, f"{kind}_end", None, None, None, cid)
            if self.stopped and self.running == 0:
                self._end()
            self.request_dispatch(b)
            self.release()

        self.later(duration, end)

    # --- reservations (R27, R28) ------------------------------------------------------------

    def _reservation_start(self, b: BackendState, res: Reservation) -> None:
        if self.over:
            return
        b.reservation = res
        name = self.tree.instance_names[res.instance]
        self.log.add(self.env.now, b.name, "reservation_start", None, None, None, name)
        holder = b.holder
        if holder is not None and holder.instance != res.instance:
            self.deactivate(holder, "reservation")  # the reservation takes the backend (R27)
        self.at(res.end, lambda: self._reservation_end(b, res))
        self.request_dispatch(b)

    def _reservation_end(self, b: BackendState, res: Reservation) -> None:
        if self.over:
            return
        if b.reservation is res:  # back to back, the next window may already have begun
            b.reservation = None
        name = self.tree.instance_names[res.instance]
        self.ledger.charge(self.env.now, res.instance, res.end - res.start)  # R27
        self.log.add(self.env.now, b.name, "charge", None, None, None, res.end - res.start)
        self.log.add(self.env.now, b.name, "reservation_end", None, None, None, name)
        for s in res.sessions:
            if not s.finishing:
                self.end_session(s, "reservation_ended")  # R28
        self.request_dispatch(b)

    def _reserved_overlap(self, b: BackendState, instance: int, start: float, end: float) -> float:
        windows = b.windows.get(instance)
        if not windows:
            return 0.0
        return sum(max(0.0, min(end, e) - max(start, s)) for s, e in windows)

    # --- sessions (R11–R24) -----------------------------------------------------------------

    def open_session(self, s: Session) -> None:
        s.open()
        self.sessions.append(s)
        self.log.add(self.env.now, s.backend.name, "session_open", None, s.id, s.user,
                     Opened(s.workload, s.mode, s.max_time, s.ittl))  # fmt: skip
        idle = self.knobs.idle_session_close
        if idle is not None and (s.holds or self.knobs.idle_close_batches):
            # R22: a session that gets no job this long after it was opened closes by itself;
            # R41 (ibm-2025, docs: run-jobs-session): sessions only, not batches.
            def check() -> None:
                if s.jobs_submitted == 0 and not s.ended:
                    self.end_session(s, "idle_timeout")

            self.later(idle, check, TIMER)
        if self.meters and self._cost_limit_reached(s.instance):
            self.end_session(s, "cost_limit")  # R39: it refuses every job from the start

    def activate(self, s: Session) -> None:
        b = s.backend
        first = s.activate(self.env.now)
        self.hold()
        self.log.add(self.env.now, b.name, "session_activate", None, s.id, s.user,
                     "first" if first else "reactivated")  # fmt: skip
        if first:
            # R12: the max_time clock starts at the first activation and never pauses.
            self.later(s.max_time, lambda: self._max_time_reached(s))
        if s.holds:
            if b.holder is not None and b.holder is not s:
                self.deactivate(b.holder, "reservation")
            b.holder = s
            if self.meters:
                self._meter(s.instance, 1)  # R38: an active session bills its wall clock
        else:
            b.batches.append(s)

    def _charge_span(self, s: Session) -> None:
        """R9: a session bills wall-clock time while active, idle ITTL time included."""
        if not s.holds:
            return  # R24: a batch bills its jobs' quantum seconds instead
        if self.meters:
            self._meter(s.instance, -1)
        start, end = s.activated_at, self.env.now
        used = end - start - self._reserved_overlap(s.backend, s.instance, start, end)
        self.ledger.charge(end, s.instance, used)
        self.log.add(end, s.backend.name, "charge", None, s.id, s.user, used)

    def deactivate(self, s: Session, why: str) -> None:
        b = s.backend
        self._charge_span(s)
        s.deactivate()
        if b.holder is s:
            b.holder = None
        elif s in b.batches:
            b.batches.remove(s)
        self.log.add(self.env.now, b.name, "session_deactivate", None, s.id, s.user, why)
        self.request_dispatch(b)
        self.release()

    def _start_ittl(self, s: Session) -> None:
        s.ittl_gen += 1
        gen = s.ittl_gen

        def expired() -> None:
            # R14: inactive only if no job of the session is queued (or running) by now.
            if (s.ittl_gen == gen and s.active and not s.queued and not s.running
                    and not s.preprocessing):  # fmt: skip
                self.deactivate(s, "interactive_ttl")

        self.later(s.ittl, expired, TIMER)

    def _max_time_reached(self, s: Session) -> None:
        if not s.finishing:
            self.end_session(s, "max_time")  # R16

    def close_session(self, s: Session) -> None:
        """R17: close() — fail queued jobs (ibm-2023) or drain them with priority."""
        if s.closing or s.finishing:
            return
        self.log.add(self.env.now, s.backend.name, "session_close", None, s.id, s.user,
                     self.knobs.on_close)  # fmt: skip
        if self.knobs.on_close == "fail":
            self.end_session(s, "closed")
            return
        s.start_closing()
        if s.queued == 0 and s.running == 0 and not s.preprocessing:
            self._close_session(s, "closed")

    def end_session(self, s: Session, why: str) -> None:
        """Stop accepting, fail every queued job, and end once the running job (if any) is done.

        Ending is marked first: failing the last queued job tells its workload, which may try
        to close the session (``close: after_last``) — that must not end it a second time.
        """
        if s.finishing:
            return
        s.start_ending(why)  # R16/R18: a running job finishes first
        status, reason = END_FAILURES[why]
        for job in s.live_jobs():
            self.fail_queued(job, status, reason)
        for job in list(s.preprocessing):  # R41: jobs still in pre-processing fail too
            self._fail_preprocessing(job, status, reason)
        if not s.running:
            self._close_session(s, why)
        self.request_dispatch(s.backend)

    def _close_session(self, s: Session, why: str | None = None) -> None:
        if s.ended:
            return
        why = why or s.end_reason or "closed"
        if s.active:
            self._charge_span(s)
            b = s.backend
            if b.holder is s:
                b.holder = None
            elif s in b.batches:
                b.batches.remove(s)
            self.release()
        s.end(why)
        self.log.add(self.env.now, s.backend.name, "session_end", None, s.id, s.user, why)
        self.request_dispatch(s.backend)

    def finish(self) -> None:
        """End of run: bill sessions still active (they are reported as not ended)."""
        for s in self.sessions:
            if s.active:
                self._charge_span(s)
