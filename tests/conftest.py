"""Every test gets its own empty data directory: nothing ever reads or writes the real
``~/.local/share/qsched`` (the scenario library and drafts, ``sim/library.py``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, ROOT


@pytest.fixture(autouse=True)
def data_dir(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("qsched-data")
    monkeypatch.setenv("QSCHED_DATA_DIR", str(folder))
    return folder


# --- the dashboard in a real browser (tests/browser.py has the tab helper) ---


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
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


@pytest.fixture(scope="module")
def server_data(tmp_path_factory) -> Path:
    """The server's QSCHED_DATA_DIR: library and drafts never touch the real home dir."""
    return tmp_path_factory.mktemp("qsched-data")


@pytest.fixture(scope="module")
def server(tmp_path_factory, server_data) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "QSCHED_DATA_DIR": str(server_data)},
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: install the Debian package 'chromium' "
            "(apt-get install -y chromium; `make test` does it via .ci/ensure-chromium when "
            "run as root). The browser tests never download a browser."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
