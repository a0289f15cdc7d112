"""One run of one scenario: the function behind ``sim.run``."""

from __future__ import annotations

from ..analysis.results import Result
from ..kernel.engine import Engine
from ..model.scenario import DEFAULT_MAX_JOBS, Scenario, check_seed, check_size


def run(scenario: Scenario, seed: int | None = None, max_jobs: int = DEFAULT_MAX_JOBS) -> Result:
    """Simulate ``scenario``; the same scenario and seed always give the same tables (R33)."""
    check_size(scenario, max_jobs)
    if seed is not None:
        check_seed(seed)
    used_seed = scenario.seed if seed is None else seed
    return Result.of(Engine(scenario, used_seed))
