"""Property-based tests: invariants that must hold for every valid scenario.

Hypothesis generates small scenarios (1–2 backends, 1–4 instances flat or hub/group/project,
1–4 workloads of every pattern and mode, random profiles and knob overrides, calibrations,
reservations, close/cancel/cancel_job actions, an optional ``until``) that are valid by
construction, runs them, and checks the rules that do not depend on the particular numbers:
R1 (one job at a time), R3/R4 (final states and run times), R5/R13/R24/R25/R27 (what the
backend may pick, replayed from the event log), R16 (max_time), R27 (reservations), R33
(reproducibility), and the consistency of the result tables (contract). A contention variant
(hierarchies whose projects compete on one backend, often at exactly equal keys, sometimes
with an instance over its allocation) feeds the fair-share replay of R5–R7 and R10.

Reproducible in CI: ``derandomize=True`` and no example database.
"""

from __future__ import annotations

import json
import math
import signal
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd
import yaml
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

import sim
from sim.model.units import parse_duration

HOUR = 3600.0
EPS = 1e-9

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

STATUSES = {"DONE", "ERROR", "CANCELLED", "QUEUED"}
# docs/model.md, "Final states and reasons".
REASONS = {
    "DONE": {""},
    "QUEUED": {""},
    "ERROR": {
        "max_execution_time", "session_max_time", "session_closed", "session_cancelled",
        "first_job_cancelled", "open_plan_no_sessions", "reservation_ended",
    },
    "CANCELLED": {"session_cancelled", "user_cancelled"},
}  # fmt: skip
END_REASONS = {
    "max_time", "closed", "cancelled", "first_job_cancelled", "idle_timeout", "reservation_ended",
}  # fmt: skip
# ibm-2025 (R38, R39): a job over its max_execution_time may end CANCELLED; a cost limit
# cancels running and queued jobs, refuses later ones, and ends sessions.
REASONS["CANCELLED"] |= {"max_execution_time", "cost_limit"}
REASONS["ERROR"] |= {"cost_limit"}
END_REASONS |= {"cost_limit"}


# --- pinned examples: minimal cases of failures found by the generator ---------------------

# Two back-to-back reservations for B, [0, 10) and [10, 20); A has one 5 s job queued from
# t=0. R27: A may not start before 20. (Both window boundaries fall at t=10.)
BACK_TO_BACK_RESERVATIONS: dict[str, Any] = {
    "name": "back-to-back reservations",
    "seed": 0,
    "backends": [{"name": "q0"}],
    "instances": [{"name": "A"}, {"name": "B"}],
    "users": [{"name": "u0", "instance": "A"}, {"name": "u1", "instance": "B"}],
    "workloads": [
        {"name": "w0", "user": "u0", "backend": "q0", "pattern": "batch", "mode": "job",
         "jobs": 1, "quantum": 5},
    ],
    "reservations": [
        {"backend": "q0", "instance": "B", "start": 0, "end": 10},
        {"backend": "q0", "instance": "B", "start": 10, "end": 20},
    ],
}  # fmt: skip

# A `close` action at t=0 on a session workload that starts (and opens its session) at t=10.
CLOSE_BEFORE_OPEN: dict[str, Any] = {
    "name": "close before open",
    "seed": 0,
    "backends": [{"name": "q0"}],
    "instances": [{"name": "A"}],
    "users": [{"name": "u0", "instance": "A"}],
    "workloads": [
        {"name": "w0", "user": "u0", "backend": "q0", "pattern": "iterative",
         "mode": "session", "start": 10, "jobs": 1, "quantum": 5},
    ],
    "actions": [{"workload": "w0", "at": 0, "do": "close"}],
}  # fmt: skip


# --- the scenario generator -----------------------------------------------------------------

KNOB_VALUES: dict[str, list[Any]] = {
    "on_close": ["fail", "drain"],
    "session_blocks_calibration": [True, False],
    "first_job_cancel_fails_session": [True, False],
    "open_plan_sessions": ["allowed", "job_mode", "rejected"],
    "idle_session_close": [None, 20, 300],
    "batch_mode": [True, False],
    "session_order": ["fifo", "shuffled"],
    "default_interactive_ttl": [0, 2, 15, 60],
    "interactive_ttl_fixed": [True, False],
    "default_max_time": [40, 300, 8 * HOUR],
    "job_time_limit": [8, 3 * HOUR],
    "batch_interactive_ttl": [0.5, 1, 10],
    "batch_max_time": [30, 8 * HOUR],
    "open_plan_max_time": [20, 900],
    "open_plan_interactive_ttl": [0, 2, 10],
    "fair_share_window": [120, 28 * 86400],
    "cancel_running_jobs": [True, False],  # R37
    "job_overhead_seconds": [0, 2],  # R38
    "max_execution_time_status": ["ERROR", "CANCELLED"],  # R38
}

QUANTA = [
    0, 1, 5, 10, 30, "20s",
    {"exponential": 10}, {"uniform": [1, 20]}, {"normal": {"mean": 8, "sd": 6}},
    {"lognormal": {"mean": 10, "sd": 5}}, {"choice": [2, 8, 20]},
]  # fmt: skip
CLASSICAL = [0, 1, 3, 20, 90, {"exponential": 5}, {"uniform": [0, 30]}]


