"""Co-simulation of real qiskit-ibm-runtime scripts (sim.experiments.cosim, issue 17): the
examples under `python -m sim cosim`, paired --mode runs, think time in virtual time worked
out by hand, and the errors (a script that raises, submits nothing, or uses an API we do not
simulate)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.cli.main import main
from sim.experiments.cosim import Cosim, job_executions
from sim.model.estimate import quantum_seconds

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PRESET = "preset:vqe-vs-background"


def cosim(capsys, tmp_path, script, *args):
    out = tmp_path / "out"
    code = main(["cosim", str(script), "--scenario", PRESET, "--out", str(out), *args])
    captured = capsys.readouterr()
    jobs = pd.read_csv(out / "jobs.csv") if code == 0 else None
    sessions = pd.read_csv(out / "sessions.csv") if code == 0 else None
    return code, captured.out, captured.err, jobs, sessions


@pytest.fixture(scope="module")
def vqe_runs(tmp_path_factory):
    """The VQE example as written (a Session) and in job mode, same seed: a paired run."""
    runs = {}
    for mode in ("as-written", "job"):
        tmp = tmp_path_factory.mktemp(mode)
        capture = _Capture()
        with capture:
            code = main(["cosim", str(EXAMPLES / "vqe_session.py"), "--scenario", PRESET,
                         "--mode", mode, "--out", str(tmp)])  # fmt: skip
        runs[mode] = (code, capture.text, pd.read_csv(tmp / "jobs.csv"),
                      pd.read_csv(tmp / "sessions.csv"))  # fmt: skip
    return runs


class _Capture:
    """stdout of an in-process run (a module-scoped fixture cannot use capsys)."""

    def __enter__(self):
        import io

        self._saved, sys.stdout = sys.stdout, io.StringIO()
        return self

    def __exit__(self, *exc):
        self.text = sys.stdout.getvalue()
        sys.stdout = self._saved


def test_vqe_session_prints_its_optimisation_and_the_summary(vqe_runs):
    code, out, jobs, sessions = vqe_runs["as-written"]
    assert code == 0
    assert "iteration  1: E = " in out and "lowest energy found" in out  # the script's stdout
    assert "--- qsched cosim: vqe_session on ibm_alpha as alice, mode as-written" in out
    for part in ("script wall-clock (virtual)", "queue wait", "QPU time", "usage billed",
                 "idle-held"):  # fmt: skip
        assert part in out
    mine = jobs[jobs.workload == "vqe_session"]
    assert len(mine) == 10 and (mine.status == "DONE").all()
    assert set(mine["mode"]) == {"session"} and mine["session_id"].nunique() == 1
    # The preset's background streams run in the same tables; its own `vqe` loop was
    # alice's, replaced by the script.
    assert {"research", "teaching"} <= set(jobs.workload) and "vqe" not in set(jobs.workload)
    row = sessions[sessions.workload == "vqe_session"].iloc[0]
    assert row["mode"] == "session" and row["end_reason"] == "closed"  # left the with block
    # The first job starts the session; then the ITTL keeps the backend (R13): every later
    # job starts when it is submitted.
    later = mine.iloc[1:]
    assert (later["wait"] == 0).all()


def test_vqe_quantum_seconds_follow_the_estimate(vqe_runs):
    """10 Estimator jobs of 2000 shots: each 2 s + (250 µs + duration) × 2000 × bases."""
    _, _, jobs, _ = vqe_runs["as-written"]
    q = jobs[jobs.workload == "vqe_session"]["quantum_seconds"]
    assert q.nunique() == 1  # the same circuit each iteration
    # XX, IZ/ZI/ZZ/II: two qubit-wise commuting groups → 2 circuits × 2000 shots, and the
    # circuit lasts a few µs: 2 + 4000 × (250 µs + d) with 0 < d < 20 µs.
    assert 2 + 4000 * 250e-6 < q.iloc[0] < 2 + 4000 * 270e-6


def test_mode_job_is_the_paired_comparison(vqe_runs):
    code_s, out_s, jobs_s, _ = vqe_runs["as-written"]
    code_j, out_j, jobs_j, sessions_j = vqe_runs["job"]
    assert code_s == code_j == 0
    # Same seed, same results per job number: the optimizer takes the same path (R33).
    lines = [line.split("(job")[0] for line in out_s.splitlines() if line.startswith("iteration")]
    assert lines == [
        line.split("(job")[0] for line in out_j.splitlines() if line.startswith("iteration")
    ]
    mine = jobs_j[jobs_j.workload == "vqe_session"]
    assert set(mine["mode"]) == {"job"} and mine["session_id"].isna().all()
    assert "vqe_session" not in set(sessions_j.workload)
    # The background's arrivals are the same draws in both arms (R33).
    bg = ["job_id", "submitted", "quantum_seconds"]
    pd.testing.assert_frame_equal(
        jobs_s[jobs_s.workload == "research"][bg].reset_index(drop=True),
        jobs_j[jobs_j.workload == "research"][bg].reset_index(drop=True),
    )


def test_scan_batch_submits_together_in_one_batch(capsys, tmp_path):
    code, out, _, jobs, sessions = cosim(capsys, tmp_path, EXAMPLES / "scan_batch.py")
    assert code == 0 and out.count("P(11)") == 6
    mine = jobs[jobs.workload == "scan_batch"]
    assert len(mine) == 6 and set(mine["mode"]) == {"batch"}
    assert mine["session_id"].nunique() == 1
    # All six submitted before the first result was asked for: within the script's own
    # think time of one another (CPU time, well under a second).
    assert mine["submitted"].max() - mine["submitted"].min() < 1.0
    assert sessions[sessions.workload == "scan_batch"].iloc[0]["mode"] == "batch"


def test_plain_jobs_and_mode_session(capsys, tmp_path):
    code, out, _, jobs, _ = cosim(capsys, tmp_path, EXAMPLES / "plain_jobs.py")
    assert code == 0 and "bell: all qubits agree" in out and "ghz: all qubits agree" in out
    mine = jobs[jobs.workload == "plain_jobs"]
    assert list(mine["mode"]) == ["job", "job"]
    code, out, _, jobs, sessions = cosim(capsys, tmp_path, EXAMPLES / "plain_jobs.py",
                                         "--mode", "session")  # fmt: skip
    mine = jobs[jobs.workload == "plain_jobs"]
    assert code == 0 and list(mine["mode"]) == ["session", "session"]
    # One session for the whole script, closed at its end.
    assert mine["session_id"].nunique() == 1
    assert sessions[sessions.workload == "plain_jobs"].iloc[0]["end_reason"] == "closed"


# --- think time and queueing by hand ------------------------------------------------------------

SCRIPT = """
import thinkclock
from qiskit import QuantumCircuit
from qiskit.transpiler import generate_preset_pass_manager
from qiskit_ibm_runtime import QiskitRuntimeService, SamplerV2

