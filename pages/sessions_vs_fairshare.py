"""Sessions vs fair-share: one workload as configured (session or batch) and in job mode."""

import streamlit as st

import figures
from figures.colors import MODE_COLORS
from sim import compare
from ui import comparison, sidebar, widgets


def main() -> None:
    scenario, _ = sidebar.page(
        "Sessions vs fair-share",
        "Run one workload as configured (in a session or batch) and again as plain jobs in "
        "the fair-share queue, with the same seed: job k gets the same quantum and classical "
        "times in both runs (R33). A session holds the backend and bills wall-clock time; "
        "job mode bills quantum seconds only.",
    )
    candidates = [w for w in scenario.workloads if w.mode in ("session", "batch")]
    if not candidates:
        st.info(
            "This scenario has no session or batch workload to compare. Set a workload's "
            "mode to `session` or `batch` on the Scenario page, or load a preset such as "
            "vqe-vs-background."
        )
        return
    name = st.selectbox("Workload", [w.name for w in candidates], key="svf_workload")
    workload = next(w for w in candidates if w.name == name)
    configured = f"{workload.mode} (as configured)"
    variants = {configured: scenario, "job mode": compare.with_mode(scenario, name, "job")}
    colors = {configured: MODE_COLORS[workload.mode], "job mode": MODE_COLORS["job"]}
    runs = comparison.run_variants(variants)
    if runs is None:
        return

    user_colors = widgets.colors(scenario, "user")
    for col, (label, res) in zip(st.columns(2), runs.items(), strict=True):
        with col:
            fig = figures.gantt(
                res.timeline,
                res.jobs,
                res.events,
                color_by="user",
                colors=user_colors,
                backends=[workload.backend],
                end_time=res.end_time,
                title=label,
            )
            widgets.chart(fig, key=f"svf_gantt_{label}")

    metrics = {label: compare.workload_metrics(res, name) for label, res in runs.items()}
    st.subheader(f"{name} ({workload.user}) and everyone else")
    st.dataframe(comparison.metrics_table(metrics), hide_index=True, key="svf_metrics")
    comparison.metric_charts(
        metrics, ["makespan", "others_mean_wait", "idle_held", "usage_billed"], colors, "svf"
    )

    left, right = st.columns(2)
    with left:
        mine = {label: r.jobs[r.jobs["workload"] == name] for label, r in runs.items()}
        widgets.chart(
            figures.waits_by_job(mine, colors=colors, title=f"Wait of each {name} job"),
            key="svf_waits",
        )
    with right:
        others = {label: r.jobs[r.jobs["user"] != workload.user] for label, r in runs.items()}
        widgets.chart(
            figures.wait_distribution(others, colors=colors, title="Other users' waits"),
            key="svf_others",
        )

    comparison.replications(
        variants, name, ["makespan", "others_mean_wait", "usage_billed"], colors, "svf"
    )


main()
