"""Figure functions, checked through ``fig.to_dict()``: traces per colour group (never per
job), WebGL above the threshold, hover data, distinct looks per kind, stable colours."""

from __future__ import annotations

import base64
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import figures
import sim
from figures import colors, tables
from figures.gantt import OVERVIEW_BINS
from figures.timefmt import clock, clocks, duration, time_unit
from sim.experiments import compare

KINDS = (
    "calibration",
    "idle_held",
    "reserved_idle",
    "reservation",
    "session_active",
    "session_inactive",
)


@pytest.fixture(scope="module")
def contract() -> sim.Result:
    # One backend with calibrations, a session that goes inactive, a reservation window.
    return sim.run(sim.preset("contract-example"))


@pytest.fixture(scope="module")
def mm1() -> sim.Result:
    return sim.run(sim.preset("mm1-queue"))  # > 5,000 jobs


def arr(value) -> np.ndarray:
    """A trace array from ``to_dict()``: plotly sends numpy arrays as base64 typed arrays."""
    if isinstance(value, dict) and "bdata" in value:
        out = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return out.reshape(value["shape"]) if "shape" in value else out
    return np.asarray(value)


def _gantt(result: sim.Result, **kw):
    return figures.gantt(
        result.timeline, result.jobs, result.events, end_time=result.end_time, **kw
    ).to_dict()


def _traces(fig: dict, meta: str) -> list[dict]:
    return [t for t in fig["data"] if t.get("meta") == meta]


@pytest.mark.parametrize("by", ["user", "session", "mode"])
def test_gantt_has_one_job_trace_per_colour_group(contract, by):
    fig = _gantt(contract, color_by=by)
    jobs = contract.jobs
    groups = {
        "user": set(jobs["user"]),
        "session": set(jobs["session_id"].dropna()) | {"no session"},
        "mode": set(jobs["mode"]),
    }[by]
    job_traces = _traces(fig, "job")
    assert sorted(t["name"] for t in job_traces) == sorted(groups)
    assert len(job_traces) < len(jobs) / 10
    assert sum(len(arr(t["x"])) for t in job_traces) == (contract.timeline["kind"] == "job").sum()
    assert all(t["type"] == "bar" and t["orientation"] == "h" for t in job_traces)
    assert all(t["textposition"] == "none" for t in fig["data"] if t["type"] == "bar")


def test_gantt_bars_sit_on_a_numeric_time_axis(contract):
    fig = _gantt(contract)
    alice = next(t for t in _traces(fig, "job") if t["name"] == "alice")
    jobs = contract.jobs.set_index("job_id")
    first = alice["customdata"][0][0]
    # base and length are the job's start and duration, in the axis unit (hours here).
    assert fig["layout"]["xaxis"]["title"]["text"] == "time since start (h)"
    assert arr(alice["base"])[0] == pytest.approx(jobs.loc[first, "started"] / 3600)
    assert arr(alice["x"])[0] == pytest.approx(
        (jobs.loc[first, "finished"] - jobs.loc[first, "started"]) / 3600
    )
    assert all(isinstance(v, float) for v in arr(alice["base"]))  # numbers, not datetimes


def test_gantt_hover_shows_every_job_field(contract):
    fig = _gantt(contract)
    trace = next(t for t in _traces(fig, "job") if t["name"] == "alice")
    for i, field in enumerate(
        [
            "job id",
            "user",
            "session",
            "submitted",
            "started",
            "finished",
            "wait",
            "status",
            "reason",
        ]
    ):
        assert f"%{{customdata[{i}]}}" in trace["hovertemplate"], field
    row = list(trace["customdata"][0])
    job = contract.jobs.set_index("job_id").loc[row[0]]
    assert row[1] == job["user"] == "alice"
    assert row[2] == job["session_id"] == "vqe:session"
    assert row[3] == clock(job["submitted"]) and row[4] == clock(job["started"])
    assert row[5] == clock(job["finished"]) and row[6] == duration(job["wait"])
    assert row[7] == "DONE"


def test_gantt_draws_each_kind_distinctly(contract):
    fig = _gantt(contract)
    present = {t["meta"] for t in fig["data"]}
    assert set(KINDS) <= present
    looks = set()
    for kind in KINDS:
        (trace,) = _traces(fig, kind)
        marker = trace["marker"]
        looks.add((marker["color"], marker.get("pattern", {}).get("shape", "")))
        assert "customdata[0]" in trace["hovertemplate"]
    assert len(looks) == len(KINDS)
    job_colors = {t["marker"]["color"] for t in _traces(fig, "job")}
    assert not job_colors & {look[0] for look in looks}


