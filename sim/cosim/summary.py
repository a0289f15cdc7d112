"""What the script experienced in a co-simulation, from the result tables."""

from __future__ import annotations


def script_summary(result, workload: str) -> dict[str, float]:
    """What the script experienced, from the result tables (the event log's derivatives):
    its jobs' waits, their QPU time, the usage billed to its sessions, batches and jobs
    (R9, R24), the idle time its sessions held the backend, and the others' mean wait."""
    jobs, sessions, events = result.jobs, result.sessions, result.events
    mine = jobs[jobs["workload"] == workload]
    others = jobs[jobs["workload"] != workload]
    ran = mine.dropna(subset=["started", "finished"])
    my_sessions = sessions[sessions["workload"] == workload]
    sids = set(my_sessions["session_id"])
    jids = set(mine["job_id"])
    charges = events[events["event"] == "charge"]
    billed = charges[charges["session_id"].isin(sids) | charges["job_id"].isin(jids)]
    return {
        "jobs": float(len(mine)),
        "jobs_done": float((mine["status"] == "DONE").sum()),
        "wait_total": float(mine["wait"].sum()),
        "wait_mean": float(mine["wait"].mean()) if len(mine) else 0.0,
        "wait_max": float(mine["wait"].max()) if mine["wait"].notna().any() else 0.0,
        "qpu_seconds": float((ran["finished"] - ran["started"]).sum()),
        "usage_billed": float(billed["detail"].astype(float).sum()),
        "idle_held": float(my_sessions["idle_held_seconds"].sum()),
        "others_wait_mean": float(others["wait"].mean()) if others["wait"].notna().any()
        else 0.0,
    }  # fmt: skip
