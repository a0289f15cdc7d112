"""``python -m sim trace validate``: simulated against observed queue waits.

The trace's jobs are replayed (``pattern: replay``: recorded submission times and QPU times)
through a scenario — the imported one by default, or ``--scenario`` with the trace's machines
and jobs added — together with a **background load** on every machine: one Poisson stream
per machine (R32) in its own instance ``background`` (share 1, like the trace's instance),
whose QPU times follow the distribution fitted to the trace's own QPU times on that machine
(:mod:`sim.traces.fit`; the trace mean as an exponential where nothing can be fitted), at a
rate that makes it use the fraction ``utilization`` of the machine. It runs from time 0 to
the last submission.

For each machine, and for all together, the observed waits of the trace's jobs (all but the
cancelled ones, whose recorded wait ends at the cancellation) are set
beside the simulated waits of the same jobs, pooled over the replications: the 50/90/99 %
quantiles, the two-sample Kolmogorov–Smirnov distance and its p-value
(``scipy.stats.ks_2samp``; the pooled replications are not independent draws, so read the
p-value as a guide), and Q-Q points (both quantile functions at 1 … 99 %).

``calibrate`` searches the utilization minimising the KS distance over every machine's
waits on the first part of the trace (a grid in steps of 0.1, then ±0.02, 0.04, 0.06 around
the best,
the same seeds at every point so that the search compares like with like) and reports the
fit on the held-out later part, replaying the whole trace so that the later jobs meet the
queue the earlier ones left, but scoring only the later jobs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..model.scenario import Problem, Scenario, ScenarioError, from_dict
from .build import TRACE_INSTANCE, job_ids, scenario_dict
from .fit import fit_families
from .trace import Trace

QUANTILES = (0.5, 0.9, 0.99)
QQ_PROBS = np.linspace(0.01, 0.99, 99)
BACKGROUND = "background"
MAX_UTILIZATION = 0.95


@dataclass
class Comparison:
    utilization: float
    reps: int
    table: pd.DataFrame  # one row per machine, then "all"
    qq: pd.DataFrame  # machine, p, observed, simulated
    waits: dict[str, tuple[np.ndarray, np.ndarray]]  # machine → (observed, simulated)

    @property
    def ks(self) -> float:
        return float(self.table.set_index("machine").loc["all", "ks"])


@dataclass
class Calibration:
    utilization: float
    split: float  # epoch seconds: jobs submitted before it calibrate, the rest check
    search: pd.DataFrame  # utilization, ks (on the calibration part)
    calibrated: Comparison  # the fit on the calibration part
    held_out: Comparison  # the fit on the later part


def _background_quantum(trace: Trace, machine: str) -> dict | str:
    q = trace.on(machine).quantum
    q = q[np.isfinite(q) & (q > 0)]
    if len(q) < 2 or np.ptp(q) == 0:
        q = trace.quantum[np.isfinite(trace.quantum) & (trace.quantum > 0)]
    if len(q) >= 2 and np.ptp(q) > 0:
        return fit_families(q)[0].spec
    mean = float(q.mean()) if len(q) else 60.0
    return {"exponential": f"{max(mean, 0.001):.6g}s"}


def _merge(base: Scenario, data: dict[str, Any]) -> dict[str, Any]:
    """``base`` with the trace's machines, instance, users and replay workloads added."""
    out = base.to_dict()
    names = {b["name"] for b in out["backends"]}
    out["backends"] += [b for b in data["backends"] if b["name"] not in names]
    tree = "/" in out["instances"][0]["name"] and base.knobs.fair_share_basis == "share_tree"
    inst = f"{TRACE_INSTANCE}/{TRACE_INSTANCE}/{TRACE_INSTANCE}" if tree else TRACE_INSTANCE
    taken = {i["name"] for i in out["instances"]}
    if inst in taken or any(u["name"] in {x["name"] for x in out["users"]} for u in data["users"]):
        raise ScenarioError(
            [
                Problem(
                    "--scenario",
                    f"already has an instance {inst!r} or a user the trace needs; rename it",
                )
            ]
        )
    out["instances"].append({"name": inst})
    out["users"] += [{"name": u["name"], "instance": inst} for u in data["users"]]
    wnames = {w["name"] for w in out["workloads"]}
    clash = [w["name"] for w in data["workloads"] if w["name"] in wnames]
    if clash:
        raise ScenarioError(
            [
                Problem(
                    "--scenario",
                    f"already has a workload {clash[0]!r}, a name the trace's jobs need",
                )
            ]
        )
    out["workloads"] += data["workloads"]
    return out


