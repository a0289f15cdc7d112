"""The simulation kernel: a ``simpy.Environment`` whose event heap also carries plain callbacks.

The engine needs about three heap entries per job, and a SimPy event (object, callback list,
``step()`` bookkeeping) per entry costs several times what the job's own bookkeeping costs.
So, the way SimPy's own ``RealtimeEnvironment`` owns ``step()``, this subclass owns the fast
path: besides SimPy events its heap holds *plain callbacks* ``(time, priority, id, fn, args)``,
and ``run()`` steps both in one loop. Everything else is SimPy's and works in the same run
and the same time order: ``env.process``, ``env.timeout``, ``env.event``, ``yield`` on
events, ``env.run(until=...)``, ``env.step()``, ``env.peek()``.

What is overridden, and why (SimPy 4's ``Environment``, whose ``_queue``/``_eid``/``_now``
only this class touches):

- ``now``: a slot instead of a property (the clock is read several times per job).
- ``schedule(event, priority, delay)``: a SimPy event goes on the heap as a 5-tuple like a
  plain callback, ``(time, priority, id, self._fire, (event,))``, so the loop never has to ask
  which kind an entry is; :meth:`_fire` is the body of ``Environment.step`` for one event.
- ``step()``: one entry — the next Poisson stream arrival (:mod:`sim.kernel.arrivals`, which never
  goes through the heap) or the heap's next entry — after settling the end-of-instant calls.
- ``run(until)``: ``Environment.run``'s contract, with ``step()`` written out in a loop.
- ``peek()``: the earlier of the heap's next entry and the next stream arrival.

Order at one instant: SimPy's URGENT (0, e.g. a process starting), then world events (1,
``WORLD`` = SimPy's ``NORMAL``: a timeout, a triggered event, a submission, a finish) in the
order they were scheduled, then the stream arrivals, then state timers such as the ITTL (2),
then dispatches (3). A backend that asks for a dispatch (:attr:`dirty`) is dispatched once
everything else due at this instant has run, so the scheduler decides with the whole picture.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush
from typing import Any

from simpy.core import EmptySchedule, Environment, StopSimulation
from simpy.events import URGENT, Event

from .arrivals import Arrivals

WORLD, TIMER, DISPATCH = 1, 2, 3  # WORLD is SimPy's NORMAL: timeouts interleave with it
INF = float("inf")
# Never comes: keeps the heap from running empty while stream arrivals are left, and marks
# the schedule's end when it is the next entry (see run()).
_SENTINEL = (INF, WORLD, -1, None, ())


class Kernel(Environment):
    """SimPy's environment with plain callbacks, merged stream arrivals and end-of-instant
    dispatches.

    ``dispatch(obj)`` is called for each object put on :attr:`dirty` once nothing else is due
    at the current instant — unless the object's ``dispatch_pending`` is cleared first.
    """

    # SimPy's ``now`` is a read-only property over ``_now``. The engine reads the clock about
    # four times per job, and a property costs several times a plain attribute: here ``now``
    # is a slot (the fastest attribute to read and to set; set by the kernel only, do not
    # assign it) and ``_now`` the alias SimPy's own code uses.
    __slots__ = ("now",)

    @property
    def _now(self) -> float:
        return self.now

    @_now.setter
    def _now(self, time: float) -> None:
        self.now = time

    def __init__(self, dispatch: Callable[[Any], None] | None = None, initial_time: float = 0):
        super().__init__(initial_time)
        self._queue.append(_SENTINEL)  # type: ignore[arg-type]
        self.dispatch = dispatch
        self.dirty: list = []  # objects asking for dispatch(obj) at the end of this instant
        self.arrivals = Arrivals()  # add streams before the run starts
        # The arrivals handed out so far: times, calls, next index, count, next time. None
        # until the first step (streams are added while the scenario is set up).
        self._window: tuple | None = None

    # --- plain callbacks ----------------------------------------------------------------------

    def call_in(self, delay: float, fn: Callable, priority: int = WORLD, args: tuple = ()) -> None:
        """Call ``fn(*args)`` after ``delay``: one heap entry, no event object. ``args`` instead
        of a closure saves building a function object per call on the per-job paths."""
        heappush(self._queue, (self.now + delay, priority, next(self._eid), fn, args))

    def call_at(self, time: float, fn: Callable, priority: int = WORLD, args: tuple = ()) -> None:
        """``call_in`` at an absolute time (never in the past)."""
        now = self.now
        heappush(self._queue, (now + max(0.0, time - now), priority, next(self._eid), fn, args))

    def trigger_urgent(self, event: Event, value: Any = None) -> None:
        """Succeed ``event`` so that whoever waits on it runs before every other world event
        already due at this instant — as soon as a plain callback called right here would
        have. (``event.succeed()`` queues it behind them.)"""
        if event.triggered:
            raise RuntimeError(f"{event} has already been triggered")
        event._ok = True
        event._value = value
        self.schedule(event, URGENT)

    # --- SimPy's Environment, overridden --------------------------------------------------

    def schedule(self, event: Event, priority: int = 1, delay: float = 0) -> None:
        heappush(self._queue, (self.now + delay, priority, next(self._eid), self._fire, (event,)))

    def _fire(self, event: Event) -> None:
        """``Environment.step``'s processing of one event (SimPy 4.1), unchanged."""
        callbacks, event.callbacks = event.callbacks, None
        try:
            for callback in callbacks:
                callback(event)
        except StopSimulation:
            # As SimPy: keep the remaining callbacks for when the simulation resumes.
            event.callbacks = callbacks[callbacks.index(callback) + 1 :]
            self.schedule(event, -1)
            raise
        if not event._ok and not hasattr(event, "_defused"):
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc

    def _arrivals(self) -> tuple:
        if self._window is None:
            times, calls = self.arrivals.window()
            self._window = (times, calls, 0, len(times), times[0] if times else INF)
        return self._window

    def peek(self) -> float:
        at = self._arrivals()[4]
        top = self._queue[0]
        return at if at < top[0] or (at == top[0] and top[1] > WORLD) else top[0]

    def step(self) -> None:
        """Settle the end-of-instant dispatches, then process the next entry: a stream
        arrival if it comes first, else the heap's next entry. ``run()`` is this in a loop."""
        queue, dirty = self._queue, self.dirty
        times, calls, k, n, at = self._arrivals()
        while dirty:
            b = dirty.pop()
            if b.dispatch_pending:
                now = self.now
                if queue[0][0] > now and at > now:
                    self.dispatch(b)
                else:
                    heappush(queue, (now + 0.0, DISPATCH, next(self._eid), self.dispatch, (b,)))
        top = queue[0]
        # An arrival is a world event scheduled after every other one at its instant.
        if at < top[0] or (at == top[0] and top[1] > WORLD):
            self.now = at
            call = calls[k]
            k += 1
            if k == n:
                times, calls = self.arrivals.window()
                k, n = 0, len(times)
            self._window = (times, calls, k, n, times[k] if n else INF)
            call()
            return
        if top[3] is None:
            raise EmptySchedule
        heappop(queue)
        self.now = top[0]
        top[3](*top[4])

    def run(self, until: float | Event | None = None) -> Any:
        """``Environment.run``: until the schedule is empty, until time ``until`` or until the
        event ``until`` has been processed (its value is returned). The loop is :meth:`step`
        written out — it runs about three times per job — with the arrivals in locals."""
        if until is not None:
            if not isinstance(until, Event):
                at = until if isinstance(until, int) else float(until)
                if at <= self.now:
                    raise ValueError(
                        f"until ({at}) must be greater than the current simulation time"
                    )
                until = Event(self)
                until._ok = True
                until._value = None
                self.schedule(until, URGENT, at - self.now)
            elif until.callbacks is None:
                return until.value  # already processed
            until.callbacks.append(StopSimulation.callback)
        queue, dirty, dispatch, eid = self._queue, self.dirty, self.dispatch, self._eid
        window = self.arrivals.window
        times, calls, k, n, at = self._arrivals()
        try:
            while True:
                # End-of-instant dispatches (written out: twice per job). If nothing else is
                # due at this instant, dispatching now is the same as dispatching last, so do
                # it without a heap round trip; otherwise queue it behind every other entry.
                while dirty:
                    b = dirty.pop()
                    if not b.dispatch_pending:
                        continue
                    now = self.now
                    if queue[0][0] > now and at > now:
                        dispatch(b)
                    else:
                        heappush(queue, (now + 0.0, DISPATCH, next(eid), dispatch, (b,)))
                top = queue[0]
                if at < top[0] or (at == top[0] and top[1] > WORLD):
                    self.now = at
                    call = calls[k]
                    k += 1
                    if k == n:
                        times, calls = window()
                        k, n = 0, len(times)
                    at = times[k] if n else INF
                    call()
                else:
                    t, _, _, fn, args = top
                    if fn is None:
                        raise EmptySchedule
                    heappop(queue)
                    self.now = t
                    fn(*args)
        except StopSimulation as exc:
            return exc.args[0]
        except EmptySchedule:
            if until is not None:
                raise RuntimeError(
                    f'No scheduled events left but "until" event was not triggered: {until}'
                ) from None
            return None
        finally:
            self._window = (times, calls, k, n, at)
