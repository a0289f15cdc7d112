"""Time one sweep with 1 and with 2 local worker processes and print the speed-up.

    .venv/bin/python benchmarks/sweep.py [--reps N] [--preset NAME]

The two runs must give identical tables (replication k has seed SEED + k whatever the
executor); the script checks that too. On a 2-core machine expect a ratio a little under 2:
process start-up and pickling results back cost a few percent.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

import sim
from sim.experiments import runs as experiments


def timed(scenario: sim.Scenario, vary: dict, reps: int, workers: int):
    start = time.perf_counter()
    out = experiments.sweep(scenario, vary, reps, workers=workers)
    return time.perf_counter() - start, out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--preset", default="vqe-vs-background")
    p.add_argument("--reps", type=int, default=8)
    args = p.parse_args()
    scenario = sim.preset(args.preset)
    vary = {"workloads.research.rate": ["10/h", "14/h", "18/h"]}
    if args.preset != "vqe-vs-background":
        stream = next(w for w in scenario.workloads if w.pattern == "stream")
        vary = {f"workloads.{stream.name}.rate": [stream.rate * f for f in (0.8, 1.0, 1.2)]}
    runs = args.reps * len(next(iter(vary.values())))
    one, a = timed(scenario, vary, args.reps, 1)
    two, b = timed(scenario, vary, args.reps, 2)
    pd.testing.assert_frame_equal(a.rows, b.rows)
    print(f"{args.preset}: {runs} runs")
    print(f"1 worker : {one:7.2f} s")
    print(f"2 workers: {two:7.2f} s")
    print(f"speed-up : {one / two:7.2f}x (identical results)")


if __name__ == "__main__":
    main()
