"""Rule tests for the corners a mutation run found unguarded (issue 14).

``benchmarks/mutation.py`` breaks the engine one line at a time; the breaks that no rule test
noticed were all corners: hub and project weights, ties inside one group of a hierarchy, the
full fair-share scan that an instance over its allocation triggers, the batch's one-second
ITTL, batches inside reservations and with a shuffled order, a calibration kept waiting by a
long session, a job submitted at the very instant its session's ITTL runs out, and periodic
calibrations that fall due again while still waiting. Each test below names its rule and
works the expected times out by hand (docs/model.md), on small scenarios with constant
durations.

Defaults (tests/helpers.py): one backend ``qpu``, profile ibm-2024 (session ITTL 60 s, batch
ITTL 1 s), flat instances ``A`` and ``B`` (share 1) with users ``a`` and ``b``. W stands for
the fair-share window (28 days): keys are only ever compared, so W cancels out.
"""

from __future__ import annotations

import math

import pytest

import sim
from tests.helpers import job, run, session, starts


def _one(name: str, user: str, quantum: float, start: float = 0, **extra: object) -> dict:
    """A job-mode workload that submits a single job at ``start``."""
    return {"name": name, "user": user, "pattern": "batch", "jobs": 1, "quantum": quantum,
            "start": start, **extra}  # fmt: skip


def _start_rule(r: sim.Result, jid: str) -> str:
    ev = r.events
    rows = ev[(ev["event"] == "start") & (ev["job_id"] == jid)]
    assert len(rows) == 1
    return rows.iloc[0]["detail"]


def _cal_spans(r: sim.Result) -> list[tuple[float, float]]:
    cal = r.timeline[r.timeline["kind"] == "calibration"]
    return list(zip(cal["start"], cal["end"], strict=True))


def _session_events(r: sim.Result, event: str, sid: str) -> list[tuple[float, str]]:
    ev = r.events[(r.events["event"] == event) & (r.events["session_id"] == sid)]
    return list(zip(ev["time"], ev["detail"], strict=True))


def _users(*instances: str) -> list[dict]:
    return [{"name": f"u{k}", "instance": name} for k, name in enumerate(instances)]


# --- R6: weights at the hub and project levels -----------------------------------------------


def test_r6_hub_weights_scale_their_groups_shares():
    """R6: hubs h1:h2 = 3:1, one group and one project each → effective shares 75 % and 25 %.
    Prior usage: h1's project 60, h2's 30. Keys: h1 = 60 / 0.75 W = 80/W, h2 = 30 / 0.25 W =
    120/W → h1's job first (0–10), h2's second (10–20), although h2 has used less. Without
    the hub weights (both groups at weight 1) the keys would be 60 and 30: h2 first."""
    r = run(
        [_one("x", "u1", 10), _one("y", "u2", 10)],
        instances=[{"name": "h1/g/p", "share": 1, "used": 60},
                   {"name": "h2/g/p", "share": 1, "used": 30}],
        hubs={"h1": 3, "h2": 1},
        users=[{"name": "u1", "instance": "h1/g/p"}, {"name": "u2", "instance": "h2/g/p"}],
    )  # fmt: skip
    assert starts(r) == {"x.1": 0.0, "y.1": 10.0}


def test_r6_project_shares_split_their_group():
    """R6: one group with projects p1 (share 3) and p2 (share 1) → 75 % and 25 % of it.
    Prior usage p1 60, p2 30: keys p1 = 60 / 0.75 W = 80/W, p2 = 30 / 0.25 W = 120/W → p1's
    job first (0–10), then p2's (10–20). With the project shares ignored (equal) p2, which
    has used less, would go first."""
    r = run(
        [_one("x", "u1", 10), _one("y", "u2", 10)],
        instances=[{"name": "h/g/p1", "share": 3, "used": 60},
                   {"name": "h/g/p2", "share": 1, "used": 30}],
        users=[{"name": "u1", "instance": "h/g/p1"}, {"name": "u2", "instance": "h/g/p2"}],
    )  # fmt: skip
    assert starts(r) == {"x.1": 0.0, "y.1": 10.0}


# --- R7: ties inside one group (the one-pass pick) -------------------------------------------

