"""IBM's estimate of a job's quantum seconds (sim.model.estimate, R38; page estimate-job-run-time):
about 2 s per job + (rep_delay + circuit duration) × executions. Expected values by hand."""

from __future__ import annotations

import pytest

from sim.model.estimate import precision_shots, quantum_seconds


def test_one_circuit_by_hand():
    # 2 s + (250 µs + 1 µs) × 4096 shots = 2 + 4096 × 0.000251 = 2 + 1.028096 = 3.028096 s
    assert quantum_seconds([(1e-6, 4096)], rep_delay=250e-6) == pytest.approx(3.028096, abs=1e-12)


def test_several_circuits_add_up_and_the_overhead_is_once_per_job():
    # Two circuits: (250 + 10) µs × 1000 = 0.26 s and (250 + 2) µs × 500 = 0.126 s; one 2 s
    # overhead for the job: 2.386 s.
    runs = [(10e-6, 1000), (2e-6, 500)]
    assert quantum_seconds(runs, rep_delay=250e-6) == pytest.approx(2.386, abs=1e-12)
    # Without rep delay, as a device with rep_delay 0 would: 2 + 0.01 + 0.001 = 2.011 s.
    assert quantum_seconds(runs, rep_delay=0.0) == pytest.approx(2.011, abs=1e-12)
    # The overhead is a parameter: 0 leaves the executions alone (0.386 s).
    assert quantum_seconds(runs, rep_delay=250e-6, overhead=0) == pytest.approx(0.386)


def test_no_circuit_is_the_overhead_alone():
    assert quantum_seconds([]) == 2.0


def test_precision_becomes_shots():
    # ⌈1/ε²⌉: the Estimator's default 1/64 is 4096 shots; 0.01 is 10,000; 0.03 is
    # 1/0.0009 = 1111.1… → 1112; 1/√2000 is 2000 (a hair over 2000 in floating point).
    assert precision_shots(1 / 64) == 4096
    assert precision_shots(0.01) == 10_000
    assert precision_shots(0.03) == 1112
    assert precision_shots(1 / 2000**0.5) == 2000


@pytest.mark.parametrize("bad", [0.0, -0.1, float("nan")])
def test_precision_must_be_positive(bad):
    with pytest.raises(ValueError, match="precision"):
        precision_shots(bad)


def test_negative_inputs_are_refused():
    with pytest.raises(ValueError):
        quantum_seconds([(-1e-6, 10)])
    with pytest.raises(ValueError):
        quantum_seconds([(1e-6, 10)], rep_delay=-1)


def test_the_engine_gets_the_estimate_without_an_overhead_it_adds_itself():
    # ibm-2024 adds no overhead: the engine runs the whole 3.028096 s estimate. ibm-2025 adds
    # 2 s per job itself (R38): it is handed 1.028096 s and locks the QPU for 3.028096 s.
    from sim.model.estimate import engine_quantum

    assert engine_quantum(3.028096, 0.0) == 3.028096
    assert engine_quantum(3.028096, 2.0) == pytest.approx(1.028096, abs=1e-12)
    assert engine_quantum(1.5, 2.0) == 0.0  # never negative
