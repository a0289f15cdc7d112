"""Issue 18: traces in. Each fixture under tests/fixtures/traces/ is imported into exactly the
jobs worked out by hand below (counts, times, units); bad traces name line and field."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

import sim
from sim import ScenarioError, parse_text
from sim.cli import main as cli
from sim.traces import TraceError, read
from sim.traces.build import scenario_dict, to_yaml

FIX = Path(__file__).parent / "fixtures" / "traces"
CSV_MAP = (
    "submitted=created,started=running,finished=ended,machine=backend,batch=circuits,status=state"
)


def epoch(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def jobs_of(trace) -> list[tuple]:
    """(machine, seconds from the first submission, quantum s, wait s, status, group, batch)."""
    t0 = trace.start
    out = []
    for j in range(len(trace)):
        q, w, b = trace.quantum[j], trace.wait[j], trace.batch[j]
        out.append(
            (
                trace.machine[j],
                round(trace.submitted[j] - t0, 3),
                None if math.isnan(q) else round(q, 3),
                None if math.isnan(w) else round(w, 3),
                trace.status[j],
                trace.group[j],
                None if math.isnan(b) else b,
            )
        )
    return out


def test_quantumqueue_minutes_offsets_and_quotes():
    # Four rows, out of order. Dates: 19:11:49.528-06:00 = 01:11:49.528 UTC on Dec 11;
    # 19:10:49.528-06:00 = 01:10:49.528 UTC (the first: time 0); 01:12:49.528+00:00 and
    # 01:13:49.528Z are 120 s and 180 s later. Minutes × 60: run 1.25 → 75 s, 0.5 → 30 s,
    # 0.75 → 45 s; queue 2.0 → 120 s, 3.5 → 210 s, 10 → 600 s. Quotes and "JobStatus." go.
    trace = read(FIX / "quantumqueue.csv", "quantumqueue")
    assert trace.start == epoch(2020, 12, 11, 1, 10, 49) + 0.528
    assert jobs_of(trace) == [
        ("ibmq_paris", 0.0, 75.0, 0.0, "DONE", "", 1.0),
        ("ibmq_paris", 60.0, 30.0, 120.0, "DONE", "", 10.0),
        ("ibmq_rome", 120.0, 0.0, 210.0, "CANCELLED", "", 5.0),
        ("ibmq_rome", 180.0, 45.0, 600.0, "ERROR", "", 75.0),
    ]
    assert trace.line.tolist() == [3, 2, 4, 5]  # file lines, header = line 1


def test_quantumqueue_without_the_last_column():
    # -05:00: 10:00 local = 15:00 UTC; the second job 30 min later. 2 min → 120 s run,
    # 1 min → 60 s queue; 0.1 min → 6 s, 0.5 min → 30 s.
    trace = read(FIX / "quantumqueue_no_pulse.csv", "quantumqueue")
    assert trace.start == epoch(2021, 1, 5, 15, 0, 0)
    assert jobs_of(trace) == [
        ("ibmq_lima", 0.0, 120.0, 60.0, "DONE", "", 3.0),
        ("ibmq_lima", 1800.0, 6.0, 30.0, "DONE", "", 1.0),
    ]


def test_swf_fields_header_and_unknowns():
    # UnixStartTime 1600000000; submit 0/30/45 s; wait 10, -1 (unknown), 100; run 60, -1, 20;
    # status 1 → DONE, 5 → CANCELLED, 0 → ERROR; users 7, 8, 7; processors 1, 1, 2.
    trace = read(FIX / "falcon.swf", "swf")
    assert trace.start == 1_600_000_000
    assert trace.group_kind == "user"
    assert jobs_of(trace) == [
        ("qpu_falcon", 0.0, 60.0, 10.0, "DONE", "user-7", 1.0),
        ("qpu_falcon", 30.0, None, None, "CANCELLED", "user-8", 1.0),
        ("qpu_falcon", 45.0, 20.0, 100.0, "ERROR", "user-7", 2.0),
    ]


def test_swf_partitions_are_machines():
    text = (
        b"; Computer: q\n1 0 1 2 1 -1 -1 1 1 -1 1 1 1 -1 1 1 -1 -1\n"
        b"2 5 1 2 1 -1 -1 1 1 -1 1 1 1 -1 1 2 -1 -1\n"
    )
    assert read(text, "swf").machine == ["q-1", "q-2"]


def test_ibm_jobs_metrics_shapes():
    # created: j1 10:00:00Z (time 0), j4 12:00:30+02:00 = 10:00:30Z (30 s), j2 10:01:00Z
    # (60 s), j3 10:01:41Z (101 s). Waits = running − created: j1 300 s, j2 30 s, j3 1 s; j4
    # never ran (no wait, no QPU time). QPU time: j1 quantum_seconds 4, j2 only "seconds" 10,
    # j3 qpu_charge_time_seconds 3. j1 has num_circuits 2. A blank line is skipped.
    trace = read(FIX / "ibm_jobs.jsonl", "ibm-jobs")
    assert trace.start == epoch(2024, 5, 1, 10, 0, 0)
    assert jobs_of(trace) == [
        ("ibm_brisbane", 0.0, 4.0, 300.0, "DONE", "", 2.0),
        ("ibm_kyiv", 30.0, None, None, "CANCELLED", "", None),
        ("ibm_brisbane", 60.0, 10.0, 30.0, "DONE", "s1", None),
        ("ibm_brisbane", 101.0, 3.0, 1.0, "DONE", "s1", None),
    ]


def test_csv_with_a_column_mapping():
    # b at 00:00:00Z is time 0; a 10 s later; c is epoch 1704067300 = 00:01:40Z (100 s).
    # wait = running − created: b 5 s, a 60 s; quantum = ended − running: b 5 s, a 30 s.
    # Statuses "Completed" → DONE, "failed" → ERROR. c has no times: no wait, no QPU time.
    trace = read(FIX / "generic.csv", "csv", CSV_MAP)
    assert trace.start == epoch(2024, 1, 1, 0, 0, 0)
    assert jobs_of(trace) == [
        ("qpu_a", 0.0, 5.0, 5.0, "DONE", "bob", 1.0),
        ("qpu_a", 10.0, 30.0, 60.0, "DONE", "alice", 4.0),
        ("qpu_b", 100.0, None, None, "ERROR", "alice", None),
    ]


def test_import_scenario_replays_sessions_and_runs(tmp_path):
    # ibm-jobs: jobs without a session are one job-mode workload per machine; session s1 is
    # one session-mode workload opened at its first job (60 s). Replayed alone (no other
    # load), every job starts on submission: j1 at 0 runs 4 s; the session's jobs at 60 s
    # (10 s) and 101 s (3 s). j4 has no QPU time: the workload's quantum 0.
    out = tmp_path / "s.yaml"
    assert (
        cli.main(
            [
                "trace",
                "import",
                str(FIX / "ibm_jobs.jsonl"),
                "--format",
                "ibm-jobs",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    scenario = sim.load(out)
    assert [b.name for b in scenario.backends] == ["ibm_brisbane", "ibm_kyiv"]
    names = [(w.name, w.backend, w.mode, w.start) for w in scenario.workloads]
    assert names == [
        ("ibm_brisbane", "ibm_brisbane", "job", 0.0),
        ("ibm_kyiv", "ibm_kyiv", "job", 0.0),
        ("session-s1", "ibm_brisbane", "session", 60.0),
    ]
    s1 = scenario.workloads[2].replay
    assert [(j.at, j.quantum, j.observed_wait, j.observed_status) for j in s1] == [
        (60.0, 10.0, 30.0, "DONE"),
        (101.0, 3.0, 1.0, "DONE"),
    ]
    jobs = sim.run(scenario).jobs.set_index("job_id")
    assert jobs.loc["session-s1.1", ["submitted", "started", "finished"]].tolist() == [60, 60, 70]
    assert jobs.loc["session-s1.2", ["submitted", "started", "finished"]].tolist() == [
        101,
        101,
        104,
    ]
    assert jobs.loc["ibm_kyiv.1", "quantum_seconds"] == 0
    assert jobs.loc["session-s1.1", "mode"] == "session"


def test_import_writes_what_it_means():
    # The YAML written directly reads back to exactly the scenario dictionary.
    for name, fmt, mapping in [
        ("quantumqueue.csv", "quantumqueue", None),
        ("falcon.swf", "swf", None),
        ("generic.csv", "csv", CSV_MAP),
    ]:
        data = scenario_dict(read(FIX / name, fmt, mapping), name)
        text = to_yaml(data)
        assert parse_text(text).to_dict() == sim.from_dict(data).to_dict()
    qq = scenario_dict(read(FIX / "quantumqueue.csv", "quantumqueue"))
    assert [w["name"] for w in qq["workloads"]] == ["ibmq_paris", "ibmq_rome"]
    assert qq["workloads"][1]["replay"] == [
        {"at": 120, "quantum": 0, "observed_wait": 210, "observed_status": "CANCELLED"},
        {"at": 180, "quantum": 45, "observed_wait": 600, "observed_status": "ERROR"},
    ]
    swf = scenario_dict(read(FIX / "falcon.swf", "swf"))
    assert [(w["name"], w["user"]) for w in swf["workloads"]] == [
        ("qpu_falcon.user-7", "user-7"),
        ("qpu_falcon.user-8", "user-8"),
    ]
    assert swf["workloads"][1]["replay"] == [{"at": 30, "observed_status": "CANCELLED"}]


HEADER = "run_time,queue_time,machine,date,status,batch\n"


@pytest.mark.parametrize(
    ("text", "fmt", "line", "field"),
    [
        (
            HEADER + "1,2,'m','2020-12-10 19:11:49-06:00','JobStatus.DONE',1\n"
            "x,2,'m','2020-12-10 19:11:49-06:00','JobStatus.DONE',1\n",
            "quantumqueue",
            3,
            "run_time",
        ),
        (
            HEADER + "1,-2,'m','2020-12-10 19:11:49-06:00','JobStatus.DONE',1\n",
            "quantumqueue",
            2,
            "queue_time",
        ),
        (HEADER + "1,2,'m','yesterday','JobStatus.DONE',1\n", "quantumqueue", 2, "date"),
        (
            HEADER + "1,2,'m','2020-12-10 19:11:49-06:00','JobStatus.QUEUED',1\n",
            "quantumqueue",
            2,
            "status",
        ),
        (HEADER + "1,2,'m','2020-12-10 19:11:49-06:00'\n", "quantumqueue", 2, "status"),
        ("run_time,machine,date,status\n", "quantumqueue", 1, "queue_time"),
        ("; c\n1 0 1 2 1 -1 -1 1 1 -1 1 1 1 -1 1 1 -1\n", "swf", 2, "field 18"),
        ("1 0 -5 2 1 -1 -1 1 1 -1 1 1 1 -1 1 1 -1 -1\n", "swf", 1, "wait_time (field 3)"),
        (
            '{"backend": "b", "status": "DONE", "metrics": {"timestamps": {}}}\n',
            "ibm-jobs",
            1,
            "metrics.timestamps.created",
        ),
        (
            '\n{"backend": "b", "status": "DONE", "metrics": {"timestamps": {"created": '
            '"2024-01-01T00:01:00Z", "running": "2024-01-01T00:00:00Z"}}}\n',
            "ibm-jobs",
            2,
            "metrics.timestamps.running",
        ),
        ('{"backend": "b"\n', "ibm-jobs", 1, ""),
        ("created,running\n2024-01-01T00:00:00Z,2023-12-31T00:00:00Z\n", "csv", 2, "running"),
    ],
)
def test_bad_traces_name_line_and_field(text, fmt, line, field):
    mapping = "submitted=created,started=running" if fmt == "csv" else None
    with pytest.raises(TraceError) as err:
        read(text.encode(), fmt, mapping)
    assert (err.value.line, err.value.field) == (line, field)


def test_cli_bad_trace_exits_2_naming_line_and_field(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "1,2,'m','2020-12-10 19:11:49-06:00','JobStatus.DONE',-3\n")
    assert cli.main(["trace", "import", str(bad), "--format", "quantumqueue"]) == 2
    err = capsys.readouterr().err
    assert "bad.csv: line 2: batch: a duration cannot be negative" in err
    assert "Traceback" not in err
    assert cli.main(["trace", "import", str(bad), "--format", "parquet"]) == 2
    assert "--format: unknown format 'parquet'" in capsys.readouterr().err
    assert cli.main(["trace", "import", str(bad), "--format", "csv", "--map", "when=x"]) == 2
    assert "--map: unknown field 'when'" in capsys.readouterr().err
    assert cli.main(["trace", "import", str(tmp_path / "none.csv"), "--format", "swf"]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_replay_pattern_validation_names_fields():
    base = (
        "backends: [{name: b}]\ninstances: [{name: i}]\nusers: [{name: u, instance: i}]\n"
        "workloads:\n"
    )
    cases = {
        "  - {name: w, user: u, backend: b, pattern: replay, quantum: 0}\n": "workloads[0].replay",
        "  - {name: w, user: u, backend: b, pattern: replay, quantum: 0, jobs: 2, "
        "replay: [{at: 1}]}\n": "workloads[0].jobs",
        "  - {name: w, user: u, backend: b, pattern: replay, quantum: 0, "
        "replay: [{at: 5}, {at: 1}]}\n": "workloads[0].replay[1].at",
        "  - {name: w, user: u, backend: b, pattern: replay, quantum: 0, start: 9, "
        "replay: [{at: 5}]}\n": "workloads[0].replay[0].at",
        "  - {name: w, user: u, backend: b, pattern: replay, quantum: 0, "
        "replay: [{at: 5, observed_status: OK}]}\n": "workloads[0].replay[0].observed_status",
        "  - {name: w, user: u, backend: b, pattern: batch, jobs: 1, quantum: 0, "
        "replay: [{at: 5}]}\n": "workloads[0].replay",
    }
    for text, path in cases.items():
        with pytest.raises(ScenarioError) as err:
            parse_text(base + text)
        assert [p.path for p in err.value.problems] == [path], text


def test_replay_submits_at_recorded_times():
    # One backend, one instance: R5 inside an instance is FIFO by submission.
    # prepare() schedules a's first replay event at 0 and c's at 5; a's event at 0 submits
    # a.1 (runs 0–10, nothing else queued) and only then schedules a's next event at 5 —
    # after c's. So at 5, c.1 is submitted before a.2 (same instant, first scheduled first
    # handled). At 10 the oldest queued job, c.1, starts (1 s: 10–11), then a.2. a.2 gives
    # no quantum, so it takes the workload's (constant 2 s): 11–13.
    text = """
