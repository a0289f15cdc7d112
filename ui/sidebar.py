"""The sidebar every page shows: the current scenario's name, rule profile and run."""

from __future__ import annotations

import streamlit as st

import sim
from figures.timefmt import duration
from ui import drafts, identity, links, state
from ui.text import md


def show(scenario: sim.Scenario, result: sim.Result) -> None:
    with st.sidebar:
        st.markdown(f"**Scenario:** {md(scenario.name)}")
        overrides = f" + {len(scenario.overrides)} override(s)" if scenario.overrides else ""
        st.markdown(f"**Rule profile:** `{scenario.rules}`{overrides}")
        preset = st.session_state.get(state.PRESET)
        entry = state.library_entry(scenario)
        origin = f"preset: {preset}" if preset else (f"library: {entry}" if entry else "edited")
        origin = md(origin)  # a library entry's name is user text
        jobs = result.jobs
        done = int((jobs["status"] == "DONE").sum())
        st.caption(
            f"{origin} · seed {result.seed} · {len(jobs):,} jobs ({done:,} done) · "
            f"{duration(result.end_time)} simulated"
        )
        links.show_link()
        identity.show_signed_in()


def page(title: str, intro: str | None = None) -> tuple[sim.Scenario, sim.Result]:
    """Start a page: its title, the sidebar, and the current scenario and result."""
    # dashboard.py asks first; asked again here because a page can also be run on its own
    # (AppTest, Streamlit's pages/ mode): nobody unsigned reaches drafts or the library.
    identity.require()
    scenario, result = state.current()
    # This tab's id back in the URL on every page (a click in the navigation drops the URL's
    # parameters), then its draft if anything was changed.
    drafts.autosave()
    links.sync_url()
    show(scenario, result)
    st.title(title)
    links.show_notice()
    drafts.show_note()
    if intro:
        st.caption(intro)
    return scenario, result
