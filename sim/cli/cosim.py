"""``python -m sim cosim SCRIPT.py --scenario S`` (and ``record``): a real qiskit-ibm-runtime
script against the simulated queue (sim.experiments.cosim). Exit 0 success, 2 bad input or a
script the co-simulation cannot run (it raised, used an API we do not simulate, submitted
nothing)."""

from __future__ import annotations

import argparse
import math
import sys

from ..model.units import format_duration

COMMANDS = ("cosim", "record")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"a number >= 0 (got {text!r})")
    return value


def add_parsers(sub) -> None:
    from ..experiments.cosim import DEFAULT_DEVICE, MODES

    c = sub.add_parser("cosim", help="run a qiskit-ibm-runtime script against the simulated queue")
    c.add_argument("script", help="the Python script, run unmodified")
    c.add_argument("--scenario", required=True, help="a YAML/JSON file, or preset:NAME")
    c.add_argument("--backend", help="run the script's jobs on this scenario backend")
    c.add_argument(
        "--user",
        help="the scenario user running the script (their own workloads "
        "leave the scenario); default: the first user with a non-stream workload",
    )
    c.add_argument(
        "--mode",
        choices=MODES,
        default="as-written",
        help="as written, or every job in one session / batch / as plain jobs",
    )
    c.add_argument("--seed", type=int, help="override the scenario's seed")
    c.add_argument("--out", help="write jobs/sessions/timeline/events CSV files to this folder")
    c.add_argument(
        "--think",
        choices=("cpu", "wall"),
        default="cpu",
        help="the script's think time: process CPU time (default) or wall clock",
    )
    c.add_argument(
        "--think-scale",
        type=_finite,
        default=1.0,
        help="multiply the measured think time (a faster or slower client)",
    )
    c.add_argument(
        "--device",
        default=DEFAULT_DEVICE,
        help=f"fake device from qiskit_ibm_runtime.fake_provider (default "
        f"{DEFAULT_DEVICE}); results are computed on it with Aer",
    )
    c.add_argument("--start", help="when the script starts (a duration; default: the replaced "
                   "workload's start, else 0)")  # fmt: skip
    r = sub.add_parser("record", help="run a qiskit-ibm-runtime script once (no queue) and "
                       "write its submit pattern as a `trace` workload")  # fmt: skip
    r.add_argument("script")
    r.add_argument("--out", required=True, help="the workload YAML file to write")
    r.add_argument("--device", default=DEFAULT_DEVICE)
    r.add_argument("--think", choices=("cpu", "wall"), default="cpu")
    r.add_argument("--think-scale", type=_finite, default=1.0)
    r.add_argument("--seed", type=int, default=0)


def summary_text(cosim, result) -> str:
    from ..experiments.cosim import script_summary

    s = script_summary(result, cosim.name)
    wall = cosim.script_end - cosim.script_start
    d = format_duration
    return "\n".join([
        f"--- qsched cosim: {cosim.name} on {cosim.run_backend} as {cosim.user}, mode "
        f"{cosim.mode}, scenario {cosim.scenario.name!r}, seed {cosim.seed} ---",
        f"script wall-clock (virtual): {d(wall)} (from {d(cosim.script_start)} to "
        f"{d(cosim.script_end)}); its own think time {d(cosim.think_total)}",
        f"jobs: {int(s['jobs'])} ({int(s['jobs_done'])} DONE); queue wait: total "
        f"{d(s['wait_total'])}, mean {d(s['wait_mean'])}, max {d(s['wait_max'])}",
        f"QPU time: {d(s['qpu_seconds'])}; usage billed: {d(s['usage_billed'])}; "
        f"idle-held by its sessions: {d(s['idle_held'])}",
        f"the other workloads' mean wait: {d(s['others_wait_mean'])}",
    ])  # fmt: skip


def record_main(args) -> int:
    from pathlib import Path

    from ..experiments.cosim import CosimError, record
    from ..kernel.trace import workload_yaml

    try:
        spec = record(args.script, device=args.device, think=args.think,
                      think_scale=args.think_scale, seed=args.seed)  # fmt: skip
    except CosimError as err:
        sys.stdout.flush()
        print(f"error: {err}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True)
    out.write_text(workload_yaml(spec), encoding="utf-8")
    print(f"recorded {spec.trace_jobs} jobs in {len(spec.trace)} steps: wrote {out}")
    return 0


def main(args) -> int:
    from ..experiments.cosim import Cosim, CosimError

    if args.command == "record":
        return record_main(args)
    from ..model.files import load
    from ..model.scenario import ScenarioError, seed_problem
    from ..model.units import parse_duration

    if args.seed is not None and (problem := seed_problem(args.seed, "--seed")):
        print(problem, file=sys.stderr)
        return 2
    try:
        scenario = load(args.scenario)
    except ScenarioError as err:
        for problem in err.problems:
            print(f"{args.scenario}: {problem}", file=sys.stderr)
        return 2
    try:
        start = parse_duration(args.start) if args.start is not None else None
    except Exception as err:  # noqa: BLE001
        print(f"--start: {err}", file=sys.stderr)
        return 2
    try:
        cosim = Cosim(scenario, args.script, seed=args.seed, backend=args.backend,
                      user=args.user, mode=args.mode, think=args.think,
                      think_scale=args.think_scale, device=args.device, start=start)  # fmt: skip
        result = cosim.run()
    except CosimError as err:
        sys.stdout.flush()
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(summary_text(cosim, result))
    out = args.out or f"out/cosim/{cosim.name}-{cosim.mode}"
    for path in result.save(out):
        print(f"wrote {path}")
    return 0
