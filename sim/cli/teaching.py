"""``python -m sim explain`` and ``python -m sim replay``: the teaching verbs.

``explain SCENARIO --job JOB_ID [--seed N] [--rules PROFILE]`` prints why the job waited,
interval by interval, with the rule numbers; ``replay SCENARIO --at T [--seed N]
[--rules PROFILE]`` prints the backend, the queue in order and every session's state at T.
Bad input (an unknown job, a malformed time, an unknown profile) exits 2 with a message.
"""

from __future__ import annotations

import argparse
import sys

from ..model.files import load
from ..model.rules import PROFILES
from ..model.scenario import DEFAULT_MAX_JOBS, ScenarioError, check_size, seed_problem
from ..model.units import parse_duration

COMMANDS = ("explain", "replay")


def add_parsers(sub) -> None:
    e = sub.add_parser("explain", help="why did a job wait? interval by interval, with rules")
    e.add_argument("scenario", help="a YAML/JSON file, or preset:NAME")
    e.add_argument("--job", required=True, help="the job id, e.g. vqe.3 (see jobs.csv)")
    r = sub.add_parser("replay", help="the queue, the backend and every session at time T")
    r.add_argument("scenario", help="a YAML/JSON file, or preset:NAME")
    r.add_argument("--at", required=True, help="a time since the start: 90, 90s, 12m, 1h 5m")
    for p in (e, r):
        p.add_argument("--seed", type=int, help="override the scenario's seed")
        p.add_argument("--rules", help=f"run under another rule profile ({', '.join(PROFILES)})")
        p.add_argument("--max-jobs", type=int, default=DEFAULT_MAX_JOBS)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def main(args: argparse.Namespace) -> int:
    if args.seed is not None and (problem := seed_problem(args.seed, "--seed")):
        return _fail(str(problem))
    if args.rules is not None and args.rules not in PROFILES:
        return _fail(f"--rules: unknown rule profile {args.rules!r}; choose one of "
                     f"{', '.join(PROFILES)}")  # fmt: skip
    at = None
    if args.command == "replay":
        try:
            at = parse_duration(args.at)
        except (ValueError, TypeError) as err:
            return _fail(f"--at: {err}")
        if at < 0:
            return _fail(f"--at: a time cannot be negative (got {args.at!r})")
    try:
        scenario = load(args.scenario)
        if args.rules is not None:
            from ..experiments.tour import with_rules

            scenario = with_rules(scenario, args.rules)
        check_size(scenario, args.max_jobs)
    except ScenarioError as err:
        for problem in err.problems:
            print(f"{args.scenario}: {problem}", file=sys.stderr)
        return 2
    from ..experiments.single import run

    result = run(scenario, seed=args.seed, max_jobs=args.max_jobs)
    if args.command == "explain":
        from ..analysis.explain import UnknownJob, explain

        try:
            print(explain(result, args.job).to_text())
        except UnknownJob as err:
            return _fail(f"--job: {err}")
        return 0
    from ..analysis.replay import state_at

    print(state_at(result, at).to_text())
    return 0
