"""Every performance benchmark of issue #6, one after the other (``make bench``).

1. ``engine.py``: engine throughput on the busy fleet against SimPy M/M/1 references.
2. ``memory.py``: time and peak memory at 10k, 100k and 1M jobs (each in its own process).
3. The real-browser test that times the Timeline of a 100k-job scenario (strict limits with
   ``QSCHED_PERF=1``; it prints the timings).
4. ``mutation.py``: the mutation check of issue 14 — one-line breaks of the rules, each run
   against the rule tests; prints caught/escaped per mutant and the score (slow: ~15 min).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import engine  # noqa: E402
import memory  # noqa: E402


def main() -> None:
    print("== Engine throughput (benchmarks/engine.py) ==", flush=True)
    print(engine.report(engine.measure()), flush=True)
    print("\n== Time and memory against size (benchmarks/memory.py) ==", flush=True)
    print(memory.report(memory.measure()), flush=True)
    print("\n== 100k-job Timeline in Chromium (tests/test_browser.py) ==", flush=True)
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "pytest", "tests/test_browser.py", "-p", "no:xdist", "-q",
               "-s", "-k", "100k"]  # fmt: skip
    subprocess.run(command, cwd=root, env={**os.environ, "QSCHED_PERF": "1"}, check=False)
    print("\n== Mutation check: do the rule tests catch broken rules? (benchmarks/mutation.py) ==",
          flush=True)  # fmt: skip
    subprocess.run([sys.executable, "benchmarks/mutation.py"], cwd=root, check=False)


if __name__ == "__main__":
    main()
