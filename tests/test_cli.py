"""The command line and the Python API as contract.md writes them.

``python -m sim run|validate|presets``: exit 0 success, 2 invalid input (messages on stderr, one
line per problem naming the field path), 1 anything else; never a traceback. Each invocation costs
about a second of interpreter start-up, so the ``runs`` fixture starts every one of them at once
(they are independent) and each test then checks its own.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest
import yaml

import sim

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120

# The contract's columns in its order, then what the project added (contract: columns may be
# added, never moved): running_since (R41, issue 15).
JOB_COLUMNS = ["job_id", "workload", "user", "instance", "backend", "mode", "session_id",
               "submitted", "started", "finished", "wait", "status", "reason",
               "quantum_seconds", "running_since"]  # fmt: skip
SESSION_COLUMNS = ["session_id", "workload", "user", "instance", "backend", "mode", "created",
                   "activated", "ended", "end_reason", "activations", "jobs", "jobs_done",
                   "jobs_failed", "usage_seconds", "idle_held_seconds", "max_time",
                   "interactive_ttl"]  # fmt: skip
TIMELINE_COLUMNS = ["backend", "start", "end", "kind", "job_id", "session_id", "user"]
EVENT_COLUMNS = ["time", "backend", "event", "job_id", "session_id", "user", "detail"]
TABLES = {"jobs": JOB_COLUMNS, "sessions": SESSION_COLUMNS, "timeline": TIMELINE_COLUMNS,
          "events": EVENT_COLUMNS}  # fmt: skip


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def cli_many(*commands: tuple[str | Path, ...]) -> list[subprocess.CompletedProcess[str]]:
    """Run independent CLI invocations concurrently; results in the order given."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        return list(pool.map(lambda c: cli(*c), commands))


def assert_no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout


def write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def deterministic() -> dict:
    """Hand-worked run, constant durations.

    t=0    w.1, w.2, w.3 submitted (batch pattern, job mode, quantum 10): w.1 runs 0–10,
           w.2 10–20, w.3 20–30 (one job at a time, R1; FIFO inside instance A, R5).
           Waits 0, 10, 20 → job-mode mean wait 10 s.
    t=100  s.1 (iterative, session, quantum 5, classical 0) starts at once: wait 0; 100–105.
    t=105  s.2 submitted and started (classical 0): wait 0; 105–110. The session closes after
           its last job (close: after_last); nothing is left, the run ends at t=110.
    Busy 30 + 10 = 40 s of 110 s → utilization 36.4 %. 5 jobs DONE.
    """
    return {
        "name": "cli deterministic",
        "seed": 1,
        "backends": [{"name": "qpu"}],
        "instances": [{"name": "A", "share": 1}, {"name": "B", "share": 1}],
        "users": [{"name": "a", "instance": "A"}, {"name": "b", "instance": "B"}],
        "workloads": [
            {"name": "w", "user": "a", "backend": "qpu", "pattern": "batch", "mode": "job",
             "jobs": 3, "quantum": 10},
            {"name": "s", "user": "b", "backend": "qpu", "pattern": "iterative",
             "mode": "session", "start": 100, "jobs": 2, "quantum": 5, "classical": 0},
        ],
    }  # fmt: skip


def random_scenario() -> dict:
    """Random draws everywhere (arrivals, quantum, classical), so the seed matters."""
    return {
        "name": "cli random",
        "seed": 3,
        "backends": [{"name": "qpu", "calibrations": [{"every": "30m", "duration": "2m"}]}],
        "instances": [{"name": "A", "share": 2}, {"name": "B", "share": 1}],
        "users": [{"name": "a", "instance": "A"}, {"name": "b", "instance": "B"}],
        "workloads": [
            {"name": "vqe", "user": "a", "backend": "qpu", "pattern": "iterative",
             "mode": "session", "start": "5m", "jobs": 10, "quantum": {"exponential": 20},
             "classical": {"uniform": [5, 30]}},
            {"name": "bg", "user": "b", "backend": "qpu", "pattern": "stream", "mode": "job",
             "rate": "30/h", "stop": "2h", "quantum": {"exponential": "1m"}},
        ],
    }  # fmt: skip


class Run(NamedTuple):
    proc: subprocess.CompletedProcess[str]
    dir: Path


