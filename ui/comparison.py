"""Shared pieces of the comparison pages: running variants, metric tables and CI charts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import figures
import sim
from figures.colors import KIND_STYLE, NO_SESSION, arm_colors
from figures.timefmt import duration
from sim.analysis.measures import workload_rows
from sim.experiments import runs as experiments
from sim.experiments import worker
from ui import state, widgets
from ui.text import md

AUTO_REPLICATE_JOBS = 20_000  # above this, replications wait for the user to ask
CHARTS_PER_ROW = 2  # metric bar charts side by side: wide enough for unrotated arm names

# metric → (label, kind)
METRICS: dict[str, tuple[str, str]] = {
    "makespan": ("makespan", "duration"),
    "mean_wait": ("mean wait", "duration"),
    "max_wait": ("longest wait", "duration"),
    "others_mean_wait": ("other users' mean wait", "duration"),
    "idle_held": ("idle-held time", "duration"),
    "usage_billed": ("usage billed", "duration"),
    "failed": ("failed jobs", "count"),
}


def run_variants(variants: Mapping[str, sim.Scenario]) -> dict[str, sim.Result] | None:
    """Run every variant (cached); show the problems and return None if one cannot run."""
    try:
        return {label: state.run(s) for label, s in variants.items()}
    except sim.ScenarioError as err:
        st.error("This comparison cannot run:\n" + "\n".join(f"- {md(p)}" for p in err.problems))
        return None


def colors(scenario: sim.Scenario, arms: Sequence[str]) -> dict[str, str]:
    """Colours for the arms of a comparison, unlike every colour a Gantt of ``scenario`` can
    show (its users, sessions, modes, and the timeline kinds), whatever the colour-by."""
    avoid = [c for by in ("user", "session", "mode") for c in widgets.colors(scenario, by).values()]
    avoid += [style["color"] for style in KIND_STYLE.values()] + [NO_SESSION]
    return arm_colors(list(arms), avoid)


def gantts(
    runs: Mapping[str, sim.Result], backend: str, by: str, colors: Mapping[str, str]
) -> dict[str, go.Figure]:
    """One Gantt of ``backend`` per variant, on one time axis (zero to the latest end) and with
    the same size and legend, so that they can be compared at a glance."""
    end = max(float(r.end_time) for r in runs.values())
    figs = {
        label: figures.gantt(
            r.timeline, r.jobs, r.events, color_by=by, colors=colors, backends=[backend],
            end_time=end, time_range=(0.0, end), title=label,
        )
        for label, r in runs.items()
    }  # fmt: skip
    figures.align(list(figs.values()))
    return figs


def gantt_grid(
    scenario: sim.Scenario,
    result: sim.Result,
    runs: Mapping[str, sim.Result],
    backend: str,
    prefix: str,
    cache_key: tuple,
) -> None:
    """The variants' Gantts two by two under a "colour by" choice, built once per
    ``cache_key`` while ``result`` stays current (they take seconds for a big scenario)."""
    st.subheader("Timelines")
    by = widgets.color_by(f"{prefix}_color_by")
    drawn = state.derived(
        result,
        (*cache_key, by),
        lambda: gantts(runs, backend, by, widgets.colors(scenario, by)),
    )
    labels = list(runs)
    for row in (labels[:2], labels[2:]):
        for col, label in zip(st.columns(2), row, strict=False):
            with col:
                widgets.chart(drawn[label], key=f"{prefix}_gantt_{label}")


def metrics_table(metrics: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """Metric rows × variant columns, durations written out (``5m 02s``)."""
    rows = []
    for key, (label, kind) in METRICS.items():
        row = {"measure": label}
        for variant, values in metrics.items():
            v = values.get(key, float("nan"))
            row[variant] = duration(v) if kind == "duration" else f"{v:g}"
        rows.append(row)
    return pd.DataFrame(rows)


def metric_charts(
    metrics: Mapping[str, Mapping[str, float]], keys: list[str], colors, key: str
) -> None:
    """One small bar chart per metric, ``CHARTS_PER_ROW`` side by side."""
    for metric, col in zip(keys, _grid(len(keys)), strict=True):
        label, kind = METRICS[metric]
        values = pd.DataFrame(
            {"variant": list(metrics), "value": [m[metric] for m in metrics.values()]}
        )
        with col:
            widgets.chart(
                figures.metric_bars(values, title=label, kind=kind, colors=colors),
                key=f"{key}_{metric}",
            )


def _grid(n: int) -> list:
    """``n`` cells, ``CHARTS_PER_ROW`` to a row (a short last row keeps the cell width)."""
    cells: list = []
    while len(cells) < n:
        cells.extend(st.columns(CHARTS_PER_ROW))
    return cells[:n]


def replicated(
    variants: Mapping[str, sim.Scenario], workload: str, reps: int, keys: list[str]
) -> pd.DataFrame:
    """Long table ``metric, variant, value, low, high`` over ``reps`` replications of each
    variant, run by :mod:`sim.experiments.runs` (replication k: seed SEED + k in every variant, so
    the comparison is paired). Kept in the session, so a rerun of the page does not redo it;
    ``st.progress`` advances as replications finish."""
    base = next(iter(variants.values()))
    todo = [
        experiments.Task(i, rep, seed, s.model_dump_json(), (("variant", label),))
        for rep, seed in enumerate(experiments.seeds(base, reps))
        for i, (label, s) in enumerate(variants.items())
    ]
    signature = (workload, tuple(keys), tuple((t.seed, t.scenario_json) for t in todo))
    store = st.session_state.setdefault("comparison_replications", {})
    if signature not in store:
        bar = st.progress(0.0, text=f"Replications: 0 of {len(todo)} runs")

        def progress(done: int, total: int) -> None:
            bar.progress(done / total, text=f"Replications: {done} of {total} runs")

        # One run at a time, each in a bounded child process (sim.experiments.worker) that Stop
        # kills.
        out = experiments.run_tasks(
            todo,
            measure=partial(workload_rows, workload=workload),
            executor=worker.Bounded(cancel=state.stop_check()),
            progress=progress,
        )
        bar.empty()
        summary = experiments.summarize(out.rows, ["variant"], metrics=keys)
        long = [
            {"metric": m, "variant": row["variant"], "value": row[m], "low": row[f"{m}_low"],
             "high": row[f"{m}_high"]}
            for m in keys
            for _, row in summary.iterrows()
        ]  # fmt: skip
        store.clear()  # keep only the latest: the table is small, but reruns are many
        store[signature] = pd.DataFrame(long)
    return store[signature]


def replications(
    variants: Mapping[str, sim.Scenario], workload: str, keys: list[str], colors, key: str
) -> None:
    """Means with 95 % confidence intervals over replications (consecutive seeds)."""
    st.subheader("Replications")
    base = next(iter(variants.values()))
    small = sum(base.estimated_jobs().values()) <= AUTO_REPLICATE_JOBS
    if not st.toggle(
        "Run replications",
        value=small,
        key=f"{key}_replicate",
        help=f"on by default up to {AUTO_REPLICATE_JOBS:,} jobs per run; larger scenarios take "
        "a while per replication",
    ):
        return
    reps = st.number_input(
        "Replications (seeds)",
        min_value=1,
        max_value=50,
        value=5,
        step=1,
        key=f"{key}_reps",
        help="each variant is run with seeds seed, seed+1, …; same seeds for every variant",
    )
    seeds = experiments.seeds(base, int(reps))
    try:
        table = replicated(variants, workload, int(reps), keys)
    except sim.ScenarioError as err:
        st.error("\n".join(f"- {md(p)}" for p in err.problems))
        return
    st.caption(
        f"Seeds {seeds[0]}–{seeds[-1]}; bars are means, whiskers 95 % confidence intervals "
        "(Student t; none with a single replication)."
    )
    for metric, col in zip(keys, _grid(len(keys)), strict=True):
        label, kind = METRICS[metric]
        with col:
            widgets.chart(
                figures.metric_bars(
                    table[table["metric"] == metric],
                    title=f"{label} (mean)",
                    kind=kind,
                    colors=colors,
                ),
                key=f"{key}_ci_{metric}",
            )
    shown = table.assign(
        metric=table["metric"].map(lambda m: METRICS[m][0]),
        **{c: table[c].map(lambda v: duration(v) or "–") for c in ("value", "low", "high")},
    ).rename(columns={"value": "mean", "low": "95% CI low", "high": "95% CI high"})
    st.dataframe(shown, hide_index=True, key=f"{key}_ci_table")
