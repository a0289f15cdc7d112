"""Issue 16 points 7 and 8 without a browser: ``ui.text.md`` escapes by hand-worked examples;
every page, run headless (AppTest) on a scenario and a library entry whose names are
Markdown, shows them only escaped; an unexpected error is logged with its id.

tests/test_browser_text.py checks what a real browser then draws.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import dashboard
import sim
from sim.store.library import Library
from tests import hostile_names as H
from ui import errors
from ui.text import JOINER, md

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = str(ROOT / "dashboard.py")
# A library entry's name is a file name (no < > : " / \ | ? *) but may hold any Markdown.
ENTRY = "__E__ $x$ [l](www.evil.com) ![i](evil.png) %{x} #1"


def test_md_by_hand():
    assert md("**b**") == r"\*\*b\*\*"
    assert md("[x](a) ![i](b)") == r"\[x\](a) !\[i\](b)"
    assert md("<b>&amp;</b>") == r"\<b\>\&amp;\</b\>"
    assert md("$x$ :red[y] :smile: a:b") == r"\$x\$ \:red\[y\] \:smile\: a\:b"
    assert md(":material/home: :material/x") == r"\:material\/home\: \:material\/x"
    assert md("`c` ~s~ a|b \\") == r"\`c\` \~s\~ a\|b \\"
    # Ordinary text is left alone: what the sidebar, messages and tests read stays plain.
    assert md("Figure 1: a session, vqe-vs-background (R5).") == (
        "Figure 1: a session, vqe-vs-background (R5)."
    )
    assert md("CJK 名前 ok") == "CJK 名前 ok"
    # Bare addresses that GitHub-flavoured Markdown would link get an invisible word joiner.
    assert md("http://e.com") == f"http{JOINER}://e.com"
    assert md("www.e.com") == f"www{JOINER}.e.com"
    assert md("a@e.com") == f"a@{JOINER}e.com"
    # Lines stay lines; a heading, a list, a rule or an indented block stay text.
    assert md("a\n# h\n    x\n- i\n2. j\n===") == (
        "a  \n\\# h  \n\u00a0\u00a0\u00a0\u00a0x  \n\\- i  \n2\\. j  \n\\==="
    )
    assert md(3) == "3"


def _shown(at: AppTest) -> list[str]:
    """Every Markdown text the run drew: markdown, captions, headings, alerts, labels."""
    out: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "error", "warning",
                 "info", "success"):  # fmt: skip
        out += [str(e.value) for e in at.get(kind)]
    for kind in ("button", "checkbox", "toggle", "text_input", "selectbox", "radio"):
        out += [str(e.label) for e in at.get(kind)]
    return out


def _raw_names_in(texts: list[str], names) -> list[tuple[str, str]]:
    return [(n, t) for t in texts for n in names if n in t]


@pytest.fixture
def entry(data_dir):
    Library(data_dir).save_as(ENTRY, sim.from_dict(H.hostile()))
    return ENTRY


def test_every_page_shows_names_as_text(entry):
    at = AppTest.from_file(DASHBOARD, default_timeout=180)
    at.query_params["scenario"] = entry
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    names = (H.SCENARIO, H.WORKLOAD, H.USER_A, H.USER_B, H.DESCRIPTION.splitlines()[0], ENTRY)
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert md(H.SCENARIO) in sidebar
    assert md(f"library: {ENTRY}") in " ".join(c.value for c in at.sidebar.caption)
    for file, _ in dashboard.PAGES:
        at.switch_page(f"pages/{file}").run()
        assert not at.exception, (file, [e.value for e in at.exception])
        shown = _shown(at)
        assert not _raw_names_in(shown, names), file
    at.switch_page("pages/scenario.py").run()
    assert md(H.DESCRIPTION) in [c.value for c in at.caption]
    assert f"Last run: {md(H.SCENARIO)}" in [s.value for s in at.subheader]
    at.switch_page("pages/library.py").run()
    assert any(md(ENTRY) in b.label for b in at.button)  # "Save to “…”"


def test_an_unknown_link_names_itself_as_text():
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["scenario"] = H.LINK + " " + H.IMAGE
    at.run()
    (warning,) = at.warning
    assert md(H.LINK + " " + H.IMAGE) in warning.value
    assert H.LINK not in warning.value


class _Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def test_an_unexpected_error_is_logged_with_its_id():
    try:
        Path("/nonexistent/qsched-secret/settings.yaml").read_text()
    except OSError as err:
        exc = err
    seen = _Records()
    errors.LOG.addHandler(seen)
    try:
        assert errors.on_script_error(exc) is True  # Streamlit then shows nothing else
    finally:
        errors.LOG.removeHandler(seen)
    (record,) = seen.records
    text = logging.Formatter().format(record)
    error_id = record.getMessage().split()[2].rstrip(":")
    assert len(error_id) == 8 and int(error_id, 16) >= 0
    assert text.startswith(f"error id {error_id}: unexpected FileNotFoundError\nTraceback")
    assert "qsched-secret" in text
    shown = errors.message(error_id)
    assert error_id in shown and "qsched-secret" not in shown and "Traceback" not in shown
