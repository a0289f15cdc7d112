"""Sessions vs fair-share: one workload as configured (session or batch) and in job mode."""

import streamlit as st

import figures
import sim
from sim.experiments import compare
from ui import comparison, sidebar, state, widgets
from ui.text import md


def charts(
    scenario: sim.Scenario, runs: dict[str, sim.Result], name: str, user: str, backend: str
) -> dict[str, object]:
    """The measures and charts of the two runs (kept by ``state.derived`` while the scenario
    stays the same: a visit to another page and back does not redo them)."""
    colors = comparison.colors(scenario, list(runs))
    mine = {label: r.jobs[r.jobs["workload"] == name] for label, r in runs.items()}
    others = {label: r.jobs[r.jobs["user"] != user] for label, r in runs.items()}
    return {
        "colors": colors,
        "gantts": comparison.gantts(runs, backend, "user", widgets.colors(scenario, "user")),
        "metrics": {label: compare.workload_metrics(res, name) for label, res in runs.items()},
        "waits": figures.waits_by_job(mine, colors=colors, title=f"Wait of each {name} job"),
        "others": figures.wait_distribution(others, colors=colors, title="Other users' waits"),
    }


def main() -> None:
    scenario, result = sidebar.page(
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
    runs = comparison.run_variants(variants)
    if runs is None:
        return
    drawn = state.derived(
        result,
        ("sessions_vs_fairshare", name),
        lambda: charts(scenario, runs, name, workload.user, workload.backend),
    )
    metrics, colors = drawn["metrics"], drawn["colors"]

    for col, label in zip(st.columns(2), runs, strict=True):
        with col:
            widgets.chart(drawn["gantts"][label], key=f"svf_gantt_{label}")

    st.subheader(f"{md(name)} ({md(workload.user)}) and everyone else")
    st.dataframe(comparison.metrics_table(metrics), hide_index=True, key="svf_metrics")
    comparison.metric_charts(
        metrics, ["makespan", "others_mean_wait", "idle_held", "usage_billed"], colors, "svf"
    )

    left, right = st.columns(2)
    with left:
        widgets.chart(drawn["waits"], key="svf_waits")
    with right:
        widgets.chart(drawn["others"], key="svf_others")

    comparison.replications(
        variants, name, ["makespan", "others_mean_wait", "usage_billed"], colors, "svf"
    )


main()
