"""Today's platform (ibm-2025): a job's life cycle and what it is billed — R37, R38, R39.

Every expected value below is worked out by hand from ../shared/spec/semantics.md §10 and
docs/model.md ("ibm-2025"), never copied from a run. Readings used throughout:

- R38: a job locks the QPU for its quantum plus ``job_overhead_seconds`` (2 s under ibm-2025):
  a 10 s job occupies the backend for 12 s, and job and batch mode charge the 12 s. Session
  mode charges wall clock while active (R9), so the overhead shows there only as longer jobs.
- A job stopped early (R37 cancel, R39 cost limit, R3/R38 max_execution_time) is charged the
  locked time it used up to then; a job that never locked the QPU is charged nothing.
- R39: a cost limit is the runtime seconds an instance may be billed in all, prior usage
  included; billed usage accrues by the second while a job or batch job runs or a session is
  active.

Defaults (tests/helpers.py): one backend ``qpu``, flat instances ``A`` and ``B``, user ``a`` in
``A``, ``b`` in ``B``. Each scenario has at most one job waiting whenever the backend picks, so
the hand-worked times do not depend on how instances are ranked against each other (R34).
"""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from tests.helpers import job, run, session

TODAY = "ibm-2025"


def _status(result: sim.Result, jid: str) -> tuple[str, str]:
    row = job(result, jid)
    return row["status"], row["reason"]


def _span(result: sim.Result, jid: str) -> tuple[float, float]:
    row = job(result, jid)
    return row["started"], row["finished"]


def _charges(result: sim.Result) -> dict[str, float]:
    """job id → seconds charged by that job's own charge event (jobs and batch jobs only)."""
    ev = result.events
    ch = ev[(ev["event"] == "charge") & ev["job_id"].notna()]
    return dict(zip(ch["job_id"], ch["detail"].astype(float), strict=True))


def _billed(result: sim.Result, instance: str) -> float:
    """Everything charged to ``instance`` in the run (jobs, batch jobs and session spans)."""
    ev = result.events
    users = {u.name for u in result.scenario.users if u.instance == instance}
    ch = ev[(ev["event"] == "charge") & ev["user"].isin(users)]
    return float(ch["detail"].astype(float).sum())


def _never_ran(result: sim.Result, jid: str) -> bool:
    row = job(result, jid)
    return pd.isna(row["started"]) and pd.isna(row["finished"])


# --- R37: cancelling a running job -----------------------------------------------------------

# `it`: an iterative loop of three 100 s jobs (no think time) from user a at t=0; `bg`: one
# 10 s job from user b at t=1; the user cancels it.1 at t=30, while it runs.
CANCEL_WORKLOADS = [
    {"name": "it", "user": "a", "pattern": "iterative", "mode": "job", "jobs": 3,
     "quantum": 100, "classical": 0},
    {"name": "bg", "user": "b", "pattern": "batch", "mode": "job", "jobs": 1, "quantum": 10,
     "start": 1},
]  # fmt: skip
CANCEL_IT_1 = [{"workload": "it", "job": 1, "at": 30, "do": "cancel_job"}]


def test_r37_cancelling_a_running_job_stops_it_at_once():
    """R37 + R38 under ibm-2025.

    t=0 it.1 starts (only job), locks 100 + 2 = 102 s, planned end 102; t=1 bg.1 queued;
    t=30 cancel: it.1 stops, CANCELLED user_cancelled, finished 30, charged the 30 s it held
    the QPU. The loop stops at its first job that is not DONE (R30): it.2 and it.3 are never
    submitted. The backend picks at that instant: bg.1 30–42 (10 + 2), charged 12.
    """
    r = run(CANCEL_WORKLOADS, rules=TODAY, actions=CANCEL_IT_1)
    assert _status(r, "it.1") == ("CANCELLED", "user_cancelled")
    assert _span(r, "it.1") == (0.0, 30.0)
    assert _span(r, "bg.1") == (30.0, 42.0)
    assert _status(r, "bg.1") == ("DONE", "")
    assert sorted(r.jobs["job_id"]) == ["bg.1", "it.1"]
    assert _charges(r) == {"it.1": 30.0, "bg.1": 12.0}
    # The timeline shows the cut job and the next one back to back.
    tl = r.timeline[r.timeline["kind"] == "job"]
    assert tl[["job_id", "start", "end"]].values.tolist() == [["it.1", 0.0, 30.0],
                                                             ["bg.1", 30.0, 42.0]]  # fmt: skip
    assert r.end_time == 42.0


