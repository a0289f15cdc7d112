"""What one run measured: per-workload and whole-run figures, all derived from the event log.

Two families live here:

* :func:`workload_metrics` — what a paired comparison looks at for one workload (makespan,
  waits, usage billed, idle-held time, other users' waits); used by :mod:`sim.experiments.compare`.
* :func:`run_metrics` — one row per workload plus a row ``all``: the measures a capacity
  sweep tabulates (mean and 95th-percentile wait, makespan, failed jobs, usage, utilization).

Nothing here imports Streamlit or Plotly.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .results import Result, final_events

FAILED = ("ERROR", "CANCELLED")
ALL = "all"  # the workload label of the whole-run row
# The columns of a run_metrics row besides ``workload`` (the order sweep tables use).
RUN_METRICS = [
    "jobs", "mean_wait", "p95_wait", "makespan", "failed", "usage_seconds", "utilization",
]  # fmt: skip


def final_times(result: Result) -> pd.Series:
    """job_id → when the job reached its final state (finished, failed or cancelled).

    NaN for jobs still queued at the end of the run.
    """
    ev = result.events
    final = final_events(ev["event"].to_numpy(dtype=object))
    # The log is in time order, so a later final event of the same job (none is expected)
    # would also be the latest: the dict keeps the maximum, as a groupby max would.
    by_job = dict(
        zip(ev["job_id"].to_numpy(dtype=object)[final], ev["time"].to_numpy()[final], strict=True)
    )
    ids = result.jobs["job_id"]
    ends = [by_job.get(j, math.nan) for j in ids.to_numpy(dtype=object)]
    return pd.Series(ends, index=pd.Index(ids), name="job_id", dtype=float)


def usage_billed(result: Result, workload: str) -> float:
    """Usage charged for a workload: its sessions' active spans (wall clock, R11) plus the
    QPU-locked seconds of its job-mode and batch-mode jobs (R24; quantum plus overhead, R38)."""
    jobs = result.jobs
    mine = jobs[jobs["workload"] == workload]
    job_ids = set(mine["job_id"])
    session_ids = set(mine["session_id"].dropna())
    sessions = result.sessions
    session_ids |= set(sessions.loc[sessions["workload"] == workload, "session_id"])
    charges = result.charges
    mask = charges["job_id"].isin(job_ids) | charges["session_id"].isin(session_ids)
    return float(charges.loc[mask, "seconds"].sum())


def makespan(jobs: pd.DataFrame, ends: pd.Series) -> float:
    """First submission to the last job's final state; NaN when no job reached one."""
    end = ends.reindex(jobs["job_id"]).to_numpy(dtype=float)
    if len(end) == 0 or np.isnan(end).all():
        return math.nan
    return float(np.nanmax(end) - jobs["submitted"].min())


def workload_metrics(result: Result, workload: str) -> dict[str, float]:
    """What a comparison looks at for one workload, all in seconds or counts.

    ``makespan`` runs from the workload's first submission to its last job's final state;
    ``others_mean_wait`` is the mean wait of other users' jobs on the same backend(s).
    """
    jobs = result.jobs
    mine = jobs[jobs["workload"] == workload]
    keys = ["jobs", "done", "failed", "makespan", "mean_wait", "max_wait", "usage_billed",
            "idle_held", "others_mean_wait"]  # fmt: skip
    if mine.empty:
        return dict.fromkeys(keys, math.nan)
    user = mine["user"].iloc[0]
    others = jobs[(jobs["user"] != user) & jobs["backend"].isin(set(mine["backend"]))]
    sessions = result.sessions
    held = sessions.loc[sessions["workload"] == workload, "idle_held_seconds"].astype(float)
    return {
        "jobs": float(len(mine)),
        "done": float((mine["status"] == "DONE").sum()),
        "failed": float(mine["status"].isin(FAILED).sum()),
        "makespan": makespan(mine, final_times(result)),
        "mean_wait": float(mine["wait"].mean()),
        "max_wait": float(mine["wait"].max()),
        "usage_billed": usage_billed(result, workload),
        "idle_held": float(held.sum()),
        "others_mean_wait": float(others["wait"].mean()) if len(others) else math.nan,
    }


def workload_rows(result: Result, workload: str) -> list[dict[str, float | str]]:
    """:func:`workload_metrics` as a one-row table, the shape :mod:`sim.experiments.runs` gathers
    (use ``functools.partial(workload_rows, workload=NAME)`` as its measure)."""
    return [{"workload": workload, **workload_metrics(result, workload)}]


