"""Issue 13, items 3 and 4, in the figures' JSON: WebGL Gantt bars are the SVG bars' rectangles
(same rows, same thickness, same patterned kinds, hover on every bar), the overview draws busy
time as area, every backend's chart and the queue chart share one time axis, a box drag zooms
time, and backends' lines never wear a job group's colour. The browser half is in
tests/test_browser_gantt.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import figures
import sim
from figures import colors
from figures.gantt import BAR
from tests.test_figures import _gantt, _traces, arr


@pytest.fixture(scope="module")
def contract() -> sim.Result:
    return sim.run(sim.preset("contract-example"))


@pytest.fixture(scope="module")
def mm1() -> sim.Result:
    return sim.run(sim.preset("mm1-queue"))


@pytest.fixture(scope="module")
def two_backends() -> sim.Result:
    """Two backends; a session with a long name on the second only."""
    return sim.run(
        sim.from_dict(
            {
                "name": "two backends",
                "seed": 3,
                "backends": [{"name": "ibm_a"}, {"name": "ibm_b"}],
                "instances": [{"name": "hub/grp/proj", "share": 1}],
                "users": [{"name": "u", "instance": "hub/grp/proj"}],
                "workloads": [
                    {
                        "name": "stream",
                        "user": "u",
                        "backend": "ibm_a",
                        "pattern": "stream",
                        "mode": "job",
                        "start": 0,
                        "stop": 600,
                        "rate": 0.02,
                        "quantum": 10,
                    },
                    {
                        "name": "a-rather-long-workload-name",
                        "user": "u",
                        "backend": "ibm_b",
                        "pattern": "iterative",
                        "mode": "session",
                        "start": 0,
                        "jobs": 5,
                        "quantum": 10,
                        "classical": 5,
                    },
                ],
            }  # fmt: skip
        )
    )


def _ticks(fig: dict) -> dict[str, float]:
    y = fig["layout"]["yaxis"]
    return dict(zip(y["ticktext"], y["tickvals"], strict=True))


def test_rows_run_down_from_zero_on_an_increasing_axis(contract):
    """WebGL (regl-line2d) mis-scales a reversed axis range once a chart is redrawn, which
    Streamlit always does: the rows are at negative y, the range [-total, 0] increasing."""
    fig = _gantt(contract)
    y = fig["layout"]["yaxis"]
    # One backend row (height 1) and one session row (height 0.5): total 1.5.
    assert list(y["range"]) == [pytest.approx(-1.5), 0]
    assert _ticks(fig) == {"ibm_alpha": -0.5, "↳ vqe:session": -1.25}


def _merged(a: np.ndarray, z: np.ndarray) -> list[tuple[float, float]]:
    """Union of intervals, touching ones joined."""
    out: list[list[float]] = []
    for s, e in sorted(zip(a.tolist(), z.tolist(), strict=True)):
        if out and s <= out[-1][1] + 1e-9:
            out[-1][1] = max(out[-1][1], e)
        elif e > s:
            out.append([s, e])
    return [(s, e) for s, e in out]


def test_webgl_bars_are_the_svg_bars_rectangles(contract):
    """Above the threshold each job trace is one filled polygon per row: for every bar it goes
    up at its start and down at its end, between the same bottom and top edges as the SVG bar
    (centre ± thickness / 2), so the same rectangles are filled in both modes."""
    svg = _gantt(contract)
    gl = _gantt(contract, webgl_threshold=0)
    ticks = _ticks(svg)
    for bar, poly in zip(_traces(svg, "job"), _traces(gl, "job"), strict=True):
        assert bar["name"] == poly["name"] and bar["type"] == "bar"
        assert poly["type"] == "scattergl" and poly["fill"] == "toself"
        assert poly["fillcolor"] == bar["marker"]["color"]
        base, width = arr(bar["base"]).astype(float), arr(bar["x"]).astype(float)
        centre, thick = arr(bar["y"]).astype(float), float(bar["width"])
        assert set(centre) == {ticks["ibm_alpha"]}  # jobs are on the backend's row
        x, y = arr(poly["x"]).astype(float), arr(poly["y"]).astype(float)
        assert set(y[~np.isnan(y)]) == {-0.5 - thick / 2, -0.5 + thick / 2}
        # Teeth: x where the outline goes up (bottom → top) and where it comes down.
        up = [i for i in range(len(x) - 1) if y[i] < y[i + 1]]
        down = [i for i in range(len(x) - 1) if y[i] > y[i + 1]]
        expected = np.array(_merged(base, base + width))
        assert len(up) == len(down) == len(expected)
        assert x[up] == pytest.approx(expected[:, 0]) and x[down] == pytest.approx(expected[:, 1])


def test_patterned_kinds_keep_their_look_in_webgl_mode(contract):
    """Calibrations, held and reserved idle time are SVG bars with their patterns whether or
    not the jobs are drawn with WebGL (unless they alone pass the threshold)."""
    tl = contract.timeline
    patterned = int(tl["kind"].isin(["calibration", "idle_held", "reserved_idle"]).sum())
    svg = _gantt(contract)
    gl = _gantt(contract, webgl_threshold=patterned)  # jobs and session bands pass it
    assert _traces(gl, "job")[0]["type"] == "scattergl"
    for kind, shape in (("calibration", "x"), ("idle_held", "/"), ("reserved_idle", ".")):
        (a,) = _traces(svg, kind)
        (b,) = _traces(gl, kind)
        assert b["type"] == "bar" and b["marker"]["pattern"]["shape"] == shape
        assert b["marker"] == a["marker"] and b["width"] == a["width"]
        assert list(arr(b["base"])) == list(arr(a["base"])) and list(arr(b["y"])) == list(
            arr(a["y"])
        )


def test_webgl_hover_points_lie_on_their_bars_and_carry_the_job_id(mm1):
    """Hover and click in WebGL mode: every job has a hover point at the middle of its bar's
    row, inside its bar, whose customdata is its job id (what a click on the chart selects);
    a long bar has one every 1/200 of the window, so hovering anywhere along it finds it."""
    fig = _gantt(mm1)
    (hover,) = _traces(fig, "hover")
    x, y = arr(hover["x"]).astype(float), arr(hover["y"]).astype(float)
    ids = [row[0] for row in hover["customdata"]]
    assert set(ids) == set(mm1.jobs["job_id"])
    assert set(y) == {-0.5}
    jobs = mm1.jobs.set_index("job_id")
    hours = x * 3600
    started = jobs.loc[ids, "started"].to_numpy()
    finished = jobs.loc[ids, "finished"].to_numpy()
    assert ((hours >= started - 1e-6) & (hours <= finished + 1e-6)).all()
    assert all(f"<b>{i}</b>" in t for i, t in zip(ids, hover["text"], strict=True))
    # The longest job, in points 1/200 of the run apart.
    longest = (jobs["finished"] - jobs["started"]).idxmax()
    span = float(jobs.loc[longest, "finished"] - jobs.loc[longest, "started"])
    assert ids.count(longest) == int(np.ceil(span / (mm1.end_time / 200)))


def test_overview_bars_are_as_tall_as_the_busy_share(contract):
    """Overview: a slice's bar is BAR × its busy share tall, standing on the bottom edge of
    the backend's bar band, so the area drawn is the busy time: summed over the slices, width
    × height / BAR is the jobs' total running time (worked out from the timeline)."""
    fig = _gantt(contract, overview_threshold=0)
    per = 3600.0  # contract-example spans hours
    assert fig["layout"]["xaxis"]["title"]["text"].endswith("(h)")
    area = 0.0
    for t in _traces(fig, "job"):
        width = arr(t["x"]).astype(float) * per
        tall = arr(t["width"]).astype(float)
        centre = arr(t["y"]).astype(float)
        assert (tall > 0).all() and (tall <= BAR + 1e-12).all()
        assert centre - tall / 2 == pytest.approx(np.full(len(tall), -0.5 - BAR / 2))
        area += float((width * tall / BAR).sum())
    ran = contract.timeline[contract.timeline["kind"] == "job"]
    assert area == pytest.approx(float((ran["end"] - ran["start"]).sum()), rel=1e-9)