def test_r37_a_cancel_at_the_instant_a_job_ends_comes_too_late():
    """A cancel at the very instant the job's planned end: the job is DONE (its result is
    there), and the loop goes on. it.1 0–102 DONE; it.2 submitted at 102 (no think time)
    competes with bg.1 (queued since 1); whichever runs first, it.1 was not cancelled."""
    actions = [{"workload": "it", "job": 1, "at": 102, "do": "cancel_job"}]
    r = run(CANCEL_WORKLOADS, rules=TODAY, actions=actions)
    assert _status(r, "it.1") == ("DONE", "")
    assert _span(r, "it.1") == (0.0, 102.0)
    assert _charges(r)["it.1"] == 102.0


def test_r37_cancelling_a_running_session_job_lets_the_session_go_on():
    """R37 in a session (ibm-2025): the session keeps the backend (R13) and runs its next job.

    `s`: a session of two 100 s jobs submitted at t=0 (pattern batch); bg.1 (user b, 10 s) at
    t=1. t=0 s.1 starts, session active; t=30 cancel s.1: CANCELLED user_cancelled, finished
    30; the session still holds the backend and s.2 is queued in it, so s.2 starts at 30 (R13),
    locks 102 s, ends 132 DONE. Every job of the workload is final: close (after_last, drain)
    ends the session at 132. bg.1 132–144. Session usage is wall clock 0–132 = 132 (R38:
    session billing is not per job, so there is no job charge event).
    """
    workloads = [
        {"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 2,
         "quantum": 100},
        {"name": "bg", "user": "b", "pattern": "batch", "mode": "job", "jobs": 1,
         "quantum": 10, "start": 1},
    ]  # fmt: skip
    r = run(workloads, rules=TODAY, actions=[{"workload": "s", "job": 1, "at": 30,
                                              "do": "cancel_job"}])  # fmt: skip
    assert _status(r, "s.1") == ("CANCELLED", "user_cancelled")
    assert _span(r, "s.1") == (0.0, 30.0)
    assert _span(r, "s.2") == (30.0, 132.0)
    assert _status(r, "s.2") == ("DONE", "")
    ev = r.events
    assert ev[(ev["event"] == "start") & (ev["job_id"] == "s.2")]["detail"].tolist() == [
        "R13 session priority"
    ]
    assert _span(r, "bg.1") == (132.0, 144.0)
    s = session(r, "s:session")
    assert (s["ended"], s["end_reason"], s["usage_seconds"]) == (132.0, "closed", 132.0)
    assert set(_charges(r)) == {"bg.1"}


def test_r37_under_ibm_2024_a_running_job_is_not_interrupted():
    """The older profiles keep R1 for a user's cancel too (cancel_running_jobs off, no overhead).

    t=0 it.1 0–100 (the cancel at 30 does nothing); bg.1 queued at 1. t=100 it.1 DONE, it.2
    submitted at once (no think time), before the pick; fair share: A used 100, B 0 → bg.1
    100–110, then it.2 110–210, it.3 210–310. Charges are the quanta.
    """
    r = run(CANCEL_WORKLOADS, rules="ibm-2024", actions=CANCEL_IT_1)
    assert (r.jobs["status"] == "DONE").all()
    assert _span(r, "it.1") == (0.0, 100.0)
    assert _span(r, "bg.1") == (100.0, 110.0)
    assert _span(r, "it.2") == (110.0, 210.0)
    assert _span(r, "it.3") == (210.0, 310.0)
    assert _charges(r) == {"it.1": 100.0, "bg.1": 10.0, "it.2": 100.0, "it.3": 100.0}


# --- R38: billing — the per-job overhead ------------------------------------------------------


