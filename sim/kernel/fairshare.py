"""Hierarchical fair share: effective shares (R6) and the rolling usage ledger (R7–R10).

Instances and groups are numbered once; the ledger keeps usage per instance and per group as
plain lists so that a dispatch touches only the groups that have queued jobs.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from ..model.scenario import Scenario


@dataclass(frozen=True)
class ShareTree:
    """Effective shares of every instance and group, as fractions of the whole machine."""

    instance_names: tuple[str, ...]
    instance_group: tuple[int, ...]  # group index of each instance
    instance_share: tuple[float, ...]  # effective share (product down the tree, R6)
    group_names: tuple[str, ...]
    group_share: tuple[float, ...]
    allocation: tuple[float | None, ...]  # R10 limit per instance, seconds per window

    @classmethod
    def build(cls, scenario: Scenario) -> ShareTree:
        insts = scenario.instances
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
            allocation=tuple(i.allocation for i in insts),
        )


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
