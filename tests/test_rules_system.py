"""Batch mode, calibrations, reservations, workload patterns and reproducibility (R24–R33).

Every expected value is derived by hand from ../shared/spec/semantics.md and docs/model.md;
each test's docstring carries the timeline. Defaults (tests/helpers.py): one backend ``qpu``,
flat instances ``A`` and ``B`` (share 1 each, so equal effective shares: the fair-share key is
proportional to usage), user ``a`` in ``A`` and ``b`` in ``B``; profile ibm-2024 unless stated.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import sim
from tests.helpers import job, run, scenario, session, starts


def _cal_spans(result) -> list[tuple[float, float]]:
    tl = result.timeline
    cal = tl[tl["kind"] == "calibration"]
    return list(zip(cal["start"], cal["end"], strict=True))


def _spans(result, kind: str) -> list[tuple[float, float]]:
    tl = result.timeline
    seg = tl[tl["kind"] == kind]
    return list(zip(seg["start"], seg["end"], strict=True))


def _start_rule(result, jid: str) -> str:
    ev = result.events
    rows = ev[(ev["event"] == "start") & (ev["job_id"] == jid)]
    assert len(rows) == 1
    return rows.iloc[0]["detail"]


def _backend(calibrations):
    return [{"name": "qpu", "calibrations": calibrations}]


# --- R24 batch mode ---------------------------------------------------------------------------

# A has already used 15 s (R8). bg (user b, job mode) submits 3 jobs at t=0; w (user a)
# submits 3 jobs at t=5; every job has quantum 10.
JUMP_INSTANCES = [{"name": "A", "share": 1, "used": 15}, {"name": "B", "share": 1}]


def _jump(mode: str):
    return run(
        [{"name": "bg", "user": "b", "pattern": "batch", "mode": "job", "jobs": 3, "quantum": 10},
         {"name": "w", "user": "a", "pattern": "batch", "mode": mode, "jobs": 3, "quantum": 10,
          "start": 5}],
        instances=JUMP_INSTANCES,
    )  # fmt: skip


def test_r24_batch_first_job_waits_in_fair_share_then_batch_jumps_the_queue():
    """R24: t=0 bg.1 0–10 (only job); t=10 B=10 < A=15 → bg.2 10–20 (B=20);
    t=20 A=15 < B=20 → w.1 20–30 by fair share (R5), the batch becomes active;
    t=30 A=25 > B=20, yet the batch's queued jobs go first: w.2 30–40, w.3 40–50 (R24);
    bg.3 50–60."""
    r = _jump("batch")
    assert starts(r) == {
        "bg.1": 0.0, "bg.2": 10.0, "bg.3": 50.0, "w.1": 20.0, "w.2": 30.0, "w.3": 40.0,
    }  # fmt: skip
    assert _start_rule(r, "w.1") == "R5 fair share"
    assert _start_rule(r, "w.2") == "R24 batch priority"
    assert set(r.jobs.loc[r.jobs["workload"] == "w", "session_id"]) == {"w:batch"}
    assert session(r, "w:batch")["mode"] == "batch"


def test_r24_job_mode_control_does_not_jump():
    """Control for the test above in job mode: at t=30 A=25 > B=20 → bg.3 30–40; then only A
    is left: w.2 40–50, w.3 50–60."""
    r = _jump("job")
    assert starts(r) == {
        "bg.1": 0.0, "bg.2": 10.0, "bg.3": 30.0, "w.1": 20.0, "w.2": 40.0, "w.3": 50.0,
    }  # fmt: skip


def test_r24_calibration_runs_between_batch_jobs_even_ibm_current():
    """R24 + R25: a batch does not hold the backend, so even under ibm-current (where an active
    session would block it) a calibration due at t=5 runs after the running job:
    w.1 0–10, calibration 10–13, w.2 13–23, w.3 23–33."""
    r = run(
        [{"name": "w", "user": "a", "pattern": "batch", "mode": "batch", "jobs": 3,
          "quantum": 10}],
        rules="ibm-current", backends=_backend([{"at": 5, "duration": 3}]),
    )  # fmt: skip
    assert _cal_spans(r) == [(10.0, 13.0)]
    assert starts(r) == {"w.1": 0.0, "w.2": 13.0, "w.3": 23.0}


def test_r24_batch_never_holds_backend_and_bills_quantum_seconds():
    """R24: iterative batch, 3 jobs, quantum 10, classical 0.5 (< batch ITTL 1 s).
    w.1 0–10; bg.1 (user b) arrives at 10.25 while the batch has nothing queued → it starts
    at once (a session would hold the backend); w.2 submitted 10.5 waits until 20.25
    (still active: it was queued when the 1 s ITTL ran out at 11, so batch priority);
    w.3 submitted 30.75 → 30.75–40.75. Gaps are plain idle, never idle_held.
    Usage = 3 × 10 = 30 quantum seconds, not wall-clock time."""
    r = run(
        [{"name": "w", "user": "a", "pattern": "iterative", "mode": "batch", "jobs": 3,
          "quantum": 10, "classical": 0.5},
         {"name": "bg", "user": "b", "pattern": "batch", "mode": "job", "jobs": 1,
          "quantum": 10, "start": 10.25}],
    )  # fmt: skip
    assert starts(r) == {"w.1": 0.0, "bg.1": 10.25, "w.2": 20.25, "w.3": 30.75}
    assert _start_rule(r, "w.2") == "R24 batch priority"
    assert _spans(r, "idle_held") == []
    assert (10.0, 10.25) in _spans(r, "idle")
    assert (30.25, 30.75) in _spans(r, "idle")
    b = session(r, "w:batch")
    assert b["usage_seconds"] == 30.0
    assert b["idle_held_seconds"] == 0.0
    assert b["interactive_ttl"] == 1.0


def test_r24_default_max_time_8h_premium_10min_open():
    """R24: a batch's default max_time is 8 h (28800 s), 10 min (600 s) on the Open plan."""
    r = run(
        [{"name": "p", "user": "a", "pattern": "batch", "mode": "batch", "jobs": 1,
          "quantum": 10},
         {"name": "o", "user": "b", "pattern": "batch", "mode": "batch", "jobs": 1,
          "quantum": 10}],
        instances=[{"name": "A", "share": 1}, {"name": "B", "share": 1, "plan": "open"}],
    )  # fmt: skip
    assert session(r, "p:batch")["max_time"] == 28800.0
    assert session(r, "o:batch")["max_time"] == 600.0