def test_r38_the_overhead_locks_the_qpu_and_is_billed_in_job_and_batch_mode():
    """R38 under ibm-2025 (job_overhead_seconds = 2), one instance, three workloads one after
    the other so that nothing competes:

    `j` (job mode, two 10 s jobs at 0): j.1 0–12, j.2 12–24, each charged 12.
    `bt` (batch mode, two 10 s jobs at 100): bt.1 100–112, bt.2 112–124 (R24), each charged
    12; the batch's usage is the sum, 24.
    `ss` (session, iterative, two 10 s jobs, 5 s think, at 200): ss.1 200–212; ss.2 submitted
    217 (held, R13), 217–229; then closed (after_last) at 229. Usage is wall clock while
    active, 200–229 = 29 (the 5 s idle included), and no job of it has its own charge.
    """
    workloads = [
        {"name": "j", "user": "a", "pattern": "batch", "mode": "job", "jobs": 2, "quantum": 10},
        {"name": "bt", "user": "a", "pattern": "batch", "mode": "batch", "jobs": 2,
         "quantum": 10, "start": 100},
        {"name": "ss", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 2,
         "quantum": 10, "classical": 5, "start": 200},
    ]  # fmt: skip
    r = run(workloads, rules=TODAY)
    spans = {j: _span(r, j) for j in ("j.1", "j.2", "bt.1", "bt.2", "ss.1", "ss.2")}
    assert spans == {"j.1": (0.0, 12.0), "j.2": (12.0, 24.0), "bt.1": (100.0, 112.0),
                     "bt.2": (112.0, 124.0), "ss.1": (200.0, 212.0),
                     "ss.2": (217.0, 229.0)}  # fmt: skip
    assert (r.jobs["status"] == "DONE").all()
    assert _charges(r) == {"j.1": 12.0, "j.2": 12.0, "bt.1": 12.0, "bt.2": 12.0}
    assert session(r, "bt:batch")["usage_seconds"] == 24.0
    ss = session(r, "ss:session")
    assert (ss["ended"], ss["usage_seconds"]) == (229.0, 29.0)
    assert _billed(r, "A") == 12 + 12 + 24 + 29


def test_r38_a_job_cancelled_by_its_user_in_a_batch_is_charged_what_it_used():
    """R38 user cancel in batch mode: `bt` (batch, two 10 s jobs at 0); cancel bt.1 at t=5.
    bt.1 0–5 CANCELLED, charged the 5 s it held the QPU (its first 2 s being the overhead);
    bt.2 5–17 (R24 batch priority), charged 12. Batch usage 5 + 12 = 17."""
    workloads = [{"name": "bt", "user": "a", "pattern": "batch", "mode": "batch", "jobs": 2,
                  "quantum": 10}]  # fmt: skip
    r = run(workloads, rules=TODAY, actions=[{"workload": "bt", "job": 1, "at": 5,
                                              "do": "cancel_job"}])  # fmt: skip
    assert _status(r, "bt.1") == ("CANCELLED", "user_cancelled")
    assert _span(r, "bt.1") == (0.0, 5.0)
    assert _span(r, "bt.2") == (5.0, 17.0)
    assert _charges(r) == {"bt.1": 5.0, "bt.2": 12.0}
    assert session(r, "bt:batch")["usage_seconds"] == 17.0


def test_r38_a_job_failed_by_the_system_is_charged_nothing():
    """R38: a batch (three 10 s jobs at 0) whose max_time is 15 s (R16).

    bt.1 0–12 (charged 12); bt.2 starts 12 (R24) and locks 12 s; at 15 the batch's max_time
    runs out: bt.3, still queued, fails ERROR session_max_time — it never locked the QPU, so
    it is charged nothing (no charge event, not even the overhead); bt.2 runs on (R16), ends
    24 DONE, charged 12. Batch usage 24.
    """
    workloads = [{"name": "bt", "user": "a", "pattern": "batch", "mode": "batch", "jobs": 3,
                  "quantum": 10, "max_time": 15}]  # fmt: skip
    r = run(workloads, rules=TODAY)
    assert _span(r, "bt.1") == (0.0, 12.0)
    assert _span(r, "bt.2") == (12.0, 24.0)
    assert _status(r, "bt.2") == ("DONE", "")
    assert _status(r, "bt.3") == ("ERROR", "session_max_time")
    assert _never_ran(r, "bt.3")
    assert _charges(r) == {"bt.1": 12.0, "bt.2": 12.0}
    assert session(r, "bt:batch")["usage_seconds"] == 24.0


