"""The Scenario library page: save, save as, load, rename, delete (to a trash, undoable) and
share named scenarios.

The store is ``sim.store.library.Library`` (a folder of YAML files under the data directory): the
one library on the single-user dashboard, the signed-in person's own when served with
sign-in (``ui/identity.py``), plus the entries others shared. Every refusal — a bad or taken
name, an entry deleted meanwhile, an entry edited into an invalid scenario — is an inline
``st.error`` naming the field; nothing here raises. The page never shows where on the server
the files are: that tells a visitor nothing useful and an attacker something.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

import sim
from sim.store.library import TRASH_DAYS, Library, LibraryError, suggest_name
from ui import drafts, identity, state
from ui.text import md

FLASH = "library_flash"
DELETED = "library_deleted"  # a delete just happened: untick the confirmation


def _done(message: str) -> None:
    st.session_state[FLASH] = message
    st.rerun()


def _refused(err: Exception) -> None:
    if isinstance(err, sim.ScenarioError):
        st.error("Not a valid scenario:\n" + "\n".join(f"- {md(str(p))}" for p in err.problems))
    else:
        st.error(md(str(err)))


def save_section(lib: Library, scenario: sim.Scenario) -> None:
    # Save overwrites the entry the scenario was loaded from (or last saved to), edits included.
    # Only an entry of this person's own library: a shared entry someone else made is
    # theirs to change (Save as keeps a copy of one's own).
    stored = st.session_state.get(state.LIBRARY)
    entry = stored[0] if stored and _owns(lib, stored[0]) else ""
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
            st.caption("Not in your library yet: use Save as.")
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


def _owns(lib: Library, name: str) -> bool:
    try:
        return lib.exists(name)
    except LibraryError:
        return False


def _default_name(scenario: sim.Scenario) -> str:
    return suggest_name(scenario.name)  # always a name the library accepts


def _where(lib: Library) -> str:
    """Where entries are kept, in words a user can act on: never a server path."""
    if lib.owner is not None:
        return (
            "Kept on the server, in your own library: nobody else can list, open or change "
            "them unless you share one."
        )
    return (
        "Kept in the dashboard's data folder as `library/NAME.yaml`, one scenario file each, "
        "so `python -m sim run` runs them too (README, “Keeping your work”, says where the "
        "folder is)."
    )


def _load(scenario: sim.Scenario, name: str, what: str) -> None:
    problems = state.set_scenario(scenario, origin=f"{what} “{name}”")
    if problems:
        st.error("Not loaded:\n" + "\n".join(f"- {md(str(p))}" for p in problems))
    else:
        state.remember_library_entry(name, scenario)
        _done(f"Loaded and ran “{md(name)}”.")


def entries_section(lib: Library) -> None:
    st.subheader("Saved scenarios")
    names = lib.names()
    if not names:
        st.info("The library is empty.")
        st.caption(_where(lib))
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
                _load(scenario, pick, "library entry")
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
        # Unticked again after a delete: set before the box is drawn, so the browser is told
        # (removing the key alone left it ticked on screen over a disabled Delete button).
        if st.session_state.pop(DELETED, False):
            st.session_state["library_delete_sure"] = False
        sure = st.checkbox(f"Yes, delete “{md(pick)}”", key="library_delete_sure")
        if st.button("Delete", key="library_delete", disabled=not sure):
            try:
                lib.delete(pick)
            except LibraryError as err:
                _refused(err)
            else:
                st.session_state[DELETED] = True
                stored = st.session_state.get(state.LIBRARY)
                if stored and stored[0] == pick:
                    del st.session_state[state.LIBRARY]  # the link would name nothing now
                _done(f"Moved “{md(pick)}” to the trash: Restore below brings it back.")
    if lib.owner is not None:
        share_section(lib, pick)
    st.caption(_where(lib) + " A library entry opens from a link: `?scenario=NAME`.")


def share_section(lib: Library, pick: str) -> None:
    """Share the picked entry with every signed-in person (a read-only copy), or stop."""
    mine = {name for name, _, by_me in lib.shared() if by_me}
    if pick in mine:
        label, note = "Share again (update the copy)", "Others see the copy you shared last."
    else:
        label, note = "Share", "Every signed-in person can then open a copy, not change it."
    left, right = st.columns(2, vertical_alignment="center")
    with left:
        if st.button(f"{label}: “{md(pick)}”", key="library_share"):
            try:
                lib.share(pick, by=identity.user().label)
            except (LibraryError, sim.ScenarioError) as err:
                _refused(err)
            else:
                _done(f"Shared “{md(pick)}”: others find it under Shared with everyone.")
        st.caption(note)
    with right:
        if pick in mine and st.button(f"Stop sharing “{md(pick)}”", key="library_unshare"):
            try:
                lib.unshare(pick)
            except LibraryError as err:
                _refused(err)
            else:
                _done(f"“{md(pick)}” is no longer shared (your own entry stays).")


def shared_section(lib: Library) -> None:
    """Entries signed-in people shared: anyone may open them; only the sharer changes them."""
    shared = lib.shared()
    if lib.owner is None or not shared:
        return
    st.subheader("Shared with everyone")
    labels = {name: f"{name} — shared by {'you' if by_me else by}" for name, by, by_me in shared}
    pick = st.selectbox("Shared scenario", list(labels), format_func=labels.get, key="shared_pick")
    if st.button("Load shared", key="library_load_shared"):
        try:
            scenario = lib.load_shared(pick)
        except (LibraryError, sim.ScenarioError) as err:
            _refused(err)
        else:
            _load(scenario, pick, "shared entry")
    st.caption(
        "Read-only copies: load one, then Save as to keep your own version. A link "
        "`?scenario=NAME` opens your own entry of that name first, else the shared one."
    )


def trash_section(lib: Library) -> None:
    """Deleted entries, restorable for TRASH_DAYS days (then purged)."""
    trashed = lib.trash()
    if not trashed:
        return
    st.subheader("Trash")
    st.caption(f"Deleted entries can be restored for {TRASH_DAYS} days, then they are removed.")
    for trash_id, name, when in trashed[:20]:
        text, button = st.columns([4, 1], vertical_alignment="center")
        stamp = dt.datetime.fromtimestamp(when).strftime("%Y-%m-%d %H:%M")
        text.markdown(f"**{md(name)}** — deleted {stamp}")
        if button.button("Restore", key=f"library_restore_{trash_id}"):
            try:
                restored = lib.restore(trash_id)
            except LibraryError as err:
                _refused(err)
            else:
                _done(f"Restored “{md(restored)}”.")


def drafts_section() -> None:
    """This browser's unsaved work in other tabs, closed ones included. Drafts are listed
    only for the browser they were made in (its random cookie, never its IP address), and
    only once something was changed; each says when, from what, and what was changed."""
    recent = drafts.others()
    if not recent:
        return
    where = "of yours" if identity.user().signed_in else "in this browser"
    st.subheader(f"Unsaved drafts {where}")
    st.caption(
        f"Work changed in other tabs {where}, including tabs since closed. Resume "
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
    lib = identity.library()
    save_section(lib, scenario)
    st.divider()
    entries_section(lib)
    shared_section(lib)
    trash_section(lib)
    drafts_section()