def test_gantt_session_band_and_reservation_window(contract):
    fig = _gantt(contract)
    ticks = dict(
        zip(fig["layout"]["yaxis"]["ticktext"], fig["layout"]["yaxis"]["tickvals"], strict=True)
    )
    assert set(ticks) == {"ibm_alpha", "↳ vqe:session"}
    active = _traces(fig, "session_active")[0]
    assert set(arr(active["y"])) == {ticks["↳ vqe:session"]}
    assert active["width"] < _traces(fig, "job")[0]["width"]  # a thin band
    activations = (contract.events["event"] == "session_activate").sum()
    assert len(arr(active["x"])) == activations
    (window,) = _traces(fig, "reservation")
    assert arr(window["base"])[0] == pytest.approx(4.0) and arr(window["x"])[0] == pytest.approx(
        1.0
    )


def test_gantt_switches_to_webgl_rectangles_above_the_threshold(mm1):
    jobs = len(mm1.jobs)
    assert jobs > figures.WEBGL_THRESHOLD
    fig = _gantt(mm1)
    (trace,) = _traces(fig, "job")
    assert trace["type"] == "scattergl" and trace["fill"] == "toself"
    x = arr(trace["x"]).astype(float)
    # One comb-shaped polygon for the one row: up and down once per busy period (jobs back to
    # back make one tooth; so do jobs under 1e-7 of the row's span apart, here two idle gaps
    # of 6 and 69 ms in 200 h), four points each, no gaps.
    ran = mm1.jobs.sort_values("started")
    a, z = ran["started"].to_numpy(), ran["finished"].to_numpy()
    periods = 1 + int((a[1:] > z[:-1] + 1e-7 * (z.max() - a[0])).sum())
    assert len(x) == 4 * periods and not np.isnan(x).any()
    assert x[0] == pytest.approx(ran["started"].iloc[0] / 3600)
    assert trace["hoverinfo"] == "skip"
    (hover,) = _traces(fig, "hover")
    # At least one hover point per job (long jobs get one per 1/200 of the window).
    assert hover["type"] == "scattergl" and len(arr(hover["text"])) >= jobs
    assert "jobs.1</b>" in hover["text"][0] and "DONE" in hover["text"][0]


def test_gantt_time_range_draws_part_of_the_run(mm1):
    fig = _gantt(mm1, time_range=(3600.0, 5 * 3600.0))
    (trace,) = _traces(fig, "job")
    assert trace["type"] == "bar"  # few enough bars for SVG again
    assert fig["layout"]["xaxis"]["range"] == [pytest.approx(1.0), pytest.approx(5.0)]  # hours
    starts = arr(trace["base"]).astype(float) * 3600
    ends = starts + arr(trace["x"]).astype(float) * 3600
    assert (ends >= 3600 - 1e-6).all() and (starts <= 5 * 3600 + 1e-6).all()
    jobs = mm1.jobs
    overlapping = ((jobs["finished"] >= 3600) & (jobs["started"] <= 5 * 3600)).sum()
    assert len(starts) == overlapping


def test_webgl_threshold_is_a_parameter(contract):
    svg = _gantt(contract)
    gl = _gantt(contract, webgl_threshold=10)
    assert {t["type"] for t in svg["data"]} == {"bar"}
    assert {t["type"] for t in gl["data"]} == {"bar", "scattergl"}  # windows stay bars
    assert len(_traces(gl, "job")) == len(_traces(svg, "job"))
    (hover,) = _traces(gl, "hover")
    # Every segment drawn with WebGL (here all but the windows: even the patterned kinds pass
    # this threshold) has hover points: one per segment, more along long ones.
    segments = sum(len(arr(t["x"])) for t in svg["data"] if t["meta"] != "reservation")
    assert len(set(arr(hover["text"]))) == segments <= len(arr(hover["text"]))


def test_colours_come_from_sorted_names_and_are_stable():
    a = colors.color_map(["carol", "alice", "bob", "alice"])
    b = colors.color_map(["bob", "carol", "alice"])
    assert a == b and list(a) == ["alice", "bob", "carol"]
    assert len(set(a.values())) == 3
    assert colors.colors_for("mode", []) == colors.MODE_COLORS
    assert "no session" in colors.colors_for("session", ["x:session"])
    assert colors.color_map([None, "", float("nan"), pd.NA]) == {}