@st.composite
def scenarios(
    draw: st.DrawFn, allocations: bool = False, contention: bool = False, rules: str | None = None
) -> dict[str, Any]:
    """A scenario dict that the validator must accept (every constraint met by construction).

    ``allocations`` adds R10 allocation limits (with a short fair-share window so blocked jobs
    wait seconds, not 28 simulated days). They are kept out of the other properties because
    of the hang in ``test_r10_blocked_job_runs_when_usage_leaves_the_window``.

    ``rules`` fixes the profile (default: drawn).

    ``contention`` aims at the fair-share pick: always a hierarchy that starts with two
    projects of one group, one backend, mostly job-mode work starting together with constant
    quanta, so that several instances compete at most dispatches and keys tie exactly.
    """
    rules = rules or draw(st.sampled_from(sorted(sim.PROFILES)))
    overrides = {
        k: draw(st.sampled_from(KNOB_VALUES[k]))
        for k in draw(st.lists(st.sampled_from(sorted(KNOB_VALUES)), max_size=3, unique=True))
    }

    # Instances: flat, or hub/group/project (never mixed), with optional hub/group weights.
    # Half the hierarchies start with two projects of one group, and half of all scenarios
    # give every instance the same share and no prior usage: with constant quanta, keys then
    # tie exactly, inside a group (R7, the one-pass pick) and between groups (the full scan),
    # so the replay oracle sees the tie-breaks. Allocations (R10) may start below `used`:
    # an instance over its allocation from t=0 sends every pick through the full scan.
    today = sim.PROFILES[rules].fair_share_basis == "allocation"
    if today and draw(st.booleans()):
        overrides["payg_priority"] = draw(st.sampled_from(["lowest", "highest"]))
    n_inst = draw(st.integers(2 if contention else 1, 4))
    hierarchical = contention or draw(st.booleans())
    equal = draw(st.integers(0, 3)) > 0 if contention else draw(st.booleans())
    if hierarchical:
        pool = ["h1/g1/p1", "h1/g1/p2", "h1/g1/p3", "h1/g2/p1", "h2/g1/p1"]
        names = draw(st.lists(st.sampled_from(pool), min_size=n_inst, max_size=n_inst,
                              unique=True))  # fmt: skip
        if n_inst >= 2 and (contention or draw(st.booleans())):
            names = ["h1/g1/p1", "h1/g1/p2", *[n for n in names if not n.startswith("h1/g1/")]]
            names = names[:n_inst]
    else:
        names = ["A", "B", "C", "D"][:n_inst]
    instances = []
    for name in names:
        share = 1 if equal else draw(st.sampled_from([0.5, 1, 2, 3]))
        inst: dict[str, Any] = {"name": name, "share": share}
        if not equal and draw(st.integers(0, 3)) == 0:
            inst["used"] = draw(st.sampled_from([10, 600, "1h"]))
        if draw(st.integers(0, 4)) == 0:
            inst["plan"] = "open"
        if (sim.PROFILES[rules].fair_share_basis == "allocation" and "plan" not in inst
                and draw(st.integers(0, 3)) == 0):  # fmt: skip
            inst["plan"] = "payg"  # R39: a cost limit of a few jobs' worth
            inst["cost_limit"] = draw(st.sampled_from([15, 60]))
        elif allocations and draw(st.booleans()):
            inst["allocation"] = draw(st.sampled_from([5, 30]))
            if draw(st.integers(0, 2)) == 0:
                inst["used"] = 40  # over its allocation from the start
            # Keep blocked jobs from waiting 28 simulated days (R10: they wait for expiry).
            overrides["fair_share_window"] = draw(st.sampled_from([60, 300]))
        if today:
            # R34/R35 (ibm-2025): Flex and Pay-As-You-Go plans, allocations as limits (a plan
            # already drawn, with its cost limit, R39, stays).
            if "cost_limit" not in inst and draw(st.integers(0, 2)) == 0:
                inst["plan"] = draw(st.sampled_from(["flex", "payg"]))
            if inst.get("plan") == "payg":
                inst.pop("allocation", None)
            elif ("allocation" in inst or inst.get("plan") == "open") and draw(st.booleans()):
                inst["limit"] = draw(st.booleans())
        instances.append(inst)
    hubs: dict[str, float] = {}
    groups: dict[str, float] = {}
    if hierarchical and not equal:
        for hub in sorted({n.split("/")[0] for n in names}):
            if draw(st.booleans()):
                hubs[hub] = draw(st.sampled_from([1, 2, 5]))
        for group in sorted({"/".join(n.split("/")[:2]) for n in names}):
            if draw(st.booleans()):
                groups[group] = draw(st.sampled_from([1, 3]))

    if sim.PROFILES[rules].fair_share_basis != "share_tree":
        hubs, groups = {}, {}  # ibm-2025 (R34): no hub/group weights; names are just names
    users = [{"name": f"u{i}", "instance": n} for i, n in enumerate(names)]
    if draw(st.booleans()):
        users.append({"name": "extra", "instance": draw(st.sampled_from(names))})
    user_names = [u["name"] for u in users]

    n_back = 1 if contention else draw(st.integers(1, 2))
    backends = []
    for b in range(n_back):
        cals = []
        # One-off calibrations, and at most one periodic one (duty cycle below 1/2): periodic
        # calibrations that fill the whole backend would starve user jobs forever (R25).
        for _ in range(draw(st.integers(0, 2))):
            duration = draw(st.sampled_from([1, 5, 20]))
            cals.append({"at": draw(st.sampled_from([0, 3, 10, 40])), "duration": duration})
        if draw(st.booleans()):
            duration = draw(st.sampled_from([1, 5, 20]))
            cal = {"every": duration + draw(st.sampled_from([duration + 5, 30, 100])),
                   "duration": duration}  # fmt: skip
            if draw(st.booleans()):
                cal["first_at"] = draw(st.sampled_from([0, 7, 25]))
            cals.append(cal)
        backends.append({"name": f"q{b}", "calibrations": cals})
    backend_names = [b["name"] for b in backends]

    knobs = {**sim.PROFILES[rules].model_dump(), **overrides}
    plan_of = {i["name"]: i.get("plan", "premium") for i in instances}
    user_plan = {u["name"]: plan_of[u["instance"]] for u in users}
    workloads = []
    for i in range(draw(st.integers(2 if contention else 1, 4))):
        patterns = (
            ["batch", "batch", "iterative", "stream"]
            if contention
            else ["iterative", "batch", "stream"]
        )  # bursts compete; loops and streams trickle
        pattern = draw(st.sampled_from(patterns))
        mode = draw(st.sampled_from(["job", "job", "job", "batch", "session"] if contention
                                    else ["job", "session", "batch"]))  # fmt: skip
        start = draw(st.sampled_from([0, 0, 5] if contention else [0, 0, 5, 30, 100]))
        w: dict[str, Any] = {
            "name": f"w{i}",
            # Under contention the first workloads go to different projects (p1, p2, …).
            "user": user_names[i % len(user_names)]
            if contention
            else draw(st.sampled_from(user_names)),
            "backend": draw(st.sampled_from(backend_names)),
            "pattern": pattern,
            "mode": mode,
            "start": start,
            "jobs": draw(st.integers(1, 4)),
            "quantum": draw(st.sampled_from([5, 10, 10, 30] if contention else QUANTA)),
        }
        session_like = mode == "session" or (mode == "batch" and not knobs["batch_mode"])
        if (session_like and user_plan[w["user"]] == "open"
                and knobs["open_plan_sessions"] == "rejected"
                and knobs["open_plan_session_refusal"] == "validation"):  # fmt: skip
            w["mode"] = mode = "job"  # R35 (ibm-2025): an Open-plan session is invalid
        if pattern == "stream":
            w["rate"] = draw(st.sampled_from([0.05, 0.2, "6/m"]))
            if draw(st.booleans()):
                w["stop"] = start + draw(st.sampled_from([10, 60, 300]))
        if pattern == "iterative" and draw(st.booleans()):
            w["classical"] = draw(st.sampled_from(CLASSICAL))
        if mode != "job":
            if draw(st.booleans()):
                w["max_time"] = draw(st.sampled_from([20, 60, 600, "8h"]))
            max_time = parse_duration(w.get("max_time", knobs["default_max_time"]))
            if knobs["interactive_ttl_configurable"] and draw(st.booleans()):
                ttls = [t for t in (0, 1, 5, 30, 100) if t <= max_time]
                w["interactive_ttl"] = draw(st.sampled_from(ttls))
            if draw(st.integers(0, 3)) == 0:
                w["close"] = "never"
            if draw(st.integers(0, 3)) == 0:
                w["open_at"] = max(0, start - draw(st.sampled_from([0, 5, 30])))
        if draw(st.integers(0, 3)) == 0:
            w["max_execution_time"] = draw(st.sampled_from([3, 15]))
        workloads.append(w)

    reservations = []
    for b in backend_names:
        t = 0.0
        for _ in range(0 if contention else draw(st.integers(0, 2))):
            t += draw(st.sampled_from([0, 10, 50, 200]))
            end = t + draw(st.sampled_from([10, 60, 300]))
            # A cost-limited instance has no reservation (validation, R39).
            reservable = [i["name"] for i in instances if "cost_limit" not in i]
            if not reservable:
                break
            reservations.append({"backend": b, "instance": draw(st.sampled_from(reservable)),
                                 "start": t, "end": end})  # fmt: skip
            t = end

    actions = []
    for _ in range(draw(st.integers(0, 3))):
        action: dict[str, Any] = {
            "workload": draw(st.sampled_from([w["name"] for w in workloads])),
            "at": draw(st.sampled_from([0, 5, 20, 60, 150])),
            "do": draw(st.sampled_from(["close", "cancel", "cancel_job"])),
        }
        if action["do"] == "cancel_job":
            action["job"] = draw(st.integers(1, 4))
        actions.append(action)

    data: dict[str, Any] = {
        "name": "generated",
        "seed": draw(st.integers(0, 10_000)),
        "rules": rules,
        "overrides": overrides,
        "backends": backends,
        "instances": instances,
        "users": users,
        "workloads": workloads,
        "reservations": reservations,
        "actions": actions,
    }
    if hubs:
        data["hubs"] = hubs
    if groups:
        data["groups"] = groups
    if draw(st.integers(0, 2)) == 0:
        data["until"] = draw(st.sampled_from([30, 100, 500]))
    return data