def replay_scenario(trace: Trace, utilization: float, base: Scenario | None = None) -> dict:
    """The scenario (file format) that replays ``trace`` with the background load."""
    data = scenario_dict(trace)
    out = _merge(base, data) if base is not None else data
    if utilization > 0:
        span = float(trace.submitted[-1] - trace.submitted[0])
        tree = "/" in out["instances"][0]["name"] and "/" in out["instances"][-1]["name"]
        bg = f"{BACKGROUND}/{BACKGROUND}/{BACKGROUND}" if tree else BACKGROUND
        out["instances"].append({"name": bg})
        out["users"].append({"name": BACKGROUND, "instance": bg})
        for machine in trace.machines():
            quantum = _background_quantum(trace, machine)
            mean = from_dict_distribution_mean(quantum)
            out["workloads"].append(
                {
                    "name": f"{BACKGROUND}-{machine}",
                    "user": BACKGROUND,
                    "backend": machine,
                    "pattern": "stream",
                    "mode": "job",
                    "rate": utilization / mean,
                    "quantum": quantum,
                    "start": 0,
                    "stop": max(span, 1.0),
                }
            )
    return out


def from_dict_distribution_mean(spec: Any) -> float:
    from ..model.distributions import Distribution

    return Distribution.model_validate(spec).mean


def _stats_row(machine: str, obs: np.ndarray, sim: np.ndarray) -> dict[str, Any]:
    row: dict[str, Any] = {
        "machine": machine,
        "observed_jobs": len(obs),
        "simulated_jobs": len(sim),
    }
    for q in QUANTILES:
        tag = f"p{round(q * 100)}"
        row[f"observed_{tag}"] = float(np.quantile(obs, q)) if len(obs) else math.nan
        row[f"simulated_{tag}"] = float(np.quantile(sim, q)) if len(sim) else math.nan
    if len(obs) and len(sim):
        ks = stats.ks_2samp(obs, sim)
        row["ks"], row["p_value"] = float(ks.statistic), float(ks.pvalue)
    else:
        row["ks"] = row["p_value"] = math.nan
    return row


def check_utilization(u: float, field: str = "--background-utilization") -> None:
    if not (0 <= u <= MAX_UTILIZATION):
        raise ScenarioError([Problem(field, f"must be from 0 to {MAX_UTILIZATION} (got {u:g})")])


def compare(
    trace: Trace,
    base: Scenario | None = None,
    utilization: float = 0.0,
    reps: int = 3,
    seed: int = 0,
    score: np.ndarray | None = None,
) -> Comparison:
    """Replay ``trace`` ``reps`` times (seeds ``seed`` …) and compare the waits of the jobs in
    ``score`` (default: all) with the observed ones."""
    from ..experiments.single import run

    check_utilization(utilization)
    scenario = from_dict(replay_scenario(trace, utilization, base))
    ids = job_ids(trace)
    score = np.ones(len(trace), dtype=bool) if score is None else score
    # A cancelled job's recorded wait ends at its cancellation, not at a start: not a queue
    # wait to compare (its replay still takes its place in the queue).
    score = score & (np.asarray(trace.status, dtype=object) != "CANCELLED")
    observed = np.asarray(trace.wait, dtype=float)
    machines = np.asarray(trace.machine, dtype=object)
    simulated: list[np.ndarray] = []
    for k in range(reps):
        jobs = run(scenario, seed=seed + k).jobs.set_index("job_id")
        simulated.append(jobs["wait"].reindex(ids).to_numpy(dtype=float))
    sim_all = np.stack(simulated)  # reps × jobs
    rows, qq, waits = [], [], {}
    for machine in [*trace.machines(), "all"]:
        mask = score & ((machines == machine) if machine != "all" else True)
        obs = observed[mask]
        obs = obs[np.isfinite(obs)]
        sim_w = sim_all[:, mask].ravel()
        sim_w = sim_w[np.isfinite(sim_w)]
        waits[machine] = (obs, sim_w)
        rows.append(_stats_row(machine, obs, sim_w))
        if len(obs) and len(sim_w):
            qq.append(
                pd.DataFrame(
                    {
                        "machine": machine,
                        "p": QQ_PROBS,
                        "observed": np.quantile(obs, QQ_PROBS),
                        "simulated": np.quantile(sim_w, QQ_PROBS),
                    }
                )
            )
    qq_frame = (
        pd.concat(qq, ignore_index=True)
        if qq
        else pd.DataFrame(columns=["machine", "p", "observed", "simulated"])
    )
    return Comparison(utilization, reps, pd.DataFrame(rows), qq_frame, waits)


