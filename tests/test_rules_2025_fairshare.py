"""R34, R35 under ibm-2025: fair share by allocation (docs: fair-share-scheduler, instances,
allocation-limits, plans-overview).

Each scenario is one backend, job-mode work with constant quanta, every job of a workload
submitted at its start (``pattern: batch``), so every start time is worked out by hand below.
A workload listed earlier submits its jobs first, so its jobs are older (the tie-break).

The scenarios pin ``job_overhead_seconds: 0`` and ``preprocess_lanes: 0``: those are R38 and
R41 (other rules of the profile); with them off, what is charged is exactly each job's quantum
(R9) and a job's QPU start is its start, so the numbers below are R34/R35's alone.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.analysis.replay import state_at
from tests.helpers import starts
from tests.test_dispatch import mismatches
from tests.test_properties import PROPERTY_SETTINGS, replay_violations, scenarios, simulate

H, M, DAY = 3600.0, 60.0, 86400.0


def data(instances: list[dict], workloads: list[tuple[str, str, int, str]], **top) -> dict:
    """``workloads``: (name, instance, jobs, quantum); one user per instance, named after it."""
    out: dict[str, Any] = {
        "name": "r34",
        "rules": "ibm-2025",
        "overrides": {"job_overhead_seconds": 0, "preprocess_lanes": 0},
        "backends": [{"name": "qpu"}],
        "instances": instances,
        "users": [{"name": i["name"].lower(), "instance": i["name"]} for i in instances],
        "workloads": [
            {
                "name": name,
                "user": inst.lower(),
                "backend": "qpu",
                "pattern": "batch",
                "mode": "job",
                "jobs": jobs,
                "quantum": quantum,
            }
            for name, inst, jobs, quantum in workloads
        ],  # fmt: skip
    }
    for key, value in top.items():
        if key == "overrides":
            out["overrides"].update(value)
        else:
            out[key] = value
    return out


def run(d: dict) -> sim.Result:
    return sim.run(sim.from_dict(d))


def status(result: sim.Result) -> dict[str, str]:
    return dict(zip(result.jobs["job_id"], result.jobs["status"], strict=True))


# --- R34: the smallest fraction of the allocation goes first ----------------------------------

# A: allocation 10h, used 4h → 14400/36000 = 0.4.  B: allocation 1h, used 30m → 0.5.
# B's workload is listed first, so its jobs are older. Quantum 30m = 1800 s.
#   t=0     A 0.4 < B 0.5                       → a.1 0–1800,    A 16200/36000 = 0.45
#   t=1800  A 0.45 < B 0.5                      → a.2 1800–3600, A 18000/36000 = 0.5
#   t=3600  A 0.5 = B 0.5: tie, older head job  → b.1 3600–5400, B 3600/3600 = 1.0 (over)
#   t=5400  A 0.5 < B 1.0                       → a.3 5400–7200
#   t=7200  only B left                         → b.2 7200–9000, b.3 9000–10800
# (By share, equal weights, B's 30m < A's 4h would put all of B first: b.1 at 0.)
TWO_PREMIUM = data(
    [{"name": "A", "allocation": "10h", "used": "4h"},
     {"name": "B", "allocation": "1h", "used": "30m"}],
    [("b", "B", 3, "30m"), ("a", "A", 3, "30m")],
)  # fmt: skip


def test_r34_two_premium_instances_by_fraction_of_allocation():
    result = run(TWO_PREMIUM)
    assert starts(result) == {
        "b.1": 3600.0, "b.2": 7200.0, "b.3": 9000.0,
        "a.1": 0.0, "a.2": 1800.0, "a.3": 5400.0,
    }  # fmt: skip
    ev = result.events
    assert set(ev.loc[ev["event"] == "start", "detail"]) == {"R34 fair share by allocation"}
    # The run follows R34/R35 now: its warning does not name them.
    assert not any("R34" in w or "R35" in w for w in result.warnings)


# --- R34: Flex counts the whole subscription, Premium the 28-day window --------------------

# G: flex, allocation 10h, used 5h (→ 0.5).  H: premium, allocation 10h, used 6h (→ 0.6).
# Prior usage is charged at t=0 (R8); work starts at 29 days (2505600 s), after the window:
# H's 6h has left it (0), G's 5h has not (flex: no window, 0.5). G's workload is listed first.
#   t=2505600  H 0 < G 0.5       → h.1 2505600–2509200, H 3600/36000 = 0.1
#   t=2509200  H 0.1 < G 0.5     → h.2 2509200–2512800, H 0.2
#   t=2512800  only G            → g.1 2512800–2516400
# (Flex windowed too: G 0 = H 0, the older g.1 first. No window at all: G 0.5 < H 0.6, g.1 first.)
FLEX_VS_PREMIUM = data(
    [{"name": "G", "plan": "flex", "allocation": "10h", "used": "5h"},
     {"name": "H", "plan": "premium", "allocation": "10h", "used": "6h"}],
    [("g", "G", 1, "1h"), ("h", "H", 2, "1h")],
)  # fmt: skip
for _w in FLEX_VS_PREMIUM["workloads"]:
    _w["start"] = "29d"


def test_r34_flex_usage_has_no_window_premium_usage_leaves_after_28_days():
    result = run(FLEX_VS_PREMIUM)
    assert starts(result) == {"h.1": 2505600.0, "h.2": 2509200.0, "g.1": 2512800.0}


# --- R34: over the allocation, not limited: lower priority, still runs -----------------------

# C: allocation 1h, used 66m → 1.1 (over, not limited).  D: allocation 10h, used 9h → 0.9.
# C's workload is listed first. Quantum 30m.
#   t=0     D 0.9 < C 1.1    → d.1 0–1800,    D 34200/36000 = 0.95
#   t=1800  D 0.95 < C 1.1   → d.2 1800–3600, D 1.0 (now over too)
#   t=3600  D 1.0 < C 1.1    → d.3 3600–5400 (both over: the smaller fraction first)
#   t=5400  only C           → c.1 5400–7200 (over its allocation, it still runs: no limit)
# (By share, C's 66m < D's 9h would put c.1 first, at 0.)
OVER_ALLOCATION = data(
    [{"name": "C", "allocation": "1h", "used": "1h 6m"},
     {"name": "D", "allocation": "10h", "used": "9h"}],
    [("c", "C", 1, "30m"), ("d", "D", 3, "30m")],
)  # fmt: skip


def test_r34_an_instance_over_its_allocation_runs_after_those_under_it():
    result = run(OVER_ALLOCATION)
    assert starts(result) == {"c.1": 5400.0, "d.1": 0.0, "d.2": 1800.0, "d.3": 3600.0}
    assert set(status(result).values()) == {"DONE"}


# --- R34: `limit: true` at its allocation starts nothing more --------------------------------

# E: allocation 1h as a limit, used 30m → 0.5.  F: allocation 1h, used 45m → 0.75 (no limit).
# E's workload is listed first. Quantum 20m = 1200 s.
#   t=0     E 0.5 < F 0.75           → e.1 0–1200,    E 50m → 0.833
#   t=1200  F 0.75 < E 0.833         → f.1 1200–2400, F 65m → 1.083 (over, still eligible)
#   t=2400  E 0.833 < F 1.083        → e.2 2400–3600, E 70m → 1.167: it started under the
#           limit and runs to the end; from now on E has reached its limit
#   t=3600  E limited and at 1.167: skipped → f.2 3600–4800
#   t=4800  e.3 stays queued: nothing starts, nothing is cancelled.
# With `until: 3h` the run stops at 10800 with e.3 QUEUED, no start, no finish (contract:
# "A job still queued when the run stops is QUEUED with empty started/finished").
# (By share, equal weights: e.1, f.1, e.2, f.2 as above but then e.3 at 4800, since R10 knows
# no `limit: true`.)
LIMITED = data(
    [{"name": "E", "allocation": "1h", "limit": True, "used": "30m"},
     {"name": "F", "allocation": "1h", "used": "45m"}],
    [("e", "E", 3, "20m"), ("f", "F", 2, "20m")],
)  # fmt: skip


def test_r34_a_limited_instance_at_its_allocation_starts_nothing_more():
    result = run({**LIMITED, "until": "3h"})
    got = starts(result)
    assert {k: v for k, v in got.items() if k != "e.3"} == {
        "e.1": 0.0, "f.1": 1200.0, "e.2": 2400.0, "f.2": 3600.0,
    }  # fmt: skip
    assert math.isnan(got["e.3"])
    assert status(result) == {"e.1": "DONE", "e.2": "DONE", "e.3": "QUEUED",
                              "f.1": "DONE", "f.2": "DONE"}  # fmt: skip
    e3 = result.jobs.set_index("job_id").loc["e.3"]
    assert math.isnan(e3["finished"]) and e3["reason"] in ("", None) or e3["reason"] != e3["reason"]
    # The replay says why e.3 waits at the end of the run.
    queue = state_at(result, 10800.0).queue
    assert list(queue["job_id"]) == ["e.3"]
    assert "R34" in queue["why"].iloc[0]


def test_r34_the_explanation_of_a_job_held_by_a_limit():
    # e.3 of the run above: the backend idles from f.2's end (4800) to `until` (10800) while
    # E is at its limit; the explanation names R34 for that stretch, and R4 for the end.
    from sim.analysis.explain import explain

    text = explain(run({**LIMITED, "until": "3h"}), "e.3").to_text()
    assert "01:20:00 – 03:00:00" in text and "E had used up its allocation" in text
    assert "[R34]" in text and "still queued when the run stopped [R4]" in text


def test_r34_a_limited_instance_starts_again_when_old_usage_leaves_the_window():
    # Same run without `until`. E's charges: 30m at t=0 (prior, R8), 20m at 1200 (e.1),
    # 20m at 3600 (e.2). The backend looks again when the oldest charge leaves the 28-day
    # window, at 28 d = 2419200 s: E keeps 40m of 1h → 0.667 < 1, so e.3 starts then.
    result = run(LIMITED)
    assert starts(result)["e.3"] == 28 * DAY
    assert set(status(result).values()) == {"DONE"}


# --- R34: Pay-As-You-Go: no allocation, `payg_priority` -------------------------------------

# P: payg (no allocation).  Q: premium, allocation 1h, used 1h 30m → 1.5 (over, not limited).
# P's workload is listed first. Quantum 10m = 600 s.
# lowest:  P after every instance with an allocation, even one over it:
#          q.1 0–600, q.2 600–1200, p.1 1200–1800, p.2 1800–2400
# highest: P before them: p.1 0–600, p.2 600–1200, q.1 1200–1800, q.2 1800–2400
# (By share, equal weights, P's 0 < Q's 90m: P first, as `highest`.)
PAYG = data(
    [{"name": "P", "plan": "payg"}, {"name": "Q", "allocation": "1h", "used": "1h 30m"}],
    [("p", "P", 2, "10m"), ("q", "Q", 2, "10m")],
)  # fmt: skip


def test_r34_payg_lowest_runs_after_every_instance_with_an_allocation():
    assert starts(run(PAYG)) == {"q.1": 0.0, "q.2": 600.0, "p.1": 1200.0, "p.2": 1800.0}


def test_r34_payg_highest_runs_before_every_instance_with_an_allocation():
    result = run({**PAYG, "overrides": {**PAYG["overrides"], "payg_priority": "highest"}})
    assert starts(result) == {"p.1": 0.0, "p.2": 600.0, "q.1": 1200.0, "q.2": 1800.0}


# Two payg instances: the one that used less in the window first, ties to the older job.
# P1 used 20m, P2 nothing; P1's workload listed first. Quantum 10m.
#   t=0     P2 0 < P1 20m          → p2.1 0–600,     P2 10m
#   t=600   P2 10m < P1 20m        → p2.2 600–1200,  P2 20m
#   t=1200  only P1                → p1.1 1200–1800, p1.2 1800–2400
# (FIFO among them would start p1.1 at 0.)
TWO_PAYG = data(
    [{"name": "P1", "plan": "payg", "used": "20m"}, {"name": "P2", "plan": "payg"}],
    [("p1", "P1", 2, "10m"), ("p2", "P2", 2, "10m")],
)  # fmt: skip


def test_r34_payg_instances_among_themselves_least_usage_first():
    assert starts(run(TWO_PAYG)) == {"p2.1": 0.0, "p2.2": 600.0, "p1.1": 1200.0, "p1.2": 1800.0}


# --- R35: the Open plan's 10 minutes per 28 days, as a limit ---------------------------------

# O: open plan, no allocation given → 10 min = 600 s, a limit (R35).  R: premium, 10h.
# O's workload listed first; quantum 4m = 240 s.
#   t=0     O 0 = R 0: tie, older head     → o.1 0–240,    O 240/600 = 0.4
#   t=240   R 0 < O 0.4                    → r.1 240–480,  R 240/36000 = 0.0067
#   t=480   R 0.0067 < O 0.4               → r.2 480–720
#   t=720   only O, 0.4 < 1                → o.2 720–960,  O 480 → 0.8
#   t=960   O 0.8 < 1                      → o.3 960–1200, O 720 → 1.2 (it started under the
#           limit, so it runs to its end)
#   t=1200  O reached its 10 minutes: o.4 never starts (QUEUED at until = 1h).
OPEN = data(
    [{"name": "O", "plan": "open"}, {"name": "R", "allocation": "10h"}],
    [("o", "O", 4, "4m"), ("r", "R", 2, "4m")],
    until="1h",
)  # fmt: skip


def test_r35_open_plan_stops_at_its_10_minutes():
    result = run(OPEN)
    got = starts(result)
    assert math.isnan(got.pop("o.4"))
    assert got == {"o.1": 0.0, "r.1": 240.0, "r.2": 480.0, "o.2": 720.0, "o.3": 960.0}
    assert status(result)["o.4"] == "QUEUED"
    # The Open instance was charged its three jobs, 720 s, past its 600 s.
    charged = result.events[(result.events["event"] == "charge")
                            & result.events["job_id"].str.startswith("o.", na=False)]  # fmt: skip
    assert charged["detail"].astype(float).sum() == 720.0


def test_r35_the_open_plan_limit_is_the_knob():
    # open_plan_allocation: null → the Open instance has no allocation: a payg-like instance
    # ranked last (payg_priority: lowest). R first: r.1 0–240, r.2 240–480, then o.1–o.4
    # back to back from 480: 480, 720, 960, 1200.
    result = run({**OPEN, "overrides": {**OPEN["overrides"], "open_plan_allocation": None}})
    assert starts(result) == {"r.1": 0.0, "r.2": 240.0,
                              "o.1": 480.0, "o.2": 720.0, "o.3": 960.0, "o.4": 1200.0}  # fmt: skip


# --- the replay (sim.analysis.replay) ranks with the same pick --------------------------------


@pytest.mark.parametrize(
    "scenario",
    [TWO_PREMIUM, FLEX_VS_PREMIUM, OVER_ALLOCATION, {**LIMITED, "until": "3h"}, PAYG, TWO_PAYG,
     OPEN],
    ids=["premium", "flex", "over", "limited", "payg", "two-payg", "open"],
)  # fmt: skip
def test_r34_replay_first_place_is_the_engines_next_start(scenario):
    assert not mismatches(copy.deepcopy(scenario))


# --- random scenarios: the pick against a model written from docs/model.md -------------------


@settings(PROPERTY_SETTINGS, max_examples=40)
@given(
    st.one_of(
        scenarios(allocations=True, rules="ibm-2025"),
        scenarios(allocations=True, contention=True, rules="ibm-2025"),
    )
)
def test_r34_every_start_follows_the_model_and_the_replay(data: dict[str, Any]) -> None:
    """R34/R35 on random ibm-2025 scenarios (plans, allocations, limits, payg_priority): each
    fair-share start is one the test's own model of "Fair share by allocation" accepts
    (tests/test_properties.py, FairShareModel.expected_by_allocation), and the replay's first
    place is the engine's next start."""
    scenario, result = simulate(copy.deepcopy(data))
    violations = replay_violations(scenario, result)
    assert not violations, "\n".join(violations[:5])
    bad = mismatches(data)
    assert not bad, "\n".join(bad[:3])
