"""Issue 13 item 12 (and issue 16 point 1): the dashboard is served on the loopback interface
only unless someone decides otherwise.

The server here is started the way ``make run`` starts it — ``streamlit run dashboard.py`` with
the project's ``.streamlit/config.toml`` and no address on the command line — so the test fails
if the configuration stops binding to 127.0.0.1.
"""

from __future__ import annotations

import time
from pathlib import Path

import psutil
import pytest

from tests.browser import ROOT, Session, dashboard_server

pytestmark = pytest.mark.browser


def _listening(pid: int, port: int) -> list[str]:
    """Addresses the server process (or its children) listens on for ``port``."""
    procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    found = []
    for proc in procs:
        for conn in proc.net_connections(kind="inet"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port:
                found.append(conn.laddr.ip)
    return found


@pytest.fixture(scope="module")
def default_server(tmp_path_factory):
    """``make run``'s server: only the port is chosen here (so tests never collide)."""
    log = tmp_path_factory.mktemp("streamlit-default") / "server.log"
    data = tmp_path_factory.mktemp("qsched-data-default")
    with dashboard_server(log, data, address=None) as (url, proc, port):
        yield proc, port, url, log


def test_make_run_listens_on_loopback_only(default_server):
    proc, port, _, log = default_server
    deadline = time.monotonic() + 10
    while not (addresses := _listening(proc.pid, port)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert addresses, f"nothing listens on port {port}"
    # Streamlit's default (no server.address) listens on every interface: "0.0.0.0" or "::".
    assert set(addresses) <= {"127.0.0.1", "::1"}, addresses
    text = log.read_text()
    assert "Network URL" not in text and "External URL" not in text, text


def test_the_loopback_dashboard_opens_in_a_browser(default_server, browser):
    _, _, url, _ = default_server
    tab = Session(browser, url)
    try:
        assert not tab.errors, "\n".join(tab.errors)
    finally:
        tab.close()


def test_make_run_does_not_override_the_address():
    """The Makefile's ``run`` recipe leaves the address to the configuration file."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "streamlit run dashboard.py" in recipe
    assert "server.address" not in recipe
    assert 'address = "127.0.0.1"' in Path(ROOT / ".streamlit" / "config.toml").read_text()


def test_the_load_benchmark_serves_two_people_at_once():
    """benchmarks/load.py (issue 16 point 12) drives concurrent sessions to drawn pages: two at
    once both get the Scenario page and the Timeline's charts, and the server's memory is
    sampled. (The timings themselves are reported in the README, not asserted here.) Run as a
    command: its asyncio loop cannot share this process with the sync Playwright fixture's."""
    import re
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "benchmarks/load.py", "2", "--timeout", "240"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    row = re.search(
        r"^\| 2 \| ([\d.]+) s / ([\d.]+) s \| ([\d.]+) s / ([\d.]+) s \| (\d+) MB \|$",
        proc.stdout,
        re.M,
    )
    assert row, proc.stdout
    s50, s95, t50, t95, peak = map(float, row.groups())
    assert 0 < s50 <= s95 < 240 and 0 < t50 <= t95 < 240
    assert peak > 50  # a Streamlit server with the model loaded, measured
