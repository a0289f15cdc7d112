"""Issue 13, items 8 and 11, in a real browser: the tour's slider reads like its panel, and the
tables whose text was cut off (the explanation's why, what a rule decides, session ids) fit
their width — no column pushed out of sight behind a horizontal scroll bar — with rows tall
enough for the wrapped text (tests/test_pages.py checks the heights against the texts)."""

from __future__ import annotations

import pytest

from tests.browser import TIMEOUT_MS, Session

pytestmark = pytest.mark.browser

# Each table's scroller: how wide its columns are together, and how wide the table shows.
WIDTHS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')]
    .map(e => [e.scrollWidth, e.clientWidth])"""


def _go(tab: Session, title: str, tables: int) -> list[list[int]]:
    tab.page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    tab.settle(title)
    scrollers = tab.page.locator('[data-testid="stDataFrame"] .dvn-scroller')
    scrollers.nth(tables - 1).wait_for(timeout=TIMEOUT_MS)
    return tab.page.evaluate(WIDTHS)


def test_tour_and_rules_tables_fit_and_the_slider_reads_hh_mm_ss(server, browser):
    tab = Session(browser, server)  # 1400 × 1000, the dashboard's wide layout
    try:
        # The tour: its queue, its sessions and the explanation of bob-qaoa.1.
        widths = _go(tab, "Guided tour", 3)
        assert len(widths) >= 3
        for scroll, shown in widths:
            assert scroll <= shown, widths  # a wider table hides its last columns (the why)
        thumb = tab.page.locator('[data-testid="stSliderThumbValue"]').first.inner_text()
        assert thumb == "00:02:00"  # was "120.00" while the panel said 0:02:00
        assert tab.page.get_by_text("At 00:02:00").count() == 1
        widths = _go(tab, "Rules", 1)
        assert widths[0][0] <= widths[0][1], widths
        assert not tab.errors, tab.errors
    finally:
        tab.close()