class Hang(AssertionError):
    pass


def _hang(signum: int, frame: object) -> None:
    raise Hang(f"the simulation did not finish within {RUN_LIMIT} s (these runs take < 0.3 s)")


RUN_LIMIT = 2.0


def simulate(data: dict[str, Any]) -> tuple[sim.Scenario, sim.Result]:
    """Validate (a refusal is a bug in the generator or the validator: fail loudly) and run.

    A run of these few jobs takes milliseconds; one that has not finished after RUN_LIMIT
    seconds is stuck (an event loop that no longer advances time), reported as a failure
    instead of hanging the suite.
    """
    try:
        scenario = sim.from_dict(data)
    except sim.ScenarioError as err:
        raise AssertionError(f"valid-by-construction scenario refused:\n{err}") from None
    previous = signal.signal(signal.SIGALRM, _hang)
    signal.setitimer(signal.ITIMER_REAL, RUN_LIMIT)
    try:
        result = sim.run(scenario)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return scenario, result


# --- small table helpers ----------------------------------------------------------------------


def ran(jobs: pd.DataFrame) -> pd.DataFrame:
    return jobs[jobs["started"].notna()]


def stopped_early(scenario: sim.Scenario) -> set[str]:
    """Reasons a running job may end before its time: a user's cancel under
    ``cancel_running_jobs`` (R37), a cost limit (R39)."""
    out = {"user_cancelled"} if scenario.knobs.cancel_running_jobs else set()
    if any(i.cost_limit is not None for i in scenario.instances):
        out.add("cost_limit")
    return out


def job_limit(scenario: sim.Scenario, workload: str) -> float:
    """R3: min(max_execution_time, job_time_limit)."""
    w = next(w for w in scenario.workloads if w.name == workload)
    limit = w.max_execution_time if w.max_execution_time is not None else math.inf
    return min(limit, scenario.knobs.job_time_limit)


def busy_segments(result: sim.Result, backend: str) -> list[tuple[float, float, str]]:
    """(start, end, what) of every job and calibration on a backend, from the event log."""
    ev = result.events[result.events["backend"] == backend]
    segs = [(a, z, f"job {j}") for j, a, z in
            ran(result.jobs[result.jobs["backend"] == backend])[["job_id", "started", "finished"]]
            .itertuples(index=False)]  # fmt: skip
    cal_start = ev.loc[ev["event"] == "calibration_start", "time"].tolist()
    cal_end = ev.loc[ev["event"] == "calibration_end", "time"].tolist()
    for k, a in enumerate(cal_start):
        segs.append((a, cal_end[k] if k < len(cal_end) else result.end_time, "calibration"))
    return sorted(segs)


# --- 1. the machine: one job at a time, the timeline -----------------------------------------


@PROPERTY_SETTINGS
@given(scenarios())
def test_r1_one_job_at_a_time_per_backend(data: dict[str, Any]) -> None:
    """R1: job and calibration segments on one backend never overlap (jobs table, events and
    timeline alike)."""
    scenario, result = simulate(data)
    tl = result.timeline
    for b in (b.name for b in scenario.backends):
        segs = busy_segments(result, b)
        for (a1, z1, w1), (a2, z2, w2) in zip(segs, segs[1:], strict=False):
            assert z1 <= a2 + EPS, f"R1 on {b}: {w1} [{a1}, {z1}] overlaps {w2} [{a2}, {z2}]"
        on = tl[(tl["backend"] == b) & tl["kind"].isin(["job", "calibration"])]
        on = on.sort_values(["start", "end"])
        ends, starts_ = on["end"].to_numpy()[:-1], on["start"].to_numpy()[1:]
        assert (ends <= starts_ + EPS).all(), f"timeline busy segments overlap on {b}:\n{on}"


