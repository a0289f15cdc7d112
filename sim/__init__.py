"""A simulation of IBM Quantum's Qiskit Runtime scheduler: fair share, sessions, batches,
calibrations and reservations (see ``../shared/spec/semantics.md`` for the rules R1–R33).

    import sim
    scenario = sim.load("scenario.yaml")        # or sim.preset("vqe-vs-background")
    result = sim.run(scenario, seed=None)        # the seed overrides the file's
    result.jobs, result.sessions, result.timeline, result.events
    result.save("out/")

This package imports neither Streamlit nor Plotly.
"""

from __future__ import annotations

from .engine import Engine
from .presets import names as preset_names
from .presets import preset
from .results import Result
from .rules import PROFILES, Knobs
from .scenario import (
    DEFAULT_MAX_JOBS,
    Problem,
    Scenario,
    ScenarioError,
    check_seed,
    check_size,
    from_dict,
    load,
    parse_text,
)

__all__ = [
    "DEFAULT_MAX_JOBS", "PROFILES", "Knobs", "Problem", "Result", "Scenario", "ScenarioError",
    "check_size", "from_dict", "load", "parse_text", "preset", "preset_names", "run",
]  # fmt: skip


def run(scenario: Scenario, seed: int | None = None, max_jobs: int = DEFAULT_MAX_JOBS) -> Result:
    """Simulate ``scenario``; the same scenario and seed always give the same tables (R33)."""
    check_size(scenario, max_jobs)
    if seed is not None:
        check_seed(seed)
    used_seed = scenario.seed if seed is None else seed
    engine = Engine(scenario, used_seed)
    end = engine.run()
    engine.finish()
    return Result(scenario, used_seed, engine.log.frame(), end)
