"""The engine's hot paths write some helpers out inline for speed (issue #6); these tests
check that each written-out copy does what the plain version does."""

from __future__ import annotations

import sim
from sim.engine import Engine, Job


def test_submit_builds_jobs_exactly_as_the_job_class_does():
    scenario = sim.from_dict({
        "seed": 3, "backends": [{"name": "b"}],
        "instances": [{"name": "i"}], "users": [{"name": "u", "instance": "i"}],
        "workloads": [
            {"name": "s", "user": "u", "backend": "b", "pattern": "stream", "rate": "60/h",
             "stop": "1h", "quantum": {"exponential": 20}, "max_execution_time": 30},
            {"name": "v", "user": "u", "backend": "b", "pattern": "iterative",
             "mode": "session", "jobs": 5, "quantum": "10s", "classical": "5s"},
        ],
    })  # fmt: skip
    engine = Engine(scenario, scenario.seed)
    engine.run()
    jobs = [j for w in engine.workloads.values() for j in w.jobs]
    assert len(jobs) > 40 and any(j.run_time < j.quantum for j in jobs)  # R3 cut some
    for job in jobs:
        plain = Job(job.id, job.seq, job.workload, job.session, job.quantum)
        for slot in Job.__slots__:
            if slot != "state":  # the plain one is new, the run's are final
                assert getattr(job, slot) == getattr(plain, slot), (job.id, slot)
