"""Issue 16 points 1-3: serving to others needs an identity source, identity comes from
authentication (a trusted header here; ``st.login`` in oidc mode), each person's library and
drafts are their own, and the Library page never shows the server's file paths.

The dashboard is driven with Streamlit's AppTest; the header a sign-in proxy would set is put
into ``st.context.headers`` the way the server would (tests/test_browser_identity.py sends it
through a real browser).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from streamlit.runtime.context import StreamlitHeaders

import sim
from sim.model.files import DEFAULT
from sim.store.library import Drafts, Library
from tests.browser import ROOT
from tests.test_keeping_work import name_input, open_url, run_ok
from ui import identity
from ui.text import md


def as_user(monkeypatch, name: str | None, header: str = "X-Forwarded-User") -> None:
    """Sessions opened through the sign-in proxy as ``name`` (None: not through it)."""
    import streamlit as st

    monkeypatch.setenv("QSCHED_AUTH", "header")
    pairs = [(header, name)] if name is not None else []
    headers = StreamlitHeaders([*pairs, ("Host", "example.org")])
    monkeypatch.setattr(type(st.context), "headers", property(lambda self: headers))


def texts(at) -> list[str]:
    """Every text the page shows, main area and sidebar."""
    kinds = ["title", "subheader", "markdown", "caption", "info", "warning", "error"]
    kinds += ["success", "code", "text"]
    out = [str(e.value) for kind in kinds for e in getattr(at, kind)]
    out += [str(e.label) for e in [*at.button, *at.selectbox, *at.text_input, *at.checkbox]]
    return out


# --- point 1: serving to others is a choice that needs an identity source -------------------


@pytest.mark.parametrize("address", ["0.0.0.0", "", None, "::", "192.0.2.7", "example.org"])
def test_serving_beyond_loopback_without_sign_in_is_refused(monkeypatch, address):
    monkeypatch.delenv("QSCHED_AUTH", raising=False)
    problem = identity.serving_problem(address)
    assert problem and "refusing to serve" in problem and "QSCHED_AUTH=header" in problem


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_needs_no_sign_in(monkeypatch, address):
    monkeypatch.delenv("QSCHED_AUTH", raising=False)
    assert identity.serving_problem(address) is None


def test_header_mode_may_serve_and_an_unknown_mode_is_refused():
    assert identity.serving_problem("0.0.0.0", "header") is None
    assert "QSCHED_AUTH='ldap': use one of local, header, oidc" in identity.serving_problem(
        "127.0.0.1", "ldap"
    )


def _check(address: str, auth: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "QSCHED_AUTH"}
    if auth is not None:
        env["QSCHED_AUTH"] = auth
    return subprocess.run(
        [sys.executable, "-m", "ui.identity", address],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_make_serve_refuses_without_an_identity_source():
    """``make serve``'s first command: exit 2 and the reason, before anything listens."""
    recipe = (ROOT / "Makefile").read_text().split("\nserve:", 1)[1].split("\n\n", 1)[0]
    check, run = recipe.strip().splitlines()[1:3]
    assert check.strip() == "$(BIN)/python -m ui.identity '$(ADDRESS)'"
    assert "streamlit run dashboard.py --server.address '$(ADDRESS)'" in run
    refused = _check("0.0.0.0", None)
    assert refused.returncode == 2
    assert "qsched: refusing to serve on '0.0.0.0' without sign-in" in refused.stderr
    assert _check("0.0.0.0", "header").returncode == 0
    assert _check("127.0.0.1", None).returncode == 0


