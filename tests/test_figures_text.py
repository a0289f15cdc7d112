"""Issue 16 point 7, figures: names are drawn as text, never as Plotly's HTML subset.

Plotly renders ``<b>``, ``<i>``, ``<a href>``, ``<br>`` in trace names, legends, tick and
axis labels, titles, annotations and hovers, and fills ``%{…}`` in hover templates. Every
figure is built from a run whose every name is hostile (tests/hostile_names.py) and its JSON
searched: no name may appear raw, and each appears escaped (``&lt;b&gt;…``), so it is shown.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import figures
import figures.replay
import sim
from figures.selection import selected_job
from figures.sweeps import metric_vs_parameter
from figures.tables import failed_jobs
from figures.text import esc, unesc
from tests import hostile_names as H

# Raw fragments that would render as markup or as a template field if they reached Plotly.
RAW = ("<b>", "<i>", "<a href", "%{x}", "%{y}", "<img")


@pytest.fixture(scope="module")
def run() -> sim.Result:
    return sim.run(sim.from_dict(H.hostile()))


def _text(fig) -> str:
    return json.dumps(fig.to_plotly_json(), default=str)


def _check(fig, *shown: str) -> str:
    """No raw name in ``fig``; each of ``shown`` in it escaped. Returns the JSON text."""
    text = _text(fig)
    for name in shown:
        assert json.dumps(esc(name))[1:-1] in text, name
    # Our own markup (<b> around a hover's first line, <br>) is allowed; a name's never is.
    for name in H.NAMES:
        for fragment in RAW:
            if fragment in name:
                i = name.index(fragment)
                piece = name[max(0, i - 3) : i + len(fragment) + 3]  # with a bit of the name
                assert json.dumps(piece)[1:-1] not in text, (name, piece)
    return text


def test_esc_by_hand():
    assert esc("<b>x</b> & %{y}") == "&lt;b&gt;x&lt;/b&gt; &amp; &#37;{y}"
    assert esc("&lt;") == "&amp;lt;"  # an entity typed in a name stays as typed
    for name in H.NAMES:
        assert unesc(esc(name)) == name
        assert "<" not in esc(name) and "%{" not in esc(name)


@pytest.mark.parametrize("color_by", ["user", "session", "mode"])
@pytest.mark.parametrize("overview", [False, True])
@pytest.mark.parametrize("webgl", [False, True])
def test_gantt(run, color_by, overview, webgl):
    fig = figures.gantt(
        run.timeline,
        run.jobs,
        run.events,
        color_by=color_by,
        end_time=run.end_time,
        title=H.BACKEND,
        overview_threshold=0 if overview else 10**9,
        webgl_threshold=0 if webgl else 10**9,
    )
    text = _check(fig, H.BACKEND, H.BACKEND2)
    assert fig.layout.title.text == "&lt;b&gt;qpu&lt;/b&gt;&#37;{x}"
    assert list(fig.layout.yaxis.ticktext)[:1] == ["&lt;b&gt;qpu&lt;/b&gt;&#37;{x}"]
    if color_by == "user":
        names = {t.name for t in fig.data if t.meta == "job"}
        assert names == {esc(H.USER_A), esc(H.USER_B)}
    if not overview:
        assert json.dumps(esc(H.WORKLOAD + ".1"))[1:-1] in text  # job ids in the hover


def test_clicked_bar_gives_back_the_job_id(run):
    fig = figures.gantt(run.timeline, run.jobs, run.events, end_time=run.end_time)
    (job,) = [t for t in fig.data if t.meta == "job" and t.name == esc(H.USER_A)]
    event = {"selection": {"points": [{"customdata": list(job.customdata[0])}]}}
    assert selected_job(event, set(run.jobs["job_id"])) == f"{H.WORKLOAD}.1"


def test_replay_gantt_and_failed_marks(run):
    fig = figures.replay.replay_gantt(
        run.timeline,
        run.jobs,
        run.events,
        end_time=run.end_time,
        moment=60.0,
        moment_label=H.USER_A,
        title=H.SCENARIO,
    )
    _check(fig, H.USER_A, H.SCENARIO)
    never_ran = failed_jobs(run.jobs, run.events)
    never_ran = never_ran[never_ran["started"].isna()]
    marks = [t for t in fig.data if t.meta == "failed"]
    # The hostile backend's failures still find its row (the tick label is escaped).
    assert bool(len(never_ran)) == bool(marks)


def test_queue_length(run):
    _check(figures.queue_length(run.events, end_time=run.end_time), H.BACKEND)


def test_comparison_charts(run):
    mine = run.jobs[run.jobs["workload"] == H.WORKLOAD]
    variants = {H.USER_A: mine, H.USER_B: mine.copy()}
    for fig in (
        figures.waits_by_job(variants, title=f"Wait of each {H.WORKLOAD} job"),
        figures.execution_order(variants, title=H.WORKLOAD2),
        figures.wait_distribution({H.USER_A: run.jobs}, by="user", title=H.BACKEND2),
    ):
        _check(fig, H.USER_A)
    # Identical series are named in a note under the title: escaped names there too.
    fig = figures.waits_by_job(variants, title=H.BACKEND)
    assert fig.layout.title.text.startswith(esc(H.BACKEND) + "<br>")
    assert esc(H.USER_A) in fig.layout.title.text and H.USER_A not in fig.layout.title.text


def test_metric_bars_and_failed_vs_parameter():
    values = pd.DataFrame({"variant": [H.USER_A, H.WORKLOAD2], "value": [60.0, 120.0]})
    fig = figures.metric_bars(values, title=H.BACKEND)
    _check(fig, H.USER_A, H.BACKEND)
    assert list(fig.data[0].x) == [esc(H.USER_A), esc(H.WORKLOAD2)]
    table = pd.DataFrame({"x": [1.0, 2.0], "failed": [0, 3], "series": [H.USER_A, H.USER_A]})
    for seconds in (False, True):
        fig = figures.failed_vs_parameter(table, x_title=H.WORKLOAD2, seconds=seconds)
        _check(fig, H.USER_A, H.WORKLOAD2)


def test_metric_vs_parameter():
    parameter = f"workloads.{H.WORKLOAD}.mode"
    table = pd.DataFrame(
        {
            parameter: [H.USER_A, H.USER_B],
            f"workloads.{H.WORKLOAD2}.rate": [H.BACKEND, H.BACKEND2],
            "workload": [H.WORKLOAD, H.WORKLOAD],
            "mean_wait": [60.0, 600.0],
            "mean_wait_low": [30.0, 300.0],
            "mean_wait_high": [90.0, 900.0],
        }
    )
    fig = metric_vs_parameter(
        table,
        parameter=parameter,
        metric="mean_wait",
        facet=f"workloads.{H.WORKLOAD2}.rate",
        title=H.SCENARIO,
    )
    _check(fig, H.WORKLOAD, H.USER_A, H.BACKEND, parameter)
    (line, *_) = [t for t in fig.data if t.meta == "mean"]
    assert "%{x}" in line.hovertemplate and "%{y" in line.hovertemplate  # ours still work
    assert np.array_equal(np.array(line.x, dtype=object), np.array([esc(H.USER_A)], dtype=object))
