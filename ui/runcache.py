"""The dashboard's run cache: one per server, bounded by bytes and by age.

``st.cache_data`` bounds only the number of entries (and copies each result out of its
pickle on every hit): three uploads of big runs took the server from 227 MB to 1 GB. This
cache keeps each result once, shared by every session (a preset runs once for everybody),
evicts the least recently used entries while their estimated size is over ``max_bytes``, and
drops entries older than ``ttl`` seconds. A result bigger than the whole budget is returned
but not kept.

Results are shared, so nobody may change one in place (no page does: tables are filtered
into new frames).

:meth:`RunCache.run` also shares runs in flight: a run is computed on a thread of its own, and
every script run that needs the same key waits for it. A script run that stops waiting (Stop,
a closed tab, a rerun: Streamlit stops the old script run on every rerun) leaves; once nobody
has waited for ``grace`` seconds the run is cancelled (its child process killed). The grace
keeps a run alive across a rerun or a move to another page that needs the same result,
where cancelling it would only start it again from the beginning.

Budget and age come from the environment: ``QSCHED_CACHE_MB`` (default 512) and
``QSCHED_CACHE_MINUTES`` (default 60). Nothing here imports Streamlit.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd

CACHE_MB_ENV = "QSCHED_CACHE_MB"
CACHE_MINUTES_ENV = "QSCHED_CACHE_MINUTES"
DEFAULT_CACHE_MB = 512
DEFAULT_CACHE_MINUTES = 60
GRACE = 3.0  # seconds a run in flight survives without anybody waiting for it
SLICE = 0.05  # seconds between two stop checks of a waiting script run
_TABLES = ("events", "jobs", "sessions", "timeline", "sessions_opened")


def result_bytes(result: Any) -> int:
    """Estimated memory of a result: its tables (deep: the strings too) and its scenario."""
    total = 0
    for name in _TABLES:
        # Only tables already built (a cached_property not yet used is not in __dict__).
        table = vars(result).get(name)
        if isinstance(table, pd.DataFrame):
            total += int(table.memory_usage(deep=True, index=True).sum())
    scenario = getattr(result, "scenario", None)
    if scenario is not None:
        total += len(scenario.model_dump_json())
    return total


class RunCache:
    """A thread-safe LRU of results keyed by anything hashable, bounded by total estimated
    bytes and by entry age. ``clock`` is for tests."""

    def __init__(
        self,
        max_bytes: int,
        ttl: float,
        size: Callable[[Any], int] = result_bytes,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.max_bytes = max_bytes
        self.ttl = ttl
        self._size = size
        self._clock = clock
        self._lock = threading.Lock()
        # key → (value, bytes, stored at); order: least recently used first
        self._entries: OrderedDict[Hashable, tuple[Any, int, float]] = OrderedDict()
        self.bytes = 0
        self._flights: dict[Hashable, _Flight] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            self._expire()
            return key in self._entries

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            self._expire()
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: Any) -> None:
        size = self._size(value)
        with self._lock:
            self._drop(key)
            self._expire()
            if size > self.max_bytes:
                return
            self._entries[key] = (value, size, self._clock())
            self.bytes += size
            while self.bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached value, else ``compute()`` (outside the lock: runs take seconds), kept.
        Two sessions asking for the same new key at once both compute it."""
        found = self.get(key)
        if found is not None:
            return found
        value = compute()
        self.put(key, value)
        return value

    def run(
        self,
        key: Hashable,
        compute: Callable[[Callable[[], None]], Any],
        check: Callable[[], None] | None = None,
        grace: float = GRACE,
    ) -> Any:
        """The cached value, else ``compute(cancel)`` run once for every caller that asks for
        ``key`` meanwhile, on a thread of its own, and kept.

        Each caller waits in short slices and calls ``check()`` between them; whatever it
        raises (Streamlit's StopException) ends the wait and is raised. ``cancel()``, which
        ``compute`` must call now and then, raises :class:`Abandoned` once nobody has waited
        for ``grace`` seconds. What ``compute`` raises is raised to every caller.
        """
        while True:
            found = self.get(key)
            if found is not None:
                return found
            with self._lock:
                flight = self._flights.get(key)
                start = flight is None
                if flight is None:
                    flight = self._flights[key] = _Flight()
                flight.waiters += 1
            if start:
                threading.Thread(target=self._fly, args=(key, flight, compute, grace),
                                 name="qsched-run", daemon=True).start()  # fmt: skip
            try:
                while not flight.done.wait(SLICE):
                    if check is not None:
                        check()
            finally:
                with self._lock:
                    flight.waiters -= 1
                    flight.left = time.monotonic()
            if isinstance(flight.error, Abandoned):
                continue  # given up just before this caller joined: start it again
            if flight.error is not None:
                raise flight.error
            return flight.value

    def _fly(self, key: Hashable, flight: _Flight, compute: Callable, grace: float) -> None:
        def cancel() -> None:
            with self._lock:
                if flight.waiters == 0 and time.monotonic() - flight.left > grace:
                    raise Abandoned(f"nobody waited for {grace:g} s")

        try:
            flight.value = compute(cancel)
            self.put(key, flight.value)
        except BaseException as err:  # noqa: BLE001 — handed to every caller
            flight.error = err
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.done.set()

    def in_flight(self) -> int:
        with self._lock:
            return len(self._flights)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.bytes -= entry[1]

    def _expire(self) -> None:
        now = self._clock()
        for key in [k for k, (_, _, at) in self._entries.items() if now - at > self.ttl]:
            self._drop(key)


class Abandoned(Exception):  # noqa: N818 — what happened, not an error of the caller
    """A run in flight that nobody waits for any more."""


class _Flight:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.waiters = 0
        self.left = time.monotonic()  # when the last waiter left (or the flight began)
        self.value: Any = None
        self.error: BaseException | None = None


def from_env() -> RunCache:
    """A cache with the budget and age the environment sets (see the module docstring)."""
    return RunCache(int(_env(CACHE_MB_ENV, DEFAULT_CACHE_MB) * (1 << 20)),
                    _env(CACHE_MINUTES_ENV, DEFAULT_CACHE_MINUTES) * 60)  # fmt: skip


def _env(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if 0 < value < float("inf") else default
