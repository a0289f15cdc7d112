"""One dispatcher (issue 14): the replay ranks a moment's queue with the engine's own dispatch
order (sim.kernel.dispatch), so its first place is always what the backend starts next — checked at
every start of random scenarios (R5–R7, R10, R13, R24, R25, R27)."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sim.analysis.history import History
from sim.analysis.replay import queue_before
from tests.test_properties import PROPERTY_SETTINGS, scenarios, simulate


def mismatches(data: dict[str, Any]) -> list[str]:
    # R23: a shuffled session order draws from the run's generator, which no log holds.
    overrides = data.setdefault("overrides", {})
    if overrides.get("session_order") == "shuffled":
        overrides["session_order"] = "fifo"
    _, result = simulate(data)
    h = History(result)
    ev = h.events
    out = []
    for pos in ev.index[ev["event"].isin(["start", "calibration_start"])]:
        row = ev.loc[pos]
        started = row["job_id"] if row["event"] == "start" else row["detail"]
        queue = queue_before(result, pos, h)
        mine = queue[queue["backend"] == row["backend"]]
        first = mine["job_id"].iloc[0] if len(mine) else None
        if first != started:
            out.append(f"t={row['time']} {row['backend']}: started {started} ({row['detail']}),"
                       f" replay's first place {first}\n{mine.head(4).to_string()}")  # fmt: skip
    return out


def scenario(instances, workloads, **extra) -> dict[str, Any]:
    users = [{"name": f"u{n}", "instance": i["name"]} for n, i in enumerate(instances)]
    return {
        "name": "dispatch",
        "rules": "ibm-2024",
        "backends": [{"name": "b"}],
        "instances": instances,
        "users": users,
        "workloads": [{"backend": "b", "pattern": "batch", "start": 0, **w} for w in workloads],
        **extra,
    }


# R7 between groups: g1 and g2 have the same weight and 2 h of prior usage each (R8), so the
# same group ratio; inside g1, project p2 has used nothing (project ratio 0) while g2's only
# project has used 2 h. Both submit at 0, g2 first: the engine takes g2's job (its group's
# oldest job is older, R7) although p2's project ratio is lower.
GROUP_TIE = scenario(
    [{"name": "h/g1/p1", "share": 1, "used": "2h"}, {"name": "h/g1/p2", "share": 1},
     {"name": "h/g2/q", "share": 1, "used": "2h"}],
    [{"name": "q", "user": "u2", "mode": "job", "jobs": 1, "quantum": "10s"},
     {"name": "p2", "user": "u1", "mode": "job", "jobs": 1, "quantum": "10s"}],
)  # fmt: skip

# R24 vs R27: A's batch runs from 0 (100 s jobs); B's reservation opens at 150 while A's
# second job runs and B's job waits since 10. At 200 the batch may not run inside B's window:
# B's job starts (R27), not the batch's third job.
BATCH_IN_RESERVATION = scenario(
    [{"name": "A", "share": 1}, {"name": "B", "share": 1}],
    [{"name": "a", "user": "u0", "mode": "batch", "jobs": 4, "quantum": "100s"},
     {"name": "bj", "user": "u1", "mode": "job", "jobs": 1, "quantum": "10s", "start": 10}],
    reservations=[{"backend": "b", "instance": "B", "start": 150, "end": 1000}],
)  # fmt: skip


def test_replay_follows_the_engine_on_a_group_tie_and_on_a_batch_inside_a_reservation():
    _, tie = simulate(GROUP_TIE)
    assert list(tie.jobs.sort_values("started")["job_id"]) == ["q.1", "p2.1"]  # R7
    _, res = simulate(BATCH_IN_RESERVATION)
    started = res.jobs.set_index("job_id")["started"]
    assert started["bj.1"] == 200.0 and started["a.3"] == 1000.0  # R27 over R24
    assert not mismatches(GROUP_TIE)
    assert not mismatches(BATCH_IN_RESERVATION)


@settings(PROPERTY_SETTINGS, max_examples=60)
@example(GROUP_TIE)
@example(BATCH_IN_RESERVATION)
@given(st.one_of(scenarios(), scenarios(allocations=True)))
def test_replay_first_place_is_the_engines_next_start(data: dict[str, Any]) -> None:
    bad = mismatches(data)
    assert not bad, "\n".join(bad[:3])
