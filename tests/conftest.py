"""Every test gets its own empty data directory: nothing ever reads or writes the real
``~/.local/share/qsched`` (the scenario library and drafts, ``sim/store/library.py``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, dashboard_server


@pytest.fixture(autouse=True)
def data_dir(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("qsched-data")
    monkeypatch.setenv("QSCHED_DATA_DIR", str(folder))
    return folder


# --- the dashboard in a real browser (tests/browser.py has the tab helper) ---


@pytest.fixture(scope="module")
def server_data(tmp_path_factory) -> Path:
    """The server's QSCHED_DATA_DIR: library and drafts never touch the real home dir."""
    return tmp_path_factory.mktemp("qsched-data")


@pytest.fixture(scope="module")
def server(tmp_path_factory, server_data) -> Iterator[str]:
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with dashboard_server(log, server_data) as (url, _, _):
        yield url


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
