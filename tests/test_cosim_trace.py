"""Recorded programs (issue 17): `sim record` writes a script's submit pattern as a `trace`
workload; replaying it gives the tables the co-simulation of the same script gives; the
trace format is validated with field-named errors."""

from __future__ import annotations

import sys
import types

import pandas as pd
import pytest

import sim
from sim.cli.main import main
from sim.experiments.cosim import Cosim, record
from sim.kernel.trace import place, read_workload, trace_as, workload_yaml
from sim.model.scenario import ScenarioError

# A session with three iterations, then two plain jobs submitted together and collected.
SCRIPT = """
import thinkclock
from qiskit import QuantumCircuit
from qiskit.transpiler import generate_preset_pass_manager
from qiskit_ibm_runtime import QiskitRuntimeService, SamplerV2, Session

service = QiskitRuntimeService()
backend = service.least_busy()
qc = QuantumCircuit(2)
qc.h(0)
qc.cx(0, 1)
qc.measure_all()
isa = generate_preset_pass_manager(backend=backend, optimization_level=1).run(qc)
thinkclock.now += 3.0
with Session(backend=backend) as session:
    sampler = SamplerV2(mode=session)
    for i in range(3):
        thinkclock.now += 4.0
        sampler.run([isa], shots=500).result()
thinkclock.now += 30.0
plain = SamplerV2(mode=backend)
jobs = [plain.run([isa], shots=300) for _ in range(2)]
thinkclock.now += 1.0
for job in jobs:
    job.result()
thinkclock.now += 2.0
"""


@pytest.fixture(scope="module")
def script(tmp_path_factory):
    path = tmp_path_factory.mktemp("script") / "prog.py"
    path.write_text(SCRIPT, encoding="utf-8")
    clock = types.ModuleType("thinkclock")
    clock.now = 0.0
    sys.modules["thinkclock"] = clock
    yield path, clock
    del sys.modules["thinkclock"]


def cosim(path, clock, mode="as-written"):
    clock.now = 0.0
    c = Cosim(sim.preset("vqe-vs-background"), path, mode=mode, clock=lambda: clock.now)
    return c.run()


@pytest.fixture(scope="module")
def recorded(script):
    path, clock = script
    clock.now = 0.0
    return record(path, clock=lambda: clock.now)


def test_the_recorded_steps_by_hand(recorded):
    """The trace of SCRIPT, by hand: the session opens after 3 s; each job 4 s after the
    previous step and its result; the plain jobs 30 s after the session closed, together;
    the end 2 s after the last result."""
    spec = recorded
    steps = [(s.do, s.think, s.waits, s.group, s.mode) for s in spec.trace]
    assert steps == [
        ("open", 3.0, [], 1, "session"),
        ("job", 4.0, [], 1, None),
        ("job", 4.0, [1], 1, None),
        ("job", 4.0, [2], 1, None),
        ("close", 0.0, [3], 1, None),  # leaving the with block
        ("job", 30.0, [], 0, None),
        ("job", 0.0, [], 0, None),
        # The 1 s before the first result() passed while jobs 4 and 5 ran (no queue: each
        # takes over 2 s); the end comes 2 s after the later result.
        ("end", 2.0, [4, 5], 0, None),
    ]
    assert spec.trace_jobs == 5
    q = [s.quantum for s in spec.trace if s.do == "job"]
    # The estimate: 2 s + (250 µs + d) × shots, d a few µs.
    assert all(2 + 500 * 250e-6 < x < 2 + 500 * 270e-6 for x in q[:3])
    assert all(2 + 300 * 250e-6 < x < 2 + 300 * 270e-6 for x in q[3:])