def utilization(result: Result) -> float:
    """Share of the backends' time (all backends, from 0 to the end of the run) spent running
    user jobs. Computed from the jobs table: R1 runs one job at a time, so run spans on one
    backend never overlap and their sum is the busy time."""
    jobs = result.jobs
    ran = jobs[jobs["started"].notna() & jobs["finished"].notna()]
    busy = float((ran["finished"] - ran["started"]).sum())
    capacity = len(result.scenario.backends) * result.end_time
    return busy / capacity if capacity > 0 else math.nan


def _waits(jobs: pd.DataFrame, warmup: float) -> pd.Series:
    # Warm-up: the queues start empty, so early waits are biased low; a steady-state estimate
    # drops the jobs submitted before ``warmup`` seconds.
    return jobs.loc[jobs["submitted"] >= warmup, "wait"].dropna()


def _row(name: str, jobs: pd.DataFrame, ends: pd.Series, usage: float, warmup: float,
         with_makespan: bool) -> dict[str, float | str]:  # fmt: skip
    waits = _waits(jobs, warmup)
    return {
        "workload": name,
        "jobs": float(len(jobs)),
        "mean_wait": float(waits.mean()) if len(waits) else math.nan,
        "p95_wait": float(np.percentile(waits, 95)) if len(waits) else math.nan,
        "makespan": makespan(jobs, ends) if with_makespan else math.nan,
        "failed": float((jobs["status"] != "DONE").sum()),
        "usage_seconds": usage,
        "utilization": math.nan,
    }


def run_metrics(result: Result, warmup: float = 0.0) -> list[dict[str, float | str]]:
    """One row per workload (in scenario order) and a last row ``all`` for the whole run.

    ``mean_wait``/``p95_wait`` cover jobs submitted at or after ``warmup`` that started;
    ``makespan`` (first submission to last final state) is given for iterative and batch
    workloads only — a stream has no natural end; ``failed`` counts jobs not DONE (ERROR,
    CANCELLED, or still QUEUED when the run stopped); ``usage_seconds`` is what was billed
    (R9); ``utilization`` is on the ``all`` row only.

    A sweep calls this once per replication, so it passes over the jobs and the charges once
    (not once per workload); the sums add the same values in the same order as
    :func:`usage_billed`, so the figures are the same to the last bit.
    """
    jobs = result.jobs
    ends = final_times(result)
    charges = result.charges
    amounts = charges["seconds"].to_numpy()
    billed: dict[str | None, list[int]] = {}  # workload → positions of its charges, in order
    for n, w in enumerate(_charge_owners(result, charges)):
        billed.setdefault(w, []).append(n)
    rows_of = jobs.groupby("workload", sort=False).indices
    nothing = np.empty(0, dtype=np.intp)
    rows = []
    for w in result.scenario.workloads:
        mine = jobs.iloc[rows_of.get(w.name, nothing)]
        usage = float(amounts[billed.get(w.name, [])].sum())
        makespan = w.pattern in ("iterative", "batch", "trace")
        rows.append(_row(w.name, mine, ends, usage, warmup, with_makespan=makespan))
    total = _row(ALL, jobs, ends, float(amounts.sum()), warmup, False)
    total["utilization"] = utilization(result)
    rows.append(total)
    return rows


def _charge_owners(result: Result, charges: pd.DataFrame) -> list[str | None]:
    """The workload each charge bills, as :func:`usage_billed` assigns it: a job's charge to
    the job's workload, a session's to the session's; None for a reservation's (R27)."""
    jobs, sessions = result.jobs, result.sessions

    def column(frame: pd.DataFrame, name: str) -> np.ndarray:
        return frame[name].to_numpy(dtype=object)  # iterating string columns is slow

    by_job = dict(zip(column(jobs, "job_id"), column(jobs, "workload"), strict=True))
    in_session = jobs[jobs["session_id"].notna()]
    by_session = dict(zip(column(in_session, "session_id"), column(in_session, "workload"),
                          strict=True))  # fmt: skip
    by_session.update(zip(column(sessions, "session_id"), column(sessions, "workload"),
                          strict=True))  # fmt: skip
    return [by_job[j] if isinstance(j, str) else by_session.get(s)
            for j, s in zip(column(charges, "job_id"), column(charges, "session_id"),
                            strict=True)]  # fmt: skip