# --- R38: max_execution_time counts QPU time, ends CANCELLED ----------------------------------


def test_r38_max_execution_time_counts_the_locked_time_and_cancels():
    """R38 under ibm-2025; four job-mode workloads of user a, one after the other.

    m1 (quantum 100, max 50) at 0: needs 102 > 50 → locked 0–50, CANCELLED max_execution_time,
    charged 50. m2 (quantum 48, max 50) at 100: needs 50 → 100–150 DONE, charged 50.
    m3 (quantum 49, max 50) at 200: needs 51 > 50 — the overhead counts against the limit →
    200–250 CANCELLED, charged 50. m4 (quantum 4 h, no max) at 300: the limit is 3 h
    (job_time_limit) → 300–11100 CANCELLED, charged 10800.
    """
    workloads = [
        {"name": "m1", "user": "a", "pattern": "batch", "mode": "job", "jobs": 1,
         "quantum": 100, "max_execution_time": 50},
        {"name": "m2", "user": "a", "pattern": "batch", "mode": "job", "jobs": 1,
         "quantum": 48, "max_execution_time": 50, "start": 100},
        {"name": "m3", "user": "a", "pattern": "batch", "mode": "job", "jobs": 1,
         "quantum": 49, "max_execution_time": 50, "start": 200},
        {"name": "m4", "user": "a", "pattern": "batch", "mode": "job", "jobs": 1,
         "quantum": "4h", "start": 300},
    ]  # fmt: skip
    r = run(workloads, rules=TODAY)
    assert _span(r, "m1.1") == (0.0, 50.0)
    assert _status(r, "m1.1") == ("CANCELLED", "max_execution_time")
    assert _span(r, "m2.1") == (100.0, 150.0)
    assert _status(r, "m2.1") == ("DONE", "")
    assert _span(r, "m3.1") == (200.0, 250.0)
    assert _status(r, "m3.1") == ("CANCELLED", "max_execution_time")
    assert _span(r, "m4.1") == (300.0, 11100.0)
    assert _status(r, "m4.1") == ("CANCELLED", "max_execution_time")
    assert _charges(r) == {"m1.1": 50.0, "m2.1": 50.0, "m3.1": 50.0, "m4.1": 10800.0}


def test_r38_older_profiles_keep_error_at_max_execution_time():
    """ibm-current keeps R3 as it was: quantum 100, max 50 → 0–50 ERROR max_execution_time
    (no overhead: the job needs 100)."""
    workloads = [{"name": "m1", "user": "a", "pattern": "batch", "mode": "job", "jobs": 1,
                  "quantum": 100, "max_execution_time": 50}]  # fmt: skip
    r = run(workloads, rules="ibm-current")
    assert _status(r, "m1.1") == ("ERROR", "max_execution_time")
    assert _span(r, "m1.1") == (0.0, 50.0)


# --- R39: the Pay-As-You-Go cost limit ---------------------------------------------------------

PAYG = [{"name": "A", "plan": "payg", "cost_limit": 25}, {"name": "B"}]


