"""The dashboard in a real browser: Playwright driving the system Chromium.

Starts ``streamlit run dashboard.py`` on a free loopback port, opens it, clicks every page in
the sidebar, and fails on any exception element, any browser console error, or a chart page
without a Plotly chart. Chromium comes from the Debian package (``make test`` installs it
with ``.ci/ensure-chromium`` when it can); a missing browser is a failure, never a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.browser import ROOT, TIMEOUT_MS, LinkSession, Session, wait_for_draft

pytestmark = pytest.mark.browser


def test_every_page_on_the_default_scenario(server, browser, server_data):
    # A first visit ever: no drafts (another test on this server may have left one; a fresh
    # tab would then point at it).
    shutil.rmtree(server_data / "drafts", ignore_errors=True)
    tab = Session(browser, server)
    try:
        sidebar = tab.page.locator('[data-testid="stSidebar"]')
        assert "VQE session vs background load" in sidebar.inner_text()
        # The default preset has no reservation: that page shows an info message instead.
        tab.visit_every_page(
            {"Timeline", "Sessions vs fair-share", "Iterative vs batch", "Guided tour"}
        )
        tab.page.locator('[data-testid="stSidebarNav"] a', has_text="Reservations").click()
        tab.settle("Reservations")
        assert tab.page.locator('[data-testid="stAlertContentInfo"]').count() == 1
    finally:
        tab.close()


def test_every_page_after_loading_a_preset_with_everything(server, browser):
    tab = Session(browser, server)
    try:
        page = tab.page
        page.locator('[data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="contract-example").click()
        page.get_by_role("button", name="Load preset").click()
        page.locator('[data-testid="stSidebar"]', has_text="VQE against background load").wait_for(
            timeout=TIMEOUT_MS
        )
        tab.settle("Scenario")
        tab.visit_every_page(
            {"Timeline", "Sessions vs fair-share", "Iterative vs batch", "Reservations"}
        )
    finally:
        tab.close()


def test_an_edit_survives_a_reload(server, browser, server_data):
    from playwright.sync_api import expect

    tab = Session(browser, server)
    try:
        page = tab.page
        page.set_default_timeout(TIMEOUT_MS)  # a loaded 2-core CI machine can be slow
        name = page.get_by_label("Name", exact=True)
        name.fill("Reload-proof what-if")
        name.press("Enter")
        wait_for_draft(server_data, "Reload-proof what-if")
        assert "draft=" in page.url
        page.reload(timeout=TIMEOUT_MS)
        page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=TIMEOUT_MS)
        tab.settle("Scenario")
        # The skeleton of the page may still be on screen: wait for the restored value.
        expect(page.get_by_label("Name", exact=True)).to_have_value(
            "Reload-proof what-if", timeout=TIMEOUT_MS
        )
        assert not tab.errors, "\n".join(tab.errors)
    finally:
        tab.close()


def test_a_shared_link_opens_that_scenario_on_that_page(server, browser):
    tab = LinkSession(browser, f"{server}/timeline?scenario=preset:reservation-window", "Timeline")
    try:
        page = tab.page
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert "Session inside a reservation" in sidebar.inner_text()
        page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)
        assert "scenario=preset:reservation-window" in urllib.parse.unquote(page.url)
        link = sidebar.get_by_test_id("stCode").inner_text()
        assert "timeline?scenario=preset:reservation-window" in link
        assert page.locator('[data-testid="stAlertContentWarning"]').count() == 0
        # Opened on a page's path, Streamlit's client used to probe /timeline/_stcore/health
        # and host-config (404s) before finding the app at the root; the page now tells it
        # the root (ui/serving.py). Any 404, any console error fails.
        assert not tab.missing, tab.missing
        assert not tab.errors, "\n".join(tab.errors)
    finally:
        tab.close()


# --- performance at scale (issue #6) -------------------------------------------------------

# Issue #6: a 100k-job Timeline shows its Gantt in under 5 s, and a box zoom redraws well
# within 2 s. Those limits hold on an idle 2-core machine and are asserted by `make bench`
# (QSCHED_PERF=1, this test alone). Inside `make test` other tests share the two cores, so the
# same measurement is printed and held to looser limits that still catch a regression of the
# kind issue #6 fixed (WebGL charts: 8+ s; the pre-overview Gantt: over 10 s and 7 s zooms).
PERF = os.environ.get("QSCHED_PERF") == "1"
GANTT_DRAW_LIMIT_S = 5.0 if PERF else 15.0
ZOOM_LIMIT_S = 2.0 if PERF else 5.0


def _fleet_file(tmp_path: Path, jobs: int) -> tuple[Path, str]:
    """The benchmark fleet (benchmarks/fleet.py) scaled to ``jobs`` jobs, as a YAML file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fleet", ROOT / "benchmarks" / "fleet.py")
    fleet = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fleet)
    scenario = fleet.fleet(jobs)
    path = tmp_path / "fleet.yaml"
    path.write_text(scenario.to_yaml(), encoding="utf-8")
    return path, scenario.name