def test_gantt_uses_the_colours_it_is_given(contract):
    given = {"alice": "#123456", "bob": "#abcdef"}
    fig = _gantt(contract, colors=given)
    assert {t["name"]: t["marker"]["color"] for t in _traces(fig, "job")} == given


def test_gantt_of_one_backend_and_unknown_colour_by(contract):
    fig = _gantt(contract, backends=["ibm_alpha"])
    assert fig["data"]
    with pytest.raises(ValueError):
        _gantt(contract, color_by="colour")


def test_queue_length_is_a_step_line_per_backend(contract, mm1):
    fig = figures.queue_length(contract.events, end_time=contract.end_time).to_dict()
    (trace,) = fig["data"]
    assert trace["name"] == "ibm_alpha" and trace["line"]["shape"] == "hv"
    y = arr(trace["y"])
    assert y.min() == 0 and y[-1] == 0 and y.max() > 0
    q = tables.queue_length(contract.events)
    assert len(y) == len(q) + 2  # starts at 0, extends to the end of the run
    steps = tables.queue_length(mm1.events)
    assert len(steps) > 8000
    big = figures.queue_length(mm1.events, end_time=mm1.end_time).to_dict()["data"][0]
    assert big["type"] == "scatter" and len(arr(big["y"])) == 4002  # peaks of 4,000 intervals
    assert arr(big["y"]).max() == steps["queued"].max() and "at most" in big["hovertemplate"]
    exact = figures.queue_length(mm1.events, max_points=10**9).to_dict()["data"][0]
    assert exact["type"] == "scattergl" and len(arr(exact["y"])) == len(steps) + 2


def test_queue_length_counts_jobs_that_fail_in_the_queue():
    result = sim.run(sim.preset("reservation-window"))
    q = tables.queue_length(result.events)
    # reservation_ended jobs leave the queue when they fail, so the queue empties.
    assert q["queued"].iloc[-1] == 0 and (q["queued"] >= 0).all()


def test_step_envelope_keeps_each_intervals_peak():
    times = np.array([0.5, 1.2, 1.4, 3.5])
    values = np.array([1, 5, 2, 0])
    starts, peaks = tables.step_envelope(times, values, end=4.0, bins=4)
    assert list(starts) == [0.0, 1.0, 2.0, 3.0]
    assert list(peaks) == [1, 5, 2, 2]  # [2, 3) carries 2 in; [3, 4) starts at 2, drops to 0


def test_session_spans_alternate_states(contract):
    spans = tables.session_spans(contract.events, contract.end_time)
    states = list(spans["state"])
    assert states == ["active", "inactive", "active", "inactive", "active"]
    assert (spans["end"] > spans["start"]).all()
    assert (spans["start"].iloc[1:].to_numpy() == spans["end"].iloc[:-1].to_numpy()).all()


def test_reservation_windows_and_failed_jobs():
    result = sim.run(sim.preset("reservation-window"))
    windows = tables.reservation_windows(result.events, result.end_time)
    assert windows[["start", "end"]].values.tolist() == [[3600.0, 7200.0]]
    assert windows["instance"].tolist() == ["hub/lab/reserved"]
    failed = tables.failed_jobs(result.jobs, result.events)
    assert len(failed) > 0 and (failed["reason"] == "reservation_ended").all()
    assert (failed["failed_at"] == 7200.0).all()


def _variants() -> dict[str, pd.DataFrame]:
    base = sim.preset("vqe-vs-background")
    out = {}
    for mode in ("session", "job"):
        jobs = sim.run(compare.with_mode(base, "vqe", mode)).jobs
        out[mode] = jobs
    return out


def test_comparison_charts_have_one_trace_per_variant():
    variants = _variants()
    mine = {k: v[v["workload"] == "vqe"] for k, v in variants.items()}
    waits = figures.waits_by_job(mine).to_dict()
    assert [t["name"] for t in waits["data"]] == ["session", "job"]
    assert list(arr(waits["data"][0]["x"])) == list(range(1, 41))
    order = figures.execution_order(mine).to_dict()
    assert len(order["data"]) == 2 and len(arr(order["data"][0]["x"])) == 40
    others = figures.wait_distribution(
        {k: v[v["user"] != "alice"] for k, v in variants.items()}
    ).to_dict()
    assert [t["type"] for t in others["data"]] == ["box", "box"]
    assert set(arr(others["data"][0]["x"])) == {"bob", "carol"}


