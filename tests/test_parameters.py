"""sim.model.parameters: fields named by paths, applied to a scenario and validated again."""

from __future__ import annotations

import pytest

import sim
from sim.experiments import runs as experiments
from sim.model import parameters
from sim.model.parameters import apply, parse_vary


@pytest.fixture(scope="module")
def contract() -> sim.Scenario:
    return sim.preset("contract-example")


def test_paths_name_fields_by_names(contract):
    changed = apply(
        contract,
        {
            "workloads.background.rate": "40/h",
            "workloads.vqe.mode": "job",
            "workloads.vqe.interactive_ttl": "2m",
            "instances.hub-a/group-1/vqe.share": 5,
            "backends.ibm_alpha.calibrations.1.every": "2h",
            "until": "20h",
            "overrides.on_close": "fail",
        },
    )
    w = {x.name: x for x in changed.workloads}
    assert w["background"].rate == pytest.approx(40 / 3600)  # "40/h" parsed as in a file
    assert w["vqe"].mode == "job"
    assert w["vqe"].interactive_ttl == 120.0
    assert {i.name: i.share for i in changed.instances}["hub-a/group-1/vqe"] == 5
    assert changed.backends[0].calibrations[1].every == 7200.0
    assert changed.until == 20 * 3600
    assert changed.overrides["on_close"] == "fail"
    # Everything else is as it was, and the original is untouched.
    assert changed.workloads[0].quantum == contract.workloads[0].quantum
    assert contract.workloads[0].mode == "session"


def test_copies_add_users_on_the_same_instance(contract):
    three = apply(contract, {"workloads.background.copies": 3, "workloads.background.rate": "5/h"})
    names = [w.name for w in three.workloads]
    assert names == ["vqe", "background", "background#2", "background#3"]
    users = {u.name: u.instance for u in three.users}
    assert users["bob#2"] == users["bob#3"] == users["bob"]
    # The copies get the other changes too; each is its own stream (R33: seeded by name).
    assert all(w.rate == pytest.approx(5 / 3600) for w in three.workloads[1:])
    jobs = sim.run(apply(three, {"until": "1h"})).jobs
    per = jobs.groupby("workload")["submitted"].apply(list)
    assert per["background"] != per["background#2"]
    assert apply(contract, {"workloads.background.copies": 1}) == contract


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("workloads.nosuch.rate", 1, "workloads.nosuch.rate"),  # unknown workload
        ("nosuch.x", 1, "unknown parameter"),
        ("workloads.background.rate", 0, "rate"),  # a rate of zero is refused as in a file
        ("workloads.vqe.mode", "sometimes", "mode"),
        ("workloads.vqe.colour", "red", "colour"),  # unknown field
        ("backends.ibm_alpha.calibrations.7.every", 60, "index"),
        ("reservations.9.end", 60, "reservations"),
        ("workloads.vqe.copies", 0, "copies"),
        ("workloads.vqe", 1, "name a field"),
    ],
)
def test_bad_paths_and_values_name_the_path(contract, path, value, words):
    with pytest.raises(sim.ScenarioError) as err:
        apply(contract, {path: value})
    text = str(err.value)
    assert words in text
    assert path in text or f"{path}=" in text or words in text


def test_a_bad_value_names_the_path_and_the_value(contract):
    with pytest.raises(sim.ScenarioError) as err:
        apply(contract, {"workloads.background.rate": 0})
    assert "workloads.background.rate=0" in str(err.value)


def test_parse_vary_reads_values_like_yaml():
    assert parse_vary("workloads.bg.rate=10/h, 20/h,0.01") == (
        "workloads.bg.rate",
        ["10/h", "20/h", 0.01],
    )
    assert parse_vary("workloads.vqe.mode=session,job")[1] == ["session", "job"]
    assert parameters.parse_value("3") == 3
    for bad in ("workloads.bg.rate", "=1,2", "workloads.bg.rate=", "x=1,,2"):
        with pytest.raises(sim.ScenarioError):
            parse_vary(bad)


