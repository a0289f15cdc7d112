"""The scheduler's state at any moment of a run, rebuilt from the event log.

``state_at(result, t)`` answers, for time ``t`` (after every event at ``t`` was handled):
what each backend is doing, which jobs are queued and in which order the scheduler would take
them if nothing changed, and each session's state (pending, active, inactive, closed).

The queue order is the engine's own dispatcher (:class:`sim.kernel.dispatch.Dispatcher`,
docs/model.md
"What the backend picks") asked over and over on a snapshot of the queues at ``t``: due
calibrations (R25), the active session's jobs (R13), started batches (R24), the reserved
instance inside a reservation (R27), then fair share by the keys at ``t`` (R5–R7). The first
place is the job the backend starts next if nothing else happens first; beyond it the order is
a ranking by today's keys (keys change as jobs run and are charged).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from types import SimpleNamespace

import pandas as pd

from ..kernel.dispatch import (
    BATCH,
    BY_ALLOCATION,
    FAIR_SHARE,
    RESERVATION,
    SESSION,
    Dispatcher,
)
from ..kernel.engine import BackendState
from ..kernel.fairshare import Ledger
from ..model.units import format_duration, format_share
from .history import History
from .results import Result

SESSION_STATES = ("pending", "active", "inactive", "closed")


@dataclass(frozen=True)
class ReplayState:
    time: float
    backends: pd.DataFrame  # backend, doing, job_id, user, session_id, since, until
    queue: pd.DataFrame  # backend, position, job_id, user, instance, session_id, submitted, why
    sessions: pd.DataFrame  # session_id, user, backend, mode, state, since

    def to_text(self) -> str:
        from ..model.units import format_clock as t  # the dashboard's time format

        lines = [f"at {t(self.time)}:"]
        for b in self.backends.itertuples():
            what = b.doing
            if b.job_id:
                what += f" {b.job_id} ({b.user})"
            elif b.session_id:
                what += f" by {b.session_id} ({b.user})"
            lines.append(f"{b.backend}: {what}, since {t(b.since)}")
            q = self.queue[self.queue["backend"] == b.backend]
            if q.empty:
                lines.append("  queue: empty")
            for row in q.itertuples():
                lines.append(f"  {row.position}. {row.job_id} ({row.user}) — {row.why}")
        for s in self.sessions.itertuples():
            lines.append(f"session {s.session_id} ({s.user}): {s.state} since {t(s.since)}")
        return "\n".join(lines)


def state_at(result: Result, t: float, history: History | None = None) -> ReplayState:
    h = history or History(result)
    t = float(t)
    pos = h.position_after(t)  # every event at or before t has happened
    sessions = _sessions(h, pos)
    backends = _backends(result, t)
    queue = _queue(h, pos, t, sessions)
    return ReplayState(t, backends, queue, sessions)


def queue_before(result: Result, pos: int, history: History | None = None) -> pd.DataFrame:
    """The queues just before row ``pos`` of ``result.events`` (at that event's time): what
    the dispatcher saw when it logged that event. Before a ``start`` or ``calibration_start``
    the backend's first place is what it started (tests/test_dispatch.py)."""
    h = history or History(result)
    t = float(h.events["time"].iat[pos])
    return _queue(h, pos, t, _sessions(h, pos))


def _sessions(h: History, pos: int) -> pd.DataFrame:
    kinds = ("session_open", "session_activate", "session_deactivate", "session_end")
    ev = h.events.iloc[:pos]
    ev = ev[ev["event"].isin(kinds)]
    state: dict[str, list] = {}
    for t, event, sid, backend, user in zip(ev["time"], ev["event"], ev["session_id"],
                                            ev["backend"], ev["user"], strict=True):  # fmt: skip
        if event == "session_open":
            state[sid] = [sid, user, backend, h.session_modes.get(sid, "session"), "pending", t]
            continue
        row = state.get(sid)
        if row is None:
            continue
        row[4] = {"session_activate": "active", "session_deactivate": "inactive"}.get(
            event, "closed"
        )
        row[5] = t
    return pd.DataFrame(
        list(state.values()),
        columns=["session_id", "user", "backend", "mode", "state", "since"],
    ).astype({"since": float})


def _backends(result: Result, t: float) -> pd.DataFrame:
    tl = result.timeline
    rows = []
    for b in [b.name for b in result.scenario.backends]:
        on = tl[(tl["backend"] == b) & (tl["start"] <= t) & (tl["end"] > t)]
        if on.empty:  # after the end of the run
            rows.append((b, "idle", "", "", "", t, t))
            continue
        seg = on.iloc[-1]
        rows.append(
            (b, seg["kind"], _s(seg["job_id"]), _s(seg["user"]), _s(seg["session_id"]),
             float(seg["start"]), float(seg["end"]))
        )  # fmt: skip
    return pd.DataFrame(
        rows, columns=["backend", "doing", "job_id", "user", "session_id", "since", "until"]
    )


def _s(value) -> str:
    return value if isinstance(value, str) else ""


def _queue(h: History, pos: int, t: float, sessions: pd.DataFrame) -> pd.DataFrame:
    """Each backend's waiting jobs and due calibrations in the order the dispatcher takes
    them: the engine's own dispatcher (:class:`sim.kernel.dispatch.Dispatcher`) asked again and
    again
    over a snapshot of the queues just before position ``pos``, with the keys frozen."""
    m = h.moments
    # R41: a job in pre-processing is not in the QPU's queue yet (queue_pos, not submit_pos).
    waiting = m[(m["queue_pos"] < pos) & (m["leave_pos"] >= pos)].sort_values("queue_pos")
    keys = h.keys_at([(pos, t)])[0]
    ledger = h.ledger_at(pos, t)
    active = sessions[sessions["state"] == "active"].sort_values("since", kind="stable")
    rows = []
    for b in [b.name for b in h.result.scenario.backends]:
        snap = _Snapshot(h, ledger, t, b)
        columns = (active[c] for c in ("session_id", "mode", "backend", "user"))
        for sid, mode, backend, user in zip(*columns, strict=True):
            if backend == b:
                snap.activate(sid, mode, h.user_instance[user])
        for jid, job in waiting[waiting["backend"] == b].iterrows():
            snap.add(jid, job)
        reserved = h.reservation_at(b, t)
        if reserved is not None:
            snap.reserve(reserved)
        for cid, kind in _due_calibrations(h, b, pos):
            snap.b.calibrations.append((cid, 0.0, kind))
        for n, (jid, job, why) in enumerate(snap.ranking(keys, reserved), start=1):
            if job is None:
                rows.append((b, n, jid, "", "", "", float("nan"), why))
            else:
                rows.append((b, n, jid, job["user"], job["instance"], _s(job["session_id"]),
                             float(job["submitted"]), why))  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=["backend", "position", "job_id", "user", "instance", "session_id", "submitted",
                 "why"],
    )  # fmt: skip