def test_the_server_itself_refuses_a_public_address_without_sign_in():
    """``streamlit run dashboard.py --server.address 0.0.0.0`` imports dashboard.py to find
    the app before serving anything: the import refuses (no socket is opened here)."""
    code = (
        "from streamlit import config; config.set_option('server.address', '0.0.0.0'); "
        "import dashboard"
    )
    env = {k: v for k, v in os.environ.items() if k != "QSCHED_AUTH"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "qsched: refusing to serve on '0.0.0.0' without sign-in" in done.stderr


# --- point 2: identity from authentication; each person's work is theirs -------------------


def test_without_the_header_only_a_sign_in_message_is_shown(monkeypatch, data_dir):
    Library(data_dir, owner="header:alice").save("secret plan", sim.preset("mm1-queue"))
    as_user(monkeypatch, None)
    at = open_url("library")
    assert [t.value for t in at.title] == ["Sign-in required"]
    assert "Sign-in required" in at.warning[0].value
    assert not any("secret plan" in t for t in texts(at))
    assert "scenario" not in at.session_state  # nothing was even loaded
    assert not list(data_dir.rglob("*.json"))  # and no draft written


def test_two_header_users_have_their_own_library_and_drafts(monkeypatch, data_dir):
    as_user(monkeypatch, "alice")
    alice = open_url("library")
    run_ok(alice.text_input(key="library_save_as_name").set_value("Alice plan"))
    run_ok(alice.button(key="library_save_as").click())
    assert alice.success[0].value == "Saved as “Alice plan”."
    assert "Signed in as **alice**" in texts(alice)
    assert Library(data_dir, owner="header:alice").names() == ["Alice plan"]
    assert Library(data_dir).names() == []  # not the single-user library

    as_user(monkeypatch, "bob")
    bob = open_url("library")
    assert "library is empty" in bob.info[0].value
    assert not any("Alice plan" in t for t in texts(bob))
    linked = open_url(scenario="Alice plan")  # Alice's link: not Bob's to open
    assert "There is no scenario “Alice plan”" in linked.warning[0].value

    # Alice's tab address (its draft id) opens nothing of hers for Bob.
    as_user(monkeypatch, "alice")
    tab = open_url()
    run_ok(name_input(tab).set_value("Alice's edit"))
    draft = tab.query_params["draft"]
    assert Drafts(data_dir, owner="header:alice").load(draft) is not None
    as_user(monkeypatch, "bob")
    stolen = open_url(draft=draft)
    assert name_input(stolen).value == sim.preset(DEFAULT).name
    assert stolen.session_state["scenario"] == sim.preset(DEFAULT)
    assert Drafts(data_dir, owner="header:alice").load(draft)["editor"]["name"] == "Alice's edit"


def test_a_shared_entry_opens_for_others_read_only(monkeypatch, data_dir):
    Library(data_dir, owner="header:alice").save("lecture", sim.preset("mm1-queue"))
    as_user(monkeypatch, "alice")
    alice = open_url("library")
    run_ok(alice.button(key="library_share").click())
    assert alice.success[0].value.startswith("Shared “lecture”")

    as_user(monkeypatch, "bob")
    bob = open_url("library")
    assert "lecture — shared by alice" in bob.selectbox(key="shared_pick").options
    keys = {b.key for b in bob.button}
    assert not keys & {"library_share", "library_unshare"}  # nothing of Bob's to share
    run_ok(bob.button(key="library_load_shared").click())
    assert bob.session_state["scenario"] == sim.preset("mm1-queue")
    # Not Bob's entry: no "Save to" it (Save as keeps his own copy).
    assert "library_save" not in {b.key for b in bob.button}
    assert open_url(scenario="lecture").session_state["scenario"] == sim.preset("mm1-queue")
    assert Library(data_dir, owner="header:bob").names() == []  # still only Alice's


def test_a_delete_can_be_undone_from_the_trash(monkeypatch, data_dir):
    lib = Library(data_dir, owner="header:alice")
    lib.save("plan", sim.preset("mm1-queue"))
    as_user(monkeypatch, "alice")
    at = open_url("library")
    run_ok(at.checkbox(key="library_delete_sure").check())
    run_ok(at.button(key="library_delete").click())
    assert lib.names() == []
    [restore] = [b for b in at.button if b.key.startswith("library_restore_")]
    run_ok(restore.click())
    assert at.success[0].value == "Restored “plan”."
    assert lib.load("plan") == sim.preset("mm1-queue")


# --- point 3: no server paths on the Library page -------------------------------------------


def test_the_library_page_shows_no_server_path(data_dir):
    empty = open_url("library")
    Library(data_dir).save("kept", sim.preset("mm1-queue"))
    full = open_url("library")
    assert "kept" in full.selectbox(key="library_pick").options
    for at in (empty, full):
        shown = texts(at)
        assert shown
        for text in shown:
            assert str(data_dir) not in text, text
            assert os.path.expanduser("~") not in text, text


# --- oidc: Streamlit's st.login / st.user ----------------------------------------------------


def open_as(user: dict, page: str = "library"):
    """A session of the dashboard whose ``st.user`` is ``user`` (AppTest's own stand-in for
    what Streamlit's sign-in cookie gives)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.user = user
    at.switch_page(f"pages/{page}.py")
    return run_ok(at)


CAROL = {"is_logged_in": True, "iss": "https://id.example", "sub": "c-1", "email": "carol@x.org"}


def test_oidc_users_are_the_issuers_subject(monkeypatch, data_dir):
    monkeypatch.setenv("QSCHED_AUTH", "oidc")
    out = open_as({"is_logged_in": False})
    assert [t.value for t in out.title] == ["Sign-in required"]
    assert [b.label for b in out.button] == ["Sign in"]  # st.login() when clicked
    assert "scenario" not in out.session_state

    carol = open_as(CAROL)
    run_ok(carol.text_input(key="library_save_as_name").set_value("Carol plan"))
    run_ok(carol.button(key="library_save_as").click())
    assert Library(data_dir, owner="oidc:https://id.example|c-1").names() == ["Carol plan"]
    # The label is user text, shown escaped (ui/text.md: an address must not become a link).
    assert f"Signed in as **{md('carol@x.org')}**" in texts(carol)
    assert "Sign out" in [b.label for b in carol.button]
    # Same e-mail, another subject (or issuer): another person.
    other = open_as({**CAROL, "sub": "c-2"})
    assert "library is empty" in other.info[0].value


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([("X-Forwarded-User", " alice ")], "alice"),
        ([("x-forwarded-user", "alice")], "alice"),  # header names ignore case
        ([], None),
        ([("X-Forwarded-User", "  ")], None),
        # Twice: the client's own copy next to the proxy's. Neither is trusted.
        ([("X-Forwarded-User", "mallory"), ("X-Forwarded-User", "alice")], None),
        ([("X-Forwarded-User", "a\x00b")], None),
        ([("X-Forwarded-User", "a" * 257)], None),
        ([("X-Remote-User", "alice")], None),  # not the configured header
    ],
)
def test_the_header_names_one_user_or_none(monkeypatch, pairs, expected):
    import streamlit as st

    monkeypatch.setenv("QSCHED_AUTH", "header")
    monkeypatch.delenv("QSCHED_AUTH_HEADER", raising=False)
    headers = StreamlitHeaders(pairs)
    monkeypatch.setattr(type(st.context), "headers", property(lambda self: headers))
    user = identity.current()
    assert (user.label if user else None) == expected
    if expected:
        assert user.key == f"header:{expected}"


def test_the_header_name_is_configurable(monkeypatch):
    import streamlit as st

    monkeypatch.setenv("QSCHED_AUTH", "header")
    monkeypatch.setenv("QSCHED_AUTH_HEADER", "X-Remote-User")
    headers = StreamlitHeaders([("X-Remote-User", "bob"), ("X-Forwarded-User", "alice")])
    monkeypatch.setattr(type(st.context), "headers", property(lambda self: headers))
    assert identity.current() == identity.User("header:bob", "bob")
