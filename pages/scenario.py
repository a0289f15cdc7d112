"""Scenario: pick a preset, edit the scenario as tables, upload or download it, run it."""

import streamlit as st

import sim
from figures.timefmt import duration
from sim.model.files import DEFAULT, starter
from sim.store.uploads import describe, parse_upload
from ui import drafts, scenario_editor, sidebar, state
from ui.text import md

FLASH = "scenario_flash"
UPLOAD_SEEN = "scenario_upload_seen"
UPLOAD_PROBLEMS = "scenario_upload_problems"


def load_row(scenario: sim.Scenario) -> None:
    """Preset picker, YAML upload and download."""
    left, middle, right = st.columns([2, 3, 1.3], vertical_alignment="bottom")
    with left:
        names = sim.preset_names()
        current = st.session_state.get(state.PRESET) or DEFAULT
        pick = st.selectbox(
            "Built-in scenario",
            names,
            index=names.index(current) if current in names else 0,
            key="scenario_preset_pick",
        )
        load, new = st.columns(2)
        if load.button("Load preset", key="scenario_load_preset"):
            replace(sim.preset(pick), f"Loaded and ran the preset “{md(pick)}”.", preset=pick)
        if new.button(
            "New scenario",
            key="scenario_new",
            help="A small scenario on today's platform (rules ibm-2025) to edit into your own",
        ):
            replace(starter(), "Started a new scenario on today's platform (ibm-2025).")
    with middle:
        upload = st.file_uploader(
            "Upload a scenario file (YAML or JSON)",
            type=["yaml", "yml", "json"],
            key="scenario_upload",
        )
        handle_upload(upload)
    with right:
        st.download_button(
            "Download as YAML",
            scenario.to_yaml().encode("utf-8"),
            file_name=slug(scenario.name) + ".yaml",
            mime="application/x-yaml",
            key="scenario_download",
            on_click="ignore",
        )
    if UPLOAD_PROBLEMS in st.session_state:
        name, messages = st.session_state[UPLOAD_PROBLEMS]
        st.error(
            f"**{md(name)}** was not loaded (the current scenario is unchanged):\n\n"
            + "\n".join(f"- {md(m)}" for m in messages)
        )


def replace(scenario: sim.Scenario, flash: str, preset: str = "") -> None:
    """Make ``scenario`` the current one and run it; its problems inline if it cannot run."""
    origin = "" if preset else "a new scenario"
    problems = state.set_scenario(scenario, preset=preset, origin=origin)
    if problems:
        st.error("\n".join(f"- {md(p)}" for p in problems))
    else:
        st.session_state[FLASH] = flash
        st.rerun()


def handle_upload(upload) -> None:
    """A new file replaces the scenario only if it is valid and runs."""
    if upload is None:
        st.session_state.pop(UPLOAD_SEEN, None)
        st.session_state.pop(UPLOAD_PROBLEMS, None)
        return
    if upload.file_id == st.session_state.get(UPLOAD_SEEN):
        return
    st.session_state[UPLOAD_SEEN] = upload.file_id
    try:
        new = parse_upload(upload.getvalue(), upload.name)
        problems = state.set_scenario(new, origin=f"uploaded file “{upload.name}”")
    except sim.ScenarioError as err:
        problems = err.problems
    if problems:
        st.session_state[UPLOAD_PROBLEMS] = (upload.name, [describe(p) for p in problems])
        return
    st.session_state.pop(UPLOAD_PROBLEMS, None)
    st.session_state[FLASH] = f"Loaded and ran {md(upload.name)}."
    st.rerun()


def slug(name: str) -> str:
    text = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    return "-".join(part for part in text.split("-") if part) or "scenario"


def summary(scenario: sim.Scenario, result: sim.Result) -> None:
    jobs = result.jobs
    status = jobs["status"].value_counts()
    util = result.utilization()
    cols = st.columns(6)
    cols[0].metric("Jobs", f"{len(jobs):,}")
    cols[1].metric("Done", f"{int(status.get('DONE', 0)):,}")
    cols[2].metric("Failed", f"{int(status.get('ERROR', 0) + status.get('CANCELLED', 0)):,}")
    cols[3].metric("Mean wait", duration(float(jobs["wait"].mean())) or "–")
    cols[4].metric("Utilization", f"{sum(util.values()) / max(len(util), 1):.0%}")
    cols[5].metric("Simulated", duration(result.end_time))
    if scenario.description:
        st.caption(md(scenario.description))


def main() -> None:
    scenario, result = sidebar.page(
        "Scenario",
        "Pick a built-in scenario or upload one, edit it below and run it. Durations are "
        "written as in a scenario file: 90s, 20m, 1h 30m; distributions as "
        "{exponential: 20s}.",
    )
    if message := st.session_state.pop(FLASH, None):
        st.success(message)
    load_row(scenario)
    st.subheader(f"Last run: {md(scenario.name)}")
    summary(scenario, result)
    st.divider()

    view = scenario_editor.render(scenario)
    drafts.autosave()  # what was just typed survives a reload
    if st.button("Run", type="primary", key="scenario_run"):
        if view.built is None:
            st.error(
                f"{len(view.problems)} problem(s) to fix first; each is shown below the input "
                "that caused it. Nothing was run."
            )
            return
        problems = state.set_scenario(view.built, preset=preset_of(view.built), reload_editor=False)
        if problems:
            located = view.locate(problems)
            view.place(located)
            st.error("Not run:\n" + "\n".join(f"- {md(p)}" for p in located))
            return
        st.session_state[FLASH] = f"Ran “{md(view.built.name)}”."
        st.rerun()
    elif view.problems:
        st.warning(
            f"{len(view.problems)} problem(s) below their inputs; Run is refused until fixed."
        )


def preset_of(scenario: sim.Scenario) -> str:
    name = st.session_state.get(state.PRESET) or ""
    return name if name and sim.preset(name) == scenario else ""


main()
