"""The guided tour: the teaching presets step by step, each with its explanation, the Gantt with
the moment that matters, a replay slider showing the scheduler's state at any time, "why did
this job wait?", and — for the profile steps — the same scenario under two rule profiles."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

import figures.replay
from figures.timefmt import clock, duration
from sim.analysis.history import History
from sim.analysis.replay import state_at
from sim.experiments import tour as teaching
from ui import explain_panel, sidebar, state, widgets
from ui.text import md

STEP = "tour_step"
FLASH = "tour_flash"  # the message after "Open this preset on the other pages"


def _move(delta: int) -> None:
    st.session_state[STEP] = min(max(st.session_state.get(STEP, 0) + delta, 0),
                                 len(teaching.STEPS) - 1)  # fmt: skip


def choose_step() -> teaching.Step:
    steps = teaching.STEPS
    titles = [s.scenario.name for s in steps]
    left, mid, right = st.columns([1, 6, 1])
    left.button("◀ Previous", key="tour_prev", on_click=_move, args=(-1,),
                disabled=st.session_state.get(STEP, 0) == 0)  # fmt: skip
    right.button("Next ▶", key="tour_next", on_click=_move, args=(1,),
                 disabled=st.session_state.get(STEP, 0) == len(steps) - 1)  # fmt: skip
    index = mid.selectbox("Step", range(len(steps)), key=STEP,
                          format_func=lambda i: f"{i + 1}. {titles[i]}")  # fmt: skip
    return steps[index]


def replay(step: teaching.Step, result, history: History) -> str | None:
    """The annotated Gantt with a time slider; below it, the state at that time. Returns the
    job clicked on the chart, if any."""
    end = float(result.end_time)
    at = st.select_slider(
        "Replay: time since the start",
        options=replay_times(end),
        value=float(min(round(step.moment), math.floor(end))),
        format_func=clock,  # the time format of the panel below and of the chart's labels
        key=f"tour_at_{step.preset}",
        help="the solid line on the chart; the dashed one marks the moment this step is about",
    )
    colors = widgets.colors(step.scenario, "user")
    fig = figures.replay.replay_gantt(
        result.timeline, result.jobs, result.events, end_time=end, moment=step.moment,
        moment_label=step.moment_label, at=at, colors=colors,
    )  # fmt: skip
    event = st.plotly_chart(fig, key=f"tour_gantt_{step.preset}", on_select="rerun",
                            selection_mode="points", config={"displaylogo": False})  # fmt: skip
    now = state_at(result, at, history)
    st.markdown(f"**At {clock(at)}**")
    a, b, c = st.columns([2, 4.5, 3.5])
    with a:
        st.caption("Backend")
        for row in now.backends.itertuples():
            who = row.job_id or row.session_id
            who = f" {who} ({row.user})" if who else ""
            st.markdown(f"`{row.backend}`: {row.doing.replace('_', ' ')}{who}, "
                        f"since {clock(row.since)}")  # fmt: skip
    with b:
        st.caption("Queue, in the order the scheduler would take it")
        if now.queue.empty:
            st.markdown("empty")
        else:
            q = now.queue[["position", "job_id", "user", "why"]]
            widgets.table(q, key=f"tour_queue_{step.preset}", wrap={"why": 200},
                          widths={"position": 70})  # fmt: skip
    with c:
        st.caption("Sessions")
        if now.sessions.empty:
            st.markdown("none open yet")
        else:
            # Session ids ("alice-vqe:session") are wrapped, not cut off, in this narrow column.
            s = now.sessions[["session_id", "state", "since"]]
            widgets.table(s, key=f"tour_sessions_{step.preset}", wrap={"session_id": 130})
    return explain_panel.clicked_job([event], result)


def replay_times(end: float) -> list[float]:
    """The replay slider's stops: every whole second of the run, and its end."""
    stops = [float(t) for t in range(math.floor(end) + 1)]
    return stops if end == stops[-1] else [*stops, end]


def compare(step: teaching.Step) -> None:
    runs = teaching.compare_profiles(step, runner=state.run)
    st.subheader(f"The same scenario under {step.profiles[0]} and {step.profiles[1]}")
    colors = widgets.colors(step.scenario, "user")
    figs = figures.replay.profile_gantts(runs, colors=colors, moment=step.moment,
                                         moment_label=step.moment_label)  # fmt: skip
    rows = []
    for col, (profile, fig) in zip(st.columns(2), figs.items(), strict=True):
        with col:
            widgets.chart(fig, key=f"tour_compare_{step.preset}_{profile}")
            explain_panel.show(runs[profile], step.job)
        jobs = runs[profile].jobs
        rows.append({
            "profile": profile,
            "done": int((jobs["status"] == "DONE").sum()),
            "failed": int(jobs["status"].isin(["ERROR", "CANCELLED"]).sum()),
            "reasons": ", ".join(sorted(set(jobs["reason"]) - {""})) or "-",
            "mean wait": duration(float(jobs["wait"].mean())),
            "last job done": clock(float(jobs["finished"].max())),
        })  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="tour_compare_table")


def main() -> None:
    sidebar.page(
        "Guided tour",
        "The session figures of IBM's documentation, replayed one by one: read the step, look "
        "at the marked moment, drag the replay slider, and ask why any job waited.",
    )
    step = choose_step()
    scenario = step.scenario
    result = state.run(scenario)
    history = History(result)
    st.subheader(md(scenario.name))
    st.markdown(step.explain(result, history))
    st.caption(f"preset `{step.preset}` · rule profile `{scenario.rules}` · "
               f"{len(result.jobs)} jobs")  # fmt: skip
    clicked = replay(step, result, history)
    st.subheader("Why did this job wait?")
    job = explain_panel.pick(result, clicked, key=f"tour_job_{step.preset}", default=step.job)
    if job:
        explain_panel.show(result, job, history)
    if step.profiles is not None:
        compare(step)
    if st.button("Open this preset on the other pages", key="tour_use_preset"):
        problems = state.set_scenario(scenario, preset=step.preset)
        if problems:
            st.error("; ".join(md(p) for p in problems))
        else:
            # Run the script again: the sidebar, drawn before this button, then shows the
            # new current scenario (and its link) at once, not after the next navigation.
            st.session_state[FLASH] = f"{md(scenario.name)} is now the current scenario."
            st.rerun()
    if message := st.session_state.pop(FLASH, None):
        st.success(message)
