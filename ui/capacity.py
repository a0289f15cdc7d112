"""The capacity-planning page: parameters and ranges in, metrics with confidence bands out.

The parameter choices, default ranges and target checks are plain functions (no Streamlit)
so they can be tested directly; :func:`page` wires them to widgets.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import pandas as pd
import streamlit as st

import figures.sweeps
import sim
from figures.timefmt import duration
from sim.analysis.measures import ALL
from sim.experiments import runs as experiments
from sim.model import parameters, settings
from sim.model.units import format_duration, parse_duration
from ui import replications, widgets
from ui.text import md

KEY = "capacity_sweep"  # session-state key of the sweep in progress
NONE = "(none)"
# metric → (label, kind)
METRICS: dict[str, tuple[str, str]] = {
    "mean_wait": ("mean wait", "duration"),
    "p95_wait": ("95th-percentile wait", "duration"),
    "makespan": ("makespan", "duration"),
    "failed": ("jobs not done", "count"),
    "usage_seconds": ("usage billed", "duration"),
    "utilization": ("utilization", "ratio"),
}


def _spread(value: float, fmt) -> str:
    return ", ".join(fmt(value * f) for f in (0.5, 1.0, 1.5))


def _rate(per_second: float) -> str:
    return f"{per_second * 3600:.4g}/h"


def candidates(scenario: sim.Scenario, also: Sequence[sim.Scenario] = ()) -> dict[str, str]:
    """Parameters worth sweeping in this scenario → a default list of values (text).

    Only parameters that can change a run are offered (``sim.model.parameters.inert``): no ITTL for
    a workload in job mode. ``also`` are more scenarios to consider, the points of a first
    parameter, so that after ``mode = job, session`` the session's ITTL is offered second.
    """
    out: dict[str, str] = {}
    runs = [scenario, *also]
    for w in scenario.workloads:
        base = f"workloads.{w.name}"
        if w.pattern == "stream" and w.rate:
            out[f"{base}.rate"] = _spread(w.rate, _rate)
        out[f"{base}.mode"] = "job, session, batch"
        out[f"{base}.copies"] = "1, 2, 3"
        if w.pattern != "stream" and w.jobs:
            out[f"{base}.jobs"] = ", ".join(str(max(1, round(w.jobs * f))) for f in (0.5, 1, 2))
        # Around the ITTL and max_time the run uses (R20, R21, R24), at the first of the
        # scenarios where the workload has a session (none: both are inert, dropped below).
        session = next((e for e in (settings.effective_settings(s, w.name) for s in runs)
                        if e.has_session), None)  # fmt: skip
        if session is not None and None not in (session.interactive_ttl, session.max_time):
            out[f"{base}.interactive_ttl"] = _spread(session.interactive_ttl, format_duration)
            out[f"{base}.max_time"] = _spread(session.max_time, format_duration)
    for i in scenario.instances:
        out[f"instances.{i.name}.share"] = _spread(i.share, lambda v: f"{v:g}")
    for b in scenario.backends:
        for k, c in enumerate(b.calibrations):
            if c.every:
                path = f"backends.{b.name}.calibrations.{k}.every"
                out[path] = _spread(c.every, format_duration)
    # Without an end, until defaults around the last stream's stop (or start).
    end = scenario.until or max((w.stop or w.start) for w in scenario.workloads) or 3600.0
    out["until"] = _spread(end, format_duration)
    return {p: v for p, v in out.items() if any(not parameters.inert(s, p) for s in runs)}


def points(scenario: sim.Scenario, path: str, text: str) -> list[sim.Scenario]:
    """The scenarios of ``path`` at the values in ``text``; [] while they are not valid (the
    error is shown when the sweep is built)."""
    try:
        return [parameters.apply(scenario, {path: v}) for v in parse_values(text)]
    except (sim.ScenarioError, ValueError):
        return []


def parse_values(text: str) -> list:
    """Comma-separated values as the CLI reads them (``20/h``, ``session``, ``3``)."""
    return [parameters.parse_value(v.strip()) for v in text.split(",") if v.strip()]


def meets_target(table: pd.DataFrame, metric: str, target: float, below: bool) -> pd.Series:
    """Whether each row meets the target for sure: the whole 95 % interval on the right side
    (the mean when there is no interval, with one replication). NA for a row with no value
    for the metric (a stream has no makespan): it neither meets nor misses the target."""
    high = table[f"{metric}_high"].fillna(table[metric])
    low = table[f"{metric}_low"].fillna(table[metric])
    ok = (high <= target) if below else (low >= target)
    return ok.astype("boolean").mask(table[metric].isna())


def duration_target(text: str) -> float | None:
    """A duration target as typed (``30m``, ``1h 30m``); None when empty or zero. A bare
    number other than 0 is refused: minutes or seconds would be a guess."""
    if not text.strip():
        return None
    value = parameters.parse_value(text.strip())
    if isinstance(value, int | float) and value:
        raise ValueError(f"give a unit, e.g. {text.strip()}m or {text.strip()}s")
    return parse_duration(text.strip()) or None


def verdict(
    view: pd.DataFrame, params: Sequence[str], meets: pd.Series, what: str
) -> tuple[str, str]:
    """Two sentences on the rows shown: how many of those with a value meet the target
    (``what`` says how, e.g. "whole 95 % interval below 30m"), and at which settings every
    shown workload with a value meets it."""
    ok = meets.loc[view.index]
    valued = int(ok.notna().sum())
    count = f"{int(ok.fillna(False).sum())} of {valued} rows with a value meet the target ({what})."
    if valued < len(view):
        count += f" {len(view) - valued} rows have no value for this measure and are not counted."
    good, total = [], 0
    for key, group in view.groupby(list(params), sort=False):
        here = ok.loc[group.index].dropna()
        if here.empty:
            continue
        total += 1
        if bool(here.all()):
            values = key if isinstance(key, tuple) else (key,)
            good.append(", ".join(f"{p} = {v}" for p, v in zip(params, values, strict=True)))
    if not good:
        settings = "No setting meets it for every shown workload that has a value."
    elif len(good) == total:
        settings = "Every setting meets it for every shown workload that has a value."
    else:
        settings = ("Settings where every shown workload that has a value meets it: "
                    + "; ".join(good) + ".")  # fmt: skip
    return count, settings


def _signature(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _settings(scenario: sim.Scenario):
    """The widgets choosing what to sweep; returns (vary, reps, seed, warmup) or None."""
    options = candidates(scenario)
    paths = list(options)
    left, right = st.columns(2)
    vary: dict[str, list] = {}
    with left:
        first = st.selectbox("Parameter", paths, key="cap_param1")
        values1 = st.text_input("Values (comma-separated)", options[first],
                                key=f"cap_values1_{first}")  # fmt: skip
    # The second parameter may be one that only matters at some values of the first.
    options2 = candidates(scenario, points(scenario, first, values1))
    with right:
        second = st.selectbox("Second parameter (optional)",
                              [NONE, *(p for p in options2 if p != first)],
                              key="cap_param2")  # fmt: skip
        values2 = ""
        if second != NONE:
            values2 = st.text_input("Values", options2[second], key=f"cap_values2_{second}")
    a, b, c = st.columns(3)
    reps = int(a.number_input("Replications per point", 1, 100, 3, key="cap_reps",
                              help="replication k uses seed SEED + k at every point "
                                   "(common random numbers)"))  # fmt: skip
    seed = int(b.number_input("Seed of replication 0", 0, 2**31, scenario.seed, key="cap_seed"))
    warm_text = c.text_input("Warm-up (waits of jobs submitted earlier are ignored)", "0",
                             key="cap_warmup")  # fmt: skip
    problems = []
    try:
        warmup = parse_duration(warm_text)
    except ValueError as err:
        problems.append(f"warm-up: {err}")
        warmup = 0.0
    for path, text in ((first, values1), (second, values2)):
        if path == NONE:
            continue
        if path in vary:
            problems.append(f"{path} is chosen twice")
        vary[path] = parse_values(text)
        if not vary[path]:
            problems.append(f"{path}: give at least one value")
    if problems:
        st.error("\n".join(f"- {md(p)}" for p in problems))
        return None
    return vary, reps, seed, warmup


def _controls(sweep: replications.Sweep | None, todo, signature, params, warmup) -> None:
    cols = st.columns(3)
    if cols[0].button("Run sweep", type="primary", key="cap_run",
                      help=f"{len(todo)} runs"):  # fmt: skip
        replications.start(KEY, todo, signature, params, warmup)
    # Enabled whenever there is a sweep: the click that stops a running one arrives while a
    # chunk computes, and a click on a finished sweep does nothing.
    cols[1].button("Stop", key="cap_stop", disabled=sweep is None,
                   on_click=replications.stop, args=(KEY,))  # fmt: skip
    can_resume = sweep is not None and not sweep.running and not sweep.complete
    cols[2].button("Resume", key="cap_resume", disabled=not can_resume,
                   on_click=replications.resume, args=(KEY,))  # fmt: skip


def _target(metric: str, kind: str, c, d) -> tuple[float | None, str, bool]:
    """The target widgets in columns ``c`` (value) and ``d`` (side): (target or None, the
    target as typed, whether to keep the metric below it)."""
    target: float | None
    if kind == "duration":
        # Typed with its unit; the chart draws it in the chart's own unit.
        text = c.text_input("Target (e.g. 30m or 2h; empty = none)", "",
                            key=f"cap_target_{metric}")  # fmt: skip
        try:
            target = duration_target(text)
        except ValueError as err:
            c.error(f"Target: {md(err)}")
            target = None
        shown_target = format_duration(target) if target else ""
    else:
        unit = "share 0–1" if kind == "ratio" else "jobs"
        target = c.number_input(f"Target ({unit}, 0 = none)", min_value=0.0, value=0.0,
                                key=f"cap_target_{metric}") or None  # fmt: skip
        shown_target = f"{target:g}" if target else ""
    below = d.radio("Keep it", ["below", "above"], horizontal=True, key="cap_side") == "below"
    return target, shown_target, below


def _chart(scenario: sim.Scenario, table: pd.DataFrame, params: Sequence[str], metric: str,
           shown: list[str], target: float | None, meets: pd.Series | None) -> None:  # fmt: skip
    label, kind = METRICS[metric]
    colors = widgets.colors(scenario, "user")
    by_user = {w.name: colors.get(w.user) for w in scenario.workloads}
    first = params[0]
    # Rates and durations on a numeric axis (per second and seconds here; the figure
    # chooses the unit it shows); modes and profiles as labels.
    raw = list(dict.fromkeys(table[first]))
    axis = parameters.numbers(first, raw)
    part, x_kind = table, "category"
    if axis is not None:
        x_kind, numbers = axis
        part = table.assign(**{first: table[first].map(dict(zip(raw, numbers, strict=True)))})
    fig = figures.sweeps.metric_vs_parameter(
        part, parameter=first, metric=metric, label=label, kind=kind, workloads=shown,
        colors={**by_user, ALL: "#444444"}, target=target, meets=meets, x_kind=x_kind,
        facet=params[1] if len(params) > 1 else None,
    )  # fmt: skip
    widgets.chart(fig, key="cap_chart")


def _table(view: pd.DataFrame, params: Sequence[str], metric: str, meets: pd.Series | None,
           what: str) -> None:  # fmt: skip
    """The rows shown, with the verdict on the target when there is one."""
    kind = METRICS[metric][1]
    display = view[[*params, "workload", "reps", metric, f"{metric}_low", f"{metric}_high"]]
    if kind == "duration":
        display = display.assign(**{c: display[c].map(duration) for c in display.columns[-3:]})
    if meets is not None:
        display = display.assign(meets_target=meets.loc[view.index])
        count, settings = verdict(view, params, meets, what)
        met = bool(meets.loc[view.index].fillna(False).any())
        (st.success if met else st.warning)(md(f"{count} {settings}"))  # values typed
    st.dataframe(display, hide_index=True, key="cap_table")


def _results(scenario: sim.Scenario, sweep: replications.Sweep) -> None:
    rows = sweep.frame()
    if rows.empty:
        return
    params = sweep.params
    table = experiments.summarize(rows, params)
    # Every metric here is non-negative: on screen an interval reaching below zero (few
    # replications, skewed waits) is cut at 0; the CSV downloads keep the raw t-interval.
    for m in METRICS:
        table[f"{m}_low"] = table[f"{m}_low"].clip(lower=0)
    names = [w.name for w in scenario.workloads] + [ALL]
    a, b, c, d = st.columns([2, 3, 2, 2])
    metric = a.selectbox("Metric", list(METRICS), format_func=lambda m: METRICS[m][0],
                         key="cap_metric")  # fmt: skip
    shown = b.multiselect("Workloads", names, default=names, key="cap_workloads")
    target, shown_target, below = _target(metric, METRICS[metric][1], c, d)
    meets = meets_target(table, metric, target, below) if target else None
    if not params:
        st.info("No parameter varied.")
        return
    _chart(scenario, table, params, metric, shown, target, meets)
    what = f"whole 95 % interval {'below' if below else 'above'} {shown_target}"
    _table(table[table["workload"].isin(shown)], params, metric, meets, what)
    d1, d2 = st.columns(2)
    with d1:
        widgets.csv_download("Download sweep.csv", experiments.sweep_table(rows, params),
                             "sweep.csv", key="cap_dl_sweep")  # fmt: skip
    with d2:
        widgets.csv_download("Download replications.csv",
                             experiments.replication_table(rows, params), "replications.csv",
                             key="cap_dl_reps")  # fmt: skip


def page(scenario: sim.Scenario) -> None:
    chosen = _settings(scenario)
    if chosen is None:
        return
    vary, reps, seed, warmup = chosen
    try:
        grid = experiments.grid(scenario, vary)
        todo = experiments.tasks(grid, reps, seed)
    except sim.ScenarioError as err:
        st.error("These settings cannot run:\n" + "\n".join(f"- {md(p)}" for p in err.problems))
        return
    params = list(vary)
    # Points that do not run as their values say (mode=batch without batch mode runs as a
    # session; an ITTL where there is no session) are said before anything runs.
    for note in parameters.notes(grid):
        st.info(md(note))  # it names workloads and values typed
    signature = _signature(scenario.model_dump_json(), vary, reps, seed, warmup)
    sweep = replications.current(KEY, signature)
    _controls(sweep, todo, signature, params, warmup)
    sweep = replications.current(KEY, signature)
    if sweep is None:
        st.caption(f"{len(todo)} runs: {reps} replication(s) at each of "
                   f"{len(todo) // reps} point(s). Press Run sweep.")  # fmt: skip
        return
    sweep = replications.advance(KEY)
    if math.isfinite(sweep.warmup) and sweep.warmup > 0:
        st.caption(f"Waits of jobs submitted in the first {duration(sweep.warmup)} are ignored.")
    _results(scenario, sweep)
    replications.keep_going(KEY)
