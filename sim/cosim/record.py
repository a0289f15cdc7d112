"""``sim record``: a script run once with no queue, its submit pattern kept as a ``trace``
workload (sim.kernel.trace) that replays without qiskit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..model.scenario import Scenario, Workload
from .circuits import DEFAULT_DEVICE
from .run import Cosim


def record(script: str | Path, *, device: str = DEFAULT_DEVICE, think: str = "cpu",
           think_scale: float = 1.0, seed: int = 0,
           clock: Callable[[], float] | None = None) -> Workload:  # fmt: skip
    """Run ``script`` once against an empty backend (no queue: local testing mode in virtual
    time) and return what it did as a ``trace`` workload (sim.kernel.trace)."""
    from ..kernel.trace import steps_from_cosim

    empty = Scenario.model_validate({
        "name": "record", "rules": "ibm-2024", "backends": [{"name": "qpu"}],
        "instances": [{"name": "you/you/you", "share": 1}],
        "users": [{"name": "you", "instance": "you/you/you"}],
        "workloads": [{"name": "-", "user": "you", "backend": "qpu", "pattern": "batch",
                       "jobs": 1, "quantum": 0, "start": "1000d"}],
    })  # fmt: skip
    # The placeholder workload above (the format needs one) is the user's: the script
    # replaces it, and the run is the script alone.
    c = Cosim(empty, script, seed=seed, backend="qpu", user="you", think=think,
              think_scale=think_scale, device=device, start=0.0, clock=clock)  # fmt: skip
    c.run()
    return Workload(name=c.name, user="you", backend="qpu", pattern="trace",
                    trace=steps_from_cosim(c.steps))  # fmt: skip
