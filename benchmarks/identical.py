"""Are two checkouts' simulations identical? Hashes of every result table, compared.

For every preset × every rule profile × seeds 1–3, and for the benchmark fleet, this hashes
the four result tables (jobs, sessions, timeline, events, written as CSV: floats in full
``repr`` precision) and the run's end time; for the presets it also hashes the replay's queue
(``sim.analysis.replay.state_at``) at a few moments, which is where the dispatcher's order shows. A
refactoring of the engine must leave every hash as it was (issue 14).

    python benchmarks/identical.py dump OUT.json [--root CHECKOUT]   # hashes of one checkout
    python benchmarks/identical.py compare A.json B.json              # exit 1 if any differs
    python benchmarks/identical.py against REF_CHECKOUT [--root CHECKOUT]  # both, in one go

``--root`` (default: the current directory) is the checkout whose ``sim`` package is imported:
run from another checkout to hash that one with this script.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

SEEDS = (1, 2, 3)
TABLES = ("jobs", "sessions", "timeline", "events")
REPLAY_AT = (0.1, 0.25, 0.5, 0.75, 0.9)  # fractions of the run's end time


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _tables(result) -> dict[str, str]:
    out = {t: _digest(getattr(result, t).to_csv(index=False)) for t in TABLES}
    out["end_time"] = repr(float(result.end_time))
    return out


def dump(root: Path) -> dict[str, dict[str, str]]:
    sys.path.insert(0, str(root / "benchmarks"))
    sys.path.insert(0, str(root))
    from fleet import fleet

    import sim

    try:
        from sim.analysis.replay import state_at
    except ImportError:  # a checkout from before sim/ was grouped into sub-packages
        from sim.replay import state_at

    hashes: dict[str, dict[str, str]] = {}
    for name in sim.preset_names():
        base = sim.preset(name)
        for profile in sim.PROFILES:
            for seed in SEEDS:
                key = f"{name}|{profile}|{seed}"
                try:
                    result = sim.run(base.model_copy(update={"rules": profile}), seed=seed)
                except Exception as exc:  # a profile a preset cannot run under: same error?
                    hashes[key] = {"error": f"{type(exc).__name__}: {exc}"}
                    continue
                out = _tables(result)
                for f in REPLAY_AT:
                    state = state_at(result, f * result.end_time)
                    out[f"replay@{f}"] = _digest(state.queue.to_csv(index=False))
                hashes[key] = out
    for profile in sim.PROFILES:
        jobs = 220_000 if profile == "ibm-2024" else 22_000  # the benchmark's own, then smaller
        scenario = fleet(jobs).model_copy(update={"rules": profile})
        hashes[f"fleet{jobs}|{profile}"] = _tables(sim.run(scenario))
    return hashes


def compare(a: dict, b: dict) -> list[str]:
    diffs = []
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            ka, kb = a.get(key) or {}, b.get(key) or {}
            parts = sorted(k for k in set(ka) | set(kb) if ka.get(k) != kb.get(k))
            diffs.append(f"{key}: {', '.join(parts) or 'missing'}")
    return diffs


def _dump_in(root: Path, out: Path) -> None:
    # A fresh interpreter per checkout, so that the two `sim` packages never meet.
    subprocess.run(
        [sys.executable, __file__, "dump", str(out), "--root", str(root)], check=True, cwd=root
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--root", type=Path, default=Path.cwd())
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    g = sub.add_parser("against")
    g.add_argument("reference", type=Path)
    g.add_argument("--root", type=Path, default=Path.cwd())
    args = p.parse_args()
    if args.cmd == "dump":
        hashes = dump(args.root.resolve())
        args.out.write_text(json.dumps(hashes, indent=1, sort_keys=True))
        print(f"{len(hashes)} runs hashed into {args.out}")
        return 0
    if args.cmd == "compare":
        a, b = (json.loads(x.read_text()) for x in (args.a, args.b))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            ra, rb = Path(tmp, "reference.json"), Path(tmp, "this.json")
            _dump_in(args.reference.resolve(), ra)
            _dump_in(args.root.resolve(), rb)
            a, b = json.loads(ra.read_text()), json.loads(rb.read_text())
    diffs = compare(a, b)
    for line in diffs:
        print("DIFFERENT", line)
    print(f"{len(a)} runs compared, {len(diffs)} differ")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