def header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every CLI invocation of this file, run concurrently once; name → (result, folder)."""
    d = tmp_path_factory.mktemp("cli")
    det = write(d / "det.yaml", deterministic())
    rand = write(d / "rand.yaml", random_scenario())  # file seed 3
    bad = random_scenario()
    bad["colour"] = "red"  # unknown key
    bad["workloads"][0]["quantum"] = -5  # negative duration
    bad["workloads"][1]["rate"] = "lots"  # malformed rate
    bad["instances"][1]["share"] = 0  # share must be positive
    bad_path = write(d / "bad.yaml", bad)
    big = random_scenario()
    big["workloads"] = [big["workloads"][1]]
    big["workloads"][0].update(rate=1000, stop="3h")  # 1000/s × 10 800 s = 10.8 M jobs
    big_path = write(d / "big.yaml", big)
    small = random_scenario()
    small["workloads"][1].update(rate=1, stop=2000)  # ≈ 2000 stream jobs + 10 iterative
    small_path = write(d / "small.yaml", small)
    (d / "syntax.yaml").write_text("name: [1, 2\nseed: 3\n", encoding="utf-8")
    (d / "binary.yaml").write_bytes(bytes(range(256)) * 4)
    (d / "blocker").write_text("x")

    commands: dict[str, tuple[str | Path, ...]] = {
        "presets": ("presets",),
        "preset_run": ("run", "preset:vqe-vs-background", "--out", d / "preset"),
        "preset_nope": ("run", "preset:nope"),
        "validate_good": ("validate", rand),
        "validate_bad": ("validate", bad_path),
        "validate_syntax": ("validate", d / "syntax.yaml"),
        "run_binary": ("run", d / "binary.yaml"),
        "run_missing": ("run", d / "nope.yaml"),
        "run_det": ("run", det, "--out", d / "det"),
        "seed1": ("run", rand, "--seed", "1", "--out", d / "seed1"),
        "seed2": ("run", rand, "--seed", "2", "--out", d / "seed2"),
        "cap_default": ("run", big_path),
        "cap_raised": ("run", small_path, "--max-jobs", "10000"),
        "args_none": (),
        "args_verb": ("frobnicate",),
        "args_seed_word": ("run", det, "--seed", "abc"),
        "out_is_file": ("run", det, "--out", d / "blocker"),
    }
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(cli, *args) for name, args in commands.items()}
        return {name: Run(f.result(), d) for name, f in futures.items()}


# --- presets ---------------------------------------------------------------------------------


def test_presets_lists_names_with_default(runs):
    proc = runs["presets"].proc
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    out = proc.stdout
    assert "vqe-vs-background (default)" in out
    for name in sim.preset_names():
        assert re.search(rf"^{re.escape(name)}\b", out, re.M), f"{name} not listed:\n{out}"


def test_run_preset(runs):
    proc, d = runs["preset_run"]
    assert proc.returncode == 0, proc.stderr
    assert "DONE" in proc.stdout
    assert header(d / "preset" / "jobs.csv") == JOB_COLUMNS


def test_run_unknown_preset_exits_2(runs):
    proc = runs["preset_nope"].proc
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "nope" in proc.stderr
    assert_no_traceback(proc)


# --- validate --------------------------------------------------------------------------------


def test_validate_good_file_exits_0(runs):
    proc = runs["validate_good"].proc
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == ""
    assert_no_traceback(proc)


def test_validate_bad_file_one_line_per_problem(runs):
    proc = runs["validate_bad"].proc
    assert proc.returncode == 2
    assert_no_traceback(proc)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    expected = ["colour", "workloads[0].quantum", "workloads[1].rate", "instances[1].share"]
    assert len(lines) == len(expected), proc.stderr
    for path in expected:
        assert sum(path in line for line in lines) == 1, f"{path} not on one line:\n{proc.stderr}"


@pytest.mark.parametrize("name", ["validate_syntax", "run_binary", "run_missing"])
def test_unreadable_inputs_exit_2(runs, name):
    """Broken files exit 2 with a message (the full catalogue is in test_bad_input.py)."""
    proc = runs[name].proc
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert proc.stderr.strip()
    assert_no_traceback(proc)


def test_missing_file_names_it(runs):
    assert "nope.yaml" in runs["run_missing"].proc.stderr


# --- run -------------------------------------------------------------------------------------


def test_run_prints_summary(runs):
    proc = runs["run_det"].proc
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    text = proc.stdout
    # Jobs by status: 5 DONE, nothing else (see deterministic()).
    assert re.search(r"DONE\D{0,3}5\b", text), text
    for status in ("ERROR", "CANCELLED", "QUEUED"):
        m = re.search(rf"{status}\D{{0,3}}(\d+)", text)
        assert m is None or m.group(1) == "0", text
    # Mean wait by mode: job (0 + 10 + 20) / 3 = 10 s, session 0 s.
    wait_line = next(line for line in text.splitlines() if "wait" in line.lower())
    assert re.search(r"job\D{0,3}10(\.0+)?\s*s?\b", wait_line), wait_line
    assert re.search(r"session\D{0,3}0(\.0+)?\s*s?\b", wait_line), wait_line
    # Utilization: 40 busy seconds of 110.
    util_line = next(line for line in text.splitlines() if "utili" in line.lower())
    assert "qpu" in util_line and ("36.4" in util_line or "0.364" in util_line), util_line


def test_run_out_writes_the_four_tables(runs):
    out = runs["run_det"].dir / "det"
    for table, columns in TABLES.items():
        path = out / f"{table}.csv"
        assert path.is_file(), f"{table}.csv not written"
        assert header(path) == columns, f"{table}.csv header"
    jobs = pd.read_csv(out / "jobs.csv").set_index("job_id")
    assert list(jobs.loc[["w.1", "w.2", "w.3", "s.1", "s.2"], "started"]) == [0, 10, 20, 100, 105]
    assert list(jobs.loc[["w.1", "w.2", "w.3"], "wait"]) == [0, 10, 20]
    assert set(jobs["status"]) == {"DONE"}
    assert jobs["session_id"].isna().loc[["w.1", "w.2", "w.3"]].all()  # empty outside sessions
    sessions = pd.read_csv(out / "sessions.csv")
    assert list(sessions["session_id"]) == ["s:session"]
    timeline = pd.read_csv(out / "timeline.csv")
    assert timeline["start"].min() == 0 and timeline["end"].max() == 110


def test_seed_changes_results_and_same_seed_reproduces(runs, tmp_path):
    """`--seed N` gives exactly the tables of `sim.run(scenario, seed=N)` (R33), and a
    different seed — or the file's own seed 3 — gives different ones."""
    d = runs["seed1"].dir
    scenario = sim.load(d / "rand.yaml")
    for key, seed in (("seed1", 1), ("seed2", 2)):
        proc = runs[key].proc
        assert proc.returncode == 0, proc.stderr
        sim.run(scenario, seed=seed).save(tmp_path / key)
        for table in TABLES:
            cli_csv, api_csv = d / key / f"{table}.csv", tmp_path / key / f"{table}.csv"
            assert cli_csv.read_bytes() == api_csv.read_bytes(), (key, table)
    sim.run(scenario).save(tmp_path / "file_seed")
    jobs = {k: (tmp_path / k / "jobs.csv").read_bytes() for k in ("seed1", "seed2", "file_seed")}
    assert len(set(jobs.values())) == 3, "seeds 1, 2 and 3 must give three different runs"

    def summary(proc):  # the printed summary, without the "wrote PATH" lines
        return [line for line in proc.stdout.splitlines() if str(d) not in line]

    assert summary(runs["seed1"].proc) != summary(runs["seed2"].proc)