# Hub h with groups g1 and g2 (weight 1 each → 50 % each); g1 holds p1 and p2 (25 % each),
# g2 holds q (50 %). Users u1 → p1, u2 → p2, uq → q.
TWO_GROUPS = {
    "instances": [{"name": n, "share": 1} for n in ("h/g1/p1", "h/g1/p2", "h/g2/q")],
    "users": [{"name": "u1", "instance": "h/g1/p1"}, {"name": "u2", "instance": "h/g1/p2"},
              {"name": "uq", "instance": "h/g2/q"}],
}  # fmt: skip


@pytest.mark.parametrize(("first", "second"), [("p1", "p2"), ("p2", "p1")])
def test_r7_tie_between_two_projects_of_one_group_goes_to_the_older_job(first, second):
    """R7 inside a group: q.1 (g2) runs 0–50. ``first``'s job is queued at 10, ``second``'s at
    20. At t=50 only g1 has queued jobs; p1 and p2 have both used 0 → equal keys (0 / 0.25 W)
    → the older job: ``first`` 50–60, then ``second`` 60–70. Both orders are tried, so the
    tie-break cannot pass by following the order of the instance list."""
    r = run(
        [_one("q", "uq", 50), _one(first, "u" + first[1], 10, start=10),
         _one(second, "u" + second[1], 10, start=20)],
        **TWO_GROUPS,
    )  # fmt: skip
    assert starts(r) == {"q.1": 0.0, f"{first}.1": 50.0, f"{second}.1": 60.0}
    assert _start_rule(r, f"{first}.1") == "R5 fair share"


# --- R5–R7 in the full scan: two groups at the same ratio ------------------------------------

# Hub h with three groups of weight 1 (1/3 each): g1 holds p1 and p2 (1/6 each), g2 holds q,
# g3 holds z (the blocker).
THREE_GROUPS = {
    "instances": [{"name": n, "share": 1}
                  for n in ("h/g1/p1", "h/g1/p2", "h/g2/q", "h/g3/z")],
    "users": [{"name": "u1", "instance": "h/g1/p1"}, {"name": "u2", "instance": "h/g1/p2"},
              {"name": "uq", "instance": "h/g2/q"}, {"name": "uz", "instance": "h/g3/z"}],
}  # fmt: skip


@pytest.mark.parametrize(("first", "second"), [("p1", "p2"), ("p2", "p1")])
def test_r7_tied_groups_then_tied_projects_go_to_the_older_jobs(first, second):
    """R6/R7 when two groups tie: z.1 (g3) runs 0–50. ``first`` (g1) queues a job at 5, q (g2)
    at 10, ``second`` (g1) at 20.
    t=50: g1 and g2 have both used 0 → tied group keys → the group whose oldest queued job is
    older: g1 (5 < 10). Inside g1, p1 and p2 both 0 → the older job: ``first`` 50–60.
    t=60: g1 used 10 > g2 0 → q.1 60–70. t=70: g1 and g2 both 10 → tied again, but only g1
    has a queued job → ``second`` 70–80.
    Picking the newer job on either tie starts ``second`` or q.1 at 50."""
    r = run(
        [_one("z", "uz", 50), _one(first, "u" + first[1], 10, start=5),
         _one("q", "uq", 10, start=10), _one(second, "u" + second[1], 10, start=20)],
        **THREE_GROUPS,
    )  # fmt: skip
    assert starts(r) == {"z.1": 0.0, f"{first}.1": 50.0, "q.1": 60.0, f"{second}.1": 70.0}


# --- R5/R6/R10: group order when an instance is over its allocation (the full scan) ----------


def test_r6_group_order_holds_while_an_instance_is_over_its_allocation():
    """R10 sends the pick through the full scan; the group still comes first (R6).
    g1 = {p1, p2} (25 % each), g2 = {q} (50 %). p1 has used 100 against an allocation of 50
    → over it, skipped. q has used 60. x1 (p1), x2 (p2) and y (q, 2 jobs) submit at t=0 in
    that order, all 10 s.
    Group keys: g1 = 100 / 0.5 W = 200/W, g2 = 60 / 0.5 W = 120/W → g2 first although its jobs
    are younger and a flat project comparison (p2 0 < q 120/W) would pick x2.1.
    t=0 y.1 0–10 (g2 = 140/W); t=10 y.2 10–20 (g2 = 160/W < 200/W); t=20 only g1 is left:
    x2.1 20–30. x1.1 stays QUEUED (p1's usage never leaves the 28-day window before until)."""
    r = run(
        [_one("x1", "u1", 10), _one("x2", "u2", 10),
         {"name": "y", "user": "uq", "pattern": "batch", "jobs": 2, "quantum": 10}],
        instances=[{"name": "h/g1/p1", "share": 1, "used": 100, "allocation": 50},
                   {"name": "h/g1/p2", "share": 1},
                   {"name": "h/g2/q", "share": 1, "used": 60}],
        users=TWO_GROUPS["users"],
        until=1000,
    )  # fmt: skip
    st = starts(r)
    assert {k: st[k] for k in ("y.1", "y.2", "x2.1")} == {"y.1": 0.0, "y.2": 10.0, "x2.1": 20.0}
    x1 = job(r, "x1.1")
    assert x1["status"] == "QUEUED" and math.isnan(x1["started"])


