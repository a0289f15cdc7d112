"""The dashboard's run cache (ui/runcache.py): bounded by bytes (least recently used go first)
and by age; and the dashboard's runs go through it and the bounded worker."""

from __future__ import annotations

import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

import sim
from ui import runcache, state
from ui.runcache import RunCache
from ui.text import md

from .test_pages import DASHBOARD


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def cache(max_bytes: int, ttl: float = 1e9, clock: Clock | None = None) -> RunCache:
    # Values are their own sizes: an entry of 4 "bytes" is the value 4.
    return RunCache(max_bytes, ttl, size=lambda v: v[1], clock=clock or Clock())


def test_the_byte_budget_evicts_the_least_recently_used() -> None:
    c = cache(10)
    c.put("a", ("a", 4))
    c.put("b", ("b", 4))
    assert c.get("a") == ("a", 4)  # a is now more recent than b
    c.put("c", ("c", 4))  # 12 > 10: the least recently used (b) goes
    assert "b" not in c and c.get("a") == ("a", 4) and c.get("c") == ("c", 4)
    assert c.bytes == 8
    c.put("d", ("d", 7))  # 15: a (used before c) goes, then c (8 - 4 + 7 = 11 > 10)
    assert len(c) == 1 and c.get("d") == ("d", 7) and c.bytes == 7


def test_an_entry_bigger_than_the_budget_is_not_kept() -> None:
    c = cache(10)
    c.put("a", ("a", 3))
    c.put("huge", ("huge", 11))
    assert "huge" not in c and c.get("a") == ("a", 3) and c.bytes == 3


def test_entries_older_than_the_ttl_are_dropped() -> None:
    clock = Clock()
    c = cache(100, ttl=60, clock=clock)
    c.put("old", ("old", 5))
    clock.now = 50
    c.put("new", ("new", 5))
    clock.now = 61  # old was stored 61 s ago, new 11 s ago
    assert c.get("old") is None and c.get("new") == ("new", 5)
    assert c.bytes == 5
    clock.now = 111
    assert c.get("new") is None and len(c) == 0 and c.bytes == 0


def test_get_or_compute_computes_once() -> None:
    c = cache(100)
    calls = []
    for _ in range(3):
        assert c.get_or_compute("k", lambda: calls.append(1) or ("k", 1)) == ("k", 1)
    assert calls == [1]


class Slow:
    """A computation of ``seconds`` that calls ``cancel`` every 10 ms, like the worker."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.calls = 0
        self.cancelled_after: float | None = None

    def __call__(self, cancel) -> tuple[str, int]:  # noqa: ANN001
        self.calls += 1
        began = time.monotonic()
        while time.monotonic() - began < self.seconds:
            try:
                cancel()
            except runcache.Abandoned:
                self.cancelled_after = time.monotonic() - began
                raise
            time.sleep(0.01)
        return ("done", 1)


def stop_after(seconds: float):
    began = time.monotonic()

    def check() -> None:
        if time.monotonic() - began > seconds:
            raise KeyboardInterrupt("Stop")

    return check


def test_callers_of_one_key_share_one_run() -> None:
    c = cache(100)
    slow = Slow(0.5)
    got = []
    threads = [threading.Thread(target=lambda: got.append(c.run("k", slow))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [("done", 1)] * 3 and slow.calls == 1
    assert c.get("k") == ("done", 1) and c.in_flight() == 0


def test_a_run_nobody_waits_for_is_cancelled_after_the_grace() -> None:
    c = cache(100)
    slow = Slow(30)
    with pytest.raises(KeyboardInterrupt):
        c.run("k", slow, check=stop_after(0.1), grace=0.5)
    # Left at 0.1 s; cancelled at the first check after 0.1 + 0.5 s.
    deadline = time.monotonic() + 5
    while slow.cancelled_after is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert slow.cancelled_after is not None and 0.6 <= slow.cancelled_after < 1.5
    assert "k" not in c


def test_a_caller_that_comes_back_within_the_grace_gets_the_same_run() -> None:
    # A rerun: the old script run stops waiting, the new one asks for the same key.
    c = cache(100)
    slow = Slow(1.0)
    with pytest.raises(KeyboardInterrupt):
        c.run("k", slow, check=stop_after(0.1), grace=2.0)
    time.sleep(0.3)
    assert c.run("k", slow, grace=2.0) == ("done", 1)
    assert slow.calls == 1 and slow.cancelled_after is None


def test_an_error_of_the_run_reaches_every_caller() -> None:
    c = cache(100)

    def fails(cancel) -> None:  # noqa: ANN001
        raise ValueError("too big")

    with pytest.raises(ValueError, match="too big"):
        c.run("k", fails)
    assert "k" not in c and c.in_flight() == 0


def test_a_result_is_sized_by_its_tables() -> None:
    small = sim.run(sim.preset("fig1-session-flow"))
    bare = runcache.result_bytes(small)
    small.jobs  # noqa: B018 — built tables count too
    with_jobs = runcache.result_bytes(small)
    assert with_jobs - bare == small.jobs.memory_usage(deep=True, index=True).sum()
    assert bare > small.events.memory_usage(deep=True, index=True).sum()


def test_budget_and_age_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QSCHED_CACHE_MB", "3")
    monkeypatch.setenv("QSCHED_CACHE_MINUTES", "2")
    c = runcache.from_env()
    assert (c.max_bytes, c.ttl) == (3 * 1024 * 1024, 120)
    monkeypatch.setenv("QSCHED_CACHE_MB", "zero")
    assert runcache.from_env().max_bytes == 512 * 1024 * 1024


def test_a_run_over_its_limit_is_an_inline_error_and_the_scenario_stays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state.CACHE.clear()  # mm1-queue may have run in an earlier test of this process
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    before = at.session_state["scenario"]
    # 10 ms for a run of 5,400 jobs: no child even starts, runs and answers in that time.
    monkeypatch.setenv("QSCHED_RUN_SECONDS", "0.01")
    at.selectbox(key="scenario_preset_pick").select("mm1-queue").run()
    at.button(key="scenario_load_preset").click().run()
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    # Problems are shown escaped (ui/text.md): the variable's underscores carry backslashes.
    assert "time limit of 0.01 s" in errors and md("QSCHED_RUN_SECONDS") in errors
    assert md("workloads[0].rate") in errors and "about 5,400 jobs" in errors  # mm1-queue stream
    assert at.session_state["scenario"] == before
    assert at.session_state["preset"] != "mm1-queue"


def test_a_sweep_run_over_its_limit_stops_the_sweep_with_the_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.run()
    at.switch_page("pages/capacity.py").run()
    assert not at.exception, [e.value for e in at.exception]
    monkeypatch.setenv("QSCHED_RUN_SECONDS", "0.01")  # no run answers within 10 ms
    at.button(key="cap_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    sweep = at.session_state["capacity_sweep"]
    assert (sweep.done, sweep.running) == (0, False)
    errors = " ".join(e.value for e in at.error)
    assert "Run 1 stopped the sweep" in errors and "time limit of 0.01 s" in errors
