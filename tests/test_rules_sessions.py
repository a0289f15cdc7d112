"""Rule tests for sessions: R11–R16 and R20.

Every expected value is worked out by hand from ../shared/spec/semantics.md and docs/model.md;
the timeline comment above each assertion block is that reasoning. Default profile ibm-2024:
ITTL 60 s, max_time 8 h, close(): drain; ``close: after_last`` ends the session when its last
job is done. Session ids are ``WORKLOAD:session``.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import sim
from tests.helpers import job, run, scenario, session, starts

THREE_USERS = {
    "instances": [
        {"name": "A", "share": 1},
        {"name": "B", "share": 1},
        {"name": "C", "share": 1},
    ],
    "users": [
        {"name": "a", "instance": "A"},
        {"name": "b", "instance": "B"},
        {"name": "c", "instance": "C"},
    ],
}


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and value == "") or pd.isna(value)


def _one(name: str, user: str, quantum: float, start: float = 0, **extra: object) -> dict:
    """A job-mode workload that submits a single job at ``start``."""
    return {"name": name, "user": user, "pattern": "batch", "jobs": 1, "quantum": quantum,
            "start": start, **extra}  # fmt: skip


def _loop(name: str = "s", user: str = "a", **extra: object) -> dict:
    """An iterative session workload (override jobs/quantum/classical/... through ``extra``)."""
    return {"name": name, "user": user, "pattern": "iterative", "mode": "session", "jobs": 2,
            "quantum": 10, "classical": 20, **extra}  # fmt: skip


def _events(r: sim.Result, event: str, sid: str = "s:session") -> list[tuple[float, str]]:
    ev = r.events[(r.events["event"] == event) & (r.events["session_id"] == sid)]
    return list(zip(ev["time"], ev["detail"], strict=True))


def _start_rule(r: sim.Result, job_id: str) -> str:
    ev = r.events[(r.events["event"] == "start") & (r.events["job_id"] == job_id)]
    assert len(ev) == 1
    return ev["detail"].iloc[0]


def _held(r: sim.Result, backend: str = "qpu") -> list[tuple[float, float, str]]:
    t = r.timeline[(r.timeline["backend"] == backend) & (r.timeline["kind"] == "idle_held")]
    return list(zip(t["start"], t["end"], t["session_id"], strict=True))


# --- R11: one user/instance, one backend ---------------------------------------------------------


def test_r11_r13_session_holds_only_its_own_backend():
    # Session s (user a, instance A) on q1: s.1 0–10, held 10–30, s.2 30–40, closed at 40.
    # B's job on q2 (t=5) runs at once; B's job on q1 (t=5) waits for the session: 40.
    r = run(
        [
            _loop(backend="q1"),
            _one("b2", "b", 10, start=5, backend="q2"),
            _one("b1", "b", 10, start=5, backend="q1"),
        ],
        backends=[{"name": "q1"}, {"name": "q2"}],
    )
    s = session(r, "s:session")
    assert (s["user"], s["instance"], s["backend"], s["mode"]) == ("a", "A", "q1", "session")
    assert starts(r) == {"s.1": 0.0, "s.2": 30.0, "b2.1": 5.0, "b1.1": 40.0}
    assert _held(r, "q1") == [(10.0, 30.0, "s:session")]
    assert _held(r, "q2") == []


# --- R12: the first job waits; the max_time clock ------------------------------------------------


def test_r12_first_session_job_waits_in_the_fair_share_queue():
    # b0.1 (B) runs 0–50. cj.1 (C) queued at 5, the session's first job s.1 at 10 (session
    # created at 10, not yet active, so no priority). t=50: A 0 = C 0 → older cj.1 (50–60);
    # s.1 starts at 60 by fair share → the session becomes active at 60.
    r = run(
        [_one("b0", "b", 50), _one("cj", "c", 10, start=5), _loop(jobs=1, start=10)],
        **THREE_USERS,
    )
    assert starts(r) == {"b0.1": 0.0, "cj.1": 50.0, "s.1": 60.0}
    assert _start_rule(r, "s.1") == "R5 fair share"
    s = session(r, "s:session")
    assert (s["created"], s["activated"]) == (10.0, 60.0)
    assert _events(r, "session_activate") == [(60.0, "first")]


def test_r12_r16_max_time_clock_starts_at_first_job_start():
    # cb.1 (C) runs 0–50; the session (max_time 110) submits s.1 at t=1, which starts at 50 →
    # the clock runs 50 → 160 (not 1 → 111).
    # Quantum 10, think 5: s.k starts at 50 + 15(k-1): s.7 140–150, s.8 155–165 (running when
    # max_time runs out at 160 → finishes DONE; the session ends at 165, end_reason max_time).
    # s.9 is submitted at 170 → rejected ERROR session_max_time; the loop stops there.
    # (Counting from submission, s.6 at t=125 would already be rejected.)
    r = run(
        [_one("cb", "c", 50), _loop(jobs=20, classical=5, max_time=110, start=1)],
        **THREE_USERS,
    )
    st = starts(r)
    assert [st[f"s.{k}"] for k in range(1, 9)] == [50.0 + 15 * (k - 1) for k in range(1, 9)]
    s8 = job(r, "s.8")
    assert (s8["finished"], s8["status"]) == (165.0, "DONE")
    s9 = job(r, "s.9")
    assert (s9["submitted"], s9["status"], s9["reason"]) == (170.0, "ERROR", "session_max_time")
    assert math.isnan(s9["started"])
    assert len(r.jobs[r.jobs["workload"] == "s"]) == 9
    s = session(r, "s:session")
    assert (s["activated"], s["ended"], s["end_reason"]) == (50.0, 165.0, "max_time")


def test_r12_max_time_clock_never_pauses_while_inactive():
    # ITTL 20 < think time 30, max_time 100, quantum 10:
    # t=0 s.1 0–10 (active; clock ends at 100). ITTL out at 30 → inactive.
    # t=40 s.2 submitted, starts at once (reactivated), 40–50; inactive at 70.
    # t=80 s.3 80–90; ITTL would run out at 110, but max_time comes at 100 with nothing queued
    # or running → the session ends at 100. s.4 (t=120) rejected, session_max_time.
    # A clock that paused while inactive (30–40, 70–80) would still let s.4 run at 120.
    # Billed: active spans 0–30, 40–70, 80–100 = 80 (R9).
    r = run([_loop(jobs=5, classical=30, interactive_ttl=20, max_time=100)])
    assert starts(r)["s.3"] == 80.0
    s4 = job(r, "s.4")
    assert (s4["submitted"], s4["status"], s4["reason"]) == (120.0, "ERROR", "session_max_time")
    s = session(r, "s:session")
    assert (s["ended"], s["end_reason"], s["activations"]) == (100.0, "max_time", 3)
    assert s["usage_seconds"] == 80.0
    assert [t for t, _ in _events(r, "session_deactivate")] == [30.0, 70.0]


# --- R13: session priority and the held backend --------------------------------------------------


def test_r13_active_session_runs_first_and_holds_the_backend():
    # Session s (A): 3 jobs, think 20 < ITTL 60. B queues b.1, b.2 at t=5 (B has used nothing).
    # t=0 s.1 0–10; held 10–30 although b.1 is queued; s.2 (t=30) runs at once, 30–40;
    # held 40–60; s.3 60–70; last job done → session ends at 70. b.1 70–80, b.2 80–90.
    r = run(
        [
            _loop(jobs=3),
            {"name": "b", "user": "b", "pattern": "batch", "jobs": 2, "quantum": 10, "start": 5},
        ]
    )
    assert starts(r) == {"s.1": 0.0, "s.2": 30.0, "s.3": 60.0, "b.1": 70.0, "b.2": 80.0}
    assert _start_rule(r, "s.2") == "R13 session priority"
    assert _start_rule(r, "s.3") == "R13 session priority"
    assert _held(r) == [(10.0, 30.0, "s:session"), (40.0, 60.0, "s:session")]
    held_users = r.timeline.loc[r.timeline["kind"] == "idle_held", "user"]
    assert set(held_users) == {"a"}
    s = session(r, "s:session")
    assert (s["idle_held_seconds"], s["usage_seconds"], s["activations"]) == (40.0, 70.0, 1)
    assert (s["ended"], s["end_reason"]) == (70.0, "closed")


# --- R14 / R15: ITTL expiry and reactivation -----------------------------------------------------


def _ittl_run() -> sim.Result:
    # Session s (A): 2 jobs, think 100 > ITTL 60. bj.1 (B, 50 s) queued at 5; cj.1 (C) at 115.
    # t=0 s.1 0–10; held 10–70; t=70 ITTL out, nothing queued → inactive, A charged 70.
    # bj.1 70–120 (fair share). s.2 submitted 110 → waits in the queue; cj.1 at 115.
    # t=120: C 0 < A 70 → cj.1 (120–130) although s.2 is older; t=130 s.2 by fair share →
    # the session is reactivated; 130–140; closed at 140. Billed 70 + 10 = 80.
    return run(
        [
            _loop(classical=100),
            _one("bj", "b", 50, start=5),
            _one("cj", "c", 10, start=115),
        ],
        **THREE_USERS,
    )


def test_r14_ittl_expiry_makes_the_session_inactive_and_others_run():
    r = _ittl_run()
    assert _events(r, "session_deactivate") == [(70.0, "interactive_ttl")]
    assert _held(r) == [(10.0, 70.0, "s:session")]
    assert job(r, "bj.1")["started"] == 70.0
    assert _start_rule(r, "bj.1") == "R5 fair share"


def test_r15_reactivation_only_through_the_fair_share_queue():
    r = _ittl_run()
    assert starts(r) == {"s.1": 0.0, "bj.1": 70.0, "cj.1": 120.0, "s.2": 130.0}
    assert _start_rule(r, "s.2") == "R5 fair share"
    assert _events(r, "session_activate") == [(0.0, "first"), (130.0, "reactivated")]
    s = session(r, "s:session")
    assert (s["activations"], s["usage_seconds"], s["idle_held_seconds"]) == (2, 80.0, 60.0)
    assert (s["ended"], s["end_reason"]) == (140.0, "closed")


# --- R16: max_time -------------------------------------------------------------------------------


def test_r16_max_time_running_job_finishes_queued_jobs_fail():
    # Session s (A, max_time 100): 5 jobs of 30 s submitted at t=0; b.1 (B) queued at 10.
    # s.1 0–30, s.2 30–60, s.3 60–90, s.4 90–120. t=100 max_time: s.4 keeps running and ends
    # DONE at 120; s.5 (queued) fails at 100, ERROR session_max_time. The session ends at 120
    # and b.1 runs at 120.
    r = run(
        [
            {"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 5,
             "quantum": 30, "max_time": 100},
            _one("b", "b", 10, start=10),
        ]
    )  # fmt: skip
    s4 = job(r, "s.4")
    assert (s4["started"], s4["finished"], s4["status"]) == (90.0, 120.0, "DONE")
    s5 = job(r, "s.5")
    assert (s5["status"], s5["reason"]) == ("ERROR", "session_max_time")
    assert math.isnan(s5["started"])
    errors = r.events[(r.events["event"] == "error") & (r.events["job_id"] == "s.5")]
    assert list(errors["time"]) == [100.0]
    assert job(r, "b.1")["started"] == 120.0
    s = session(r, "s:session")
    assert (s["ended"], s["end_reason"], s["jobs_done"], s["jobs_failed"]) == (
        120.0, "max_time", 4, 1,
    )  # fmt: skip


def test_r16_submission_after_max_time_is_rejected():
    # max_time 100, think 100: s.1 0–10; inactive at 70 (charged 70); max_time at 100 ends the
    # (inactive) session. s.2 submitted at 110 → rejected ERROR session_max_time, never runs;
    # the iterative loop stops, so s.3 is never submitted.
    r = run([_loop(jobs=3, classical=100, max_time=100)])
    s2 = job(r, "s.2")
    assert (s2["submitted"], s2["status"], s2["reason"]) == (110.0, "ERROR", "session_max_time")
    assert math.isnan(s2["started"]) and math.isnan(s2["finished"])
    assert list(r.jobs["job_id"]) == ["s.1", "s.2"]
    s = session(r, "s:session")
    assert (s["ended"], s["end_reason"], s["usage_seconds"]) == (100.0, "max_time", 70.0)


# --- R20: profile defaults and validation --------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "ittl", "expected_ittl", "b_start", "activations"),
    [
        # ibm-2023: fixed 300 s; held 10–110, s.2 110–120, closed at 120 → b.1 at 120.
        ("ibm-2023", None, 300.0, 120.0, 1),
        # ibm-2023 ignores the workload's 20 s (which would free the backend at 30).
        ("ibm-2023", 20, 300.0, 120.0, 1),
        # ibm-2024 / ibm-current: 60 s; inactive at 70 → b.1 70–80; s.2 (t=110) reactivates.
        ("ibm-2024", None, 60.0, 70.0, 2),
        ("ibm-current", None, 60.0, 70.0, 2),
        # ibm-2024 honours the workload's 2 minutes: still held when s.2 arrives at 110;
        # closed at 120 → b.1 at 120.
        ("ibm-2024", "2m", 120.0, 120.0, 1),
    ],
)
def test_r20_profile_default_interactive_ttl(rules, ittl, expected_ittl, b_start, activations):
    # Session s: s.1 0–10, think 100, s.2 submitted at 110. b.1 (B) queued at 5.
    extra = {} if ittl is None else {"interactive_ttl": ittl}
    r = run([_loop(classical=100, **extra), _one("b", "b", 10, start=5)], rules=rules)
    s = session(r, "s:session")
    assert s["interactive_ttl"] == expected_ittl
    assert s["activations"] == activations
    assert job(r, "b.1")["started"] == b_start
    assert job(r, "s.2")["started"] == 110.0


@pytest.mark.parametrize("rules", ["ibm-2023", "ibm-2024", "ibm-current"])
def test_r20_default_max_time_is_eight_hours(rules):
    r = run([_loop(jobs=1)], rules=rules)
    assert session(r, "s:session")["max_time"] == 8 * 3600.0


def _problem_paths(workloads: list[dict]) -> list[str]:
    with pytest.raises(sim.ScenarioError) as err:
        scenario(workloads)
    return [p.path for p in err.value.problems]


def test_r20_max_time_above_eight_hours_is_refused():
    paths = _problem_paths([_loop(), _loop(name="t", user="b", max_time="8h 1m")])
    assert paths == ["workloads[1].max_time"]


def test_r20_max_time_of_exactly_eight_hours_is_accepted():
    sc = scenario([_loop(max_time="8h")])
    assert sc.workloads[0].max_time == 8 * 3600.0


@pytest.mark.parametrize(
    "extra",
    [
        {"max_time": 100, "interactive_ttl": 200},
        # No max_time: ITTL is compared with the 8 h default.
        {"interactive_ttl": "9h"},
    ],
)
def test_r20_interactive_ttl_above_max_time_is_refused(extra):
    paths = _problem_paths([_loop(**extra)])
    assert len(paths) == 1
    assert paths[0] in ("workloads[0].interactive_ttl", "workloads[0].max_time")


def test_r20_interactive_ttl_equal_to_max_time_is_accepted():
    sc = scenario([_loop(max_time=100, interactive_ttl=100)])
    assert (sc.workloads[0].max_time, sc.workloads[0].interactive_ttl) == (100.0, 100.0)