def test_a_box_drag_zooms_time_and_never_the_rows(contract, mm1):
    for fig in (_gantt(contract), _gantt(contract, overview_threshold=0), _gantt(mm1)):
        assert fig["layout"]["dragmode"] == "zoom"
        assert fig["layout"]["yaxis"]["fixedrange"] is True
    queue = figures.queue_length(mm1.events, end_time=mm1.end_time).to_dict()
    assert queue["layout"]["dragmode"] == "zoom" and queue["layout"]["yaxis"]["fixedrange"]


def test_every_backends_chart_has_the_same_left_margin(two_backends):
    """The charts of one run share a left margin wide enough for the longest row label of any
    backend ("↳ a-rather-long-workload-name:session", 37 characters: 20 + 7.5 × 37 = 297.5
    px, rounded), so their time axes line up; the queue chart takes the same margin."""
    r = two_backends
    a = _gantt(r, backends=["ibm_a"])
    b = _gantt(r, backends=["ibm_b"])
    assert "↳ a-rather-long-workload-name:session" in _ticks(b)
    assert a["layout"]["margin"]["l"] == b["layout"]["margin"]["l"] == 298
    assert figures.label_margin(r.events) == 298
    queue = figures.queue_length(r.events, end_time=r.end_time, margin_left=298)
    assert queue.layout.margin.l == 298


