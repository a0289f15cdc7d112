"""Issue 16 points 10 and 11: numbers no float can hold, overflowing distributions, YAML bombs
inside numeric fields, duplicate keys, files that are not files, seeds out of range and times
beyond the simulator's horizon. Each is refused at once with the field it is in — from
``sim.from_dict``/``sim.parse_text``/``sim.load``, from an upload and from the CLI (exit 2) —
and never with a traceback or a message that grows with the input.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

import sim
from sim.store.uploads import parse_upload
from tests.test_bad_input import base, edit

ROOT = Path(__file__).resolve().parent.parent
HUGE = 10**1000


def problems_of(call) -> list[sim.Problem]:
    with pytest.raises(sim.ScenarioError) as info:
        call()
    return info.value.problems


def cli(*args: str | Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _yaml_with(path: str, literal: str) -> str:
    """The base scenario as YAML with the value at ``path`` replaced by ``literal`` verbatim
    (safe_dump cannot write an integer of 1000 digits the way a user would type it)."""
    marker = "__VALUE__"
    text = yaml.safe_dump(edit(base(), {path: marker}), sort_keys=False)
    assert text.count(marker) == 1
    return text.replace(marker, literal)


# --- point 10: numbers too large for a float -------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("until", "until"),
        ("workloads.0.quantum", "workloads[0].quantum"),
        ("workloads.1.rate", "workloads[1].rate"),
        ("workloads.0.jobs", "workloads[0].jobs"),
        ("instances.0.share", "instances[0].share"),
        ("backends.0.calibrations.0.duration", "backends[0].calibrations[0].duration"),
    ],
)
def test_an_integer_too_large_for_a_float_names_its_field(path, field, tmp_path):
    text = _yaml_with(path, str(HUGE))
    file = tmp_path / "huge.yaml"
    file.write_text(text, encoding="utf-8")
    for call in (
        lambda: sim.from_dict(edit(base(), {path: HUGE})),
        lambda: sim.parse_text(text),
        lambda: sim.load(file),
        lambda: parse_upload(text.encode(), "huge.yaml"),
    ):
        problems = problems_of(call)
        assert [p.path for p in problems] == [field], problems
        assert "too large" in problems[0].message
        assert len(str(problems[0])) < 200  # the 1001 digits are not echoed back
    proc = cli("validate", file)
    assert proc.returncode == 2, proc.stderr
    assert field in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr) < 500


def test_a_lognormal_that_would_overflow_is_refused_by_validate_not_run(tmp_path):
    data = edit(base(), {"workloads.0.quantum": {"lognormal": {"mean": 1e-300, "sd": 1e7}}})
    [problem] = problems_of(lambda: sim.from_dict(data))
    assert problem.path == "workloads[0].quantum"
    assert "lognormal" in problem.message
    file = tmp_path / "logn.yaml"
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    proc = cli("validate", file)
    assert proc.returncode == 2 and "workloads[0].quantum" in proc.stderr


def _bomb(levels: int = 9) -> list[str]:
    lines = ["x-a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for i in range(1, levels):
        lines.append(f"x-a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return lines


@pytest.mark.parametrize(
    ("path", "field"), [("workloads.0.jobs", "workloads[0].jobs"), ("until", "until")]
)
def test_a_yaml_bomb_in_a_numeric_field_is_refused_at_once_naming_it(path, field, tmp_path):
    text = "\n".join(_bomb()) + "\n" + _yaml_with(path, "*a8")
    assert len(text) < 3000
    file = tmp_path / "bomb.yaml"
    file.write_text(text, encoding="utf-8")
    for call in (
        lambda: sim.parse_text(text),
        lambda: sim.load(file),
        lambda: parse_upload(text.encode(), "bomb.yaml"),
    ):
        t0 = time.monotonic()
        problems = problems_of(call)
        assert time.monotonic() - t0 < 5
        assert any(p.path == field and "expands" in p.message for p in problems), problems
        assert sum(len(str(p)) for p in problems) < 1000
    proc = cli("validate", file)
    assert proc.returncode == 2 and field in proc.stderr, proc.stderr
    assert len(proc.stderr) < 1000


def test_a_value_expanded_by_aliases_below_the_cap_is_quoted_short():
    """Under the expansion cap, a wrong value is still quoted by its beginning only."""
    text = "\n".join(_bomb(4)) + "\n" + _yaml_with("workloads.0.jobs", "*a3")
    problems = problems_of(lambda: sim.parse_text(text))
    [jobs] = [p for p in problems if p.path == "workloads[0].jobs"]
    assert len(jobs.message) < 200, jobs.message


def test_a_key_written_twice_is_an_error_not_last_wins(tmp_path):
    text = yaml.safe_dump(base(), sort_keys=False) + "seed: 2\n"
    [problem] = problems_of(lambda: sim.parse_text(text))
    assert "'seed'" in problem.message and "twice" in problem.message
    line = len(text.splitlines())
    assert f"line {line}" in problem.message
    nested = text.replace("seed: 2\n", "").replace("rate: 20/h", "rate: 20/h\n  rate: 30/h")
    [problem] = problems_of(lambda: sim.parse_text(nested))
    assert "'rate'" in problem.message
    file = tmp_path / "dup.yaml"
    file.write_text(text, encoding="utf-8")
    proc = cli("validate", file)
    assert proc.returncode == 2 and "twice" in proc.stderr


def test_a_merge_key_may_still_be_overridden():
    """YAML's merge (<<) lets a mapping override a merged key: that is not a duplicate."""
    text = yaml.safe_dump(base(), sort_keys=False).replace(
        "- name: vqe\n", "- <<: {name: other, user: b}\n  name: vqe\n", 1
    )
    scenario = sim.parse_text(text)
    assert scenario.workloads[0].name == "vqe" and scenario.workloads[0].user == "a"


