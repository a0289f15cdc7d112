"""Rule tests for the machine and the fair-share queue: R1–R10.

Every expected value below is worked out by hand from ../shared/spec/semantics.md and
docs/model.md; the timeline comment above each assertion block is that reasoning.
Conventions used throughout (docs/model.md):
- a job-mode job is charged its quantum seconds when it finishes, before the backend picks again
  at that instant;
- with equal shares the fair-share key is just the usage, and ties go to the older head job;
- prior usage (``used``) is charged at t=0.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.helpers import job, run, starts

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
    return {
        "name": name,
        "user": user,
        "pattern": "batch",
        "jobs": 1,
        "quantum": quantum,
        "start": start,
        **extra,
    }


def _three(**top: object) -> dict:
    """Instances A, B, C (share 1) and users a, b, c; ``top`` may override instances."""
    return {**THREE_USERS, **top}


# --- R1: one job at a time, no pre-emption -------------------------------------------------------


def test_r1_backend_runs_one_job_at_a_time():
    # Three 10 s jobs submitted together at t=0 run back to back:
    # t=0 a.1; t=10 a.2; t=20 a.3; done at 30.
    r = run([{"name": "a", "user": "a", "pattern": "batch", "jobs": 3, "quantum": 10}])
    assert starts(r) == {"a.1": 0.0, "a.2": 10.0, "a.3": 20.0}
    assert list(r.jobs["finished"]) == [10.0, 20.0, 30.0]
    jobs = r.timeline[r.timeline["kind"] == "job"].sort_values("start")
    # No two job segments overlap on the backend.
    assert (jobs["start"].to_numpy()[1:] >= jobs["end"].to_numpy()[:-1]).all()


def test_r1_calibration_due_mid_job_waits_for_the_job():
    # Calibration due at t=5 while a.1 (0–10) runs: a.1 is not pre-empted and finishes DONE
    # at 10; the calibration runs 10–30 (R25: ahead of a.2); a.2 starts at 30.
    r = run(
        [{"name": "a", "user": "a", "pattern": "batch", "jobs": 2, "quantum": 10}],
        backends=[{"name": "qpu", "calibrations": [{"at": 5, "duration": 20}]}],
    )
    a1 = job(r, "a.1")
    assert (a1["started"], a1["finished"], a1["status"]) == (0.0, 10.0, "DONE")
    assert job(r, "a.2")["started"] == 30.0
    cal = r.timeline[r.timeline["kind"] == "calibration"]
    assert list(zip(cal["start"], cal["end"], strict=True)) == [(10.0, 30.0)]


def test_r1_reservation_does_not_preempt_the_running_job():
    # b.1 runs 0–20. A's reservation opens at t=5 while b.1 runs: b.1 still finishes at 20
    # (DONE). a.1 (submitted t=6) starts at 20, inside A's window.
    r = run(
        [_one("b", "b", 20, start=0), _one("a", "a", 10, start=6)],
        reservations=[{"backend": "qpu", "instance": "A", "start": 5, "end": 100}],
    )
    b1 = job(r, "b.1")
    assert (b1["started"], b1["finished"], b1["status"]) == (0.0, 20.0, "DONE")
    assert job(r, "a.1")["started"] == 20.0


# --- R2: one queue per backend, usage counted across backends ------------------------------------


def test_r2_usage_on_one_backend_changes_the_order_on_another():
    # q1: a1.1 (A) runs 0–100; A is charged 100 at t=100.
    # q2: c1.1 (C) runs 0–200. a2.1 (A) queued at 105, b2.1 (B) at 110 — both on q2, so they
    #     wait for q2 even though q1 is idle from t=100 (each backend its own queue).
    # t=200 on q2: A used 100 (on q1!), B used 0 → b2.1 first (200–210) although a2.1 is
    #     older; a2.1 at 210. Were usage per backend, A and B would tie and a2.1 would go first.
    r = run(
        [
            _one("a1", "a", 100, backend="q1"),
            _one("c1", "c", 200, backend="q2"),
            _one("a2", "a", 10, start=105, backend="q2"),
            _one("b2", "b", 10, start=110, backend="q2"),
        ],
        backends=[{"name": "q1"}, {"name": "q2"}],
        **_three(),
    )
    assert starts(r) == {"a1.1": 0.0, "c1.1": 0.0, "b2.1": 200.0, "a2.1": 210.0}
    assert job(r, "a2.1")["backend"] == "q2"


# --- R3: max_execution_time and the 3 h system limit ---------------------------------------------


def test_r3_max_execution_time_stops_the_job_and_charges_the_time_it_ran():
    # a1.1 wants 100 s but has max_execution_time 30: runs 0–30, ERROR max_execution_time.
    # A is charged 30 (the time it ran) at t=30; B has prior usage 40.
    # bj.1 (B) queued at 5, a2.1 (A) at 10. t=30: A 30 < B 40 → a2.1 (30–40), then bj.1 (40–50).
    # Charging the full 100 s quantum would put bj.1 first.
    r = run(
        [
            _one("a1", "a", 100, max_execution_time=30),
            _one("bj", "b", 10, start=5),
            _one("a2", "a", 10, start=10),
        ],
        instances=[{"name": "A", "share": 1}, {"name": "B", "share": 1, "used": 40}],
    )
    a1 = job(r, "a1.1")
    assert (a1["started"], a1["finished"]) == (0.0, 30.0)
    assert (a1["status"], a1["reason"]) == ("ERROR", "max_execution_time")
    assert starts(r) == {"a1.1": 0.0, "bj.1": 40.0, "a2.1": 30.0}
    charges = r.events[(r.events["event"] == "charge") & (r.events["job_id"] == "a1.1")]
    assert [float(d) for d in charges["detail"]] == [30.0]


@pytest.mark.parametrize("limit", [20, 30])
def test_r3_job_within_its_max_execution_time_is_done(limit):
    # quantum 20 with max_execution_time 20 or 30: the job is not cut short (runs 0–20, DONE).
    r = run([_one("a", "a", 20, max_execution_time=limit)])
    a1 = job(r, "a.1")
    assert (a1["finished"], a1["status"]) == (20.0, "DONE")
    assert _empty(a1["reason"])


@pytest.mark.parametrize("limit", [None, "5h"])
def test_r3_system_limit_of_three_hours(limit):
    # A 4 h job, without a limit or with a 5 h one, stops at min(limit, 3 h) = 10800 s.
    extra = {} if limit is None else {"max_execution_time": limit}
    r = run([_one("a", "a", "4h", **extra)])
    a1 = job(r, "a.1")
    assert (a1["started"], a1["finished"]) == (0.0, 10800.0)
    assert (a1["status"], a1["reason"]) == ("ERROR", "max_execution_time")


# --- R4: statuses --------------------------------------------------------------------------------


def test_r4_job_not_started_before_until_is_queued():
    # until=15: a.1 0–10; a.2 starts at 10 (< 15) and runs to completion at 20 (> until);
    # a.3 would start at 20, after until → QUEUED with empty started/finished/reason.
    r = run(
        [{"name": "a", "user": "a", "pattern": "batch", "jobs": 3, "quantum": 10}],
        until=15,
    )
    a2 = job(r, "a.2")
    assert (a2["started"], a2["finished"], a2["status"]) == (10.0, 20.0, "DONE")
    a3 = job(r, "a.3")
    assert a3["status"] == "QUEUED"
    assert math.isnan(a3["started"]) and math.isnan(a3["finished"])
    assert _empty(a3["reason"])


def test_r4_every_job_has_exactly_one_final_state_with_a_reason():
    # m.1 (B) runs 0–20 and is stopped by max_execution_time 20 → ERROR max_execution_time.
    # a.1..a.3 (A) queued at 1, late.1 (C) at 2; cancel_job a.3 at t=5 → CANCELLED user_cancelled.
    # t=20: A 0, C 0 (tie) → older head a.1 (20–30). t=30: C 0 < A 10 → late.1 (30–40, ends
    # after until). t=40 ≥ until=35 → a.2 stays QUEUED.
    r = run(
        [
            _one("m", "b", 50, max_execution_time=20),
            {"name": "a", "user": "a", "pattern": "batch", "jobs": 3, "quantum": 10, "start": 1},
            _one("late", "c", 10, start=2),
        ],
        actions=[{"workload": "a", "at": 5, "do": "cancel_job", "job": 3}],
        until=35,
        **_three(),
    )
    got = {
        jid: (status, None if _empty(reason) else reason)
        for jid, status, reason in zip(
            r.jobs["job_id"], r.jobs["status"], r.jobs["reason"], strict=True
        )
    }
    assert got == {
        "m.1": ("ERROR", "max_execution_time"),
        "a.1": ("DONE", None),
        "a.2": ("QUEUED", None),
        "a.3": ("CANCELLED", "user_cancelled"),
        "late.1": ("DONE", None),
    }
    assert starts(r)["late.1"] == 30.0
    assert math.isnan(job(r, "a.3")["started"])
    # One terminal event per finished job, none for the queued one.
    final = r.events[r.events["event"].isin(["done", "error", "cancelled"])]
    assert sorted(final["job_id"]) == ["a.1", "a.3", "late.1", "m.1"]


# --- R5: fair-share order, FIFO inside an instance -----------------------------------------------


def test_r5_order_by_used_fraction_not_submission_order():
    # A submits a.1–a.3 at t=0, B submits b.1–b.2 at t=1 (equal shares, all 10 s).
    # t=0 only A queued → a.1 (A=10). t=10 B 0 < A 10 → b.1 (B=10).
    # t=20 tie 10/10 → older head a.2 (t=0) over b.2 (t=1) → a.2 (A=20).
    # t=30 B 10 < A 20 → b.2. t=40 a.3.
    # Submission order would be a.1 a.2 a.3 b.1 b.2; inside A it stays FIFO (a.2 before a.3).
    r = run(
        [
            {"name": "a", "user": "a", "pattern": "batch", "jobs": 3, "quantum": 10},
            {"name": "b", "user": "b", "pattern": "batch", "jobs": 2, "quantum": 10, "start": 1},
        ]
    )
    assert starts(r) == {"a.1": 0.0, "a.2": 20.0, "a.3": 40.0, "b.1": 10.0, "b.2": 30.0}


# --- R6: hub/group/project hierarchy -------------------------------------------------------------


def test_r6_group_is_chosen_before_project():
    # One hub h, groups g1 and g2 (weight 1 each → 50 % each). g1 holds p1 and p2 (25 % each),
    # g2 holds q (50 %). Prior usage: p1 0, p2 100, q 60.
    # Group keys: g1 = 100/0.5 = 200, g2 = 60/0.5 = 120 (÷ window) → g2 first.
    # A flat per-project comparison would give p1 = 0, p2 = 400, q = 120 → p1 first at t=0.
    # t=0 q.1 (q=70 → g2 140 < 200); t=10 q.2 (q=80 → 160); t=20 g1: p1 key 0 < p2 400 →
    # p1.1; t=30 p2.1.
    r = run(
        [
            _one("p2", "u2", 10),
            _one("p1", "u1", 10),
            {"name": "q", "user": "uq", "pattern": "batch", "jobs": 2, "quantum": 10},
        ],
        instances=[
            {"name": "h/g1/p1", "share": 1, "used": 0},
            {"name": "h/g1/p2", "share": 1, "used": 100},
            {"name": "h/g2/q", "share": 1, "used": 60},
        ],
        users=[
            {"name": "u1", "instance": "h/g1/p1"},
            {"name": "u2", "instance": "h/g1/p2"},
            {"name": "uq", "instance": "h/g2/q"},
        ],
    )
    assert starts(r) == {"q.1": 0.0, "q.2": 10.0, "p1.1": 20.0, "p2.1": 30.0}


def test_r6_effective_share_is_the_product_down_the_tree():
    # hubs h1:h2 = 3:2 → 60 % / 40 %; h1's groups g1:g2 = 1:2 → g1 = 20 %, g2 = 40 %;
    # h2/g = 40 %. Prior usage: h1/g1/p 30, h2/g/p 50.
    # Keys: h1/g1 = 30/0.2 = 150, h2/g = 50/0.4 = 125 → h2's job first (0–20), then h1's (20).
    # Hub weights ignored (all groups 1/3): 90 vs 150 → h1 first. Group split ignored
    # (h1/g1 = 30 %): 100 vs 125 → h1 first. Only the product puts h2 first.
    r = run(
        [_one("x", "u1", 10), _one("y", "u2", 20)],
        instances=[
            {"name": "h1/g1/p", "share": 1, "used": 30},
            {"name": "h1/g2/p", "share": 1},
            {"name": "h2/g/p", "share": 1, "used": 50},
        ],
        hubs={"h1": 3, "h2": 2},
        groups={"h1/g1": 1, "h1/g2": 2},
        users=[{"name": "u1", "instance": "h1/g1/p"}, {"name": "u2", "instance": "h2/g/p"}],
    )
    assert starts(r) == {"y.1": 0.0, "x.1": 20.0}


# --- R7: share weights, ties, the rolling window -------------------------------------------------


def test_r7_bigger_share_runs_more():
    # Shares A:B = 3:1, so compare used_A/3 with used_B/1. A's six jobs at t=0, B's at t=1.
    # t=0 a.1 (only A queued; A=10 → 3.3). t=10 B 0 → b.1 (B=10).
    # t=20 A 3.3 → a.2 (A=20 → 6.7). t=30 A 6.7 → a.3 (A=30 → 10).
    # t=40 tie 10/10 → older head a.4 (t=0) over b.2 (t=1) (A=40 → 13.3). t=50 B 10 → b.2 (B=20).
    # t=60 a.5 (A → 16.7). t=70 a.6 (A → 20). A is empty: b.3–b.6 at 80, 90, 100, 110.
    # In the first 80 s A ran six jobs and B two: 3:1.
    r = run(
        [
            {"name": "a", "user": "a", "pattern": "batch", "jobs": 6, "quantum": 10},
            {"name": "b", "user": "b", "pattern": "batch", "jobs": 6, "quantum": 10, "start": 1},
        ],
        instances=[{"name": "A", "share": 3}, {"name": "B", "share": 1}],
    )
    assert starts(r) == {
        "a.1": 0.0, "b.1": 10.0, "a.2": 20.0, "a.3": 30.0, "a.4": 40.0, "b.2": 50.0,
        "a.5": 60.0, "a.6": 70.0, "b.3": 80.0, "b.4": 90.0, "b.5": 100.0, "b.6": 110.0,
    }  # fmt: skip


def test_r7_tie_goes_to_the_older_job():
    # c.1 (C) runs 0–50. B's job is queued at 10, A's at 20 (A listed first). At t=50 A and B
    # both used 0 → tie → B's older job (50–60), then A's (60).
    r = run(
        [_one("c", "c", 50), _one("a", "a", 10, start=20), _one("b", "b", 10, start=10)],
        **_three(),
    )
    assert starts(r) == {"c.1": 0.0, "b.1": 50.0, "a.1": 60.0}


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        # Default 28 days: at t=110 A 50 > B 30 → bw.1 first (110), aw.1 at 120.
        (None, {"aw.1": 120.0, "bw.1": 110.0}),
        # Window 100 s: at t=110 A's prior 50 (charged at t=0) has left the window, B's 30
        # (charged at t=30) has not → A 0 < B 30 → aw.1 first (110) although bw.1 is older.
        (100, {"aw.1": 110.0, "bw.1": 120.0}),
    ],
)
def test_r7_usage_leaves_the_rolling_window(window, expected):
    # t=0 b0.1 (B) runs 0–30 → B charged 30 at t=30. c.1 (C, queued t=1) runs 30–110.
    # bw.1 (B) queued at 40, aw.1 (A) at 50. A has prior usage 50 (charged at t=0).
    top = {} if window is None else {"overrides": {"fair_share_window": window}}
    r = run(
        [
            _one("b0", "b", 30),
            _one("c", "c", 80, start=1),
            _one("bw", "b", 10, start=40),
            _one("aw", "a", 10, start=50),
        ],
        **_three(
            instances=[
                {"name": "A", "share": 1, "used": 50},
                {"name": "B", "share": 1},
                {"name": "C", "share": 1},
            ]
        ),
        **top,
    )
    assert starts(r) == {"b0.1": 0.0, "c.1": 30.0, **expected}


# --- R8: prior usage -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("used", "expected"),
    [
        # No prior usage: at t=50 A and B tie at 0 → A's older job (t=10) first.
        (None, {"a.1": 50.0, "b.1": 60.0}),
        # A has used 2 minutes already: B 0 < A 120 → B's younger job first.
        ("2m", {"a.1": 60.0, "b.1": 50.0}),
    ],
)
def test_r8_prior_usage_changes_the_order(used, expected):
    # c.1 (C) runs 0–50; a.1 queued at 10, b.1 at 20.
    a = {"name": "A", "share": 1} | ({} if used is None else {"used": used})
    r = run(
        [_one("c", "c", 50), _one("a", "a", 10, start=10), _one("b", "b", 10, start=20)],
        **_three(instances=[a, {"name": "B", "share": 1}, {"name": "C", "share": 1}]),
    )
    assert starts(r) == {"c.1": 0.0, **expected}


# --- R9: what counts as usage --------------------------------------------------------------------


def test_r9_session_charges_wall_clock_and_job_mode_charges_quantum():
    # q2: b0.1 (B, job mode) runs 0–30 → B charged its quantum, 30.
    # q1: session s (A): s.1 0–10, held idle 10–30 (think time 20 < ITTL 60), s.2 30–40,
    #     last job done → closed at 40 → A charged the wall clock 0–40 = 40 (quantum only 20).
    # q1: c0.1 (C) 41–61. aj.1 (A) queued 45, bj.1 (B) 50.
    # t=61: A 40 > B 30 → bj.1 (61–71), aj.1 (71). Charging the session's quantum (20) would
    # put aj.1 first.
    r = run(
        [
            {
                "name": "s", "user": "a", "backend": "q1", "pattern": "iterative",
                "mode": "session", "jobs": 2, "quantum": 10, "classical": 20,
            },
            _one("b0", "b", 30, backend="q2"),
            _one("c0", "c", 20, start=41, backend="q1"),
            _one("aj", "a", 10, start=45, backend="q1"),
            _one("bj", "b", 10, start=50, backend="q1"),
        ],
        backends=[{"name": "q1"}, {"name": "q2"}],
        **_three(),
    )  # fmt: skip
    s = r.sessions.set_index("session_id").loc["s:session"]
    assert (s["usage_seconds"], s["idle_held_seconds"]) == (40.0, 20.0)
    assert starts(r) == {
        "s.1": 0.0, "s.2": 30.0, "b0.1": 0.0, "c0.1": 41.0, "bj.1": 61.0, "aj.1": 71.0,
    }  # fmt: skip


def test_r9_session_charges_idle_interactive_timeout_time():
    # Session s (A, close: never): s.1 0–10, then held 10–70 until the 60 s ITTL runs out →
    # inactive at 70, A charged 70 (of which 60 idle). c0.1 (C, queued t=20) waits for the
    # held backend and runs 70–100. aj.1 (A) queued 80, bj.1 (B, prior usage 65) at 85.
    # t=100: A 70 > B 65 → bj.1 (100–110), aj.1 (110). Without the idle time A would be 10.
    r = run(
        [
            {
                "name": "s", "user": "a", "pattern": "iterative", "mode": "session",
                "jobs": 1, "quantum": 10, "close": "never",
            },
            _one("c0", "c", 30, start=20),
            _one("aj", "a", 10, start=80),
            _one("bj", "b", 10, start=85),
        ],
        **_three(
            instances=[
                {"name": "A", "share": 1},
                {"name": "B", "share": 1, "used": 65},
                {"name": "C", "share": 1},
            ]
        ),
    )  # fmt: skip
    s = r.sessions.set_index("session_id").loc["s:session"]
    assert (s["usage_seconds"], s["idle_held_seconds"]) == (70.0, 60.0)
    assert _empty(s["ended"])  # inactive, never closed
    assert starts(r) == {"s.1": 0.0, "c0.1": 70.0, "bj.1": 100.0, "aj.1": 110.0}


def test_r9_cancelled_job_charges_nothing():
    # a1.1 (A) runs 0–50; a1.2 is cancelled while queued (t=10) → CANCELLED, no charge.
    # a2.1 (A) queued 20, bj.1 (B, prior 60) at 30. t=50: A 50 < B 60 → a2.1 (50–60), bj.1 (60).
    # Charging the cancelled job's 50 s would make A 100 and put bj.1 first.
    r = run(
        [
            {"name": "a1", "user": "a", "pattern": "batch", "jobs": 2, "quantum": 50},
            _one("a2", "a", 10, start=20),
            _one("bj", "b", 10, start=30),
        ],
        instances=[{"name": "A", "share": 1}, {"name": "B", "share": 1, "used": 60}],
        actions=[{"workload": "a1", "at": 10, "do": "cancel_job", "job": 2}],
    )
    a12 = job(r, "a1.2")
    assert (a12["status"], a12["reason"]) == ("CANCELLED", "user_cancelled")
    assert starts(r)["a2.1"] == 50.0 and starts(r)["bj.1"] == 60.0
    charged = r.events[r.events["event"] == "charge"]
    assert "a1.2" not in set(charged["job_id"].dropna())


# --- R10: allocation limit -----------------------------------------------------------------------


def _allocation_run(**top: object):
    # A (allocation 20 s): a.1–a.4 at t=0; B: b.1–b.2 at t=5; all 10 s.
    # t=0 a.1 (A=10). t=10 B 0 → b.1 (B=10). t=20 tie → older a.2 (A=20, at its allocation).
    # t=30 A skipped → b.2. t=40 only A queued, A skipped → the backend idles.
    return run(
        [
            {"name": "a", "user": "a", "pattern": "batch", "jobs": 4, "quantum": 10},
            {"name": "b", "user": "b", "pattern": "batch", "jobs": 2, "quantum": 10, "start": 5},
        ],
        instances=[{"name": "A", "share": 1, "allocation": 20}, {"name": "B", "share": 1}],
        **top,
    )


def test_r10_allocation_keeps_jobs_queued_while_others_run():
    # Default 28-day window: A's usage never expires within until=1000 → a.3, a.4 stay QUEUED
    # (not cancelled, no reason).
    r = _allocation_run(until=1000)
    st = starts(r)
    assert {k: st[k] for k in ("a.1", "a.2", "b.1", "b.2")} == {
        "a.1": 0.0, "a.2": 20.0, "b.1": 10.0, "b.2": 30.0,
    }  # fmt: skip
    for jid in ("a.3", "a.4"):
        row = job(r, jid)
        assert row["status"] == "QUEUED" and _empty(row["reason"])
        assert math.isnan(row["started"])


def test_r10_allocation_jobs_run_again_once_usage_leaves_the_window():
    # fair_share_window 100: A's charges are at t=10 (a.1) and t=30 (a.2).
    # t=110 the t=10 charge leaves → A=10 < 20 → a.3 (110–120), charged at 120 → A=20 again.
    # t=130 the t=30 charge leaves → A=10 → a.4 (130–140).
    r = _allocation_run(overrides={"fair_share_window": 100})
    assert starts(r) == {
        "a.1": 0.0, "b.1": 10.0, "a.2": 20.0, "b.2": 30.0, "a.3": 110.0, "a.4": 130.0,
    }  # fmt: skip
    assert set(r.jobs["status"]) == {"DONE"}
