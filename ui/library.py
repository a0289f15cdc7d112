"""The Scenario library page: save, save as, load, rename and delete named scenarios.

The store is ``sim.library.Library`` (a folder of YAML files under the user's data
directory). Every refusal — a bad or taken name, an entry deleted meanwhile, an entry
edited into an invalid scenario — is an inline ``st.error`` naming the field; nothing here
raises.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

import sim
from sim.library import Library, LibraryError, data_dir, suggest_name
from ui import drafts, state
from ui.text import md

FLASH = "library_flash"


def _done(message: str) -> None:
    st.session_state[FLASH] = message
    st.rerun()


def _refused(err: Exception) -> None:
    if isinstance(err, sim.ScenarioError):
        st.error("Not a valid scenario:\n" + "\n".join(f"- {md(p)}" for p in err.problems))
    else:
        st.error(md(err))


def save_section(lib: Library, scenario: sim.Scenario) -> None:
    # Save overwrites the entry the scenario was loaded from (or last saved to), edits included.
    stored = st.session_state.get(state.LIBRARY)
    entry = stored[0] if stored else ""
    st.subheader("Save the current scenario")
    st.caption(
        f"“{md(scenario.name)}”, as last run. Edits typed on the Scenario page but not yet run "
        "are kept in this tab's draft; run them first to save them here."
    )
    left, right = st.columns(2, vertical_alignment="bottom")
    with left:
        if entry and st.button(f"Save to “{md(entry)}”", key="library_save", type="primary"):
            try:
                lib.save(entry, scenario)
            except LibraryError as err:
                _refused(err)
            else:
                state.remember_library_entry(entry, scenario)
                _done(f"Saved to “{md(entry)}”.")
        elif not entry:
            st.caption("Not from the library yet: use Save as.")
    with right:
        name = st.text_input("Save as", value=_default_name(scenario), key="library_save_as_name")
        if st.button("Save as", key="library_save_as"):
            try:
                saved = lib.save_as(name, scenario)
            except LibraryError as err:
                _refused(err)
            else:
                state.remember_library_entry(saved, scenario)
                _done(f"Saved as “{md(saved)}”.")


def _default_name(scenario: sim.Scenario) -> str:
    return suggest_name(scenario.name)  # always a name the library accepts


def entries_section(lib: Library) -> None:
    st.subheader("Saved scenarios")
    names = lib.names()
    if not names:
        st.info(f"The library is empty. Scenarios are kept in `{lib.folder}`.")
        return
    pick = st.selectbox("Scenario", names, key="library_pick")
    load, rename, delete = st.columns(3, vertical_alignment="bottom")
    with load:
        if st.button("Load", key="library_load", type="primary"):
            try:
                scenario = lib.load(pick)
            except (LibraryError, sim.ScenarioError) as err:
                _refused(err)
            else:
                problems = state.set_scenario(scenario, origin=f"library entry “{pick}”")
                if problems:
                    st.error("Not loaded:\n" + "\n".join(f"- {md(p)}" for p in problems))
                else:
                    state.remember_library_entry(pick, scenario)
                    _done(f"Loaded and ran “{md(pick)}”.")
    with rename:
        new = st.text_input("New name", key="library_new_name")
        if st.button("Rename", key="library_rename"):
            try:
                renamed = lib.rename(pick, new)
            except LibraryError as err:
                _refused(err)
            else:
                stored = st.session_state.get(state.LIBRARY)
                if stored and stored[0] == pick:
                    st.session_state[state.LIBRARY] = (renamed, stored[1])
                    origin = st.session_state.get(state.ORIGIN)
                    if origin and origin[1] == stored[1]:  # drafts name the entry it is now
                        st.session_state[state.ORIGIN] = (f"library entry “{renamed}”", stored[1])
                _done(f"Renamed “{md(pick)}” to “{md(renamed)}”.")
    with delete:
        sure = st.checkbox(f"Yes, delete “{md(pick)}”", key="library_delete_sure")
        if st.button("Delete", key="library_delete", disabled=not sure):
            try:
                lib.delete(pick)
            except LibraryError as err:
                _refused(err)
            else:
                st.session_state.pop("library_delete_sure", None)
                stored = st.session_state.get(state.LIBRARY)
                if stored and stored[0] == pick:
                    del st.session_state[state.LIBRARY]  # the link would name nothing now
                _done(f"Deleted “{md(pick)}”.")
    st.caption(
        f"Kept in `{lib.folder}` (one YAML scenario file each; set `QSCHED_DATA_DIR` to keep "
        "them elsewhere). A library entry opens from a link: `?scenario=NAME`."
    )


def drafts_section() -> None:
    """This browser's unsaved work in other tabs, closed ones included. Drafts are listed
    only for the browser they were made in (its random cookie, never its IP address), and
    only once something was changed; each says when, from what, and what was changed."""
    recent = drafts.others()
    if not recent:
        return
    st.subheader("Unsaved drafts in this browser")
    st.caption(
        "Work changed in other tabs of this browser, including tabs since closed. Resume "
        "continues a copy of it in this tab; the other draft is left as it was."
    )
    for other, written, data in recent:
        when = dt.datetime.fromtimestamp(written).strftime("%Y-%m-%d %H:%M:%S")
        text, button = st.columns([4, 1], vertical_alignment="center")
        text.markdown(f"**{md(drafts.title(data))}** — last edited {when}")
        text.caption(md(drafts.describe(data)))
        if button.button("Resume", key=f"library_resume_{other}"):
            if drafts.resume(other):
                _done(f"Resumed “{md(drafts.title(data))}” in this tab.")
            st.error("That draft is gone (removed or unreadable).")


def render(scenario: sim.Scenario) -> None:
    if message := st.session_state.pop(FLASH, None):
        st.success(message)
    lib = Library(data_dir())
    save_section(lib, scenario)
    st.divider()
    entries_section(lib)
    drafts_section()
