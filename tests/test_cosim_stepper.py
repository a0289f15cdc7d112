"""The engine stepped from outside (sim.kernel.stepper, issue 17): a driver that owns the loop —
as a co-simulated script does — and submits exactly what a built-in pattern submits, with the
same quantum and think draws, gives the same tables as the built-in pattern (R30, R33)."""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from sim.kernel.engine import Engine
from sim.kernel.stepper import Stepper
from sim.model.scenario import Workload

TABLES = ("jobs", "sessions", "timeline", "events")


def assert_same_tables(a: sim.Result, b: sim.Result) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t), check_exact=True, obj=t)
    assert a.end_time == b.end_time


def stepped_iterative(scenario, seed: int, name: str) -> sim.Result:
    """The iterative pattern (R30) written as an outside loop over the stepper: submit, wait
    for the result, think, repeat; stop at the first job that is not DONE."""
    engine = Engine(scenario, seed)
    stepper = Stepper(engine, [name])
    stepper.start(name)
    run = engine.workloads[name]
    n = run.spec.jobs
    for k in range(n):
        if engine.stopped:
            break
        job = stepper.submit(name)  # quantum: the workload's own draw
        status = stepper.wait(job)
        if status != "DONE" or k + 1 == n or engine.stopped:
            break
        stepper.advance(run.classical.next())  # the same think draw as the pattern's
    stepper.done(name)
    return sim.Result.of(engine)


@pytest.mark.parametrize(
    ("preset", "workload", "seed"),
    [
        ("vqe-vs-background", "vqe", 7),  # session + background streams + calibrations
        ("vqe-vs-background", "vqe", 11),
        ("fig2-iterative", None, 3),
        ("iterative-vs-batch", None, 5),
    ],
)
def test_a_stepped_driver_gives_the_presets_tables(preset, workload, seed):
    scenario = sim.preset(preset)
    if workload is None:
        workload = next(w.name for w in scenario.workloads if w.pattern == "iterative")
    expected = sim.run(scenario, seed=seed)
    got = stepped_iterative(scenario, seed, workload)
    assert len(got.jobs) == len(expected.jobs) > 0
    assert_same_tables(got, expected)


def test_a_stepped_driver_differs_when_it_thinks_longer():
    """The comparison above can fail: one extra second of think time moves the VQE."""
    scenario = sim.preset("vqe-vs-background")
    engine = Engine(scenario, 7)
    stepper = Stepper(engine, ["vqe"])
    stepper.start("vqe")
    run = engine.workloads["vqe"]
    for k in range(run.spec.jobs):
        status = stepper.wait(stepper.submit("vqe"))
        if status != "DONE" or k + 1 == run.spec.jobs:
            break
        stepper.advance(run.classical.next() + 1.0)
    stepper.done("vqe")
    got = sim.Result.of(engine).jobs
    expected = sim.run(scenario, seed=7).jobs
    vqe = got[got.workload == "vqe"]
    assert not vqe["submitted"].equals(expected[expected.workload == "vqe"]["submitted"])


def tiny() -> sim.Scenario:
    return sim.Scenario.model_validate(
        {
            "rules": "ibm-2024",
            "backends": [{"name": "b"}],
            "instances": [{"name": "h/g/p", "share": 1}, {"name": "h/g/q", "share": 1}],
            "users": [{"name": "u", "instance": "h/g/p"}, {"name": "v", "instance": "h/g/q"}],
            "workloads": [
                # v: one 100 s job at t=0 that occupies the backend until 100.
                {"name": "other", "user": "v", "backend": "b", "pattern": "batch",
                 "mode": "job", "jobs": 1, "quantum": "100s"},
            ],
        }
    )  # fmt: skip


