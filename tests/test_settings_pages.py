"""The pages show the engine's session settings (R20, R21, R24; sim/model/settings.py): Capacity
planning's default values and the Reservations page's max_time what-if."""

from __future__ import annotations

import math

import sim
from sim.model.units import format_duration
from tests.helpers import scenario
from tests.test_rules_settings import INSTANCES, USERS, one

# --- the pages show the engine's values -------------------------------------------------------


def reserved() -> sim.Scenario:
    """ibm-2023; reservation 0 for A (0–10 min), reservation 1 for O (20–40 min).
    s100: A's session with max_time 100 s, so its ITTL is 100 s, not 300 s (R20).
    ob: O's session asking for 1 h, capped at the Open plan's 15 min, ITTL 2 s (R21)."""
    ws = [
        {"name": "s100", "user": "a", "pattern": "batch", "jobs": 3, "quantum": "1m",
         "mode": "session", "max_time": 100},
        {"name": "ob", "user": "o", "pattern": "batch", "jobs": 3, "quantum": "1m",
         "mode": "session", "start": 1200, "max_time": 3600},
    ]  # fmt: skip
    return scenario(ws, rules="ibm-2023", instances=INSTANCES, users=USERS,
                    reservations=[{"backend": "qpu", "instance": "A", "start": 0, "end": 600},
                                  {"backend": "qpu", "instance": "O", "start": 1200,
                                   "end": 2400}])  # fmt: skip


def engine_max_time(s: sim.Scenario, workload: str) -> float:
    sessions = sim.run(s).sessions
    return float(sessions.set_index("workload").at[workload, "max_time"])


def test_reservations_page_what_if_starts_at_the_engines_max_time():
    """The max_time slider starts at the session's max_time in the run (100 s and 15 min),
    so the what-if at its defaults is the run itself. On main it started at 5 min (the
    slider's floor) and at the workload's 1 h, ignoring the Open plan's cap."""
    from tests.test_pages import goto, start

    s = reserved()
    assert engine_max_time(s, "s100") == 100.0 and engine_max_time(s, "ob") == 900.0
    at = start()
    at.session_state["scenario"] = s
    at = goto(at, "reservations")
    assert at.select_slider(key="res_max_time").value == 100.0
    assert any(f"ITTL {format_duration(100)}" in c.value for c in at.caption)
    at.selectbox(key="res_pick").set_value(1).run()
    assert not at.exception
    slider = at.select_slider(key="res_max_time")
    assert slider.value == 900.0
    # Past the Open plan's 15 min a longer max_time changes nothing: the range stops there.
    assert max(slider.options) == "00:15:00"


def test_capacity_defaults_are_around_the_engines_settings():
    """An Open-plan batch under ibm-2024 runs with max_time 10 min (R24): the values offered
    are 5, 10 and 15 min, not 4, 8 and 12 h (the profile's default max_time of a session)."""
    from ui.capacity import candidates

    s = one("ibm-2024", "o", "batch")
    assert engine_max_time(s, "w") == 600.0
    offered = candidates(s)
    assert offered["workloads.w.max_time"] == "5m, 10m, 15m"
    assert "workloads.w.interactive_ttl" not in offered  # a batch's ITTL is 1 s (R24)
    s = one("ibm-2024", "a", "session", interactive_ttl=90)
    assert candidates(s)["workloads.w.interactive_ttl"] == "45s, 1m 30s, 2m 15s"
    assert not math.isnan(engine_max_time(s, "w"))
