"""The scenario editor's tables: scenario ↔ DataFrames, text kept as typed, and each problem
placed in the table, row and field that caused it. Also the rule-profile table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.model.units import parse_duration, parse_rate
from ui import editor, knobs


def tables(name: str = "contract-example"):
    scenario = sim.preset(name)
    return scenario, editor.general_from_scenario(scenario), editor.frames_from_scenario(scenario)


@pytest.mark.parametrize("name", sim.preset_names())
def test_every_preset_round_trips_through_the_tables(name):
    scenario, general, frames = tables(name)
    built, problems = editor.build(general, frames)
    assert problems == []
    assert built == scenario


def test_tables_read_like_a_scenario_file():
    _, general, frames = tables()
    w = frames["workloads"].set_index("name")
    assert w.loc["vqe", "quantum"] == "30s"
    assert w.loc["vqe", "classical"] == "{exponential: 20s}"
    assert w.loc["vqe", "start"] == "10m" and w.loc["vqe", "max_time"] == "2h"
    assert w.loc["background", "rate"] == "20/h"
    assert w.loc["background", "quantum"] == "{exponential: 2m}"
    assert w.loc["vqe", "jobs"] == 40 and math.isnan(w.loc["background", "jobs"])
    assert frames["calibrations"].to_dict("records") == [
        {"backend": "ibm_alpha", "at": "2h", "every": None, "first_at": None, "duration": "20m"},
        {"backend": "ibm_alpha", "at": None, "every": "1h", "first_at": "30m", "duration": "3m"},
    ]
    assert general["overrides"] == "{on_close: drain}" and general["until"] == "12h"
    assert list(frames["reservations"].columns) == editor.TABLES["reservations"]


def test_distributions_of_every_kind_read_back():
    scenario, general, frames = tables("iterative-vs-batch")
    w = frames["workloads"].copy()
    forms = [
        "{uniform: [45s, 1m 30s]}",
        "{normal: {mean: 40s, sd: 10s}}",
        "{lognormal: {mean: 1m, sd: 20s}}",
    ]
    w.loc[0, "quantum"], w.loc[1, "quantum"], w.loc[2, "quantum"] = forms
    w.loc[0, "classical"] = "{choice: [10s, 20s, 1h]}"
    built, problems = editor.build(general, {**frames, "workloads": w})
    assert problems == []
    again = editor.frames_from_scenario(built)["workloads"]
    assert list(again["quantum"]) == forms
    assert again.loc[0, "classical"] == "{choice: [10s, 20s, 1h]}"


def test_blank_rows_added_in_the_editor_are_ignored():
    scenario, general, frames = tables()
    w = frames["workloads"]
    blank = pd.DataFrame([{c: (np.nan if c == "jobs" else None) for c in w.columns}])
    padded = pd.concat([w.iloc[:1], blank.assign(name="  "), w.iloc[1:]], ignore_index=True)
    built, problems = editor.build(general, {**frames, "workloads": padded})
    assert problems == [] and built == scenario


def test_problems_name_the_table_row_and_field():
    _, general, frames = tables()
    w = frames["workloads"].copy()
    w.loc[1, "quantum"] = "-3s"
    w.loc[0, "classical"] = "{exponential: 20s"  # unbalanced: kept as text, refused by name
    c = frames["calibrations"].copy()
    c.loc[1, "duration"] = "5x"
    c.loc[2] = ["nope", "1h", None, None, "1m"]
    problems, built = None, None
    built, problems = editor.build(
        {**general, "until": "-1h"}, {**frames, "workloads": w, "calibrations": c}
    )
    assert built is None
    where = {(p.table, p.row, p.field) for p in problems}
    assert ("workloads", 1, "quantum") in where
    assert ("workloads", 0, "classical") in where
    assert ("calibrations", 1, "duration") in where
    assert ("calibrations", 2, "backend") in where
    assert ("general", None, "until") in where
    text = {str(p) for p in problems}
    assert "row 2 (workloads[1]), quantum: a duration cannot be negative (got '-3s')" in text


def test_a_blank_row_does_not_shift_the_row_numbers():
    _, general, frames = tables()
    users = frames["users"]
    blank = pd.DataFrame([{"name": None, "instance": None}])
    edited = pd.concat([blank, users], ignore_index=True)
    edited.loc[2, "instance"] = "nowhere"
    _, problems = editor.build(general, {**frames, "users": edited})
    assert [(p.table, p.row, p.field) for p in problems] == [("users", 2, "instance")]
    assert "unknown instance 'nowhere'" in problems[0].message


def test_whole_table_and_general_problems():
    _, general, frames = tables()
    empty = frames["backends"].iloc[:0]
    _, problems = editor.build(
        {**general, "overrides": "[1, 2]", "hubs": "{a: "},
        {**frames, "backends": empty, "calibrations": empty.iloc[:0]},
    )
    where = {(p.table, p.row, p.field) for p in problems}
    assert ("general", None, "overrides") in where
    assert ("general", None, "hubs") in where
    assert ("backends", None, None) in where


def test_input_is_not_changed_by_validation():
    _, general, frames = tables()
    w = frames["workloads"].copy()
    w.loc[0, "quantum"] = "thirty seconds"
    snapshot = w.copy()
    editor.build(general, {**frames, "workloads": w})
    pd.testing.assert_frame_equal(w, snapshot)


def test_locate_prefers_the_longest_source():
    sources = {"backends[0]": ("backends", 0), "backends[0].calibrations[1]": ("calibrations", 3)}
    assert editor.locate("backends[0].calibrations[1].every", sources) == (
        "calibrations",
        3,
        "every",
    )
    assert editor.locate("backends[0].name", sources) == ("backends", 0, "name")
    assert editor.locate("workloads", sources) == ("workloads", None, None)
    assert editor.locate("seed", sources) == ("general", None, "seed")
    assert editor.locate("", sources) == ("general", None, None)


@given(st.floats(min_value=0, max_value=1e7, allow_nan=False))
def test_durations_are_written_so_that_they_read_back_exactly(seconds):
    assert parse_duration(editor.duration_text(seconds)) == seconds


@given(st.floats(min_value=1e-6, max_value=1e3, allow_nan=False))
def test_rates_are_written_so_that_they_read_back_exactly(rate):
    assert parse_rate(editor.rate_text(rate)) == rate


def test_profiles_table_has_every_knob_with_its_rules():
    scenario = sim.preset("contract-example")
    table = knobs.profiles_table(scenario).set_index("knob")
    assert list(table.index) == list(sim.model.rules.KNOB_NAMES)
    assert (table["rules"] != "").all()
    assert table.loc["default_interactive_ttl", "ibm-2023"] == "5m"
    assert table.loc["idle_session_close", "ibm-current"] == "30m"
    assert table.loc["idle_session_close", "ibm-2024"] == "never"
    assert table.loc["batch_mode", "ibm-2023"] == "no"
    assert table.loc["on_close", "this scenario"] == "drain (override)"
    differ = knobs.differing(knobs.profiles_table(scenario), ["ibm-2024", "ibm-current"])
    assert set(differ["knob"]) == {
        "session_blocks_calibration",
        "open_plan_sessions",
        "idle_session_close",
    }


def test_a_problem_names_the_editor_row_from_1_and_the_files_entry():
    """Issue 13 item 8: the editor's row 3 after a blank row is the file's users[1], and the
    message says both, so that it matches what an upload of that file reports."""
    _, general, frames = tables()
    blank = pd.DataFrame([{"name": None, "instance": None}])
    edited = pd.concat([blank, frames["users"]], ignore_index=True)
    edited.loc[2, "instance"] = "nowhere"
    _, problems = editor.build(general, {**frames, "users": edited})
    assert str(problems[0]).startswith("row 3 (users[1]), instance: unknown instance 'nowhere'")
