"""Every dashboard page, driven headless with Streamlit's AppTest.

Each page runs inside the navigation app (``dashboard.py`` + ``switch_page``) on every preset
without raising; changing a control changes the data of the chart it drives (the Plotly
element's spec carries the figure JSON); the scenario editor refuses bad input beside the
field and keeps what was typed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import sim
from sim.model.files import DEFAULT, STARTER
from ui.text import md

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = str(ROOT / "dashboard.py")  # AppTest resolves relative paths against this file
TITLES = {
    "scenario": "Scenario",
    "timeline": "Timeline",
    "sessions_vs_fairshare": "Sessions vs fair-share",
    "iterative_vs_batch": "Iterative vs batch",
    "reservations": "Reservations",
    "rules": "Rules",
}
PAGES = list(TITLES)


def start(preset: str | None = None, page: str | None = None) -> AppTest:
    """The navigation app with ``preset`` as the current scenario, run on ``page`` (default:
    the first page, Scenario)."""
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    if preset is not None:
        at.session_state["scenario"] = sim.preset(preset)
        at.session_state["preset"] = preset
    if page is not None:
        at.switch_page(f"pages/{page}.py")  # no custom url_path, so allowed before a run
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def specs(at: AppTest) -> list[str]:
    return [chart.proto.spec for chart in at.get("plotly_chart")]


def sidebar_text(at: AppTest) -> str:
    return " ".join([m.value for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption])


def expected(scenario: sim.Scenario, page: str) -> str:
    """What the page should show for this scenario: charts, an info message, or a table."""
    if page == "timeline":
        return "charts"
    if page == "sessions_vs_fairshare":
        ok = any(w.mode in ("session", "batch") for w in scenario.workloads)
        return "charts" if ok else "info"
    if page == "iterative_vs_batch":
        ok = any(w.pattern in ("iterative", "batch") for w in scenario.workloads)
        return "charts" if ok else "info"
    if page == "reservations":
        return "charts" if scenario.reservations else "info"
    return "tables"


def test_first_visit_shows_the_default_preset_already_run():
    at = start()
    assert at.session_state["scenario"] == sim.preset(DEFAULT)
    assert "VQE session vs background load" in sidebar_text(at)
    assert "ibm-2024" in sidebar_text(at)
    assert at.title[0].value == "Scenario"
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Jobs"].replace(",", "")) == len(sim.run(sim.preset(DEFAULT)).jobs)
    # backends, calibrations, pauses (R40), instances, users, workloads, reservations, actions
    assert len(at.data_editor) == 8


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("preset", sim.preset_names())
def test_every_page_works_on_every_preset(preset, page):
    scenario = sim.preset(preset)
    at = start(preset, page)
    assert at.title[0].value == TITLES[page]
    assert scenario.name in sidebar_text(at)
    assert not at.error, [e.value for e in at.error]
    what = expected(scenario, page)
    if what == "charts":
        assert len(specs(at)) >= 1
    elif what == "info":
        assert at.info and not specs(at)
    elif page == "rules":
        assert len(at.dataframe) == 1
    else:
        assert len(at.data_editor) == 8  # the editor's tables, pauses (R40) included


def test_timeline_colour_by_changes_the_gantt():
    at = goto(start(), "timeline")
    before = specs(at)
    assert len(before) == 2  # one Gantt per backend, and the queue length
    assert '"name":"alice"' in before[0]
    at.radio(key="timeline_color_by").set_value("session").run()
    after = specs(at)
    assert after[0] != before[0] and '"name":"vqe:session"' in after[0]
    assert '"name":"no session"' in after[0]
    assert after[1] == before[1]  # the queue length does not depend on colours


def test_timeline_window_slider_for_big_runs():
    at = start("mm1-queue", "timeline")
    before = specs(at)[0]
    assert '"type":"scattergl"' in before  # 5,247 jobs: WebGL
    at.slider(key="timeline_window").set_value((0.0, 10.0)).run()
    after = specs(at)[0]
    assert '"type":"bar"' in after and '"type":"scattergl"' not in after
    small = start(DEFAULT, "timeline")
    assert not small.slider  # small runs draw everything, no slider


def test_timeline_jobs_filter_and_downloads():
    at = goto(start(), "timeline")
    total = len(at.dataframe[0].value)
    at.multiselect(key="timeline_users").set_value(["alice"]).run()
    assert 0 < len(at.dataframe[0].value) < total
    assert set(at.dataframe[0].value["user"]) == {"alice"}
    assert len(at.get("download_button")) == 4


def test_sessions_page_replications_and_workload_change_the_charts():
    at = goto(start(), "sessions_vs_fairshare")
    before = specs(at)
    at.number_input(key="svf_reps").set_value(2).run()
    after = specs(at)
    assert after != before
    assert after[:-3] == before[:-3]  # only the three replication charts changed
    at = goto(start("iterative-vs-batch"), "sessions_vs_fairshare")
    first = specs(at)
    at.selectbox(key="svf_workload").set_value("sweep").run()
    assert specs(at)[0] != first[0]


def test_iterative_page_plain_jobs_control_changes_the_charts():
    at = goto(start(), "iterative_vs_batch")
    before = specs(at)
    at.radio(key="ivb_plain").set_value("all at once").run()
    after = specs(at)
    assert after != before
    at.radio(key="ivb_color_by").set_value("mode").run()
    assert specs(at)[-1] != after[-1]


def test_reservations_what_if_changes_the_failures():
    at = goto(start("reservation-window"), "reservations")
    failed_before = {m.label: m.value for m in at.metric}
    assert int(failed_before["reservation ended (R28)"]) > 0
    before = specs(at)
    at.select_slider(key="res_end").set_value(10800.0).run()  # a window one hour longer
    failed_after = {m.label: m.value for m in at.metric}
    assert int(failed_after["reservation ended (R28)"]) < int(
        failed_before["reservation ended (R28)"]
    )
    assert specs(at)[1:] != before[1:]
    at.select_slider(key="res_max_time").set_value(1800.0).run()
    assert int({m.label: m.value for m in at.metric}["max_time (R16)"]) > 0


def test_rules_page_shows_the_chosen_profiles():
    at = goto(start("contract-example"), "rules")
    table = at.dataframe[0].value
    assert {"ibm-2023", "ibm-2024", "ibm-current", "this scenario"} <= set(table.columns)
    row = table.set_index("knob").loc["on_close"]
    assert row["rules"] == "R17" and row["this scenario"] == "drain (override)"
    at.multiselect(key="rules_profiles").set_value(["ibm-2023", "ibm-current"]).run()
    at.toggle(key="rules_only_diff").set_value(True).run()
    table = at.dataframe[0].value
    assert "ibm-2024" not in table.columns
    assert 0 < len(table) < len(sim.model.rules.KNOB_NAMES)


def _editor_input(at: AppTest, label: str):
    return next(t for t in at.text_input if t.label == label)


def test_scenario_run_applies_general_fields():
    at = start()
    at.number_input(key="editor:0:seed").set_value(8).run()
    at.button(key="scenario_run").click().run()
    assert not at.exception
    assert at.session_state["scenario"].seed == 8
    assert "seed 8" in sidebar_text(at)
    assert at.success and "Ran" in at.success[0].value


def test_scenario_invalid_input_is_shown_beside_it_and_kept():
    at = start()
    before = at.session_state["scenario"]
    _editor_input(at, "Until").set_value("-3h").run()
    assert any("until" in e.value and "negative" in e.value for e in at.error)
    at.button(key="scenario_run").click().run()
    assert not at.exception
    assert any("problem(s) to fix" in e.value for e in at.error)
    assert _editor_input(at, "Until").value == "-3h"  # kept as typed
    assert at.session_state["scenario"] == before  # nothing replaced
    _editor_input(at, "Until").set_value("").run()
    assert not at.error
    _editor_input(at, "Knob overrides").set_value("{on_close: maybe}").run()
    assert any(md("overrides.on_close") in e.value for e in at.error)  # escaped: ui/text.py


def test_scenario_edits_survive_a_visit_to_another_page():
    at = start()
    _editor_input(at, "Name").set_value("My what-if").run()
    goto(at, "timeline")
    goto(at, "scenario")
    assert _editor_input(at, "Name").value == "My what-if"


def test_scenario_loads_a_preset():
    at = start()
    at.selectbox(key="scenario_preset_pick").set_value("mm1-queue").run()
    at.button(key="scenario_load_preset").click().run()
    assert not at.exception
    assert at.session_state["scenario"] == sim.preset("mm1-queue")
    assert "M/M/1" in sidebar_text(at)
    assert _editor_input(at, "Name").value == sim.preset("mm1-queue").name


def test_a_new_scenario_starts_on_todays_platform():
    """Issue 15: scenarios made in the dashboard start on ibm-2025 (files without ``rules:``
    keep the contract's default, ibm-2024)."""
    at = start()
    assert at.session_state["scenario"].rules != "ibm-2025"  # the default preset
    at.button(key="scenario_new").click().run()
    assert not at.exception
    scenario = at.session_state["scenario"]
    assert scenario.rules == "ibm-2025"
    assert {i.plan for i in scenario.instances} == {"premium"}
    assert _editor_input(at, "Name").value == "New scenario"
    without_rules = STARTER.replace("rules: ibm-2025\n", "")
    assert sim.parse_text(without_rules).rules == "ibm-2024"


def test_scenario_upload_refuses_a_bad_file_and_accepts_a_good_one():
    at = start()
    before = at.session_state["scenario"]
    bad = b"name: x\nbackends: [{name: q}]\nworkloads: [{name: w, quantum: -3s}]\n"
    at.file_uploader(key="scenario_upload").set_value(("bad.yaml", bad, "application/x-yaml"))
    at.run()
    assert not at.exception
    assert any("bad.yaml" in e.value and "was not loaded" in e.value for e in at.error)
    assert at.session_state["scenario"] == before
    good = sim.preset("reservation-window").to_yaml().encode()
    at.file_uploader(key="scenario_upload").set_value(("good.yaml", good, "application/x-yaml"))
    at.run()
    assert not at.exception
    assert at.session_state["scenario"] == sim.preset("reservation-window")
    assert "Session inside a reservation" in sidebar_text(at)


def test_scenario_download_is_the_current_scenario_as_yaml():
    at = start("contract-example")
    (button,) = [b for b in at.get("download_button") if "YAML" in b.proto.label]
    assert button.proto.label == "Download as YAML"


def test_capacity_page_sweeps_stops_and_resumes():
    import pandas as pd

    from sim.experiments import runs as experiments

    at = goto(start(), "capacity")
    assert at.title[0].value == "Capacity planning"
    assert not specs(at)  # nothing runs until asked
    assert at.selectbox(key="cap_param1").value == "workloads.vqe.mode"
    at.number_input(key="cap_reps").set_value(2)
    at.button(key="cap_run").click().run()
    assert not at.exception and not at.error
    sweep = at.session_state["capacity_sweep"]
    assert sweep.complete and not sweep.running
    full = sweep.frame()
    assert len(specs(at)) == 1 and '"meta":"band"' in specs(at)[0]
    assert len(at.dataframe[0].value) == 3 * 4  # 3 modes × (3 workloads + all)
    assert len(at.get("download_button")) == 2
    at.text_input(key="cap_target_mean_wait").set_value("5m").run()
    assert "meets_target" in at.dataframe[0].value.columns
    assert "target" in specs(at)[0]

    # Halfway through and running: a click on Stop halts it before the next run, keeping
    # the partial results; Resume finishes it with the same numbers.
    sweep.done, sweep.rows, sweep.running = 3, sweep.rows[: 3 * 4], True
    at.button(key="cap_stop").click().run()
    sweep = at.session_state["capacity_sweep"]
    assert (sweep.done, sweep.running) == (3, False)
    assert "3 of 6 runs (stopped)" in str(at.get("progress")[0].proto)
    assert specs(at)  # partial results stay on screen
    at.button(key="cap_resume").click().run()
    sweep = at.session_state["capacity_sweep"]
    assert sweep.complete
    pd.testing.assert_frame_equal(sweep.frame(), full)
    # The page's runs are the API's (and so the CLI's): same seeds, same numbers.
    api = experiments.sweep(
        sim.preset(DEFAULT), {"workloads.vqe.mode": ["job", "session", "batch"]}, 2, workers=1
    )
    pd.testing.assert_frame_equal(full, api.rows)


def _table_with(at: AppTest, column: str):
    """The first dataframe that has ``column`` (st.dataframe keys are not kept by AppTest)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_tour_steps_replays_and_explains():
    at = goto(start(), "tour")
    assert at.title[0].value == "Guided tour"
    assert at.subheader[0].value == sim.preset("fig1-session-flow").name
    chart = specs(at)[0]
    assert '"name":"moment"' in chart and '"name":"replay_cursor"' in chart
    # The replay at 2m (the step's moment): alice-vqe.1 runs, Carol's jobs queue (R5).
    assert any("job alice-vqe.1 (alice)" in m.value for m in at.markdown)
    queue = _table_with(at, "position")
    assert queue["job_id"].iloc[0] == "carol-jobs.2"
    # The default explanation: bob-qaoa.1 waited behind Alice's session (R13, R14).
    assert any("bob-qaoa.1" in m.value and "waited 00:04:00" in m.value for m in at.markdown)
    at.select_slider(key="tour_at_fig1-session-flow").set_value(190.0).run()  # Bob has arrived
    queue = _table_with(at, "position")
    assert queue["job_id"].iloc[0] == "bob-qaoa.1"
    at.selectbox(key="tour_job_fig1-session-flow").set_value("alice-vqe.2").run()
    assert any("it did not wait" in m.value for m in at.markdown)
    at.button(key="tour_next").click().run()
    assert at.subheader[0].value == sim.preset("fig2-iterative").name
    at.selectbox(key="tour_step").set_value(4).run()  # jump to the first profile step
    assert not at.exception, [e.value for e in at.exception]
    assert at.subheader[0].value == sim.preset("profiles-close").name
    assert len(specs(at)) == 3  # the replay and one Gantt per profile
    table = _table_with(at, "profile").set_index("profile")
    assert "session_closed" in table.at["ibm-2023", "reasons"]
    assert table.at["ibm-2024", "failed"] == 0  # R17: close() drains under ibm-2024
    at.button(key="tour_use_preset").click().run()
    assert at.session_state["scenario"] == sim.preset("profiles-close")


def test_timeline_explains_the_picked_job():
    at = start("fig4-reservation", "timeline")
    at.selectbox(key="timeline_explain").set_value("gina-session.7").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "gina-session.7" in text and "reservation_ended" in text and "R28" in text


# --- issue 13, item 6: the Capacity planning page --------------------------------------------


def test_capacity_offers_only_parameters_that_apply():
    """vqe-vs-background: research and teaching are job-mode streams, so their ITTL and
    max_time do nothing and are not offered; until is. After research.mode = job, session
    the session's settings matter at some points and are offered second."""
    from ui.capacity import candidates, points

    s = sim.preset(DEFAULT)
    offered = candidates(s)
    for w in ("research", "teaching"):
        assert f"workloads.{w}.rate" in offered
        assert f"workloads.{w}.interactive_ttl" not in offered
        assert f"workloads.{w}.max_time" not in offered
    assert "workloads.vqe.interactive_ttl" in offered and "workloads.vqe.max_time" in offered
    assert offered["until"] == "3h, 6h, 9h"  # the preset's until, 6 h, halved and 1.5×
    second = candidates(s, points(s, "workloads.research.mode", "job, session"))
    assert "workloads.research.interactive_ttl" in second
    assert "workloads.teaching.interactive_ttl" not in second


def test_capacity_counts_only_rows_with_a_value():
    """Makespan exists for the iterative vqe, not for a stream: 2 settings × (vqe, stream).
    Target 1 h below: vqe meets it at 7/h (40–50 min) and misses at 14/h (70–80 min); the
    stream rows have no makespan and count neither way: 1 of 2, not 1 of 4."""
    import pandas as pd

    from ui.capacity import meets_target, verdict

    nan = float("nan")
    table = pd.DataFrame(
        {
            "workloads.bg.rate": ["7/h", "7/h", "14/h", "14/h"],
            "workload": ["vqe", "bg", "vqe", "bg"],
            "makespan": [2700.0, nan, 4500.0, nan],
            "makespan_low": [2400.0, nan, 4200.0, nan],
            "makespan_high": [3000.0, nan, 4800.0, nan],
        }
    )
    meets = meets_target(table, "makespan", 3600.0, below=True)
    assert meets.tolist() == [True, pd.NA, False, pd.NA]
    count, settings = verdict(table, ["workloads.bg.rate"], meets, "below 1h")
    assert count.startswith("1 of 2 rows with a value meet the target (below 1h).")
    assert "2 rows have no value" in count
    assert settings == (
        "Settings where every shown workload that has a value meets it: workloads.bg.rate = 7/h."
    )


def test_capacity_duration_target_is_typed_with_its_unit():
    from ui.capacity import duration_target

    assert duration_target("90m") == 5400.0 and duration_target("2h") == 7200.0
    assert duration_target("") is None and duration_target("0") is None
    with pytest.raises(ValueError, match="unit"):
        duration_target("30")  # minutes or seconds? refused, not guessed


def test_capacity_notes_batch_mode_under_a_profile_without_it():
    """ibm-2023 has no batch mode (R24): the default mode sweep says that batch runs as a
    session before anything runs."""
    at = start()
    at.session_state["scenario"] = sim.model.parameters.apply(
        sim.preset(DEFAULT), {"rules": "ibm-2023"}
    )
    at = goto(at, "capacity")
    assert at.selectbox(key="cap_param1").value == "workloads.vqe.mode"
    notes = [i.value for i in at.info]
    assert any(
        n.startswith("workloads.vqe.mode = batch: ibm-2023 has no batch mode") for n in notes
    )
    assert any("these points run as mode = session" in n for n in notes)
    # Under ibm-2024 (the preset's profile) batch mode exists: no such note.
    assert not any("batch mode" in i.value for i in start(DEFAULT, "capacity").info)


def test_capacity_two_parameters_draw_one_figure_with_shared_axes():
    """A rate and a mode, 1 replication: one chart, its panels sharing the y axis, the rate
    on a numeric axis per hour; a 30m target is drawn in the axis unit."""
    import json

    at = start(DEFAULT, "capacity")
    at.selectbox(key="cap_param1").set_value("workloads.research.rate").run()
    at.selectbox(key="cap_param2").set_value("workloads.vqe.mode").run()
    at.text_input(key="cap_values2_workloads.vqe.mode").set_value("job, session").run()
    at.number_input(key="cap_reps").set_value(1)
    at.button(key="cap_run").click().run()
    assert not at.exception and not at.error
    (spec,) = specs(at)
    layout = json.loads(spec)["layout"]
    assert layout["yaxis2"]["matches"] == "y"
    assert layout["xaxis"]["type"] == "linear"
    assert layout["xaxis"]["title"]["text"] == "workloads.research.rate (per hour)"
    mean = next(t for t in json.loads(spec)["data"] if t.get("meta") == "mean")
    assert mean["x"] == pytest.approx([7, 14, 21])  # the default 0.5×, 1×, 1.5× of 14/h
    at.text_input(key="cap_target_mean_wait").set_value("30m").run()
    layout = json.loads(specs(at)[0])["layout"]
    unit = layout["yaxis"]["title"]["text"].rsplit("(", 1)[1].rstrip(")")
    (label,) = [a for a in layout["annotations"] if a["text"].startswith("target")]
    assert label["text"].endswith(unit) and label["xref"] == "paper"
    assert any("Settings where" in s.value or "setting meets" in s.value
               for s in [*at.success, *at.warning])  # fmt: skip


def test_tour_step_five_states_what_the_replay_shows():
    """Issue #13: the page's text for profiles-close is filled from the run: at close() (5m)
    alice-session.3 runs (4–6m) and jobs 4–6 are queued — three of six, not four."""
    at = start(page="tour")
    at.selectbox(key="tour_step").set_value(4).run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "three of her six session jobs are still queued and one is running" in text
    assert "Under `ibm-2023` close() fails the queued ones" in text


# --- issue 13, items 8 and 11: one time format, units on every column, nothing cut off ------

CLOCK = r"^(\d+d )?\d\d:\d\d:\d\d(\.\d)?$"
# Measured in Chromium (issue 13 screenshots): the dashboard's table font takes about 5.8 px
# per character, a wrapped line 21 px; Streamlit wraps only rows taller than 64 px.
MEASURED_CHAR_PX = 5.8


def _frame(at: AppTest, column: str):
    """The first dataframe element that has ``column``, with its column configs."""
    import json

    element = next(d for d in at.dataframe if column in d.value.columns)
    return element.value, json.loads(element.proto.columns or "{}"), element.proto.row_height


def _fits(texts, config: dict, row_height: int | None) -> bool:
    """Whether the longest text fits the column's width, on the lines its row height holds."""
    longest = max(len(str(t)) for t in texts)
    per_line = (config["width"] - 16) / MEASURED_CHAR_PX
    lines = 1 if not row_height or row_height <= 64 else (row_height - 8) // 21
    return lines * per_line >= longest


def test_jobs_and_failed_tables_show_times_with_their_unit():
    at = goto(start("reservation-window"), "timeline")
    jobs, config, _ = _frame(at, "submitted")
    row = jobs.set_index("job_id").loc["others.2"]
    # others.2 was submitted at 126.94 s = 2 min 6.94 s and ran 217.59 s = 3 min 37.59 s.
    assert row["submitted"] == "00:02:07" and row["quantum_seconds"] == "00:03:38"
    assert jobs.set_index("job_id").at["others.1", "submitted"] == "00:00:18.7"  # 18.72 s
    for column in ("submitted", "started", "finished", "wait", "quantum_seconds"):
        assert config[column]["label"].endswith("(hh:mm:ss)"), column
        assert jobs[column].str.fullmatch(CLOCK + "|").all(), column
    at = goto(at, "reservations")
    failed, config, _ = _frame(at, "failed_at")
    # The window is 1h–2h: its session's jobs were submitted at 1 h and failed at its end.
    row = failed.set_index("job_id").loc["characterization.55"]
    assert (row["submitted"], row["failed_at"], row["started"]) == ("01:00:00", "02:00:00", "")
    assert config["failed_at"]["label"] == "failed_at (hh:mm:ss)"


def test_explain_panel_writes_one_time_format_and_shares_and_wraps_the_why():
    at = goto(start(), "tour")
    at.selectbox(key="tour_job_fig1-session-flow").set_value("carol-jobs.2").run()
    text = " ".join(m.value for m in at.markdown)
    # carol-jobs.2: submitted at 0, started at 640 s = 10 min 40 s after waiting all of it.
    assert "submitted at 00:00:00" in text and "waited 00:10:40" in text
    assert "started at 00:10:40" in text  # not 10m 40s: the same format as the table
    table, config, height = _frame(at, "backend had")
    assert list(table["from"][:2]) == ["00:00:00", "00:02:00"]
    assert list(table["length"][:2]) == ["00:02:00", "00:01:00"]
    assert config["length"]["label"] == "length (hh:mm:ss)"
    assert _fits(table["why"], config["why"], height)
    keys, config, _ = _frame(at, "share used")
    assert keys["share used"].str.fullmatch(r"\d+(\.\d+)? %").all()  # not 7.44e-05
    assert config["usage"]["label"] == "usage (hh:mm:ss)"


def test_tour_slider_and_tables_read_like_its_panel():
    at = goto(start(), "tour")
    slider = at.select_slider(key="tour_at_fig1-session-flow")
    assert slider.value == 120.0 and slider.options[120] == "00:02:00"  # was "120.00"
    assert any(m.value == "**At 00:02:00**" for m in at.markdown)
    sessions, config, height = _frame(at, "session_id")
    assert _fits(sessions["session_id"], config["session_id"], height)  # was cut off
    assert config["since"]["label"] == "since (hh:mm:ss)"
    queue, config, height = _frame(at, "position")
    assert _fits(queue["why"], config["why"], height)


def test_rules_table_shows_what_each_knob_decides_whole():
    at = goto(start(), "rules")
    table, config, height = _frame(at, "what it decides")
    assert _fits(table["what it decides"], config["what it decides"], height)


def test_reservation_what_if_sliders_step_through_clock_times():
    at = goto(start("reservation-window"), "reservations")
    end = at.select_slider(key="res_end")
    assert end.value == 7200.0 and "02:00:00" in end.options  # the window ends at 2 h
    max_time = at.select_slider(key="res_max_time")
    assert all(re.fullmatch(CLOCK, o) for o in max_time.options)
    charts = specs(at)
    assert '"text":"window end (h)"' in charts[-2] and '"02:00:00"' in charts[-2]


def test_iterative_vs_batch_does_not_offer_a_workload_that_cannot_open_a_session():
    """Under ibm-2025 an Open-plan instance has no sessions, refused before anything runs
    (R35): its workload cannot be submitted as a session, so the page leaves it out and says
    why instead of failing; the others are compared as usual."""
    at = start("platform-2025", "iterative_vs_batch")
    assert not at.exception
    offered = at.selectbox(key="ivb_workload").options
    assert "homework" not in offered and {"long-job", "paid-loop"} <= set(offered)
    notes = " ".join(c.value for c in at.caption)
    assert "Not offered: **homework**" in notes and "Open plan" in notes