def _within(seconds: float, call) -> list[sim.Problem]:
    """Problems of ``call`` run in a thread that must finish within ``seconds``."""
    out: list = []
    worker = threading.Thread(target=lambda: out.append(problems_of(call)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still reading after {seconds} s"
    return out[0]


def test_a_fifo_and_dev_zero_are_refused_without_reading(tmp_path):
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    [problem] = _within(5, lambda: sim.load(fifo))
    assert "not a regular file" in problem.message
    [problem] = _within(5, lambda: sim.load("/dev/zero"))
    assert "not a regular file" in problem.message
    proc = cli("validate", fifo, timeout=30)
    assert proc.returncode == 2 and "not a regular file" in proc.stderr


@pytest.mark.parametrize("seed", [2**63, 2**64, -1])
def test_seeds_outside_the_64_bit_range_are_refused(seed):
    # 2**64 used to run as seed 0: the random streams read the seed's low 64 bits.
    scenario = sim.preset("fig1-session-flow")
    [problem] = problems_of(lambda: sim.run(scenario, seed=seed))
    assert problem.path == "seed"
    for verb in (("run", "preset:fig1-session-flow"),
                 ("explain", "preset:fig1-session-flow", "--job", "x.1"),
                 ("sweep", "preset:fig1-session-flow", "--reps", "1")):  # fmt: skip
        proc = cli(*verb, "--seed", str(seed))
        assert proc.returncode == 2, (verb, proc.stderr)
        assert "--seed" in proc.stderr and "Traceback" not in proc.stderr


def test_the_largest_seed_runs_and_a_sweep_may_not_pass_it():
    scenario = sim.preset("fig1-session-flow")
    assert sim.run(scenario, seed=2**63 - 1).seed == 2**63 - 1
    proc = cli("sweep", "preset:fig1-session-flow", "--reps", "2", "--seed", str(2**63 - 1))
    assert proc.returncode == 2 and "--seed" in proc.stderr


# --- point 11: the simulator's 1000-day horizon ----------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("until", "3000d", "until"),
        ("workloads.1.stop", "3000d", "workloads[1].stop"),
        ("workloads.0.start", 1e308, "workloads[0].start"),
        ("reservations.0.end", "1001d", "reservations[0].end"),
        ("backends.1.calibrations.0.every", "2000d", "backends[1].calibrations[0].every"),
    ],
)
def test_times_beyond_the_horizon_are_refused(path, value, field):
    problems = problems_of(lambda: sim.from_dict(edit(base(), {path: value})))
    assert field in [p.path for p in problems], problems
    [problem] = [p for p in problems if p.path == field]
    assert "1000 days" in problem.message


def test_a_run_that_reaches_the_horizon_says_so():
    """Start at 999 days, 48 one-hour jobs: the last 24 would end after day 1000. The run is
    stopped at the horizon and its result carries a warning instead of a silent cut."""
    data = {
        "name": "late",
        "backends": [{"name": "q"}],
        "instances": [{"name": "i"}],
        "users": [{"name": "u", "instance": "i"}],
        "workloads": [{"name": "w", "user": "u", "backend": "q", "pattern": "batch",
                       "jobs": 48, "quantum": "1h", "start": "999d"}],
    }  # fmt: skip
    result = sim.run(sim.from_dict(data))
    # Jobs k = 1..24 run [999d + (k-1)h, 999d + k h]; job 24 ends exactly at the horizon.
    done = result.jobs[result.jobs["status"] == "DONE"]
    assert len(done) == 24
    assert result.warnings and "horizon" in result.warnings[0]
    assert "24 submitted jobs never ran" in result.warnings[0]
    assert "warning:" in result.summary()
    ordinary = sim.run(sim.preset("fig1-session-flow"))
    assert ordinary.warnings == []


# --- point 5: a cap on work, not only on jobs ------------------------------------------------