def test_r10_instance_over_its_allocation_leaves_its_group_to_the_other_project():
    """R10 + R6 in the full scan, inside one group: p1 (used 100, allocation 50) is skipped,
    so its older job does not block p2's: x1.1 (p1) and x2.1 (p2) queued at 0, q (g2) has
    used 300 → g1 = 200/W < g2 = 600/W → g1; p1 skipped → x2.1 0–10; then g1 = 220/W < 600/W
    but only p1 is left in g1 → the pick moves to g2: y.1 10–20."""
    r = run(
        [_one("x1", "u1", 10), _one("x2", "u2", 10), _one("y", "uq", 10)],
        instances=[{"name": "h/g1/p1", "share": 1, "used": 100, "allocation": 50},
                   {"name": "h/g1/p2", "share": 1},
                   {"name": "h/g2/q", "share": 1, "used": 300}],
        users=TWO_GROUPS["users"],
        until=1000,
    )  # fmt: skip
    st = starts(r)
    assert (st["x2.1"], st["y.1"]) == (0.0, 10.0)
    assert job(r, "x1.1")["status"] == "QUEUED"


def test_r6_project_key_inside_a_group_in_the_full_scan():
    """R6 in the full scan: inside the chosen group the smallest project key goes first, not
    the oldest job. g1 = {p1, p2, p3} (1/6 each), g2 = {q} (1/2). p1 has used 100 against an
    allocation of 50 (skipped; it sends the pick through the full scan), p2 has used 30, q 300.
    x2 (p2), x3 (p3), x1 (p1) and y (q) submit one 10 s job each at t=0, in that order.
    t=0: g1 = 130 / 0.5 W = 260/W < g2 = 600/W → g1; p2 = 30 / (W/6) = 180/W, p3 = 0 →
    x3.1 0–10 although x2.1 is older. t=10: g1 = 280/W < 600/W; p2 is the only open project
    → x2.1 10–20. t=20: g1 300/W, but only the blocked p1 is left in it → y.1 20–30."""
    r = run(
        [_one("x2", "u2", 10), _one("x3", "u3", 10), _one("x1", "u1", 10), _one("y", "uq", 10)],
        instances=[{"name": "h/g1/p1", "share": 1, "used": 100, "allocation": 50},
                   {"name": "h/g1/p2", "share": 1, "used": 30},
                   {"name": "h/g1/p3", "share": 1},
                   {"name": "h/g2/q", "share": 1, "used": 300}],
        users=[*TWO_GROUPS["users"], {"name": "u3", "instance": "h/g1/p3"}],
        until=1000,
    )  # fmt: skip
    st = starts(r)
    assert {k: st[k] for k in ("x3.1", "x2.1", "y.1")} == {"x3.1": 0.0, "x2.1": 10.0, "y.1": 20.0}
    assert job(r, "x1.1")["status"] == "QUEUED"


# --- R24: the batch's interactive timeout of about one second --------------------------------