@PROPERTY_SETTINGS
@given(scenarios())
def test_timeline_back_to_back_from_zero_to_end(data: dict[str, Any]) -> None:
    """Contract: per backend, timeline segments are back-to-back from 0 to the end of the run,
    never overlap, and carry a known kind (idle_held only for a session)."""
    scenario, result = simulate(data)
    tl = result.timeline
    kinds = {"job", "calibration", "idle_held", "idle", "reserved_idle"}
    assert set(tl["kind"]) <= kinds
    for b in (b.name for b in scenario.backends):
        seg = tl[tl["backend"] == b].sort_values(["start", "end"], kind="stable")
        if result.end_time == 0.0:
            # A run over at t=0 (everything cancelled or refused at once) has nothing to show.
            assert ((seg["start"] == 0.0) & (seg["end"] == 0.0)).all()
            continue
        assert not seg.empty, f"no timeline for {b}"
        start, end = seg["start"].to_numpy(), seg["end"].to_numpy()
        assert start[0] == 0.0, f"{b} timeline starts at {start[0]}"
        assert end[-1] == result.end_time, f"{b} timeline ends {end[-1]} != {result.end_time}"
        assert (end >= start).all(), f"negative segment on {b}:\n{seg}"
        gaps = np.abs(start[1:] - end[:-1])
        assert (gaps <= EPS).all(), f"{b} segments not back to back:\n{seg.to_string()}"
        held = seg[seg["kind"] == "idle_held"]
        assert held["session_id"].notna().all()


@PROPERTY_SETTINGS
@given(scenarios())
def test_timeline_job_segments_match_jobs_table(data: dict[str, Any]) -> None:
    """Contract: the timeline's job segments are exactly the jobs table's started/finished."""
    _, result = simulate(data)
    tl = result.timeline
    segs = tl[tl["kind"] == "job"]
    from_tl = sorted(zip(segs["job_id"], segs["backend"], segs["start"], segs["end"],
                         strict=True))  # fmt: skip
    r = ran(result.jobs)
    from_jobs = sorted(zip(r["job_id"], r["backend"], r["started"], r["finished"], strict=True))
    assert from_tl == from_jobs


# --- 2. jobs: states, reasons, waits, run times -------------------------------------------


@PROPERTY_SETTINGS
@given(scenarios())
def test_r4_every_job_ends_in_one_status_with_a_reason(data: dict[str, Any]) -> None:
    """R4: one row per job, status DONE|ERROR|CANCELLED|QUEUED, a reason exactly when ERROR or
    CANCELLED (from the model.md table); one final event per job; QUEUED only with `until`."""
    scenario, result = simulate(data)
    jobs = result.jobs
    assert jobs["job_id"].is_unique
    stops = {"max_execution_time"} | stopped_early(scenario)
    ev = result.events
    finals = ev[ev["event"].isin(["done", "error", "cancelled"])]["job_id"]
    assert finals.is_unique, f"a job has two final events: {finals[finals.duplicated()].tolist()}"
    assert set(finals) <= set(jobs["job_id"])
    starts_ = ev[ev["event"] == "start"]["job_id"]
    assert starts_.is_unique, "a job started twice"
    for row in jobs.itertuples(index=False):
        assert row.status in STATUSES, row
        assert row.reason in REASONS[row.status], f"{row.job_id}: {row.status} {row.reason!r}"
        if row.status == "QUEUED":
            assert scenario.until is not None, f"{row.job_id} left QUEUED without `until`"
            assert math.isnan(row.started) and math.isnan(row.finished)
        if not math.isnan(row.started):
            # A job that reached the QPU ends DONE or hits its time limit (R1: the scheduler
            # never stops it), or is stopped by its user (R37) or its cost limit (R39).
            assert not math.isnan(row.finished), f"{row.job_id} started but never finished"
            assert row.status == "DONE" or row.reason in stops, row
        else:
            assert math.isnan(row.finished) and math.isnan(row.wait)
            assert row.status != "DONE" and row.reason != "max_execution_time", row
        if row.reason == "max_execution_time":
            time_limit = scenario.knobs.max_execution_time_status  # R3 / R38
            assert row.status == time_limit, row


@PROPERTY_SETTINGS
@given(scenarios())
def test_r3_wait_nonnegative_and_run_time_equals_quantum(data: dict[str, Any]) -> None:
    """wait = started - submitted >= 0; a DONE job runs exactly its quantum_seconds plus the
    per-job overhead (R38, 0 in the older profiles); a job whose quantum and overhead exceed
    min(max_execution_time, job_time_limit) runs that long and ends `max_execution_time` (R3);
    a job stopped by its user (R37) or its cost limit (R39) ran less than it needed."""
    scenario, result = simulate(data)
    r = ran(result.jobs)
    overhead = scenario.knobs.job_overhead_seconds
    stops = stopped_early(scenario)
    assert (r["wait"] >= 0).all(), r[r["wait"] < 0]
    assert np.allclose(r["wait"], r["started"] - r["submitted"], rtol=0, atol=EPS)
    for row in r.itertuples(index=False):
        run_time = row.finished - row.started
        limit = job_limit(scenario, row.workload)
        need = row.quantum_seconds + overhead
        if row.status == "DONE":
            assert abs(run_time - need) <= EPS, row
            assert need <= limit + EPS, row
        elif row.reason in stops:
            assert run_time < min(need, limit) + EPS, row
        else:
            assert row.reason == "max_execution_time", row
            assert need > limit and abs(run_time - limit) <= EPS, row


@PROPERTY_SETTINGS
@given(scenarios())
def test_r30_r32_submissions_follow_the_patterns(data: dict[str, Any]) -> None:
    """R30–R32 and model.md: ids are WORKLOAD.K in submission order; a batch submits all jobs at
    `start`; a stream submits in [start, stop) at most `jobs`; an iterative loop submits job k+1
    `classical` after job k finishes and stops at the first job that is not DONE; with `until`
    nothing is submitted after it and nothing starts at or after it."""
    scenario, result = simulate(data)
    jobs = result.jobs
    until = scenario.until
    if until is not None:
        assert (jobs["submitted"] <= until).all()
        assert (ran(jobs)["started"] < until).all(), "a job started at or after `until`"
        ev = result.events
        cal = ev[ev["event"] == "calibration_start"]
        assert (cal["time"] < until).all(), "a calibration started at or after `until`"
    for w in scenario.workloads:
        mine = jobs[jobs["workload"] == w.name]
        n = len(mine)
        assert list(mine["job_id"]) == [f"{w.name}.{k}" for k in range(1, n + 1)]
        sub = mine["submitted"].to_numpy()
        assert (np.diff(sub) >= 0).all()
        assert (sub >= w.start).all()
        assert n <= w.jobs
        if w.pattern == "batch":
            assert (sub == w.start).all()
            if until is None or until > w.start:
                assert n == w.jobs, f"{w.name}: batch submitted {n} of {w.jobs}"
        elif w.pattern == "stream":
            if w.stop is not None:
                assert (sub < w.stop).all()
        else:
            rows = list(mine.itertuples(index=False))
            for prev, nxt in zip(rows, rows[1:], strict=False):
                assert prev.status == "DONE", f"loop went on after {prev.job_id} {prev.status}"
                assert nxt.submitted >= prev.finished - EPS
                if w.classical.kind == "constant":
                    gap = w.classical.params[0]
                    assert abs(nxt.submitted - (prev.finished + gap)) <= EPS, (prev, nxt)
            if until is None and rows and rows[-1].status == "DONE":
                assert n == w.jobs, f"{w.name}: loop stopped after {n} of {w.jobs} jobs"


