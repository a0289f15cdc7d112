"""Today's platform, backend side (issue 15, semantics §10): queue pauses (R40), idle close for
sessions only and pre-processing lanes (R41). Every expected time is worked out by hand in the
test's docstring.

Under ``ibm-2025`` the instances get allocations and the per-job billing overhead is set to 0:
these tests are about when things start, and neither fair share (one instance runs at a time
here) nor billing (R38) should move a start time they check.
"""

from __future__ import annotations

import pytest

import sim
from sim.analysis.explain import explain
from tests.helpers import job, run, session, starts

TODAY = {
    "rules": "ibm-2025",
    "instances": [{"name": "A", "allocation": "10h"}, {"name": "B", "allocation": "10h"}],
    "overrides": {"job_overhead_seconds": 0},
}


def _spans(result, kind: str) -> list[tuple[float, float]]:
    tl = result.timeline
    part = tl[tl["kind"] == kind]
    return list(zip(part["start"], part["end"], strict=True))


def _backend(**events):
    return [{"name": "qpu", **events}]


def _jobs(n: int, quantum: float = 10, **extra):
    return [{"name": "w", "user": "a", "pattern": "batch", "mode": "job", "jobs": n,
             "quantum": quantum, **extra}]  # fmt: skip


# --- R40: queue pauses ----------------------------------------------------------------------


@pytest.mark.parametrize("top", [TODAY, {"rules": "ibm-2024"}], ids=["ibm-2025", "ibm-2024"])
def test_r40_pause_delays_the_next_job_after_the_running_one(top):
    """R40 + R1: w.1, w.2, w.3 (quantum 10) queued at 0; a pause of 50 falls due at 5. w.1 is
    running and finishes (0–10); the paused queue starts nothing for 50 s: pause 10–60; then
    w.2 60–70, w.3 70–80. The pause is its own kind in the timeline and the event log."""
    r = run(_jobs(3), backends=_backend(pauses=[{"at": 5, "duration": 50}]), **top)
    assert starts(r) == {"w.1": 0.0, "w.2": 60.0, "w.3": 70.0}
    assert _spans(r, "pause") == [(10.0, 60.0)]
    assert _spans(r, "calibration") == []
    ev = r.events[r.events["event"].str.startswith("pause")]
    assert list(zip(ev["time"], ev["event"], ev["detail"], strict=True)) == [
        (5.0, "pause_due", "qpu/pause1"),
        (10.0, "pause_start", "qpu/pause1"),
        (60.0, "pause_end", "qpu/pause1"),
    ]


def test_r40_periodic_pause_first_at():
    """R40 periodic {every 100, first_at 50, duration 20}: w (one job, quantum 10) submitted
    at 55 finds the 50–70 pause and waits: 70–80, the end of the run (the one due at 150
    is after the user work and never happens)."""
    r = run(_jobs(1, start=55),
            backends=_backend(pauses=[{"every": 100, "first_at": 50, "duration": 20}]),
            **TODAY)  # fmt: skip
    assert _spans(r, "pause") == [(50.0, 70.0)]
    assert starts(r) == {"w.1": 70.0}
    assert r.end_time == 80.0


SESSION_3 = {"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 3,
             "quantum": 10}  # fmt: skip
BG = {"name": "bg", "user": "b", "pattern": "batch", "mode": "job", "jobs": 1, "quantum": 10}


def test_r40_an_active_session_keeps_a_pause_waiting_under_ibm_2025():
    """R40 + R25 (session_blocks_calibration, ibm-2025): the health check behind a pause is
    a job that cannot run during a session (docs: calibration-jobs). Session s.1 0–10,
    s.2 10–20, s.3 20–30, ends at 30 (after_last); the pause due at 5 runs 30–80; bg.1
    (user b, queued since 0) waits for it: 80–90."""
    r = run([SESSION_3, BG], backends=_backend(pauses=[{"at": 5, "duration": 50}]), **TODAY)
    assert starts(r) == {"s.1": 0.0, "s.2": 10.0, "s.3": 20.0, "bg.1": 80.0}
    assert _spans(r, "pause") == [(30.0, 80.0)]


def test_r40_under_ibm_2024_a_pause_goes_ahead_of_the_active_session():
    """R40 + R25 (ibm-2024, no blocking): the same scenario. s.1 0–10; the pause due at 5 goes
    ahead of the session's next job: 10–60; the session still holds the backend (R13):
    s.2 60–70, s.3 70–80; bg.1 80–90."""
    r = run([SESSION_3, BG], rules="ibm-2024",
            backends=_backend(pauses=[{"at": 5, "duration": 50}]))  # fmt: skip
    assert starts(r) == {"s.1": 0.0, "s.2": 60.0, "s.3": 70.0, "bg.1": 80.0}
    assert _spans(r, "pause") == [(10.0, 60.0)]


