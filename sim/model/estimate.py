"""Quantum seconds of a primitive job, from IBM's documented estimate (R38).

IBM's page "Workload usage" (``docs/guides/estimate-job-run-time``; the formula is also what
the execution-modes FAQ's per-job overhead refers to) estimates a job's QPU time as

    quantum_seconds = overhead + Σ over its circuits (rep_delay + circuit_duration) × executions

with an overhead of about 2 s per job, ``rep_delay`` the device's delay between shots
(``default_rep_delay`` unless the job's ``execution.rep_delay`` option sets it; 250 µs on
Heron devices) and ``executions`` the shots each circuit is run: circuits × shots. The
Estimator has no shots of its own: its ``precision`` ε becomes ⌈1/ε²⌉ shots per circuit (the
standard error of a ±1-valued observable), and each parameter binding needs one circuit per
measurement basis — a group of observables' Pauli terms that commute qubit by qubit.

This module is pure arithmetic (no qiskit): :mod:`sim.experiments.cosim` turns a job's PUBs into
``(circuit_duration, executions)`` pairs with qiskit and calls :func:`quantum_seconds`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

JOB_OVERHEAD_SECONDS = 2.0  # "about 2 s per job" (estimate-job-run-time, execution-modes-faq)
DEFAULT_REP_DELAY = 250e-6  # seconds; a device's own default_rep_delay comes first
DEFAULT_PRECISION = 0.015625  # EstimatorV2's default precision (1/64: 4096 shots)
DEFAULT_SHOTS = 4096  # SamplerV2's default shots


def quantum_seconds(
    circuits: Iterable[tuple[float, int]],
    rep_delay: float = DEFAULT_REP_DELAY,
    overhead: float = JOB_OVERHEAD_SECONDS,
) -> float:
    """``overhead + Σ (rep_delay + duration) × executions`` over ``circuits``, pairs of
    (circuit duration in seconds, executions: how many times it runs, shots × bindings)."""
    if rep_delay < 0 or overhead < 0:
        raise ValueError("rep_delay and overhead cannot be negative")
    total = overhead
    for duration, executions in circuits:
        if duration < 0 or executions < 0:
            raise ValueError("a circuit's duration and executions cannot be negative")
        total += (rep_delay + duration) * executions
    return total


def engine_quantum(estimate: float, engine_overhead: float) -> float:
    """The quantum seconds to hand the engine for a job whose estimate (overhead included)
    is ``estimate``: a profile whose engine adds the per-job overhead itself (``ibm-2025``,
    ``job_overhead_seconds``, R38) gets the estimate without it, so that the QPU is locked
    for the estimate either way, never the overhead twice."""
    return max(0.0, estimate - engine_overhead)


def precision_shots(precision: float) -> int:
    """The shots an Estimator needs for a target ``precision`` ε: ⌈1/ε²⌉ (standard error of
    an observable of eigenvalues ±1 is at most 1/√shots)."""
    if not precision > 0:
        raise ValueError(f"precision must be positive (got {precision!r})")
    # A hair below the exact square root (ε = 1/64 gives 4096.000000000001) is still 4096.
    return math.ceil(round(1.0 / (precision * precision), 9))