def _reserved_colours() -> set[str]:
    out = set(colors.PALETTE) | set(colors.MODE_COLORS.values()) | {colors.NO_SESSION}
    return out | {s["color"] for s in colors.KIND_STYLE.values()}


def test_queue_lines_never_wear_a_job_groups_colour(contract, two_backends):
    """Issue 13: the queue line of ibm_beta was bob's red. Backends have colours (and dashes)
    of their own, none a job, mode, kind or Streamlit placeholder colour (#000001-#000040)."""
    fig = figures.queue_length(two_backends.events, end_time=two_backends.end_time).to_dict()
    lines = {t["name"]: t["line"] for t in fig["data"]}
    assert set(lines) == {"ibm_a", "ibm_b"}
    assert len({(v["color"], v["dash"]) for v in lines.values()}) == 2
    reserved = {c.upper() for c in _reserved_colours()}
    for line in lines.values():
        assert line["color"].upper() not in reserved
        assert not (line["color"].upper() <= "#000040" and line["color"].startswith("#0000"))
    (alpha,) = figures.queue_length(contract.events, end_time=contract.end_time).to_dict()["data"]
    bob = colors.color_map(["alice", "bob"])["bob"]
    assert alpha["line"]["color"] != bob and alpha["line"]["color"] not in colors.PALETTE
    styles = colors.backend_styles([f"b{i}" for i in range(7)])
    assert len({(s["color"], s["dash"]) for s in styles.values()}) == 7


def test_queue_length_draws_the_gantts_window(mm1):
    """With the Timeline's hour window the queue chart shows that window in the Gantt's unit,
    starting from the count in force at its start: jobs submitted by then, not yet started
    (worked out from the jobs table; every mm1 job runs)."""
    lo, hi = 10 * 3600.0, 12 * 3600.0
    fig = figures.queue_length(mm1.events, end_time=mm1.end_time, time_range=(lo, hi)).to_dict()
    gantt = _gantt(mm1, time_range=(lo, hi))
    assert fig["layout"]["xaxis"]["range"] == gantt["layout"]["xaxis"]["range"]
    assert fig["layout"]["xaxis"]["title"] == gantt["layout"]["xaxis"]["title"]
    (line,) = fig["data"]
    x, y = arr(line["x"]).astype(float), arr(line["y"])
    jobs = mm1.jobs
    waiting = int(((jobs["submitted"] <= lo) & (jobs["started"] > lo)).sum())
    assert x[0] == pytest.approx(600.0) and y[0] == waiting  # minutes: a 2-hour window
    assert x[-1] == pytest.approx(720.0)
    at = lo + 3600.0
    step = np.searchsorted(x, at / 60, side="right") - 1
    assert y[step] == int(((jobs["submitted"] <= at) & (jobs["started"] > at)).sum())


def test_label_margin_counts_backends_and_sessions():
    events = pd.DataFrame(
        {"backend": ["ibm_x", "ibm_x", None], "session_id": [None, "s:session", None]}
    )
    assert figures.label_margin(events) == round(20 + 7.5 * len("↳ s:session"))