# --- 3. sessions --------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(scenarios())
def test_r16_no_session_job_starts_after_max_time(data: dict[str, Any]) -> None:
    """R12/R16: the max_time clock starts at the first activation; no job of the session starts
    at or after activated + max_time (the max_time event precedes the dispatch at that instant);
    the first activation is when the session's first job started."""
    _, result = simulate(data)
    jobs = result.jobs
    for s in result.sessions.itertuples(index=False):
        mine = ran(jobs[jobs["session_id"] == s.session_id])
        if mine.empty:
            assert s.activations == 0 and math.isnan(s.activated), s
            continue
        assert s.activated == mine["started"].min(), s
        deadline = s.activated + s.max_time
        late = mine[mine["started"] >= deadline]
        assert late.empty, f"{s.session_id} max_time ends {deadline}; started after:\n{late}"


@PROPERTY_SETTINGS
@given(scenarios())
def test_session_table_counts_add_up(data: dict[str, Any]) -> None:
    """Contract: sessions `jobs` = `jobs_done` + `jobs_failed` + jobs still queued at the end;
    an ended session has a known end_reason; without reservations a session bills its active
    spans (its jobs + idle_held + calibrations inside them) and a batch its quantum seconds (R9,
    R24)."""
    scenario, result = simulate(data)
    jobs = result.jobs
    sessions = result.sessions
    assert sessions["session_id"].is_unique
    assert set(jobs["session_id"].dropna()) <= set(sessions["session_id"])
    tl = result.timeline
    for s in sessions.itertuples(index=False):
        mine = jobs[jobs["session_id"] == s.session_id]
        queued = int((mine["status"] == "QUEUED").sum())
        assert s.jobs == len(mine)
        assert s.jobs == s.jobs_done + s.jobs_failed + queued, s
        assert s.jobs_done == int((mine["status"] == "DONE").sum())
        assert (s.end_reason == "") == math.isnan(s.ended), s
        assert s.idle_held_seconds >= 0 and s.usage_seconds >= -EPS
        if scenario.reservations:
            continue
        runs = ran(mine)
        run_time = float((runs["finished"] - runs["started"]).sum())
        if s.mode == "batch":
            assert abs(s.usage_seconds - run_time) <= 1e-6, (s, run_time)
        else:
            spans = active_spans(result, s.session_id)
            cal = tl[(tl["kind"] == "calibration") & (tl["backend"] == s.backend)]
            cal_in = sum(overlap(a, z, spans) for a, z in zip(cal["start"], cal["end"],
                                                               strict=True))  # fmt: skip
            span_total = sum(z - a for a, z in spans)
            assert abs(s.usage_seconds - span_total) <= 1e-6, (s, spans)
            expected = run_time + s.idle_held_seconds + cal_in
            assert abs(s.usage_seconds - expected) <= 1e-6, (s, run_time, cal_in)


@PROPERTY_SETTINGS
@example(CLOSE_BEFORE_OPEN)
@given(scenarios())
def test_r14_r16_r22_session_lifetimes(data: dict[str, Any]) -> None:
    """Session rows tell a possible story: created <= activated <= ended, a known end_reason;
    R14: a session that goes inactive by its ITTL does so exactly `interactive_ttl` after its
    last job finished, and no idle_held stretch lasts longer than the ITTL (it restarts only
    when a job finishes); R16: a session ended by max_time ends at or after activated +
    max_time; R22: a session closed as idle got no job before it ended; R17/contract: with
    `close: after_last` (and no `until`) the session is closed, at the moment its last job
    became final unless a user action intervened."""
    scenario, result = simulate(data)
    jobs = result.jobs
    ev = result.events
    tl = result.timeline
    for s in result.sessions.itertuples(index=False):
        mine = jobs[jobs["session_id"] == s.session_id]
        if not math.isnan(s.activated):
            assert s.activated >= s.created, s
        if not math.isnan(s.ended):
            assert s.end_reason in END_REASONS, s
            assert s.ended >= s.created, f"{s.session_id} ended at {s.ended} < created {s.created}"
            if not math.isnan(s.activated):
                assert s.ended >= s.activated, s
        if s.end_reason == "max_time":
            assert s.ended >= s.activated + s.max_time - EPS, s
        if s.end_reason == "idle_timeout":
            assert (mine["submitted"] >= s.ended).all(), (s, mine)
        w = next(w for w in scenario.workloads if w.name == s.workload)
        acted = any(a.workload == w.name for a in scenario.actions)
        if w.close == "after_last" and scenario.until is None:
            # Contract: `after_last` closes the session once every job it submitted is final.
            assert not math.isnan(s.ended), f"{s.session_id} never closed"
            if s.end_reason == "closed" and not acted:
                final = ev[ev["job_id"].isin(set(mine["job_id"]))
                           & ev["event"].isin(["done", "error", "cancelled"])]  # fmt: skip
                last = float(final["time"].max()) if len(final) else s.created
                assert abs(s.ended - max(last, s.created)) <= EPS, (s, last)
        if s.mode != "session":
            continue
        deact = ev[(ev["session_id"] == s.session_id) & (ev["event"] == "session_deactivate")]
        finished = ran(mine)["finished"].to_numpy()
        for t in deact.loc[deact["detail"] == "interactive_ttl", "time"]:
            before = finished[finished <= t]
            assert before.size, f"{s.session_id} timed out at {t} before any job finished"
            assert abs(t - (before.max() + s.interactive_ttl)) <= EPS, (s, t, before.max())
        held = tl[(tl["kind"] == "idle_held") & (tl["session_id"] == s.session_id)]
        longest = float((held["end"] - held["start"]).max()) if len(held) else 0.0
        assert longest <= s.interactive_ttl + EPS, (s, held)