def test_groups_opened_from_outside_by_hand():
    """A workload added mid-run opens a session, then a batch, then submits a plain job.

    By hand (ibm-2024: ITTL 60 s, drain on close; one backend, one job at a time, R1):
    - t=0: `other.1` (100 s) starts at once.
    - t=10: workload `prog` joins; its session `prog:session:1` opens; job prog.1 (5 s) is
      submitted and waits for the backend (R12: the first session job queues like any job).
    - t=100: other.1 ends; prog.1 starts (wait 90 s); the session activates.
    - t=105: prog.1 DONE; the ITTL clock starts (R14). The program thinks 20 s.
    - t=125: prog.2 (5 s) goes straight in: the session holds the backend (R13); 125 → 130.
    - t=130: the program closes the session (R17: nothing queued, it ends now). Billed
      wall-clock while active: 100 → 130 = 30 s (R9).
    - t=130: a batch opens; prog.3 and prog.4 (4 s each) are submitted: 130 → 134 → 138.
    - t=140: a plain job prog.5 (1 s): 140 → 141, mode job.
    """
    engine = Engine(tiny(), 1)
    stepper = Stepper(engine)
    stepper.advance_to(10)
    spec = Workload(name="prog", user="u", backend="b", pattern="iterative", mode="job",
                    quantum=0, start=10, close="never")  # fmt: skip
    stepper.add_workload(spec)
    stepper.start("prog")
    session = stepper.open_group("prog", "session")
    j1 = stepper.submit("prog", 5, session)
    assert j1.status == "QUEUED"
    assert stepper.wait(j1) == "DONE" and stepper.now == 105
    assert stepper.session_state(session)["state"] == "active"
    stepper.advance(20)
    j2 = stepper.submit("prog", 5, session)
    assert stepper.wait(j2) == "DONE" and stepper.now == 130
    stepper.close(session)
    assert stepper.session_state(session)["state"] == "closed"
    batch = stepper.open_group("prog", "batch")
    j3, j4 = stepper.submit("prog", 4, batch), stepper.submit("prog", 4, batch)
    stepper.wait(j4)
    stepper.wait(j3)
    stepper.advance_to(140)
    plain = stepper.open_group("prog", "job")
    stepper.wait(stepper.submit("prog", 1, plain))
    stepper.close(batch)
    stepper.done("prog")
    result = sim.Result.of(engine)
    jobs = result.jobs.set_index("job_id")
    assert jobs.loc["prog.1", ["submitted", "started", "finished"]].tolist() == [10, 100, 105]
    assert jobs.loc["prog.2", ["started", "finished"]].tolist() == [125, 130]
    assert sorted(jobs.loc[["prog.3", "prog.4"], "finished"]) == [134, 138]
    assert jobs.loc["prog.5", ["started", "finished", "mode"]].tolist() == [140, 141, "job"]
    assert jobs.loc[["prog.1", "prog.2"], "session_id"].tolist() == ["prog:session:1"] * 2
    assert jobs.loc[["prog.3", "prog.4"], "mode"].tolist() == ["batch", "batch"]
    sessions = result.sessions.set_index("session_id")
    assert sessions.loc["prog:session:1", "usage_seconds"] == 30
    assert sessions.loc["prog:batch:2", "usage_seconds"] == 8  # R24: quantum seconds


def test_wait_returns_queued_when_the_run_ends_first():
    """until: 50 s and a backend busy until 100: the stepped job never starts (R1, R4)."""
    scenario = tiny().model_copy(update={"until": 50.0})
    stepper = Stepper(Engine(scenario, 1))
    spec = Workload(name="prog", user="u", backend="b", pattern="iterative", mode="job",
                    quantum=0, close="never")  # fmt: skip
    stepper.add_workload(spec)
    stepper.start("prog")
    job = stepper.submit("prog", 5, stepper.open_group("prog", "job"))
    stepper.done("prog")
    assert stepper.wait(job) == "QUEUED"
    assert stepper.over


def test_the_readme_example_runs():
    """README, "The engine stepped from outside": the block runs and the VQE's one job is
    in the tables, submitted at its start (30m) in its session."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### The engine stepped from outside") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    jobs = namespace["result"].jobs
    vqe = jobs[jobs.workload == "vqe"]
    assert len(vqe) == 1 and vqe.iloc[0]["submitted"] == 1800
    assert vqe.iloc[0]["quantum_seconds"] == 20 and vqe.iloc[0]["mode"] == "session"
