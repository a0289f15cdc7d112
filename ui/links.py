"""Shareable links: the URL names the scenario shown, so a link opens it again anywhere.

``?scenario=preset:NAME`` is a built-in scenario, ``?scenario=NAME`` an entry of the scenario
library — when served with sign-in, the person's own entry of that name, else a shared one;
never anyone else's unshared entry. The page is the URL's path (``/timeline``,
``/reservations``; st.navigation names a page after its file). An edited scenario has no
name, so its URL carries none: save it in the library to share it. An unknown name shows a
warning and the default scenario.
"""

from __future__ import annotations

from urllib.parse import quote

import streamlit as st

import sim
from sim.model.files import DEFAULT
from sim.store.library import LibraryError
from ui import identity, state
from ui.text import md

PARAM = "scenario"
PRESET_PREFIX = "preset:"
NOTICE = "link_notice"  # a message about the link that opened this session


def resolve(name: str) -> tuple[sim.Scenario | None, str, str]:
    """(scenario, preset name, library name) for a link's ``scenario`` value, or
    (None, "", message) when it names nothing usable."""
    name = name.strip()
    if name.startswith(PRESET_PREFIX):
        preset = name.removeprefix(PRESET_PREFIX).strip()
        if preset in sim.preset_names():
            return sim.preset(preset), preset, ""
        known = ", ".join(sim.preset_names())
        return None, "", f"There is no built-in scenario “{preset}” (built-in: {known})."
    # Only what this person may see: their own entry, else a shared one of that name.
    lib = identity.library()
    try:
        try:
            return lib.load(name), "", name
        except LibraryError:
            if not any(shared == name for shared, _, _ in lib.shared()):
                raise
            return lib.load_shared(name), "", name
    except LibraryError:
        return None, "", f"There is no scenario “{name}” in the scenario library."
    except sim.ScenarioError as err:
        problems = "; ".join(str(p) for p in err.problems[:3])
        return None, "", f"The library entry “{name}” is not a valid scenario ({problems})."


def open_from_url() -> bool:
    """At the start of a session: open the scenario the URL names, if any.

    Returns True when the URL named one (even an unknown one, which leaves the default
    scenario and a warning).
    """
    name = st.query_params.get(PARAM)
    if not name:
        return False
    scenario, preset, entry = resolve(name)
    if scenario is None:
        # Plain text naming what the URL said: shown escaped (ui/text.py), never as Markdown.
        st.session_state[NOTICE] = md(f"{entry} Showing the default scenario “{DEFAULT}” instead.")
        state.set_current(sim.preset(DEFAULT), preset=DEFAULT)
        return True
    state.set_current(scenario, preset=preset, library=entry)
    return True


def current_name() -> str | None:
    """The ``scenario`` value naming what is shown, or None for an edited scenario."""
    scenario = state.scenario()
    preset = st.session_state.get(state.PRESET)
    if preset:
        return PRESET_PREFIX + preset
    entry = state.library_entry(scenario)
    return entry or None


def sync_url() -> None:
    """Keep ``?scenario=`` naming what is shown (removed once the scenario is edited)."""
    name = current_name()
    if name is None:
        if PARAM in st.query_params:
            del st.query_params[PARAM]
    elif st.query_params.get(PARAM) != name:
        st.query_params[PARAM] = name


def link(name: str) -> str:
    """The address of this page showing ``name`` (relative when the app's URL is unknown)."""
    base = st.context.url or ""
    return f"{base}?{PARAM}={quote(name, safe=':')}"


def show_notice() -> None:
    if message := st.session_state.pop(NOTICE, None):
        st.warning(message)


def show_link() -> None:
    """In the sidebar: a link that opens this scenario on this page."""
    name = current_name()
    if name is None:
        st.caption(
            "Link to this scenario: none while it is edited — save it in the Scenario "
            "library to get one."
        )
        return
    st.caption("Link to this scenario on this page:")
    st.code(link(name), language=None, wrap_lines=True)
