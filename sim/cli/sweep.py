"""``python -m sim sweep``: replications over a grid of parameter values.

    python -m sim sweep SCENARIO --vary PATH=V1,V2,... [--vary ...] --reps N [--out DIR]
                       [--workers N] [--dask ADDRESS] [--seed N] [--warmup DURATION]

Writes ``DIR/sweep.csv`` (one row per point and workload, plus ``all``) and
``DIR/replications.csv`` (one row per point, replication and workload); without ``--out`` the
sweep table goes to stdout. A tqdm progress bar on stderr advances as replications finish.
Bad paths and values exit 2 with a message naming them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..analysis.csvfile import to_csv
from ..model.scenario import DEFAULT_MAX_JOBS, MAX_SEED, Problem, ScenarioError, seed_problem
from ..model.units import parse_duration


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("sweep", help="replications over a grid of parameter values")
    s.add_argument("scenario", help="a YAML/JSON file, or preset:NAME")
    s.add_argument("--vary", action="append", default=[], metavar="PATH=V1,V2,...",
                   help="a parameter and its values, e.g. workloads.bg.rate=10/h,20/h; "
                        "several --vary form a grid")  # fmt: skip
    s.add_argument("--reps", type=int, default=5, help="replications per point (default 5)")
    s.add_argument("--seed", type=int, help="seed of replication 0 (default: the scenario's)")
    s.add_argument("--warmup", default="0",
                   help="ignore waits of jobs submitted before this time (e.g. 2h)")  # fmt: skip
    s.add_argument("--out", help="write sweep.csv and replications.csv to this folder")
    s.add_argument("--workers", type=int, help="local processes (default: all cores)")
    s.add_argument("--dask", metavar="ADDRESS",
                   help="run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786")  # fmt: skip
    s.add_argument("--max-jobs", type=int, default=DEFAULT_MAX_JOBS,
                   help="refuse points expected to exceed this many jobs")  # fmt: skip


def _options(args: argparse.Namespace) -> tuple[dict[str, list], float]:
    from ..model import parameters

    problems = []
    if args.reps < 1:
        problems.append(Problem("--reps", f"must be at least 1 (got {args.reps})"))
    if args.workers is not None and args.workers < 1:
        problems.append(Problem("--workers", f"must be at least 1 (got {args.workers})"))
    if args.seed is not None:
        last = args.seed + max(args.reps, 1) - 1  # replication k runs with seed + k
        if problem := seed_problem(args.seed, "--seed"):
            problems.append(problem)
        elif last > MAX_SEED:
            problems.append(Problem("--seed", f"replications would use seeds up to {last}, "
                                              f"above the largest seed {MAX_SEED}"))  # fmt: skip
    try:
        warmup = parse_duration(args.warmup)
    except ValueError as err:
        problems.append(Problem("--warmup", str(err)))
        warmup = 0.0
    vary: dict[str, list] = {}
    for text in args.vary:
        try:
            path, values = parameters.parse_vary(text)
        except ScenarioError as err:
            problems += err.problems
            continue
        if path in vary:
            problems.append(Problem(path, "is varied twice; give all its values in one --vary"))
        vary[path] = values
    if problems:
        raise ScenarioError(problems)
    return vary, warmup


def main(args: argparse.Namespace) -> int:
    """Run the sweep; exit 0, 2 on bad input (messages on stderr). Other errors propagate to
    the CLI's handler (exit 1)."""
    from tqdm import tqdm

    from ..experiments import runs as experiments
    from ..model import parameters
    from ..model.files import load

    try:
        vary, warmup = _options(args)
        scenario = load(args.scenario)
        grid = experiments.grid(scenario, vary)
        todo = experiments.tasks(grid, args.reps, args.seed, args.max_jobs)
    except ScenarioError as err:
        for problem in err.problems:
            print(f"{args.scenario}: {problem}", file=sys.stderr)
        return 2
    # Points that do not run as their values say (mode=batch without batch mode, R24).
    for note in parameters.notes(grid):
        print(f"note: {note}", file=sys.stderr)
    with tqdm(total=len(todo), unit="run", desc="sweep", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)

        outcome = experiments.run_tasks(
            todo, warmup=warmup, workers=args.workers, dask=args.dask, progress=progress
        )
    params = list(vary)
    table = experiments.sweep_table(outcome.rows, params)
    if not args.out:
        print(table.to_csv(index=False, float_format="%.6g"), end="")
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    to_csv(table, out / "sweep.csv")
    to_csv(experiments.replication_table(outcome.rows, params), out / "replications.csv")
    print(f"wrote {out / 'sweep.csv'} ({len(table)} rows) and {out / 'replications.csv'}")
    return 0
