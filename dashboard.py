"""Quantum scheduler simulator: Streamlit entry point (minimal placeholder)."""

import streamlit as st

import sim

st.set_page_config(page_title="Quantum scheduler simulator", layout="wide")


@st.cache_data(show_spinner="Simulating…")
def run_scenario(scenario_json: str):
    # Cached on the scenario's JSON: a plain string hashes reliably, a pydantic model may not.
    scenario = sim.Scenario.model_validate_json(scenario_json)
    return sim.run(scenario)


scenario = sim.preset("vqe-vs-background")
result = run_scenario(scenario.model_dump_json())

st.title("Quantum scheduler simulator")
st.caption(
    "A discrete-event simulation of IBM Quantum's job scheduler: "
    f"built-in scenario “vqe-vs-background”, {len(result.jobs)} jobs."
)
st.dataframe(result.jobs)
