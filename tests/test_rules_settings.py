"""Effective session settings (R20, R21, R24), worked out once in sim/model/settings.py.

Each case gives, by hand from the profile table (semantics §8) and the rules, the mode a
workload runs in and its session's ITTL and max_time; the same numbers must come out of
``effective_settings`` and out of the engine (the sessions table). The pages that show them
are tested in tests/test_settings_pages.py.
"""

from __future__ import annotations

import pytest

import sim
from sim.model.settings import describe, effective_settings
from sim.model.units import format_duration
from tests.helpers import scenario

H = 3600.0
INSTANCES = [{"name": "A", "share": 1}, {"name": "O", "share": 1, "plan": "open"}]
USERS = [{"name": "a", "instance": "A"}, {"name": "o", "instance": "O"}]


def one(rules: str, user: str, mode: str, **fields) -> sim.Scenario:
    """One workload ``w``: two 10-second jobs submitted together by ``user`` (a: premium
    instance A, o: Open-plan instance O)."""
    w = {"name": "w", "user": user, "pattern": "batch", "jobs": 2, "quantum": "10s",
         "mode": mode, **fields}  # fmt: skip
    return scenario([w], rules=rules, instances=INSTANCES, users=USERS)


# (rules, user, mode, workload fields) → (mode run, rejected, ITTL, max_time), by hand:
CASES = {
    # ibm-2023: ITTL 300 s fixed (R20) — but never longer than max_time (R20): 100 s.
    "2023-fixed-ittl-cut-to-max-time": (
        ("ibm-2023", "a", "session", {"max_time": 100}),
        ("session", "", 100.0, 100.0),
    ),
    # ibm-2023: the workload's own ITTL is ignored, 300 s fixed; max_time 8 h by default.
    "2023-fixed-ittl": (
        ("ibm-2023", "a", "session", {"interactive_ttl": 30}),
        ("session", "", 300.0, 8 * H),
    ),
    # ibm-2023 has no batch mode (R24): a batch is jobs in a session, with the session's ITTL.
    "2023-batch-is-a-session": (("ibm-2023", "a", "batch", {}), ("session", "", 300.0, 8 * H)),
    # ibm-2023 Open plan (R21): sessions allowed with ITTL 2 s and max_time at most 15 min.
    "2023-open-session": (
        ("ibm-2023", "o", "session", {"max_time": H}),
        ("session", "", 2.0, 15 * 60.0),
    ),
    # ibm-2024: the workload's ITTL (configurable), or 60 s by default.
    "2024-own-ittl": (
        ("ibm-2024", "a", "session", {"interactive_ttl": 90}),
        ("session", "", 90.0, 8 * H),
    ),
    "2024-default-ittl": (("ibm-2024", "a", "session", {}), ("session", "", 60.0, 8 * H)),
    # ibm-2024 Open plan: a session runs in job mode (R21): no session at all.
    "2024-open-session-job-mode": (("ibm-2024", "o", "session", {}), ("job", "", None, None)),
    # R24: a batch's ITTL is about 1 s; max_time 8 h by default, the workload's own if set ...
    "2024-batch": (("ibm-2024", "a", "batch", {"max_time": 2 * H}), ("batch", "", 1.0, 2 * H)),
    # ... and on the Open plan 10 min by default, and at most 10 min.
    "2024-open-batch": (("ibm-2024", "o", "batch", {}), ("batch", "", 1.0, 600.0)),
    "2024-open-batch-shorter": (
        ("ibm-2024", "o", "batch", {"max_time": 300}),
        ("batch", "", 1.0, 300.0),
    ),
    "2024-open-batch-capped": (
        ("ibm-2024", "o", "batch", {"max_time": H}),
        ("batch", "", 1.0, 600.0),
    ),
    # ibm-current Open plan: sessions are refused (R21): the jobs are rejected, no session.
    "current-open-session-rejected": (
        ("ibm-current", "o", "session", {}),
        ("session", "open_plan_no_sessions", None, None),
    ),
    # ibm-2025: the ITTL is 60 s and not the workload's (R36); an Open-plan batch 10 min.
    "2025-session": (("ibm-2025", "a", "session", {}), ("session", "", 60.0, 8 * H)),
    "2025-open-batch": (("ibm-2025", "o", "batch", {}), ("batch", "", 1.0, 600.0)),
    # Job mode has no session whatever the profile.
    "2024-job": (("ibm-2024", "a", "job", {"max_time": H}), ("job", "", None, None)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_R20_R21_R24_effective_settings_per_profile(case):
    (rules, user, mode, fields), (run_mode, rejected, ittl, max_time) = CASES[case]
    got = effective_settings(one(rules, user, mode, **fields), "w")
    assert (got.mode, got.rejected, got.interactive_ttl, got.max_time) == (
        run_mode, rejected, ittl, max_time
    )  # fmt: skip
    assert got.has_session == (ittl is not None)
    assert got.plan == ("open" if user == "o" else "premium") and got.rules == rules


@pytest.mark.parametrize("case", list(CASES))
def test_R20_R21_R24_the_engine_runs_with_the_effective_settings(case):
    """The sessions table says what the engine used: the same numbers as above."""
    (rules, user, mode, fields), (run_mode, rejected, ittl, max_time) = CASES[case]
    result = sim.run(one(rules, user, mode, **fields))
    if ittl is None:
        assert result.sessions.empty
        statuses = set(result.jobs["status"])
        assert statuses == ({"ERROR"} if rejected else {"DONE"})
        return
    (row,) = result.sessions.itertuples()
    assert (row.interactive_ttl, row.max_time) == (ittl, max_time)
    assert row.session_id == f"w:{run_mode}"


def test_R20_validation_checks_the_itt_against_the_max_time_of_the_mode():
    """ITTL 2 h with no max_time: a session's default max_time is 8 h, so it is valid; with
    max_time 1 h it is not (R20)."""
    one("ibm-2024", "a", "session", interactive_ttl=2 * H)
    with pytest.raises(sim.ScenarioError, match=r"workloads\[0\]\.interactive_ttl"):
        one("ibm-2024", "a", "session", interactive_ttl=2 * H, max_time=H)


def test_describe_says_what_the_run_uses():
    s = one("ibm-2023", "a", "session", max_time=100)
    text = describe(effective_settings(s, "w"))
    assert text == (
        f"runs as a session: ITTL {format_duration(100)} (fixed by the profile (R20), cut to "
        f"max_time (R20)), max_time {format_duration(100)}"
    )
    assert "job mode" in describe(effective_settings(one("ibm-2024", "o", "session"), "w"))
    assert "rejected" in describe(effective_settings(one("ibm-current", "o", "session"), "w"))


def test_r20_checks_only_an_ittl_the_session_uses():
    """R20 (ITTL at most max_time) is about the session's own ITTL. A batch runs with R24's
    ITTL whatever the workload writes, so its ``interactive_ttl`` cannot break R20: found by
    the property test (ibm-2023 with batch mode on and a 30 s batch max time). A session's
    ITTL above its max_time is still refused."""
    base = {
        "name": "r20", "seed": 0, "rules": "ibm-2023",
        "overrides": {"batch_mode": True, "batch_max_time": 30},
        "backends": [{"name": "q0"}],
        "instances": [{"name": "A"}],
        "users": [{"name": "u0", "instance": "A"}],
    }  # fmt: skip
    batch = {"name": "w0", "user": "u0", "backend": "q0", "pattern": "iterative",
             "mode": "batch", "jobs": 1, "quantum": 1, "interactive_ttl": 100}  # fmt: skip
    sim.from_dict({**base, "workloads": [batch]})  # accepted
    # ibm-2024 lets a workload set its ITTL (ibm-2023 fixes it at 300 s, R20).
    session = {**batch, "mode": "session", "max_time": 30}
    with pytest.raises(sim.ScenarioError, match=r"workloads\[0\]\.interactive_ttl"):
        sim.from_dict({**base, "rules": "ibm-2024", "workloads": [session]})
