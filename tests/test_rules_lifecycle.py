"""Session life-cycle rules R17–R19 and R21–R23, on small hand-worked scenarios.

Every expected value below is derived by hand from ../shared/spec/semantics.md and
docs/model.md; the timeline comment of each test shows the reasoning. Defaults used throughout
(tests/helpers.py): one backend ``qpu``, flat instances ``A`` and ``B`` with share 1, user ``a``
in ``A`` and ``b`` in ``B``. The default profile is ibm-2024 (ITTL 60 s, max_time 8 h).
"""

from __future__ import annotations

import math

import pandas as pd

from tests.helpers import job, run, session, starts


def _status(result, jid: str) -> tuple[str, str]:
    row = job(result, jid)
    return row["status"], row["reason"]


def _never_ran(result, jid: str) -> bool:
    row = job(result, jid)
    return pd.isna(row["started"]) and pd.isna(row["finished"]) and pd.isna(row["wait"])


# --- R17 close() ------------------------------------------------------------------------------

# A 4-job session batch (quantum 10) from user a at t=0, kept open (close: never) so that only
# the explicit close() action ends it; user b submits one job-mode job at t=1; close at t=15.
CLOSE_WORKLOADS = [
    {"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 4, "quantum": 10,
     "close": "never"},
    {"name": "bg", "user": "b", "pattern": "batch", "mode": "job", "jobs": 1, "quantum": 10,
     "start": 1},
]  # fmt: skip
CLOSE_ACTION = [{"workload": "s", "at": 15, "do": "close"}]


def test_r17_close_under_ibm_2023_fails_queued_jobs():
    """R17 (ibm-2023, on_close: fail): queued jobs fail ``session_closed``; the running job ends.

    t=0 s.1 starts (R5, only job), session active; t=1 bg.1 queued; t=10 s.2 starts (R13);
    t=15 close(): s.3 and s.4 ERROR session_closed, s.2 keeps running;
    t=20 s.2 DONE, session ends (closed) → backend free → bg.1 20–30.
    Usage (R9): active span 0..20 = 20.
    """
    r = run(CLOSE_WORKLOADS, rules="ibm-2023", actions=CLOSE_ACTION)
    assert starts(r)["s.1"] == 0.0
    assert starts(r)["s.2"] == 10.0
    assert _status(r, "s.2") == ("DONE", "")
    assert job(r, "s.2")["finished"] == 20.0
    for jid in ("s.3", "s.4"):
        assert _status(r, jid) == ("ERROR", "session_closed")
        assert _never_ran(r, jid)
    assert starts(r)["bg.1"] == 20.0
    s = session(r, "s:session")
    assert s["end_reason"] == "closed"
    assert s["ended"] == 20.0
    assert s["usage_seconds"] == 20.0


def test_r17_close_under_ibm_2024_drains_with_priority_and_ends_without_ittl():
    """R17 (ibm-2024, on_close: drain): queued jobs still run, ahead of other users (R13),
    and the session ends right after the last one — not 60 s (ITTL) later.

    t=0 s.1 0–10; t=1 bg.1 queued; t=10 s.2 10–20; t=15 close (no new jobs, keep queued);
    t=20 s.3 20–30 (priority over bg.1); t=30 s.4 30–40; t=40 session ends (closed), no
    idle_held; bg.1 40–50. Usage: active 0..40 = 40.
    """
    r = run(CLOSE_WORKLOADS, rules="ibm-2024", actions=CLOSE_ACTION)
    assert [starts(r)[f"s.{k}"] for k in (1, 2, 3, 4)] == [0.0, 10.0, 20.0, 30.0]
    assert all(_status(r, f"s.{k}") == ("DONE", "") for k in (1, 2, 3, 4))
    assert starts(r)["bg.1"] == 40.0
    s = session(r, "s:session")
    assert s["end_reason"] == "closed"
    assert s["ended"] == 40.0
    assert s["idle_held_seconds"] == 0.0
    assert s["usage_seconds"] == 40.0
    assert s["activations"] == 1


def test_r17_on_close_override_makes_ibm_2024_fail_queued_jobs():
    """R17 / §8: the knob can be overridden one by one: ibm-2024 with on_close: fail behaves
    like ibm-2023 for close() (same timeline as the ibm-2023 test above, ITTL aside)."""
    r = run(CLOSE_WORKLOADS, rules="ibm-2024", overrides={"on_close": "fail"}, actions=CLOSE_ACTION)
    assert _status(r, "s.3") == ("ERROR", "session_closed")
    assert _status(r, "s.4") == ("ERROR", "session_closed")
    assert starts(r)["bg.1"] == 20.0


