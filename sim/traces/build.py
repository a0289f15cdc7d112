"""A trace as a scenario: one backend per machine, the recorded jobs as ``replay`` workloads.

Time 0 is the trace's first submission. Workloads: one per session where the trace has
sessions (``mode: session``, opened at the session's first job), one per user and machine
where it has users, otherwise one per machine (``mode: job``). Every recorded job keeps its
own QPU time and, beside it, what the trace observed (``observed_wait``,
``observed_status``), which the run never reads. All trace jobs belong to one instance,
``trace``; a background load added for validation (``sim.traces.validate``) gets its own.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any

from .trace import Trace

TRACE_INSTANCE = "trace"
TRACE_USER = "trace"
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def _num(x: float) -> float | int:
    """Seconds to the millisecond, written as a plain number (``12.5``, ``30``)."""
    x = round(float(x), 3)
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


def _workload_keys(trace: Trace) -> list[tuple[str, str, str]]:
    """Per job: (workload name, user, mode)."""
    out = []
    kind = trace.group_kind
    for machine, group in zip(trace.machine, trace.group, strict=True):
        if kind == "session" and group:
            out.append((f"session-{group}", TRACE_USER, "session"))
        elif kind == "user" and group:
            out.append((f"{machine}.{group}", group, "job"))
        else:
            out.append((machine, TRACE_USER, "job"))
    return out


def job_ids(trace: Trace) -> list[str]:
    """The result's job id (``WORKLOAD.K``) of each trace job, in trace order: a replay
    numbers its jobs in list order, and :func:`scenario_dict` lists them in trace order."""
    counts: dict[str, int] = {}
    out = []
    for wname, _, _ in _workload_keys(trace):
        counts[wname] = k = counts.get(wname, 0) + 1
        out.append(f"{wname}.{k}")
    return out


def scenario_dict(trace: Trace, name: str = "trace", rules: str = "ibm-2024") -> dict[str, Any]:
    """The scenario (file format, durations in seconds) that replays ``trace``."""
    t0 = trace.start
    keys = _workload_keys(trace)
    workloads: dict[str, dict[str, Any]] = {}
    users: dict[str, None] = {}
    for j, (wname, user, mode) in enumerate(keys):
        at = _num(trace.submitted[j] - t0)
        w = workloads.get(wname)
        if w is None:
            users[user] = None
            w = workloads[wname] = {
                "name": wname,
                "user": user,
                "backend": trace.machine[j],
                "pattern": "replay",
                "mode": mode,
                "quantum": 0,
                "replay": [],
            }
            if mode == "session":
                w["start"] = at  # opened when its first job arrives
        job: dict[str, Any] = {"at": at}
        if not math.isnan(q := trace.quantum[j]):
            job["quantum"] = _num(q)
        if not math.isnan(wait := trace.wait[j]):
            job["observed_wait"] = _num(wait)
        job["observed_status"] = trace.status[j]
        w["replay"].append(job)
    machines = trace.machines()
    return {
        "name": f"Trace replay: {name}",
        "description": (
            f"Imported from {name} ({trace.format}): {len(trace):,} jobs on {len(machines)} "
            f"machine(s). Time 0 is the first submission, {iso(t0)}. Each job keeps its "
            "recorded submission time and QPU time; observed_wait and observed_status are "
            "what the trace recorded (not used by the run)."
        ),
        "seed": 0,
        "rules": rules,
        "backends": [{"name": m} for m in machines],
        "instances": [{"name": TRACE_INSTANCE}],
        "users": [{"name": u, "instance": TRACE_INSTANCE} for u in users],
        "workloads": list(workloads.values()),
    }


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return (
            value
            if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS
            else json.dumps(value)
        )
    return json.dumps(value)


# Plain words YAML 1.1 would read as something other than text.
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def _flow(mapping: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in mapping.items()) + "}"


def to_yaml(data: dict[str, Any]) -> str:
    """The scenario as YAML, written directly (one flow mapping per job) so that a trace of
    a hundred thousand jobs is written in a second; it reads back with the safe loader to
    exactly ``data``."""
    out = []
    for key in ("name", "description", "seed", "rules"):
        out.append(f"{key}: {_scalar(data[key])}")
    for key in ("backends", "instances", "users"):
        out.append(f"{key}:")
        out.extend(f"  - {_flow(item)}" for item in data[key])
    out.append("workloads:")
    for w in data["workloads"]:
        head = {k: v for k, v in w.items() if k != "replay"}
        first = True
        for k, v in head.items():
            out.append(f"{'  - ' if first else '    '}{k}: {_scalar(v)}")
            first = False
        out.append("    replay:")
        out.extend(f"      - {_flow(job)}" for job in w["replay"])
    return "\n".join(out) + "\n"
