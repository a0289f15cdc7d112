"""The compared Gantts of Sessions vs fair-share as the browser draws them (issue 13, item 7):
the same plot area, and legends shown whole (no scrolled-away entries)."""

from __future__ import annotations

import pytest

from tests.browser import TIMEOUT_MS, Session

pytestmark = pytest.mark.browser

# Plot area (plotly's drag layer) and whether the legend scrolls, per chart on the page.
MEASURE = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(c => {
    const r = c.querySelector('.nsewdrag').getBoundingClientRect();
    const bar = c.querySelector('.legend .scrollbar');
    return {x: r.x, width: r.width, height: r.height,
            scrolls: !!bar && bar.getBoundingClientRect().height > 0};
})"""


def test_sessions_page_gantts_have_one_plot_area_and_whole_legends(server, browser):
    tab = Session(
        browser,
        f"{server}/sessions_vs_fairshare?scenario=preset:vqe-vs-background",
        title="Sessions vs fair-share",
    )
    try:
        page = tab.page
        page.wait_for_function(
            """() => { const c = document.querySelectorAll('[data-testid="stPlotlyChart"]');
                return c.length >= 2 && [...c].slice(0, 2).every(e => e.querySelector('.nsewdrag'));
            }""",
            timeout=TIMEOUT_MS,
        )
        configured, job = page.evaluate(MEASURE)[:2]
        assert configured["width"] == pytest.approx(job["width"], abs=1)
        assert configured["height"] == pytest.approx(job["height"], abs=1)
        # Side by side: the plot areas start at the same offset within their columns.
        assert job["x"] - configured["x"] > configured["width"]
        assert not configured["scrolls"] and not job["scrolls"]
        # Opened on a page's path, Streamlit's client first probes its endpoints under that
        # path and falls back to the root: those 404s (and their console errors) are harmless.
        probes = {f"{server}/sessions_vs_fairshare/_stcore/{e}" for e in ("health", "host-config")}
        assert set(tab.missing) <= probes, tab.missing
        not_found = "the server responded with a status of 404"
        errors = [e for e in tab.errors if not (tab.missing and not_found in e)]
        assert not errors, "\n".join(errors)
    finally:
        tab.close()