thinkclock.now += 5.0
service = QiskitRuntimeService()
backend = service.backend("b")
qc = QuantumCircuit(2)
qc.h(0)
qc.cx(0, 1)
qc.measure_all()
isa = generate_preset_pass_manager(backend=backend, optimization_level=1).run(qc)
sampler = SamplerV2(mode=backend)
thinkclock.now += 10.0
job = sampler.run([isa], shots=1000)
counts = job.result()[0].data.meas.get_counts()
print("first", job.job_id(), job.status(), sum(counts.values()))
thinkclock.now += 7.0
job2 = sampler.run([isa], shots=1000)
job2.result()
print("metrics", job2.metrics()["timestamps"]["running"] is not None)
"""


def tiny() -> sim.Scenario:
    return sim.Scenario.model_validate(
        {
            "rules": "ibm-2024",
            "backends": [{"name": "b"}],
            "instances": [{"name": "h/g/p", "share": 1}, {"name": "h/g/q", "share": 1}],
            "users": [{"name": "u", "instance": "h/g/p"}, {"name": "v", "instance": "h/g/q"}],
            "workloads": [
                # v's one 100 s job at t=0 keeps the backend busy until 100 (R1).
                {"name": "other", "user": "v", "backend": "b", "pattern": "batch",
                 "mode": "job", "jobs": 1, "quantum": "100s"},
            ],
        }
    )  # fmt: skip


def run_script(tmp_path, source, **kwargs):
    """Run ``source`` with a think clock the script moves by hand (module ``thinkclock``)."""
    script = tmp_path / "prog.py"
    script.write_text(source, encoding="utf-8")
    clock = types.ModuleType("thinkclock")
    clock.now = 0.0
    sys.modules["thinkclock"] = clock
    try:
        c = Cosim(tiny(), script, user="u", clock=lambda: clock.now, **kwargs)
        return c, c.run()
    finally:
        del sys.modules["thinkclock"]


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_think_time_and_queue_by_hand(tmp_path, capsys, scale):
    """By hand, with think-scale s (the script's clock moves 5, 10 and 7 s):
    - the script starts at 0 (u has no workload to replace); 15·s of think before run():
      prog.1 is submitted at 15·s and waits: other.1 holds the backend until 100 (R1);
    - prog.1 runs 100 → 100 + q, q = 2 s + (250 µs + d) × 1000 (the estimate, d the Bell
      circuit's duration on fake_manila);
    - the script thinks 7·s after the result: prog.2 at 100 + q + 7·s, on a free backend it
      starts at once and ends q later; the script's virtual wall-clock ends there."""
    c, result = run_script(tmp_path, SCRIPT, think_scale=scale)
    out = capsys.readouterr().out
    assert "first prog.1 DONE 1000" in out and "metrics True" in out
    device = c.device("b")
    isa = _bell_isa(device)
    d = isa.estimate_duration(device.target, unit="s")
    q = 2.0 + (250e-6 + d) * 1000
    jobs = result.jobs.set_index("job_id")
    assert jobs.loc["prog.1", "quantum_seconds"] == pytest.approx(q, rel=1e-12)
    assert jobs.loc["prog.1", "submitted"] == pytest.approx(15 * scale)
    assert jobs.loc["prog.1", "started"] == 100
    assert jobs.loc["prog.1", "finished"] == pytest.approx(100 + q)
    assert jobs.loc["prog.2", "submitted"] == pytest.approx(100 + q + 7 * scale)
    assert jobs.loc["prog.2", "started"] == jobs.loc["prog.2", "submitted"]
    assert jobs.loc["prog.2", "finished"] == pytest.approx(100 + 2 * q + 7 * scale)
    assert c.script_end == pytest.approx(100 + 2 * q + 7 * scale)
    assert list(jobs.loc[["prog.1", "prog.2"], "mode"]) == ["job", "job"]


def _bell_isa(device):
    from qiskit import QuantumCircuit
    from qiskit.transpiler import generate_preset_pass_manager

    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure_all()
    return generate_preset_pass_manager(backend=device, optimization_level=1).run(qc)


def test_job_executions_count_bases_bindings_and_shots():
    """Estimator: bindings × qubit-wise-commuting bases × ⌈1/ε²⌉; Sampler: bindings × shots."""
    from qiskit import QuantumCircuit
    from qiskit.circuit import Parameter
    from qiskit.quantum_info import SparsePauliOp
    from qiskit_ibm_runtime.fake_provider import FakeManilaV2

    device = FakeManilaV2()
    t = Parameter("t")
    qc = QuantumCircuit(2)
    qc.ry(t, 0)
    qc.cx(0, 1)
    from qiskit.transpiler import generate_preset_pass_manager

    isa = generate_preset_pass_manager(backend=device, optimization_level=1).run(qc)
    # ZZ and IZ share a basis; XX and YY need one each: 3 bases. 2 bindings, ε = 0.01 →
    # 10,000 shots: 2 × 3 × 10,000 = 60,000 executions.
    obs = SparsePauliOp(["ZZ", "IZ", "XX", "YY"]).apply_layout(isa.layout)
    [(d, n)] = job_executions("estimator", [(isa, obs, [[0.1], [0.2]])], device.target,
                              precision=0.01)  # fmt: skip
    assert n == 60_000 and d > 0
    isa.measure_all()
    [(_, n)] = job_executions("sampler", [(isa, [[0.1], [0.2], [0.3]])], device.target, shots=50)
    assert n == 150
    assert quantum_seconds([(d, n)], 0.0) == pytest.approx(2 + d * 150)


# --- errors: exit 2 with a message ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("raise ValueError('boom')\n", "the script raised ValueError: boom (line 1 of prog.py)"),
        ("print('hello')\n", "the script submitted no job"),
        ("from qiskit_ibm_runtime import QiskitRuntimeService\nQiskitRuntimeService().jobs()\n",
         "QiskitRuntimeService.jobs is not simulated"),
        ("from qiskit_ibm_runtime import NoiseLearner\n",
         "qiskit_ibm_runtime.NoiseLearner is not simulated"),
        ("from qiskit_ibm_runtime import QiskitRuntimeService\n"
         "QiskitRuntimeService().backend('ibm_nowhere')\n",
         "the script asked for backend 'ibm_nowhere'"),
        ("import sys\nsys.exit(3)\n", "the script exited with status 3"),
        ("from qiskit_ibm_runtime.executor_sampler import Sampler\n",
         "qiskit_ibm_runtime.executor_sampler.Sampler is not simulated"),
    ],
)  # fmt: skip
def test_bad_scripts_exit_2_with_a_message(tmp_path, capsys, source, message):
    script = tmp_path / "prog.py"
    script.write_text(source, encoding="utf-8")
    code = main(["cosim", str(script), "--scenario", PRESET])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "qiskit_ibm_runtime" not in sys.modules or not type(
        sys.modules["qiskit_ibm_runtime"]
    ).__name__.startswith("_Shim")  # the real package is back


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--backend", "nope"], "--backend: unknown backend 'nope'"),
        (["--user", "zed"], "--user: unknown user 'zed'"),
        (["--device", "fake_nowhere"], "--device: unknown fake device 'fake_nowhere'"),
    ],
)
def test_bad_options_exit_2_naming_them(capsys, args, message):
    code = main(["cosim", str(EXAMPLES / "plain_jobs.py"), "--scenario", PRESET, *args])
    assert code == 2
    assert message in capsys.readouterr().err


