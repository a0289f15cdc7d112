"""sim.experiments.compare: paired variants (R33), replications and Student-t confidence
intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import sim
from sim.experiments import compare


@pytest.fixture(scope="module")
def vqe() -> sim.Scenario:
    return sim.preset("vqe-vs-background")


def _workload_jobs(result: sim.Result, workload: str):
    jobs = result.jobs
    return jobs[jobs["workload"] == workload].set_index("job_id")


def test_with_mode_changes_only_that_workload(vqe):
    changed = compare.with_mode(vqe, "vqe", "job")
    assert {w.name: w.mode for w in changed.workloads} == {
        "vqe": "job",
        "research": "job",
        "teaching": "job",
    }
    assert changed.seed == vqe.seed
    assert [w.model_dump(exclude={"mode"}) for w in changed.workloads] == [
        w.model_dump(exclude={"mode"}) for w in vqe.workloads
    ]
    assert vqe.workloads[0].mode == "session"  # the original is untouched


def test_same_seed_gives_job_k_the_same_draws_in_both_modes():
    # R33: the workload's streams are seeded by its name, not its mode; use random quantum
    # times so that equality is not a coincidence of a constant.
    base = sim.preset("iterative-vs-batch")
    results = {m: sim.run(compare.with_mode(base, "qaoa", m)) for m in ("session", "batch", "job")}
    quanta = {m: _workload_jobs(r, "qaoa")["quantum_seconds"] for m, r in results.items()}
    assert len(quanta["session"]) == 25
    assert quanta["session"].nunique() > 1
    for m in ("batch", "job"):
        assert quanta[m].index.equals(quanta["session"].index)
        assert (quanta[m] == quanta["session"]).all()
    # ... and the background stream is the same stream of submissions in every variant.
    subs = {m: _workload_jobs(r, "others")["submitted"] for m, r in results.items()}
    assert subs["job"].equals(subs["session"])


def test_with_mode_session_vs_job_changes_what_is_billed(vqe):
    session = sim.run(vqe)
    job = sim.run(compare.with_mode(vqe, "vqe", "job"))
    s, j = compare.workload_metrics(session, "vqe"), compare.workload_metrics(job, "vqe")
    # Job mode bills quantum seconds only: 40 jobs × 20 s (R24-style per-job charging).
    assert j["usage_billed"] == pytest.approx(40 * 20.0)
    assert j["idle_held"] == 0.0
    # A session bills wall-clock active spans, which include the held idle time (R11, R13).
    assert s["usage_billed"] >= 40 * 20.0
    assert s["idle_held"] > 0
    assert s["usage_billed"] == pytest.approx(session.sessions["usage_seconds"].sum())


def test_unknown_workload_is_a_scenario_error(vqe):
    with pytest.raises(sim.ScenarioError) as err:
        compare.with_mode(vqe, "nope", "job")
    assert err.value.problems[0].path == "workloads"


def test_invalid_change_is_refused_with_a_field_path(vqe):
    with pytest.raises(sim.ScenarioError) as err:
        compare.with_workload(vqe, "vqe", max_time="9h")
    assert any(p.path == "workloads[0].max_time" for p in err.value.problems)


def test_with_reservation_changes_the_window():
    base = sim.preset("reservation-window")
    changed = compare.with_reservation(base, 0, end="3h")
    assert changed.reservations[0].end == 3 * 3600
    with pytest.raises(sim.ScenarioError):
        compare.with_reservation(base, 0, end="30m")  # before its start
    with pytest.raises(sim.ScenarioError):
        compare.with_reservation(base, 5, end="3h")


def test_replicate_uses_consecutive_seeds_and_is_reproducible(vqe):
    results = compare.replicate(vqe, 3, first_seed=100)
    assert [r.seed for r in results] == [100, 101, 102]
    again = compare.replicate(vqe, 3, first_seed=100)
    for a, b in zip(results, again, strict=True):
        assert a.jobs.equals(b.jobs)
    assert not results[0].jobs["submitted"].equals(results[1].jobs["submitted"])
    assert [r.seed for r in compare.replicate(vqe, 2)] == [vqe.seed, vqe.seed + 1]


def test_replicate_accepts_a_runner(vqe):
    calls = []

    def runner(scenario, seed):
        calls.append(seed)
        return sim.run(scenario, seed=seed)

    compare.replicate(vqe, 2, runner=runner)
    assert calls == [vqe.seed, vqe.seed + 1]


def test_mean_ci_matches_the_student_t_formula():
    values = [3.0, 5.0, 4.0, 8.0, 6.0]
    mean, low, high = compare.mean_ci(values)
    half = stats.t.ppf(0.975, 4) * np.std(values, ddof=1) / math.sqrt(5)
    assert mean == pytest.approx(5.2)
    assert (low, high) == pytest.approx((5.2 - half, 5.2 + half))
    assert low < mean < high


def test_mean_ci_width_shrinks_with_n():
    rng = np.random.default_rng(0)
    widths = []
    for n in (5, 50, 500):
        mean, low, high = compare.mean_ci(rng.normal(10, 2, n))
        assert low <= mean <= high
        widths.append(high - low)
    assert widths[0] > widths[1] > widths[2]


def test_mean_ci_higher_confidence_is_wider():
    values = [1.0, 2.0, 4.0, 7.0]
    _, lo90, hi90 = compare.mean_ci(values, 0.90)
    _, lo99, hi99 = compare.mean_ci(values, 0.99)
    assert hi99 - lo99 > hi90 - lo90


def test_mean_ci_small_samples():
    mean, low, high = compare.mean_ci([4.0])
    assert mean == 4.0 and math.isnan(low) and math.isnan(high)
    assert all(math.isnan(v) for v in compare.mean_ci([]))
    assert compare.mean_ci([2.0, 2.0, 2.0]) == (2.0, 2.0, 2.0)
    assert compare.mean_ci([1.0, math.nan, 3.0])[0] == 2.0  # NaN ignored
    with pytest.raises(ValueError):
        compare.mean_ci([1.0, 2.0], confidence=1.5)


def test_replicated_ci_contains_the_mean_of_the_replications(vqe):
    results = compare.replicate(vqe, 4)
    waits = [compare.workload_metrics(r, "vqe")["others_mean_wait"] for r in results]
    mean, low, high = compare.mean_ci(waits)
    assert mean == pytest.approx(np.mean(waits))
    assert low < mean < high


def test_workload_metrics_counts_failures_and_makespan():
    result = sim.run(sim.preset("reservation-window"))
    m = compare.workload_metrics(result, "characterization")
    jobs = result.jobs[result.jobs["workload"] == "characterization"]
    assert m["jobs"] == 60
    assert m["failed"] == (jobs["status"] == "ERROR").sum() > 0  # R28: jobs left at the end
    assert m["done"] + m["failed"] == 60
    ends = compare.final_times(result)
    assert m["makespan"] == pytest.approx(ends[jobs["job_id"]].max() - jobs["submitted"].min())
    assert math.isnan(compare.workload_metrics(result, "no-such-workload")["makespan"])


def test_submission_variants_change_only_the_chosen_workload(vqe):
    """The Iterative vs batch page's four ways (R24, R30, R31): the workload's pattern and
    mode per way, everything else (other workloads, its jobs and quantum) as it was."""
    name = vqe.workloads[0].name
    variants = compare.submission_variants(vqe, name, "batch")
    assert tuple(variants) == compare.SUBMISSION_WAYS
    got = {}
    for way, s in variants.items():
        w = next(x for x in s.workloads if x.name == name)
        got[way] = (w.pattern, w.mode)
        assert w.jobs == vqe.workloads[0].jobs and w.quantum == vqe.workloads[0].quantum
        assert s.workloads[1:] == vqe.workloads[1:]
    assert got == {
        "iterative session": ("iterative", "session"),
        "batch in a session": ("batch", "session"),
        "batch mode": ("batch", "batch"),
        "plain jobs": ("batch", "job"),
    }


def test_compare_replication_names_are_the_experiments_functions():
    """One replication API: the names the README documents in the compare module are
    sim.experiments.runs' functions themselves, not copies."""
    from sim.experiments import runs

    assert compare.replicate is runs.replicate
    assert compare.mean_ci is runs.interval
    assert compare.replication_seeds is runs.seeds
