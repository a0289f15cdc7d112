"""This checkout's engine against another checkout's, side by side in one process.

The engine benchmark's ratio (``benchmarks/engine.py``: the fleet's simulation against the
idiomatic SimPy M/M/1 on as many jobs) swings by ±20 % with the load of a shared machine, so
two versions measured in two processes minutes apart cannot be compared. Here the other
checkout's ``sim`` is imported as ``sim_ref`` and each round times, interleaved, the reference
engine, this engine and the M/M/1 on the same fleet; the medians of the per-round ratios are
reported (CPU time of this process, as in engine.py).

    python benchmarks/engine_ab.py REF_CHECKOUT [--jobs 220000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import mm1  # noqa: E402
from fleet import DEFAULT_JOBS, fleet  # noqa: E402

import sim  # noqa: E402


def load_reference(root: Path):
    """The checkout's ``sim`` package under the name ``sim_ref`` (its imports are relative)."""
    init = root / "sim" / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        "sim_ref", init, submodule_search_locations=[str(init.parent)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["sim_ref"] = module
    spec.loader.exec_module(module)
    return module


def timed(fn) -> float:
    gc.collect()
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def simulate(package, engine_cls, scenario) -> int:
    engine = engine_cls(scenario, scenario.seed)
    engine.run()
    engine.finish()
    return len(engine.log)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("reference", type=Path)
    p.add_argument("--jobs", type=int, default=DEFAULT_JOBS)
    p.add_argument("--rounds", type=int, default=7)
    args = p.parse_args()
    ref = load_reference(args.reference.resolve())
    from sim.kernel.engine import Engine

    try:
        ref_engine = importlib.import_module("sim_ref.kernel.engine").Engine
    except ImportError:  # a checkout from before sim/ was grouped into sub-packages
        ref_engine = importlib.import_module("sim_ref.engine").Engine
    scenario = fleet(args.jobs)
    ref_scenario = ref.from_dict(scenario.to_dict())
    n = len(sim.run(scenario).jobs)
    runs = {
        "reference": lambda: simulate(ref, ref_engine, ref_scenario),
        "this": lambda: simulate(sim, Engine, scenario),
        "idiomatic": lambda: mm1.idiomatic(n),
    }
    assert runs["reference"]() == runs["this"](), "the two engines log different event counts"
    times: dict[str, list[float]] = {k: [] for k in runs}
    for r in range(args.rounds):
        order = list(runs) if r % 2 == 0 else ["this", "reference", "idiomatic"]
        for k in order:
            times[k].append(timed(runs[k]))
    ratio = {k: [i / s for i, s in zip(times["idiomatic"], times[k], strict=True)]
             for k in ("reference", "this")}  # fmt: skip
    speed = [r / t for r, t in zip(times["reference"], times["this"], strict=True)]
    print(f"fleet: {n:,} jobs, {args.rounds} rounds (CPU s per round)")
    for k in runs:
        print(f"  {k:<10} " + " ".join(f"{t:5.2f}" for t in times[k]))
    for k in ("reference", "this"):
        rs = " ".join(f"{x:.2f}" for x in ratio[k])
        print(f"  idiomatic/{k:<10} median {statistics.median(ratio[k]):.2f}x  best "
              f"{max(ratio[k]):.2f}x  ({rs})")  # fmt: skip
    print(f"  reference time / this time: median {statistics.median(speed):.3f}")


if __name__ == "__main__":
    main()
