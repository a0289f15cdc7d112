"""sim.parameters: fields named by paths, applied to a scenario and validated again."""

from __future__ import annotations

import pytest

import sim
from sim import parameters
from sim.parameters import apply, parse_vary


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