def test_r39_the_cost_limit_stops_the_running_job_and_nothing_more_of_it_runs():
    """R39: instance A is Pay-As-You-Go with a cost limit of 25 runtime seconds.

    `j` (user a, job mode, four 10 s jobs at 0): j.1 0–12 (billed 12), j.2 12–24 (billed 24),
    j.3 starts 24 with 1 s left: at 25 the limit is reached → j.3 CANCELLED cost_limit,
    finished 25, charged 1; j.4, queued, CANCELLED cost_limit, never ran. A's billed usage is
    exactly 25. `late` (user a, at 100): refused at once, ERROR cost_limit. `bg` (user b, B
    has no cost limit, one 10 s job at 30) runs 30–42 DONE.
    """
    workloads = [
        {"name": "j", "user": "a", "pattern": "batch", "mode": "job", "jobs": 4, "quantum": 10},
        {"name": "bg", "user": "b", "pattern": "batch", "mode": "job", "jobs": 1,
         "quantum": 10, "start": 30},
        {"name": "late", "user": "a", "pattern": "batch", "mode": "job", "jobs": 1,
         "quantum": 10, "start": 100},
    ]  # fmt: skip
    r = run(workloads, rules=TODAY, instances=PAYG)
    assert _span(r, "j.1") == (0.0, 12.0)
    assert _span(r, "j.2") == (12.0, 24.0)
    assert _span(r, "j.3") == (24.0, 25.0)
    assert _status(r, "j.3") == ("CANCELLED", "cost_limit")
    assert _status(r, "j.4") == ("CANCELLED", "cost_limit")
    assert _never_ran(r, "j.4")
    assert _status(r, "late.1") == ("ERROR", "cost_limit")
    assert _never_ran(r, "late.1")
    assert _span(r, "bg.1") == (30.0, 42.0)
    assert _status(r, "bg.1") == ("DONE", "")
    assert _charges(r) == {"j.1": 12.0, "j.2": 12.0, "j.3": 1.0, "bg.1": 12.0}
    assert _billed(r, "A") == 25.0
    # The run no longer warns that R37-R39 are not applied.
    assert not any(rule in w for w in r.warnings for rule in ("R37", "R38", "R39"))


def test_r39_a_session_job_may_not_run_past_the_limit_even_after_max_time():
    """R39 in a session: A (payg, cost limit 40); `s` an iterative session of three 10 s jobs
    with 5 s think time, max_time 35.

    s.1 0–12; s.2 submitted 17 (held, R13) 17–29; s.3 submitted 34, starts 34, planned 34–46.
    At 35 max_time runs out: the session stops accepting and would let s.3 finish (R16). But a
    session bills wall clock while active (R38): 40 s at t=40 → the limit stops s.3 at 40,
    CANCELLED cost_limit; the session, already ending for max_time, ends at 40. Usage 40.
    """
    workloads = [{"name": "s", "user": "a", "pattern": "iterative", "mode": "session",
                  "jobs": 3, "quantum": 10, "classical": 5, "max_time": 35}]  # fmt: skip
    instances = [{"name": "A", "plan": "payg", "cost_limit": 40}, {"name": "B"}]
    r = run(workloads, rules=TODAY, instances=instances)
    assert _span(r, "s.1") == (0.0, 12.0)
    assert _span(r, "s.2") == (17.0, 29.0)
    assert _span(r, "s.3") == (34.0, 40.0)
    assert _status(r, "s.3") == ("CANCELLED", "cost_limit")
    s = session(r, "s:session")
    assert (s["ended"], s["end_reason"], s["usage_seconds"]) == (40.0, "max_time", 40.0)
    assert _billed(r, "A") == 40.0


def test_r39_the_limit_ends_an_idle_session_and_refuses_its_later_jobs():
    """R39 while a session is only held (no job running): A (payg, cost limit 20); `s` an
    iterative session of two 10 s jobs with 30 s think time.

    s.1 0–12; the session stays active through its 60 s ITTL, billing wall clock: 20 s at
    t=20 → the session ends (cost_limit), usage 20. s.2, submitted at 42, is refused: ERROR
    cost_limit, never ran.
    """
    workloads = [{"name": "s", "user": "a", "pattern": "iterative", "mode": "session",
                  "jobs": 2, "quantum": 10, "classical": 30}]  # fmt: skip
    instances = [{"name": "A", "plan": "payg", "cost_limit": 20}, {"name": "B"}]
    r = run(workloads, rules=TODAY, instances=instances)
    assert _span(r, "s.1") == (0.0, 12.0)
    assert _status(r, "s.1") == ("DONE", "")
    s = session(r, "s:session")
    assert (s["ended"], s["end_reason"], s["usage_seconds"]) == (20.0, "cost_limit", 20.0)
    assert _status(r, "s.2") == ("ERROR", "cost_limit")
    assert job(r, "s.2")["submitted"] == 42.0
    assert _never_ran(r, "s.2")


