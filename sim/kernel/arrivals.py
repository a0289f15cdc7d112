"""Poisson stream arrivals (R32), drawn ahead in windows and merged into one time order.

When a stream submits does not depend on anything the scheduler does, so its arrivals need
not pass through the event heap one at a time (a push and a pop per job, the largest single
cost of a stream job after its bookkeeping). Instead all streams' arrival times are drawn a
window ahead with numpy, merged, and handed to the engine's loop as one sorted list; the loop
runs the next arrival whenever it comes before the heap's next event (see ``Engine._loop``).

The times are the ones a stream drawing one gap at a time would see: ``np.cumsum`` adds
left to right, so each time is exactly the previous time plus the next gap, and a stream's
generator is consumed in the same chunks. Arrivals of different streams at the very same
instant run in the order the streams were added (this needs two continuous draws to
coincide).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..model.distributions import Draws

WINDOW_ARRIVALS = 4096  # about this many arrivals per window, over all streams
_NO_TIMES = np.empty(0)


class _Stream:
    """One stream's arrival times drawn so far and not yet handed out."""

    __slots__ = ("gaps", "rate", "stop", "left", "last", "pending", "arrive", "arrive_last",
                 "ended")  # fmt: skip

    def __init__(self, gaps: Draws, rate: float, start: float, stop: float, limit: float,
                 arrive: Callable[[], None], arrive_last: Callable[[], None]):  # fmt: skip
        self.gaps = gaps
        self.rate = rate
        self.stop = stop  # arrivals at or after this never happen
        self.left = limit  # arrivals still allowed by the stream's job count
        self.last = start  # the latest time drawn
        self.pending = _NO_TIMES  # drawn, not yet handed out, in order
        self.arrive = arrive
        self.arrive_last = arrive_last
        self.ended = False  # its last arrival has been handed out

    def draw_until(self, horizon: float) -> None:
        """Draw chunks until a time at or after ``horizon`` is pending (and one at least)."""
        while self.last < horizon or not len(self.pending):
            gaps = self.gaps.chunk()
            times = np.cumsum(np.concatenate(([self.last], gaps)))[1:]
            self.last = float(times[-1])
            self.pending = times if not len(self.pending) else np.concatenate((self.pending, times))


class Arrivals:
    """The merged arrivals of every stream: ``window()`` returns the next ones in time order."""

    def __init__(self) -> None:
        self.streams: list[_Stream] = []
        self.horizon = -math.inf  # every arrival before this has been handed out

    def add(self, gaps: Draws, rate: float, start: float, stop: float | None,
            limit: int | None, arrive: Callable[[], None],
            arrive_last: Callable[[], None]) -> bool:  # fmt: skip
        """Add a stream starting at ``start``. ``arrive()`` is called (the clock set to the
        arrival's time) for each arrival, and ``arrive_last()`` instead for the last one: the
        next would come at or after ``stop``, or ``limit`` jobs have arrived. False if the
        stream never submits."""
        s = _Stream(gaps, rate, start, math.inf if stop is None else stop,
                    math.inf if limit is None else limit, arrive, arrive_last)  # fmt: skip
        s.draw_until(start)  # the first arrival
        if s.pending[0] >= s.stop or s.left <= 0:
            return False
        self.streams.append(s)
        return True

    def window(self) -> tuple[list[float], list[Callable[[], None]]]:
        """The next arrivals, sorted by time, each with the call to make; empty when no stream
        will ever submit again."""
        while True:
            live = [s for s in self.streams if not s.ended]
            if not live:
                return [], []
            lo = max(self.horizon, min(float(s.pending[0]) for s in live))
            # At least one ulp past lo, so that the earliest pending time is always taken.
            hi = max(lo + WINDOW_ARRIVALS / sum(s.rate for s in live), math.nextafter(lo, math.inf))
            self.horizon = hi
            times, calls = [], []
            for s in live:
                s.draw_until(hi)  # so the arrival after the window is known too
                pending = s.pending
                n = int(np.searchsorted(pending, hi))  # times < hi
                valid = int(np.searchsorted(pending, s.stop, side="left"))  # times < stop
                take = min(n, valid)
                if s.left < take:
                    take = int(s.left)
                if take == 0:
                    continue
                s.left -= take
                s.pending = pending[take:]
                call = np.empty(take, dtype=object)
                call[:] = s.arrive
                # The last arrival: the next one would come at or after stop, or none is left.
                if s.left <= 0 or take < n or s.pending[0] >= s.stop:
                    call[-1] = s.arrive_last
                    s.ended = True
                times.append(pending[:take])
                calls.append(call)
            if times:
                t = np.concatenate(times)
                order = np.argsort(t, kind="stable")  # ties keep the streams' order
                return t[order].tolist(), np.concatenate(calls)[order].tolist()