def test_metric_bars_draw_confidence_intervals():
    values = pd.DataFrame(
        {
            "variant": ["a", "b"],
            "value": [600.0, 1200.0],
            "low": [500.0, 900.0],
            "high": [700.0, 1500.0],
        }
    )
    fig = figures.metric_bars(values, title="makespan").to_dict()
    (bar,) = fig["data"]
    assert list(arr(bar["y"])) == [10.0, 20.0]  # minutes
    assert list(arr(bar["error_y"]["array"])) == [pytest.approx(100 / 60), pytest.approx(5.0)]
    assert list(arr(bar["error_y"]["arrayminus"])) == [pytest.approx(100 / 60), pytest.approx(5.0)]
    single = values.assign(low=np.nan, high=np.nan)
    bar = figures.metric_bars(single, title="makespan").to_dict()["data"][0]
    assert bar["error_y"]["visible"] is False
    counts = figures.metric_bars(values[["variant", "value"]], title="n", kind="count").to_dict()
    assert list(arr(counts["data"][0]["y"])) == [600.0, 1200.0]


def test_failed_vs_parameter_has_a_line_per_series_and_marks_the_choice():
    table = pd.DataFrame(
        {"x": [1, 2, 1, 2], "failed": [3, 1, 4, 2], "series": ["a", "a", "all", "all"]}
    )
    fig = figures.failed_vs_parameter(table, x_title="end (h)", selected=1.5).to_dict()
    assert [t["name"] for t in fig["data"]] == ["a", "all"]
    assert fig["data"][0]["line"]["dash"] != fig["data"][1]["line"]["dash"]
    assert any(s["x0"] == 1.5 for s in fig["layout"]["shapes"])
    empty = figures.failed_vs_parameter(table.iloc[:0], x_title="x").to_dict()
    assert empty["layout"]["annotations"]


def test_time_units_and_labels():
    assert time_unit(90) == ("s", 1.0)
    assert time_unit(3600) == ("min", 60.0)
    assert time_unit(6 * 3600) == ("h", 3600.0)
    assert time_unit(30 * 86400) == ("d", 86400.0)
    assert clock(3725) == "01:02:05" and clock(90061) == "1d 01:01:01" and clock(None) == ""
    assert clocks(np.array([3725.0, np.nan])) == ["01:02:05", ""]
    # A length reads like a moment (one format, README "Dashboard"): 302 s is 5 min 2 s.
    assert duration(42.25) == "00:00:42.2" and duration(302) == "00:05:02"
    assert duration(7500) == "02:05:00"  # 2 h 5 min, seconds kept (the old "2h 05m" dropped them)