def test_r39_jobs_on_two_backends_reach_the_limit_together():
    """R39 with two jobs of A running at once on two backends: cost limit 30, one 20 s job on
    each at 0 (each would lock 22 s). Usage accrues 2 s per second: 30 at t=15 → both stop at
    15, CANCELLED cost_limit, each charged 15."""
    workloads = [
        {"name": "x", "user": "a", "pattern": "batch", "mode": "job", "jobs": 1, "quantum": 20,
         "backend": "q1"},
        {"name": "y", "user": "a", "pattern": "batch", "mode": "job", "jobs": 1, "quantum": 20,
         "backend": "q2"},
    ]  # fmt: skip
    instances = [{"name": "A", "plan": "payg", "cost_limit": 30}, {"name": "B"}]
    r = run(workloads, rules=TODAY, instances=instances,
            backends=[{"name": "q1"}, {"name": "q2"}])  # fmt: skip
    for jid in ("x.1", "y.1"):
        assert _span(r, jid) == (0.0, 15.0)
        assert _status(r, jid) == ("CANCELLED", "cost_limit")
    assert _charges(r) == {"x.1": 15.0, "y.1": 15.0}


def test_r39_prior_usage_at_the_limit_refuses_every_job():
    """R39 + R8: A has used 1 h and its cost limit is 1 h: nothing of it can run; its job at
    t=0 is refused, ERROR cost_limit, and the run ends at 0."""
    workloads = [{"name": "j", "user": "a", "pattern": "batch", "mode": "job", "jobs": 1,
                  "quantum": 10}]  # fmt: skip
    instances = [{"name": "A", "plan": "payg", "cost_limit": "1h", "used": "1h"}, {"name": "B"}]
    r = run(workloads, rules=TODAY, instances=instances)
    assert _status(r, "j.1") == ("ERROR", "cost_limit")
    assert _never_ran(r, "j.1")
    assert r.end_time == 0.0


def test_r39_a_reservation_for_a_cost_limited_instance_is_refused_naming_the_field():
    with pytest.raises(sim.ScenarioError) as err:
        run([{"name": "j", "user": "a", "pattern": "batch", "mode": "job", "jobs": 1,
              "quantum": 10}], rules=TODAY, instances=PAYG,
            reservations=[{"backend": "qpu", "instance": "A", "start": 0, "end": 60}])  # fmt: skip
    assert "reservations[0].instance" in str(err.value)
    assert "cost_limit" in str(err.value)


def test_r37_the_explanation_of_a_cancelled_running_job_cites_r37():
    """The explanation ("why did this job wait?") reads the log: it.1, cancelled at 30 while
    running, ended by R37; bg.1 waited 1–30 behind the running it.1 (R1: the scheduler never
    pre-empts)."""
    from sim.analysis.explain import explain

    r = run(CANCEL_WORKLOADS, rules=TODAY, actions=CANCEL_IT_1)
    assert "R37" in explain(r, "it.1").outcome_rules
    waited = explain(r, "bg.1")
    assert [(i.start, i.end, i.rules) for i in waited.intervals] == [(1.0, 30.0, ("R1",))]


def test_r39_a_limit_reached_at_a_jobs_end_leaves_it_done_and_refuses_a_later_session():
    """R39: A (payg, cost limit 12). j.1 (job mode, 10 s at 0) locks 0–12: its usage reaches
    the limit exactly as it ends, so it is DONE (charged 12). `s`, a session workload starting
    at 50, opens then and ends at once (end_reason cost_limit, never active); its job s.1,
    submitted at 50, is refused: ERROR cost_limit, never ran."""
    workloads = [
        {"name": "j", "user": "a", "pattern": "batch", "mode": "job", "jobs": 1, "quantum": 10},
        {"name": "s", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 2,
         "quantum": 10, "start": 50},
    ]  # fmt: skip
    instances = [{"name": "A", "plan": "payg", "cost_limit": 12}, {"name": "B"}]
    r = run(workloads, rules=TODAY, instances=instances)
    assert _span(r, "j.1") == (0.0, 12.0)
    assert _status(r, "j.1") == ("DONE", "")
    assert _charges(r) == {"j.1": 12.0}
    s = session(r, "s:session")
    assert (s["created"], s["ended"], s["end_reason"], s["activations"]) == (
        50.0, 50.0, "cost_limit", 0)  # fmt: skip
    assert _status(r, "s.1") == ("ERROR", "cost_limit")
    assert _never_ran(r, "s.1")
    assert sorted(r.jobs["job_id"]) == ["j.1", "s.1"]