def _iterative_closed_mid_loop(rules: str):
    # Iterative session, 5 jobs, quantum 10, classical 5; close() at t=5 while s.1 runs.
    return run(
        [{"name": "s", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 5,
          "quantum": 10, "classical": 5}],
        rules=rules,
        actions=[{"workload": "s", "at": 5, "do": "close"}],
    )  # fmt: skip


def test_r17_submission_after_close_is_rejected_and_loop_stops_ibm_2024():
    """R17 + R30: t=0 s.1 0–10; t=5 close (drain: nothing queued, s.1 running);
    t=10 s.1 DONE → nothing queued or running → session ends (closed) at 10;
    t=15 the loop submits s.2 → rejected ERROR session_closed at its submission time;
    the optimizer gets an error, so s.3..s.5 are never submitted."""
    r = _iterative_closed_mid_loop("ibm-2024")
    assert list(r.jobs["job_id"]) == ["s.1", "s.2"]
    assert _status(r, "s.1") == ("DONE", "")
    assert _status(r, "s.2") == ("ERROR", "session_closed")
    assert job(r, "s.2")["submitted"] == 15.0
    assert _never_ran(r, "s.2")
    s = session(r, "s:session")
    assert s["end_reason"] == "closed"
    assert s["ended"] == 10.0


def test_r17_submission_after_close_is_rejected_ibm_2023():
    """R17 (ibm-2023): same loop; close at t=5 fails nothing (nothing queued), s.1 finishes at
    10 and the session ends; s.2 submitted at 15 is rejected with session_closed."""
    r = _iterative_closed_mid_loop("ibm-2023")
    assert list(r.jobs["job_id"]) == ["s.1", "s.2"]
    assert _status(r, "s.1") == ("DONE", "")
    assert _status(r, "s.2") == ("ERROR", "session_closed")
    assert job(r, "s.2")["submitted"] == 15.0


def test_r17_close_after_last_ends_session_after_last_job():
    """close: after_last (default): 2 jobs 0–10, 10–20; the session closes once both results
    are back: ended 20, reason closed, no idle_held, usage 20 (R9)."""
    r = run([{"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 2,
              "quantum": 10}])  # fmt: skip
    s = session(r, "s:session")
    assert s["ended"] == 20.0
    assert s["end_reason"] == "closed"
    assert s["idle_held_seconds"] == 0.0
    assert s["usage_seconds"] == 20.0
    assert r.end_time == 20.0


def test_r17_close_never_holds_backend_for_ittl_then_goes_inactive():
    """close: never: jobs 0–10, 10–20; the backend stays held (idle_held) until the ITTL (60 s)
    runs out at t=80, then the session goes inactive; nothing is left, so the run ends at 80
    and the session is reported with empty ``ended``. Usage (R9): active span 0..80 = 80."""
    r = run([{"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 2,
              "quantum": 10, "close": "never"}])  # fmt: skip
    s = session(r, "s:session")
    assert math.isnan(s["ended"])
    assert s["end_reason"] == ""
    assert s["idle_held_seconds"] == 60.0
    assert s["usage_seconds"] == 80.0
    assert s["activations"] == 1
    held = r.timeline[r.timeline["kind"] == "idle_held"]
    assert list(zip(held["start"], held["end"], strict=True)) == [(20.0, 80.0)]
    assert set(held["session_id"]) == {"s:session"}
    deact = r.events[r.events["event"] == "session_deactivate"]
    assert list(deact["time"]) == [80.0]
    assert list(deact["detail"]) == ["interactive_ttl"]


def test_r17_close_never_lets_other_user_in_only_after_ittl():
    """close: never + R13/R14: bg.1 (user b) submitted at t=25 waits while the idle session
    holds the backend; t=80 ITTL runs out → inactive → bg.1 80–90."""
    r = run(
        [{"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 2,
          "quantum": 10, "close": "never"},
         {"name": "bg", "user": "b", "pattern": "batch", "mode": "job", "jobs": 1,
          "quantum": 10, "start": 25}]
    )  # fmt: skip
    assert starts(r)["bg.1"] == 80.0


# --- R18 cancel() -----------------------------------------------------------------------------


