"""What the script did, step by step: the calls the queue sees, kept for ``sim record``
(turned into a ``trace`` workload by :func:`sim.kernel.trace.steps_from_cosim`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Step:
    """One call of the script that the queue sees: a session/batch opened or closed, a job
    submitted. It happened ``think`` seconds after the later of the previous step and the
    results of the jobs in ``waits`` (the results the script received since that step)."""

    kind: str  # open | job | close | cancel | end
    think: float
    waits: list[int] = field(default_factory=list)
    group: int = 0  # 0: no session or batch
    mode: str = ""  # open: session | batch
    max_time: float | None = None
    quantum: float = 0.0  # job
