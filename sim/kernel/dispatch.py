"""What a backend starts next: the dispatch order, written once (docs/model.md, "What the
backend picks").

:class:`Dispatcher` holds the order — calibration (R25, R29) → the session holding the backend
(R13) → active batches (R24) → the reservation (R27) → fair share (R5–R7, R10; or by
allocation, R34/R35) — and the one fair-share pick for each basis. The engine *is* a
dispatcher (it starts what :meth:`Dispatcher.dispatch` picks); the replay
(:mod:`sim.analysis.replay`) is another, over a snapshot of the queues rebuilt from the event
log, that records the picks instead of running them. So the replay's first place is
the engine's next start by construction, and a property test checks it on random scenarios.

A subclass provides ``knobs``, ``stopped``, ``env.now``, and the actions
``_start(b, job, why)``, ``_start_calibration(b)`` and ``_wake_when_usage_expires(b)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model.rules import Knobs
    from .engine import BackendState, Job
    from .fairshare import Allocations, Ledger, ShareTree
    from .sessions import Session

QUEUED = 0  # Job.state (see sim.kernel.engine)

# Why a job started, as the start event's detail says (rule number first).
SESSION, BATCH, RESERVATION, FAIR_SHARE, BY_ALLOCATION = (
    "R13 session priority", "R24 batch priority", "R27 reservation", "R5 fair share",
    "R34 fair share by allocation",
)  # fmt: skip


class Dispatcher:
    knobs: Knobs
    stopped: bool
    # The start event's rule for a fair-share pick: R5 (the share tree) or R34 (allocation).
    fair_share_rule = FAIR_SHARE

    def _init_fair_share(
        self, tree: ShareTree, ledger: Ledger, allocations: Allocations | None = None
    ) -> None:
        """``allocations`` given: fair share by allocation (R34, ``fair_share_basis:
        allocation``) replaces the share tree's pick for this dispatcher. The choice is made
        once here, so the older profiles' per-job path is the share tree's, unchanged."""
        self.tree = tree
        self.ledger = ledger
        self.group_of = tree.instance_group  # instance → its group (R6)
        self.group_alloc = [s * ledger.window for s in tree.group_share]
        self.inst_alloc = [s * ledger.window for s in tree.instance_share]
        self.allocations = allocations
        if allocations is not None:
            self._fair_share_pick = self._allocation_pick
            self.fair_share_rule = BY_ALLOCATION

    def dispatch(self, b: BackendState) -> None:
        """Start ``b``'s next job or calibration, in the order of docs/model.md."""
        b.dispatch_pending = False
        if b.busy or self.stopped:
            return
        holder = b.holder
        res = b.reservation
        # R25/R29: a due calibration (or R40 queue pause, the same queue) runs at the next free
        # moment, ahead of every user job — unless the profile lets an active session keep it
        # waiting (ibm-current, ibm-2025).
        if b.calibrations and not (holder is not None and self.knobs.session_blocks_calibration):
            self._start_calibration(b)
            return
        # R13: the active session holds the backend, unless another instance's reservation
        # has it (R27).
        if holder is not None and (res is None or res.instance == holder.instance):
            if holder.queued:
                self._start(b, self._next_session_job(holder), SESSION)
            # else R13: the backend stays held for the session (idle_held) until its ITTL ends.
            return
        # R24: an active batch jumps the queue, oldest activation first.
        for batch in b.batches:
            if batch.queued and (res is None or res.instance == batch.instance):
                self._start(b, self._next_session_job(batch), BATCH)
                return
        if res is not None:
            # R27: inside a reservation only the reserved instance runs, in FIFO order.
            if b.counts[res.instance]:
                self._start(b, self._head(b, res.instance), RESERVATION)
            return
        job = self._fair_share_pick(b)  # R5–R7 (or R34)
        if job is not None:
            self._start(b, job, self.fair_share_rule)

    def _next_session_job(self, s: Session) -> Job:
        q = s.queue
        while q[0].state != QUEUED:
            q.popleft()
        if self.knobs.session_order == "shuffled" and s.queued > 1:
            # R23: jobs queued together in a session are not guaranteed to run in order.
            live = s.live_jobs()
            return live[int(s.rng.integers(len(live)))]
        return q[0]

    def _head(self, b: BackendState, i: int) -> Job:
        q = b.queues[i]
        while q[0].state != QUEUED:  # lazy deletion: drop entries that left the queue
            q.popleft()
        return q[0]

    def _fair_share_pick(self, b: BackendState) -> Job | None:
        """R5–R7: the group with the smallest used/allocated (R6; ties: the group whose oldest
        queued job is older, R7), in it the project with the smallest ratio (ties: the older
        head job), and its oldest job. An instance at or over its allocation is skipped (R10).

        Runs once per job, so it is one pass over the instances with queued jobs here that
        keeps the smallest (group ratio, project ratio, age). That is the rule's answer unless
        two groups share the smallest ratio: then a second pass over the tied groups compares
        their oldest jobs.
        """
        waiting = b.waiting
        if not waiting:
            return None
        ledger = self.ledger
        charges = ledger._charges
        now = self.env.now
        if charges and charges[0][0] + ledger.window <= now:  # as in Ledger.expire
            ledger.expire(now)
        used, gused = ledger.used, ledger.group_used
        group_of, group_alloc, inst_alloc = self.group_of, self.group_alloc, self.inst_alloc
        allocation, queues = self.tree.allocation, b.queues
        best = None
        best_g = -1
        best_gkey = best_key = tie = 0.0
        tied = blocked = False
        for i in waiting:
            g = group_of[i]
            gkey = gused[g] / group_alloc[g]
            if best is not None and gkey > best_gkey:
                continue
            limit = allocation[i]
            if limit is not None and used[i] >= limit:
                blocked = True  # R10: over its allocation
                continue
            q = queues[i]  # _head(b, i) written out (once per job)
            head = q[0]
            while head.state != QUEUED:
                q.popleft()
                head = q[0]
            key = used[i] / inst_alloc[i]
            if best is None or gkey < best_gkey:
                best, best_g, best_gkey, best_key = head, g, gkey, key
            elif g != best_g:  # gkey == best_gkey: two groups at the same ratio (R7)
                tied, tie = True, gkey
            elif key < best_key or (key == best_key and head.seq < best.seq):
                best, best_key = head, key
        if best is None:
            if blocked:
                self._wake_when_usage_expires(b)
            return None
        if tied and tie == best_gkey:
            return self._group_tie(b, best_gkey)
        return best

    def _allocation_pick(self, b: BackendState) -> Job | None:
        """R34/R35 (docs: fair-share-scheduler, allocation-limits, plans-overview): the
        instance with the smallest (tier, fraction of its allocation used) — see
        :class:`sim.kernel.fairshare.Allocations` — ties to the older head job, and its oldest job
        (FIFO inside an instance). A limited instance that reached its allocation is skipped:
        its jobs stay queued, and the backend looks again when old usage leaves the window."""
        waiting = b.waiting
        if not waiting:
            return None
        ledger = self.ledger
        ledger.expire(self.env.now)  # R7: old usage leaves the window (Flex's never, R34)
        used = ledger.used
        rank = self.allocations.rank
        best = best_rank = None
        blocked = False
        for i in waiting:
            r = rank(i, used[i])
            if r is None:
                blocked = True  # R34/R35: at its allocation, which is a limit
                continue
            if best_rank is not None and r > best_rank:
                continue
            head = self._head(b, i)
            if best_rank is None or r < best_rank or head.seq < best.seq:
                best, best_rank = head, r
        if best is None and blocked:
            self._wake_when_usage_expires(b)
        return best

    def _group_tie(self, b: BackendState, gkey: float) -> Job:
        """R7 between groups at the same ratio ``gkey``: in each, the smallest project ratio
        (ties: the older head job) and the group's oldest head; the group with the older
        oldest head wins. (The usual pass above gives the rest of the rule.)"""
        used, gused = self.ledger.used, self.ledger.group_used
        allocation, group_alloc, inst_alloc = (
            self.tree.allocation,
            self.group_alloc,
            self.inst_alloc,
        )
        groups: dict[int, list] = {}  # group → [pick, its key, the group's oldest head seq]
        for i in b.waiting:
            g = self.group_of[i]
            limit = allocation[i]
            if gused[g] / group_alloc[g] != gkey or (limit is not None and used[i] >= limit):
                continue
            head = self._head(b, i)
            key = used[i] / inst_alloc[i]
            seen = groups.get(g)
            if seen is None:
                groups[g] = [head, key, head.seq]
                continue
            if key < seen[1] or (key == seen[1] and head.seq < seen[0].seq):
                seen[0], seen[1] = head, key
            if head.seq < seen[2]:
                seen[2] = head.seq
        return min(groups.values(), key=lambda s: s[2])[0]