@pytest.mark.parametrize("mode", ["as-written", "job", "session"])
def test_record_then_replay_equals_cosim(script, recorded, mode):
    """Record (no queue), write the YAML, read it back, place it as alice's program on the
    preset's backend, map it like --mode: the tables are those of cosim on the preset."""
    path, clock = script
    expected = cosim(path, clock, mode)
    spec = read_workload(workload_yaml(recorded))
    scenario = place(sim.preset("vqe-vs-background"), trace_as(spec, mode), backend="ibm_alpha",
                     user="alice")  # fmt: skip
    got = sim.run(scenario, seed=7)
    for table in ("jobs", "sessions", "timeline"):
        a, b = getattr(got, table), getattr(expected, table)
        # Think times are differences of virtual times, added back: equal up to rounding.
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, obj=table)
    cols = ["event", "job_id", "session_id"]
    pd.testing.assert_frame_equal(got.events[cols], expected.events[cols])
    mine = got.jobs[got.jobs.workload == "prog"]
    assert len(mine) == 5
    if mode == "job":
        assert set(mine["mode"]) == {"job"}
    if mode == "session":
        assert set(mine["mode"]) == {"session"} and mine["session_id"].nunique() == 2


def test_the_cli_writes_a_workload_the_scenario_format_reads(script, tmp_path, capsys):
    path, _ = script
    out = tmp_path / "prog.yaml"
    assert main(["record", str(path), "--out", str(out)]) == 0
    assert "recorded 5 jobs in 8 steps" in capsys.readouterr().out
    spec = read_workload(out.read_text(encoding="utf-8"))
    assert spec.pattern == "trace" and spec.trace_jobs == 5
    # As a workload of a scenario file, validated like the others.
    data = sim.preset("vqe-vs-background").to_dict()
    data["workloads"] = [w for w in data["workloads"] if w["user"] != "alice"]
    data["workloads"].append({**spec.model_dump(mode="json"), "user": "alice",
                              "backend": "ibm_alpha", "start": 1800})  # fmt: skip
    result = sim.run(sim.from_dict(data))
    assert (result.jobs.workload == "prog").sum() == 5


BASE = "name: p\nuser: you\nbackend: qpu\npattern: trace\n"


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        (BASE, "trace", "needs its recorded steps"),
        (BASE + "trace:\n- {do: job, think: 1s}\n", "trace[0].quantum", "needs its quantum"),
        (BASE + "trace:\n- {do: job, quantum: 2s, waits: [2]}\n", "trace[0].waits",
         "job 2 is not submitted before this step"),
        (BASE + "trace:\n- {do: job, quantum: 2s, group: 3}\n", "trace[0].group",
         "group 3 is not opened"),
        (BASE + "trace:\n- {do: open, group: 1}\n", "trace[0].mode", "needs a mode"),
        (BASE + "trace:\n- {do: jump}\n", "trace[0].do", "Input should be 'open'"),
        (BASE + "trace:\n- {do: job, quantum: -2s}\n", "trace[0].quantum", "negative"),
        (BASE + "jobs: 3\ntrace:\n- {do: end}\n", "jobs", "does not apply to a trace"),
    ],
)  # fmt: skip
def test_bad_traces_name_the_field(text, path, message):
    with pytest.raises(ScenarioError) as info:
        read_workload(text)
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith(path) and message in p for p in problems), problems


def test_a_bad_trace_in_a_scenario_file_names_the_workload(tmp_path, capsys):
    data = sim.preset("mm1-queue").to_yaml() + (
        "- {name: p, user: user, backend: ibm_delta, pattern: trace,\n"
        "   trace: [{do: job, quantum: 1s, waits: [4]}]}\n"
    )
    f = tmp_path / "s.yaml"
    f.write_text(data, encoding="utf-8")
    assert main(["validate", str(f)]) == 2
    err = capsys.readouterr().err
    assert "workloads[1].trace[0].waits: job 4 is not submitted before this step" in err


def test_place_names_an_unknown_backend():
    spec = read_workload(BASE + "trace:\n- {do: job, quantum: 2s}\n- {do: end}\n")
    with pytest.raises(ValueError, match="backend: 'nope'"):
        place(sim.preset("vqe-vs-background"), spec, backend="nope")
