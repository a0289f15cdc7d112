"""sim.experiments.runs: replications, sweeps with common random numbers, executors (local, Dask).

The M/M/1 test is the issue's "Done when" check: a sweep of one stream's rate over the
one-backend preset ``mm1-queue`` (exponential quantum, mean 1/mu = 100 s; job mode, one
instance, no calibrations: an M/M/1 FIFO queue by R1, R5, R32) must put the theoretical mean
wait Wq = rho / (mu - lambda) inside each point's confidence interval.

How its sizes were chosen (before looking at any result; seeds fixed, so the test is
deterministic):
* Horizon: arrivals stop at 650,000 s (about 3,250 / 4,550 / 5,850 jobs at rho = 0.5 / 0.7 /
  0.9). The run then drains (no ``until``), so no job is cut off at the end.
* Warm-up: the queue starts empty, which biases early waits low; waits of jobs submitted
  before 200,000 s are dropped. The relaxation time of M/M/1, 1 / (mu (1 - sqrt(rho))^2), is
  38,000 s at rho = 0.9 (less at lower loads), so the cut is over 5 relaxation times.
* Replications: 10 per point, seeds 1..10 at every point (common random numbers). For a fixed
  number of simulated jobs, more and shorter replications give a narrower interval than few
  long ones, because t_{0.9995, R-1} falls fast with R (8.6 at R = 5, 4.8 at R = 10).
* Confidence 99.9 %: tests/test_theory.py measured a per-replication relative standard error
  of the mean wait of 5 % / 7 % / 21 % with 10,000 jobs at rho = 0.5 / 0.7 / 0.9; scaled to
  the jobs kept here (sqrt(10,000 / n)) that is 10 % / 12 % / 33 %, so half-widths of about
  16 % / 19 % / 50 % of Wq (4.8 × se / sqrt(10)). Wide at rho = 0.9, where Wq is extremely
  sensitive to the load, but any modelling slip (rate units, the mean quantum, an idle backend
  with work queued, two jobs at once) moves Wq by far more. With three points the chance that
  a correct model fails is 0.3 %.
Cost: about 135k simulated jobs, some 10 s of CPU.
"""

from __future__ import annotations

import math
import threading

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.measures import ALL, RUN_METRICS, run_metrics
from sim.experiments import runs as experiments
from sim.model import parameters
from tests.helpers import scenario

MEAN_QUANTUM = 100.0  # mm1-queue: quantum {exponential: 100s}
MU = 1 / MEAN_QUANTUM
RHOS = (0.5, 0.7, 0.9)
HORIZON = 650_000.0
WARMUP = 200_000.0
REPS = 10


@pytest.fixture(scope="module")
def mm1_sweep():
    base = parameters.apply(sim.preset("mm1-queue"), {"workloads.jobs.stop": HORIZON})
    rates = [rho * MU for rho in RHOS]  # per second
    out = experiments.sweep(base, {"workloads.jobs.rate": rates}, REPS, warmup=WARMUP, workers=1)
    return out, rates


def test_mm1_sweep_reproduces_the_theoretical_mean_wait(mm1_sweep):
    out, rates = mm1_sweep
    assert out.complete and not out.stopped
    table = experiments.summarize(out.rows, out.params, confidence=0.999)
    rows = table[table["workload"] == "jobs"].reset_index(drop=True)
    assert list(rows["workloads.jobs.rate"]) == rates
    for rho, lam, (_, row) in zip(RHOS, rates, rows.iterrows(), strict=True):
        wq = rho / (MU - lam)  # M/M/1: 100 s, 233 s, 900 s
        assert row["reps"] == REPS
        assert row["mean_wait_low"] <= wq <= row["mean_wait_high"], (
            f"rho={rho}: Wq {wq:.1f} outside [{row['mean_wait_low']:.1f}, "
            f"{row['mean_wait_high']:.1f}]"
        )
        # Utilization of the one backend is rho (work in = work done), up to the drain.
        assert abs(row_all(table, lam)["utilization"] - rho) < 0.02
        assert row["failed"] == 0  # no until, no limits: every job runs (R4)


def row_all(table: pd.DataFrame, lam: float) -> pd.Series:
    match = table[(table["workload"] == ALL) & (table["workloads.jobs.rate"] == lam)]
    assert len(match) == 1
    return match.iloc[0]


def test_common_random_numbers_same_seeds_at_every_point(mm1_sweep):
    out, rates = mm1_sweep
    rows = out.rows[out.rows["workload"] == "jobs"]
    seeds = rows.pivot(index="rep", columns="workloads.jobs.rate", values="seed")
    assert list(seeds.index) == list(range(REPS))
    for rate in rates:
        assert list(seeds[rate]) == list(range(1, 11))  # the preset's seed 1, then 1 + k


def test_sweep_table_has_the_issue_columns(mm1_sweep):
    out, _ = mm1_sweep
    table = experiments.sweep_table(out.rows, out.params)
    assert list(table.columns) == [
        "workloads.jobs.rate", "workload", "reps", "jobs", "mean_wait", "mean_wait_low",
        "mean_wait_high", "p95_wait", "makespan", "failed", "usage_seconds", "utilization",
    ]  # fmt: skip
    assert list(table["workload"]) == ["jobs", ALL] * 3
    # utilization only on `all` rows; a stream has no makespan.
    assert table.loc[table["workload"] == "jobs", "utilization"].isna().all()
    assert table["makespan"].isna().all()