def active_spans(result: sim.Result, sid: str) -> list[tuple[float, float]]:
    ev = result.events[result.events["session_id"] == sid]
    spans, since = [], None
    for t, kind in zip(ev["time"], ev["event"], strict=True):
        if kind == "session_activate":
            since = t
        elif kind in ("session_deactivate", "session_end") and since is not None:
            spans.append((since, t))
            since = None
    if since is not None:
        spans.append((since, result.end_time))
    return spans


def overlap(a: float, z: float, spans: list[tuple[float, float]]) -> float:
    return sum(max(0.0, min(z, e) - max(a, s)) for s, e in spans)


# --- 4. reservations ----------------------------------------------------------------------


@PROPERTY_SETTINGS
@example(BACK_TO_BACK_RESERVATIONS)
@given(scenarios())
def test_r27_no_other_instance_starts_inside_a_reservation(data: dict[str, Any]) -> None:
    """R27: inside [start, end) of a reservation only the reserved instance's jobs start on
    that backend (the window opens before the dispatch at `start`, and closes before the
    dispatch at `end`)."""
    scenario, result = simulate(data)
    r = ran(result.jobs)
    for res in scenario.reservations:
        inside = r[(r["backend"] == res.backend) & (r["started"] >= res.start)
                   & (r["started"] < res.end) & (r["instance"] != res.instance)]  # fmt: skip
        assert inside.empty, f"reservation {res}: other instances started\n{inside.to_string()}"


# --- 5. what the dispatcher may pick, replayed from the event log ----------------------------


class FairShareModel:
    """R5–R10 as model.md states them, fed with the log's `charge` events in order.

    Effective shares (R6): flat names are groups of one project under one hub, weighted by
    `share`; otherwise hub weight (`hubs`, default 1) x group weight (`groups`, default 1)
    inside its hub x project `share` inside its group. Usage in the window (R7): charges made
    at c count until c + window (prior `used` is charged at 0, R8). The pick: smallest
    group key (ties: older oldest queued job), then smallest project key (ties: older head
    job); instances at or over their `allocation` are skipped (R10).
    """

    def __init__(self, scenario: sim.Scenario):
        insts = scenario.instances
        self.window = scenario.knobs.fair_share_window
        # ibm-2025 (R34): every name is flat, slashes or not (Instance.path).
        flat = scenario.knobs.fair_share_basis == "allocation" or all(
            "/" not in i.name for i in insts
        )
        self.group = {i.name: i.name if flat else "/".join(i.name.split("/")[:2]) for i in insts}
        hub = {i.name: "" if flat else i.name.split("/")[0] for i in insts}
        hub_w = {h: scenario.hubs.get(h, 1.0) for h in set(hub.values())}
        group_w = {
            g: (
                next(i.share for i in insts if i.name == g) if flat else scenario.groups.get(g, 1.0)
            )
            for g in set(self.group.values())
        }
        hub_of_group = {self.group[n]: hub[n] for n in hub}
        self.group_share = {
            g: hub_w[hub_of_group[g]]
            / sum(hub_w.values())
            * group_w[g]
            / sum(w for x, w in group_w.items() if hub_of_group[x] == hub_of_group[g])
            for g in group_w
        }
        self.share = {
            i.name: self.group_share[self.group[i.name]]
            * i.share
            / sum(j.share for j in insts if self.group[j.name] == self.group[i.name])
            for i in insts
        }
        knobs = scenario.knobs
        # R35: an Open-plan instance without an allocation gets the profile's default (none
        # in the older profiles).
        self.allocation = {
            i.name: knobs.open_plan_allocation
            if i.allocation is None and i.plan == "open"
            else i.allocation
            for i in insts
        }
        self.charges: list[tuple[float, str, float]] = [(0.0, i.name, i.used) for i in insts]
        # R34 (model.md "Fair share by allocation"), written again from the text: tiers under
        # its allocation / over it (not limited) / no allocation, the last one placed by
        # payg_priority; Flex usage never leaves; a limited instance at its allocation waits.
        self.by_allocation = knobs.fair_share_basis == "allocation"
        self.payg_first = knobs.payg_priority == "highest"
        self.limited = {i.name: i.limit if i.limit is not None else i.plan == "open" for i in insts}
        self.forever = {i.name for i in insts if self.by_allocation and i.plan == "flex"}

    def charge(self, t: float, instance: str, seconds: float) -> None:
        self.charges.append((t, instance, seconds))

    def usage(self, now: float) -> dict[str, float]:
        used: dict[str, float] = defaultdict(float)
        for c, inst, seconds in self.charges:
            # leaves at c + window (R34: a Flex instance's never leaves)
            if (c + self.window > now or inst in self.forever) and seconds > 0:
                used[inst] += seconds
        return used

    def expected(self, now: float, heads: dict[str, tuple[int, str]]) -> tuple[set, set]:
        """(acceptable groups, acceptable instances) for a pick among ``heads``
        (instance → (age of its oldest queued job, job id)). Near-equal keys (float noise)
        accept either side; exactly equal keys follow the age tie-break."""
        used = self.usage(now)
        open_ = {i: h for i, h in heads.items()
                 if self.allocation[i] is None or used[i] < self.allocation[i]}  # fmt: skip
        if not open_:
            return set(), set()
        gused: dict[str, float] = defaultdict(float)
        for i in self.share:
            gused[self.group[i]] += used[i]
        gkey = {self.group[i]: gused[self.group[i]] / (self.group_share[self.group[i]]
                                                       * self.window) for i in open_}  # fmt: skip
        gage = {g: min(h[0] for i, h in open_.items() if self.group[i] == g) for g in gkey}
        groups = _best(gkey, gage)
        members = {i: h for i, h in open_.items() if self.group[i] in groups}
        pkey = {i: used[i] / (self.share[i] * self.window) for i in members}
        page = {i: h[0] for i, h in members.items()}
        return groups, _best(pkey, page)

    def expected_by_allocation(self, now: float, heads: dict[str, tuple[int, str]]) -> set:
        """R34: the acceptable instances for a pick among ``heads`` by allocation."""
        used = self.usage(now)
        ranks: dict[str, tuple[int, float]] = {}
        for i in heads:
            a = self.allocation[i]
            if a is None:
                ranks[i] = (0 if self.payg_first else 2, used[i])
                continue
            k = used[i] / a
            if k >= 1 and self.limited[i]:
                continue
            if k < 1:
                ranks[i] = (1 if self.payg_first else 0, k)
            else:
                ranks[i] = (2 if self.payg_first else 1, k)
        if not ranks:
            return set()
        tier = min(r[0] for r in ranks.values())
        key = {i: r[1] for i, r in ranks.items() if r[0] == tier}
        return _best(key, {i: heads[i][0] for i in key})