def _tiny(**extra) -> dict:
    data = {
        "name": "tiny",
        "backends": [{"name": "q"}],
        "instances": [{"name": "i"}],
        "users": [{"name": "u", "instance": "i"}],
        "workloads": [{"name": "w", "user": "u", "backend": "q", "pattern": "batch",
                       "jobs": 2, "quantum": "10s"}],
    }  # fmt: skip
    data.update(extra)
    return data


@pytest.mark.parametrize("every", [1e-300, 0.5])
def test_a_calibration_period_or_duration_below_a_second_is_refused(every):
    data = _tiny(backends=[{"name": "q", "calibrations": [{"every": every, "duration": 1e-301}]}])
    problems = problems_of(lambda: sim.from_dict(data))
    assert [p.path for p in problems] == ["backends[0].calibrations[0]"]
    assert "at least 1 s" in problems[0].message


def test_a_stream_faster_than_one_job_per_millisecond_is_refused():
    data = _tiny()
    data["workloads"][0] = {"name": "w", "user": "u", "backend": "q", "pattern": "stream",
                            "rate": "2000/s", "stop": "1m", "quantum": "10s"}  # fmt: skip
    [problem] = problems_of(lambda: sim.from_dict(data))
    assert problem.path == "workloads[0].rate" and "1000 jobs per second" in problem.message


def test_frequent_calibrations_over_a_long_run_are_refused_naming_the_calibration(tmp_path):
    """Every 2 s for 999 days is about 43 million calibrations (86 million events, over the
    25-million cap: 5 events per capped job) while the run has two jobs: refused before it
    runs, naming the calibration, at once (it used to need more than 6 GB)."""
    cal = {"every": "2s", "duration": "1s"}  # first at 2 s: one period in
    data = _tiny(until="999d", backends=[{"name": "q", "calibrations": [cal]}])
    scenario = sim.from_dict(data)
    t0 = time.monotonic()
    [problem] = problems_of(lambda: sim.run(scenario))
    assert time.monotonic() - t0 < 1
    assert problem.path == "backends[0].calibrations[0].every"
    # At 2 s, 4 s, … up to 999 d = 86,313,600 s: 86,313,600 / 2 = 43,156,800 occurrences.
    assert "43,156,800 times" in problem.message
    file = tmp_path / "cal.yaml"
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    proc = cli("run", file)
    assert proc.returncode == 2 and "calibrations[0].every" in proc.stderr


def test_many_instances_times_many_jobs_is_refused_naming_the_instances():
    """5,000 instances with 40 jobs each on one backend: 200,000 jobs (under the job cap) but
    200,000 × 5,000 = 10**9 fair-share steps, over the cap of 50 × 5M = 2.5·10**8."""
    n = 5000
    data = {
        "name": "fan-out",
        "backends": [{"name": "q"}],
        "instances": [{"name": f"i{k}"} for k in range(n)],
        "users": [{"name": f"u{k}", "instance": f"i{k}"} for k in range(n)],
        "workloads": [{"name": f"w{k}", "user": f"u{k}", "backend": "q", "pattern": "batch",
                       "jobs": 40, "quantum": "1s"} for k in range(n)],
    }  # fmt: skip
    [problem] = problems_of(lambda: sim.check_size(sim.from_dict(data)))
    assert problem.path == "instances"
    assert "5,000 instances" in problem.message and "1,000,000,000" in problem.message
    sim.check_size(sim.from_dict(data), max_jobs=20_000_000)  # the cap raises them all


def test_every_preset_and_the_benchmark_fleet_are_within_every_cap():
    import importlib.util

    for name in sim.preset_names():
        sim.check_size(sim.preset(name))
    spec = importlib.util.spec_from_file_location("fleet", ROOT / "benchmarks" / "fleet.py")
    fleet = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fleet)
    sim.check_size(fleet.fleet(1_000_000))


# --- issue 16 point 6: aliases may not blow a small upload into a big scenario ---------------


def test_a_long_string_repeated_through_aliases_is_refused_naming_where():
    """A 0.45 MB string anchored once and aliased 20 times: a 0.9 MB upload that would expand
    to a 9 MB scenario (and a 19 MB draft). Values are few, so only the character count sees it."""
    long = "x" * 450_000
    text = f"description: &d {long}\n" + yaml.safe_dump(base(), sort_keys=False).replace(
        "name: vqe\n", "name: vqe\n  x-notes: [" + ", ".join(["*d"] * 20) + "]\n", 1
    )
    assert 450_000 < len(text) < 1_000_000
    problems = problems_of(lambda: parse_upload(text.encode(), "big.yaml"))
    assert [p.path for p in problems] == ["workloads[0].x-notes"], problems
    assert "characters" in problems[0].message


def test_a_long_file_without_aliases_is_not_refused_for_its_length():
    long = "a scenario with a very long description. " * 70_000  # 2.9 MB: under the 5 MB cap
    text = yaml.safe_dump(edit(base(), {"description": long}), sort_keys=False)
    assert sim.parse_text(text).description == long
