"""The session state machine (sim/kernel/sessions.py, issue 14): two enums, their allowed
transitions written out by hand from R11–R24, and the engine moving a session through them.

The expected transitions below are read from the rules, not from the code: a session is
opened (R11), may be closed and drain (R17), ends — at once or after its running job (R16,
R18) — and never comes back; it is pending until its first job starts (R12), then active or
inactive (R14 ITTL, R15 reactivation, R27 a reservation takes the backend).
"""

from __future__ import annotations

import itertools

import pytest

import sim
from sim.kernel.engine import Engine
from sim.kernel.sessions import (
    ACTIVE,
    CLOSING,
    ENDED,
    ENDING,
    INACTIVE,
    NEW,
    OPEN,
    PENDING,
    Activity,
    Phase,
    Session,
    SessionStateError,
)

# Every (from, to) pair the rules allow; every other pair must be refused.
LIFE = {
    (NEW, OPEN),  # R11
    (OPEN, CLOSING),  # R17 drain
    (OPEN, ENDING),  # R16/R18 with a job running
    (OPEN, ENDED),  # R16/R18/R22 with nothing running; R17 with nothing queued
    (CLOSING, ENDING),  # max_time or a cancel during the drain
    (CLOSING, ENDED),  # the drain is over
    (ENDING, ENDED),  # the running job is done
}
HOLD = {(PENDING, ACTIVE), (ACTIVE, INACTIVE), (INACTIVE, ACTIVE)}


def _session(phase=NEW, activity=PENDING) -> Session:
    s = Session("s1", "w", "u", 0, None, "session", ittl=60.0, max_time=600.0)
    s.phase, s.activity = phase, activity
    return s


def _move_phase(s: Session, to: Phase) -> None:
    {
        OPEN: s.open,
        CLOSING: s.start_closing,
        ENDING: lambda: s.start_ending("max_time"),
        ENDED: lambda: s.end("closed"),
    }[to]()


@pytest.mark.parametrize("a, b", list(itertools.product(Phase, [OPEN, CLOSING, ENDING, ENDED])))
def test_the_life_of_a_session_moves_only_forward(a, b):
    s = _session(phase=a)
    if (a, b) in LIFE:
        _move_phase(s, b)
        assert s.phase is b
    else:
        with pytest.raises(SessionStateError):
            _move_phase(s, b)
        assert s.phase is a


@pytest.mark.parametrize("a, b", list(itertools.product(Activity, [ACTIVE, INACTIVE])))
def test_activity_starts_pending_then_goes_back_and_forth(a, b):
    s = _session(phase=OPEN, activity=a)
    move = (lambda: s.activate(5.0)) if b is ACTIVE else s.deactivate
    if (a, b) in HOLD:
        move()
        assert s.activity is b
    else:
        with pytest.raises(SessionStateError):
            move()
        assert s.activity is a


def test_the_first_activation_starts_the_max_time_clock_once():
    """R12: only the first activation answers True (the engine starts max_time then)."""
    s = _session(phase=OPEN)
    assert s.activate(10.0) is True
    s.deactivate()
    assert s.activate(70.0) is False
    assert (s.first_activation, s.activated_at, s.activations) == (10.0, 70.0, 2)


def test_ending_a_session_that_holds_the_backend_makes_it_inactive():
    s = _session(phase=OPEN, activity=ACTIVE)
    s.end("max_time")
    assert (s.phase, s.activity, s.end_reason) == (ENDED, INACTIVE, "max_time")


@pytest.mark.parametrize(
    "steps, reason",
    [
        # R17: closed by its user and draining, or ending after that: "session_closed".
        ([OPEN, CLOSING], "session_closed"),
        ([OPEN, CLOSING, ENDING], "session_closed"),
        # R16: max_time; R18: cancelled (the cancel status is CANCELLED, the reason this).
        ([OPEN, ENDING], "session_max_time"),
        ([OPEN, ENDED], "session_closed"),  # ended by close() with nothing queued
    ],
)
def test_a_job_sent_to_a_session_that_refuses_it_is_told_why(steps, reason):
    s = _session()
    for step in steps:
        _move_phase(s, step)
    assert not s.accepting
    assert s.refusal() == reason


def _scenario(**workload) -> sim.Scenario:
    return sim.from_dict(
        {
            "name": "states",
            "seed": 1,
            "rules": "ibm-2024",
            "backends": [{"name": "qpu"}],
            "instances": [{"name": "h/g/p"}],
            "users": [{"name": "u", "instance": "h/g/p"}],
            "workloads": [
                {
                    "name": "w",
                    "user": "u",
                    "backend": "qpu",
                    "pattern": "iterative",
                    "mode": "session",
                    "quantum": 10,
                    "classical": 100,
                    "jobs": 3,
                    "interactive_ttl": 60,
                    "max_time": 3600,
                    **workload,
                }  # fmt: skip
            ],
        }
    )


def test_the_engine_walks_a_session_through_its_states():
    """Three 10 s jobs, 100 s of thinking after each, ITTL 60 s. Job 1 runs 0–10 s: the
    first activation (R12). No job is queued 60 s after it ends, so the session goes inactive
    at 70 s (R14); job 2, sent at 110 s, reactivates it (R15, 2nd activation), runs 110–120 s,
    inactive again at 180 s; job 3 at 220 s (3rd activation) runs 220–230 s. Then the workload
    is done and ``close: after_last`` closes it with nothing queued: ENDED at once, "closed",
    and no longer holding the backend."""
    engine = Engine(_scenario(close="after_last"), 1)
    sim.Result.of(engine)
    [s] = engine.sessions
    assert (s.phase, s.activity, s.end_reason, s.activations) == (ENDED, INACTIVE, "closed", 3)
