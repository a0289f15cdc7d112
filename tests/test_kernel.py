"""The kernel is SimPy for real (issue 14): SimPy processes, timeouts and events run in the same
run as the engine's plain callbacks, in the same time order, and a workload written as a SimPy
process (sim.kernel.client) gives the same tables as the built-in pattern it imitates (R30)."""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import simpy

import sim
from sim.kernel.engine import Engine

TABLES = ("jobs", "sessions", "timeline", "events")
README = Path(__file__).resolve().parent.parent / "README.md"


@functools.cache
def readme_example() -> dict:
    """Run the README's example (section "A workload written as a SimPy process")."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### A workload written as a SimPy process") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    return namespace


def assert_same_tables(a: sim.Result, b: sim.Result) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t), check_exact=True, obj=t)
    assert a.end_time == b.end_time


def queued_at(jobs: pd.DataFrame, backend: str, times: list[float]) -> list[int]:
    """Jobs waiting on ``backend`` at each time, from the jobs table alone: submitted, and
    neither started nor final yet (a job that never started leaves the queue when final).
    A job leaves no earlier than it came, so the count is arrivals so far minus departures."""
    j = jobs[jobs["backend"] == backend]
    came = np.sort(j["submitted"].to_numpy(dtype=float))
    left = np.sort(j["started"].fillna(j["finished"]).fillna(math.inf).to_numpy(dtype=float))
    t = np.asarray(times, dtype=float)
    return (np.searchsorted(came, t, "right") - np.searchsorted(left, t, "right")).tolist()


# --- a process that watches the run ------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "backend"), [("vqe-vs-background", "ibm_alpha"), ("mm1-queue", "ibm_delta")]
)
def test_a_probe_process_sees_the_queue_the_jobs_table_shows(preset, backend):
    scenario = sim.preset(preset)
    engine = Engine(scenario, scenario.seed)
    samples: list[tuple[float, int]] = []
    engine.env.process(readme_example()["queue_probe"](engine, samples, backend))
    result = sim.Result.of(engine)
    # One sample every minute, from 30 s on, while the run lasted.
    assert [t for t, _ in samples] == [30.0 + 60 * k for k in range(len(samples))]
    assert samples[-1][0] <= result.end_time < samples[-1][0] + 60
    expected = queued_at(result.jobs, backend, [t for t, _ in samples])
    assert [n for _, n in samples] == expected
    assert max(expected) >= 3  # the queue does build up: the comparison means something
    # Watching changes nothing.
    assert_same_tables(result, sim.run(scenario))


def test_the_readme_example_runs_the_presets_vqe_as_sim_run_does():
    result, samples = readme_example()["result"], readme_example()["samples"]
    assert_same_tables(result, sim.run(sim.preset("vqe-vs-background"), seed=7))
    assert samples
    assert [n for _, n in samples] == queued_at(result.jobs, "ibm_alpha", [t for t, _ in samples])


# --- a workload written as a process ------------------------------------------------------------

ITERATIVE = ["vqe-vs-background", "fig1-session-flow", "fig2-iterative", "iterative-vs-batch",
             "profiles-calibration", "contract-example"]  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("profile", list(sim.PROFILES))
@pytest.mark.parametrize("preset", ITERATIVE)
def test_iterative_workloads_written_as_processes_give_the_same_tables(preset, profile, seed):
    """Every iterative workload of the preset driven by the README's optimizer process: the
    same jobs, sessions, timeline and events as the built-in loop (R30), under every profile."""
    scenario = sim.preset(preset).model_copy(update={"rules": profile})
    engine = Engine(scenario, seed)
    iterative = [w for w in scenario.workloads if w.pattern == "iterative"]
    assert iterative
    for w in iterative:
        engine.drive(w.name, lambda client, n=w.jobs: readme_example()["optimizer"](client, n))
    assert_same_tables(sim.Result.of(engine), sim.run(scenario, seed=seed))


def one_backend(**workload) -> sim.Scenario:
    return sim.from_dict(
        {
            "name": "client",
            "backends": [{"name": "b"}],
            "instances": [{"name": "h/g/p", "share": 1}],
            "users": [{"name": "u", "instance": "h/g/p"}],
            "workloads": [
                {
                    "name": "w",
                    "user": "u",
                    "backend": "b",
                    "pattern": "batch",
                    "jobs": 1,
                    "quantum": "10s",
                    **workload,
                }
            ],  # fmt: skip
        }
    )


def test_client_job_states_final_events_and_cancel():
    """R1: QUEUED → RUNNING → DONE; a cancelled queued job is CANCELLED; the final event's value
    is the status, at the time the job became final."""
    seen = []

    def script(client):
        env = client.env
        a, b, c = client.submit(), client.submit(quantum=5.0), client.submit()
        seen.append((env.now, a.status, b.status, c.status))  # the dispatch comes last
        yield env.timeout(1)
        seen.append((env.now, a.status, b.status, c.status))
        client.cancel(c)
        assert (yield c.final) == "CANCELLED"
        seen.append((env.now, c.status))
        assert (yield a.final) == "DONE"
        seen.append((env.now, a.status, b.status))
        status = yield b.final
        seen.append((env.now, status))
        client.done()
        with pytest.raises(RuntimeError, match="no submissions"):
            client.submit()

    engine = Engine(one_backend(start="1m"), 1)
    engine.drive("w", script)
    result = sim.Result.of(engine)
    assert seen == [
        (60.0, "QUEUED", "QUEUED", "QUEUED"),
        (61.0, "RUNNING", "QUEUED", "QUEUED"),
        (61.0, "CANCELLED"),
        (70.0, "DONE", "QUEUED"),  # b starts at 70 (the dispatch follows a's final event)
        (75.0, "DONE"),
    ]
    jobs = result.jobs.set_index("job_id")
    assert list(jobs["status"]) == ["DONE", "DONE", "CANCELLED"]
    assert list(jobs["quantum_seconds"].iloc[:2]) == [10.0, 5.0]
    assert result.end_time == 75.0


def test_a_session_that_is_closed_rejects_what_the_process_submits():
    """R17 (ibm-2023 fails queued jobs on close): a job submitted after close_session() is
    final at once with ERROR, and its final event says so."""
    statuses = []

    def script(client):
        first = client.submit()
        yield first.final
        client.close_session()
        late = client.submit()
        statuses.append((first.status, (yield late.final), late.status))
        client.done()

    scenario = one_backend(mode="session").model_copy(update={"rules": "ibm-2023"})
    engine = Engine(scenario, 1)
    engine.drive("w", script)
    jobs = sim.Result.of(engine).jobs
    assert statuses == [("DONE", "ERROR", "ERROR")]
    assert list(jobs["reason"].fillna("")) == ["", "session_closed"]


# --- SimPy's own entry points ---------------------------------------------------------------


def test_env_step_and_run_until_give_the_same_tables_as_one_run():
    scenario = sim.preset("vqe-vs-background")
    reference = sim.run(scenario)

    stepped = Engine(scenario, scenario.seed)
    stepped.prepare()
    steps = 0
    while not stepped.done.processed:
        assert stepped.env.peek() >= stepped.env.now
        stepped.env.step()
        steps += 1
    assert steps > len(reference.jobs)  # at least one entry per job (most have three)
    stepped.finish()
    assert_same_tables(reference, stepped_result(stepped))

    chunked = Engine(scenario, scenario.seed)
    chunked.prepare()
    for hour in range(1, 6):
        chunked.env.run(until=hour * 3600.0)
        assert chunked.env.now == hour * 3600.0
    chunked.env.run(until=chunked.done)
    chunked.finish()
    assert_same_tables(reference, stepped_result(chunked))


def stepped_result(engine: Engine) -> sim.Result:
    return sim.Result(engine.scenario, engine.seed, engine.log, engine.env.now)


def test_timeouts_interleave_with_the_engine_in_time_order():
    """A SimPy timeout at the same instant as a job's finish runs after it if it was scheduled
    later (both are world events, first scheduled first), and before the dispatch that follows
    it; one scheduled earlier runs before the finish."""
    order = []

    def early(env):  # scheduled at 0 for t=10: before the finish, scheduled when the job starts
        yield env.timeout(10)
        order.append(("early", env.now, [e for e in EVENTS(engine) if e[0] == 10.0]))

    def late(client):  # the process starts at the workload's start, after the job is queued
        env = client.env
        job = client.submit()
        yield env.timeout(1)
        yield env.timeout(9)
        order.append(("late", env.now, job.status, [e for e in EVENTS(engine) if e[0] == 10.0]))
        client.done()

    engine = Engine(one_backend(jobs=1, start=0), 1)
    engine.drive("w", late)
    engine.env.process(early(engine.env))
    sim.Result.of(engine)
    assert order == [
        ("early", 10.0, []),
        ("late", 10.0, "DONE", [(10.0, "charge"), (10.0, "done")]),
    ]


def EVENTS(engine: Engine) -> list[tuple[float, str]]:  # noqa: N802
    v = engine.log.values
    return list(zip(v[0::7], v[2::7], strict=True))


def test_a_failing_process_crashes_the_run_as_in_simpy():
    def broken(env):
        yield env.timeout(5)
        raise ValueError("boom")

    scenario = sim.preset("mm1-queue")
    engine = Engine(scenario, 1)
    engine.env.process(broken(engine.env))
    with pytest.raises(ValueError, match="boom"):
        engine.run()
    assert engine.env.now == 5.0


def test_kernel_alone_is_a_simpy_environment():
    """No engine: processes, timeouts, events, conditions, run(until) — SimPy's semantics."""
    env = sim.kernel.environment.Kernel()
    log = []

    def clock(env, name, tick):
        while True:
            log.append((name, env.now))
            yield env.timeout(tick)

    env.process(clock(env, "fast", 0.5))
    env.process(clock(env, "slow", 1))
    env.run(until=2)
    assert log == [("fast", 0), ("slow", 0), ("fast", 0.5), ("slow", 1), ("fast", 1.0),
                   ("fast", 1.5)]  # fmt: skip
    assert env.now == 2
    ev = env.event()
    env.call_in(3, ev.succeed, args=("hi",))
    assert env.run(until=ev) == "hi" and env.now == 5
    assert isinstance(env, simpy.Environment)
    empty = sim.kernel.environment.Kernel()
    assert np.isinf(empty.peek())
    with pytest.raises(simpy.core.EmptySchedule):
        empty.step()
    assert empty.run() is None