@pytest.mark.parametrize(
    ("classical", "expected", "rule", "activations"),
    [
        # Think 0.5 s < 1 s: w.2 is queued (10.5) when the ITTL runs out at 11 → the batch
        # stays active; at 20 its job jumps the queue: w.2 20–30, bg.2 30–40.
        (0.5, {"w.2": 20.0, "bg.2": 30.0}, "R24 batch priority", 1),
        # Think 2 s > 1 s: nothing queued at 11 → the batch goes inactive; w.2 (submitted 12)
        # waits like any job. t=20 A 10 = B 10 → the older head bg.2 (t=1) 20–30; w.2 30–40
        # by fair share, which reactivates the batch.
        (2, {"w.2": 30.0, "bg.2": 20.0}, "R5 fair share", 2),
    ],
    ids=["think-0.5s", "think-2s"],
)
def test_r24_batch_with_think_time_above_one_second_loses_its_priority(
    classical, expected, rule, activations
):
    """R24: an iterative batch (2 jobs of 10 s) against bg (user b, job mode, 2 jobs of 10 s
    queued at 1). t=0 w.1 0–10 (the only job); A charged 10 at 10. The batch has nothing
    queued, holds nothing → bg.1 10–20 (B 0 < A 10). Its 1 s ITTL runs out at 11."""
    r = run(
        [{"name": "w", "user": "a", "pattern": "iterative", "mode": "batch", "jobs": 2,
          "quantum": 10, "classical": classical},
         {"name": "bg", "user": "b", "pattern": "batch", "jobs": 2, "quantum": 10, "start": 1}],
    )  # fmt: skip
    assert starts(r) == {"w.1": 0.0, "bg.1": 10.0, **expected}
    assert _start_rule(r, "w.2") == rule
    b = session(r, "w:batch")
    assert (b["interactive_ttl"], b["activations"], b["usage_seconds"]) == (1.0, activations, 20.0)
    deact = _session_events(r, "session_deactivate", "w:batch")
    assert deact == ([(11.0, "interactive_ttl")] if activations == 2 else [])


# --- R27/R28 with batches ---------------------------------------------------------------------


def test_r28_batch_jobs_pending_at_window_end_fail():
    """R28 for a batch: A reserves [0, 100); A's batch submits 10 jobs of 15 s at 0; bg.1 (B)
    at 0. w.1 0–15 (R27), then the batch's jobs: w.2 15–30 … w.7 90–105 (running at 100,
    finishes DONE); w.8–w.10 fail at 100 with ERROR reservation_ended; the batch ends when
    w.7 is done (105) with end_reason reservation_ended; bg.1 105–115.
    Usage (R24, R27): quantum seconds outside A's own window only: w.7's 100–105 = 5."""
    r = run(
        [{"name": "w", "user": "a", "pattern": "batch", "mode": "batch", "jobs": 10,
          "quantum": 15},
         _one("bg", "b", 10)],
        reservations=[{"backend": "qpu", "instance": "A", "start": 0, "end": 100}],
    )  # fmt: skip
    st = starts(r)
    assert [st[f"w.{k}"] for k in range(1, 8)] == [15.0 * i for i in range(7)]
    assert (job(r, "w.7")["status"], job(r, "w.7")["finished"]) == ("DONE", 105.0)
    for k in (8, 9, 10):
        row = job(r, f"w.{k}")
        assert (row["status"], row["reason"]) == ("ERROR", "reservation_ended")
        assert math.isnan(row["started"])
    errors = r.events[(r.events["event"] == "error") & r.events["job_id"].isin(["w.8", "w.10"])]
    assert list(errors["time"]) == [100.0, 100.0]
    b = session(r, "w:batch")
    assert (b["ended"], b["end_reason"], b["usage_seconds"]) == (105.0, "reservation_ended", 5.0)
    assert st["bg.1"] == 105.0


def test_r27_batch_of_another_instance_waits_for_the_window():
    """R27 + R24: B's batch (4 jobs of 30 s) starts at 0: w.1 0–30, w.2 30–60 (batch
    priority). A reserves [50, 100): w.2 is not pre-empted (R1). A's aj.1 arrives at 60:
    at 60 the active batch has w.3, w.4 queued but may not run inside A's window → aj.1
    60–70 (R27); 70–100 reserved_idle although B's batch waits. t=100 the window ends and the
    batch (still active: its jobs were queued when its ITTL ran out at 61) goes on with
    priority: w.3 100–130, w.4 130–160."""
    r = run(
        [{"name": "w", "user": "b", "pattern": "batch", "mode": "batch", "jobs": 4,
          "quantum": 30},
         _one("aj", "a", 10, start=60)],
        reservations=[{"backend": "qpu", "instance": "A", "start": 50, "end": 100}],
    )  # fmt: skip
    assert starts(r) == {"w.1": 0.0, "w.2": 30.0, "aj.1": 60.0, "w.3": 100.0, "w.4": 130.0}
    assert _start_rule(r, "aj.1") == "R27 reservation"
    assert _start_rule(r, "w.3") == "R24 batch priority"
    tl = r.timeline[r.timeline["kind"] == "reserved_idle"]
    assert list(zip(tl["start"], tl["end"], strict=True)) == [(70.0, 100.0)]


