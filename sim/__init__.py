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

from .analysis.results import Result
from .experiments.single import run
from .model.files import load, parse_text, preset
from .model.files import names as preset_names
from .model.rules import PROFILES, Knobs
from .model.scenario import (
    DEFAULT_MAX_JOBS,
    Problem,
    Scenario,
    ScenarioError,
    check_seed,
    check_size,
    from_dict,
)

__all__ = [
    "DEFAULT_MAX_JOBS", "PROFILES", "Knobs", "Problem", "Result", "Scenario", "ScenarioError",
    "check_seed", "check_size", "from_dict", "load", "parse_text", "preset", "preset_names", "run",
]  # fmt: skip
