"""Fast paths written for speed (issue #6) against the plain versions they replace: each
must give exactly what the plain one gives."""

from __future__ import annotations

import math

import pandas as pd

import sim
from sim.csvfile import to_csv
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


def test_csv_writer_gives_pandas_bytes_for_awkward_values():
    frame = pd.DataFrame({
        "t": [0.1, math.nan, math.inf, -math.inf, -0.0, 5e-324, 1e16, 123456789.125, 1e-5, 3.0],
        "text": ["a,b", 'say "hi"', "", None, "x", "y\nz", "s", "t", "u", "v"],
        "n": range(10),
        "half": [0.5, None] * 5,
    })  # fmt: skip
    for f in (frame, frame.iloc[:0], frame[["text", "n"]]):
        assert to_csv(f) == f.to_csv(index=False, float_format="%.17g")


def test_csv_writer_gives_pandas_bytes_for_every_result_table(tmp_path):
    result = sim.run(sim.preset("fig4-reservation"))
    for name in ("jobs", "sessions", "timeline", "events"):
        frame = getattr(result, name)
        assert to_csv(frame) == frame.to_csv(index=False, float_format="%.17g"), name
    paths = result.save(tmp_path)
    jobs_csv = next(p for p in paths if p.name == "jobs.csv")
    assert jobs_csv.read_text() == result.jobs.to_csv(index=False, float_format="%.17g")
