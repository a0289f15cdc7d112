"""The Reservations page's what-if (R16, R27, R28), tested on sim.experiments.reservations_whatif.

The scenario, worked by hand: ibm-2024, instance A reserves qpu for [0, 10 min). User a
submits 5 jobs of 4 min together in a session at 0 (max_time 8 h by default). Inside the
window only A runs, FIFO (R27): jobs 1–3 run 0–4, 4–8 and 8–12 min; job 3 is running when
the window ends at 10 min and finishes (R28); jobs 4 and 5 fail with reservation_ended.
The jobs all last 4 min, so the counts below do not depend on the order inside the session
(R23).
"""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from sim.experiments import reservations_whatif as whatif
from tests.helpers import scenario

R28, R16, ALL = "reservation ended (R28)", "max_time (R16)", "all failed jobs"


def base(**fields) -> sim.Scenario:
    ws = [{"name": "cal", "user": "a", "pattern": "batch", "mode": "session", "jobs": 5,
           "quantum": "4m", **fields},
          {"name": "plain", "user": "a", "pattern": "batch", "mode": "job", "jobs": 1,
           "quantum": "1m", "start": 3600},
          {"name": "theirs", "user": "b", "pattern": "batch", "mode": "session", "jobs": 1,
           "quantum": "1m", "start": 3600}]  # fmt: skip
    return scenario(ws, rules="ibm-2024",
                    reservations=[{"backend": "qpu", "instance": "A", "start": 0,
                                   "end": 600}])  # fmt: skip


def test_R28_failures_of_the_run():
    assert whatif.failures(sim.run(base())) == {R28: 2, R16: 0, ALL: 2}


def test_R28_a_later_window_end_fails_fewer_jobs():
    # Window to 15 min: job 4 runs 12–16 min (running at the end: finishes), job 5 fails.
    changed = whatif.what_if(base(), 0, 900, None, None)
    assert changed.reservations[0].end == 900
    assert whatif.failures(sim.run(changed)) == {R28: 1, R16: 0, ALL: 1}


def test_R16_a_shorter_max_time_fails_the_jobs_queued_at_it():
    # max_time 5 min from the first start at 0: job 2 (4–8 min) is running and finishes;
    # jobs 3–5 fail with session_max_time, before the window ends.
    changed = whatif.what_if(base(), 0, 600, "cal", 300)
    assert whatif.failures(sim.run(changed)) == {R28: 0, R16: 3, ALL: 3}


def test_grid_counts_each_value_and_skips_invalid_ones():
    # End at 5 min: job 2 (4–8) finishes, jobs 3–5 fail (3); at 15 min 1; at 25 min all five
    # are done by 20 min (0). An end before the start is not a valid scenario: skipped.
    table = whatif.grid(
        [300, 900, 1500, -60], lambda t: whatif.what_if(base(), 0, t, None, None), sim.run
    )
    r28 = table[table["series"] == R28].set_index("x")["failed"].to_dict()
    assert r28 == {300: 3, 900: 1, 1500: 0}
    assert list(table.columns) == ["x", "series", "failed"] and len(table) == 9


def test_grid_skips_a_run_over_its_limits():
    def make(_: float) -> sim.Scenario:
        return base()

    def over(_: sim.Scenario) -> sim.Result:
        raise sim.ScenarioError([sim.Problem("run", "over the time limit")])

    assert whatif.grid([1.0], make, over).empty


def test_sessions_are_the_reserved_instances_sessions_on_its_backend():
    # plain is A's but in job mode; theirs is a session of B: neither has a max_time to vary.
    assert [w.name for w in whatif.sessions(base(), 0)] == ["cal"]


def test_sessions_skip_an_open_plan_session_that_runs_in_job_mode():
    # R21 under ibm-2024: an Open-plan session runs in job mode, so its max_time does nothing.
    s = scenario(
        [{"name": "o", "user": "a", "pattern": "batch", "mode": "session", "jobs": 1,
          "quantum": "1m"}],
        rules="ibm-2024", instances=[{"name": "A", "share": 1, "plan": "open"}],
        users=[{"name": "a", "instance": "A"}],
        reservations=[{"backend": "qpu", "instance": "A", "start": 0, "end": 600}],
    )  # fmt: skip
    assert whatif.sessions(s, 0) == []
    with pytest.raises(ValueError, match="without a session"):
        whatif.max_time_range(s, "o")


def test_end_range():
    # Window 0–10 min: from 5 min after its start to 0 + max(3 × 10 min, 10 min + 2 h).
    assert whatif.end_range(base(), 0) == (300.0, 7800.0)
    data = base().to_dict()
    data["reservations"].append({"backend": "qpu", "instance": "B", "start": 3000, "end": 3300})
    assert whatif.end_range(sim.from_dict(data), 0) == (300.0, 3000.0)  # the next window


def test_max_time_range_is_around_the_sessions_effective_max_time():
    span = whatif.max_time_range(base(), "cal")
    assert (span.low, span.high, span.current) == (300.0, 8 * 3600.0, 8 * 3600.0)
    # An ITTL of 10 min: a shorter max_time would be refused (R20), so the range starts there.
    span = whatif.max_time_range(base(interactive_ttl=600, max_time=3600), "cal")
    assert (span.low, span.current) == (600.0, 3600.0)


def test_stops_and_points_include_the_chosen_value():
    assert whatif.stops(300, 1200, 450) == [300.0, 450.0, 600.0, 900.0, 1200.0]
    assert whatif.points(0, 600, 250) == [0.0, 100.0, 200.0, 250.0, 300.0, 400.0, 500.0, 600.0]


def test_failed_at_window_end_keeps_the_rows_of_this_window():
    res = base().reservations[0]
    failed = pd.DataFrame(
        {
            "job_id": ["x", "y", "z", "u"],
            "backend": ["qpu", "qpu", "other", "qpu"],
            "reason": ["reservation_ended", "reservation_ended", "reservation_ended",
                       "session_max_time"],
            "failed_at": [600.0, 1200.0, 600.0, 600.0],
        }
    )  # fmt: skip
    assert list(whatif.failed_at_window_end(failed, res)["job_id"]) == ["x"]
