"""Your program: a recorded Qiskit program (a `trace` workload from `python -m sim record`)
placed on a backend of the current scenario, as a session, a batch and plain jobs. The page
reads the YAML it is given; it never runs uploaded code (scripts run only through the CLI,
on the user's own machine)."""

from pathlib import Path

import streamlit as st

import sim
from sim.experiments import compare
from sim.kernel.trace import ARMS, read_workload, variants
from sim.model.units import format_duration, parse_duration
from ui import comparison, sidebar
from ui.text import md

KEY = "program_trace"  # (file name, the validated trace workload) in st.session_state
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "vqe_session.trace.yaml"


def load(name: str, data: bytes) -> None:
    try:
        st.session_state[KEY] = (name, read_workload(data, source=name))
        st.session_state.pop(KEY + "_problems", None)
    except sim.ScenarioError as err:
        st.session_state[KEY + "_problems"] = (name, [str(p) for p in err.problems])


def main() -> None:
    scenario, result = sidebar.page(
        "Your program",
        "A program you recorded with `python -m sim record SCRIPT.py --out program.yaml` (its "
        "sessions, jobs, think times and what each job waited for) placed on a backend of this "
        "scenario, and run three ways with the same seed: as a session, as a batch and as plain "
        "jobs. The other workloads of its user leave the scenario; everyone else's stay.",
    )
    left, right = st.columns([3, 1])
    with left:
        upload = st.file_uploader(
            "Recorded program (YAML from `sim record`)", type=["yaml", "yml"], key="program_upload"
        )
        if upload is not None and st.session_state.get(KEY + "_file") != upload.file_id:
            st.session_state[KEY + "_file"] = upload.file_id
            load(upload.name, upload.getvalue())
    with right:
        if st.button("Use the example (VQE in a session)", key="program_example"):
            load(EXAMPLE.name, EXAMPLE.read_bytes())
    if KEY + "_problems" in st.session_state:
        name, problems = st.session_state[KEY + "_problems"]
        st.error(f"**{md(name)}** is not a recorded program:\n\n"
                 + "\n".join(f"- {md(p)}" for p in problems))  # fmt: skip
    if KEY not in st.session_state:
        st.info("Upload a recorded program, or use the example.")
        return
    name, spec = st.session_state[KEY]

    backends = [b.name for b in scenario.backends]
    users = [u.name for u in scenario.users]
    mine = [w for w in scenario.workloads if w.pattern != "stream"]
    default_user = mine[0].user if mine else users[0]
    c1, c2, c3 = st.columns(3)
    backend = c1.selectbox("Backend", backends, key="program_backend")
    user = c2.selectbox("Run it as", users, index=users.index(default_user), key="program_user",
                        help="this user's own workloads leave the scenario")  # fmt: skip
    replaced = [w for w in scenario.workloads if w.user == user]
    default_start = replaced[0].start if replaced else 0.0
    start_text = c3.text_input("Starting at", format_duration(default_start),
                               key="program_start")  # fmt: skip
    try:
        start = parse_duration(start_text)
    except ValueError as err:
        c3.error(f"Starting at: {md(str(err))}")
        return
    try:
        arms = variants(scenario, spec, backend, user, start)
    except (ValueError, sim.ScenarioError) as err:
        problems = getattr(err, "problems", None) or [err]
        st.error("This program cannot be placed here:\n"
                 + "\n".join(f"- {md(str(p))}" for p in problems))  # fmt: skip
        return
    runs = comparison.run_variants(arms)
    if runs is None:
        return
    workload = arms["session"].workloads[-1].name
    colors = comparison.colors(scenario, list(ARMS))
    metrics = {label: compare.workload_metrics(r, workload) for label, r in runs.items()}
    st.subheader(f"{md(spec.name)} from {md(name)}: {spec.trace_jobs} jobs on {md(backend)} "
                 f"as {md(user)}")  # fmt: skip
    comparison.metric_charts(
        metrics, ["makespan", "mean_wait", "usage_billed", "others_mean_wait"], colors, "program"
    )
    st.dataframe(comparison.metrics_table(metrics), hide_index=True, key="program_metrics")
    comparison.gantt_grid(
        scenario,
        result,
        runs,
        backend,
        "program",
        ("your_program gantts", name, backend, user, start, spec.model_dump_json()),
    )


main()
