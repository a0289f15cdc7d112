"""Reservations: the windows on the timeline, the jobs that failed at a window's end, and
what-if controls for the window's end and the session's max_time."""

import math

import numpy as np
import pandas as pd
import streamlit as st

import figures
import figures.replay
import sim
from figures import tables
from figures.timefmt import clock, time_unit
from sim.experiments import compare
from ui import reasons, sidebar, state, widgets
from ui.text import md

GRID = 7  # points per what-if line
SERIES = {"reservation_ended": "reservation ended (R28)", "session_max_time": "max_time (R16)"}


def failures(result: sim.Result) -> dict[str, int]:
    """Failed jobs by series: the two reasons this page is about, and the total."""
    failed = result.jobs[result.jobs["status"].isin(["ERROR", "CANCELLED"])]
    counts = {label: int((failed["reason"] == reason).sum()) for reason, label in SERIES.items()}
    counts["all failed jobs"] = len(failed)
    return counts


def what_if(
    scenario: sim.Scenario, index: int, end: float, workload: str | None, max_time: float | None
) -> sim.Scenario:
    changed = compare.with_reservation(scenario, index, end=end)
    if workload is not None and max_time is not None:
        changed = compare.with_workload(changed, workload, max_time=max_time)
    return changed


def grid(values: list[float], make) -> pd.DataFrame:
    """Failed jobs for each value (values whose scenario is invalid are skipped)."""
    rows = []
    for x in values:
        try:
            counts = failures(state.run(make(x)))
        except sim.ScenarioError:
            continue
        rows.extend({"x": x, "series": s, "failed": n} for s, n in counts.items())
    return pd.DataFrame(rows, columns=["x", "series", "failed"])


def points(low: float, high: float, selected: float) -> list[float]:
    """Times (whole seconds) at which to run the what-if: GRID across [low, high] and the
    chosen one."""
    return sorted({*np.round(np.linspace(low, high, GRID)).tolist(), float(round(selected))})


def stops(low: float, high: float, chosen: float) -> list[float]:
    """A time slider's stops: every 5 minutes from ``low`` to ``high``, and ``chosen``."""
    return sorted({*(float(t) for t in range(int(low), int(high) + 1, 300)), float(round(chosen))})


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

    st.subheader("Jobs that failed")
    failed = tables.failed_jobs(result.jobs, result.events)
    at_end = failed[
        (failed["reason"] == "reservation_ended")
        & (failed["backend"] == res.backend)
        & np.isclose(failed["failed_at"], res.end)
    ]
    st.metric(f"Failed when this window ended ({clock(res.end)})", len(at_end))
    if failed.empty:
        st.success("No job failed in this run.")
    else:
        shown = failed.assign(why=failed["reason"].map(reasons.explain))
        columns = [
            "job_id",
            "workload",
            "user",
            "session_id",
            "submitted",
            "started",
            "failed_at",
            "status",
            "reason",
            "why",
        ]
        widgets.table(shown[columns], key="res_failed", wrap={"why": 360})

    st.subheader("What if")
    users = {u.name: u.instance for u in scenario.users}
    sessions = [
        w
        for w in scenario.workloads
        if w.backend == res.backend
        and users.get(w.user) == res.instance
        and w.mode in ("session", "batch")
    ]
    later = [
        r.start for r in scenario.reservations if r.backend == res.backend and r.start >= res.end
    ]
    length = res.end - res.start
    top = min([res.start + max(3 * length, length + 7200), *later])
    # Sliders and charts write times alike (README, "Dashboard": one time format).
    end = st.select_slider(
        "Window ends at (time since the start of the run)",
        options=stops((math.floor(res.start / 60) + 5) * 60, top // 60 * 60, res.end),
        value=float(round(res.end)),
        format_func=clock,
        key="res_end",
    )
    workload, max_time = None, None
    if sessions:
        name = st.selectbox(
            "Session whose max_time to vary", [w.name for w in sessions], key="res_session"
        )
        w = next(w for w in sessions if w.name == name)
        knobs = scenario.knobs
        default = w.max_time or (
            knobs.batch_max_time if w.mode == "batch" else knobs.default_max_time
        )
        low = max(5, math.ceil((w.interactive_ttl or 0) / 60))
        chosen_default = max(low * 60, round(default))
        max_time = st.select_slider(
            "Session max_time",
            options=stops(low * 60, knobs.max_time_limit // 60 * 60, chosen_default),
            value=float(chosen_default),
            format_func=clock,
            key="res_max_time",
        )
        workload = name
    else:
        st.caption("No session or batch of the reserved instance runs on this backend.")

    try:
        chosen = failures(state.run(what_if(scenario, index, end, workload, max_time)))
    except sim.ScenarioError as err:
        st.error("\n".join(f"- {md(p)}" for p in err.problems))
        return
    cols = st.columns(len(chosen))
    for col, (label, count) in zip(cols, chosen.items(), strict=True):
        col.metric(label, count)

    left, right = st.columns(2)
    with left:
        ends = points(res.start + 300, top, end)
        table = grid(ends, lambda t: what_if(scenario, index, t, workload, max_time))
        widgets.chart(
            figures.failed_vs_parameter(
                table,
                x_title="window end",
                selected=end,
                title="Failed jobs vs the window's end",
                seconds=True,
            ),
            key="res_grid_end",
        )
    with right:
        if workload is not None:
            times = points(low * 60, knobs.max_time_limit, max_time)
            table = grid(times, lambda t: what_if(scenario, index, end, workload, t))
            widgets.chart(
                figures.failed_vs_parameter(
                    table,
                    x_title="max_time",
                    selected=max_time,
                    title=f"Failed jobs vs {workload}'s max_time",
                    seconds=True,
                ),
                key="res_grid_max_time",
            )


main()
