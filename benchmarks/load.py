"""Many people on one dashboard at once (issue 16 point 12): ``python benchmarks/load.py``.

Starts ``streamlit run dashboard.py`` on a free loopback port (its own empty data directory),
then, for each count N given (default 1, 5 and 10), opens N browser sessions at once in the
system Chromium — each its own browser context, so its own cookies and Streamlit session —
and walks each through what a first visitor does: open the dashboard (the Scenario page
with the default scenario run) and click *Timeline* (the Gantt charts drawn). Reported per N:
the median and 95th percentile of the time from navigation to a drawn page, for each of the
two pages, and the server's peak resident memory (its process and children, sampled every
0.1 s with psutil).

Bounded by construction: loopback only, at most ``--max-sessions`` sessions (default 20),
each step limited by ``--timeout`` seconds, the server stopped at the end whatever happens.
Never ``playwright install``: it drives /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
# A page is drawn once the script has finished (no status widget) and, on the Timeline,
# once every Plotly chart on it has been plotted (Plotly sets _fullLayout when it has drawn).
SETTLED = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
CHARTS_DRAWN = """() => {
    const charts = [...document.querySelectorAll('.js-plotly-plot')];
    return charts.length > 0 && charts.every(gd => gd._fullLayout);
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The dashboard on loopback, with its peak memory sampled while it runs."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data = tempfile.mkdtemp(prefix="qsched-load-")
        self.log = Path(self.data) / "server.log"
        command = [sys.executable, "-m", "streamlit", "run", "dashboard.py",
                   "--server.headless", "true", "--server.port", str(self.port),
                   "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
                   "--browser.gatherUsageStats", "false"]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(ROOT), "QSCHED_DATA_DIR": self.data}
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                         env=env, start_new_session=True)  # fmt: skip
        self.peak = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def wait_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"streamlit exited:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    self._sampler.start()
                    return
            except OSError:
                time.sleep(0.25)
        raise SystemExit(f"streamlit did not answer within {seconds:.0f} s")

    def rss(self) -> int:
        try:
            main = psutil.Process(self.proc.pid)
            return sum(p.memory_info().rss for p in [main, *main.children(recursive=True)])
        except psutil.Error:
            return 0

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, self.rss())

    def reset_peak(self) -> None:
        self.peak = self.rss()

    def stop(self) -> None:
        self._stop.set()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def _visit(browser, url: str, timeout_ms: float) -> tuple[float, float]:
    """One person: open the dashboard, then the Timeline; seconds until each is drawn."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = await context.new_page()
        t0 = time.monotonic()
        await page.goto(url, timeout=timeout_ms)
        await page.locator("h1", has_text="Scenario").first.wait_for(timeout=timeout_ms)
        await page.wait_for_function(SETTLED, timeout=timeout_ms)
        scenario = time.monotonic() - t0
        t1 = time.monotonic()
        await page.locator('[data-testid="stSidebarNav"] a', has_text="Timeline").click()
        await page.locator("h1", has_text="Timeline").first.wait_for(timeout=timeout_ms)
        await page.wait_for_function(CHARTS_DRAWN, timeout=timeout_ms, polling=50)
        await page.wait_for_function(SETTLED, timeout=timeout_ms)
        return scenario, time.monotonic() - t1
    finally:
        await context.close()


def _quantiles(values: list[float]) -> tuple[float, float]:
    if len(values) == 1:
        return values[0], values[0]
    cuts = statistics.quantiles(values, n=20, method="inclusive")  # 5 % steps
    return statistics.median(values), cuts[18]


async def measure(counts: list[int], timeout: float) -> list[dict]:
    from playwright.async_api import async_playwright

    server = Server()
    rows = []
    try:
        server.wait_up()
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                # Warm-up: the first visit ever loads Plotly and the page code on the server.
                await _visit(browser, server.url, timeout * 1000)
                for n in counts:
                    server.reset_peak()
                    runs = [_visit(browser, server.url, timeout * 1000) for _ in range(n)]
                    results = await asyncio.gather(*runs)
                    scen = [r[0] for r in results]
                    timeline = [r[1] for r in results]
                    rows.append({"sessions": n, "scenario": _quantiles(scen),
                                 "timeline": _quantiles(timeline),
                                 "peak_mb": server.peak / 2**20})  # fmt: skip
            finally:
                await browser.close()
    finally:
        server.stop()
    return rows


def report(rows: list[dict]) -> str:
    lines = ["| sessions at once | Scenario drawn p50 / p95 | Timeline drawn p50 / p95 | "
             "server peak RSS |", "|---|---|---|---|"]  # fmt: skip
    for r in rows:
        (s50, s95), (t50, t95) = r["scenario"], r["timeline"]
        lines.append(f"| {r['sessions']} | {s50:.1f} s / {s95:.1f} s | {t50:.1f} s / "
                     f"{t95:.1f} s | {r['peak_mb']:.0f} MB |")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[1, 5, 10])
    parser.add_argument("--max-sessions", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per step")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 2
    if any(not 1 <= n <= args.max_sessions for n in args.counts):
        print(f"session counts must be 1..{args.max_sessions}", file=sys.stderr)
        return 2
    print(report(asyncio.run(measure(args.counts, args.timeout))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
