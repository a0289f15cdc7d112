"""Small builders for hand-worked scenarios: one backend, constant durations, few jobs."""

from __future__ import annotations

from typing import Any

import pandas as pd

import sim


def scenario(workloads: list[dict[str, Any]], **top: Any) -> sim.Scenario:
    """A scenario dict with sensible defaults: backend ``qpu``, instances from ``top``.

    ``top`` may set ``instances`` (default: flat instances ``A`` and ``B`` with share 1),
    ``users`` (default: user ``a`` in ``A`` and ``b`` in ``B``), ``backends``, ``rules``,
    ``overrides``, ``reservations``, ``actions``, ``until``, ``seed``, ``hubs``, ``groups``.
    """
    data: dict[str, Any] = {
        "name": "test",
        "seed": 1,
        "backends": [{"name": "qpu"}],
        "instances": [{"name": "A", "share": 1}, {"name": "B", "share": 1}],
        "users": [{"name": "a", "instance": "A"}, {"name": "b", "instance": "B"}],
        "workloads": [{"backend": "qpu", **w} for w in workloads],
    }
    data.update(top)
    return sim.from_dict(data)


def run(workloads: list[dict[str, Any]], **top: Any) -> sim.Result:
    return sim.run(scenario(workloads, **top))


def job(result: sim.Result, job_id: str) -> pd.Series:
    """One row of the jobs table by id (fails loudly if missing)."""
    rows = result.jobs[result.jobs["job_id"] == job_id]
    assert len(rows) == 1, f"no single job {job_id!r}; have {list(result.jobs['job_id'])}"
    return rows.iloc[0]


def starts(result: sim.Result) -> dict[str, float]:
    """job_id → start time (NaN when it never ran)."""
    return dict(zip(result.jobs["job_id"], result.jobs["started"], strict=True))


def session(result: sim.Result, session_id: str) -> pd.Series:
    rows = result.sessions[result.sessions["session_id"] == session_id]
    assert len(rows) == 1, f"no single session {session_id!r}"
    return rows.iloc[0]
