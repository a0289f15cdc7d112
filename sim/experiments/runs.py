"""Replications and parameter sweeps: a thin layer over "run one scenario".

A sweep is a grid of scenario variants (:mod:`sim.model.parameters`), each run ``reps`` times.
Replication k runs with seed ``SEED + k`` at every grid point — common random numbers: each
workload draws from streams seeded by (seed, workload name), R33, so the points of one
replication see the same arrivals and service draws and their differences are paired.

Runs are independent tasks. They go to an executor: in-process for one worker, a
``concurrent.futures.ProcessPoolExecutor`` for several, or a Dask cluster through
``distributed.Client(address).get_executor()``. Results are gathered by (point, replication),
not by completion order, so every executor gives the same numbers.

Tables are tidy: :func:`run_tasks` gives one row per (point, replication, workload);
:func:`summarize` gives means with Student-t intervals (``scipy.stats.t``) per point and
workload; :func:`sweep_table` gives the columns of ``sweep.csv``.

Nothing here imports Streamlit or Plotly.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..analysis.measures import ALL, RUN_METRICS, run_metrics
from ..model import parameters
from ..model.scenario import DEFAULT_MAX_JOBS, Scenario, check_size

Measure = Callable[[Any], list[dict[str, Any]]]  # Result → rows (picklable: a module function)
Progress = Callable[[int, int], None]  # (finished, total)
SWEEP_COLUMNS = ["workload", "reps", "jobs", "mean_wait", "mean_wait_low", "mean_wait_high",
                 "p95_wait", "makespan", "failed", "usage_seconds", "utilization"]  # fmt: skip


@dataclass(frozen=True)
class Task:
    """One run: grid point ``point`` (its parameter values in ``values``), replication ``rep``."""

    point: int
    rep: int
    seed: int
    scenario_json: str
    values: tuple[tuple[str, Any], ...] = ()


@dataclass
class Outcome:
    """What :func:`run_tasks` returns: the rows so far, and whether every task finished."""

    rows: pd.DataFrame
    done: int
    total: int
    stopped: bool = False
    params: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.done == self.total


# --- building the grid ----------------------------------------------------------------------


def grid(scenario: Scenario, vary: Mapping[str, Sequence[Any]]) -> list[tuple[dict, Scenario]]:
    """Every combination of the varied values, as (values, validated scenario), in the order
    given (the last path varies fastest). All points are validated before anything runs."""
    paths = list(vary)
    points = []
    for combo in itertools.product(*(vary[p] for p in paths)):
        values = dict(zip(paths, combo, strict=True))
        points.append((values, parameters.apply(scenario, values) if values else scenario))
    return points


def seeds(scenario: Scenario, reps: int, first_seed: int | None = None) -> list[int]:
    """Replication k uses ``first_seed + k`` (default: the scenario's seed), at every point."""
    if reps < 1:
        raise ValueError("reps must be at least 1")
    first = scenario.seed if first_seed is None else int(first_seed)
    return [first + k for k in range(reps)]


def tasks(
    points: Sequence[tuple[Mapping[str, Any], Scenario]],
    reps: int,
    first_seed: int | None = None,
    max_jobs: int = DEFAULT_MAX_JOBS,
) -> list[Task]:
    """The runs of a sweep, replication-major (all points of replication 0 first), so a sweep
    stopped early has whole replications across the grid."""
    for _, s in points:
        check_size(s, max_jobs)
    base = points[0][1]
    out = []
    for rep, seed in enumerate(seeds(base, reps, first_seed)):
        for i, (values, s) in enumerate(points):
            out.append(Task(i, rep, seed, s.model_dump_json(), tuple(values.items())))
    return out


# --- running --------------------------------------------------------------------------------


def run_task(task: Task, measure: Measure) -> list[dict[str, Any]]:
    """Run one task (in whatever process the executor chose) and measure it."""
    from .single import run

    scenario = Scenario.model_validate_json(task.scenario_json)
    rows = measure(run(scenario, seed=task.seed))
    head = {**dict(task.values), "point": task.point, "rep": task.rep, "seed": task.seed}
    return [{**head, **row} for row in rows]


def default_workers() -> int:
    return os.cpu_count() or 1


class _InProcess(Executor):
    """One worker: run each task when it is submitted (no process start-up, easy to debug)."""

    def submit(self, fn, /, *args, **kwargs):  # noqa: ANN001
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:  # noqa: BLE001 — handed to the caller through the future
            future.set_exception(err)
        return future


def _stopped(stop: threading.Event | Callable[[], bool] | None) -> bool:
    if stop is None:
        return False
    return stop.is_set() if isinstance(stop, threading.Event) else bool(stop())


def run_tasks(
    todo: Sequence[Task],
    *,
    measure: Measure | None = None,
    warmup: float = 0.0,
    workers: int | None = None,
    dask: str | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    stop: threading.Event | Callable[[], bool] | None = None,
) -> Outcome:
    """Run the tasks and gather their rows, sorted by (point, replication).

    ``measure(result)`` defaults to :func:`sim.analysis.measures.run_metrics` with ``warmup``.
    ``executor`` wins over ``dask`` (a scheduler address) which wins over ``workers``
    (default: all cores). ``progress(done, total)`` is called as each run finishes; ``stop``
    (an Event or a callable) is checked before each submission: once set, nothing new
    starts, runs not yet started are cancelled, and the rows finished so far come back.
    """
    measure = measure or partial(run_metrics, warmup=warmup)
    total = len(todo)
    own: Any = None
    client = None
    if executor is None:
        if dask:
            from distributed import Client

            client = Client(dask)
            own = executor = client.get_executor()
        elif (workers or default_workers()) <= 1 or total <= 1:
            executor = _InProcess()
        else:
            own = executor = ProcessPoolExecutor(max_workers=min(workers or default_workers(),
                                                                 total))  # fmt: skip
    # A bounded window of runs in flight, two per worker thread: enough to keep every worker
    # busy, small enough that stop takes effect quickly and memory stays flat.
    slots = workers or default_workers()
    if client is not None:
        slots = max(1, sum(client.nthreads().values()))
    window = max(2, 2 * slots)
    results: dict[tuple[int, int], list[dict]] = {}
    pending: dict[Future, Task] = {}
    queue = iter(todo)
    stopped = False
    try:
        while True:
            while len(pending) < window and not stopped:
                if _stopped(stop):
                    stopped = True
                    break
                task = next(queue, None)
                if task is None:
                    break
                pending[executor.submit(run_task, task, measure)] = task
            if not pending:
                break
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                task = pending.pop(future)
                results[(task.point, task.rep)] = future.result()
                if progress:
                    progress(len(results), total)
            if _stopped(stop):
                stopped = True
                for future in list(pending):
                    if future.cancel():
                        pending.pop(future)
    finally:
        if own is not None:
            own.shutdown(wait=True)
        if client is not None:
            client.close()
    rows = [row for key in sorted(results) for row in results[key]]
    params = [p for p, _ in todo[0].values] if todo else []
    return Outcome(pd.DataFrame(rows), len(results), total, stopped and len(results) < total,
                   params)  # fmt: skip


def sweep(
    scenario: Scenario,
    vary: Mapping[str, Sequence[Any]],
    reps: int,
    *,
    seed: int | None = None,
    max_jobs: int = DEFAULT_MAX_JOBS,
    **options: Any,
) -> Outcome:
    """Run ``reps`` replications at every point of the grid ``vary`` (path → values).

    Raises :class:`ScenarioError` (naming the path) before anything runs if a point is not a
    valid scenario. ``options`` go to :func:`run_tasks` (warmup, workers, dask, progress …).
    """
    todo = tasks(grid(scenario, vary), reps, seed, max_jobs)
    out = run_tasks(todo, **options)
    out.params = list(vary)
    return out


def replications(scenario: Scenario, reps: int, *, seed: int | None = None,
                 **options: Any) -> Outcome:  # fmt: skip
    """``reps`` runs of one scenario: a sweep over an empty grid."""
    return sweep(scenario, {}, reps, seed=seed, **options)


def replicate(
    scenario: Scenario,
    reps: int,
    first_seed: int | None = None,
    runner: Callable[[Scenario, int], Any] | None = None,
) -> list[Any]:
    """The :class:`sim.Result` of each of ``reps`` runs of ``scenario``, replication k with
    seed ``first_seed + k`` (:func:`seeds`), in this process. ``runner(scenario, seed)``
    defaults to :func:`sim.run`; a caller may pass a cached one. Where the measures suffice,
    :func:`replications` runs them on any executor instead.
    ``sim.experiments.compare.replicate`` is this function."""
    if runner is None:
        from .single import run  # sim.run

        def runner(s: Scenario, seed: int) -> Any:
            return run(s, seed=seed)

    return [runner(scenario, seed) for seed in seeds(scenario, reps, first_seed)]


# --- summaries ------------------------------------------------------------------------------


def interval(values: Iterable[float], confidence: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): a two-sided Student-t interval (``scipy.stats.t``) for the mean of
    independent replications. NaN values are ignored; with one value low/high are NaN, with
    none everything is NaN. ``sim.experiments.compare.mean_ci`` is this function."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    x = np.asarray(list(values), dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(x.mean())
    if len(x) == 1 or np.all(x == x[0]):
        # One value: no interval; identical values: the interval is the point itself.
        return (mean, *((math.nan,) * 2 if len(x) == 1 else (mean, mean)))
    low, high = stats.t.interval(confidence, len(x) - 1, loc=mean, scale=stats.sem(x))
    return (mean, float(low), float(high))


def summarize(
    rows: pd.DataFrame,
    params: Sequence[str] = (),
    metrics: Sequence[str] = RUN_METRICS,
    confidence: float = 0.95,
    by: Sequence[str] = ("workload",),
) -> pd.DataFrame:
    """Per point and workload: ``reps`` and, for each metric, its mean, ``_low`` and ``_high``.

    Points keep their grid order; workloads keep their order of appearance (``all`` last).
    """
    keys = ["point", *params, *by]
    out = []
    for key, group in rows.groupby(keys, sort=False, dropna=False):
        entry = dict(zip(keys, key, strict=True))
        entry["reps"] = int(group["rep"].nunique())
        for m in metrics:
            mean, low, high = interval(group[m], confidence)
            entry.update({m: mean, f"{m}_low": low, f"{m}_high": high})
        out.append(entry)
    table = pd.DataFrame(out)
    if not table.empty:
        table = table.sort_values("point", kind="stable").drop(columns="point")
    return table.reset_index(drop=True)


def sweep_table(rows: pd.DataFrame, params: Sequence[str]) -> pd.DataFrame:
    """The ``sweep.csv`` columns: one per varied path, then :data:`SWEEP_COLUMNS`.

    Metrics are means over replications; ``mean_wait_low``/``_high`` its 95 % t-interval;
    ``utilization`` only on the ``all`` rows.
    """
    table = summarize(rows, params)
    table.loc[table["workload"] != ALL, "utilization"] = math.nan
    return table[[*params, *SWEEP_COLUMNS]]


def replication_table(rows: pd.DataFrame, params: Sequence[str]) -> pd.DataFrame:
    """The ``replications.csv`` columns: parameters, rep, seed, workload, then the metrics."""
    return rows[[*params, "rep", "seed", "workload", *RUN_METRICS]]
