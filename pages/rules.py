"""Rules: each profile's knobs side by side, with the rules they implement."""

import streamlit as st

import sim
from ui import knobs, sidebar, widgets


def main() -> None:
    scenario, _ = sidebar.page(
        "Rules",
        "IBM changed its scheduler's rules over time. A rule profile is a named set of knobs; "
        "a scenario picks one and may override any knob. R-numbers refer to the rules in "
        "the specification (semantics.md).",
    )
    profiles = st.multiselect(
        "Profiles to compare",
        list(sim.PROFILES),
        default=list(sim.PROFILES),
        key="rules_profiles",
    )
    only_diff = st.toggle("Only knobs that differ between them", key="rules_only_diff")
    table = knobs.profiles_table(scenario, profiles)
    if only_diff:
        table = knobs.differing(table, profiles)
    # Wrapped, not cut off: "what it decides" is the column people come to this page for.
    widgets.table(table, key="rules_table", wrap={"what it decides": 270},
                  widths={"rules": 70})  # fmt: skip

    st.subheader(f"This scenario: `{scenario.rules}`")
    if scenario.overrides:
        st.markdown(
            "Overrides: "
            + ", ".join(
                f"`{k}` = {knobs.knob_text(k, getattr(scenario.knobs, k))}"
                for k in scenario.overrides
            )
        )
    else:
        st.caption("No overrides: every knob has the profile's value.")


main()
