"""Iterative vs batch: the same jobs as an iterative session, a batch inside a session, batch
mode and plain jobs."""

import streamlit as st

import figures
import sim
from sim.experiments import compare
from ui import comparison, sidebar, state, widgets
from ui.text import md

ARMS = compare.SUBMISSION_WAYS
PLAIN = {"one after another (iterative)": "iterative", "all at once": "batch"}


def charts(scenario: sim.Scenario, runs: dict[str, sim.Result], name: str) -> dict[str, object]:
    """The measures and charts of the four runs (kept by ``state.derived`` while the scenario
    stays the same: a visit to another page and back does not redo them)."""
    colors = comparison.colors(scenario, ARMS)
    mine = {label: r.jobs[r.jobs["workload"] == name] for label, r in runs.items()}
    end = max(r.end_time for r in runs.values())
    return {
        "colors": colors,
        "metrics": {label: compare.workload_metrics(res, name) for label, res in runs.items()},
        "order": figures.execution_order(
            mine, end_time=end, colors=colors, title="Execution order"
        ),
        "waits": figures.waits_by_job(mine, colors=colors, title=f"Wait of each {name} job"),
    }


def choose(scenario: sim.Scenario):
    """The workload to compare, its four variants and how plain jobs are submitted; None
    without a candidate. A workload that cannot be submitted all four ways (an Open-plan one
    under ibm-2025 cannot open a session, R35) is not offered, and the page says why."""
    left, right = st.columns(2)
    plain = right.radio(
        "Plain jobs are submitted",
        list(PLAIN),
        horizontal=True,
        key="ivb_plain",
        help="an iterative loop waits for each result; a batch submits everything at once",
    )
    variants, refused = {}, {}
    for w in scenario.workloads:
        if w.pattern in ("iterative", "batch"):
            try:
                variants[w.name] = compare.submission_variants(scenario, w.name, PLAIN[plain])
            except sim.ScenarioError as err:
                refused[w.name] = err.problems
    for name, problems in refused.items():
        st.caption(f"Not offered: **{md(name)}** — " + "; ".join(md(p) for p in problems))
    if not variants:
        st.info(
            "This scenario has no iterative or batch workload (a fixed number of jobs) that "
            "can be submitted all four ways; streams are left as they are. Add one on the "
            "Scenario page, or load a preset such as iterative-vs-batch."
        )
        return None
    name = left.selectbox("Workload", list(variants), key="ivb_workload")
    workload = next(w for w in scenario.workloads if w.name == name)
    return workload, variants[name], plain


def main() -> None:
    scenario, result = sidebar.page(
        "Iterative vs batch",
        "The same jobs (same seed, so the same quantum times, R33) submitted four ways: an "
        "iterative loop in a session (R30), all at once in a session (R31), in batch mode "
        "(R24), and as plain jobs in the fair-share queue.",
    )
    chosen = choose(scenario)
    if chosen is None:
        return
    workload, variants, plain = chosen
    name = workload.name
    if not scenario.knobs.batch_mode:
        st.caption(f"Under `{scenario.rules}` there is no batch mode: it runs as a session.")
    runs = comparison.run_variants(variants)
    if runs is None:
        return
    drawn = state.derived(
        result, ("iterative_vs_batch", name, plain), lambda: charts(scenario, runs, name)
    )
    metrics, colors = drawn["metrics"], drawn["colors"]

    st.subheader(
        f"{md(name)}: {int(metrics['iterative session']['jobs'])} jobs by {md(workload.user)}"
    )
    comparison.metric_charts(
        metrics, ["makespan", "mean_wait", "usage_billed", "others_mean_wait"], colors, "ivb"
    )
    st.dataframe(comparison.metrics_table(metrics), hide_index=True, key="ivb_metrics")

    left, right = st.columns(2)
    with left:
        widgets.chart(drawn["order"], key="ivb_order")
    with right:
        widgets.chart(drawn["waits"], key="ivb_waits")
    comparison.gantt_grid(scenario, result, runs, workload.backend, "ivb",
                          ("iterative_vs_batch gantts", name, plain))  # fmt: skip


main()