def test_r18_cancel_cancels_queued_and_running_job_finishes():
    """R18: same set-up as the close() tests, cancel at t=15 (ibm-2024).
    t=10 s.2 starts; t=15 cancel: s.3, s.4 CANCELLED session_cancelled; s.2 runs to 20, DONE;
    session ends (cancelled) → bg.1 20–30."""
    r = run(CLOSE_WORKLOADS, actions=[{"workload": "s", "at": 15, "do": "cancel"}])
    assert _status(r, "s.1") == ("DONE", "")
    assert _status(r, "s.2") == ("DONE", "")
    assert job(r, "s.2")["finished"] == 20.0
    for jid in ("s.3", "s.4"):
        assert _status(r, jid) == ("CANCELLED", "session_cancelled")
        assert _never_ran(r, jid)
    assert starts(r)["bg.1"] == 20.0
    assert session(r, "s:session")["end_reason"] == "cancelled"


def test_r18_cancel_of_never_active_session_ends_it_once():
    """R18 when nothing of the session is running: bg.1 holds the backend 0–100, session s
    queues 3 jobs at t=1, cancel() at t=50 → s.1..s.3 CANCELLED session_cancelled at 50; the
    session ends exactly once, with end_reason cancelled (not closed: the workload's own
    after_last close must not end it a second time)."""
    r = run(FIRST_CANCEL, actions=[{"workload": "s", "at": 50, "do": "cancel"}])
    for k in (1, 2, 3):
        assert _status(r, f"s.{k}") == ("CANCELLED", "session_cancelled")
    ends = r.events[(r.events["event"] == "session_end") & (r.events["session_id"] == "s:session")]
    assert list(ends["detail"]) == ["cancelled"]
    assert list(ends["time"]) == [50.0]
    assert session(r, "s:session")["end_reason"] == "cancelled"


def test_r18_submission_after_cancel_is_error_session_cancelled():
    """R18 (docs/model.md table): iterative loop, cancel at t=5 while s.1 runs (0–10, DONE);
    s.2 submitted at 15 → ERROR session_cancelled (later submissions are ERROR, not
    CANCELLED); the loop stops there."""
    r = run(
        [{"name": "s", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 4,
          "quantum": 10, "classical": 5}],
        actions=[{"workload": "s", "at": 5, "do": "cancel"}],
    )  # fmt: skip
    assert list(r.jobs["job_id"]) == ["s.1", "s.2"]
    assert _status(r, "s.1") == ("DONE", "")
    assert _status(r, "s.2") == ("ERROR", "session_cancelled")
    assert job(r, "s.2")["submitted"] == 15.0


# --- R19 first job cancelled ------------------------------------------------------------------

# bg.1 (user b, quantum 100) occupies the backend 0–100; session s (user a) submits 3 jobs at
# t=1 that wait in the fair-share queue; at t=50 the user cancels s.1 (still queued).
FIRST_CANCEL = [
    {"name": "bg", "user": "b", "pattern": "batch", "mode": "job", "jobs": 1, "quantum": 100},
    {"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 3, "quantum": 10,
     "start": 1},
]  # fmt: skip
CANCEL_FIRST = [{"workload": "s", "at": 50, "do": "cancel_job", "job": 1}]


def test_r19_first_job_cancelled_fails_session_ibm_2023():
    """R19 (ibm-2023): t=50 s.1 CANCELLED user_cancelled; s.2, s.3 ERROR first_job_cancelled;
    the session ends (first_job_cancelled) without ever being active."""
    r = run(FIRST_CANCEL, rules="ibm-2023", actions=CANCEL_FIRST)
    assert _status(r, "s.1") == ("CANCELLED", "user_cancelled")
    assert _status(r, "s.2") == ("ERROR", "first_job_cancelled")
    assert _status(r, "s.3") == ("ERROR", "first_job_cancelled")
    assert all(_never_ran(r, f"s.{k}") for k in (1, 2, 3))
    s = session(r, "s:session")
    assert s["end_reason"] == "first_job_cancelled"
    assert s["activations"] == 0


def test_r19_first_job_cancelled_has_no_effect_ibm_2024():
    """R19 (ibm-2024): s.1 CANCELLED user_cancelled; the session goes on: t=100 bg.1 done,
    s.2 100–110 (R5, activates the session), s.3 110–120 (R13); both DONE."""
    r = run(FIRST_CANCEL, rules="ibm-2024", actions=CANCEL_FIRST)
    assert _status(r, "s.1") == ("CANCELLED", "user_cancelled")
    assert starts(r)["s.2"] == 100.0
    assert starts(r)["s.3"] == 110.0
    assert _status(r, "s.2") == ("DONE", "")
    assert _status(r, "s.3") == ("DONE", "")
    s = session(r, "s:session")
    assert s["activated"] == 100.0
    assert s["end_reason"] == "closed"


