"""Timeline: what each backend did, the queue over time, and the jobs table."""

import pandas as pd
import streamlit as st

import figures
import sim
from ui import explain_panel, sidebar, state, widgets


def jobs_filter(jobs: pd.DataFrame) -> pd.DataFrame:
    a, b, c, d = st.columns([2, 2, 2, 2])
    users = a.multiselect("Users", sorted(jobs["user"].dropna().unique()), key="timeline_users")
    workloads = b.multiselect(
        "Workloads", sorted(jobs["workload"].dropna().unique()), key="timeline_workloads"
    )
    statuses = c.multiselect(
        "Status", sorted(jobs["status"].dropna().unique()), key="timeline_status"
    )
    text = d.text_input("Job id contains", key="timeline_job_text")
    keep = pd.Series(True, index=jobs.index)
    if users:
        keep &= jobs["user"].isin(users)
    if workloads:
        keep &= jobs["workload"].isin(workloads)
    if statuses:
        keep &= jobs["status"].isin(statuses)
    if text:
        keep &= jobs["job_id"].astype(str).str.contains(text, regex=False)
    return jobs[keep]


def time_window(result) -> tuple[float, float] | None:
    """For big runs, a slider to draw part of the run (few bars are drawn as SVG, many with
    WebGL, which is slow where the browser has no GPU)."""
    bars = int((result.timeline["kind"] != "idle").sum())
    if bars <= figures.WEBGL_THRESHOLD:
        return None
    hours = max(result.end_time / 3600, 0.01)
    low, high = st.slider(
        "Show hours",
        min_value=0.0,
        max_value=float(round(hours + 0.005, 2)),
        value=(0.0, float(round(hours + 0.005, 2))),
        step=0.01,
        key="timeline_window",
        help=f"{bars:,} bars in the whole run: drawn with WebGL above "
        f"{figures.WEBGL_THRESHOLD:,}; a shorter window may be drawn as plain bars",
    )
    return (low * 3600, high * 3600)


def overview_note(result, window: tuple[float, float] | None) -> None:
    """Say when a backend's chart is an overview rather than one bar per job."""
    tl = result.timeline
    if window is not None:
        tl = tl[(tl["end"] >= window[0]) & (tl["start"] <= window[1])]
    busiest = tl.loc[tl["kind"] == "job", "backend"].value_counts()
    if len(busiest) and busiest.iloc[0] > figures.OVERVIEW_THRESHOLD:
        st.caption(
            f"Over {figures.OVERVIEW_THRESHOLD:,} jobs on a backend in this window: its chart is "
            "an overview, each bar a short slice of time as tall as the share of it the backend "
            "was busy, in the colour of the group that used most of it. Pick fewer hours above "
            "to see single jobs."
        )


@st.fragment
def jobs_table(jobs: pd.DataFrame) -> None:
    """A fragment: filtering reruns only the table, not the (possibly large) charts."""
    st.subheader("Jobs")
    shown = jobs_filter(jobs)
    st.caption(f"{len(shown):,} of {len(jobs):,} jobs")
    if "running_since" in shown:
        # R41: RUNNING as the client sees it, right before the QPU start.
        columns = [c for c in shown.columns if c != "running_since"]
        columns.insert(columns.index("started"), "running_since")
        shown = shown[columns]
    widgets.table(shown, key="timeline_jobs")


def gantts(scenario: sim.Scenario, result: sim.Result, by: str, colors: dict, window) -> list:
    """One Gantt per backend in the time window; returns each chart's selection (a click)."""
    clicks = []
    overview_note(result, window)
    for backend in [b.name for b in scenario.backends]:
        fig = state.derived(
            result,
            ("gantt", backend, by, tuple(sorted(colors.items())), window),
            lambda backend=backend: figures.gantt(
                result.timeline,
                result.jobs,
                result.events,
                color_by=by,
                colors=colors,
                backends=[backend],
                end_time=result.end_time,
                time_range=window,
                title=backend,
            ),
        )
        clicks.append(
            st.plotly_chart(fig, key=f"timeline_gantt_{backend}", on_select="rerun",
                            selection_mode="points", config={"displaylogo": False})
        )  # fmt: skip
    return clicks


def queue_chart(result: sim.Result, window) -> None:
    st.subheader("Queue length")
    # Same window, unit and left margin as the Gantts above: one time axis down the page.
    queue = state.derived(
        result,
        ("queue_length", window),
        lambda: figures.queue_length(
            result.events,
            end_time=result.end_time,
            time_range=window,
            margin_left=figures.label_margin(result.events),
            title=None,
        ),
    )
    widgets.chart(queue, key="timeline_queue")


def downloads(result: sim.Result) -> None:
    st.subheader("Download the result tables")
    cols = st.columns(4)
    for col, name in zip(cols, ("jobs", "sessions", "timeline", "events"), strict=True):
        with col:
            widgets.csv_download(
                f"{name}.csv", getattr(result, name), f"{name}.csv", key=f"timeline_csv_{name}"
            )


def main() -> None:
    scenario, result = sidebar.page(
        "Timeline",
        "What each backend did. Hover a job for its times, wait, status and reason. Below each "
        "backend, a thin band per session: dark while active (holding the backend), light "
        "while inactive. With pre-processing lanes (R41), a thin row per lane shows each job's "
        "classical pre-processing — RUNNING for the client, not yet on the QPU. Click a job's "
        "bar to see why it waited.",
    )
    by = widgets.color_by("timeline_color_by")
    colors = widgets.colors(scenario, by)
    window = time_window(result)
    clicks = gantts(scenario, result, by, colors, window)
    queue_chart(result, window)
    jobs_table(result.jobs)

    st.subheader("Why did this job wait?")
    job = explain_panel.pick(result, explain_panel.clicked_job(clicks, result), "timeline_explain")
    if job:
        explain_panel.show(result, job)
    downloads(result)


main()
