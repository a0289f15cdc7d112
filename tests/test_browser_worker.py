"""A dashboard run lives in a child process that dies with the tab (sim/worker.py,
ui/runcache.py): closing the tab in the middle of a long run kills the run."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time

import psutil
import pytest

from tests.browser import ROOT, Session
from tests.conftest import _free_port, _wait_until_up
from tests.helpers import scenario
from ui.runcache import GRACE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory, server_data):
    """A dashboard server of our own: the test watches its processes."""
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py",
               "--server.headless", "true", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]  # fmt: skip
    with log.open("w") as out:
        proc = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "QSCHED_DATA_DIR": str(server_data)},
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url, proc, log)
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def runs(server: int) -> set[int]:
    """The run processes: children of the server's forkserver (the server's own children are
    the forkserver and multiprocessing's resource tracker)."""
    out = set()
    for child in psutil.Process(server).children():
        with contextlib.suppress(psutil.NoSuchProcess):
            out |= {p.pid for p in child.children() if p.status() != psutil.STATUS_ZOMBIE}
    return out


def wait(condition, seconds: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_closing_the_tab_kills_a_long_run(dashboard, browser, tmp_path) -> None:
    url, server = dashboard
    # 432,000 jobs: under every cap, a minute or more of work at the default limits.
    big = scenario(
        [{"name": "bg", "pattern": "stream", "user": "a", "rate": "5/s", "stop": "1d",
          "quantum": "0.01s"}],
        until="1d", name="long run",
    )  # fmt: skip
    path = tmp_path / "long.yaml"
    path.write_text(big.to_yaml())
    tab = Session(browser, url)
    try:
        tab.page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            str(path)
        )
        assert wait(lambda: runs(server), 60), "the run did not start in a child process"
        started = runs(server)
    finally:
        tab.page.close()
    # Gone once nobody has waited for the grace (a rerun's new script run would have taken
    # the run over meanwhile), plus a little time for the closed tab's disconnect.
    assert wait(lambda: not (started & runs(server)), GRACE + 15)
    assert psutil.Process(server).is_running()
