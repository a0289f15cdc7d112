"""The sidebar every page shows: the current scenario's name, rule profile and run."""

from __future__ import annotations

import streamlit as st

import sim
from figures.timefmt import duration
from ui import state


def show(scenario: sim.Scenario, result: sim.Result) -> None:
    with st.sidebar:
        st.markdown(f"**Scenario:** {scenario.name}")
        overrides = f" + {len(scenario.overrides)} override(s)" if scenario.overrides else ""
        st.markdown(f"**Rule profile:** `{scenario.rules}`{overrides}")
        preset = st.session_state.get(state.PRESET) or "edited"
        jobs = result.jobs
        done = int((jobs["status"] == "DONE").sum())
        st.caption(
            f"preset: {preset} · seed {result.seed} · {len(jobs):,} jobs ({done:,} done) · "
            f"{duration(result.end_time)} simulated"
        )


def page(title: str, intro: str | None = None) -> tuple[sim.Scenario, sim.Result]:
    """Start a page: its title, the sidebar, and the current scenario and result."""
    scenario, result = state.current()
    show(scenario, result)
    st.title(title)
    if intro:
        st.caption(intro)
    return scenario, result
