"""``python -m sim trace import|export-ibm|fit|validate``: real job traces in and checked
(issue 18; the model is :mod:`sim.traces`).

    python -m sim trace import FILE --format F [--map FIELD=COLUMN,...] [--out scenario.yaml]
    python -m sim trace export-ibm --out jobs.jsonl [--limit N]
    python -m sim trace fit FILE --format F [--map ...]
    python -m sim trace validate FILE --format F [--scenario S] [--reps N] [--calibrate]

A bad trace exits 2 with ``FILE: line N: FIELD: what is wrong``; reading shows a tqdm
progress bar on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMAT_HELP = "ibm-jobs | quantumqueue | swf | csv"
VERBS = ("import", "export-ibm", "fit", "validate")


def _source(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the trace file")
    p.add_argument("--format", required=True, help=FORMAT_HELP)
    p.add_argument(
        "--map",
        help="csv only: FIELD=COLUMN,... for submitted, started, finished, "
        "machine, quantum, wait, status, user, session, batch",
    )


def add_parser(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("trace", help="import, fit and validate against real job traces")
    verbs = t.add_subparsers(dest="trace_command", required=True, parser_class=type(t))
    i = verbs.add_parser("import", help="turn a trace into a scenario that replays it")
    _source(i)
    i.add_argument("--out", help="write the scenario here (default: stdout)")
    i.add_argument("--rules", default="ibm-2024", help="the scenario's rule profile")
    e = verbs.add_parser(
        "export-ibm",
        help="write your IBM Quantum job history as JSON Lines "
        "(needs qiskit-ibm-runtime and a saved account)",
    )
    e.add_argument("--out", required=True, help="the JSON Lines file to write")
    e.add_argument("--limit", type=int, help="at most this many jobs per instance")
    e.add_argument("--page", type=int, default=50, help="jobs per request (default 50)")
    f = verbs.add_parser("fit", help="fit arrival rates and QPU-time distributions per machine")
    _source(f)
    f.add_argument("--out", help="also write the fitted stream workloads (YAML) here")
    v = verbs.add_parser("validate", help="compare simulated with observed queue waits")
    _source(v)
    v.add_argument(
        "--scenario", help="the scenario to replay through (default: the imported trace)"
    )
    v.add_argument(
        "--background-utilization",
        type=float,
        default=None,
        help="background load per machine, 0 to 0.95 (default: 0, or calibrated)",
    )
    v.add_argument("--reps", type=int, default=3, help="replications (default 3)")
    v.add_argument("--seed", type=int, default=0, help="seed of the first replication")
    v.add_argument(
        "--calibrate",
        action="store_true",
        help="search the background utilization minimising the KS distance on the "
        "first part of the trace; report the fit on the later part",
    )
    v.add_argument(
        "--holdout",
        type=float,
        default=0.5,
        help="the later fraction of the trace kept for --calibrate's check (0.5)",
    )
    v.add_argument("--out", help="write the comparison (quantiles, KS, Q-Q) as CSV to this folder")


def _read(args: argparse.Namespace, progress: bool = True):
    from ..traces import read

    return read(args.file, args.format, args.map, progress=progress)


def main(args: argparse.Namespace) -> int:
    from ..model.scenario import ScenarioError
    from ..traces import TraceError

    try:
        if args.trace_command == "import":
            return _import(args)
        if args.trace_command == "export-ibm":
            return _export(args)
        if args.trace_command == "fit":
            return _fit(args)
        return _validate(args)
    except TraceError as err:
        where = getattr(args, "file", "") or "trace"
        print(f"{where}: {err}", file=sys.stderr)
        return 2
    except ScenarioError as err:
        for problem in err.problems:
            where = getattr(args, "scenario", None) or getattr(args, "file", None) or "trace"
            print(f"{where}: {problem}", file=sys.stderr)
        return 2


def _import(args: argparse.Namespace) -> int:
    from ..model.files import MAX_FILE_BYTES
    from ..model.rules import PROFILES
    from ..model.scenario import Problem, ScenarioError
    from ..traces.build import scenario_dict, to_yaml

    if args.rules not in PROFILES:
        raise ScenarioError(
            [Problem("--rules", f"unknown rule profile; choose one of {', '.join(PROFILES)}")]
        )
    trace = _read(args)
    text = to_yaml(scenario_dict(trace, Path(args.file).name, args.rules))
    if not args.out:
        sys.stdout.write(text)
        return 0
    Path(args.out).write_text(text, encoding="utf-8")
    machines = trace.machines()
    print(
        f"wrote {args.out}: {len(trace):,} jobs on {len(machines)} machine(s) "
        f"({', '.join(machines[:5])}{', …' if len(machines) > 5 else ''})"
    )
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        # Not an error: the file is right, but `run` would refuse it (docs/model.md, Limits).
        print(
            f"note: {size:,} bytes, above the {MAX_FILE_BYTES:,} a scenario file may have; "
            "`python -m sim trace validate` reads the trace itself and has no such limit",
            file=sys.stderr,
        )
    return 0


def _export(args: argparse.Namespace) -> int:
    from ..model.scenario import Problem, ScenarioError
    from ..traces import export

    bad = [
        Problem(f"--{k}", f"must be at least 1 (got {v})")
        for k, v in (("limit", args.limit), ("page", args.page))
        if v is not None and v < 1
    ]
    if bad:
        raise ScenarioError(bad)
    try:
        service = export.default_service()
    except export.RuntimeMissing as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    n = export.export_jobs(service, args.out, limit=args.limit, page=args.page)
    print(f"wrote {args.out}: {n:,} jobs")
    return 0


def _fit(args: argparse.Namespace) -> int:
    from ..traces import fit

    trace = _read(args)
    fits = fit.fit_trace(trace)
    print(fit.report(fits, trace))
    if args.out:
        Path(args.out).write_text(fit.streams_yaml(fits), encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from ..model.files import load
    from ..model.scenario import Problem, ScenarioError, seed_problem
    from ..traces import validate

    problems = []
    if args.reps < 1:
        problems.append(Problem("--reps", f"must be at least 1 (got {args.reps})"))
    if p := seed_problem(args.seed, "--seed"):
        problems.append(p)
    u = args.background_utilization
    if u is not None and not 0 <= u <= validate.MAX_UTILIZATION:
        problems.append(
            Problem(
                "--background-utilization",
                f"must be from 0 to {validate.MAX_UTILIZATION} (got {u:g})",
            )
        )
    if not 0 < args.holdout < 1:
        problems.append(Problem("--holdout", f"must be between 0 and 1 (got {args.holdout:g})"))
    if problems:
        raise ScenarioError(problems)
    base = load(args.scenario) if args.scenario else None
    trace = _read(args)
    if args.calibrate:
        outcome = validate.calibrate(
            trace, base, reps=args.reps, seed=args.seed, holdout=args.holdout
        )
        print(validate.calibration_report(outcome))
        comparison = outcome.held_out
    else:
        comparison = validate.compare(
            trace, base, utilization=u or 0.0, reps=args.reps, seed=args.seed
        )
    print(validate.report(comparison))
    if args.out:
        for path in validate.save(comparison, args.out):
            print(f"wrote {path}")
    return 0
