"""A dashboard run lives in a child process that dies with the tab (sim/experiments/worker.py,
ui/runcache.py): closing the tab in the middle of a long run kills the run."""

from __future__ import annotations

import contextlib
import time

import psutil
import pytest

from tests.browser import Session, dashboard_server
from tests.helpers import scenario
from ui.runcache import GRACE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory, server_data):
    """A dashboard server of our own: the test watches its processes."""
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with dashboard_server(log, server_data) as (url, proc, _):
        yield url, proc.pid


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
        tab.upload(path)
        assert wait(lambda: runs(server), 60), "the run did not start in a child process"
        started = runs(server)
    finally:
        tab.page.close()
    # Gone once nobody has waited for the grace (a rerun's new script run would have taken
    # the run over meanwhile), plus a little time for the closed tab's disconnect.
    assert wait(lambda: not (started & runs(server)), GRACE + 15)
    assert psutil.Process(server).is_running()
