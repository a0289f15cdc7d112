"""Stream arrivals drawn ahead and merged (sim.kernel.arrivals, R32).

The reference for every check is a stream drawn the plain way, one gap at a time
(``t = t + gap``) from a generator with the same seed, stopping at the first time at or after
``stop`` or after ``jobs`` arrivals: the merged windows must give exactly those times (not
approximately: the engine's tables must not depend on how the times were drawn), in time order
across streams, with the last arrival of each stream marked.
"""

from __future__ import annotations

import math

import pytest

import sim
from sim.kernel import arrivals as arrivals_module
from sim.kernel.arrivals import Arrivals
from sim.model.distributions import Distribution, Draws, stream_rng


def gaps(name: str, rate: float, chunk: int = 512) -> Draws:
    dist = Distribution(kind="exponential", params=(1.0 / rate,))
    return Draws(dist, stream_rng(7, name, "arrivals"), chunk)


def one_at_a_time(name, rate, start, stop=None, jobs=None):
    """The plain reference: add one gap at a time."""
    draws, out, t = gaps(name, rate), [], start
    while True:
        t = t + draws.next()
        if (stop is not None and t >= stop) or (jobs is not None and len(out) >= jobs):
            return out
        out.append(t)


def merged(streams):
    """Run Arrivals over ``streams`` [(name, rate, start, stop, jobs)] and record every call."""
    arr, seen, added = Arrivals(), [], []
    clock = [0.0]  # the engine's clock: set to the arrival's time before the call
    for name, rate, start, stop, jobs in streams:

        def arrive(name=name):
            seen.append((clock[0], name, False))

        def last(name=name):
            seen.append((clock[0], name, True))

        added.append(arr.add(gaps(name, rate), rate, start, stop, jobs, arrive, last))
    while True:
        times, calls = arr.window()
        if not times:
            return seen, added
        for t, call in zip(times, calls, strict=True):
            clock[0] = t
            call()


def test_one_stream_times_are_exactly_one_gap_at_a_time():
    seen, added = merged([("s", 0.5, 100.0, 20_000.0, None)])
    assert added == [True]
    ref = one_at_a_time("s", 0.5, 100.0, stop=20_000.0)
    assert len(ref) > 9_000  # about 0.5 × 19,900 = 9,950 arrivals, several windows
    assert [t for t, _, _ in seen] == ref  # exact float equality
    assert [last for _, _, last in seen] == [False] * (len(ref) - 1) + [True]


def test_jobs_limit_gives_exactly_that_many_arrivals_and_marks_the_last():
    seen, _ = merged([("s", 2.0, 0.0, None, 1234)])
    assert [t for t, _, _ in seen] == one_at_a_time("s", 2.0, 0.0, jobs=1234)
    assert len(seen) == 1234 and seen[-1][2] and not any(last for _, _, last in seen[:-1])


def test_streams_merge_in_time_order_and_each_keeps_its_own_sequence():
    spec = [("a", 1.0, 0.0, 3_000.0, None), ("b", 0.1, 50.0, None, 200),
            ("c", 3.0, 1_000.0, 2_000.0, None)]  # fmt: skip
    seen, _ = merged(spec)
    times = [t for t, _, _ in seen]
    assert times == sorted(times)
    for name, rate, start, stop, jobs in spec:
        mine = [(t, last) for t, n, last in seen if n == name]
        assert [t for t, _ in mine] == one_at_a_time(name, rate, start, stop, jobs)
        assert [last for _, last in mine].count(True) == 1 and mine[-1][1]


def test_window_size_does_not_change_anything(monkeypatch):
    spec = [("a", 1.0, 0.0, 500.0, None), ("b", 0.3, 10.0, None, 90)]
    big, _ = merged(spec)
    monkeypatch.setattr(arrivals_module, "WINDOW_ARRIVALS", 3)
    small, _ = merged(spec)
    assert small == big
    # A window narrower than one ulp of its start still takes the next arrival (no hang).
    monkeypatch.setattr(arrivals_module, "WINDOW_ARRIVALS", 1e-300)
    tiny, _ = merged(spec)
    assert tiny == big


def test_a_stream_that_never_submits_is_refused():
    # The first gap of a 1/h stream is far more than 1 s: nothing before stop (or 0 jobs).
    arr = Arrivals()
    assert not arr.add(gaps("s", 1 / 3600), 1 / 3600, 0.0, 1.0, None, print, print)
    assert not arr.add(gaps("t", 1.0), 1.0, 0.0, None, 0, print, print)
    assert arr.window() == ([], [])


def test_r32_engine_stream_submit_times_match_the_reference():
    """End to end: a stream's submit times in the jobs table are the reference times."""
    scenario = sim.from_dict({
        "seed": 7, "backends": [{"name": "b"}], "instances": [{"name": "i"}],
        "users": [{"name": "u", "instance": "i"}],
        "workloads": [{"name": "s", "user": "u", "backend": "b", "pattern": "stream",
                       "rate": "360/h", "start": 5, "stop": 1_000,
                       "quantum": "1s"}],
    })  # fmt: skip
    jobs = sim.run(scenario).jobs
    ref = one_at_a_time("s", 0.1, 5.0, stop=1_000.0)
    assert jobs["submitted"].tolist() == ref
    assert (jobs["status"] == "DONE").all()


def test_r1_r32_until_stops_a_stream_without_stop_or_jobs():
    """A stream bounded only by the scenario's until: the run still ends (R1: nothing new
    arrives after until), with every arrival before until submitted."""
    scenario = sim.from_dict({
        "seed": 7, "until": 600, "backends": [{"name": "b"}], "instances": [{"name": "i"}],
        "users": [{"name": "u", "instance": "i"}],
        "workloads": [{"name": "s", "user": "u", "backend": "b", "pattern": "stream",
                       "rate": "360/h", "quantum": "1s"}],
    })  # fmt: skip
    result = sim.run(scenario)
    ref = one_at_a_time("s", 0.1, 0.0, stop=600.0)
    assert result.jobs["submitted"].tolist() == ref
    assert result.end_time == pytest.approx(max(600.0, ref[-1] + 1), abs=1.0)
    assert math.isfinite(result.end_time)