def test_missing_script_exits_2(capsys):
    assert main(["cosim", "no/such/script.py", "--scenario", PRESET]) == 2
    assert "SCRIPT: no such file" in capsys.readouterr().err


def test_the_run_lasts_as_long_as_the_script(tmp_path):
    """A scenario whose only workload is the script's user's: the run must not be over
    before the script starts. By hand: a calibration at 10 s for 50 s holds the backend
    10 → 60 (R25); the script's first job, submitted at 15 s, starts at 60 s."""
    scenario = tiny().model_copy(
        update={
            "backends": [sim.Scenario.model_validate({
                "backends": [{"name": "b", "calibrations": [{"at": "10s", "duration": "50s"}]}],
                "instances": [{"name": "x"}], "users": [{"name": "x", "instance": "x"}],
                "workloads": [{"name": "w", "user": "x", "backend": "b", "pattern": "batch",
                               "jobs": 1, "quantum": 1}],
            }).backends[0]],
            "workloads": [w.model_copy(update={"user": "u"}) for w in tiny().workloads],
        }
    )  # fmt: skip
    script = tmp_path / "prog.py"
    script.write_text(SCRIPT, encoding="utf-8")
    clock = types.ModuleType("thinkclock")
    clock.now = 0.0
    sys.modules["thinkclock"] = clock
    try:
        result = Cosim(scenario, script, user="u", start=0.0, clock=lambda: clock.now).run()
    finally:
        del sys.modules["thinkclock"]
    jobs = result.jobs.set_index("job_id")
    assert "other.1" not in jobs.index  # u's own workload left: the script is u's program
    assert jobs.loc["prog.1", "submitted"] == 15 and jobs.loc["prog.1", "started"] == 60


