"""Looking back into a run: the scheduler's state at any point of the event log.

The explanations (``sim.analysis.explain``) and the replay (``sim.analysis.replay``) need what the
dispatcher
knew when it picked a job: which jobs were queued, and every instance's fair-share key. Both
are rebuilt here from the event log alone — the single source of truth — by replaying the
``charge`` events into the same :class:`~sim.kernel.fairshare.Ledger` the engine uses, so a key
shown
to a student is the key the engine compared.

A *position* is a row number of ``result.events`` (the log is in the order things happened;
at one instant world events come before the dispatch, so "before position p" is exactly what
the dispatcher saw when it logged the event at p).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..kernel.fairshare import Allocations, Ledger, ShareTree, ledger_for
from .results import Result

LEAVE_EVENTS = ("start", "error", "cancelled")


@dataclass(frozen=True)
class Key:
    """One instance's fair-share standing at a moment (R6, R7): lower goes first."""

    instance: str
    group: str
    key: float  # project level: usage in window / (effective share × window)
    group_key: float  # group level, compared first (R6)
    used: float  # seconds of usage in the window


def queue_positions(ev: pd.DataFrame, jobs: pd.Index, submit_pos: pd.Series) -> np.ndarray:
    """Per job (``jobs``, ids): the event position where it entered the QPU's queue — its
    submission, or the end of its pre-processing (R41); +inf for a job that left while still
    pre-processing (a ``preprocess_wait``/``preprocess_start`` and no ``preprocess_end``)."""
    pre = ev[ev["event"] == "preprocess_end"]
    entered = pd.Series(pre.index.to_numpy(dtype=float), index=pre["job_id"].to_numpy())
    out = entered.reindex(jobs).fillna(submit_pos).to_numpy(dtype=float, copy=True)
    staged = ev[ev["event"].isin(["preprocess_wait", "preprocess_start"])]["job_id"]
    if len(staged):
        out[jobs.isin(set(staged)) & ~jobs.isin(set(pre["job_id"]))] = np.inf
    return out


