"""Time and peak memory against the number of jobs (issue #6, target 2).

Each size runs in a fresh subprocess, so that its peak resident set size
(``VmHWM``, see ``peak_rss_mb``) is its own. A run is ``sim.run`` on the fleet
scenario scaled to the size, plus the jobs table. Time and memory per job should stay roughly
flat from 10k to 1M jobs (linear growth), and 1M jobs should peak under 2 GB.

    python benchmarks/memory.py [--sizes 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = (10_000, 100_000, 1_000_000)
LIMIT_MB = 2048


def peak_rss_mb() -> float:
    """This process's own peak resident set size, in MiB.

    ``VmHWM`` from /proc where there is one: Linux carries ``ru_maxrss`` over ``execve`` from
    the process that forked, so a child started by a parent that already holds 500 MB (as
    under ``make bench``, after the engine benchmark) would report at least that.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB → MiB
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB → MiB


def child(jobs: int) -> None:
    import time

    sys.path.insert(0, str(HERE.parent))
    sys.path.insert(0, str(HERE))
    from fleet import fleet

    import sim

    scenario = fleet(jobs)
    baseline = peak_rss_mb()
    t0 = time.perf_counter()
    result = sim.run(scenario, max_jobs=10 * jobs)
    t_run = time.perf_counter() - t0
    table = result.jobs
    t_total = time.perf_counter() - t0
    peak = peak_rss_mb()
    print(json.dumps({"jobs": len(table), "events": len(result.events), "run_s": t_run,
                      "total_s": t_total, "peak_mb": peak, "baseline_mb": baseline}))  # fmt: skip


def measure(sizes=SIZES) -> list[dict]:
    rows = []
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], check=True,
                             capture_output=True, text=True)  # fmt: skip
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return rows


def report(rows: list[dict]) -> str:
    lines = [
        f"{'jobs':>10} {'events':>10} {'sim.run s':>10} {'+jobs s':>8} {'µs/job':>7} "
        f"{'peak RSS MB':>12} {'KB/job':>7}"
    ]
    for r in rows:
        grown = r["peak_mb"] - r["baseline_mb"]  # above the interpreter and imports
        lines.append(
            f"{r['jobs']:>10,} {r['events']:>10,} {r['run_s']:>10.2f} {r['total_s']:>8.2f} "
            f"{1e6 * r['total_s'] / r['jobs']:>7.1f} {r['peak_mb']:>12,.0f} "
            f"{1024 * grown / r['jobs']:>7.2f}"
        )
    biggest = max(rows, key=lambda r: r["jobs"])
    verdict = "under" if biggest["peak_mb"] < LIMIT_MB else "OVER"
    lines.append(f"{biggest['jobs']:,} jobs peak at {biggest['peak_mb']:,.0f} MB: {verdict} the "
                 f"{LIMIT_MB:,} MB limit")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
    else:
        print(report(measure(args.sizes)))


if __name__ == "__main__":
    main()
