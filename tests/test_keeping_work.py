"""Keeping the user's work in the dashboard, driven headless with Streamlit's AppTest: drafts
per tab (a reload restores them, other tabs never see them), shareable ``?scenario=`` links,
the Scenario library page, and uploads that are refused without touching the scenario.

A "reload" is a new AppTest (a new Streamlit session) given the URL parameters the previous
one ended with; every test has its own empty ``QSCHED_DATA_DIR`` (``conftest.py``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

import sim
from sim.model.files import DEFAULT
from sim.store.library import Library

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def open_url(page: str | None = None, **params: str) -> AppTest:
    """A new browser session on ``page`` with these URL parameters."""
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    if page is not None:
        at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def reload(at: AppTest, page: str | None = None) -> AppTest:
    return open_url(page, **{k: v for k, v in at.query_params.items() if isinstance(v, str)})


def name_input(at: AppTest):
    return next(t for t in at.text_input if t.label == "Name")


def run_ok(thing) -> AppTest:
    """Run the app (``thing`` is the AppTest or a widget just set or clicked)."""
    at = thing.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- drafts --------------------------------------------------------------------------------


def test_a_reload_keeps_edits_typed_but_not_run():
    at = open_url()
    assert len(at.query_params["draft"]) == 32
    run_ok(name_input(at).set_value("My what-if"))
    at.number_input(key="editor:0:seed").set_value(11)
    run_ok(at)
    again = reload(at)
    assert again.query_params["draft"] == at.query_params["draft"]
    assert name_input(again).value == "My what-if"
    assert again.number_input(key="editor:0:seed").value == 11
    # Typed, not run: the current scenario is still the default preset.
    assert again.session_state["scenario"] == sim.preset(DEFAULT)


def test_a_reload_keeps_the_run_scenario_and_its_origin():
    at = open_url()
    at.selectbox(key="scenario_preset_pick").set_value("mm1-queue")
    run_ok(at.button(key="scenario_load_preset").click())
    assert at.query_params["scenario"] == "preset:mm1-queue"
    run_ok(at.number_input(key="editor:1:seed").set_value(5))
    run_ok(at.button(key="scenario_run").click())
    edited = at.session_state["scenario"]
    assert edited.seed == 5 and edited != sim.preset("mm1-queue")
    assert "scenario" not in at.query_params  # an edited scenario has no name to link to
    again = reload(at, "rules")
    assert again.session_state["scenario"] == edited
    assert again.title[0].value == "Rules"


def as_remote_user(monkeypatch) -> None:
    """Connections from another machine: Streamlit reports their address (None on loopback)."""
    import streamlit as st

    monkeypatch.setattr(type(st.context), "ip_address", property(lambda self: "203.0.113.9"))


def test_two_users_never_see_each_others_edits(monkeypatch):
    as_remote_user(monkeypatch)
    alice = open_url()
    run_ok(name_input(alice).set_value("Alice's lecture"))
    bob = open_url()  # another user of the same server: the bare address
    assert bob.query_params["draft"] != alice.query_params["draft"]
    assert name_input(bob).value == sim.preset(DEFAULT).name
    run_ok(name_input(bob).set_value("Bob's planning"))
    assert name_input(reload(alice)).value == "Alice's lecture"
    assert name_input(reload(bob)).value == "Bob's planning"


def in_browser(monkeypatch, browser: str) -> None:
    """Sessions from the browser whose id cookie is ``browser`` (ui/serving.py sets it)."""
    import streamlit as st

    cookies = {"qsched_browser": browser}
    monkeypatch.setattr(type(st.context), "cookies", property(lambda self: cookies))


BROWSER_A, BROWSER_B = "a" * 32, "b" * 32


def test_a_new_tab_never_shows_another_tabs_work(monkeypatch):
    """Issue 13, item 1: a fresh tab at the bare address shows the default scenario, not the
    last-edited draft of another tab (nor another browser's); it only points at them."""
    in_browser(monkeypatch, BROWSER_A)
    first = open_url()
    run_ok(first.number_input(key="editor:0:seed").set_value(5))
    run_ok(first.button(key="scenario_run").click())
    run_ok(name_input(first).set_value("Friday demo"))
    second = open_url()
    assert second.query_params["draft"] != first.query_params["draft"]
    assert second.session_state["scenario"] == sim.preset(DEFAULT)
    assert name_input(second).value == sim.preset(DEFAULT).name
    assert "1 other unsaved draft" in second.info[0].value
    in_browser(monkeypatch, BROWSER_B)
    third = open_url()
    assert third.session_state["scenario"] == sim.preset(DEFAULT)
    assert not third.info  # another browser is not even told about it
    assert name_input(reload(first)).value == "Friday demo"


def test_merely_opening_the_app_leaves_no_draft(data_dir):
    """Issue 13, item 2: no draft until something is changed; undoing the change removes it."""
    at = open_url()
    run_ok(at.switch_page("pages/timeline.py"))
    run_ok(at.switch_page("pages/library.py"))
    assert not list((data_dir / "drafts").glob("*.json"))
    run_ok(at.switch_page("pages/scenario.py"))
    run_ok(name_input(at).set_value("Changed"))
    assert len(list((data_dir / "drafts").glob("*.json"))) == 1
    run_ok(name_input(at).set_value(sim.preset(DEFAULT).name))
    assert not list((data_dir / "drafts").glob("*.json"))


def test_a_forged_draft_id_starts_a_fresh_draft(data_dir):
    at = open_url(draft="../../library/x")
    assert at.query_params["draft"] != "../../library/x"
    assert len(at.query_params["draft"]) == 32
    assert at.session_state["scenario"] == sim.preset(DEFAULT)
    run_ok(name_input(at).set_value("Changed"))  # a draft is written once something changed
    assert [p.parent.name for p in data_dir.rglob("*.json")] == ["drafts"]


# --- shareable links -----------------------------------------------------------------------


def test_a_preset_link_opens_that_scenario_on_that_page():
    at = open_url("rules", scenario="preset:reservation-window")
    assert at.title[0].value == "Rules"
    assert at.session_state["scenario"] == sim.preset("reservation-window")
    assert not at.warning
    assert at.query_params["scenario"] == "preset:reservation-window"
    (code,) = at.sidebar.code
    assert code.value.endswith("?scenario=preset:reservation-window")


def test_a_library_link_opens_the_saved_scenario(data_dir):
    saved = sim.preset("mm1-queue").model_copy(update={"seed": 3})
    Library(data_dir).save("Queue demo", saved)
    at = open_url("rules", scenario="Queue demo")
    assert at.session_state["scenario"] == saved
    assert at.title[0].value == "Rules"
    assert "library: Queue demo" in " ".join(c.value for c in at.sidebar.caption)
    assert at.sidebar.code[0].value.endswith("?scenario=Queue%20demo")


def test_an_unknown_link_warns_and_shows_the_default():
    for name, message in [
        ("preset:nope", "no built-in scenario “nope”"),
        ("not saved", "no scenario “not saved” in the scenario library"),
        ("../../etc/passwd", "no scenario “../../etc/passwd”"),
    ]:
        at = open_url("rules", scenario=name)
        assert at.title[0].value == "Rules"
        assert len(at.warning) == 1 and message in at.warning[0].value
        assert "Showing the default scenario" in at.warning[0].value
        assert at.session_state["scenario"] == sim.preset(DEFAULT)
        assert at.query_params["scenario"] == f"preset:{DEFAULT}"


def test_a_reload_after_editing_a_link_keeps_the_edits():
    at = open_url(scenario="preset:mm1-queue")
    run_ok(name_input(at).set_value("tuned M/M/1"))
    again = reload(at)  # the URL still has ?scenario=preset:mm1-queue and ?draft=
    assert name_input(again).value == "tuned M/M/1"
    assert again.session_state["scenario"] == sim.preset("mm1-queue")


# --- the library page ----------------------------------------------------------------------


def test_library_page_save_as_load_rename_delete(data_dir):
    at = open_url("library")
    assert "library is empty" in at.info[0].value
    run_ok(at.text_input(key="library_save_as_name").set_value("Lecture: part 1"))
    run_ok(at.button(key="library_save_as").click())
    assert "name: 'Lecture: part 1'" in at.error[0].value and "':'" in at.error[0].value
    run_ok(at.text_input(key="library_save_as_name").set_value("Lecture 1"))
    run_ok(at.button(key="library_save_as").click())
    assert at.success[0].value == "Saved as “Lecture 1”."
    assert Library(data_dir).load("Lecture 1") == sim.preset(DEFAULT)
    run_ok(at.button(key="library_save_as").click())  # the same name again
    assert "'Lecture 1' already exists" in at.error[0].value

    Library(data_dir).save("other", sim.preset("mm1-queue"))  # by another user meanwhile
    run_ok(at)
    run_ok(at.selectbox(key="library_pick").set_value("other"))
    run_ok(at.button(key="library_load").click())
    assert at.session_state["scenario"] == sim.preset("mm1-queue")
    assert at.query_params["scenario"] == "other"

    run_ok(at.text_input(key="library_new_name").set_value("Lecture 1"))
    run_ok(at.button(key="library_rename").click())
    assert "new name: 'Lecture 1' already exists" in at.error[0].value
    run_ok(at.text_input(key="library_new_name").set_value("queue"))
    run_ok(at.button(key="library_rename").click())
    assert Library(data_dir).names() == ["Lecture 1", "queue"]
    assert at.query_params["scenario"] == "queue"  # the link follows the rename

    run_ok(at.selectbox(key="library_pick").set_value("Lecture 1"))
    assert at.button(key="library_delete").proto.disabled  # asks first
    run_ok(at.checkbox(key="library_delete_sure").check())
    run_ok(at.button(key="library_delete").click())
    assert Library(data_dir).names() == ["queue"]


def test_library_save_overwrites_the_loaded_entry(data_dir):
    Library(data_dir).save("mine", sim.preset("mm1-queue"))
    at = open_url("library", scenario="mine")
    goto = at.switch_page("pages/scenario.py")
    run_ok(goto)
    run_ok(at.number_input(key="editor:0:seed").set_value(9))
    run_ok(at.button(key="scenario_run").click())
    run_ok(at.switch_page("pages/library.py"))
    run_ok(at.button(key="library_save").click())
    assert at.success[0].value == "Saved to “mine”."
    assert Library(data_dir).load("mine").seed == 9
    assert at.query_params["scenario"] == "mine"


# --- safe uploads --------------------------------------------------------------------------


def test_refused_uploads_never_replace_the_scenario(tmp_path):
    at = open_url()
    before = at.session_state["scenario"]
    big = sim.preset("mm1-queue").to_yaml().encode() + b"#" * 1_000_000
    marker = tmp_path / "pwned"
    evil = f"name: !!python/object/apply:os.system ['touch {marker}']\n".encode()
    for name, data, message in [
        ("big.yaml", big, "uploads are limited to 1,000,000 bytes"),
        ("evil.yaml", evil, "could not determine a constructor"),
        ("bin.yaml", b"\x00\x01\xff", "not UTF-8"),
    ]:
        at.file_uploader(key="scenario_upload").set_value((name, data, "application/x-yaml"))
        run_ok(at)
        assert any(f"{name}** was not loaded" in e.value and message in e.value for e in at.error)
        assert at.session_state["scenario"] == before
    assert not marker.exists()


def test_a_reload_keeps_table_edits():
    at = open_url(scenario="preset:mm1-queue")
    key = "editor:0:workloads"
    at.session_state[key] = {
        "edited_rows": {0: {"quantum": "{exponential: 45s}", "jobs": 7}},
        "added_rows": [{"name": "extra", "user": "user", "backend": "qpu"}],
        "deleted_rows": [],
    }
    run_ok(at)
    table = reload(at).data_editor(key=key).value  # the table the editor starts from
    assert table.loc[0, "quantum"] == "{exponential: 45s}"
    assert table.loc[0, "jobs"] == 7.0 and table["jobs"].dtype == "float64"
    assert list(table["name"]) == [sim.preset("mm1-queue").workloads[0].name, "extra"]
    assert pd.isna(table.loc[1, "quantum"])  # an empty cell stays empty, not "None"


def test_a_closed_tabs_draft_can_be_resumed_as_a_copy(monkeypatch):
    """The Scenario library page lists this browser's unsaved drafts of other tabs (closed
    ones too), each with where it started and what was changed, and Resume continues a copy
    of one."""
    in_browser(monkeypatch, BROWSER_A)
    closed = open_url()
    run_ok(closed.number_input(key="editor:0:seed").set_value(5))
    run_ok(closed.button(key="scenario_run").click())
    run_ok(name_input(closed).set_value("Friday demo"))
    other = open_url(scenario="preset:mm1-queue")  # a link: opens what it names, no resume
    assert other.session_state["scenario"] == sim.preset("mm1-queue")
    run_ok(other.switch_page("pages/library.py"))
    listed = [m.value for m in other.markdown if "last edited" in m.value]
    assert len(listed) == 1 and listed[0].startswith("**Friday demo**")
    label = f"from preset “{DEFAULT}” · changed: Name (not run), Seed"
    assert label in [c.value for c in other.caption]
    (resume,) = [b for b in other.button if b.label == "Resume"]
    run_ok(resume.click())
    assert other.success[0].value == "Resumed “Friday demo” in this tab."
    assert other.session_state["scenario"].seed == 5
    run_ok(other.switch_page("pages/scenario.py"))
    assert name_input(other).value == "Friday demo"
    # A copy: editing it here leaves the closed tab's draft alone.
    run_ok(name_input(other).set_value("Saturday demo"))
    assert name_input(reload(closed)).value == "Friday demo"
    assert other.query_params["draft"] != closed.query_params["draft"]


def test_drafts_are_told_apart_by_what_changed(monkeypatch):
    """Issue 13, item 2: two drafts of the same preset, listed with what each changed."""
    in_browser(monkeypatch, BROWSER_A)
    one = open_url(scenario="preset:mm1-queue")
    run_ok(one.number_input(key="editor:0:seed").set_value(7))
    run_ok(one.button(key="scenario_run").click())
    two = open_url(scenario="preset:mm1-queue")
    run_ok(two.text_input(key="editor:0:until").set_value("2h"))
    three = open_url("library")
    captions = {c.value for c in three.caption if c.value.startswith("from ")}
    assert captions == {
        "from preset “mm1-queue” · changed: Seed",
        "from preset “mm1-queue” · changed: Until (not run)",
    }


def test_another_browser_is_never_shown_other_drafts(monkeypatch):
    in_browser(monkeypatch, BROWSER_A)
    local = open_url()
    run_ok(name_input(local).set_value("Private notes"))
    in_browser(monkeypatch, BROWSER_B)
    remote = open_url("library")
    assert remote.session_state["scenario"] == sim.preset(DEFAULT)  # not the other draft
    assert "Unsaved drafts in this browser" not in [s.value for s in remote.subheader]
    assert not [m.value for m in remote.markdown if "Private notes" in m.value]
    assert not [i.value for i in remote.info if "draft" in i.value]  # not even a hint


def test_the_tours_preset_shows_in_the_sidebar_at_once():
    """Issue 13, item 14: after "Open this preset on the other pages" the sidebar names the
    new scenario straight away, not after the next navigation."""
    at = open_url("tour")
    step = at.selectbox(key="tour_step")
    run_ok(step.set_value(1))
    from sim.experiments import tour as teaching

    wanted = teaching.STEPS[1]
    assert wanted.scenario.name != sim.preset(DEFAULT).name
    run_ok(at.button(key="tour_use_preset").click())
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert f"**Scenario:** {wanted.scenario.name}" in sidebar
    assert f"preset: {wanted.preset}" in " ".join(c.value for c in at.sidebar.caption)
    assert at.success[0].value == f"{wanted.scenario.name} is now the current scenario."
    assert at.query_params["scenario"] == f"preset:{wanted.preset}"