class History:
    """Event-log derived lookups shared by explanations and the replay."""

    def __init__(self, result: Result):
        self.result = result
        self.events = result.events.reset_index(drop=True)
        self.knobs = result.scenario.knobs
        self.tree = ShareTree.build(result.scenario, self.knobs)
        # R34: fair share by allocation (None: the share tree, R5–R7).
        self.allocations = (
            Allocations.build(result.scenario, self.tree, self.knobs)
            if self.knobs.fair_share_basis == "allocation"
            else None
        )
        self.window = self.knobs.fair_share_window
        self._index = {n: i for i, n in enumerate(self.tree.instance_names)}
        self.user_instance = {u.name: u.instance for u in result.scenario.users}

    # --- jobs -------------------------------------------------------------------------------

    @cached_property
    def moments(self) -> pd.DataFrame:
        """Per job: its submission position, the position where it entered the QPU's queue
        (``queue_pos``: its age, R7 — the submission, or the end of its pre-processing, R41),
        and the position where it left the queue (start, failure or cancellation; +inf while
        still queued), indexed by job id."""
        ev = self.events
        sub = ev[ev["event"] == "submit"]
        out = pd.DataFrame(
            {
                "backend": sub["backend"].to_numpy(dtype=object),
                "user": sub["user"].to_numpy(dtype=object),
                "session_id": sub["session_id"].to_numpy(dtype=object),
                "submit_pos": sub.index.to_numpy(),
                "submitted": sub["time"].to_numpy(dtype=float),
            },
            index=pd.Index(sub["job_id"].to_numpy(dtype=object), name="job_id"),
        )
        out["instance"] = out["user"].map(self.user_instance)
        out["queue_pos"] = queue_positions(ev, out.index, out["submit_pos"])
        leaving = ev[ev["event"].isin(LEAVE_EVENTS)]
        first = leaving.groupby("job_id", sort=False).head(1)
        out["leave_pos"] = (
            pd.Series(first.index.to_numpy(), index=first["job_id"].to_numpy())
            .reindex(out.index)
            .astype(float)
            .fillna(np.inf)
            .to_numpy()
        )
        starts = ev[ev["event"] == "start"]
        out["start_rule"] = pd.Series(
            starts["detail"].to_numpy(dtype=object), index=starts["job_id"].to_numpy()
        ).reindex(out.index)
        out["start_pos"] = (
            pd.Series(starts.index.to_numpy(), index=starts["job_id"].to_numpy())
            .reindex(out.index)
            .astype(float)
        )
        return out

    @cached_property
    def _queue_arrays(self) -> tuple[np.ndarray, ...]:
        m = self.moments
        return (
            m["backend"].to_numpy(dtype=object),
            m["queue_pos"].to_numpy(dtype=float),
            m["leave_pos"].to_numpy(dtype=float),
            m["instance"].to_numpy(dtype=object),
        )

    def queued_instances(self, backend: str, pos: float) -> set[str]:
        """Instances with a job waiting on ``backend`` just before position ``pos``."""
        b, sub, leave, inst = self._queue_arrays
        return set(inst[(b == backend) & (sub < pos) & (leave >= pos)].tolist())

    @cached_property
    def segments(self) -> dict[str, pd.DataFrame]:
        """The timeline per backend, in time order."""
        tl = self.result.timeline
        return {b: part.sort_values("start", kind="stable") for b, part in tl.groupby("backend")}

    def position_after(self, t: float) -> int:
        """The position just after every event at or before time ``t``."""
        return int(np.searchsorted(self.events["time"].to_numpy(), t, side="right"))

    # --- fair share -------------------------------------------------------------------------

    @cached_property
    def charges(self) -> list[tuple[float, float, int, float]]:
        """(position, time, instance index, seconds) for every charge, prior usage first (R8).

        A job or session charge names its user; a reservation's charge has no user and is
        logged right before its ``reservation_end``, which names the instance (R27).
        """
        out: list[tuple[float, float, int, float]] = [
            (-1.0, 0.0, i, inst.used) for i, inst in enumerate(self.result.scenario.instances)
        ]
        ev = self.events
        details, events = ev["detail"].to_numpy(), ev["event"].to_numpy()
        seconds = self.result.records  # a charge's seconds as the engine logged them
        users, times = ev["user"].to_numpy(), ev["time"].to_numpy()
        for pos in np.flatnonzero(events == "charge").tolist():
            user = users[pos]
            if isinstance(user, str) and user:
                name = self.user_instance.get(user)
            elif pos + 1 < len(ev) and events[pos + 1] == "reservation_end":
                name = details[pos + 1]
            else:
                name = None
            if name in self._index:
                out.append((float(pos), float(times[pos]), self._index[name],
                            float(seconds[pos])))  # fmt: skip
        return out

    def keys_at(self, queries: list[tuple[float, float]]) -> list[dict[str, Key]]:
        """Every instance's key just before each (position, time) query.

        One pass over the charges for all queries (sorted internally), so explaining a job
        that waited behind thousands of others stays linear in the log.
        """
        order = sorted(range(len(queries)), key=lambda q: queries[q][0])
        answers: list[dict[str, Key]] = [{} for _ in queries]
        ledger = self._ledger()
        charges = self.charges
        c = 0
        for q in order:
            pos, now = queries[q]
            while c < len(charges) and charges[c][0] < pos:
                _, when, inst, seconds = charges[c]
                ledger.charge(when, inst, seconds)
                c += 1
            ledger.expire(now)
            answers[q] = self._snapshot(ledger)
        return answers

    def ledger_at(self, pos: float, now: float) -> Ledger:
        """The usage ledger as the dispatcher had it just before position ``pos``, at ``now``
        (every charge logged before ``pos``, expired to ``now``)."""
        ledger = self._ledger()
        for p, when, inst, seconds in self.charges:
            if p >= pos:
                break
            ledger.charge(when, inst, seconds)
        ledger.expire(now)
        return ledger

    def _ledger(self) -> Ledger:
        return ledger_for(self.result.scenario, self.tree, self.knobs)

    def _snapshot(self, ledger: Ledger) -> dict[str, Key]:
        tree, window = self.tree, self.window
        out = {}
        for i, name in enumerate(tree.instance_names):
            g = tree.instance_group[i]
            if self.allocations is not None:
                # R34: the part of its allocation used (seconds used when it has none).
                a = tree.allocation[i]
                key = ledger.used[i] / a if a is not None else ledger.used[i]
                out[name] = Key(name, name, key, key, ledger.used[i])
                continue
            out[name] = Key(
                instance=name,
                group=tree.group_names[g],
                key=ledger.used[i] / (tree.instance_share[i] * window),
                group_key=ledger.group_used[g] / (tree.group_share[g] * window),
                used=ledger.used[i],
            )
        return out

    def over_allocation(self, instance: str, key: Key) -> bool:
        """R10: an instance at or above its allocation is skipped by the fair-share pick (R34:
        only when its allocation is a limit)."""
        i = self._index[instance]
        if self.allocations is not None:
            return self.allocations.rank(i, key.used) is None
        limit = self.tree.allocation[i]
        return limit is not None and key.used >= limit

    # --- sessions and reservations ----------------------------------------------------------

    @cached_property
    def session_modes(self) -> dict[str, str]:
        opened = self.result.sessions_opened
        return dict(zip(opened["session_id"], opened["mode"], strict=True))

    @cached_property
    def windows(self) -> list[tuple[str, str, float, float]]:
        """Reservation windows as they happened: (backend, instance, start, end)."""
        ev = self.events[self.events["event"].isin(["reservation_start", "reservation_end"])]
        out, open_at = [], {}
        for t, event, backend, inst in zip(ev["time"], ev["event"], ev["backend"], ev["detail"],
                                           strict=True):  # fmt: skip
            if event == "reservation_start":
                open_at[backend] = (t, inst)
            elif backend in open_at:
                start, name = open_at.pop(backend)
                out.append((backend, name, float(start), float(t)))
        for backend, (start, name) in open_at.items():
            out.append((backend, name, float(start), float(self.result.end_time)))
        return out

    def reservation_at(self, backend: str, t: float) -> str | None:
        """The instance holding a reservation on ``backend`` at time ``t`` (None: none)."""
        for b, inst, start, end in self.windows:
            if b == backend and start <= t < end:
                return inst
        return None