def test_r19_cancelling_a_later_job_does_not_fail_session_ibm_2023():
    """R19 is about the *first* job: cancelling s.2 under ibm-2023 only cancels s.2;
    t=100 s.1 100–110, s.3 110–120."""
    r = run(FIRST_CANCEL, rules="ibm-2023",
            actions=[{"workload": "s", "at": 50, "do": "cancel_job", "job": 2}])  # fmt: skip
    assert _status(r, "s.2") == ("CANCELLED", "user_cancelled")
    assert starts(r)["s.1"] == 100.0
    assert starts(r)["s.3"] == 110.0
    assert _status(r, "s.3") == ("DONE", "")


# --- R21 Open plan ----------------------------------------------------------------------------

OPEN_INSTANCES = [{"name": "A", "share": 1, "plan": "open"}, {"name": "B", "share": 1}]


def test_r21_open_plan_session_allowed_ibm_2023_with_2s_ittl():
    """R21 (ibm-2023): Open-plan sessions run with ITTL 2 s and max_time 15 min.
    Iterative, 3 jobs, quantum 10, classical 5 > 2 s: t=0 s.1 0–10; t=12 ITTL out → inactive;
    t=15 s.2 15–25 (reactivation); t=27 inactive; t=30 s.3 30–40; closed at 40.
    Activations 3; usage = (0..12) + (15..27) + (30..40) = 34."""
    r = run(
        [{"name": "s", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 3,
          "quantum": 10, "classical": 5}],
        rules="ibm-2023", instances=OPEN_INSTANCES,
    )  # fmt: skip
    s = session(r, "s:session")
    assert s["interactive_ttl"] == 2.0
    assert s["max_time"] == 900.0
    assert s["activations"] == 3
    assert s["usage_seconds"] == 34.0
    assert [starts(r)[f"s.{k}"] for k in (1, 2, 3)] == [0.0, 15.0, 30.0]
    assert set(r.jobs["mode"]) == {"session"}


def test_r21_premium_control_ibm_2023_keeps_session_with_300s_ittl():
    """Control for the test above: the same workload on a premium instance under ibm-2023
    gets the fixed 300 s ITTL (R20), so it never loses the backend: activations 1."""
    r = run(
        [{"name": "s", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 3,
          "quantum": 10, "classical": 5, "interactive_ttl": 1}],
        rules="ibm-2023",
    )  # fmt: skip
    s = session(r, "s:session")
    assert s["interactive_ttl"] == 300.0
    assert s["activations"] == 1


def test_r21_open_plan_max_time_15_min_ibm_2023():
    """R21 + R16 (ibm-2023, Open plan): max_time 900 s from the first activation at 0.
    4 jobs of 400 s: s.1 0–400, s.2 400–800, s.3 800–1200 (running at 900, finishes DONE),
    s.4 queued at 900 → ERROR session_max_time; session end_reason max_time."""
    r = run(
        [{"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 4,
          "quantum": 400}],
        rules="ibm-2023", instances=OPEN_INSTANCES,
    )  # fmt: skip
    assert _status(r, "s.3") == ("DONE", "")
    assert job(r, "s.3")["finished"] == 1200.0
    assert _status(r, "s.4") == ("ERROR", "session_max_time")
    assert session(r, "s:session")["end_reason"] == "max_time"


def test_r21_open_plan_sessions_run_in_job_mode_ibm_2024():
    """R21 (ibm-2024): Open-plan session jobs run as plain jobs, no session row.
    s (open, 2 jobs) and bg (premium B, 2 jobs) all submitted at t=0, quantum 10.
    t=0 tie at usage 0 → older s.1 0–10 (A=10); t=10 B (0) < A → bg.1 10–20 (B=10);
    t=20 tie → older head s.2 20–30; bg.2 30–40. A session would have run s.2 at 10 (R13)."""
    r = run(
        [{"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 2,
          "quantum": 10},
         {"name": "bg", "user": "b", "pattern": "batch", "mode": "job", "jobs": 2,
          "quantum": 10}],
        rules="ibm-2024", instances=OPEN_INSTANCES,
    )  # fmt: skip
    assert len(r.sessions) == 0
    s_jobs = r.jobs[r.jobs["workload"] == "s"]
    assert set(s_jobs["mode"]) == {"job"}
    assert s_jobs["session_id"].isna().all()
    assert starts(r) == {"s.1": 0.0, "s.2": 20.0, "bg.1": 10.0, "bg.2": 30.0}


