"""Reservations: the windows on the timeline, the jobs that failed at a window's end, and
what-if controls for the window's end and the session's max_time.

The page only lays out: the what-if scenarios, their ranges and the failure counts come from
:mod:`sim.experiments.reservations_whatif`, a session's settings from
:mod:`sim.model.settings`."""

import streamlit as st

import figures
import figures.replay
import sim
from figures import tables
from figures.timefmt import clock, time_unit
from sim.experiments import reservations_whatif as whatif
from sim.model.scenario import Reservation
from sim.model.settings import describe, effective_settings
from ui import reasons, sidebar, state, widgets
from ui.text import md


def _window_chart(scenario: sim.Scenario, result: sim.Result, res: Reservation) -> None:
    by = widgets.color_by("res_color_by")
    gantt = figures.gantt(
        result.timeline,
        result.jobs,
        result.events,
        color_by=by,
        colors=widgets.colors(scenario, by),
        backends=[res.backend],
        end_time=result.end_time,
        title=f"{res.backend} (reservation shaded, × jobs that failed without running)",
    )
    # The jobs that fail at the window's end never ran, so they have no bar: a labelled cross
    # per moment shows where and how many (the table below lists them).
    marks = figures.replay.failed_marks(
        result.jobs, result.events, gantt, time_unit(result.end_time)[1]
    )
    if marks is not None:
        gantt.add_trace(marks)
    widgets.chart(gantt, key="res_gantt")


def _failed_jobs(result: sim.Result, res: Reservation) -> None:
    st.subheader("Jobs that failed")
    failed = tables.failed_jobs(result.jobs, result.events)
    at_end = whatif.failed_at_window_end(failed, res)
    st.metric(f"Failed when this window ended ({clock(res.end)})", len(at_end))
    if failed.empty:
        st.success("No job failed in this run.")
        return
    shown = failed.assign(why=failed["reason"].map(reasons.explain))
    columns = ["job_id", "workload", "user", "session_id", "submitted", "started", "failed_at",
               "status", "reason", "why"]  # fmt: skip
    widgets.table(shown[columns], key="res_failed", wrap={"why": 360})


def _max_time_control(scenario: sim.Scenario, index: int):
    """The session whose max_time to vary, its chosen max_time and the range to chart; None
    when the reserved instance has no session on the backend."""
    sessions = whatif.sessions(scenario, index)
    if not sessions:
        st.caption("No session or batch of the reserved instance runs on this backend.")
        return None
    name = st.selectbox(
        "Session whose max_time to vary", [w.name for w in sessions], key="res_session"
    )
    # The run's own settings (R20, R21, R24): what the engine gives this session.
    st.caption(md(f"In this run, {name} {describe(effective_settings(scenario, name))}."))
    span = whatif.max_time_range(scenario, name)
    max_time = st.select_slider(
        "Session max_time",
        options=whatif.stops(span.low, span.high, span.current),
        value=float(round(span.current)),
        format_func=clock,
        key="res_max_time",
    )
    return name, max_time, span


def _what_if(scenario: sim.Scenario, index: int) -> None:
    st.subheader("What if")
    res = scenario.reservations[index]
    low, top = whatif.end_range(scenario, index)
    # Sliders and charts write times alike (README, "Dashboard": one time format).
    end = st.select_slider(
        "Window ends at (time since the start of the run)",
        options=whatif.stops(low, top, res.end),
        value=float(round(res.end)),
        format_func=clock,
        key="res_end",
    )
    picked = _max_time_control(scenario, index)
    workload, max_time = (picked[0], picked[1]) if picked else (None, None)
    try:
        chosen = whatif.failures(
            state.run(whatif.what_if(scenario, index, end, workload, max_time))
        )
    except sim.ScenarioError as err:
        st.error("\n".join(f"- {md(p)}" for p in err.problems))
        return
    cols = st.columns(len(chosen))
    for col, (label, count) in zip(cols, chosen.items(), strict=True):
        col.metric(label, count)

    left, right = st.columns(2)
    with left:
        ends = whatif.points(res.start + 300, top, end)
        table = whatif.grid(
            ends, lambda t: whatif.what_if(scenario, index, t, workload, max_time), state.run
        )
        widgets.chart(
            figures.failed_vs_parameter(table, x_title="window end", selected=end,
                                        title="Failed jobs vs the window's end", seconds=True),
            key="res_grid_end",
        )  # fmt: skip
    with right:
        if picked is not None:
            times = whatif.points(picked[2].low, picked[2].high, max_time)
            table = whatif.grid(
                times, lambda t: whatif.what_if(scenario, index, end, workload, t), state.run
            )
            widgets.chart(
                figures.failed_vs_parameter(table, x_title="max_time", selected=max_time,
                                            title=f"Failed jobs vs {workload}'s max_time",
                                            seconds=True),
                key="res_grid_max_time",
            )  # fmt: skip


def main() -> None:
    scenario, result = sidebar.page(
        "Reservations",
        "A reservation gives one instance a backend for a window; only its jobs run (R27). "
        "Its session jobs still pending when the window ends fail with reservation_ended, "
        "while the job running at that moment finishes (R28).",
    )
    if not scenario.reservations:
        st.info(
            "This scenario has no reservation. Add one on the Scenario page (backend, "
            "instance, start, end), or load the reservation-window preset."
        )
        return
    labels = [
        f"{i + 1}. {r.backend}: {r.instance}, {clock(r.start)} to {clock(r.end)}"
        for i, r in enumerate(scenario.reservations)
    ]
    index = st.selectbox(
        "Reservation", range(len(labels)), format_func=labels.__getitem__, key="res_pick"
    )
    res = scenario.reservations[index]
    _window_chart(scenario, result, res)
    _failed_jobs(result, res)
    _what_if(scenario, index)


main()