def test_figures_and_the_model_import_no_streamlit():
    code = (
        "import sys, sim, sim.experiments.compare\n"
        "assert 'plotly' not in sys.modules and 'streamlit' not in sys.modules\n"
        "import figures\n"
        "assert 'streamlit' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_metric_vs_parameter_band_target_and_marks():
    from figures.sweeps import MEETS_COLOR, MISSES_COLOR, metric_vs_parameter

    # Hand-made summary: two points of a rate, one workload; waits in seconds.
    table = pd.DataFrame(
        {
            "workloads.bg.rate": ["10/h", "20/h"],
            "workload": ["bg", "bg"],
            "mean_wait": [60.0, 600.0],
            "mean_wait_low": [30.0, 300.0],
            "mean_wait_high": [90.0, 900.0],
        }
    )
    meets = pd.Series([True, False])
    fig = metric_vs_parameter(
        table, parameter="workloads.bg.rate", metric="mean_wait", target=300.0, meets=meets
    )
    band, line = fig.data
    assert band.meta == "band" and band.fill == "toself"
    # Up along the highs, back along the lows; 900 s top → minutes on the axis.
    assert list(band.y) == [1.5, 15.0, 5.0, 0.5]
    assert list(line.x) == ["10/h", "20/h"] and list(line.y) == [1.0, 10.0]
    assert list(line.marker.line.color) == [MEETS_COLOR, MISSES_COLOR]
    assert fig.layout.shapes[0].y0 == 5.0  # the target, 300 s, in minutes
    assert fig.layout.yaxis.title.text == "mean_wait (min)"


def test_gantt_overview_above_its_threshold_keeps_every_busy_second(contract):
    """Issue #6: above ``overview_threshold`` job segments the jobs become one bar per busy
    slice, in the colour of the group busiest in it. Worked out from the definitions: each
    bar's busy share times its width is the job time inside it, so the bars add up to the
    jobs' total running time, and no slice is drawn twice."""
    tl = contract.timeline
    ran = tl[tl["kind"] == "job"]
    fig = _gantt(contract, overview_threshold=0)
    bars = _traces(fig, "job")
    assert bars and {t["type"] for t in bars} == {"bar"}
    assert figures.is_overview(tl, 0) and not figures.is_overview(tl)
    unit_per_s = 1 / time_unit(contract.end_time)[1]
    busy = 0.0
    starts = []
    for t in bars:
        width = arr(t["x"]).astype(float) / unit_per_s
        share = np.array([float(row[4].rstrip("%")) / 100 for row in t["customdata"]])
        busy += float((width * share).sum())
        starts.extend(arr(t["base"]).astype(float).tolist())
        assert all(row[0] == t["name"] for row in t["customdata"])  # "mostly <group>"
    assert len(starts) == len(set(starts)) <= OVERVIEW_BINS
    # The shares are printed as whole percents: each slice may be off by half a percent.
    slack = 0.005 * len(starts) * contract.end_time / OVERVIEW_BINS
    assert busy == pytest.approx(float((ran["end"] - ran["start"]).sum()), abs=slack)


# --- issue 13, item 6: capacity-planning charts you can read -----------------------------------


def _summary(param: str, xs: list, waits: list[float], facet: dict | None = None) -> pd.DataFrame:
    """A hand-made summary table: one workload ``bg``, intervals ±10 % around the waits."""
    w = np.asarray(waits, dtype=float)
    data = {param: xs, "workload": ["bg"] * len(xs), "mean_wait": w,
            "mean_wait_low": 0.9 * w, "mean_wait_high": 1.1 * w}  # fmt: skip
    return pd.DataFrame({**(facet or {}), **data})


def test_sweep_panels_share_one_y_axis_and_one_unit():
    """Two parameters: one panel per mode, the same y axis (``matches``) in both, so the
    job panel's 50 min and the session panel's 1 min are drawn on one scale in minutes."""
    from figures.sweeps import metric_vs_parameter

    table = _summary("workloads.bg.copies", [1, 2, 1, 2], [600.0, 3000.0, 30.0, 60.0],
                     {"workloads.bg.mode": ["job", "job", "session", "session"]})  # fmt: skip
    fig = metric_vs_parameter(table, parameter="workloads.bg.copies", metric="mean_wait",
                              facet="workloads.bg.mode", x_kind="number")  # fmt: skip
    layout = fig.to_dict()["layout"]
    assert layout["yaxis2"]["matches"] == "y"
    assert layout["xaxis2"]["matches"] == "x"
    means = [t for t in fig.data if t.meta == "mean"]
    assert [(t.xaxis, t.yaxis) for t in means] == [("x", "y"), ("x2", "y2")]
    # 3000 s is at most 2 h: minutes, in both panels.
    assert list(means[0].y) == [10.0, 50.0] and list(means[1].y) == [0.5, 1.0]
    assert layout["yaxis"]["title"]["text"] == "mean_wait (min)"
    titles = [a["text"] for a in layout["annotations"]]
    assert titles == ["job", "session"]
    assert layout["title"]["text"] == "One panel per workloads.bg.mode"
    # One legend entry per workload, not one per panel.
    assert [t.showlegend for t in means] == [True, False]


def test_sweep_rates_and_durations_get_a_numeric_axis_in_a_stated_unit():
    from figures.sweeps import metric_vs_parameter

    # Rates per second (as sim.model.parameters.numbers gives them), typed out of order.
    rates = _summary("workloads.bg.rate", [14 / 3600, 7 / 3600, 28 / 3600], [60.0, 30.0, 90.0])
    fig = metric_vs_parameter(rates, parameter="workloads.bg.rate", metric="mean_wait",
                              x_kind="rate")  # fmt: skip
    (band, line) = fig.data
    assert fig.layout.xaxis.type == "linear"
    assert fig.layout.xaxis.title.text == "workloads.bg.rate (per hour)"
    assert list(line.x) == pytest.approx([7, 14, 28])  # sorted, 28/h twice as far as 14/h
    assert list(line.y) == [30.0, 60.0, 90.0]
    # Durations: 30 min at most → minutes.
    ttl = _summary("workloads.bg.interactive_ttl", [60.0, 300.0, 1800.0], [5.0, 6.0, 7.0])
    fig = metric_vs_parameter(ttl, parameter="workloads.bg.interactive_ttl",
                              metric="mean_wait", x_kind="duration")  # fmt: skip
    assert fig.layout.xaxis.type == "linear"
    assert fig.layout.xaxis.title.text == "workloads.bg.interactive_ttl (min)"
    assert list(fig.data[-1].x) == [1.0, 5.0, 30.0]


def test_sweep_target_is_in_the_axis_unit_and_labelled_outside_the_data():
    """Waits up to 1.65 h and a 3 h target: the axis is in hours (top 3 h ≤ 10 d), the line
    at 3, and its label says hours; the label sits right of the plotting area (paper x ≥ 1,
    anchored left), so it covers no point."""
    from figures.sweeps import metric_vs_parameter

    table = _summary("workloads.bg.copies", [1, 2], [1800.0, 5400.0])
    fig = metric_vs_parameter(table, parameter="workloads.bg.copies", metric="mean_wait",
                              x_kind="number", target=3 * 3600.0)  # fmt: skip
    assert fig.layout.yaxis.title.text == "mean_wait (h)"
    assert fig.layout.shapes[0].y0 == 3.0
    (label,) = [a for a in fig.layout.annotations if "target" in a.text]
    assert label.text.replace("<br>", " ") == "target 3 h"
    assert label.xref == "paper" and label.x >= 1 and label.xanchor == "left"
    assert label.yref == "y" and label.y == 3.0
    assert fig.layout.margin.r >= 60  # room for it


def test_one_time_format_with_tenths_only_under_a_minute():
    """Issue 13 item 8: the explain panel mixed ``3d 08:33:13`` and ``3d 8h 33m 17.383s``."""
    day = 86400
    assert clock(3 * day + 8 * 3600 + 33 * 60 + 13.383) == "3d 08:33:13"
    assert clock(120) == "00:02:00"  # the tour's panel said 0:02:00, its slider 120.00
    assert clock(7.46) == "00:00:07.5" and clock(7.04) == "00:00:07"
    assert clock(59.96) == "00:01:00" and clock(75.4) == "00:01:15"  # tenths only under 1 min
    assert duration(0.25) == "00:00:00.2"  # a quarter second does not vanish (half to even)


def test_clocks_match_clock_and_a_column_sorts_as_text():
    rng = np.random.default_rng(5)
    values = np.concatenate([rng.uniform(0, 70, 2000), rng.exponential(90_000, 2000),
                             [0.05, 0.25, 2.5, 59.95, 60.5, np.nan]])  # fmt: skip
    assert clocks(values) == [clock(v) for v in values]
    # Within a column every value has as many day digits as the largest, so that sorting the
    # text (as a table does) puts the times in order.
    column = clocks(values, column=True)
    by_value = [column[i] for i in np.argsort(values[:-1], kind="stable")]
    assert by_value == sorted(column[:-1])
    assert clocks([5, 12 * 86400 + 1], column=True) == ["00d 00:00:05", "12d 00:00:01"]
    assert clocks([120.0, 300.0], column=True) == ["00:02:00", "00:05:00"]


def test_failed_vs_parameter_in_seconds_draws_a_unit_axis_and_hovers_clock_times():
    """Issue 13 item 8: the what-if sliders showed minutes, their charts hours. Given seconds,
    the axis is in a unit named in its title and the hover writes the slider's hh:mm:ss."""
    table = pd.DataFrame({"x": [3600.0, 5400.0, 9000.0], "failed": [4, 2, 0]})
    fig = figures.failed_vs_parameter(table, x_title="window end", selected=5400.0, seconds=True)
    d = fig.to_dict()
    assert d["layout"]["xaxis"]["title"]["text"] == "window end (h)"  # 2.5 h span: hours
    assert list(arr(d["data"][0]["x"])) == [1.0, 1.5, 2.5]
    assert list(d["data"][0]["customdata"]) == ["01:00:00", "01:30:00", "02:30:00"]
    assert "window end %{customdata}" in d["data"][0]["hovertemplate"]
    assert any(s["x0"] == 1.5 for s in d["layout"]["shapes"])  # the chosen 1 h 30 min