# --- R23 with batches -------------------------------------------------------------------------

BATCH_6 = [{"name": "w", "user": "a", "pattern": "batch", "mode": "batch", "jobs": 6,
            "quantum": 10}]  # fmt: skip
IN_ORDER = [f"w.{k}" for k in range(1, 7)]


def _order(r: sim.Result) -> list[str]:
    return list(r.jobs.sort_values("started")["job_id"])


def test_r23_batch_order_is_fifo_by_default():
    """R23/R24 default (session_order: fifo): a batch of 6 jobs of 10 s runs in submission
    order, back to back at 0, 10, …, 50, for several seeds."""
    for seed in range(1, 4):
        r = run(BATCH_6, seed=seed)
        assert _order(r) == IN_ORDER
        assert sorted(starts(r).values()) == [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]


def test_r23_shuffled_batch_order_is_not_submission_order_for_some_seed():
    """R23/R24 ("order inside the batch is not guaranteed") with session_order: shuffled:
    w.1 is the fair-share pick (its instance's oldest job); each later pick is drawn from the
    batch's queued jobs. Over 10 seeds at least one run leaves submission order (all ten in
    order has probability (1/4!)^10 for the five drawn jobs); every run is w.1 first, then a
    permutation of w.2–w.6, back to back, and the same seed gives the same order (R33)."""
    orders = []
    for seed in range(1, 11):
        r = run(BATCH_6, seed=seed, overrides={"session_order": "shuffled"})
        order = _order(r)
        assert order[0] == "w.1" and sorted(order) == IN_ORDER
        assert sorted(starts(r).values()) == [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]
        orders.append(order)
    assert any(order != IN_ORDER for order in orders)
    again = run(BATCH_6, seed=10, overrides={"session_order": "shuffled"})
    assert _order(again) == orders[-1]


# --- R26: a long session delays a calibration; a calibration delays a session ----------------


@pytest.mark.parametrize(
    ("rules", "cal", "session_starts", "bg_start"),
    [
        # ibm-current: the session holds the backend through its idle 5 s gaps too, so the
        # calibration due at 12 waits until the session closes at 55 → 55–60 (43 s late),
        # still ahead of bg.1 (R25) → bg.1 60–70.
        ("ibm-current", (55.0, 60.0), [0.0, 15.0, 30.0, 45.0], 60.0),
        # ibm-2024: the calibration goes ahead of the session at its first free moment: 12–17
        # (the backend is idle-held); s.2, submitted at 15, waits until 17 → 17–27; s.3 at
        # 32, s.4 at 47; closed at 57 → bg.1 57–67.
        ("ibm-2024", (12.0, 17.0), [0.0, 17.0, 32.0, 47.0], 57.0),
    ],
    ids=["ibm-current", "ibm-2024"],
)
def test_r26_long_session_delays_calibration_or_calibration_delays_session(
    rules, cal, session_starts, bg_start
):
    """R26 (+ R25, R13): an iterative session of 4 jobs of 10 s with 5 s think time (< ITTL
    60 s, so it never goes inactive) from t=0; a 5 s calibration falls due at 12; bg.1
    (user b, 10 s) is queued at 1."""
    r = run(
        [{"name": "s", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 4,
          "quantum": 10, "classical": 5},
         _one("bg", "b", 10, start=1)],
        rules=rules,
        backends=[{"name": "qpu", "calibrations": [{"at": 12, "duration": 5}]}],
    )  # fmt: skip
    assert _cal_spans(r) == [cal]
    st = starts(r)
    assert [st[f"s.{k}"] for k in range(1, 5)] == session_starts
    assert st["bg.1"] == bg_start
    assert session(r, "s:session")["activations"] == 1


# --- R14: a job queued exactly when the ITTL runs out -----------------------------------------


