"""The "Your program" page in a real browser (issue 17): upload a recorded trace, see the
session / batch / plain-jobs arms; a file that is not a trace is refused inline. Takes a
screenshot (out/screenshots/your_program.png) to look at."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import TIMEOUT_MS, Session

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "vqe_session.trace.yaml"
UPLOADER = '[data-testid="stFileUploader"] input[type="file"]'


def test_upload_a_recorded_program_and_see_three_arms(server, browser, tmp_path):
    tab = Session(browser, f"{server}/your_program?scenario=preset:vqe-vs-background",
                  title="Your program")  # fmt: skip
    try:
        page = tab.page
        bad = tmp_path / "bad.yaml"
        bad.write_text("name: p\nuser: u\nbackend: b\npattern: trace\n"
                       "trace:\n- {do: job, quantum: 2s, waits: [3]}\n")  # fmt: skip
        page.locator(UPLOADER).set_input_files(str(bad))
        page.get_by_text("trace[0].waits: job 3 is not submitted before this step").wait_for(
            timeout=TIMEOUT_MS
        )
        page.locator(UPLOADER).set_input_files(str(EXAMPLE))
        page.wait_for_function(
            """() => document.querySelectorAll('[data-testid="stPlotlyChart"] .nsewdrag')
                .length >= 7""",
            timeout=120_000,
        )
        tab.settle("Your program")
        text = page.locator("section.main, [data-testid='stMain']").first.inner_text()
        assert "10 jobs on ibm_alpha as alice" in text
        for arm in ("session", "batch", "plain jobs"):
            assert arm in text
        out = ROOT / "out" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out / "your_program.png"))
        page.set_viewport_size({"width": 1400, "height": 3000})  # the whole page at once
        page.wait_for_timeout(1500)
        page.screenshot(path=str(out / "your_program_whole.png"))
        assert not tab.errors, "\n".join(tab.errors)
    finally:
        tab.close()
