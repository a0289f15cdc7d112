"""R39 (docs: manage-cost): a Pay-As-You-Go instance's billed usage, against its cost limit.

The cost limit counts "the total cost of all jobs run with this instance since it was created":
no fair-share window, prior usage (``used``, R8) included. Usage accrues by the second while
something bills the instance (R38): a running job- or batch-mode job, or an active session
(wall clock, idle time included). With several of them at once (jobs on several backends, a
session beside a batch) it accrues that many seconds per second. The meter keeps the usage
settled at its last change and the current rate, which is all it takes to say when the limit
will be reached; the engine plans that moment and re-plans it whenever the rate changes.
"""

from __future__ import annotations


class CostMeter:
    __slots__ = ("limit", "billed", "rate", "since", "gen", "reached")

    def __init__(self, limit: float, used: float):
        self.limit = limit
        self.billed = used  # usage settled at ``since``
        self.rate = 0  # how many things bill the instance right now
        self.since = 0.0
        self.gen = 0  # bumped at every change: a moment planned before it is stale
        self.reached = False

    def change(self, now: float, by: int) -> float | None:
        """Settle the usage up to ``now``, change the rate by ``by``; return when the limit
        will be reached at the new rate (``now`` if it is already), or None (never, or
        reached before)."""
        self.billed += self.rate * (now - self.since)
        self.since = now
        self.rate += by
        self.gen += 1
        if self.reached:
            return None
        if self.billed >= self.limit:
            return now
        if self.rate <= 0:
            return None
        return now + (self.limit - self.billed) / self.rate
