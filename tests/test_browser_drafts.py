"""Work kept per tab, and addresses that open like the app (issue 13, items 1, 13 and 14), in
a real browser: Playwright driving the system Chromium against ``streamlit run dashboard.py``.

Each Playwright context is one browser (its own cookies, so its own browser id); a page in it
is one tab. The deep-link tests need a server nobody has visited yet (Streamlit decides how to
run pages on the first visit), so they start their own.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import (
    PAGES,
    TIMEOUT_MS,
    LinkSession,
    Session,
    dashboard_server,
    wait_for_draft,
)

pytestmark = pytest.mark.browser


class Browser:
    """A browser profile (Playwright context) that :class:`Session` can open tabs in."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def new_page(self, viewport=None):
        return self.context.new_page()

    def close(self) -> None:
        self.context.close()


def sidebar_text(tab: Session) -> str:
    return tab.page.locator('[data-testid="stSidebar"]').inner_text()


def nav_titles(tab: Session) -> list[str]:
    nav = tab.page.locator('[data-testid="stSidebarNav"] a')
    return [nav.nth(i).inner_text().strip() for i in range(nav.count())]


def go_to(tab: Session, title: str) -> None:
    nav = tab.page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name=title, exact=True).click()
    tab.settle(title)


def reload(tab: Session, title: str) -> None:
    tab.page.reload(timeout=TIMEOUT_MS)
    tab.page.wait_for_selector('[data-testid="stSidebarNav"]', timeout=TIMEOUT_MS)
    tab.settle(title)


def edit_and_run(tab: Session, name: str, seed: int) -> None:
    """Rename the scenario and change its seed in the editor, then Run it."""
    page = tab.page
    field = page.get_by_label("Name", exact=True)
    field.fill(name)
    field.press("Enter")
    seed_field = page.get_by_label("Seed", exact=True)
    seed_field.fill(str(seed))
    seed_field.press("Enter")
    tab.settle("Scenario")
    page.get_by_role("button", name="Run", exact=True).click()
    page.locator('[data-testid="stSidebar"]', has_text=name).wait_for(timeout=TIMEOUT_MS)
    tab.settle("Scenario")


def test_an_edit_survives_every_page_and_a_reload_there(server, browser, server_data):
    """Item 1: edit and run, then on every page: the address keeps the tab's draft, and a
    reload there shows the edit — even though another browser edited something later (which
    a reload must never show instead)."""
    alice, bob = Browser(browser), Browser(browser)
    try:
        mine = Session(alice, server)
        edit_and_run(mine, "Alpha what-if", 11)
        wait_for_draft(server_data, "Alpha what-if")
        other = Session(bob, server)
        edit_and_run(other, "Beta what-if", 12)  # edited last
        wait_for_draft(server_data, "Beta what-if")
        for title in [*PAGES[1:], PAGES[0]]:
            go_to(mine, title)
            assert "draft=" in mine.page.url, (title, mine.page.url)
            reload(mine, title)
            text = sidebar_text(mine)
            assert "Alpha what-if" in text and "Beta" not in text, (title, text)
            assert "seed 11" in text, (title, text)
        assert not mine.errors, "\n".join(mine.errors)
        assert not mine.missing, mine.missing
    finally:
        alice.close()
        bob.close()


def test_two_browsers_editing_at_once_each_see_only_their_own(server, browser, server_data):
    """Item 1: two browsers edit at the same time; each reload shows its own edit, a new tab
    shows the default scenario (never the other's work), and the Scenario library offers each
    browser its own draft only."""
    from playwright.sync_api import expect

    one, two = Browser(browser), Browser(browser)
    try:
        tabs = {"Alice's lecture": Session(one, server), "Bob's planning": Session(two, server)}
        for name, tab in tabs.items():
            field = tab.page.get_by_label("Name", exact=True)
            field.fill(name)
            field.press("Enter")
        for name, tab in tabs.items():
            wait_for_draft(server_data, name)
            reload(tab, "Scenario")
            expect(tab.page.get_by_label("Name", exact=True)).to_have_value(
                name, timeout=TIMEOUT_MS
            )
        fresh = Session(one, server)  # a new tab in Alice's browser
        expect(fresh.page.get_by_label("Name", exact=True)).to_have_value(
            "VQE session vs background load", timeout=TIMEOUT_MS
        )
        assert "Alice" not in sidebar_text(fresh) and "Bob" not in sidebar_text(fresh)
        go_to(fresh, "Scenario library")
        main = fresh.page.locator('[data-testid="stMain"]').inner_text()
        assert "Alice's lecture" in main and "Bob's planning" not in main
        assert "changed: Name (not run)" in main
        fresh.page.screenshot(path=str(_shots() / "library-drafts.png"), full_page=True)
        for tab in [*tabs.values(), fresh]:
            assert not tab.errors, "\n".join(tab.errors)
    finally:
        one.close()
        two.close()


def _shots() -> Path:
    folder = Path(os.environ.get("QSCHED_SHOTS", "/tmp/shots/i13-drafts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- a page's address opened directly (items 13 and 14) ------------------------------------


@pytest.fixture
def unvisited_server(tmp_path) -> Iterator[str]:
    """A dashboard server nobody has opened yet (the shared ``server`` fixture may have been
    visited by earlier tests, which hid the bug: Streamlit's choice is made once per process)."""
    with dashboard_server(tmp_path / "server.log", tmp_path / "data") as (url, _, _):
        yield url


def test_a_deep_link_as_first_visit_shows_the_apps_navigation(unvisited_server, browser):
    """Item 13: the first visitor opens a shared link to a page: the sidebar is the app's own
    navigation (its titles, no "dashboard" entry), and it stays so after moving to another
    page and reloading."""
    url = f"{unvisited_server}/timeline?scenario=preset:mm1-queue"
    tab = LinkSession(browser, url, "Timeline")
    try:
        assert nav_titles(tab) == PAGES
        tab.page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)
        tab.page.screenshot(path=str(_shots() / "deep-link-sidebar.png"))
        assert "M/M/1 queue" in sidebar_text(tab)
        go_to(tab, "Rules")
        assert nav_titles(tab) == PAGES
        reload(tab, "Rules")
        assert nav_titles(tab) == PAGES
        assert "M/M/1 queue" in sidebar_text(tab)
        assert not tab.missing, tab.missing
        assert not tab.errors, "\n".join(tab.errors)
    finally:
        tab.close()


@pytest.mark.parametrize("path", ["timeline", "sessions_vs_fairshare", "library"])
def test_opening_a_page_address_asks_for_nothing_that_is_missing(server, browser, path):
    """Item 14: Streamlit's client used to probe /PAGE/_stcore/health and host-config (404s
    and console errors) before finding the app at the root. No 404 at all, no console error."""
    tab = LinkSession(browser, f"{server}/{path}?scenario=preset:mm1-queue", "")
    try:
        assert nav_titles(tab) == PAGES
        assert "scenario=preset:mm1-queue" in urllib.parse.unquote(tab.page.url)
        assert not tab.missing, tab.missing
        assert not tab.errors, "\n".join(tab.errors)
    finally:
        tab.close()
