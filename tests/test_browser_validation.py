"""Issue 18: the Validation page in a real browser — upload a trace, compare, see the table
and the Q-Q plot; a bad trace is refused inline, naming line and field."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import TIMEOUT_MS, Session

pytestmark = pytest.mark.browser
FIX = Path(__file__).parent / "fixtures" / "traces"
SHOT = os.environ.get("QSCHED_SCREENSHOT_DIR")


def _upload(tab: Session, path: Path) -> None:
    tab.page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    # The file's arrival reruns the page: click only once that run is over, or the click can
    # land on the button of the run being replaced.
    tab.page.get_by_text(path.name).first.wait_for(timeout=TIMEOUT_MS)
    tab.settle("Validation")
    tab.page.get_by_role("button", name="Compare").click()


def test_validation_page_compares_an_uploaded_trace(server, browser, tmp_path):
    tab = Session(browser, f"{server}/validation", title="Validation")
    try:
        page = tab.page
        tab.settle("Validation")
        _upload(tab, FIX / "quantumqueue.csv")
        page.wait_for_selector('[data-testid="stPlotlyChart"] .nsewdrag', timeout=TIMEOUT_MS)
        tab.settle("Validation")
        body = page.locator("section.main, [data-testid='stMain']").first.inner_text()
        assert "quantumqueue.csv: background utilization 0.00, 2 replication(s)" in body
        assert (
            "Q-Q: queue waits on all" in page.locator('[data-testid="stPlotlyChart"]').inner_text()
        )
        # The table (a canvas grid) has one row per machine and "all".
        assert page.locator('[data-testid="stDataFrame"]').count() == 1
        if SHOT:
            page.screenshot(path=f"{SHOT}/validation.png")
            page.locator('[data-testid="stPlotlyChart"]').screenshot(path=f"{SHOT}/qq.png")
        bad = tmp_path / "bad.csv"
        bad.write_text("run_time,queue_time,machine,date,status\n1,2,'m','soon','JobStatus.DONE'\n")
        _upload(tab, bad)
        error = page.locator('[data-testid="stAlert"]', has_text="could not be compared")
        error.wait_for(timeout=TIMEOUT_MS)
        assert "line 2: date: not a date-time" in error.inner_text()
        if SHOT:
            page.screenshot(path=f"{SHOT}/validation_error.png", full_page=True)
        assert not tab.errors, tab.errors
    finally:
        tab.close()