MAX_TIME_SCRIPT = """
import thinkclock
from qiskit import QuantumCircuit
from qiskit.transpiler import generate_preset_pass_manager
from qiskit_ibm_runtime import QiskitRuntimeService, SamplerV2, Session

backend = QiskitRuntimeService().backend("b")
qc = QuantumCircuit(2)
qc.h(0)
qc.cx(0, 1)
qc.measure_all()
isa = generate_preset_pass_manager(backend=backend, optimization_level=1).run(qc)
with Session(backend=backend, max_time=5) as session:
    sampler = SamplerV2(mode=session)
    first = sampler.run([isa], shots=1000)
    first.result()
    print("first", first.status(), session.details()["state"])
    thinkclock.now += 4.0
    second = sampler.run([isa], shots=1000)
    try:
        second.result()
    except Exception as err:
        print("second", second.status(), type(err).__name__, "session_max_time" in str(err))
    print("session", session.status())
"""


def test_session_max_time_by_hand(tmp_path, capsys):
    """Session(max_time=5) opened at 200 s (the backend is free: other.1 ended at 100): the
    first job starts at once, so the max_time clock runs 200 → 205 (R12); the job lasts
    q ≈ 2.3 s; the script thinks 4 s, so its second job comes at 206.3 s, after the session
    ended at max_time: it is refused, ERROR session_max_time (R16), and result() raises."""
    script = tmp_path / "prog.py"
    script.write_text(MAX_TIME_SCRIPT, encoding="utf-8")
    clock = types.ModuleType("thinkclock")
    clock.now = 0.0
    sys.modules["thinkclock"] = clock
    try:
        result = Cosim(tiny(), script, user="u", start=200.0, clock=lambda: clock.now).run()
    finally:
        del sys.modules["thinkclock"]
    out = capsys.readouterr().out
    assert "first DONE active" in out
    assert "second ERROR RuntimeJobFailureError True" in out
    assert "session Closed" in out
    jobs = result.jobs.set_index("job_id")
    assert jobs.loc["prog.1", "started"] == 200
    assert jobs.loc["prog.2", "status"] == "ERROR"
    assert jobs.loc["prog.2", "reason"] == "session_max_time"
    session = result.sessions.iloc[-1]
    assert session["end_reason"] == "max_time" and session["ended"] == 205
