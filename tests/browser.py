"""What the real-browser tests share: the system Chromium's flags, the dashboard's page
titles, and a tab (:class:`Session`) that records console errors, page errors and 404s.

The fixtures that start a dashboard server and a browser (``server``, ``server_data``,
``browser``) are in ``tests/conftest.py``, so every ``test_browser_*.py`` module gets its own
server with its own data directory; :func:`dashboard_server` starts one for a test that needs
its own (a fresh process, other settings).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = [
    "Scenario",
    "Timeline",
    "Sessions vs fair-share",
    "Iterative vs batch",
    "Your program",
    "Reservations",
    "Capacity planning",
    "Validation",
    "Rules",
    "Guided tour",
    "Scenario library",
]
TIMEOUT_MS = 60_000


class Session:
    """One browser tab on the dashboard, recording console errors and page errors."""

    def __init__(self, browser, url: str, title: str = "Scenario"):
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.errors: list[str] = []
        self.missing: list[str] = []  # addresses answered 404
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None
            ),
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("response", lambda r: self.missing.append(r.url) if r.status == 404 else None)
        self.page.goto(url, timeout=TIMEOUT_MS)
        self.page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=TIMEOUT_MS)
        self.settle(title)

    def upload(self, path: Path) -> None:
        """Choose ``path`` in the Scenario page's file uploader (its run starts at once)."""
        self.page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            str(path)
        )

    def upload_and_run(self, path: Path, name: str) -> None:
        """Upload ``path`` and wait until the scenario called ``name`` has run (big ones take
        a while) and the Scenario page has settled."""
        self.upload(path)
        self.page.locator('[data-testid="stSidebar"]', has_text=name).wait_for(timeout=120_000)
        self.settle("Scenario")

    def settle(self, title: str) -> None:
        """Wait until the page with this title has rendered and the script has finished."""
        page = self.page
        page.locator("h1", has_text=title).first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
            timeout=TIMEOUT_MS,
        )
        page.wait_for_timeout(500)  # let charts and late messages arrive

    def visit_every_page(self, expect_charts: set[str]) -> None:
        nav = self.page.locator('[data-testid="stSidebarNav"] a')
        titles = [nav.nth(i).inner_text().strip() for i in range(nav.count())]
        assert titles == PAGES
        for i, title in enumerate(titles):
            nav.nth(i).click()
            self.settle(title)
            exceptions = self.page.locator('[data-testid="stException"]')
            assert exceptions.count() == 0, f"{title}: {exceptions.first.inner_text()}"
            if title in expect_charts:
                self.page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)
                assert self.page.locator(".js-plotly-plot").count() >= 1, title
        assert not self.errors, "\n".join(self.errors)

    def close(self) -> None:
        self.page.close()


class LinkSession(Session):
    """A tab opened straight on a link (no visit to the default page first)."""

    def __init__(self, browser, url: str, title: str):
        super().__init__(browser, url, title)
        self.page.set_default_timeout(TIMEOUT_MS)


def wait_for_draft(folder: Path, text: str, seconds: float = 30) -> None:
    """Until some tab's draft file holds ``text`` (the autosave after an edit)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(text in p.read_text() for p in (folder / "drafts").glob("*.json")):
            return
        time.sleep(0.2)
    pytest.fail(f"no draft in {folder} holds {text!r} after {seconds:.0f} s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"streamlit did not answer at {url} within {seconds:.0f} s:\n{log.read_text()}")


@contextlib.contextmanager
def dashboard_server(
    log: Path,
    data: Path,
    *,
    address: str | None = "127.0.0.1",
    env: dict[str, str] | None = None,
    root: Path = ROOT,
) -> Iterator[tuple[str, subprocess.Popen, int]]:
    """``streamlit run dashboard.py`` on a free port, data in ``data``, output in ``log``:
    (url, process, port), stopped on exit. ``address=None`` leaves the address to
    ``.streamlit/config.toml``, as ``make run`` does; ``root`` is the app's folder (a
    modified copy of the app for a test)."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless",
               "true", "--server.port", str(port), "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]  # fmt: skip
    if address is not None:
        command += ["--server.address", address]
    environment = {**os.environ, "PYTHONPATH": str(root), "QSCHED_DATA_DIR": str(data)}
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**environment, **(env or {})},
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, proc, log)
        yield url, proc, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