def test_r24_open_plan_batch_max_time_is_enforced():
    """R24 + R16 on the Open plan (max_time 600 from the first start at 0): 4 jobs of 250 s:
    w.1 0–250, w.2 250–500, w.3 500–750 (running at 600, finishes DONE), w.4 still queued
    at 600 → ERROR session_max_time. Usage = 3 × 250 = 750."""
    r = run(
        [{"name": "w", "user": "a", "pattern": "batch", "mode": "batch", "jobs": 4,
          "quantum": 250}],
        instances=[{"name": "A", "share": 1, "plan": "open"}, {"name": "B", "share": 1}],
    )  # fmt: skip
    assert job(r, "w.3")["status"] == "DONE"
    assert job(r, "w.3")["finished"] == 750.0
    assert (job(r, "w.4")["status"], job(r, "w.4")["reason"]) == ("ERROR", "session_max_time")
    b = session(r, "w:batch")
    assert b["end_reason"] == "max_time"
    assert b["usage_seconds"] == 750.0


def test_r24_ibm_2023_batch_mode_workload_is_a_session():
    """R24 / §8: ibm-2023 has no batch mode: a mode: batch workload runs as a session and is
    reported with mode ``session`` (session id ``w:session``, fixed 300 s ITTL)."""
    r = run(
        [{"name": "w", "user": "a", "pattern": "batch", "mode": "batch", "jobs": 2,
          "quantum": 10}],
        rules="ibm-2023",
    )  # fmt: skip
    assert set(r.jobs["mode"]) == {"session"}
    assert set(r.jobs["session_id"]) == {"w:session"}
    s = session(r, "w:session")
    assert s["mode"] == "session"
    assert s["interactive_ttl"] == 300.0
    assert len(r.sessions) == 1


# --- R25 / R26 calibrations -------------------------------------------------------------------

