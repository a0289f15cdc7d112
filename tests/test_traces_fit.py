"""Issue 18: ``trace fit`` recovers, inside its confidence intervals, the rate and the QPU-time
distribution of a trace the simulator itself generated."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml

import sim
from sim import ScenarioError, parse_text
from sim.cli import main as cli
from sim.traces import fit, read
from sim.traces.trace import from_jobs

FIX = Path(__file__).parent / "fixtures" / "traces"
EPOCH = 1_700_000_000.0  # 2023-11-14T22:13:20Z


def _trace(quantum: str, rate: str = "60/h", stop: str = "50h", seed: int = 3):
    text = f"""
seed: {seed}
backends: [{{name: qpu}}]
instances: [{{name: i}}]
users: [{{name: u, instance: i}}]
workloads:
  - {{name: s, user: u, backend: qpu, pattern: stream, rate: {rate}, quantum: {quantum},
      stop: {stop}}}
"""
    return from_jobs(sim.run(parse_text(text)).jobs, EPOCH)


@pytest.fixture(scope="module")
def lognormal_fit():
    trace = _trace("{lognormal: {mean: 20s, sd: 30s}}")
    return trace, fit.fit_trace(trace)[0]


def test_rate_recovered_inside_its_interval(lognormal_fit):
    trace, f = lognormal_fit
    # 60/h over 50 h: about 3,000 arrivals. The exact 95 % interval from the n − 1 gaps must
    # hold the true 60/h, and be about ±2·√3000/50 h ≈ ±2.2/h wide.
    assert f.jobs == len(trace) > 2500
    assert f.rate_low * 3600 < 60 < f.rate_high * 3600
    assert 3.5 < (f.rate_high - f.rate_low) * 3600 < 5.5
    # By hour of day: the hourly rates times their exposure give back every job.
    exposure = fit._exposure(f.first, f.first + f.span)
    assert exposure.sum() == pytest.approx(f.span)
    assert np.nansum(f.hourly * exposure) == pytest.approx(f.jobs)


def test_lognormal_chosen_and_its_parameters_recovered(lognormal_fit):
    _, f = lognormal_fit
    assert f.chosen.name == "lognormal"
    assert [fam.name for fam in f.families][0] == "lognormal"
    # Truth: mean 20 s, sd 30 s → σ² = ln(1 + (30/20)²) = ln 3.25 = 1.17865, σ = 1.08566,
    # μ = ln 20 − σ²/2 = 2.99573 − 0.58933 = 2.40641. Maximum-likelihood standard errors:
    # σ/√n for μ and σ/√(2n) for σ; with n ≈ 3,000 the estimates must lie within 3 of them.
    n = f.qpu_jobs
    shape, loc, scale = f.chosen.params
    assert loc == 0
    assert abs(math.log(scale) - 2.40641) < 3 * 1.08566 / math.sqrt(n)
    assert abs(shape - 1.08566) < 3 * 1.08566 / math.sqrt(2 * n)
    assert f.qpu_mean_ci[0] < 20 < f.qpu_mean_ci[1]


def test_gamma_chosen_for_gamma_times():
    # gamma with mean 60 s, sd 30 s: shape (60/30)² = 4, scale 30²/60 = 15 s.
    f = fit.fit_trace(_trace("{gamma: {mean: 60s, sd: 30s}}", rate="40/h", stop="60h"))[0]
    assert f.chosen.name == "gamma"
    shape, _, scale = f.chosen.params
    # The shape's MLE standard error is about √(k/(n(k·ψ'(k) − 1))) ≈ 0.10 for k = 4, n ≈ 2,400
    # (ψ'(4) = 0.28382); within 3 of them.
    se = math.sqrt(4 / (f.qpu_jobs * (4 * 0.28382 - 1)))
    assert abs(shape - 4) < 3 * se
    assert f.qpu_mean_ci[0] < 60 < f.qpu_mean_ci[1]
    assert f.chosen.spec["gamma"]["mean"].endswith("s")


def test_fitted_streams_paste_into_a_scenario(lognormal_fit):
    trace, f = lognormal_fit
    pasted = yaml.safe_load(fit.streams_yaml([f]))["workloads"]
    scenario = sim.from_dict({
        "backends": [{"name": "qpu"}], "instances": [{"name": "i"}],
        "users": [{"name": "background", "instance": "i"}], "workloads": pasted,
    })  # fmt: skip
    w = scenario.workloads[0]
    assert w.pattern == "stream" and w.backend == "qpu"
    assert w.rate * 3600 == pytest.approx(f.rate * 3600, rel=1e-3)
    assert w.quantum.kind == "lognormal"
    assert w.quantum.mean == pytest.approx(f.chosen.mean, rel=1e-3)
    assert w.stop == math.ceil(f.span)


def test_gamma_distribution_in_scenarios():
    with pytest.raises(ScenarioError) as err:
        parse_text("backends: [{name: b}]\ninstances: [{name: i}]\n"
                   "users: [{name: u, instance: i}]\nworkloads:\n"
                   "  - {name: w, user: u, backend: b, pattern: batch, jobs: 1,"
                   " quantum: {gamma: {mean: 1m, sd: 0}}}\n")  # fmt: skip
    assert [p.path for p in err.value.problems] == ["workloads[0].quantum"]
    assert "gamma" in err.value.problems[0].message


def test_cli_fit_prints_the_statistic_and_writes_streams(tmp_path, capsys):
    out = tmp_path / "streams.yaml"
    assert cli.main(["trace", "fit", str(FIX / "quantumqueue.csv"), "--format", "quantumqueue",
                     "--out", str(out)]) == 0  # fmt: skip
    text = capsys.readouterr().out
    # ibmq_paris: 2 jobs, 60 s apart → 1 gap → 60/h; QPU times 75 s and 30 s.
    assert "ibmq_paris: 2 jobs over 1m" in text
    assert "arrival rate 60/h" in text
    assert "KS distance" in text and "chosen:" in text
    assert "batch size: mean 5.5" in text  # batches 1 and 10
    streams = yaml.safe_load(out.read_text())["workloads"]
    assert [s["backend"] for s in streams] == ["ibmq_paris", "ibmq_rome"]
    # ibmq_rome has one job with a QPU time (45 s; the cancelled one had 0): no family can
    # be fitted to one value, so the stream takes the mean.
    assert streams[1]["quantum"] == "45s"
    assert read(FIX / "quantumqueue.csv", "quantumqueue").machines() == ["ibmq_paris", "ibmq_rome"]
