"""The comparison pages and the Reservations page, driven headless with Streamlit's AppTest
(issue 13, items 7, 11, 14): one colour means one thing per page, compared Gantts share size
and axis, the jobs failing at a window's end are one labelled cross, and a second visit to a
comparison page redraws it without recomputing."""

from __future__ import annotations

import json

import pytest

import figures
import sim
from figures.colors import delta_e
from sim.experiments import compare
from tests.test_pages import goto, start


def charts(at) -> dict[str, dict]:
    """Figure JSON by widget key (the element id ends with the key)."""
    return {c.proto.id.split("-", 2)[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def job_colours(fig: dict) -> dict[str, str]:
    """Colour of each job group (user) of a Gantt."""
    return {t["name"]: t["marker"]["color"] for t in fig["data"] if t.get("meta") == "job"}


def arm_colours(fig: dict) -> set[str]:
    out: set[str] = set()
    for t in fig["data"]:
        colour = (t.get("line") or {}).get("color") or (t.get("marker") or {}).get("color")
        out.update(colour if isinstance(colour, list) else [colour])
    return out


def test_sessions_page_arm_colours_never_collide_with_user_colours():
    at = goto(start("vqe-vs-background"), "sessions_vs_fairshare")
    figs = charts(at)
    users: dict[str, str] = {}
    for key in ("svf_gantt_session (as configured)", "svf_gantt_job mode"):
        users.update(job_colours(figs[key]))
    assert set(users) == {"alice", "bob", "carol"}
    arms = set()
    for key in ("svf_makespan", "svf_usage_billed", "svf_waits", "svf_others"):
        arms |= arm_colours(figs[key])
    assert len(arms) == 2  # session (as configured) and job mode
    assert not arms & set(users.values())
    assert min(delta_e(a, u) for a in arms for u in users.values()) > 25


def test_sessions_page_gantts_have_one_height_axis_and_plot_width():
    at = goto(start("vqe-vs-background"), "sessions_vs_fairshare")
    figs = charts(at)
    configured, job = figs["svf_gantt_session (as configured)"], figs["svf_gantt_job mode"]
    # Only the configured run has a session row, yet both charts are the same size.
    assert "↳ vqe:session" in configured["layout"]["yaxis"]["ticktext"]
    assert "↳ vqe:session" not in job["layout"]["yaxis"]["ticktext"]
    assert configured["layout"]["height"] == job["layout"]["height"]
    assert configured["layout"]["xaxis"]["range"] == job["layout"]["xaxis"]["range"]
    assert configured["layout"]["xaxis"]["title"] == job["layout"]["xaxis"]["title"]
    assert configured["layout"]["margin"]["l"] == job["layout"]["margin"]["l"]
    # The shared axis runs to the later of the two ends (job mode takes longer here).
    base = sim.preset("vqe-vs-background")
    ends = [sim.run(base).end_time, sim.run(compare.with_mode(base, "vqe", "job")).end_time]
    assert configured["layout"]["xaxis"]["range"][1] == pytest.approx(max(ends) / 3600)


def test_iterative_page_arm_colours_never_collide_with_gantt_colours():
    at = goto(start("iterative-vs-batch"), "iterative_vs_batch")
    for by in ("user", "session", "mode"):
        at.radio(key="ivb_color_by").set_value(by).run()
        figs = charts(at)
        gantt = {c for k, f in figs.items() if k.startswith("ivb_gantt") for c in
                 job_colours(f).values()}  # fmt: skip
        arms = set()
        for key in ("ivb_makespan", "ivb_order", "ivb_waits"):
            arms |= arm_colours(figs[key])
        assert len(arms) == 4
        assert not arms & gantt, by
        heights = {f["layout"]["height"] for k, f in figs.items() if k.startswith("ivb_gantt")}
        assert len(heights) == 1


def test_reservations_gantt_marks_the_jobs_failing_at_the_window_end_once():
    at = goto(start("reservation-window"), "reservations")
    failed_now = {m.label: m.value for m in at.metric}
    n = int(failed_now["Failed when this window ended (02:00:00)"])
    assert n > 1
    (marks,) = [t for t in charts(at)["res_gantt"]["data"] if t.get("meta") == "failed"]
    assert marks["x"] == [2.0] and marks["text"] == [f"{n} failed"]


@pytest.mark.parametrize(
    ("page", "preset"),
    [("sessions_vs_fairshare", "vqe-vs-background"), ("iterative_vs_batch", "iterative-vs-batch")],
)
def test_a_second_visit_redraws_without_recomputing(page, preset, monkeypatch):
    calls = {"gantt": 0, "workload_metrics": 0}

    def counted(name, fn):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return fn(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(figures, "gantt", counted("gantt", figures.gantt))
    monkeypatch.setattr(
        compare, "workload_metrics", counted("workload_metrics", compare.workload_metrics)
    )
    at = goto(start(preset), page)
    first = dict(calls)
    assert first["gantt"] >= 2 and first["workload_metrics"] >= 2
    shown = charts(at)
    goto(at, "rules")
    goto(at, page)
    assert calls == first  # nothing rebuilt
    assert charts(at) == shown  # and the same charts shown
