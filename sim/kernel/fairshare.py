"""Fair share's data: effective shares (R6), allocations (R10, R34, R35) and the usage ledger
(R7–R10; R34's Flex usage without a window).

Instances and groups are numbered once; the ledger keeps usage per instance and per group as
plain lists so that a dispatch touches only the groups that have queued jobs. The pick itself
is :class:`sim.kernel.dispatch.Dispatcher`'s, one for the engine and the replay.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from ..model.rules import Knobs
from ..model.scenario import Scenario


@dataclass(frozen=True)
class ShareTree:
    """Effective shares of every instance and group, as fractions of the whole machine."""

    instance_names: tuple[str, ...]
    instance_group: tuple[int, ...]  # group index of each instance
    instance_share: tuple[float, ...]  # effective share (product down the tree, R6)
    group_names: tuple[str, ...]
    group_share: tuple[float, ...]
    allocation: tuple[float | None, ...]  # R10/R34 allocation per instance, seconds

    @classmethod
    def build(cls, scenario: Scenario, knobs: Knobs | None = None) -> ShareTree:
        insts = scenario.instances
        knobs = knobs or scenario.knobs
        hubs = sorted({i.path[0] for i in insts})
        groups = sorted({i.path[1] for i in insts})
        flat = all(i.path[0] == "" for i in insts)
        hub_weight = {h: scenario.hubs.get(h, 1.0) for h in hubs}
        hub_total = sum(hub_weight.values())
        # A flat instance is one project in its own group; its share is the group's weight.
        group_weight = {
            g: (
                next(i.share for i in insts if i.path[1] == g)
                if flat
                else scenario.groups.get(g, 1.0)
            )
            for g in groups
        }
        group_share = {}
        for h in hubs:
            members = [g for g in groups if g.split("/")[0] == h or (flat and h == "")]
            total = sum(group_weight[g] for g in members)
            for g in members:
                group_share[g] = hub_weight[h] / hub_total * group_weight[g] / total
        project_total: dict[str, float] = {}
        for i in insts:
            project_total[i.path[1]] = project_total.get(i.path[1], 0.0) + i.share
        gidx = {g: n for n, g in enumerate(groups)}
        return cls(
            instance_names=tuple(i.name for i in insts),
            instance_group=tuple(gidx[i.path[1]] for i in insts),
            instance_share=tuple(
                group_share[i.path[1]] * i.share / project_total[i.path[1]] for i in insts
            ),
            group_names=tuple(groups),
            group_share=tuple(group_share[g] for g in groups),
            allocation=tuple(allocation_of(i, knobs) for i in insts),
        )


def allocation_of(inst, knobs: Knobs) -> float | None:
    """An instance's allocation in seconds: its own, or on the Open plan the profile's default
    (R35, docs: plans-overview: 10 minutes per 28 days; None in the older profiles, R10)."""
    if inst.allocation is None and inst.plan == "open":
        return knobs.open_plan_allocation
    return inst.allocation


@dataclass(frozen=True)
class Allocations:
    """Fair share by allocation (R34, ``fair_share_basis: allocation``; docs:
    fair-share-scheduler, instances, allocation-limits): how each instance ranks.

    An instance's key is the fraction of its allocation it used (usage / allocation). Instances
    fall in tiers, compared first; inside a tier the smaller key goes first, ties to the older
    head job (every job has its own submission number, so the pick never depends on the order
    of a set):

    * under its allocation (key < 1);
    * over it and not limited (key >= 1): "lower priority", after every instance under its
      allocation (docs: allocation-limits);
    * no allocation (Pay-As-You-Go always; a Premium or Flex instance given none): nothing to
      divide by, so the key is the seconds used in the window, least first. The docs are
      silent on how they rank against the others: ``payg_priority`` puts this tier last
      (``lowest``) or first (``highest``).

    An instance with ``limit`` that reached its allocation (key >= 1) is not picked at all: its
    jobs stay queued (R34), as under R10. The Open plan's allocation (R35) always is a limit
    unless the instance says ``limit: false``.
    """

    allocation: tuple[float | None, ...]  # seconds (None: no allocation)
    limited: tuple[bool, ...]  # the allocation is a limit
    windowed: tuple[bool, ...]  # usage leaves after the window; Flex: never (R34)
    tier_under: int
    tier_over: int
    tier_none: int

    @classmethod
    def build(cls, scenario: Scenario, tree: ShareTree, knobs: Knobs) -> Allocations:
        insts = scenario.instances
        under, over, none = (1, 2, 0) if knobs.payg_priority == "highest" else (0, 1, 2)
        return cls(
            allocation=tree.allocation,
            limited=tuple(
                bool(i.limit if i.limit is not None else i.plan == "open") for i in insts
            ),
            windowed=tuple(i.plan != "flex" for i in insts),
            tier_under=under,
            tier_over=over,
            tier_none=none,
        )

    def rank(self, i: int, used: float) -> tuple[int, float] | None:
        """(tier, key) of instance ``i`` having used ``used`` seconds; None: limited and at or
        over its allocation, so it starts nothing."""
        a = self.allocation[i]
        if a is None:
            return self.tier_none, used
        key = used / a
        if key < 1.0:
            return self.tier_under, key
        if self.limited[i]:
            return None
        return self.tier_over, key


def ledger_for(scenario: Scenario, tree: ShareTree, knobs: Knobs) -> Ledger:
    """The usage ledger of a run: a rolling window for every instance (R7), except Flex
    instances under fair share by allocation, whose usage counts for the whole subscription
    (R34, docs: allocation-limits)."""
    window = knobs.fair_share_window
    if knobs.fair_share_basis == "allocation":
        kept = [i.plan == "flex" for i in scenario.instances]
        if any(kept):
            return SubscriptionLedger(tree, window, kept)
    return Ledger(tree, window)


class Ledger:
    """Usage in the rolling window (R7), charged across all backends (R2, R9)."""

    __slots__ = ("window", "used", "group_used", "_charges", "_group_of")

    def __init__(self, tree: ShareTree, window: float):
        self.window = window
        self.used = [0.0] * len(tree.instance_names)
        self.group_used = [0.0] * len(tree.group_names)
        self._group_of = tree.instance_group
        self._charges: deque[tuple[float, int, float]] = deque()

    def charge(self, now: float, instance: int, seconds: float) -> None:
        if seconds <= 0:
            return
        self.used[instance] += seconds
        self.group_used[self._group_of[instance]] += seconds
        self._charges.append((now, instance, seconds))

    def expire(self, now: float) -> None:
        """Drop usage older than the window; charges arrive in time order, so pop from the left.

        The test is written exactly as ``next_expiry`` computes the wake-up time: with
        ``c <= now - window`` rounding could leave a charge that ``next_expiry`` says is due,
        and the dispatcher would wake at the same instant for ever.
        """
        charges = self._charges
        window = self.window
        while charges and charges[0][0] + window <= now:
            _, instance, seconds = charges.popleft()
            self.used[instance] -= seconds
            self.group_used[self._group_of[instance]] -= seconds

    def next_expiry(self) -> float | None:
        return self._charges[0][0] + self.window if self._charges else None


class SubscriptionLedger(Ledger):
    """A ledger where some instances' usage never leaves (Flex, R34: usage against the
    allocation over the subscription, no rolling window). Their charges still pass through
    the window's queue, so the other instances expire exactly as in :class:`Ledger`; a Flex
    charge is dropped from the queue without being subtracted."""

    __slots__ = ("_kept",)

    def __init__(self, tree: ShareTree, window: float, kept: list[bool]):
        super().__init__(tree, window)
        self._kept = kept

    def expire(self, now: float) -> None:
        charges = self._charges
        window = self.window
        kept = self._kept
        while charges and charges[0][0] + window <= now:
            _, instance, seconds = charges.popleft()
            if not kept[instance]:
                self.used[instance] -= seconds
                self.group_used[self._group_of[instance]] -= seconds