def test_size_cap_exits_2_naming_the_field(runs):
    proc = runs["cap_default"].proc
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "workloads[0].rate" in proc.stderr
    assert_no_traceback(proc)


def test_max_jobs_raises_the_cap(runs):
    proc = runs["cap_raised"].proc
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"DONE\D{0,3}\d{4}", proc.stdout), proc.stdout  # ≈ 2000 jobs ran


@pytest.mark.parametrize("name", ["args_none", "args_verb", "args_seed_word"])
def test_garbage_arguments_exit_2(runs, name):
    proc = runs[name].proc
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stderr.strip()
    assert_no_traceback(proc)


def test_out_is_an_existing_file_exits_1_without_traceback(runs):
    """Not invalid input but an environment error: exit 1 with a message (contract)."""
    proc = runs["out_is_file"].proc
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert proc.stderr.strip()
    assert_no_traceback(proc)


# --- Python API ------------------------------------------------------------------------------


def test_python_api_load_run_save(tmp_path):
    s = sim.load(write(tmp_path / "det.yaml", deterministic()))
    assert isinstance(s, sim.Scenario)
    result = sim.run(s, seed=5)
    for table, columns in TABLES.items():
        frame = getattr(result, table)
        assert isinstance(frame, pd.DataFrame)
        assert list(frame.columns) == columns, table
    jobs = result.jobs.set_index("job_id")
    assert list(jobs.loc[["w.1", "w.2", "w.3"], "started"]) == [0, 10, 20]  # see deterministic()
    written = result.save(tmp_path / "saved")
    for table, columns in TABLES.items():
        path = tmp_path / "saved" / f"{table}.csv"
        assert header(path) == columns
        assert len(pd.read_csv(path)) == len(getattr(result, table))
    assert written is None or {Path(p).name for p in written} == {f"{t}.csv" for t in TABLES}


def test_python_api_seed_overrides_file_seed(tmp_path):
    s = sim.load(write(tmp_path / "rand.yaml", random_scenario()))  # file seed 3
    file_seed = sim.run(s).jobs
    pd.testing.assert_frame_equal(file_seed, sim.run(s, seed=3).jobs)
    pd.testing.assert_frame_equal(sim.run(s, seed=1).jobs, sim.run(s, seed=1).jobs)
    assert not sim.run(s, seed=1).jobs.equals(sim.run(s, seed=2).jobs)


def test_python_api_preset_matches_preset_path():
    assert sim.load("preset:vqe-vs-background") == sim.preset("vqe-vs-background")


def test_import_sim_imports_no_streamlit_or_plotly():
    code = (
        "import sys, sim\n"
        "r = sim.run(sim.preset('vqe-vs-background'))\n"
        "r.summary(); r.jobs; r.sessions; r.timeline; r.events\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly'))\n"
        "print('BAD', bad)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert proc.returncode == 0, proc.stderr
    assert "BAD []" in proc.stdout, proc.stdout


def test_python_api_loads_json_like_yaml(tmp_path):
    """'YAML; JSON accepted too': the same scenario as .json and .yaml loads equal."""
    data = deterministic()
    (tmp_path / "s.json").write_text(json.dumps(data), encoding="utf-8")
    assert sim.load(tmp_path / "s.json") == sim.load(write(tmp_path / "s.yaml", data))
