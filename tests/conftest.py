"""Every test gets its own empty data directory: nothing ever reads or writes the real
``~/.local/share/qsched`` (the scenario library and drafts, ``sim/library.py``)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def data_dir(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("qsched-data")
    monkeypatch.setenv("QSCHED_DATA_DIR", str(folder))
    return folder