def test_r40_a_pause_is_explained_as_a_pause():
    """The wait of w.2 in the first test (queued 0–60) is w.1 running (R1), then the pause
    (R40) — not a calibration."""
    r = run(_jobs(3), backends=_backend(pauses=[{"at": 5, "duration": 50}]), **TODAY)
    intervals = explain(r, "w.2").intervals
    assert [(i.start, i.end, i.kind) for i in intervals] == [
        (0.0, 10.0, "job"),
        (10.0, 60.0, "pause"),
    ]
    assert intervals[1].rules == ("R40",)


def test_r40_pauses_count_in_the_backends_duty():
    """Periodic calibrations and pauses together may not take the whole backend."""
    with pytest.raises(sim.ScenarioError, match=r"backends\[0\].calibrations.*and pauses"):
        sim.from_dict({
            "backends": [{"name": "qpu", "calibrations": [{"every": 100, "duration": 60}],
                          "pauses": [{"every": 100, "duration": 40}]}],
            "instances": [{"name": "A"}], "users": [{"name": "a", "instance": "A"}],
            "workloads": [{**_jobs(1)[0], "backend": "qpu"}],
        })  # fmt: skip


# --- R41 / R22: idle close for sessions only --------------------------------------------------


def _opened_early(mode: str, **top):
    # Opened at 0, first jobs (2 × quantum 10) only at 2000, after the 30-minute idle close.
    return run([{"name": "w", "user": "a", "pattern": "batch", "mode": mode, "jobs": 2,
                 "quantum": 10, "open_at": 0, "start": 2000}], **top)  # fmt: skip


def test_r41_a_batch_is_not_idle_closed_under_ibm_2025():
    """R41 (idle_close_batches: false): a batch opened at 0 whose jobs come at 2000 is still
    open then: w.1 2000–2010, w.2 2010–2020, closed after the last (not idle_timeout)."""
    r = _opened_early("batch", **TODAY)
    assert starts(r) == {"w.1": 2000.0, "w.2": 2010.0}
    assert session(r, "w:batch")["end_reason"] == "closed"


def test_r41_a_session_is_still_idle_closed_under_ibm_2025():
    """R22 (sessions): the same as a session ends idle_timeout at 1800; its jobs at 2000 are
    refused ERROR session_closed."""
    r = _opened_early("session", **TODAY)
    s = session(r, "w:session")
    assert (s["end_reason"], s["ended"]) == ("idle_timeout", 1800.0)
    assert job(r, "w.1")["status"] == "ERROR" and job(r, "w.1")["reason"] == "session_closed"


def test_r41_ibm_current_still_idle_closes_batches():
    """The older reading (idle_close_batches: true) is unchanged: ibm-current closes the
    batch at 1800."""
    r = _opened_early("batch", rules="ibm-current")
    assert session(r, "w:batch")["end_reason"] == "idle_timeout"
    assert job(r, "w.1")["reason"] == "session_closed"


# --- R41: pre-processing lanes ----------------------------------------------------------------


def test_r41_six_jobs_five_lanes_the_sixth_waits_for_a_lane():
    """R41, 5 lanes (ibm-2025): w.1..w.6 (quantum 10, preprocess 30) submitted at 0. w.1..w.5
    pre-process 0–30 in the five lanes; w.6 waits for one: 30–60. At 30 w.1..w.5 enter the
    QPU's queue: 30–40, 40–50, 50–60, 60–70, 70–80; w.6 enters at 60 behind w.4 and w.5:
    80–90. The client sees RUNNING from the pre-processing's start (running_since 0 for
    w.1..w.5, 30 for w.6), the QPU from ``started``."""
    r = run(_jobs(6, preprocess=30), **TODAY)
    jobs = r.jobs.set_index("job_id")
    assert jobs["started"].to_dict() == {"w.1": 30.0, "w.2": 40.0, "w.3": 50.0, "w.4": 60.0,
                                         "w.5": 70.0, "w.6": 80.0}  # fmt: skip
    assert jobs["running_since"].to_dict() == {"w.1": 0.0, "w.2": 0.0, "w.3": 0.0,
                                               "w.4": 0.0, "w.5": 0.0, "w.6": 30.0}  # fmt: skip
    assert jobs["wait"].to_dict()["w.6"] == 80.0  # wait is still started - submitted
    assert all("R41" not in w for w in r.warnings)


def test_r41_running_since_is_started_without_preprocessing():
    """No preprocess: running_since = started (w.1 0, w.2 10)."""
    r = run(_jobs(2), **TODAY)
    jobs = r.jobs
    assert jobs["running_since"].tolist() == jobs["started"].tolist() == [0.0, 10.0]


def test_r41_older_profiles_have_no_lanes_and_say_the_field_is_ignored():
    """ibm-2024 (preprocess_lanes 0): the pre-processing stage does not exist; the same six
    jobs run back to back from 0 (w.k at 10(k-1)), running_since = started, and the run
    warns that `preprocess` was ignored."""
    r = run(_jobs(6, preprocess=30), rules="ibm-2024")
    assert starts(r) == {f"w.{k}": 10.0 * (k - 1) for k in range(1, 7)}
    assert r.jobs["running_since"].tolist() == r.jobs["started"].tolist()
    assert any("preprocess" in w and "R41" in w for w in r.warnings)


