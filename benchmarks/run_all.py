"""Every performance benchmark of issue #6, one after the other (``make bench``).

1. ``engine.py``: engine throughput on the busy fleet against SimPy M/M/1 references.
2. ``memory.py``: time and peak memory at 10k, 100k and 1M jobs (each in its own process).

The 100k-job Gantt timing is measured in the real-browser test
(``pytest tests/test_browser.py -k 100k -s``), which prints it.
"""

from __future__ import annotations

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


if __name__ == "__main__":
    main()