@pytest.mark.parametrize(
    ("classical", "expected", "rule", "activations"),
    [
        # Think 60 = ITTL: s.2 is submitted at 70, the very instant the ITTL runs out.
        # Submissions come before timers at one instant (model.md), so s.2 is queued when the
        # ITTL is checked → the session stays active: s.2 70–80 (R13), closed at 80, bg.1
        # 80–90. One activation; held 10–70; billed 0–80 = 80.
        (60, {"s.2": 70.0, "bg.1": 80.0}, "R13 session priority", 1),
        # Control, think 60.5: nothing queued at 70 → inactive (A charged 70); bg.1 70–80;
        # s.2 (submitted 70.5) waits → 80–90 by fair share (reactivated, R15); billed 70 + 10.
        (60.5, {"s.2": 80.0, "bg.1": 70.0}, "R5 fair share", 2),
    ],
    ids=["think-equals-ittl", "think-above-ittl"],
)
def test_r14_job_submitted_exactly_when_the_ittl_runs_out_keeps_the_session(
    classical, expected, rule, activations
):
    """R14: an iterative session (2 jobs of 10 s, ITTL 60 s) from t=0: s.1 0–10, then the
    ITTL runs from 10 to 70. bg.1 (user b, 10 s) is queued at 5 and waits for the held
    backend."""
    r = run(
        [{"name": "s", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 2,
          "quantum": 10, "classical": classical},
         _one("bg", "b", 10, start=5)],
    )  # fmt: skip
    assert starts(r) == {"s.1": 0.0, **expected}
    assert _start_rule(r, "s.2") == rule
    s = session(r, "s:session")
    assert (s["activations"], s["usage_seconds"]) == (activations, 80.0)
    deact = _session_events(r, "session_deactivate", "s:session")
    assert deact == ([(70.0, "interactive_ttl")] if activations == 2 else [])


# --- R25: a periodic calibration that falls due again while it waits ------------------------


def test_r25_late_periodic_calibration_is_merged_with_its_next_occurrence():
    """R25/R26 + model.md ("merged, it runs once"): a periodic calibration {every 20,
    first_at 20, duration 5}; bg.1 (50 s) runs 0–50, so the calibration due at 20 is still
    waiting when it falls due again at 40 → the two are one: 50–55. w.1 (queued at 52) waits
    for it → 55–65. The schedule keeps its own clock (due at 60, 80, …, not 20 after the
    late run): due at 60 while w.1 runs → 65–70; due at 80 → 80–85. w2.1 (queued 90) 90–91
    is the last work, so the run ends at 91 before the one due at 100."""
    r = run(
        [_one("bg", "b", 50), _one("w", "a", 10, start=52), _one("w2", "a", 1, start=90)],
        backends=[{"name": "qpu",
                   "calibrations": [{"every": 20, "first_at": 20, "duration": 5}]}],
    )  # fmt: skip
    assert _cal_spans(r) == [(50.0, 55.0), (65.0, 70.0), (80.0, 85.0)]
    assert starts(r) == {"bg.1": 0.0, "w.1": 55.0, "w2.1": 90.0}
    assert r.end_time == 91.0


# --- R6 when two groups tie: the project key still decides inside the winning group ---------


def test_r6_tied_groups_then_the_project_that_used_less_inside_the_winner():
    """R6/R7, THREE_GROUPS with prior usage p1 30 and q 30 (groups get 1/3 W each, g1's
    projects 1/6 W each). z.1 (g3) runs 0–50. p1 queues a job at 5, q at 10, p2 at 20.
    t=50: g1 and g2 have both used 30 → group keys 30 / (W/3) = 90/W each, tied → the group
    whose oldest queued job is older: g1 (p1's at 5 < q's at 10). Inside g1 the project key
    decides, not age: p1 30 / (W/6) = 180/W, p2 0 → p2.1 50–60 (although p1.1 is older).
    t=60: g1 40 → 120/W > g2 90/W → q.1 60–70. t=70: g1 and g2 both 40 (tied), only g1 has a
    queued job → p1.1 70–80. Ignoring the project key in the tie starts p1.1 at 50."""
    instances = [{**i, "used": 30} if i["name"] in ("h/g1/p1", "h/g2/q") else i
                 for i in THREE_GROUPS["instances"]]  # fmt: skip
    r = run(
        [_one("z", "uz", 50), _one("p1", "u1", 10, start=5), _one("q", "uq", 10, start=10),
         _one("p2", "u2", 10, start=20)],
        instances=instances,
        users=THREE_GROUPS["users"],
    )  # fmt: skip
    assert starts(r) == {"z.1": 0.0, "p2.1": 50.0, "q.1": 60.0, "p1.1": 70.0}
