"""R40 in every profile: a calibration that fell due is never dropped at the end of a run.

Before this fix a run ended with its last user job or session, and a calibration still waiting
at that moment (kept waiting by an active session under ``session_blocks_calibration``, or by
the last running job under R1) never appeared. semantics §10 R40: "A system job that fell due
is never dropped at the end of a run." Each expected time below is worked out by hand.
"""

from __future__ import annotations

import pytest

from tests.helpers import run, starts


def _cal_spans(result) -> list[tuple[float, float]]:
    tl = result.timeline
    cal = tl[tl["kind"] == "calibration"]
    return list(zip(cal["start"], cal["end"], strict=True))


def _backend(calibrations):
    return [{"name": "qpu", "calibrations": calibrations}]


# A session of three 80 s jobs submitted together: s.1 0–80, s.2 80–160, s.3 160–240, and
# close: after_last ends it at 240 (its last result is back).
SESSION_240 = [
    {"name": "s", "user": "a", "pattern": "batch", "mode": "session", "jobs": 3, "quantum": 80}
]


@pytest.mark.parametrize("rules", ["ibm-current", "ibm-2025"])
def test_r40_calibration_kept_waiting_by_session_runs_after_it(rules):
    """R40 + R25 (session_blocks_calibration): the calibration due at 30 waits for the active
    session, which ends at 240 with the last user work. It still runs: 240–340 (duration
    100), and the run ends at 340, not 240 (today it vanished)."""
    # ibm-2025's 2 s per-job overhead (R38) would lengthen each job; it is not what is tested.
    top = {"overrides": {"job_overhead_seconds": 0}} if rules == "ibm-2025" else {}
    r = run(SESSION_240, rules=rules, backends=_backend([{"at": 30, "duration": 100}]), **top)
    assert starts(r) == {"s.1": 0.0, "s.2": 80.0, "s.3": 160.0}
    assert _cal_spans(r) == [(240.0, 340.0)]
    assert r.end_time == 340.0
    ev = r.events
    assert list(ev[ev["event"].str.startswith("calibration")]["time"]) == [30.0, 240.0, 340.0]


@pytest.mark.parametrize("rules", ["ibm-2023", "ibm-2024"])
def test_r40_calibration_due_during_last_job_runs_after_it(rules):
    """R40 + R26 (ibm-2023/2024, no session blocking): one job-mode job 0–100; a calibration
    due at 30 cannot pre-empt it (R1) and waits. The job was the last user work, yet the
    calibration runs 100–150 and the run ends at 150 (today it ended at 100 without it)."""
    r = run(
        [{"name": "w", "user": "a", "pattern": "batch", "mode": "job", "jobs": 1,
          "quantum": 100}],
        rules=rules, backends=_backend([{"at": 30, "duration": 50}]),
    )  # fmt: skip
    assert starts(r) == {"w.1": 0.0}
    assert _cal_spans(r) == [(100.0, 150.0)]
    assert r.end_time == 150.0


def test_r40_periodic_calibration_drains_once_and_the_run_ends():
    """R40 + R25, ibm-current, periodic {every 100, first_at 30, duration 95}: due at 30, kept
    waiting by the session (0–240); the ones due at 130 and 230 find it still queued and are
    not queued twice. The session ends at 240 → the calibration runs 240–335. The next one
    would fall due at 330, after the user work was done: it is not part of the run (else a
    late periodic calibration, falling due during the previous one each time, would never
    let the run end). End 335."""
    r = run(
        SESSION_240,
        rules="ibm-current",
        backends=_backend([{"every": 100, "first_at": 30, "duration": 95}]),
    )
    assert _cal_spans(r) == [(240.0, 335.0)]
    assert r.end_time == 335.0


def test_r40_until_is_still_a_hard_stop():
    """``until`` stops the run (nothing new starts, R1): a calibration still waiting then is
    not run. Session as above under ibm-current, until 200: s.3 runs 160–240 (a running job
    completes), the run ends at 240 and the calibration due at 30 never starts."""
    r = run(SESSION_240, rules="ibm-current", until=200,
            backends=_backend([{"at": 30, "duration": 100}]))  # fmt: skip
    assert _cal_spans(r) == []
    assert r.end_time == 240.0
