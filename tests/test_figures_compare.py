"""Charts that compare variants must tell the truth at a glance (issue 13, items 5, 7, 11):
series that coincide stay visible and are named, bar labels are never rotated, arm colours
are unlike the colours of the page's users, compared Gantts share size, axis and legend, and
jobs failing together get one labelled cross instead of a pile."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import figures
import figures.replay
import sim
from figures import colors
from figures.tables import failed_jobs
from sim.experiments import compare


def _jobs(waits: list[float], start: float = 100.0) -> pd.DataFrame:
    """A workload's jobs table: job k waited waits[k-1] and started at start + 10 k."""
    n = len(waits)
    return pd.DataFrame(
        {
            "job_id": [f"w.{k}" for k in range(1, n + 1)],
            "wait": waits,
            "started": [start + 10.0 * k for k in range(1, n + 1)],
        }
    )


def _style(trace) -> tuple:
    return (trace.line.dash, trace.marker.symbol)


def test_equal_series_stay_distinguishable_and_are_named():
    same = _jobs([0.0, 60.0, 120.0, 30.0])
    variants = {"batch in a session": same, "batch mode": same.copy()}
    for fig in (figures.waits_by_job(variants), figures.execution_order(variants)):
        under, over = fig.data
        assert _style(under) != _style(over)
        # The series drawn first would be covered completely: it is drawn as a rim.
        assert under.line.width > over.line.width
        assert under.marker.size > over.marker.size
        assert "“batch in a session” = “batch mode” everywhere" in fig.layout.title.text
        assert fig.layout.meta["coincide"] == ["“batch in a session” = “batch mode” everywhere"]


def test_different_series_get_no_note_and_one_shared_point_no_rim():
    # Both start with a zero wait at job 1 (one shared point of four): nothing to hide.
    a, b = _jobs([0.0, 60.0, 120.0, 30.0]), _jobs([0.0, 10.0, 20.0, 40.0])
    fig = figures.waits_by_job({"a": a, "b": b})
    assert fig.layout.title.text == "Wait of each job"
    assert fig.data[0].line.width == fig.data[1].line.width
    assert _style(fig.data[0]) != _style(fig.data[1])


def test_failed_vs_parameter_series_equal_to_the_total_stays_visible():
    # Every failure is a reservation_ended one: that line equals the total at every point.
    table = pd.DataFrame(
        {
            "x": [1.0, 2.0, 3.0] * 3,
            "series": ["reservation ended"] * 3 + ["max_time"] * 3 + ["all failed jobs"] * 3,
            "failed": [55, 6, 0, 0, 0, 0, 55, 6, 0],
        }
    )
    fig = figures.failed_vs_parameter(table, x_title="window end (h)", title="Failed")
    ended, max_time, total = fig.data
    assert "“reservation ended” = “all failed jobs” everywhere" in fig.layout.title.text
    assert ended.line.width > total.line.width and ended.marker.size > total.marker.size
    # max_time shares one point of three with each (x=3, 0 failed): under the 2-point bar.
    assert max_time.line.width == total.line.width
    assert len({_style(t) for t in fig.data}) == 3


def test_metric_bar_labels_are_horizontal_and_wrapped():
    values = pd.DataFrame(
        {"variant": ["iterative session", "batch in a session", "plain jobs"], "value": [1, 2, 3]}
    )
    fig = figures.metric_bars(values, title="makespan", kind="count")
    assert fig.layout.xaxis.tickangle == 0
    assert list(fig.layout.xaxis.tickvals) == list(values["variant"])
    assert list(fig.layout.xaxis.ticktext) == [
        "iterative<br>session",
        "batch in a<br>session",
        "plain jobs",
    ]


def test_delta_e_of_known_colours():
    assert colors.delta_e("#FFFFFF", "#000000") == pytest.approx(100.0, abs=0.01)
    assert colors.delta_e("#EF553B", "rgb(239, 85, 59)") == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("users", [3, 10])
