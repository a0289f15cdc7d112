"""A scenario with a recorded program (pattern trace, issue 17) or recorded jobs (pattern
replay, issue 18) goes through the scenario editor's tables and back unchanged, and a broken
step is named in its row."""

from __future__ import annotations

from pathlib import Path

import sim
from sim.kernel.trace import place, read_workload
from ui import editor

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "vqe_session.trace.yaml"


def placed() -> sim.Scenario:
    spec = read_workload(EXAMPLE.read_bytes())
    return place(sim.preset("vqe-vs-background"), spec, backend="ibm_alpha", user="alice")


def test_a_trace_workload_round_trips_through_the_tables():
    scenario = placed()
    frames = editor.frames_from_scenario(scenario)
    general = editor.general_from_scenario(scenario)
    rebuilt, problems = editor.build(general, frames)
    assert not problems, problems
    assert rebuilt == scenario


def test_a_broken_step_is_located_in_its_row():
    scenario = placed()
    frames = editor.frames_from_scenario(scenario)
    w = frames["workloads"]
    row = int((w["pattern"] == "trace").to_numpy().nonzero()[0][0])
    w.loc[row, "trace"] = "[{do: job, quantum: 2s, waits: [5]}]"
    _, problems = editor.build(editor.general_from_scenario(scenario), frames)
    assert any(p.table == "workloads" and p.row == row and p.field == "trace[0].waits"
               and "job 5 is not submitted" in p.message for p in problems), problems  # fmt: skip


def test_a_replay_workload_round_trips_through_the_tables():
    """An imported trace's jobs (absolute times, observed waits) survive an edit in the
    dashboard: nothing of the user's data is dropped by the tables."""
    scenario = sim.from_dict(
        {
            "name": "imported", "seed": 1,
            "backends": [{"name": "ibmq_x"}],
            "instances": [{"name": "trace"}],
            "users": [{"name": "u", "instance": "trace"}],
            "workloads": [
                {"name": "w", "user": "u", "backend": "ibmq_x", "pattern": "replay",
                 "quantum": "30s",
                 "replay": [{"at": 0, "quantum": 75, "observed_wait": 0,
                             "observed_status": "DONE"},
                            {"at": 90.5, "observed_wait": 12.25,
                             "observed_status": "CANCELLED"}]},
            ],
        }
    )  # fmt: skip
    frames = editor.frames_from_scenario(scenario)
    rebuilt, problems = editor.build(editor.general_from_scenario(scenario), frames)
    assert not problems, problems
    assert rebuilt == scenario
