"""The busy fleet the engine benchmarks run on (issue #6).

Four backends, 40 instances in a hub/group/project tree with usage spent before the start,
Poisson streams loading every backend to about 0.8, 40 iterative 50-job sessions spread over
the run, and a 3-minute calibration every hour on every backend. ``fleet(jobs)`` scales the
length of the run so that the streams submit about ``jobs`` jobs; the sessions scale with it
(40 at the default 220k).
"""

from __future__ import annotations

import sim

BACKENDS = 4
HUBS, GROUPS_PER_HUB, PROJECTS_PER_GROUP = 2, 4, 5  # 2 × 4 × 5 = 40 instances
STREAM_LOAD = 0.8  # per backend, from the streams alone (R32)
QUANTUM = 10.0  # mean quantum seconds of a stream job (exponential)
SESSION_JOBS = 50
DEFAULT_JOBS = 220_000
DEFAULT_SESSIONS = 40


def fleet(jobs: int = DEFAULT_JOBS, seed: int = 1) -> sim.Scenario:
    """A scenario whose streams submit about ``jobs`` jobs (plus 50 per session)."""
    instances, users, workloads = [], [], []
    names = [
        f"hub{h}/grp{h}{g}/proj{p}"
        for h in range(HUBS)
        for g in range(GROUPS_PER_HUB)
        for p in range(PROJECTS_PER_GROUP)
    ]
    backends = [f"ibm_b{b}" for b in range(BACKENDS)]
    streams_per_backend = len(names) // BACKENDS
    rate = STREAM_LOAD / QUANTUM / streams_per_backend  # jobs per second per stream
    span = jobs / (rate * len(names))  # seconds the streams run for
    sessions = max(1, round(DEFAULT_SESSIONS * jobs / DEFAULT_JOBS))
    for n, name in enumerate(names):
        # Shares 1..3 and prior usage 0..9 h (R8), varied so that the fair-share order matters.
        instances.append({"name": name, "share": 1 + n % 3, "used": f"{(n * 7) % 10}h"})
        users.append({"name": f"u{n}", "instance": name})
        workloads.append(
            {
                "name": f"stream{n}",
                "user": f"u{n}",
                "backend": backends[n % BACKENDS],
                "pattern": "stream",
                "mode": "job",
                "start": 0,
                "stop": span,
                "rate": rate,
                "quantum": {"exponential": QUANTUM},
            }
        )
    for k in range(sessions):
        n = (k * 13) % len(names)
        workloads.append(
            {
                "name": f"vqe{k}",
                "user": f"u{n}",
                "backend": backends[k % BACKENDS],
                "pattern": "iterative",
                "mode": "session",
                "start": span * (k + 0.5) / sessions,
                "jobs": SESSION_JOBS,
                "quantum": {"uniform": [5, 15]},
                "classical": {"exponential": 5},
                "interactive_ttl": 60,
            }
        )
    return sim.from_dict(
        {
            "name": f"fleet ({jobs:,} stream jobs)",
            "seed": seed,
            "rules": "ibm-2024",
            "backends": [
                {"name": b, "calibrations": [{"every": "1h", "first_at": "30m", "duration": "3m"}]}
                for b in backends
            ],
            "instances": instances,
            "hubs": {f"hub{h}": 1 + h for h in range(HUBS)},
            "users": users,
            "workloads": workloads,
        }
    )