def calibrate(
    trace: Trace, base: Scenario | None = None, reps: int = 3, seed: int = 0, holdout: float = 0.5
) -> Calibration:
    """The background utilization minimising the KS distance on the earlier part of the
    trace, and the fit it gives on the held-out later part."""
    first, last = float(trace.submitted[0]), float(trace.submitted[-1])
    split = first + (1 - holdout) * (last - first)
    early = trace.submitted < split
    if early.sum() < 2 or (~early).sum() < 2:
        raise ScenarioError([Problem("--holdout", "leaves fewer than 2 jobs on one side")])
    part = trace.select(early)
    tried: dict[float, float] = {}

    def ks(u: float) -> float:
        u = round(min(max(u, 0.0), MAX_UTILIZATION), 4)
        if u not in tried:
            tried[u] = compare(part, base, u, reps, seed).ks
        return tried[u]

    coarse = [round(0.1 * i, 2) for i in range(10)]  # 0 … 0.9
    best = min(coarse, key=ks)
    for d in (-0.06, -0.04, -0.02, 0.02, 0.04, 0.06):
        ks(best + d)
    best = min(tried, key=tried.__getitem__)  # over every point tried, coarse ones too
    search = pd.DataFrame(sorted(tried.items()), columns=["utilization", "ks"])
    calibrated = compare(part, base, best, reps, seed)
    held_out = compare(trace, base, best, reps, seed, score=~early)
    return Calibration(best, split, search, calibrated, held_out)


def _fmt(x: float) -> str:
    return "—" if not math.isfinite(x) else f"{x:.4g}"


def report(c: Comparison) -> str:
    lines = [
        f"background utilization {c.utilization:.2f}, {c.reps} replication(s); waits in "
        "seconds, observed | simulated"
    ]
    head = (
        f"{'machine':<20} {'jobs':>6} {'p50':>19} {'p90':>19} {'p99':>19} {'KS':>6} {'p-value':>8}"
    )
    lines.append(head)
    for r in c.table.itertuples(index=False):
        cells = [
            f"{_fmt(getattr(r, f'observed_p{q}'))} | {_fmt(getattr(r, f'simulated_p{q}'))}"
            for q in (50, 90, 99)
        ]
        lines.append(
            f"{str(r.machine)[:20]:<20} {r.observed_jobs:>6} {cells[0]:>19} "
            f"{cells[1]:>19} {cells[2]:>19} {_fmt(r.ks):>6} {_fmt(r.p_value):>8}"
        )
    return "\n".join(lines)


def calibration_report(cal: Calibration) -> str:
    from .build import iso

    points = ", ".join(f"{u:.2f}: {k:.3f}" for u, k in cal.search.itertuples(index=False))
    return (
        f"calibrated on jobs submitted before {iso(cal.split)}: background utilization "
        f"{cal.utilization:.2f} (KS {cal.calibrated.ks:.3f} there)\n"
        f"search (utilization: KS): {points}\n"
        f"held-out check on the later jobs (never used to calibrate):"
    )


def save(c: Comparison, folder: str | Path) -> list[Path]:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    from ..analysis.csvfile import to_csv

    paths = [out / "validation.csv", out / "qq.csv"]
    to_csv(c.table, paths[0])
    to_csv(c.qq, paths[1])
    return paths


MAX_UPLOAD_BYTES = 1_000_000  # the dashboard's limit (the CLI has none), as for scenarios


def validate_upload(
    data: bytes,
    fmt: str,
    mapping: str | None = None,
    utilization: float = 0.0,
    reps: int = 2,
    calibrate_it: bool = False,
    seed: int = 0,
) -> tuple[Comparison, Calibration | None]:
    """What the dashboard's Validation page runs for an uploaded trace: at most 1 MB; the
    comparison (the held-out one when calibrating) and the calibration, if asked for.
    Raises :class:`TraceError` or :class:`ScenarioError` with a message to show."""
    from .formats import read
    from .trace import TraceError

    if len(data) > MAX_UPLOAD_BYTES:
        raise TraceError(
            0,
            "upload",
            f"the file has {len(data):,} bytes; uploads are limited "
            f"to {MAX_UPLOAD_BYTES:,} (1 MB): use `python -m sim "
            "trace validate`, which has no limit",
        )
    if not 1 <= reps <= 20:
        raise ScenarioError([Problem("replications", "must be from 1 to 20")])
    trace = read(data, fmt, mapping or None)
    if calibrate_it:
        cal = calibrate(trace, reps=reps, seed=seed)
        return cal.held_out, cal
    return compare(trace, utilization=utilization, reps=reps, seed=seed), None