def _best(key: dict[str, float], age: dict[str, int]) -> set[str]:
    low = min(key.values())
    near = {k for k, v in key.items() if v <= low + 1e-9 * max(abs(low), 1e-12)}
    exact = {k for k in near if key[k] == low}
    if near == exact:
        oldest = min(age[k] for k in exact)
        return {k for k in exact if age[k] == oldest}
    return near


def replay_violations(scenario: sim.Scenario, result: sim.Result) -> list[str]:
    """Replay the event log in order and check each start against the state just before it.

    model.md, "What the backend picks": (1) a due calibration, unless an active session blocks
    it under `session_blocks_calibration`; (2) the active (holding) session's oldest queued job;
    (3) an active batch with queued jobs; (4) inside a reservation, the reserved instance's
    oldest queued job; (5) the fair-share pick, FIFO inside the instance. Also R1 (never two at
    once) and no job of an ended session starts.
    """
    jobs = result.jobs.set_index("job_id")
    instance = jobs["instance"].to_dict()
    session_of = jobs["session_id"].to_dict()
    sessions = result.sessions.set_index("session_id") if len(result.sessions) else None
    mode = {} if sessions is None else sessions["mode"].to_dict()
    knobs = scenario.knobs
    fifo = knobs.session_order == "fifo"

    queued: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)  # (backend, inst) → jobs
    queued_session: dict[str, dict[str, None]] = defaultdict(dict)
    busy: dict[str, str | None] = defaultdict(lambda: None)
    due: dict[str, int] = defaultdict(int)
    holder: dict[str, str | None] = defaultdict(lambda: None)
    before_activation: dict[str, str | None] = {}  # holder just before an activating start
    activated_now: dict[str, str] = {}  # the session/batch that this very start activates
    batches: dict[str, list[str]] = defaultdict(list)
    ended: set[str] = set()
    windows: dict[str, list] = defaultdict(list)
    for r in scenario.reservations:
        windows[r.backend].append(r)
    out: list[str] = []
    fair = FairShareModel(scenario)
    age: dict[str, int] = {}
    session_instance = {} if sessions is None else sessions["instance"].to_dict()

    for t, b, kind, jid, sid, _user, detail in result.events.itertuples(index=False):
        where = f"t={t} {b} {kind} {jid or sid or ''} ({detail})"
        # The reservation in force, from the scenario (not from the log, which could itself be
        # wrong): [start, end) — both boundaries are world events, handled before a dispatch.
        reserved = defaultdict(lambda: None)
        for r in windows.get(b, ()):
            if r.start <= t < r.end:
                reserved[b] = r.instance
        if kind == "submit":
            age[jid] = len(age)
            queued[(b, instance[jid])][jid] = None
            if isinstance(sid, str):
                queued_session[sid][jid] = None
        elif kind == "start":
            s = session_of[jid] if isinstance(session_of[jid], str) else None
            held_by = before_activation.pop(b, holder[b])
            just_activated = activated_now.pop(b, None)
            if busy[b] is not None:
                out.append(f"R1: {where} while {busy[b]} runs")
            if due[b] > 0 and not (knobs.session_blocks_calibration and held_by is not None):
                out.append(f"R25: {where} while a calibration is due")
            if held_by is not None and s != held_by:
                out.append(f"R13: {where} while session {held_by} holds the backend")
            if reserved[b] is not None and instance[jid] != reserved[b]:
                out.append(f"R27: {where} inside {reserved[b]}'s reservation")
            if s in ended:
                out.append(f"R16-R18: {where} after its session ended")
            inst_queue = list(queued[(b, instance[jid])])
            if jid not in inst_queue:
                out.append(f"{where}: job was not queued")
            eligible_batches = [
                x
                for x in batches[b]
                if x != just_activated
                and queued_session[x]
                and (reserved[b] is None or instance_of_session(result, x) == reserved[b])
            ]
            if detail == "R5 fair share":
                heads = {
                    i: (age[next(iter(q))], next(iter(q)))
                    for (bb, i), q in queued.items()
                    if bb == b and q
                }
                ok_groups, ok_instances = fair.expected(t, heads)
                if instance[jid] not in ok_instances:
                    keys = {i: round(u, 6) for i, u in fair.usage(t).items()}
                    out.append(f"R5-R7: {where} from {instance[jid]}; expected one of "
                               f"{sorted(ok_instances)} (usage in window {keys}, "
                               f"queued heads {heads})")  # fmt: skip
            if detail == "R34 fair share by allocation":
                heads = {
                    i: (age[next(iter(q))], next(iter(q)))
                    for (bb, i), q in queued.items()
                    if bb == b and q
                }
                ok_instances = fair.expected_by_allocation(t, heads)
                if instance[jid] not in ok_instances:
                    keys = {i: round(u, 6) for i, u in fair.usage(t).items()}
                    out.append(f"R34: {where} from {instance[jid]}; expected one of "
                               f"{sorted(ok_instances)} (usage {keys}, heads {heads})")  # fmt: skip
            if detail in ("R5 fair share", "R34 fair share by allocation", "R27 reservation"):
                if inst_queue and inst_queue[0] != jid:
                    out.append(f"{where}: not the oldest queued job of its instance "
                               f"({inst_queue[0]} is older)")  # fmt: skip
                if eligible_batches:
                    out.append(f"R24: {where} while batch {eligible_batches} has jobs queued")
                if detail != "R27 reservation" and reserved[b] is not None:
                    out.append(f"R27: {where} fair-share pick inside a reservation")
            elif detail in ("R13 session priority", "R24 batch priority"):
                if detail == "R13 session priority" and held_by != s:
                    out.append(f"R13: {where} but {s} was not holding the backend")
                if detail == "R24 batch priority" and s not in batches[b]:
                    out.append(f"R24: {where} but {s} is not an active batch")
                own = list(queued_session[s])
                if fifo and own and own[0] != jid:
                    out.append(f"R13/R24 FIFO: {where} before older {own[0]}")
            else:
                out.append(f"{where}: unknown pick rule")
            queued[(b, instance[jid])].pop(jid, None)
            if s is not None:
                queued_session[s].pop(jid, None)
            busy[b] = f"job {jid}"
        elif kind in ("done", "error", "cancelled"):
            if busy[b] == f"job {jid}":
                busy[b] = None
            queued[(b, instance[jid])].pop(jid, None)
            if isinstance(sid, str):
                queued_session[sid].pop(jid, None)
        elif kind == "charge":
            if isinstance(jid, str):
                who = instance[jid]
            elif isinstance(sid, str):
                who = session_instance[sid]
            else:  # a reservation's window, charged at its end (R27)
                who = next(r.instance for r in windows[b] if r.end == t)
            fair.charge(t, who, float(detail))
        elif kind == "calibration_due":
            due[b] += 1
        elif kind == "calibration_start":
            if busy[b] is not None:
                out.append(f"R1: {where} while {busy[b]} runs")
            if due[b] <= 0:
                out.append(f"{where}: calibration started without being due")
            due[b] -= 1
            busy[b] = "calibration"
        elif kind == "calibration_end":
            busy[b] = None
        elif kind == "session_activate":
            # Logged just before the start that causes it (engine: activate, then start), so
            # the decision for that start was taken in the state before the activation.
            before_activation[b] = holder[b]
            activated_now[b] = sid
            if mode.get(sid) == "session":
                holder[b] = sid
            else:
                batches[b].append(sid)
        elif kind in ("session_deactivate", "session_end"):
            if holder[b] == sid:
                holder[b] = None
            if sid in batches[b]:
                batches[b].remove(sid)
            if kind == "session_end":
                ended.add(sid)
    return out


