"""Bounded runs (sim.experiments.worker): memory and time limits, the child gone afterwards,
cancellation,
and the same tables as an in-process run."""

from __future__ import annotations

import time

import pandas as pd
import psutil
import pytest

import sim
from sim.analysis.measures import run_metrics
from sim.experiments import runs as experiments
from sim.experiments import worker
from tests.helpers import scenario

# A stream of 5 jobs a second for a day: 432,000 jobs (5 × 86,400), well under the job cap,
# but hundreds of MB of event log and tens of seconds of work.
BIG = scenario(
    [{"name": "bg", "pattern": "stream", "user": "a", "rate": "5/s", "stop": "1d",
      "quantum": "0.01s"}],
    until="1d",
)  # fmt: skip


def descendants() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


class Watch:
    """A ``cancel`` callback that notes the processes alive while the run works (the child
    among them), and can give up after ``after`` seconds like a Stop click."""

    def __init__(self, after: float | None = None):
        self.seen: set[int] = set()
        self.after = after
        self.began = time.monotonic()

    def __call__(self) -> None:
        self.seen |= descendants()
        if self.after is not None and time.monotonic() - self.began > self.after:
            raise KeyboardInterrupt("stop")


@pytest.fixture(scope="module", autouse=True)
def forkserver() -> None:
    """Start the worker's forkserver once (imports numpy, pandas …), outside the timings."""
    worker.run(sim.preset("fig1-session-flow"))


def test_a_run_over_the_memory_limit_names_memory_and_the_biggest_workload() -> None:
    before = descendants()
    watch = Watch()
    with pytest.raises(worker.RunBudgetError) as caught:
        worker.run(BIG, limits=worker.Limits(memory_mb=20, seconds=60), cancel=watch)
    err = caught.value
    assert err.limit == "memory"
    [problem] = err.problems
    assert problem.path == "workloads[0].rate"  # a stream without a job count: its rate
    assert "memory limit of 20 MB" in problem.message
    assert "QSCHED_RUN_MEMORY_MB" in problem.message
    assert "workload “bg”, about 432,000 jobs" in problem.message
    children = watch.seen - before
    assert children, "the run went to a child process"
    assert all(gone(pid) for pid in children)


def test_a_run_over_the_time_limit_names_time_and_ends_on_time() -> None:
    before = descendants()
    watch = Watch()
    began = time.monotonic()
    with pytest.raises(worker.RunBudgetError) as caught:
        worker.run(BIG, limits=worker.Limits(memory_mb=4096, seconds=1), cancel=watch)
    took = time.monotonic() - began
    assert caught.value.limit == "time"
    [problem] = caught.value.problems
    assert "time limit of 1 s" in problem.message and "QSCHED_RUN_SECONDS" in problem.message
    assert problem.path == "workloads[0].rate"
    assert 1.0 <= took < 3.0
    children = watch.seen - before
    assert children and all(gone(pid) for pid in children)


def test_cancel_kills_the_child_and_passes_its_exception_on() -> None:
    # What a Stop click or a closed tab does: Streamlit's check raises in the waiting thread.
    before = descendants()
    watch = Watch(after=0.3)
    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        worker.run(BIG, limits=worker.Limits(memory_mb=4096, seconds=60), cancel=watch)
    assert time.monotonic() - began < 2.0
    children = watch.seen - before
    assert children and all(gone(pid) for pid in children)


def test_a_normal_run_gives_the_tables_of_an_in_process_run() -> None:
    s = sim.preset("vqe-vs-background")
    bounded = worker.run(s, seed=7)
    local = sim.run(s, seed=7)
    assert bounded.seed == 7 and bounded.end_time == local.end_time
    for table in ("events", "jobs", "sessions", "timeline"):
        pd.testing.assert_frame_equal(getattr(bounded, table), getattr(local, table))


def test_validation_errors_come_back_as_scenario_errors() -> None:
    with pytest.raises(sim.ScenarioError) as caught:
        worker.run(BIG, max_jobs=1000)
    assert not isinstance(caught.value, worker.RunBudgetError)
    assert caught.value.problems[0].path == "workloads[0].rate"


def test_sweep_tasks_in_bounded_children_give_the_in_process_rows() -> None:
    s = sim.preset("fig1-session-flow")
    todo = experiments.tasks(experiments.grid(s, {}), reps=2)
    bounded = experiments.run_tasks(todo, executor=worker.Bounded())
    local = experiments.run_tasks(todo, workers=1)
    pd.testing.assert_frame_equal(bounded.rows, local.rows)
    pd.testing.assert_frame_equal(
        pd.DataFrame(worker.run_task(todo[1], run_metrics)),
        pd.DataFrame(experiments.run_task(todo[1], run_metrics)),
    )


def test_an_over_budget_sweep_task_names_its_scenario() -> None:
    [task] = experiments.tasks(experiments.grid(BIG, {}), reps=1)
    with pytest.raises(worker.RunBudgetError) as caught:
        worker.run_task(task, run_metrics, limits=worker.Limits(memory_mb=4096, seconds=0.5))
    assert caught.value.problems[0].path == "workloads[0].rate"


def test_the_biggest_contributor_can_be_a_calibration() -> None:
    # 10 jobs, and a calibration every 10 s for 10 days (864,000 s), the first one period in:
    # at 10 s, 20 s, …, 864,000 s, so 86,400 of them.
    s = scenario(
        [{"name": "w", "pattern": "batch", "user": "a", "jobs": 10, "quantum": "1s"}],
        backends=[{"name": "qpu", "calibrations": [{"every": "10s", "duration": "1s"}]}],
        until="10d",
    )
    [(cost, field, what), *_] = worker.contributors(s)
    assert field == "backends[0].calibrations[0].every"
    assert what == "a calibration of qpu that repeats about 86,400 times"
    assert cost == 2 * 86_400


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QSCHED_RUN_MEMORY_MB", "300")
    monkeypatch.setenv("QSCHED_RUN_SECONDS", "7.5")
    assert worker.Limits.from_env() == worker.Limits(300, 7.5)
    for bad in ("", "lots", "-1", "0", "inf", "nan"):
        monkeypatch.setenv("QSCHED_RUN_MEMORY_MB", bad)
        assert worker.Limits.from_env().memory_mb == worker.DEFAULT_MEMORY_MB