def test_arm_colours_are_unlike_every_colour_they_avoid(users):
    avoid = list(colors.PALETTE[:users]) + [s["color"] for s in colors.KIND_STYLE.values()]
    arms = colors.arm_colors(["iterative session", "batch in a session", "batch mode", "plain"],
                             avoid)  # fmt: skip
    chosen = list(arms.values())
    assert len(set(chosen)) == 4 and not set(chosen) & set(avoid)
    for c in chosen:
        assert min(colors.delta_e(c, a) for a in avoid) > 25
        assert min(colors.delta_e(c, o) for o in chosen if o != c) > 25
    # Deterministic: the same page colours give the same arm colours.
    assert colors.arm_colors(list(arms), avoid) == arms


def test_align_gives_compared_gantts_one_size_axis_and_legend():
    base = sim.preset("vqe-vs-background")
    runs = {"session": sim.run(base), "job mode": sim.run(compare.with_mode(base, "vqe", "job"))}
    end = max(r.end_time for r in runs.values())
    figs = [
        figures.gantt(r.timeline, r.jobs, r.events, backends=["ibm_alpha"], end_time=end,
                      time_range=(0.0, end), title=label)
        for label, r in runs.items()
    ]  # fmt: skip
    # The session run has a session row (and its legend entries), job mode has not.
    assert figs[0].layout.height != figs[1].layout.height
    figures.align(figs)
    assert figs[0].layout.height == figs[1].layout.height
    assert list(figs[0].layout.xaxis.range) == list(figs[1].layout.xaxis.range)
    assert figs[0].layout.margin.l == figs[1].layout.margin.l
    legend = [
        sorted((t.legendrank, t.name) for t in f.data if t.showlegend is not False and t.name)
        for f in figs
    ]
    assert legend[0] == legend[1]
    assert {"session active", "alice", "bob", "carol"} <= {name for _, name in legend[1]}
    # The entries job mode lacks carry no data.
    added = [t for t in figs[1].data if t.meta == "legend"]
    assert added and all(list(t.x) == [None] for t in added)


def test_failed_marks_give_jobs_failing_together_one_labelled_cross():
    res = sim.run(sim.preset("reservation-window"))
    failed = failed_jobs(res.jobs, res.events)
    never_ran = failed[failed["started"].isna()]
    at_end = never_ran[np.isclose(never_ran["failed_at"], 7200.0)]
    assert len(at_end) == len(never_ran) > 1  # all of them fail as the window ends (2 h)
    fig = figures.replay.replay_gantt(res.timeline, res.jobs, res.events, end_time=res.end_time)
    (marks,) = [t for t in fig.data if t.meta == "failed"]
    assert list(marks.x) == [2.0]  # hours
    assert list(marks.text) == [f"{len(at_end)} failed"]
    assert marks.customdata[0][0] == f"{len(at_end)} jobs failed at 02:00:00"
    assert all(j in marks.customdata[0][2] for j in at_end["job_id"].head(8))


def test_failed_marks_never_stack_and_a_lone_failure_is_unlabelled():
    base = sim.preset("reservation-window")
    res = sim.run(base)
    fig = figures.gantt(res.timeline, res.jobs, res.events, end_time=res.end_time)
    jobs = res.jobs.copy()
    failed = failed_jobs(res.jobs, res.events)
    ids = failed.loc[failed["started"].isna(), "job_id"].tolist()
    # Move the first failure an hour earlier in the events: two moments, two crosses.
    events = res.events.copy()
    first = (events["job_id"] == ids[0]) & (events["time"] == 7200.0)
    assert first.any()
    events.loc[first, "time"] = 3600.0
    marks = figures.replay.failed_marks(jobs, events, fig, 3600.0)
    points = list(zip(marks.x, marks.y, strict=True))
    assert len(points) == len(set(points)) == 2
    assert list(marks.text) == ["", f"{len(ids) - 1} failed"]
