"""Issue 16 points 7 and 8 in a real browser.

7. A library entry whose scenario's every name is Markdown, HTML, a Plotly field, LaTeX or a
   Streamlit directive (tests/hostile_names.py), opened from its link: on every page no link
   or image made from a name is in the DOM (Markdown's nor Plotly's SVG), no LaTeX, no bold
   text drawn from a name in a chart, and the names read literally in the sidebar, on the
   library page and in the Gantt's row labels and legend. A link naming an unknown scenario
   shows its name as text too.
8. A copy of the app whose pages fail (a page's script, a fragment's rerun, a button's
   callback; only the copy's pages are changed, in a temporary folder) shows "Something went
   wrong (error id …)" and no traceback, exception or path; the server's log has the
   traceback under the same id.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

import sim
from sim.store.library import Library
from tests import hostile_names as H
from tests.browser import PAGES, ROOT, TIMEOUT_MS, LinkSession, dashboard_server
from tests.test_text import ENTRY
from ui.text import JOINER

pytestmark = pytest.mark.browser

# Everything a name could have turned into, read from the DOM (HTML and the charts' SVG).
PROBE = """() => {
  const attr = (e, n) => e.getAttribute(n) || e.getAttribute('xlink:' + n) || '';
  const links = [...document.querySelectorAll('a')].map(a => attr(a, 'href'))
      .filter(h => h && !h.startsWith('#'));
  const images = [...document.querySelectorAll('img, image')].map(i => attr(i, 'src') ||
      attr(i, 'href'));
  const bold = [...document.querySelectorAll('.js-plotly-plot tspan, .js-plotly-plot text')]
      .filter(t => /bold|[6-9]00/.test(t.getAttribute('style') || '') ||
                   t.getAttribute('font-weight') === 'bold')
      .map(t => t.textContent);
  const italic = [...document.querySelectorAll('.js-plotly-plot tspan')]
      .filter(t => /italic/.test(t.getAttribute('style') || '')).map(t => t.textContent);
  const svgText = (sel) => [...document.querySelectorAll(sel)].map(t => t.textContent);
  const icons = document.querySelectorAll('.stMarkdown [data-testid="stIconMaterial"]').length;
  return {links, images, bold, italic, icons, katex: document.querySelectorAll('.katex').length,
          ticks: svgText('.js-plotly-plot .ytick text, .js-plotly-plot .xtick text'),
          legend: svgText('.js-plotly-plot .legendtext'),
          sidebar: (document.querySelector('[data-testid="stSidebar"]') || {}).innerText || '',
          body: document.body.innerText};
}"""


def _probe(page) -> dict:
    found = page.evaluate(PROBE)
    for key in ("sidebar", "body"):
        found[key] = found[key].replace(JOINER, "")  # the invisible autolink breaker
    return found


def _check_nothing_made_from_names(found: dict, where: str) -> None:
    assert not [h for h in found["links"] if "evil" in h or "127.0.0.1:1" in h], where
    assert not [s for s in found["images"] if "png" in s], where
    assert found["katex"] == 0, where
    assert found["icons"] == 0, where  # ":material/home:" in a name stays text
    # A name's <b>, <i> or <a> would draw its inside alone in bold, italics or as a link;
    # bold text of our own (a title) shows the name whole, tags and all.
    inside = {"qpu", "q2", "vqe", "a", "A", "bold"}
    styled = {t.strip() for t in found["bold"] + found["italic"]}
    assert not styled & inside, (where, styled & inside)


@pytest.fixture(scope="module")
def entry(server_data) -> str:
    Library(server_data).save_as(ENTRY, sim.from_dict(H.hostile()))
    return ENTRY


def test_names_are_text_on_every_page(server, browser, entry):
    tab = LinkSession(browser, f"{server}/?scenario={quote(entry, safe='')}", "Scenario")
    try:
        page = tab.page
        # Until the sidebar's run line is drawn (the page may still be rerunning).
        page.locator('[data-testid="stSidebar"]').get_by_text("simulated").wait_for()
        found = _probe(page)
        assert f"Scenario: {H.SCENARIO}" in found["sidebar"]
        assert f"library: {entry}" in found["sidebar"]
        assert H.DESCRIPTION.splitlines()[0] in found["body"]
        assert "<img src=x onerror=alert(1)>" in found["body"]
        nav = page.locator('[data-testid="stSidebarNav"] a')
        for i, title in enumerate(PAGES):
            nav.nth(i).click()
            tab.settle(title)
            if title in ("Timeline", "Reservations"):
                # Until the Gantt has drawn its row labels (a busy machine is slow at it).
                page.wait_for_function(
                    "() => document.querySelectorAll('.js-plotly-plot .ytick text').length",
                    timeout=TIMEOUT_MS,
                )
            found = _probe(page)
            _check_nothing_made_from_names(found, title)
            assert H.SCENARIO in found["sidebar"], title
            if title == "Timeline":
                # The Gantt's rows and legend name the backends and users as written.
                assert H.BACKEND in found["ticks"] and H.BACKEND2 in found["ticks"]
                assert H.USER_A in found["legend"] and H.USER_B in found["legend"]
                page.screenshot(path=_shot("timeline.png"), full_page=False)
            if title == "Scenario library":
                assert f"Save to “{entry}”" in found["body"]
                page.screenshot(path=_shot("library.png"), full_page=True)
        assert not tab.errors, "\n".join(tab.errors)
    finally:
        tab.close()


def test_an_unknown_link_is_named_as_text(server, browser):
    name = f"{H.LINK} {H.IMAGE} **x**"
    tab = LinkSession(browser, f"{server}/?scenario={quote(name, safe='')}", "Scenario")
    try:
        found = _probe(tab.page)
        _check_nothing_made_from_names(found, "warning")
        assert f"There is no scenario “{name}” in the scenario library." in found["body"]
        tab.page.screenshot(path=_shot("unknown-link.png"))
    finally:
        tab.close()


def _shot(name: str) -> str:
    folder = Path(os.environ.get("QSCHED_SHOTS", "/tmp/shots/i16-text"))
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / name)


# --- point 8 ---------------------------------------------------------------------------------

SECRET = "/nonexistent/qsched-secret"
BROKEN_PAGE = f'''
from pathlib import Path

from ui import sidebar

sidebar.page("Rules")
Path("{SECRET}/page.yaml").read_text()
'''
BROKEN_PARTS = f'''
from pathlib import Path

import streamlit as st

from ui import sidebar


def fail():
    Path("{SECRET}/callback.yaml").read_text()


sidebar.page("Guided tour")
st.button("Break a callback", on_click=fail, key="break_callback")


@st.fragment
def part():
    if st.button("Break the fragment", key="break_fragment"):
        Path("{SECRET}/fragment.yaml").read_text()


part()
'''


@pytest.fixture(scope="module")
def broken(tmp_path_factory, server_data) -> Iterator[tuple[str, Path, Path]]:
    """A copy of the app whose Rules page fails as it runs and whose Guided tour page has a
    failing fragment and callback; yields (url, its folder, the server's log)."""
    app = tmp_path_factory.mktemp("app")
    ignore = shutil.ignore_patterns("__pycache__")
    for part in ("sim", "ui", "figures", "pages", ".streamlit"):
        shutil.copytree(ROOT / part, app / part, ignore=ignore)
    shutil.copy2(ROOT / "dashboard.py", app / "dashboard.py")
    (app / "pages" / "rules.py").write_text(BROKEN_PAGE)
    (app / "pages" / "tour.py").write_text(BROKEN_PARTS)
    log = app / "server.log"
    with dashboard_server(log, server_data, root=app) as (url, _, _):
        yield url, app, log


def _error_id(page, app: Path, log: Path, secret_file: str) -> str:
    """The id the page shows; checks the page hides the error and the log has it."""
    alert = page.get_by_text(re.compile(r"Something went wrong \(error id [0-9a-f]{8}\)"))
    alert.first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS
    )
    body = page.inner_text("body")
    for leak in ("Traceback", "FileNotFoundError", "qsched-secret", "No such file", str(app),
                 'File "', "site-packages"):  # fmt: skip
        assert leak not in body, leak
    assert page.locator('[data-testid="stException"]').count() == 0
    (error_id,) = re.findall(r"error id ([0-9a-f]{8})", body)
    text = log.read_text()
    assert f"error id {error_id}: unexpected FileNotFoundError\nTraceback" in text
    logged = text[text.index(f"error id {error_id}") :]
    assert f"{SECRET}/{secret_file}" in logged.split("error id", 2)[1]
    return error_id


def test_an_unexpected_error_shows_an_id_and_logs_the_traceback(broken, browser):
    url, app, log = broken
    tab = LinkSession(browser, f"{url}/rules", "Rules")
    try:
        first = _error_id(tab.page, app, log, "page.yaml")
        tab.page.screenshot(path=_shot("error-id.png"))
        # The navigation still works, and another failure gets another id.
        tab.page.locator('[data-testid="stSidebarNav"] a', has_text="Guided tour").click()
        tab.settle("Guided tour")
        tab.page.get_by_role("button", name="Break the fragment").click()
        second = _error_id(tab.page, app, log, "fragment.yaml")
        tab.page.get_by_role("button", name="Break a callback").click()
        tab.page.wait_for_function(
            f"() => document.body.innerText.includes('error id') && "
            f"!document.body.innerText.includes('error id {second}')",
            timeout=TIMEOUT_MS,
        )
        third = _error_id(tab.page, app, log, "callback.yaml")
        assert len({first, second, third}) == 3
    finally:
        tab.close()
