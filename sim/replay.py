"""The scheduler's state at any moment of a run, rebuilt from the event log.

``state_at(result, t)`` answers, for time ``t`` (after every event at ``t`` was handled):
what each backend is doing, which jobs are queued and in which order the scheduler would take
them if nothing changed, and each session's state (pending, active, inactive, closed).

The queue order follows the dispatcher's own order (docs/model.md, "What the backend picks"):
due calibrations (R25), the active session's jobs (R13), started batches (R24), the reserved
instance inside a reservation (R27), then fair share by the keys at ``t`` (R5–R7). Beyond the
first place it is a ranking by today's keys: keys change as jobs run and are charged.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .history import History
from .results import Result
from .units import format_share

SESSION_STATES = ("pending", "active", "inactive", "closed")


@dataclass(frozen=True)
class ReplayState:
    time: float
    backends: pd.DataFrame  # backend, doing, job_id, user, session_id, since, until
    queue: pd.DataFrame  # backend, position, job_id, user, instance, session_id, submitted, why
    sessions: pd.DataFrame  # session_id, user, backend, mode, state, since

    def to_text(self) -> str:
        from .units import format_clock as t  # the dashboard's time format

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
    m = h.moments
    waiting = m[(m["submit_pos"] < pos) & (m["leave_pos"] >= pos)]
    keys = h.keys_at([(pos, t)])[0]
    active = sessions[sessions["state"] == "active"]
    active_since = dict(zip(active["session_id"], active["since"], strict=True))
    modes = dict(zip(sessions["session_id"], sessions["mode"], strict=True))
    rows = []
    for b in [b.name for b in h.result.scenario.backends]:
        reserved = h.reservation_at(b, t)
        # R25 (ibm-current): an active session keeps calibrations waiting, queued jobs or not.
        holder_blocks = any(
            backend == b and modes.get(sid) == "session"
            for sid, backend in zip(active["session_id"], active["backend"], strict=True)
        )
        ranked = []
        for jid, job in waiting[waiting["backend"] == b].iterrows():
            sid, inst = _s(job["session_id"]), job["instance"]
            k = keys[inst]
            if sid in active_since and modes.get(sid) == "session":
                if reserved is None or reserved == inst:
                    rank, why = (1, 0.0, 0.0), "active session first (R13)"
                else:
                    rank, why = (4, 0.0, 0.0), f"waits for {reserved}'s reservation (R27)"
            elif sid in active_since:
                rank, why = (2, active_since[sid], 0.0), "started batch jumps the queue (R24)"
            elif reserved is not None:
                if reserved == inst:
                    rank, why = (3, 0.0, 0.0), f"inside {inst}'s reservation, FIFO (R27)"
                else:
                    rank, why = (4, 0.0, 0.0), f"waits for {reserved}'s reservation (R27)"
            elif h.over_allocation(inst, k):
                rank, why = (5, 0.0, 0.0), f"{inst} is over its allocation (R10)"
            else:
                rank = (3.5, k.group_key, k.key)
                why = f"fair share: {inst} used {format_share(k.key)} of its share (R5–R7)"
            ranked.append((rank, job["submit_pos"], jid, job, why))
        due = _due_calibrations(h, b, pos)
        blocked = holder_blocks and h.knobs.session_blocks_calibration
        for cid in due:
            rank = (1.5, 0.0, 0.0) if blocked else (0, 0.0, 0.0)
            why = "due; an active session keeps it waiting (R25)" if blocked else "due (R25)"
            ranked.append((rank, -1, cid, None, why))
        ranked.sort(key=lambda r: (r[0], r[1]))
        for n, (_, _, jid, job, why) in enumerate(ranked, start=1):
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


def _due_calibrations(h: History, backend: str, pos: int) -> list[str]:
    ev = h.events.iloc[:pos]
    ev = ev[(ev["backend"] == backend) & ev["event"].isin(["calibration_due", "calibration_start"])]
    due: list[str] = []
    for event, cid in zip(ev["event"], ev["detail"], strict=True):
        if event == "calibration_due":
            due.append(cid)
        elif due:
            due.pop(0)  # calibrations start in the order they fell due (a deque in the engine)
    return due