SESSION_3 = [
    {"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 3, "quantum": 10}
]
CAL_AT_5 = [{"at": 5, "duration": 3}]


def test_r25_ibm_2024_calibration_runs_before_session_next_job():
    """R25/R26 (ibm-2024): calibration due at 5 waits for s.1 (R1), then goes ahead of the
    active session: s.1 0–10, calibration 10–13, s.2 13–23, s.3 23–33. The session keeps
    the backend (activations 1) and is billed 0..33 = 33 (R9)."""
    r = run(SESSION_3, backends=_backend(CAL_AT_5))
    assert _cal_spans(r) == [(10.0, 13.0)]
    assert starts(r) == {"s.1": 0.0, "s.2": 13.0, "s.3": 23.0}
    s = session(r, "s:session")
    assert s["activations"] == 1
    assert s["usage_seconds"] == 33.0


def test_r25_ibm_current_active_session_blocks_calibration_until_it_ends():
    """R25/R26 (ibm-current): the active session keeps the calibration waiting:
    s.1 0–10, s.2 10–20, s.3 20–30, session closed at 30 → calibration 30–33, still ahead of
    bg.1 (user b, queued since 25, which keeps the run alive) → bg.1 33–43."""
    bg = {"name": "bg", "user": "b", "pattern": "batch", "jobs": 1, "quantum": 10, "start": 25}
    r = run([*SESSION_3, bg], rules="ibm-current", backends=_backend(CAL_AT_5))
    assert starts(r) == {"s.1": 0.0, "s.2": 10.0, "s.3": 20.0, "bg.1": 33.0}
    assert _cal_spans(r) == [(30.0, 33.0)]


@pytest.mark.parametrize(("rules", "cal_start"), [("ibm-current", 70.0), ("ibm-2024", 10.0)])
def test_r25_calibration_vs_idle_session_ittl(rules, cal_start):
    """R25 + R14: iterative session, 2 jobs, quantum 10, classical 100 (ITTL 60).
    s.1 0–10; calibration due at 5. ibm-2024: it runs at 10 (10–13). ibm-current: the
    session holds the backend and blocks it until the ITTL runs out at 70 → 70–73.
    Either way s.2 is submitted at 110 and runs 110–120 (reactivation, R15)."""
    r = run(
        [{"name": "s", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 2,
          "quantum": 10, "classical": 100}],
        rules=rules, backends=_backend(CAL_AT_5),
    )  # fmt: skip
    assert _cal_spans(r) == [(cal_start, cal_start + 3.0)]
    assert starts(r) == {"s.1": 0.0, "s.2": 110.0}
    assert session(r, "s:session")["activations"] == 2


def test_r26_calibration_waits_for_running_job():
    """R1/R26: bg.1 and bg.2 (job mode) at 0; calibration due at 5 cannot pre-empt bg.1:
    bg.1 0–10 DONE, calibration 10–13 (ahead of bg.2, R25), bg.2 13–23."""
    r = run(
        [{"name": "bg", "user": "b", "pattern": "batch", "mode": "job", "jobs": 2,
          "quantum": 10}],
        backends=_backend(CAL_AT_5),
    )  # fmt: skip
    assert job(r, "bg.1")["finished"] == 10.0
    assert job(r, "bg.1")["status"] == "DONE"
    assert _cal_spans(r) == [(10.0, 13.0)]
    assert starts(r)["bg.2"] == 13.0


# Job-mode iterative workload: w.1 0–1, then 400 s of classical time, w.2 submitted at 401.
LONG_THINK = [
    {"name": "w", "user": "a", "pattern": "iterative", "mode": "job", "jobs": 2, "quantum": 1,
     "classical": 400}
]  # fmt: skip


def test_r25_periodic_calibration_first_at():
    """R25 periodic {every 100, first_at 30, duration 5} on an otherwise idle backend: due at
    30, 130, 230, 330 → runs exactly then; w.2 401–402 ends the run, so the one due at 430
    never happens (calibrations do not keep a run alive)."""
    r = run(LONG_THINK, backends=_backend([{"every": 100, "first_at": 30, "duration": 5}]))
    assert _cal_spans(r) == [(30.0, 35.0), (130.0, 135.0), (230.0, 235.0), (330.0, 335.0)]
    assert starts(r) == {"w.1": 0.0, "w.2": 401.0}
    assert r.end_time == 402.0


def test_r25_periodic_calibration_default_first_at_is_every():
    """R25 periodic {every 100, duration 5}: first_at defaults to 100 → 100, 200, 300, 400.
    w.2 submitted at 401 finds the 400–405 calibration running and waits (R1): 405–406."""
    r = run(LONG_THINK, backends=_backend([{"every": 100, "duration": 5}]))
    assert _cal_spans(r) == [(100.0, 105.0), (200.0, 205.0), (300.0, 305.0), (400.0, 405.0)]
    assert starts(r)["w.2"] == 405.0


# --- R27–R29 reservations ---------------------------------------------------------------------


def test_r27_reservation_window_runs_only_reserved_instance():
    """R27: A reserves [100, 200).
    t=95 b's wb.1 starts (free backend) and is not pre-empted at 100 (R1): 95–105.
    t=100 wa.1, wa.2 (A) queued → 105–115, 115–125 (R27 reservation);
    t=110 wc.1 (B) queued: must wait for the window end although the backend idles;
    t=125–150 reserved_idle; t=150 wd.1 (A) 150–160; 160–200 reserved_idle;
    t=200 window ends → wc.1 200–210 (fair share)."""
    r = run(
        [{"name": "wb", "user": "b", "pattern": "batch", "jobs": 1, "quantum": 10, "start": 95},
         {"name": "wa", "user": "a", "pattern": "batch", "jobs": 2, "quantum": 10, "start": 100},
         {"name": "wc", "user": "b", "pattern": "batch", "jobs": 1, "quantum": 10, "start": 110},
         {"name": "wd", "user": "a", "pattern": "batch", "jobs": 1, "quantum": 10,
          "start": 150}],
        reservations=[{"backend": "qpu", "instance": "A", "start": 100, "end": 200}],
    )  # fmt: skip
    assert starts(r) == {
        "wb.1": 95.0, "wa.1": 105.0, "wa.2": 115.0, "wc.1": 200.0, "wd.1": 150.0,
    }  # fmt: skip
    assert job(r, "wb.1")["finished"] == 105.0
    assert _start_rule(r, "wa.1") == "R27 reservation"
    assert _spans(r, "reserved_idle") == [(125.0, 150.0), (160.0, 200.0)]
    assert _spans(r, "idle") == [(0.0, 95.0)]


def test_r27_reservation_time_counts_as_instance_usage():
    """R27 + R9: B starts with 50 s used; A reserves [0, 100).
    0–95 reserved_idle (nothing of A queued; wb.1 of B, queued at 50, must wait);
    wa.1 (A) 95–105 (R27), still running at the window end. At 100 A is charged the whole
    window, 100 s; at 105 wa.1 adds only its 5 s outside the window → A = 105 > B = 50.
    At 105 wb.1 (B) and wa2.1 (A, queued at 101) compete: B is lower → wb.1 105–115,
    wa2.1 115–125. Without the reservation charge A would be at 5 and win."""
    r = run(
        [{"name": "wa", "user": "a", "pattern": "batch", "jobs": 1, "quantum": 10, "start": 95},
         {"name": "wb", "user": "b", "pattern": "batch", "jobs": 1, "quantum": 10, "start": 50},
         {"name": "wa2", "user": "a", "pattern": "batch", "jobs": 1, "quantum": 10,
          "start": 101}],
        instances=[{"name": "A", "share": 1}, {"name": "B", "share": 1, "used": 50}],
        reservations=[{"backend": "qpu", "instance": "A", "start": 0, "end": 100}],
    )  # fmt: skip
    assert starts(r) == {"wa.1": 95.0, "wb.1": 105.0, "wa2.1": 115.0}
    assert _spans(r, "reserved_idle") == [(0.0, 95.0)]


def test_r28_session_jobs_pending_at_window_end_fail():
    """R28: A reserves [0, 100); A's session submits 10 jobs of 15 s at 0; bg.1 (B) at 0.
    s.1 0–15 … s.7 90–105 (running at 100, finishes DONE); s.8–s.10 ERROR reservation_ended
    at 100; the session ends with end_reason reservation_ended; bg.1 105–115."""
    r = run(
        [{"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 10,
          "quantum": 15},
         {"name": "bg", "user": "b", "pattern": "batch", "jobs": 1, "quantum": 10}],
        reservations=[{"backend": "qpu", "instance": "A", "start": 0, "end": 100}],
    )  # fmt: skip
    assert [starts(r)[f"s.{k}"] for k in range(1, 8)] == [15.0 * i for i in range(7)]
    assert job(r, "s.7")["status"] == "DONE"
    assert job(r, "s.7")["finished"] == 105.0
    for k in (8, 9, 10):
        row = job(r, f"s.{k}")
        assert (row["status"], row["reason"]) == ("ERROR", "reservation_ended")
        assert pd.isna(row["started"])
    assert session(r, "s:session")["end_reason"] == "reservation_ended"
    assert starts(r)["bg.1"] == 105.0


def test_r28_window_end_while_calibration_runs_ends_session_once():
    """R28 + R29: same session (10 × 15 s) in A's window [0, 100); a calibration due at 85
    waits for s.6 (75–90) and runs 90–102 ahead of the session (R29). At 100 s.7–s.10 are
    still queued → ERROR reservation_ended; nothing of the session is running, so it ends at
    100, exactly once, with end_reason reservation_ended (not closed)."""
    r = run(
        [{"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 10,
          "quantum": 15}],
        backends=_backend([{"at": 85, "duration": 12}]),
        reservations=[{"backend": "qpu", "instance": "A", "start": 0, "end": 100}],
    )  # fmt: skip
    assert _cal_spans(r) == [(90.0, 102.0)]
    for k in (7, 8, 9, 10):
        assert job(r, f"s.{k}")["reason"] == "reservation_ended"
    ev = r.events
    ends = ev[(ev["event"] == "session_end") & (ev["session_id"] == "s:session")]
    assert list(zip(ends["time"], ends["detail"], strict=True)) == [(100.0, "reservation_ended")]


def test_r29_calibration_keeps_priority_inside_reservation():
    """R29: A reserves [0, 100); wa (A) 3 jobs at 0; bg.1 (B) at 0; calibrations at 5 and 50
    (3 s). wa.1 0–10, calibration 10–13 (ahead of the reserved jobs), wa.2 13–23,
    wa.3 23–33, reserved_idle 33–50, calibration 50–53 (on the reserved, idle backend),
    reserved_idle 53–100, bg.1 100–110."""
    r = run(
        [{"name": "wa", "user": "a", "pattern": "batch", "jobs": 3, "quantum": 10},
         {"name": "bg", "user": "b", "pattern": "batch", "jobs": 1, "quantum": 10}],
        backends=_backend([{"at": 5, "duration": 3}, {"at": 50, "duration": 3}]),
        reservations=[{"backend": "qpu", "instance": "A", "start": 0, "end": 100}],
    )  # fmt: skip
    assert _cal_spans(r) == [(10.0, 13.0), (50.0, 53.0)]
    assert starts(r) == {"wa.1": 0.0, "wa.2": 13.0, "wa.3": 23.0, "bg.1": 100.0}
    assert _spans(r, "reserved_idle") == [(33.0, 50.0), (53.0, 100.0)]


# --- R30–R32 workload patterns ----------------------------------------------------------------


def test_r30_iterative_classical_within_ittl_keeps_backend():
    """R30: 3 jobs, quantum 10, classical 5 < ITTL 60. Submissions 0, 15, 30 (finish + 5);
    runs 0–10, 15–25, 30–40; one activation; idle_held 5 + 5 = 10; usage 0..40 = 40 (R9);
    a job of user b arriving at 12 waits for the session (R13) until it closes at 40."""
    r = run(
        [{"name": "s", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 3,
          "quantum": 10, "classical": 5},
         {"name": "bg", "user": "b", "pattern": "batch", "jobs": 1, "quantum": 10,
          "start": 12}],
    )  # fmt: skip
    sub = r.jobs.set_index("job_id")["submitted"]
    assert [sub["s.1"], sub["s.2"], sub["s.3"]] == [0.0, 15.0, 30.0]
    assert [starts(r)[f"s.{k}"] for k in (1, 2, 3)] == [0.0, 15.0, 30.0]
    assert starts(r)["bg.1"] == 40.0
    s = session(r, "s:session")
    assert s["activations"] == 1
    assert s["idle_held_seconds"] == 10.0
    assert s["usage_seconds"] == 40.0


def test_r30_iterative_classical_beyond_ittl_goes_inactive_every_iteration():
    """R30 + R14/R15: 3 jobs, quantum 10, classical 100 > ITTL 60.
    s.1 0–10, inactive at 70; s.2 submitted 110, 110–120, inactive at 180; s.3 submitted 220,
    220–230, closed at 230. Activations 3; usage 70 + 70 + 10 = 150; idle_held 60 + 60."""
    r = run(
        [{"name": "s", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 3,
          "quantum": 10, "classical": 100}]
    )  # fmt: skip
    sub = r.jobs.set_index("job_id")["submitted"]
    assert [sub["s.1"], sub["s.2"], sub["s.3"]] == [0.0, 110.0, 220.0]
    assert [starts(r)[f"s.{k}"] for k in (1, 2, 3)] == [0.0, 110.0, 220.0]
    s = session(r, "s:session")
    assert s["activations"] == 3
    assert s["usage_seconds"] == 150.0
    assert s["idle_held_seconds"] == 120.0
    deact = r.events[r.events["event"] == "session_deactivate"]
    assert list(deact["time"]) == [70.0, 180.0]


def test_r31_batch_pattern_submits_everything_at_start():
    """R31: a batch of 5 jobs at start 7 → all submitted at 7, ids w.1..w.5 in order;
    in job mode they then run back to back 7, 17, …, 47."""
    r = run([{"name": "w", "user": "a", "pattern": "batch", "jobs": 5, "quantum": 10,
              "start": 7}])  # fmt: skip
    assert list(r.jobs["job_id"]) == [f"w.{k}" for k in range(1, 6)]
    assert (r.jobs["submitted"] == 7.0).all()
    assert [starts(r)[f"w.{k}"] for k in range(1, 6)] == [7.0, 17.0, 27.0, 37.0, 47.0]


def test_r32_stream_poisson_count_close_to_rate_times_time():
    """R32: rate 0.04/s from start 1000 to stop 101000 → Poisson count with mean
    0.04 × 100000 = 4000 and sd √4000 ≈ 63.2; accept ±5 sd (≈ ±316), a false alarm has
    probability < 1e-6 per seed. Every arrival is strictly after start and before stop."""
    for seed in (1, 2):
        r = run(
            [{"name": "bg", "user": "b", "pattern": "stream", "rate": 0.04, "quantum": 1,
              "start": 1000, "stop": 101000}],
            seed=seed,
        )  # fmt: skip
        n = len(r.jobs)
        assert abs(n - 4000) <= 5 * math.sqrt(4000)
        assert r.jobs["submitted"].min() > 1000.0
        assert r.jobs["submitted"].max() < 101000.0
        gaps = r.jobs["submitted"].diff().dropna()
        # Exponential gaps of mean 25 s: the sample mean of ~4000 gaps is within 5 sd (≈2 s).
        assert abs(gaps.mean() - 25.0) <= 5 * 25.0 / math.sqrt(n)


def test_r32_stream_jobs_cap():
    """R32: a fast stream (10/s, expected ~10000 arrivals before stop) capped at jobs: 25
    submits exactly 25 jobs, ids bg.1..bg.25, in increasing time order."""
    r = run([{"name": "bg", "user": "b", "pattern": "stream", "rate": 10, "quantum": 0.01,
              "jobs": 25, "stop": 1000}])  # fmt: skip
    assert list(r.jobs["job_id"]) == [f"bg.{k}" for k in range(1, 26)]
    assert r.jobs["submitted"].is_monotonic_increasing


def test_r32_stream_no_arrival_at_or_after_stop():
    """R32: with stop 50 and rate 1/s, the same seed's arrivals with a later stop (500) are
    the same stream (R33): every arrival before 50 is kept, none at or after 50 appears."""
    base = {"name": "bg", "user": "b", "pattern": "stream", "rate": 1, "quantum": 0.01}
    short = run([{**base, "stop": 50}], seed=3)
    long = run([{**base, "stop": 500}], seed=3)
    early = long.jobs[long.jobs["submitted"] < 50.0]["submitted"]
    assert len(early) > 0
    assert list(short.jobs["submitted"]) == list(early)
    assert (short.jobs["submitted"] < 50.0).all()


# --- R33 reproducibility and common random numbers --------------------------------------------

RICH = {
    "backends": [{"name": "qpu", "calibrations": [{"every": "1h", "duration": "5m"}]}],
    "reservations": [{"backend": "qpu", "instance": "B", "start": "2h", "end": "2h30m"}],
    "actions": [{"workload": "bat", "at": "1h10m", "do": "cancel_job", "job": 3}],
}
RICH_WORKLOADS = [
    {"name": "vqe", "user": "a", "pattern": "iterative", "mode": "session", "jobs": 20,
     "quantum": {"exponential": 30}, "classical": {"exponential": 20}},
    {"name": "bg", "user": "b", "pattern": "stream", "rate": "30/h",
     "quantum": {"exponential": 60}, "stop": "4h"},
    {"name": "bat", "user": "a", "pattern": "batch", "mode": "batch", "jobs": 10,
     "quantum": {"uniform": [10, 50]}, "start": "1h"},
]  # fmt: skip


def test_r33_same_scenario_and_seed_give_identical_tables():
    """R33: two runs of one scenario with one seed produce the same four tables."""
    a = sim.run(scenario(RICH_WORKLOADS, seed=11, **RICH))
    b = sim.run(scenario(RICH_WORKLOADS, seed=11, **RICH))
    assert len(a.jobs) > 20
    for name in ("jobs", "sessions", "timeline", "events"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_r33_different_seed_gives_different_stream_draws():
    """R33: the seed drives the draws: seed 11 vs the same scenario run with seed 12
    (the seed argument overrides the file's) give different stream arrival times."""
    sc = scenario(RICH_WORKLOADS, seed=11, **RICH)
    a, b = sim.run(sc), sim.run(sc, seed=12)
    assert b.seed == 12
    sa = a.jobs.loc[a.jobs["workload"] == "bg", "submitted"].to_list()
    sb = b.jobs.loc[b.jobs["workload"] == "bg", "submitted"].to_list()
    assert sa != sb


VQE = {"name": "vqe", "user": "a", "pattern": "iterative", "jobs": 8,
       "quantum": {"exponential": 30}, "classical": {"exponential": 20}}  # fmt: skip
BACKGROUND = {"name": "bg", "user": "b", "pattern": "stream", "rate": "60/h",
              "quantum": {"exponential": 60}, "stop": "2h"}  # fmt: skip


def _draws(result) -> tuple[list[float], list[float]]:
    """(quantum of job k, classical think time before job k+1) of workload vqe."""
    v = result.jobs[result.jobs["workload"] == "vqe"].set_index("job_id")
    ids = [f"vqe.{k}" for k in range(1, 9)]
    quantum = [v.loc[i, "quantum_seconds"] for i in ids]
    think = [v.loc[ids[k + 1], "submitted"] - v.loc[ids[k], "finished"] for k in range(7)]
    return quantum, think


def test_r33_crn_same_draws_whatever_the_mode():
    """R33 common random numbers: vqe's job k gets the same quantum draw, and the same
    classical think time, in session, job and batch mode (all 8 jobs DONE in each arm)."""
    arms = {m: sim.run(scenario([{**VQE, "mode": m}], seed=5)) for m in ("session", "job", "batch")}
    for r in arms.values():
        assert (r.jobs["status"] == "DONE").all()
    q0, t0 = _draws(arms["session"])
    assert len(set(q0)) == 8  # really random draws, not a constant
    for mode in ("job", "batch"):
        q, t = _draws(arms[mode])
        assert q == q0
        assert t == pytest.approx(t0, rel=1e-9, abs=1e-9)


def test_r33_crn_same_draws_with_or_without_another_workload():
    """R33: adding a background stream (which changes every start time of vqe) does not change
    vqe's draws; nor does the profile."""
    alone = sim.run(scenario([{**VQE, "mode": "session"}], seed=5))
    crowded = sim.run(scenario([{**VQE, "mode": "session"}, BACKGROUND], seed=5))
    old = sim.run(scenario([{**VQE, "mode": "session"}, BACKGROUND], seed=5, rules="ibm-2023"))
    assert (crowded.jobs["workload"] == "bg").sum() > 10
    q0, t0 = _draws(alone)
    for other in (crowded, old):
        q, t = _draws(other)
        assert q == q0
        assert t == pytest.approx(t0, rel=1e-9, abs=1e-9)