def test_r21_open_plan_sessions_rejected_ibm_current():
    """R21 (ibm-current): every job of an Open-plan session is refused with
    open_plan_no_sessions at submission (t=0), none runs, no session row."""
    r = run(
        [{"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 3,
          "quantum": 10}],
        rules="ibm-current", instances=OPEN_INSTANCES,
    )  # fmt: skip
    assert len(r.jobs) == 3
    for k in (1, 2, 3):
        assert _status(r, f"s.{k}") == ("ERROR", "open_plan_no_sessions")
        assert _never_ran(r, f"s.{k}")
    assert len(r.sessions) == 0


# --- R22 idle close ---------------------------------------------------------------------------


def _opened_early(rules: str, start: float):
    # Session opened at t=0, first jobs (2 × quantum 10) only at ``start``.
    return run(
        [{"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 2,
          "quantum": 10, "open_at": 0, "start": start}],
        rules=rules,
    )  # fmt: skip


def test_r22_idle_session_closes_after_30_min_ibm_current():
    """R22 (ibm-current): opened at 0, no job by t=1800 → ends idle_timeout at 1800;
    the jobs submitted at 2000 are rejected ERROR session_closed."""
    r = _opened_early("ibm-current", 2000)
    s = session(r, "s:session")
    assert s["created"] == 0.0
    assert s["end_reason"] == "idle_timeout"
    assert s["ended"] == 1800.0
    for k in (1, 2):
        assert _status(r, f"s.{k}") == ("ERROR", "session_closed")
        assert job(r, f"s.{k}")["submitted"] == 2000.0
        assert _never_ran(r, f"s.{k}")


def test_r22_no_idle_close_under_ibm_2024():
    """R22 does not exist in ibm-2024: the same session runs its jobs 2000–2010, 2010–2020."""
    r = _opened_early("ibm-2024", 2000)
    assert starts(r) == {"s.1": 2000.0, "s.2": 2010.0}
    assert session(r, "s:session")["end_reason"] == "closed"


def test_r22_job_within_30_min_keeps_session_ibm_current():
    """R22: first job at 1000 < 1800 → the session lives: 1000–1010, 1010–1020, closed."""
    r = _opened_early("ibm-current", 1000)
    assert starts(r) == {"s.1": 1000.0, "s.2": 1010.0}
    assert session(r, "s:session")["end_reason"] == "closed"


def test_r22_job_exactly_at_30_min_keeps_session_ibm_current():
    """R22 boundary (docs/model.md: world events — submissions — come before timers at the
    same instant): jobs submitted exactly at 1800 are in time; they run 1800–1810, 1810–1820."""
    r = _opened_early("ibm-current", 1800)
    assert starts(r) == {"s.1": 1800.0, "s.2": 1810.0}
    assert session(r, "s:session")["end_reason"] == "closed"


# --- R23 order inside a session ---------------------------------------------------------------

SHUFFLE_WORKLOAD = [
    {"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 6, "quantum": 10}
]
SUBMISSION_ORDER = [f"s.{k}" for k in range(1, 7)]


def _run_order(result) -> list[str]:
    ran = result.jobs.sort_values("started")
    return list(ran["job_id"])


def test_r23_default_session_order_is_fifo():
    """R23 default (session_order: fifo): for several seeds the 6 jobs run in submission order
    at 0, 10, …, 50."""
    for seed in range(1, 6):
        r = run(SHUFFLE_WORKLOAD, seed=seed)
        assert _run_order(r) == SUBMISSION_ORDER
        assert sorted(starts(r).values()) == [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]


def test_r23_shuffled_session_order_is_not_submission_order_for_some_seed():
    """R23 (session_order: shuffled): the next session job is drawn at random among the queued
    ones. Over 10 seeds, at least one run does not follow submission order (the chance that
    all 10 do is (1/5!)^10 with 6 jobs); every run is still a permutation of the 6 jobs,
    back to back, all DONE."""
    orders = []
    for seed in range(1, 11):
        r = run(SHUFFLE_WORKLOAD, seed=seed, overrides={"session_order": "shuffled"})
        assert sorted(_run_order(r)) == SUBMISSION_ORDER
        assert sorted(starts(r).values()) == [0.0, 10.0, 20.0, 30.0, 40.0, 50.0]
        assert (r.jobs["status"] == "DONE").all()
        orders.append(_run_order(r))
    assert any(order != SUBMISSION_ORDER for order in orders)


def test_r23_shuffled_order_is_reproducible():
    """R23 + R33: the shuffle is seeded: same scenario and seed → same order."""
    kw = {"seed": 4, "overrides": {"session_order": "shuffled"}}
    assert _run_order(run(SHUFFLE_WORKLOAD, **kw)) == _run_order(run(SHUFFLE_WORKLOAD, **kw))
