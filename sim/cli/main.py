"""``python -m sim run|validate|presets`` — exit 0 success, 2 invalid input, 1 anything else."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..model import files as presets
from ..model.files import load
from ..model.scenario import DEFAULT_MAX_JOBS, ScenarioError, check_size, seed_problem
from . import cosim as cli_cosim
from . import sweep as cli_sweep
from . import teaching as cli_teaching
from . import trace as cli_trace


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 on usage errors, like bad input
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m sim", description="Simulate IBM Quantum job scheduling.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    r = sub.add_parser("run", help="run a scenario and print a summary")
    r.add_argument("scenario", help="a YAML/JSON file, or preset:NAME")
    r.add_argument("--seed", type=int, help="override the scenario's seed")
    r.add_argument("--out", help="write jobs/sessions/timeline/events CSV files to this folder")
    r.add_argument("--max-jobs", type=int, default=DEFAULT_MAX_JOBS,
                   help=f"refuse scenarios expected to exceed this many jobs "
                        f"(default {DEFAULT_MAX_JOBS:,})")  # fmt: skip
    v = sub.add_parser("validate", help="check a scenario without running it")
    v.add_argument("scenario")
    v.add_argument("--max-jobs", type=int, default=DEFAULT_MAX_JOBS)
    sub.add_parser("presets", help="list the built-in scenarios")
    cli_sweep.add_parser(sub)  # sim/cli/sweep.py: replications over a parameter grid
    cli_teaching.add_parsers(sub)  # sim/cli/teaching.py: explain, replay
    cli_cosim.add_parsers(sub)  # sim/cli/cosim.py: cosim, record (a qiskit script)
    cli_trace.add_parser(sub)  # sim/cli/trace.py: import, fit and validate job traces
    return p


def _problems(err: ScenarioError, source: str) -> int:
    for problem in err.problems:
        print(f"{source}: {problem}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "presets":
            for name in presets.names():
                s = presets.preset(name)
                default = " (default)" if name == presets.DEFAULT else ""
                print(f"{name}{default}: {s.name}")
            return 0
        if args.command == "sweep":
            return cli_sweep.main(args)
        if args.command == "trace":
            return cli_trace.main(args)
        if args.command in cli_teaching.COMMANDS:
            return cli_teaching.main(args)
        if args.command in cli_cosim.COMMANDS:
            return cli_cosim.main(args)
        seed = getattr(args, "seed", None)
        if seed is not None and (problem := seed_problem(seed, "--seed")):
            print(problem, file=sys.stderr)
            return 2
        try:
            scenario = load(args.scenario)
            check_size(scenario, args.max_jobs)
        except ScenarioError as err:
            return _problems(err, args.scenario)
        if args.command == "validate":
            print(f"{args.scenario}: valid ({scenario.name})")
            return 0
        from ..experiments.single import run

        result = run(scenario, seed=args.seed, max_jobs=args.max_jobs)
        print(result.summary())
        if args.out:
            for path in result.save(args.out):
                print(f"wrote {path}")
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `python -m sim presets | head`: the reader left, not an error
        sys.stderr.close()
        return 0
    except Exception as err:  # noqa: BLE001 — the CLI promises a message, never a traceback
        print(f"error: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