def test_r41_a_job_in_preprocessing_keeps_its_session_active():
    """R41 + R14: iterative session (ITTL 60 under ibm-2025), 2 jobs of quantum 10, no
    classical time, preprocess 100. s.1: pre-processing 0–100, QPU 100–110 (the session
    activates at 100). s.2 is submitted at 110 and pre-processes 110–210: a job in flight, so
    the ITTL (which would end at 170) does not deactivate the session; s.2 runs 210–220 and
    the session was active once."""
    r = run([{"name": "s", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 2,
              "quantum": 10, "preprocess": 100}], **TODAY)  # fmt: skip
    assert starts(r) == {"s.1": 100.0, "s.2": 210.0}
    assert job(r, "s.2")["running_since"] == 110.0
    assert session(r, "s:session")["activations"] == 1


def _one_lane(n: int, cancel: int, at: float):
    top = {**TODAY, "overrides": {"job_overhead_seconds": 0, "preprocess_lanes": 1}}
    actions = [{"workload": "w", "at": at, "do": "cancel_job", "job": cancel}]
    return run(_jobs(n, preprocess=30), actions=actions, **top)


def test_r41_cancelling_a_job_waiting_for_a_lane():
    """R41, one lane (override); w.1, w.2 (preprocess 30, quantum 10) at 0: w.1 pre-processes
    0–30, w.2 waits for the lane. w.2 cancelled at 10 ends CANCELLED user_cancelled and never
    runs; w.1 runs 30–40, the end of the run."""
    r = _one_lane(2, cancel=2, at=10)
    assert (job(r, "w.2")["status"], job(r, "w.2")["reason"]) == ("CANCELLED", "user_cancelled")
    assert starts(r)["w.1"] == 30.0
    assert r.end_time == 40.0


def test_r41_cancelling_a_job_in_a_lane_frees_the_lane_at_once():
    """R41, one lane; w.1, w.2, w.3 at 0. w.1 pre-processes from 0 and is cancelled at 10: its
    lane is free at once, so w.2 pre-processes 10–40 and runs 40–50; w.3 gets the lane at 40:
    40–70, runs 70–80. w.1 was RUNNING (running_since 0) but never reached the QPU."""
    r = _one_lane(3, cancel=1, at=10)
    assert job(r, "w.1")["status"] == "CANCELLED"
    assert job(r, "w.1")["running_since"] == 0.0
    assert starts(r)["w.2"] == 40.0 and starts(r)["w.3"] == 70.0
    assert job(r, "w.2")["running_since"] == 10.0 and job(r, "w.3")["running_since"] == 40.0
    assert r.end_time == 80.0


def test_r41_the_wait_explained_starts_with_the_lane_and_the_preprocessing():
    """The six-job run above: w.6 waited 0–30 for a lane, pre-processed 30–60 (RUNNING, not
    queued), then queued behind w.4 (60–70) and w.5 (70–80). The explanation says so, instead
    of "the backend was idle" for the first 30 s of w.1 (which only pre-processed 0–30)."""
    r = run(_jobs(6, preprocess=30), **TODAY)
    w6 = [(i.start, i.end, i.kind) for i in explain(r, "w.6").intervals]
    assert w6 == [(0.0, 30.0, "lane_wait"), (30.0, 60.0, "preprocess"), (60.0, 70.0, "job"),
                  (70.0, 80.0, "job")]  # fmt: skip
    w1 = explain(r, "w.1").intervals
    assert [(i.start, i.end, i.kind, i.rules) for i in w1] == [(0.0, 30.0, "preprocess",
                                                                ("R41",))]  # fmt: skip


def test_the_scenario_editor_keeps_pauses_and_preprocess():
    """Editing a scenario in the dashboard must not drop a backend's pauses (R40) or a
    workload's preprocess (R41): the tables round-trip to the same scenario, and a pause's
    problem points at its own table's row."""
    from ui import editor

    scenario = sim.from_dict({
        "rules": "ibm-2025",
        "backends": [{"name": "qpu", "pauses": [{"at": 45, "duration": 20},
                                                 {"every": 3600, "duration": 60}]}],
        "instances": [{"name": "A", "allocation": "10h"}],
        "users": [{"name": "a", "instance": "A"}],
        "workloads": [{**_jobs(6, preprocess=30)[0], "backend": "qpu"}],
    })  # fmt: skip
    general = editor.general_from_scenario(scenario)
    frames = editor.frames_from_scenario(scenario)
    assert frames["pauses"]["duration"].tolist() == ["20s", "1m"]
    assert frames["workloads"]["preprocess"].tolist() == ["30s"]
    built, problems = editor.build(general, frames)
    assert not problems and built == scenario
    bad = frames["pauses"].copy()
    bad.loc[0, "duration"] = "-1s"
    _, problems = editor.build(general, {**frames, "pauses": bad})
    assert ("pauses", 0, "duration") in {(p.table, p.row, p.field) for p in problems}
