"""Issue 16 point 2 in a real browser: served with QSCHED_AUTH=header, the user is the header
an authenticating proxy sets (sent here with Playwright's ``extra_http_headers``), each person
sees only their own library entries and drafts — even two people who end up with the same
browser cookie — and a request without the header gets a sign-in message and no data."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import TIMEOUT_MS, Session, dashboard_server

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots/i16-identity")


@pytest.fixture(scope="module")
def header_server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    log = tmp_path_factory.mktemp("streamlit-identity") / "server.log"
    data = tmp_path_factory.mktemp("qsched-data-identity")
    env = {"QSCHED_AUTH": "header", "QSCHED_AUTH_HEADER": "X-Forwarded-User"}
    with dashboard_server(log, data, env=env) as (url, _, _):
        yield url, data


class Person:
    """A browser context whose every request carries the proxy's header for ``user``."""

    def __init__(self, browser, user: str | None, cookies: list | None = None):
        headers = {"X-Forwarded-User": user} if user else {}
        self.context = browser.new_context(
            extra_http_headers=headers, viewport={"width": 1400, "height": 1000}
        )
        if cookies:
            self.context.add_cookies(cookies)

    def new_page(self, **_options):  # what Session asks a browser for
        return self.context.new_page()

    def close(self) -> None:
        self.context.close()


def _wait_for_user_draft(data: Path, text: str, seconds: float = 30) -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in data.glob("users/*/drafts/*.json"):
            if text in path.read_text():
                return path
        time.sleep(0.2)
    pytest.fail(f"no user's draft holds {text!r} after {seconds:.0f} s")


def _save_as(tab: Session, name: str) -> None:
    page = tab.page
    field = page.get_by_label("Save as", exact=True)
    field.fill(name)
    field.press("Enter")
    page.get_by_role("button", name="Save as", exact=True).click()
    page.get_by_text(f"Saved as “{name}”.").wait_for(timeout=TIMEOUT_MS)
    tab.settle("Scenario library")
    page.wait_for_timeout(1000)  # the previous run's stale elements are gone


def test_each_signed_in_person_sees_only_their_own_work(header_server, browser):
    url, data = header_server
    SHOTS.mkdir(parents=True, exist_ok=True)
    alice = Person(browser, "alice")
    try:
        tab = Session(alice, url)
        field = tab.page.get_by_label("Name", exact=True)
        field.fill("Alice unsaved idea")
        field.press("Enter")
        alice_draft = _wait_for_user_draft(data, "Alice unsaved idea")
        lib = Session(alice, f"{url}/library", title="Scenario library")
        _save_as(lib, "Alice plan")
        _save_as(lib, "Zed plan")
        # Delete goes to the trash, and the confirmation is unticked for the next entry (it
        # stayed ticked on screen over a disabled Delete button).
        page = lib.page
        expect(page.get_by_text("Yes, delete “Alice plan”")).to_be_visible()
        page.get_by_text("Yes, delete “Alice plan”").click()
        page.get_by_role("button", name="Delete", exact=True).click()
        page.get_by_text("Moved “Alice plan” to the trash").wait_for(timeout=TIMEOUT_MS)
        lib.settle("Scenario library")
        expect(page.get_by_label("Yes, delete “Zed plan”")).not_to_be_checked()
        page.get_by_role("button", name="Restore", exact=True).click()
        page.get_by_text("Restored “Alice plan”.").wait_for(timeout=TIMEOUT_MS)
        lib.page.reload()
        lib.settle("Scenario library")
        expect(lib.page.get_by_text("Signed in as alice")).to_be_visible()
        expect(lib.page.get_by_text("Alice unsaved idea")).to_be_visible()  # her own draft
        lib.page.screenshot(path=str(SHOTS / "library-alice.png"), full_page=True)
        assert not tab.errors and not lib.errors, tab.errors + lib.errors
        cookies = alice.context.cookies()
        assert any(c["name"] == "qsched_browser" for c in cookies)
    finally:
        alice.close()

    # Bob even gets Alice's browser cookie (one shared computer): identity is the header.
    bob = Person(browser, "bob", cookies=cookies)
    try:
        lib = Session(bob, f"{url}/library", title="Scenario library")
        expect(lib.page.get_by_text("Signed in as bob")).to_be_visible()
        expect(lib.page.get_by_text("The library is empty.")).to_be_visible()
        body = lib.page.inner_text("body")
        assert "Alice plan" not in body and "Alice unsaved idea" not in body
        assert "Zed plan" not in body
        assert "Unsaved drafts" not in body
        assert str(data) not in body  # no server path either
        lib.page.screenshot(path=str(SHOTS / "library-bob.png"), full_page=True)
        # Alice's link and Alice's tab address open nothing of hers.
        link = Session(bob, f"{url}/library?scenario=Alice%20plan", title="Scenario library")
        expect(link.page.get_by_text("There is no scenario “Alice plan”")).to_be_visible()
        stolen = Session(bob, f"{url}/?draft={alice_draft.stem}")
        expect(stolen.page.get_by_label("Name", exact=True)).not_to_have_value("Alice unsaved idea")
        assert not lib.errors and not link.errors and not stolen.errors
    finally:
        bob.close()


def test_without_the_header_there_is_only_a_sign_in_message(header_server, browser):
    url, data = header_server
    (data / "users").mkdir(exist_ok=True)
    before = sorted(p.relative_to(data) for p in data.rglob("*"))
    nobody = Person(browser, None)
    try:
        page = nobody.context.new_page()
        page.goto(f"{url}/library", timeout=TIMEOUT_MS)
        page.get_by_text("Sign-in required:").wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1000)
        body = page.inner_text("body")
        assert "Alice plan" not in body and "Scenario library" not in body
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        page.screenshot(path=str(SHOTS / "no-header.png"), full_page=True)
    finally:
        nobody.close()
    assert sorted(p.relative_to(data) for p in data.rglob("*")) == before  # nothing written