# --- paired comparison of modes ----------------------------------------------------------------


def paired_mode_scenario() -> sim.Scenario:
    """An iterative workload (20 jobs of 30 s, about 20 s of classical time between them)
    on a backend kept busy by another user's 100 queued jobs (exponential, mean 60 s)."""
    return scenario(
        [
            {"name": "vqe", "user": "a", "pattern": "iterative", "mode": "session",
             "jobs": 20, "quantum": 30, "classical": {"exponential": 20}, "start": 600,
             "interactive_ttl": "5m"},
            {"name": "bg", "user": "b", "pattern": "batch", "mode": "job",
             "jobs": 100, "quantum": {"exponential": 60}},
        ],
        seed=3,
    )  # fmt: skip


def test_paired_sweep_of_mode_session_shortens_the_makespan_in_every_replication():
    # In job mode every iteration goes back to the queue and, even when fair share (R5) puts
    # it first, waits for the running background job to finish (R1: no pre-emption) — about
    # 60 s each (memoryless residual), some 19 × 60 s over the loop. A session with an ITTL
    # of 5 min, far above the think times, keeps the backend between iterations (R11–R14):
    # only its first job waits. Same seeds at both points (CRN), so the comparison is paired,
    # replication by replication.
    out = experiments.sweep(
        paired_mode_scenario(), {"workloads.vqe.mode": ["session", "job"]}, 4, workers=1
    )
    vqe = out.rows[out.rows["workload"] == "vqe"]
    span = vqe.pivot(index="rep", columns="workloads.vqe.mode", values="makespan")
    assert (span["session"] < span["job"]).all(), span
    seeds = vqe.pivot(index="rep", columns="workloads.vqe.mode", values="seed")
    assert (seeds["session"] == seeds["job"]).all()


# --- executors ----------------------------------------------------------------------------------


def small() -> tuple[sim.Scenario, dict]:
    base = paired_mode_scenario()
    return base, {"workloads.vqe.interactive_ttl": ["1m", "5m"]}


def test_processes_and_in_process_give_identical_numbers():
    base, vary = small()
    one = experiments.sweep(base, vary, 2, workers=1)
    two = experiments.sweep(base, vary, 2, workers=2)
    pd.testing.assert_frame_equal(one.rows, two.rows)


def test_dask_local_cluster_gives_the_numbers_of_a_local_run():
    distributed = pytest.importorskip("distributed")
    base, vary = small()
    local = experiments.sweep(base, vary, 2, workers=1)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, host="127.0.0.1", protocol="tcp://",
        dashboard_address=None,
    ) as cluster:  # fmt: skip
        remote = experiments.sweep(base, vary, 2, dask=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local.rows, remote.rows)


def test_progress_and_stop():
    base, vary = small()
    seen = []
    stop = threading.Event()

    def progress(done, total):
        seen.append((done, total))
        if done == 2:
            stop.set()

    out = experiments.sweep(base, vary, 3, workers=1, progress=progress, stop=stop)
    assert seen == [(1, 6), (2, 6)]
    assert out.stopped and not out.complete and out.done == 2
    # Replication-major order: the first two runs are replication 0 at both points.
    assert sorted(set(zip(out.rows["point"], out.rows["rep"], strict=True))) == [(0, 0), (1, 0)]


def test_bad_grid_is_refused_before_anything_runs():
    base, _ = small()
    with pytest.raises(sim.ScenarioError, match="workloads.bg.jobs"):
        experiments.sweep(base, {"workloads.bg.jobs": [10, 0]}, 2, workers=1)


# --- measures -----------------------------------------------------------------------------------


def test_run_metrics_worked_by_hand():
    # Two jobs of 10 s submitted at 0 on one backend (batch of independent jobs, job mode):
    # waits 0 and 10; makespan 20; usage 20 quantum seconds (R9); utilization 20/20 = 1.
    sc = scenario(
        [{"name": "w", "user": "a", "pattern": "batch", "mode": "job", "jobs": 2, "quantum": 10}]
    )
    rows = {r["workload"]: r for r in run_metrics(sim.run(sc))}
    w = rows["w"]
    assert (w["jobs"], w["mean_wait"], w["makespan"], w["failed"]) == (2, 5, 20, 0)
    assert w["p95_wait"] == pytest.approx(9.5)  # linear interpolation between 0 and 10
    assert w["usage_seconds"] == 20
    assert math.isnan(w["utilization"])
    assert rows[ALL]["utilization"] == 1.0
    assert set(RUN_METRICS) <= set(w)
    # A warm-up of 1 s drops both jobs (submitted at 0) from the wait statistics.
    assert math.isnan(run_metrics(sim.run(sc), warmup=1)[0]["mean_wait"])


def test_interval_is_scipy_student_t():
    mean, low, high = experiments.interval([1.0, 2.0, 3.0, 4.0])
    # mean 2.5, sd 1.29, t_{0.975,3} = 3.182: half-width 3.182 × 1.29 / 2 = 2.054
    assert mean == 2.5
    assert (low, high) == pytest.approx((2.5 - 2.054, 2.5 + 2.054), abs=1e-3)
    assert np.isnan(experiments.interval([1.0])[1])
