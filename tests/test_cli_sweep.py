"""``python -m sim sweep``: files and columns as the issue gives them, exit 2 on bad input.

One real subprocess checks the files and the progress bar on stderr; the other cases call
``sim.cli.main.main`` in-process (an interpreter start-up with pandas and scipy costs seconds).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120
SWEEP = ["sweep", "preset:iterative-vs-batch", "--workers", "1"]
CASES = {
    "ok": [*SWEEP, "--vary", "workloads.qaoa.mode=session,job", "--vary",
           "workloads.others.rate=20/h,30/h", "--reps", "2", "--out", "{tmp}/out"],
    "stdout": [*SWEEP, "--vary", "instances.alg-a.share=1,3", "--reps", "1"],
    "batch_2023": [*SWEEP, "--vary", "rules=ibm-2023", "--vary", "workloads.sweep.mode=batch",
                   "--reps", "1"],
    "bad_path": [*SWEEP, "--vary", "workloads.nosuch.rate=1,2", "--reps", "1"],
    "bad_value": [*SWEEP, "--vary", "workloads.qaoa.mode=session,sometimes", "--reps", "1"],
    "bad_syntax": [*SWEEP, "--vary", "workloads.qaoa.mode", "--reps", "1"],
    "bad_reps": [*SWEEP, "--vary", "workloads.qaoa.mode=job", "--reps", "0",
                 "--warmup", "soon"],
}  # fmt: skip


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sweep")

    def call(args):
        args = [a.replace("{tmp}", str(tmp)) for a in args]
        return subprocess.run(
            [sys.executable, "-m", "sim", *args], cwd=ROOT, capture_output=True, text=True,
            timeout=TIMEOUT,
        )  # fmt: skip

    return {"ok": call(CASES["ok"])}, tmp


def in_process(case: str, capsys) -> subprocess.CompletedProcess:
    code = main(CASES[case])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(CASES[case], code, out, err)


def test_sweep_writes_the_issue_columns(runs):
    done, tmp = runs
    proc = done["ok"]
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(tmp / "out" / "sweep.csv")
    assert list(table.columns) == [
        "workloads.qaoa.mode", "workloads.others.rate", "workload", "reps", "jobs",
        "mean_wait", "mean_wait_low", "mean_wait_high", "p95_wait", "makespan", "failed",
        "usage_seconds", "utilization",
    ]  # fmt: skip
    # 2 × 2 points, each with the three workloads and `all`, in grid order.
    assert len(table) == 4 * 4
    assert list(table["workload"][:4]) == ["qaoa", "sweep", "others", "all"]
    assert list(table["workloads.qaoa.mode"][::4]) == ["session", "session", "job", "job"]
    assert list(table["workloads.others.rate"][::4]) == ["20/h", "30/h", "20/h", "30/h"]
    assert (table["reps"] == 2).all()
    # makespan for the iterative and batch workloads only; utilization on `all` rows only.
    assert table.loc[table["workload"].isin(["qaoa", "sweep"]), "makespan"].notna().all()
    assert table.loc[table["workload"].isin(["others", "all"]), "makespan"].isna().all()
    assert table.loc[table["workload"] == "all", "utilization"].between(0, 1).all()
    assert table.loc[table["workload"] != "all", "utilization"].isna().all()
    low, mean, high = (table[c] for c in ("mean_wait_low", "mean_wait", "mean_wait_high"))
    assert ((low <= mean) & (mean <= high)).all()
    reps = pd.read_csv(tmp / "out" / "replications.csv")
    assert len(reps) == 4 * 2 * 4
    assert set(reps["seed"]) == {11, 12}  # the preset's seed 11, then 12, at every point
    # Progress bar on stderr (tqdm), the summary line on stdout.
    assert "sweep" in proc.stderr and "8/8" in proc.stderr
    assert "sweep.csv" in proc.stdout


def test_sweep_without_out_prints_the_table(capsys):
    proc = in_process("stdout", capsys)
    assert proc.returncode == 0, proc.stderr
    header = proc.stdout.splitlines()[0]
    assert header.startswith("instances.alg-a.share,workload,reps,jobs,mean_wait")


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("bad_path", ["workloads.nosuch.rate"]),
        ("bad_value", ["mode", "workloads.qaoa.mode='sometimes'"]),
        ("bad_syntax", ["--vary", "PATH=V1,V2"]),
        ("bad_reps", ["--reps", "--warmup"]),  # every problem in one round
    ],
)
def test_bad_input_exits_2_naming_it(capsys, case, words):
    proc = in_process(case, capsys)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in proc.stderr


def test_sweep_notes_batch_mode_under_a_profile_without_it(capsys):
    """ibm-2023 has no batch mode (R24): the batch runs as a session, and stderr says so."""
    proc = in_process("batch_2023", capsys)
    assert proc.returncode == 0, proc.stderr
    assert (
        "note: workloads.sweep.mode = batch: ibm-2023 has no batch mode (R24): a batch is jobs "
        "in a session, so these points run as mode = session." in proc.stderr
    )