def instance_of_session(result: sim.Result, sid: str) -> str:
    row = result.sessions[result.sessions["session_id"] == sid]
    return str(row["instance"].iloc[0])


@PROPERTY_SETTINGS
@example(BACK_TO_BACK_RESERVATIONS)
@given(scenarios())
def test_dispatcher_picks_follow_the_priority_order(data: dict[str, Any]) -> None:
    """R1, R5, R13, R24, R25, R27 (model.md "What the backend picks"), checked at every start
    by replaying the event log."""
    scenario, result = simulate(data)
    violations = replay_violations(scenario, result)
    assert not violations, "\n".join(violations[:10])


# --- 6. reproducibility -------------------------------------------------------------------


def assert_same_tables(a: sim.Result, b: sim.Result) -> None:
    for name in ("jobs", "sessions", "timeline", "events"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)
    assert a.end_time == b.end_time


@settings(PROPERTY_SETTINGS, max_examples=25)
@given(scenarios())
def test_r33_same_scenario_and_seed_give_identical_tables(data: dict[str, Any]) -> None:
    """R33: running the same scenario twice with the same seed gives identical tables, also
    after a round trip through the file format (JSON and YAML)."""
    scenario, first = simulate(data)
    second = sim.run(sim.from_dict(json.loads(json.dumps(data))))
    assert_same_tables(first, second)
    third = sim.run(sim.from_dict(yaml.safe_load(scenario.to_yaml())))
    assert_same_tables(first, third)


# --- 7. allocation limits (R10) -------------------------------------------------------------


def test_r10_blocked_job_runs_when_usage_leaves_the_window() -> None:
    """R10/R7: an instance over its allocation waits until old usage leaves the window.

    One instance A with `allocation: 5` and `fair_share_window: 60` (override), a batch of two
    job-mode jobs of 6.1 s each:
      t=0    w.1 starts (usage 0 < 5)
      t=6.1  w.1 done, A charged 6.1 s (>= 5: A is blocked, w.2 stays QUEUED)
      t=66.1 the charge made at 6.1 leaves the 60 s window (model.md: usage charged at t
             leaves the window at t + window), A is back at 0 → w.2 starts, done at 72.2.
    6.1 is chosen because (6.1 + 60) - 60 < 6.1 in floating point: a window check written as
    `charged_at <= now - window` never passes at now = 6.1 + 60, and re-arming the wake-up at
    the same instant loops forever. (With 6 s jobs the same scenario gives 66.)
    """
    data = {
        "name": "allocation",
        "seed": 1,
        "overrides": {"fair_share_window": 60},
        "backends": [{"name": "qpu"}],
        "instances": [{"name": "A", "share": 1, "allocation": 5}],
        "users": [{"name": "a", "instance": "A"}],
        "workloads": [
            {"name": "w", "user": "a", "backend": "qpu", "pattern": "batch", "mode": "job",
             "jobs": 2, "quantum": 6.1},
        ],
    }  # fmt: skip
    _, result = simulate(data)
    jobs = result.jobs.set_index("job_id")
    assert jobs.loc["w.1", "started"] == 0.0
    assert jobs.loc["w.2", "status"] == "DONE"
    assert abs(jobs.loc["w.2", "started"] - 66.1) <= 1e-6
    assert abs(jobs.loc["w.2", "finished"] - 72.2) <= 1e-6


@settings(PROPERTY_SETTINGS, max_examples=40, phases=[Phase.explicit, Phase.generate])
@given(scenarios(allocations=True))
def test_r10_scenarios_with_allocations_finish_and_keep_the_invariants(
    data: dict[str, Any],
) -> None:
    """R10: with allocation limits every run still ends (blocked jobs wait for usage to leave
    the window, no job is left QUEUED without `until`), and the dispatcher invariants hold.

    Shrinking is off: a stuck run costs RUN_LIMIT seconds per attempt, and the hand-made
    minimal case is test_r10_blocked_job_runs_when_usage_leaves_the_window.
    """
    scenario, result = simulate(data)
    if scenario.until is None:
        assert (result.jobs["status"] != "QUEUED").all()
    violations = replay_violations(scenario, result)
    assert not violations, "\n".join(violations[:10])


@settings(PROPERTY_SETTINGS, max_examples=60, phases=[Phase.explicit, Phase.generate])
@given(scenarios(allocations=True, contention=True))
def test_fair_share_ties_and_the_full_scan_follow_r5_r7(data: dict[str, Any]) -> None:
    """R5–R7, R10 where they are easiest to get wrong: hierarchies where two projects of one
    group and other groups compete on one backend, often at exactly equal keys (equal shares,
    no prior usage, constant quanta), sometimes with an instance over its allocation (the
    full scan). Every fair-share start is replayed against the model (tie: the older job; for
    groups, the group whose oldest queued job is older). Shrinking is off as in the R10
    property above."""
    scenario, result = simulate(data)
    violations = replay_violations(scenario, result)
    assert not violations, "\n".join(violations[:10])
