"""Engine throughput on the busy fleet against SimPy M/M/1 references (issue #6, target 1).

Runs, in this one process and on the same number of jobs: the engine on the fleet scenario,
the idiomatic SimPy M/M/1 (a Process per job and a Resource) and the lean SimPy M/M/1
(callbacks). The engine is timed twice: ``sim.run`` alone (the simulation and its event log
as a DataFrame — the counterpart of the M/M/1 runs, which only record waits) and ``sim.run``
plus the jobs table (what a sweep pays per replication).
Each is timed ``--repeat`` times, interleaved, and the best time kept. Times are CPU time of
this process (``time.process_time``), not wall-clock time: on a shared machine the other
processes' load then mostly drops out. Prints jobs/s and the engine's ratio to both.

    python benchmarks/engine.py [--jobs 220000] [--repeat 3] [--profile]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import mm1  # noqa: E402
from fleet import DEFAULT_JOBS, fleet  # noqa: E402

import sim  # noqa: E402

TARGET = 1.5  # × the idiomatic SimPy M/M/1


def best_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def engine_run(scenario: sim.Scenario) -> sim.Result:
    return sim.run(scenario)


def engine_run_with_jobs(scenario: sim.Scenario):
    return sim.run(scenario).jobs


def measure(jobs: int = DEFAULT_JOBS, repeat: int = 3) -> dict:
    scenario = fleet(jobs)
    table = engine_run_with_jobs(scenario)
    n = len(table)  # the references run exactly as many jobs as the fleet had
    done = int((table["status"] == "DONE").sum())
    # Interleaved so that a burst of load from other processes hits all of them alike.
    t_engine, t_tables, t_idiomatic, t_lean = [], [], [], []
    for _ in range(repeat):
        t_engine.append(best_time(lambda: engine_run(scenario), 1))
        t_tables.append(best_time(lambda: engine_run_with_jobs(scenario), 1))
        t_idiomatic.append(best_time(lambda: mm1.idiomatic(n), 1))
        t_lean.append(best_time(lambda: mm1.lean(n), 1))
    t_engine, t_tables, t_idiomatic, t_lean = map(min, (t_engine, t_tables, t_idiomatic, t_lean))
    return {
        "jobs": n,
        "done": done,
        "engine_jobs_per_s": n / t_engine,
        "tables_jobs_per_s": n / t_tables,
        "idiomatic_jobs_per_s": n / t_idiomatic,
        "lean_jobs_per_s": n / t_lean,
        "vs_idiomatic": t_idiomatic / t_engine,
        "vs_lean": t_lean / t_engine,
        "tables_vs_idiomatic": t_idiomatic / t_tables,
        "engine_s": t_engine,
        "tables_s": t_tables,
    }


def report(m: dict) -> str:
    verdict = "meets" if m["vs_idiomatic"] >= TARGET else "MISSES"
    return "\n".join(
        [
            f"fleet: {m['jobs']:,} jobs ({m['done']:,} DONE), best of the runs",
            f"  engine (sim.run)                {m['engine_jobs_per_s']:>10,.0f} jobs/s"
            f"  ({m['engine_s']:.2f} s)",
            f"  engine + jobs table             {m['tables_jobs_per_s']:>10,.0f} jobs/s"
            f"  ({m['tables_s']:.2f} s)",
            f"  SimPy M/M/1 idiomatic (Process) {m['idiomatic_jobs_per_s']:>10,.0f} jobs/s",
            f"  SimPy M/M/1 lean (callbacks)    {m['lean_jobs_per_s']:>10,.0f} jobs/s",
            f"  engine / idiomatic = {m['vs_idiomatic']:.2f}x  ({verdict} the {TARGET}x target)",
            f"  engine / lean      = {m['vs_lean']:.2f}x",
            f"  engine + jobs table / idiomatic = {m['tables_vs_idiomatic']:.2f}x",
        ]
    )


def profile(jobs: int) -> None:
    import cProfile
    import pstats

    scenario = fleet(jobs)
    with cProfile.Profile() as prof:
        engine_run_with_jobs(scenario)
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=DEFAULT_JOBS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile the engine instead")
    args = parser.parse_args()
    if args.profile:
        profile(args.jobs)
    else:
        print(report(measure(args.jobs, args.repeat)))


if __name__ == "__main__":
    main()