class _Job:
    """A waiting job in the snapshot: what the dispatcher reads of an engine Job."""

    __slots__ = ("id", "seq", "instance", "session", "state", "row")

    def __init__(self, jid: str, seq: int, instance: int, session, row: pd.Series):
        self.id, self.seq, self.instance, self.session = jid, seq, instance, session
        self.state = 0  # QUEUED
        self.row = row


class _Session:
    """An active session or batch in the snapshot: what the dispatcher reads of a Session."""

    __slots__ = ("instance", "queue", "queued")

    def __init__(self, instance: int):
        self.instance = instance
        self.queue: deque[_Job] = deque()
        self.queued = 0


class _Snapshot(Dispatcher):
    """One backend's queues at a moment, and a dispatcher that records its picks."""

    def __init__(self, h: History, ledger: Ledger, t: float, backend: str):
        self._init_fair_share(h.tree, ledger, h.allocations)
        self.knobs = h.knobs
        self.stopped = False
        self.env = SimpleNamespace(now=t)
        self.index = {n: i for i, n in enumerate(h.tree.instance_names)}
        self.b = BackendState(backend, len(h.tree.instance_names))
        self.sessions: dict[str, _Session] = {}
        self.jobs: list[_Job] = []
        self.picks: list[tuple[str, pd.Series | None, str]] = []
        self.blocked_calibrations = False

    def activate(self, sid: str, mode: str, instance: str) -> None:
        s = _Session(self.index[instance])
        self.sessions[sid] = s
        if mode == "session":
            self.b.holder = s  # R13 (one holder per backend)
            self.blocked_calibrations = self.knobs.session_blocks_calibration
        else:
            self.b.batches.append(s)  # R24, oldest activation first

    def add(self, jid: str, row: pd.Series) -> None:
        i = self.index[row["instance"]]
        s = self.sessions.get(_s(row["session_id"]))
        job = _Job(jid, int(row["queue_pos"]), i, s, row)
        self.jobs.append(job)
        b = self.b
        b.queues[i].append(job)
        if b.counts[i] == 0:
            b.waiting.add(i)
        b.counts[i] += 1
        if s is not None:
            s.queue.append(job)
            s.queued += 1

    def reserve(self, instance: str) -> None:
        self.b.reservation = SimpleNamespace(instance=self.index[instance])

    def ranking(self, keys: dict, reserved: str | None) -> list[tuple[str, object, str]]:
        """Ask the dispatcher for the next start until nothing is left. Where it would wait —
        the holding session has nothing queued (R13) — the ranking goes on as if the session
        had let go; what it never takes waits for the reservation (R27) or is over its
        allocation (R10), in submission order."""
        b = self.b
        while True:
            before = len(self.picks)
            self.dispatch(b)
            if len(self.picks) > before:
                continue
            if b.holder is not None:
                b.holder = None
                continue
            break
        out = []
        for jid, job, rule in self.picks:
            if job is None:
                why = _system_why(rule, self.blocked_calibrations)
            else:
                inst = job["instance"]
                why = {
                    SESSION: "active session first (R13)",
                    BATCH: "started batch jumps the queue (R24)",
                    RESERVATION: f"inside {inst}'s reservation, FIFO (R27)",
                    FAIR_SHARE: f"fair share: {inst} used {format_share(keys[inst].key)} of its "
                    "share (R5–R7)",
                    BY_ALLOCATION: self._by_allocation(inst, keys[inst]),
                }[rule]
            out.append((jid, job, why))
        for cid, _, kind in b.calibrations:  # kept waiting by a session outside the reservation
            out.append((cid, None, _system_why(kind, True)))
        for job in self.jobs:
            if job.state == 0:
                inst = job.row["instance"]
                why = (f"waits for {reserved}'s reservation (R27)" if reserved is not None
                       else f"{inst} reached its allocation, a limit (R34)"
                       if self.allocations is not None
                       else f"{inst} is over its allocation (R10)")  # fmt: skip
                out.append((job.id, job.row, why))
        return out

    def _by_allocation(self, inst: str, key) -> str:
        """R34: the part of its allocation an instance used; one without an allocation
        (Pay-As-You-Go) ranks by the seconds it used, in the tier ``payg_priority`` says."""
        if self.tree.allocation[self.index[inst]] is None:
            return (f"fair share by allocation: {inst} has no allocation and used "
                    f"{format_duration(key.used)} (R34, payg_priority)")  # fmt: skip
        return (f"fair share by allocation: {inst} used {format_share(key.key)} of its "
                "allocation (R34)")  # fmt: skip

    # --- the dispatcher's actions, recorded ------------------------------------------------

    def _start(self, b: BackendState, job: _Job, why: str) -> None:
        job.state = 1  # no longer queued: the next pick skips it
        b.counts[job.instance] -= 1
        if b.counts[job.instance] == 0:
            b.waiting.discard(job.instance)
        if job.session is not None:
            job.session.queued -= 1
        self.picks.append((job.id, job.row, why))

    def _start_calibration(self, b: BackendState) -> None:
        cid, _, kind = b.calibrations.popleft()
        self.picks.append((cid, None, kind))

    def _next_session_job(self, s: _Session) -> _Job:
        """FIFO: a shuffled session order (R23) draws from the run's generator, which the log
        does not hold."""
        q = s.queue
        while q[0].state != 0:
            q.popleft()
        return q[0]

    def _wake_when_usage_expires(self, b: BackendState) -> None:
        pass  # R10: the keys are frozen at this moment


def _system_why(kind: str, blocked: bool) -> str:
    """Why a due calibration (R25) or queue pause (R40) stands where it does."""
    rule = "R40 pause" if kind == "pause" else "R25"
    return f"due; an active session keeps it waiting ({rule})" if blocked else f"due ({rule})"


_SYSTEM_EVENTS = {"calibration_due": "calibration", "pause_due": "pause"}


def _due_calibrations(h: History, backend: str, pos: int) -> list[tuple[str, str]]:
    """The due system jobs (calibrations and pauses, one queue in the engine) not yet started
    before position ``pos``, as (id, kind) in the order they fell due."""
    ev = h.events.iloc[:pos]
    events = ["calibration_due", "calibration_start", "pause_due", "pause_start"]
    ev = ev[(ev["backend"] == backend) & ev["event"].isin(events)]
    due: list[tuple[str, str]] = []
    for event, cid in zip(ev["event"], ev["detail"], strict=True):
        if event in _SYSTEM_EVENTS:
            due.append((cid, _SYSTEM_EVENTS[event]))
        elif due:
            due.pop(0)  # system jobs start in the order they fell due (a deque in the engine)
    return due
