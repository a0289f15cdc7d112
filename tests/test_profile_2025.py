"""The ``ibm-2025`` profile (issue 15, semantics §10): its knobs as data, and what validation
already applies (R34 names and weights, R35 Open-plan sessions, R36 fixed ITTL, R39 cost limit).

The engine-side rules still pending (fair share by allocation, pauses, pre-processing lanes)
are not applied by the engine yet: a run says so in its warnings, which is pinned here too.
R37–R39 (cancelling running jobs, billing overhead, max_execution_time, cost limit) are
applied: tests/test_rules_2025_lifecycle.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import sim
from sim.cli import main as cli
from sim.model.rules import ENGINE_PENDING, PROFILES, pending_rules
from tests.helpers import job, run

ROOT = Path(__file__).resolve().parent.parent


def _data(**top: Any) -> dict[str, Any]:
    """A small valid ibm-2025 scenario; ``top`` replaces top-level keys."""
    data: dict[str, Any] = {
        "name": "today",
        "rules": "ibm-2025",
        "backends": [{"name": "qpu"}],
        "instances": [{"name": "A", "allocation": "10h"}, {"name": "B", "allocation": "5h"}],
        "users": [{"name": "a", "instance": "A"}, {"name": "b", "instance": "B"}],
        "workloads": [
            {
                "name": "w",
                "user": "a",
                "backend": "qpu",
                "pattern": "batch",
                "mode": "session",
                "jobs": 2,
                "quantum": 10,
            },
        ],  # fmt: skip
    }
    data.update(top)
    return data


def _validate(tmp_path: Path, data: dict[str, Any], capsys) -> tuple[int, str]:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    code = cli.main(["validate", str(path)])
    return code, capsys.readouterr().err


def _problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(sim.ScenarioError) as err:
        sim.from_dict(data)
    return {p.path: p.message for p in err.value.problems}


# --- the profile as data ------------------------------------------------------------------------


def test_ibm_2025_knobs_are_todays_documented_values():
    """Semantics §10, each value from the page named in sim/model/rules.py."""
    k = PROFILES["ibm-2025"]
    assert k.default_interactive_ttl == 60.0  # R36
    assert k.interactive_ttl_configurable is False  # R36
    assert k.fair_share_basis == "allocation"  # R34
    assert k.open_plan_sessions == "rejected" and k.open_plan_session_refusal == "validation"
    assert k.open_plan_allocation == 600.0  # R35: 10 minutes per 28 days
    assert k.open_plan_batch_max_time == 600.0  # R35: batch max time 10 minutes
    assert k.fair_share_window == 28 * 86400.0
    assert k.job_overhead_seconds == 2.0  # R38
    assert k.job_time_limit == 3 * 3600.0  # R38: max_execution_time limit 3 h
    assert k.max_execution_time_status == "CANCELLED"
    assert k.cancel_running_jobs is True  # R37
    assert k.idle_session_close == 1800.0 and k.idle_close_batches is False  # R22, R41
    assert k.session_blocks_calibration is True  # R25
    assert k.preprocess_lanes == 5  # R41
    # A file without `rules:` keeps the contract's default, not today's platform.
    scenario = sim.from_dict({k: v for k, v in _data().items() if k != "rules"})
    assert scenario.rules == "ibm-2024"


@pytest.mark.parametrize("profile", ["ibm-2023", "ibm-2024", "ibm-current"])
def test_older_profiles_keep_their_behaviour_in_the_new_knobs(profile):
    """Every new knob's default is the older reading: no rule is pending for them, and the
    share tree, a configurable ITTL and run-time refusals stay."""
    k = PROFILES[profile]
    assert pending_rules(k) == []
    assert k.fair_share_basis == "share_tree"
    assert k.interactive_ttl_configurable is True
    assert k.open_plan_session_refusal == "run"
    assert k.job_overhead_seconds == 0.0 and k.preprocess_lanes == 0


# --- R36: the ITTL is not configurable ----------------------------------------------------------


def test_r36_interactive_ttl_is_refused_by_the_cli_with_exit_2(tmp_path):
    """The contract's command, in a real process: exit 2 and the field on stderr."""
    data = _data()
    data["workloads"][0]["interactive_ttl"] = "90s"
    path = tmp_path / "ittl.yaml"
    path.write_text(yaml.safe_dump(data))
    proc = subprocess.run([sys.executable, "-m", "sim", "validate", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 2
    assert "workloads[0].interactive_ttl" in proc.stderr
    assert "fixed (1m)" in proc.stderr and "R36" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_r36_an_explicit_override_lets_a_workload_set_its_ittl():
    """With the knob overridden, the workload's 90 s reaches the session (not the 60 s)."""
    data = _data(overrides={"interactive_ttl_configurable": True})
    data["workloads"][0]["interactive_ttl"] = 90
    result = sim.run(sim.from_dict(data))
    assert result.sessions["interactive_ttl"].tolist() == [90.0]
    # The older profiles accept a workload's ITTL as they always did.
    data = _data(rules="ibm-current", instances=[{"name": "A"}, {"name": "B"}])
    data["workloads"][0]["interactive_ttl"] = 90
    assert sim.from_dict(data).workloads[0].interactive_ttl == 90.0


# --- R35: the Open plan has no sessions -----------------------------------------------------


def test_r35_an_open_plan_session_is_refused_before_any_job(tmp_path, capsys):
    data = _data(instances=[{"name": "A", "plan": "open"}, {"name": "B", "allocation": "1h"}])
    code, err = _validate(tmp_path, data, capsys)
    assert code == 2
    assert "workloads[0].mode: mode: session opens a session" in err
    assert "'A' is on the Open plan" in err
    # Unchanged: under ibm-current (R21) the file is valid and each job ends ERROR at run time.
    data = _data(rules="ibm-current", instances=[{"name": "A", "plan": "open"}, {"name": "B"}])
    result = sim.run(sim.from_dict(data))
    assert result.jobs["reason"].tolist() == ["open_plan_no_sessions"] * 2


def test_r35_an_open_plan_batch_and_job_are_valid():
    data = _data(instances=[{"name": "A", "plan": "open"}, {"name": "B", "allocation": "1h"}])
    data["workloads"][0]["mode"] = "batch"
    data["workloads"].append({"name": "j", "user": "a", "backend": "qpu", "pattern": "batch",
                              "mode": "job", "jobs": 1, "quantum": 5})  # fmt: skip
    assert [w.mode for w in sim.from_dict(data).workloads] == ["batch", "job"]


# --- R34: instances without the tree --------------------------------------------------------


@pytest.mark.parametrize("field", ["hubs", "groups"])
def test_r34_hub_and_group_weights_are_refused_naming_the_field(tmp_path, capsys, field):
    data = _data(instances=[{"name": "h/g/p", "allocation": "1h"}, {"name": "B"}])
    data[field] = {"h" if field == "hubs" else "h/g": 2}
    code, err = _validate(tmp_path, data, capsys)
    assert code == 2
    assert f"{field}: '{field}' weights belong to the hub/group/project tree" in err


def test_r34_a_name_with_slashes_is_just_a_name():
    """Two parts, four parts, and a mix with flat names: all plain names under ibm-2025."""
    names = ["acme/vqe", "a/b/c/d", "solo"]
    data = _data(instances=[{"name": n} for n in names],
                 users=[{"name": f"u{i}", "instance": n} for i, n in enumerate(names)])  # fmt: skip
    data["workloads"][0]["user"] = "u0"
    scenario = sim.from_dict(data)
    assert [i.path for i in scenario.instances] == [("", n, n) for n in names]
    # R6: the older profiles still refuse a two-part name.
    data = _data(rules="ibm-2024", instances=[{"name": "acme/vqe"}, {"name": "B"}])
    assert _problems(data)["instances[0].name"] == (
        "'acme/vqe' is neither 'hub/group/project' nor a flat name"
    )


def test_r34_three_part_names_compete_as_flat_instances():
    """a = h1/g/a used 60 min, b = h1/g/b used 70 min, c = h2/g/c used 90 min; one 10 s job
    each, all submitted at 0, equal shares.

    Flat (ibm-2025): keys follow the usage, a < b < c; each job locks the QPU for its 10 s
    plus the 2 s overhead (R38) → a 0–12, b 12–24, c 24–36.
    The tree (ibm-2024) would compare groups h1/g (130 min over a 1/2 share) with h2/g
    (90 min over 1/2) and run c first: c 0–10, a 10–20, b 20–30.
    """
    names = {"a": ("h1/g/a", "60m"), "b": ("h1/g/b", "70m"), "c": ("h2/g/c", "90m")}
    top = {
        "instances": [{"name": n, "used": u} for n, u in names.values()],
        "users": [{"name": k, "instance": n} for k, (n, _) in names.items()],
    }
    work = [{"name": k, "user": k, "pattern": "batch", "jobs": 1, "quantum": 10} for k in "abc"]
    today = run(work, rules="ibm-2025", **top)
    assert [job(today, f"{k}.1")["started"] for k in "abc"] == [0.0, 12.0, 24.0]
    tree = run(work, rules="ibm-2024", **top)
    assert [job(tree, f"{k}.1")["started"] for k in "abc"] == [10.0, 20.0, 0.0]


# --- plans, limits, cost limits (R10, R34, R39) ---------------------------------------------


def test_todays_plans_limit_and_cost_limit_are_read():
    data = _data(instances=[
        {"name": "A", "plan": "premium", "allocation": "10h", "limit": True, "used": "3h"},
        {"name": "B", "plan": "flex", "allocation": "5h"},
        {"name": "P", "plan": "payg", "cost_limit": "1h"},
        {"name": "O", "plan": "open"},
    ])  # fmt: skip
    inst = sim.from_dict(data).instances
    assert [(i.plan, i.allocation, i.limit, i.used, i.cost_limit) for i in inst] == [
        ("premium", 36000.0, True, 10800.0, None),
        ("flex", 18000.0, None, 0.0, None),
        ("payg", None, None, 0.0, 3600.0),
        ("open", None, None, 0.0, None),
    ]


@pytest.mark.parametrize(
    ("instance", "field", "words"),
    [
        ({"name": "A", "plan": "flex"}, "plan", "plan 'flex' exists on today's platform only"),
        ({"name": "A", "plan": "payg"}, "plan", "plan 'payg' exists on today's platform only"),
        ({"name": "A", "allocation": "1h", "limit": True}, "limit", "always is a limit (R10)"),
    ],
)
def test_todays_instance_fields_are_refused_under_ibm_2024(instance, field, words):
    data = _data(rules="ibm-2024", instances=[instance, {"name": "B"}])
    assert words in _problems(data)[f"instances[0].{field}"]


@pytest.mark.parametrize(
    ("instance", "field", "words"),
    [
        ({"name": "A", "plan": "premium", "cost_limit": "1h"}, "cost_limit",
         "Pay-As-You-Go instances (plan: payg) only"),
        ({"name": "A", "plan": "payg", "allocation": "1h"}, "allocation",
         "has no allocation (R34)"),
        ({"name": "A", "limit": True}, "limit", "a limit needs an 'allocation'"),
        ({"name": "A", "plan": "payg", "cost_limit": 0}, "cost_limit",
         "a cost limit must be positive"),
    ],
)  # fmt: skip
def test_inconsistent_plans_are_refused_naming_the_field(tmp_path, capsys, instance, field, words):
    data = _data(instances=[instance, {"name": "B"}])
    code, err = _validate(tmp_path, data, capsys)
    assert code == 2
    assert f"instances[0].{field}:" in err and words in err


def test_an_open_instance_may_be_limited_by_its_default_allocation():
    """R35: `limit: true` without `allocation` is fine on the Open plan (10 min by default)."""
    data = _data(instances=[{"name": "A", "plan": "open", "limit": True}, {"name": "B"}])
    data["workloads"][0]["mode"] = "job"
    assert sim.from_dict(data).instances[0].limit is True


# --- honesty: what the engine does not apply yet --------------------------------------------


def test_an_ibm_2025_run_has_no_rule_left_unapplied():
    """Every rule of semantics §10 is applied by the engine now — R34/R35
    (tests/test_rules_2025_fairshare.py), R37–R39 (tests/test_rules_2025_lifecycle.py), R40/R41
    (tests/test_rules_2025_backend.py) — so no knob is pending and a run warns of none."""
    assert ENGINE_PENDING == {}
    data = _data(instances=[{"name": "A"}, {"name": "B", "plan": "payg", "cost_limit": "1h"}])
    assert sim.run(sim.from_dict(data)).warnings == []
    assert sim.run(sim.from_dict(_data(rules="ibm-current", instances=[
        {"name": "A"}, {"name": "B"}]))).warnings == []  # fmt: skip


def test_the_scenario_editor_keeps_todays_instance_fields():
    """Editing an ibm-2025 scenario in the dashboard must not drop `limit` or `cost_limit`:
    the editor's tables read back into the same instances."""
    from ui import editor

    data = _data(instances=[
        {"name": "acme/vqe", "plan": "flex", "allocation": "10h", "limit": True},
        {"name": "B", "plan": "payg", "cost_limit": "1h 30m"},
    ])  # fmt: skip
    data["users"][0]["instance"] = "acme/vqe"
    scenario = sim.from_dict(data)
    frames = editor.frames_from_scenario(scenario)
    assert frames["instances"][["limit", "cost_limit"]].values.tolist() == [
        ["true", None],
        [None, "1h 30m"],
    ]
    rebuilt, problems = editor.build(editor.general_from_scenario(scenario), frames)
    assert problems == []
    assert rebuilt.instances == scenario.instances