# --- issue 13, item 6: which paths apply, which points do not run as asked ------------------


def test_session_settings_of_a_job_mode_stream_are_inert():
    """vqe-vs-background: vqe is a premium session under ibm-2024 (its ITTL and max_time
    matter, R20); research and teaching are job-mode streams: no session, nothing to set."""
    s = sim.preset("vqe-vs-background")
    assert parameters.inert(s, "workloads.vqe.interactive_ttl") == ""
    assert parameters.inert(s, "workloads.vqe.max_time") == ""
    for field in ("interactive_ttl", "max_time"):
        assert "job mode" in parameters.inert(s, f"workloads.research.{field}")
    assert parameters.inert(s, "workloads.research.rate") == ""
    assert parameters.inert(s, "until") == ""
    # ibm-2023 fixes every session's ITTL at 5 minutes (R20); max_time still counts.
    old = apply(s, {"rules": "ibm-2023"})
    assert "R20" in parameters.inert(old, "workloads.vqe.interactive_ttl")
    assert parameters.inert(old, "workloads.vqe.max_time") == ""
    # In batch mode the ITTL is the profile's ~1 s (R24); max_time is the workload's.
    batch = apply(s, {"workloads.vqe.mode": "batch"})
    assert "R24" in parameters.inert(batch, "workloads.vqe.interactive_ttl")
    assert parameters.inert(batch, "workloads.vqe.max_time") == ""


def test_batch_mode_under_a_profile_without_it_is_noted():
    """ibm-2023 has no batch mode (R24): mode=batch runs as a session, and the sweep says so;
    under ibm-2024 batch mode exists and nothing is said."""
    s = apply(sim.preset("vqe-vs-background"), {"rules": "ibm-2023"})
    points = experiments.grid(s, {"workloads.vqe.mode": ["job", "session", "batch"]})
    (note,) = parameters.notes(points)
    assert note.startswith("workloads.vqe.mode = batch: ibm-2023 has no batch mode (R24)")
    assert "these points run as mode = session" in note
    assert parameters.mode_used(points[2][1], "vqe")[0] == "session"
    new = experiments.grid(sim.preset("vqe-vs-background"),
                           {"workloads.vqe.mode": ["job", "session", "batch"]})  # fmt: skip
    assert parameters.notes(new) == []


def test_notes_name_the_points_where_a_session_setting_does_nothing():
    s = sim.preset("vqe-vs-background")
    points = experiments.grid(
        s,
        {"workloads.vqe.mode": ["job", "session"], "workloads.vqe.interactive_ttl": ["30s", "2m"]},
    )
    assert parameters.notes(points) == [
        "workloads.vqe.interactive_ttl changes nothing where workloads.vqe.mode = job: "
        "vqe runs in job mode, without a session."
    ]


def test_numbers_read_rates_and_durations_as_quantities():
    assert parameters.numbers("workloads.bg.rate", ["7/h", "1/m", 0.5]) == (
        "rate",
        [pytest.approx(7 / 3600), pytest.approx(1 / 60), 0.5],
    )
    assert parameters.numbers("until", ["3h", "90m", 60]) == ("duration", [10800, 5400, 60])
    assert parameters.numbers("workloads.vqe.interactive_ttl", ["30s"]) == ("duration", [30])
    assert parameters.numbers("backends.b.calibrations.0.every", ["2h"]) == ("duration", [7200])
    assert parameters.numbers("overrides.default_max_time", ["1h"]) == ("duration", [3600])
    assert parameters.numbers("workloads.bg.copies", [1, 2, 4]) == ("number", [1, 2, 4])
    assert parameters.numbers("workloads.vqe.mode", ["job", "session"]) is None
    assert parameters.numbers("workloads.bg.rate", ["fast"]) is None