backends: [{name: b}]
instances: [{name: i}]
users: [{name: u, instance: i}]
workloads:
  - {name: a, user: u, backend: b, pattern: replay, quantum: 2s,
     replay: [{at: 0, quantum: 10}, {at: 5}]}
  - {name: c, user: u, backend: b, pattern: replay, quantum: 0, replay: [{at: 5, quantum: 1}]}
"""
    jobs = sim.run(parse_text(text)).jobs.set_index("job_id")
    got = jobs.loc[["a.1", "a.2", "c.1"], ["submitted", "started", "finished"]].values.tolist()
    assert got == [[0, 0, 10], [5, 11, 13], [5, 10, 11]]


def test_replay_stops_at_until():
    # until 50 s (R1): job 1 (0–10) and job 2 (submitted at 40, 20 s: it started before
    # until, so it runs to 60) happen; job 3 at 60 is never submitted.
    text = """
until: 50
backends: [{name: b}]
instances: [{name: i}]
users: [{name: u, instance: i}]
workloads:
  - {name: a, user: u, backend: b, pattern: replay, quantum: 0,
     replay: [{at: 0, quantum: 10}, {at: 40, quantum: 20}, {at: 60, quantum: 1}]}
"""
    jobs = sim.run(parse_text(text)).jobs
    assert jobs[["job_id", "started", "finished"]].values.tolist() == [
        ["a.1", 0, 10],
        ["a.2", 40, 60],
    ]


def test_ibm_jobs_line_shape_roundtrip(tmp_path):
    # A line exactly as export-ibm writes it (see test_traces_export) reads back.
    line = {
        "job_id": "x",
        "backend": "b",
        "status": "ERROR",
        "session_id": None,
        "metrics": {
            "timestamps": {"created": "2024-01-01T00:00:00Z", "running": None, "finished": None},
            "usage": None,
        },
    }
    p = tmp_path / "j.jsonl"
    p.write_text(json.dumps(line) + "\n")
    assert jobs_of(read(p, "ibm-jobs")) == [("b", 0.0, None, None, "ERROR", "", None)]