# True once every Gantt chart on the page (all but the last chart, the queue length) has been
# plotted: Plotly sets ``_fullData`` on the chart's div when it has drawn it.
GANTTS_DRAWN = """(n) => {
    const charts = [...document.querySelectorAll('.js-plotly-plot')];
    return charts.length >= n && charts.slice(0, n).every(gd => gd._fullData && gd._fullLayout);
}"""
NEXT_FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def test_timeline_draws_a_100k_job_gantt_quickly(server, browser, tmp_path):
    path, name = _fleet_file(tmp_path, 100_000)
    tab = Session(browser, server)
    try:
        page = tab.page
        # Upload and run first: the run is cached (ui/runcache.py), so the timing below is the
        # Timeline page building and drawing its charts, not the simulation.
        tab.upload_and_run(path, name)
        backends = 4
        nav = page.locator('[data-testid="stSidebarNav"] a')
        # A first visit loads Plotly in the browser and the figure code on the server once;
        # the visit timed is the second, as for a user moving between pages.
        nav.filter(has_text="Timeline").click()
        page.wait_for_function(GANTTS_DRAWN, arg=backends, timeout=TIMEOUT_MS, polling=50)
        tab.settle("Timeline")
        nav.filter(has_text=re.compile(r"^Scenario$")).click()  # not "Scenario library"
        tab.settle("Scenario")
        t0 = time.monotonic()
        nav.filter(has_text="Timeline").click()
        page.wait_for_function(GANTTS_DRAWN, arg=backends, timeout=TIMEOUT_MS, polling=50)
        page.evaluate(NEXT_FRAME)
        drawn = time.monotonic() - t0
        tab.settle("Timeline")
        # Zoom: drag a box over the middle of the first chart; the redraw is client-side.
        gd = page.locator(".js-plotly-plot").first
        box = gd.locator(".nsewdrag").first.bounding_box()
        y = box["y"] + box["height"] / 2
        before = gd.evaluate("gd => gd._fullLayout.xaxis.range.join()")
        t1 = time.monotonic()
        page.mouse.move(box["x"] + box["width"] * 0.4, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=4)
        page.mouse.up()
        page.wait_for_function(
            "([gd, before]) => gd._fullLayout.xaxis.range.join() !== before",
            arg=[gd.element_handle(), before],
            timeout=TIMEOUT_MS,
            polling=20,
        )
        page.evaluate(NEXT_FRAME)
        zoomed = time.monotonic() - t1
        print(f"\n100k-job Timeline: {backends} Gantt charts drawn {drawn:.2f} s after the "
              f"click; box zoom redrawn in {zoomed:.2f} s")  # fmt: skip
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not tab.errors, "\n".join(tab.errors)
        assert drawn < GANTT_DRAW_LIMIT_S, f"Gantt drawn in {drawn:.2f} s"
        assert zoomed < ZOOM_LIMIT_S, f"zoom redrawn in {zoomed:.2f} s"
    finally:
        tab.close()
