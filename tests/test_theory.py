"""Agreement with queueing theory (R1, R5–R7, R32).

One backend fed by Poisson streams in job mode, with no calibrations, sessions or reservations,
is a single-server queue: R1 (one job at a time, no pre-emption), R32 (Poisson arrivals) and
R5 (FIFO inside one entity) make one instance an M/G/1 FIFO queue. So

* M/M/1 (exponential quantum, mean 1/mu):  Wq = rho / (mu - lambda)
* M/D/1 (constant quantum 1/mu):           Wq = rho / (2 mu (1 - rho))      (Pollaczek–Khinchine)
* utilization (share of time running jobs) = rho = lambda / mu.

With two instances the fair-share pick (R5–R7) never looks at the quantum of a queued job and
never leaves the backend idle while jobs wait, so Kleinrock's conservation law applies: with the
same service distribution for both, the job-weighted mean wait equals the FIFO M/M/1 value.
Under today's platform (ibm-2025) the conservation law holds for fair share by allocation
(R34) with allocations in the shares' ratio, and one stream is M/G/1 with the per-job
overhead (R38) in the service time.

How the tolerances are justified
--------------------------------
Each check runs R independent replications (seeds BASE+0 … BASE+R-1, fixed a priori, not picked
after looking at results). Per replication we average the wait of jobs submitted after the first
10 % of the run (warm-up: the queue starts empty, which biases early waits down; 10 % of the
span is at least 6 relaxation times 1/(mu (1-sqrt(rho))^2) in every configuration below).
The stream stops at ``stop`` and the run continues until every job is final, so no job is cut
off at the end (no end bias). Replication means are independent and, being averages of
thousands of waits, close to normal, so a 99 % Student-t interval over the R means
(``scipy.stats.t``) covers the true mean with probability 0.99. The test asserts the
theoretical value lies inside it.

Sizes: Whitt (1989) gives the relative variance of a time-average over t time units of an
M/M/1 queue as about 2 (1+rho) / ((1-rho)^2 n) for n served jobs, i.e. a relative standard
error per replication of sqrt(2 (1+rho) / n) / (1-rho). Measured on this engine with n = 10,000
jobs per replication (before the warm-up cut): 5 % at rho = 0.5, 7 % at 0.7, 21 % at 0.9 for
M/M/1, and 2 % / 5 % at 0.5 / 0.7 for M/D/1 (less variable service, smaller error). The
sizes below keep the 99 % half-width (t_{0.995, R-1} = 3.25 for R = 10, times sd / sqrt(R))
at about 3–6 % of the theoretical value (15 % at rho = 0.9, where Wq is so sensitive to rho
that a 1 % error in the arrival rate or mean quantum already moves it by 10 %). A wrong rate
unit, a wrong quantum mean, an idle backend with work queued or two jobs at once would move
the mean by far more. The engine runs about 15–20k jobs/s including building the tables, so
the whole file is about 50 s of CPU, about 30 s of wall time on 2 xdist workers.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import sim
from tests.helpers import scenario

MEAN_QUANTUM = 10.0  # seconds; mu = 0.1 / s
MU = 1.0 / MEAN_QUANTUM
WARMUP = 0.10  # fraction of the arrival span whose jobs are discarded
CONFIDENCE = 0.99


def t_interval(samples: list[float]) -> tuple[float, float]:
    """99 % Student-t interval for the mean of independent replication results."""
    x = np.asarray(samples, dtype=float)
    n = len(x)
    sem = x.std(ddof=1) / np.sqrt(n)
    return stats.t.interval(CONFIDENCE, n - 1, loc=x.mean(), scale=sem)


def stream(name: str, user: str, rate: float, quantum: object, stop: float) -> dict:
    return {
        "name": name,
        "user": user,
        "pattern": "stream",
        "mode": "job",
        "rate": rate,  # per second (R32 Poisson arrivals)
        "quantum": quantum,
        "start": 0,
        "stop": stop,
    }


def single_queue(rho: float, jobs: int, deterministic: bool) -> tuple[sim.Scenario, float]:
    """One instance, one Poisson stream at load rho, about ``jobs`` arrivals."""
    lam = rho * MU
    span = jobs / lam
    quantum = MEAN_QUANTUM if deterministic else {"exponential": MEAN_QUANTUM}
    sc = scenario(
        [stream("s", "a", lam, quantum, span)],
        instances=[{"name": "A", "share": 1}],
        users=[{"name": "a", "instance": "A"}],
    )
    return sc, span


def steady_waits(result: sim.Result, span: float):
    jobs = result.jobs
    assert (jobs["status"] == "DONE").all()  # no until, no limits: every job runs (R4)
    return jobs[jobs["submitted"] >= WARMUP * span]


def check_single_queue(rho: float, jobs: int, reps: int, deterministic: bool, base_seed: int):
    sc, span = single_queue(rho, jobs, deterministic)
    lam = rho * MU
    # M/D/1 (Pollaczek–Khinchine) or M/M/1.
    expected_wq = rho / (2 * MU * (1 - rho)) if deterministic else rho / (MU - lam)
    means, utils = [], []
    for rep in range(reps):
        result = sim.run(sc, seed=base_seed + rep)
        means.append(float(steady_waits(result, span)["wait"].mean()))
        utils.append(result.utilization()["qpu"])
    lo, hi = t_interval(means)
    assert lo <= expected_wq <= hi, (
        f"rho={rho}: theoretical Wq {expected_wq:.3f} outside the 99% interval "
        f"[{lo:.3f}, {hi:.3f}] (replication means {np.round(means, 2).tolist()})"
    )
    # Utilization: the work served is the work that arrived, lambda * span * E[S] on average,
    # over a run that ends at the last finish (span plus a drain of about Wq, negligible).
    ulo, uhi = t_interval(utils)
    assert ulo <= rho <= uhi, f"utilization interval [{ulo:.4f}, {uhi:.4f}] misses rho={rho}"
    # And a plain sanity bound in case the interval is degenerate.
    assert abs(float(np.mean(utils)) - rho) < 0.02


# (rho, jobs per replication, replications): relative 99 % half-width about 5 %, 6 %
# (predicted from the measured per-replication relative sd of 5 % and 7 % at n = 10,000,
# scaled by sqrt(10,000 / n) and times 3.25 / sqrt(10)).
@pytest.mark.parametrize(("rho", "jobs", "reps"), [(0.5, 10_000, 10), (0.7, 15_000, 10)])
def test_mm1_mean_wait_and_utilization(rho: float, jobs: int, reps: int) -> None:
    """R1/R5/R32: one Poisson stream with exponential quanta is M/M/1: Wq = rho/(mu-lambda)."""
    check_single_queue(rho, jobs, reps, deterministic=False, base_seed=1000)


@pytest.mark.slow
def test_mm1_mean_wait_heavy_load() -> None:
    """R1/R5/R32: M/M/1 at rho = 0.9, Wq = 0.9/(0.1*0.1) = 90 s.

    Per-replication relative sd is about 21 % at 10,000 jobs, 15 % at 20,000; with R = 10 the
    99 % half-width is about 15 % of Wq.
    """
    check_single_queue(0.9, 20_000, 10, deterministic=False, base_seed=2000)


# M/D/1: per-replication relative sd 2 % (rho 0.5, n = 10,000) and 5 % (rho 0.7): half-widths
# about 3 % with 5,000 jobs and 5 % with 10,000 jobs.
@pytest.mark.parametrize(("rho", "jobs", "reps"), [(0.5, 5_000, 10), (0.7, 10_000, 10)])
def test_md1_mean_wait_and_utilization(rho: float, jobs: int, reps: int) -> None:
    """R1/R5/R32: constant quanta make M/D/1: Wq = rho/(2 mu (1-rho)) (half the M/M/1 value)."""
    check_single_queue(rho, jobs, reps, deterministic=True, base_seed=3000)


def test_conservation_law_fair_share_two_instances() -> None:
    """R5–R7: fair share reorders jobs but keeps the job-weighted mean wait of FIFO M/M/1.

    Instances A (share 3) and B (share 1), flat names, each a Poisson stream at lambda/2 with
    the same exponential quantum (mean 10 s), total rho = 0.7. The pick never uses a queued
    job's quantum and never idles with work queued, so the mean wait over all jobs is the
    M/M/1 value rho/(mu - lambda) = 0.7/(0.1 - 0.07) = 23.33 s (Kleinrock's conservation law).

    Who waits less: keys are u_A / (0.75 W) and u_B / (0.25 W) (R7; the 28-day window W is
    longer than the run, so u is all usage so far). With equal loads u_A ~ u_B, so A's key is
    about a third of B's and A is picked first whenever both wait: after the warm-up this is a
    non-preemptive priority queue, A high. Cobham's formula with W0 = sum(lambda_i E[S^2])/2
    = 0.07 * 200 / 2 = 7 s, rho_A = 0.35:  W_A = W0/(1 - rho_A) = 10.77 s,
    W_B = W0/((1 - rho_A)(1 - rho)) = 35.90 s (their average is 23.33 s, as it must be).

    Size: 15,000 jobs x 10 replications, measured per-replication relative sd about 8 % for
    the overall mean, so the 99 % half-width is about 8 % of 23.33 s.
    """
    check_conservation(
        instances=[{"name": "A", "share": 3}, {"name": "B", "share": 1}], base_seed=4000
    )


def test_conservation_law_by_allocation_under_ibm_2025() -> None:
    """R34: the same two streams under ibm-2025, A with 300h of allocation and B with 100h.

    The key is usage / allocation (docs/model.md "Fair share by allocation"): u_A / 300h
    against u_B / 100h is the share tree's u_A / (0.75 W) against u_B / (0.25 W) scaled by
    one constant, so the picks — and W_A, W_B and the overall 23.33 s derived above — are the
    same. Each instance uses about 0.35 x 59.5 h = 21 h in the run, under its allocation
    throughout (the run, 15,000 / 0.07 s = 59.5 h, is shorter than the 28-day window).
    The per-job overhead (R38) is set to 0 here so that the service time is the quantum alone,
    as above: the pick is what this test is about (the overhead's M/G/1 is tested below).
    """
    check_conservation(
        instances=[{"name": "A", "allocation": "300h"}, {"name": "B", "allocation": "100h"}],
        base_seed=6000,
        rules="ibm-2025",
        overrides={"job_overhead_seconds": 0},
    )


def check_conservation(instances: list[dict], base_seed: int, **top: object) -> None:
    rho, jobs, reps = 0.7, 15_000, 10
    lam = rho * MU
    span = jobs / lam
    quantum = {"exponential": MEAN_QUANTUM}
    sc = scenario(
        [stream("sa", "a", lam / 2, quantum, span), stream("sb", "b", lam / 2, quantum, span)],
        instances=instances,
        users=[{"name": "a", "instance": "A"}, {"name": "b", "instance": "B"}],
        **top,
    )
    overall, wait_a, wait_b, diff, utils = [], [], [], [], []
    for rep in range(reps):
        result = sim.run(sc, seed=base_seed + rep)
        jobs_ = steady_waits(result, span)
        by_instance = jobs_.groupby("instance")["wait"].mean()
        overall.append(float(jobs_["wait"].mean()))  # job-weighted
        wait_a.append(float(by_instance["A"]))
        wait_b.append(float(by_instance["B"]))
        diff.append(float(by_instance["B"] - by_instance["A"]))
        utils.append(result.utilization()["qpu"])

    expected = rho / (MU - lam)
    lo, hi = t_interval(overall)
    assert lo <= expected <= hi, f"overall Wq {expected:.3f} outside [{lo:.3f}, {hi:.3f}]"
    # The larger share waits less: the whole 99 % interval of W_B - W_A is above zero.
    dlo, _ = t_interval(diff)
    assert dlo > 0, f"W_B - W_A interval starts at {dlo:.3f}; A {wait_a}, B {wait_b}"
    # Priority-queue values derived above.
    w0 = lam * 2 * MEAN_QUANTUM**2 / 2
    expected_a = w0 / (1 - rho / 2)
    expected_b = w0 / ((1 - rho / 2) * (1 - rho))
    alo, ahi = t_interval(wait_a)
    blo, bhi = t_interval(wait_b)
    assert alo <= expected_a <= ahi, f"W_A {expected_a:.3f} outside [{alo:.3f}, {ahi:.3f}]"
    assert blo <= expected_b <= bhi, f"W_B {expected_b:.3f} outside [{blo:.3f}, {bhi:.3f}]"
    ulo, uhi = t_interval(utils)
    assert ulo <= rho <= uhi, f"utilization interval [{ulo:.4f}, {uhi:.4f}] misses rho={rho}"


def test_mg1_under_ibm_2025_with_the_per_job_overhead() -> None:
    """R38 (ibm-2025): each job locks the QPU for its quantum plus 2 s of overhead, so one
    Poisson stream with exponential quanta (mean 10 s) is M/G/1 with service S = X + 2:
    E[S] = 12 s, E[S^2] = Var X + E[S]^2 = 100 + 144 = 244 s^2. At lambda = 0.05/s,
    rho = lambda E[S] = 0.6 and Pollaczek–Khinchine gives Wq = lambda E[S^2] / (2 (1 - rho))
    = 0.05 * 244 / 0.8 = 15.25 s (the M/M/1 formula on the quantum alone would say
    0.5 / (0.1 - 0.05) = 10 s; on a 12 s mean, 0.6 / (1/12 - 0.05) = 18 s). Utilization is
    rho = 0.6: the timeline's job segments include the overhead.

    Size: 10,000 jobs x 10 replications, as the M/M/1 case at rho 0.5–0.7 (per-replication
    relative sd about 6 %, so a 99 % half-width about 6 % of Wq).
    """
    lam, jobs, reps = 0.05, 10_000, 10
    span = jobs / lam
    sc = scenario(
        [stream("s", "a", lam, {"exponential": MEAN_QUANTUM}, span)],
        rules="ibm-2025",
        instances=[{"name": "A", "share": 1}],
        users=[{"name": "a", "instance": "A"}],
    )
    assert sc.knobs.job_overhead_seconds == 2.0
    means, utils = [], []
    for rep in range(reps):
        result = sim.run(sc, seed=5000 + rep)
        means.append(float(steady_waits(result, span)["wait"].mean()))
        utils.append(result.utilization()["qpu"])
    expected_wq = lam * 244 / (2 * (1 - 0.6))
    lo, hi = t_interval(means)
    assert lo <= expected_wq <= hi, f"Wq {expected_wq:.3f} outside [{lo:.3f}, {hi:.3f}]: {means}"
    ulo, uhi = t_interval(utils)
    assert ulo <= 0.6 <= uhi, f"utilization interval [{ulo:.4f}, {uhi:.4f}] misses rho=0.6"
