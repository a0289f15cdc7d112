"""Bad scenario input is refused before anything runs (contract.md, 'Bad input'; model.md 'Limits').

Every case must raise ``sim.ScenarioError`` — never another exception — whose problems each
name the offending field by its path (``workloads[0].quantum``) and say in words what is wrong.
Each case goes through every entry point: ``sim.from_dict``, ``sim.parse_text`` (YAML text, JSON
text, bytes) and ``sim.load`` (a file).
"""

from __future__ import annotations

import copy
import json
import math
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim

DELETE = object()


def base() -> dict[str, Any]:
    """A valid scenario touching every section (flat instance names)."""
    return {
        "name": "base",
        "seed": 1,
        "rules": "ibm-2024",
        "overrides": {"on_close": "drain"},
        "backends": [
            {"name": "qpu", "calibrations": [{"at": "1h", "duration": "5m"}]},
            {"name": "qpu2",
             "calibrations": [{"every": "1h", "first_at": "30m", "duration": "3m"}]},
        ],
        "instances": [{"name": "A", "share": 2, "used": "1h"}, {"name": "B", "share": 1}],
        "users": [{"name": "a", "instance": "A"}, {"name": "b", "instance": "B"}],
        "workloads": [
            {"name": "vqe", "user": "a", "backend": "qpu", "pattern": "iterative",
             "mode": "session", "jobs": 3, "quantum": 10, "classical": 5,
             "max_time": "1h", "interactive_ttl": "60s"},
            {"name": "bg", "user": "b", "backend": "qpu", "pattern": "stream", "mode": "job",
             "rate": "20/h", "stop": "1h", "quantum": {"exponential": 30}},
        ],
        "reservations": [{"backend": "qpu", "instance": "A", "start": "2h", "end": "3h"}],
        "actions": [{"workload": "vqe", "at": "10m", "do": "close"}],
    }  # fmt: skip


def hier() -> dict[str, Any]:
    """A valid scenario with hub/group/project instance names and hub/group weights."""
    data = base()
    data["instances"] = [
        {"name": "h1/g1/p1", "share": 1},
        {"name": "h1/g2/p2", "share": 1},
        {"name": "h2/g3/p3", "share": 1},
    ]
    data["hubs"] = {"h1": 3, "h2": 2}
    data["groups"] = {"h1/g1": 1, "h1/g2": 2}
    data["users"] = [{"name": "a", "instance": "h1/g1/p1"}, {"name": "b", "instance": "h2/g3/p3"}]
    data["reservations"][0]["instance"] = "h1/g1/p1"
    return data


def edit(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Apply ``{"workloads.0.quantum": value}`` edits (``DELETE`` removes the key)."""
    data = copy.deepcopy(data)
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        key: Any = int(last) if isinstance(node, list) else last
        if value is DELETE:
            del node[key]
        elif isinstance(node, list) and key == len(node):
            node.append(value)
        else:
            node[key] = value
    return data


# --- the four entry points -------------------------------------------------------------------


def _via_from_dict(data: Any, tmp_path: Path) -> sim.Scenario:
    return sim.from_dict(data)


def _via_yaml_text(data: Any, tmp_path: Path) -> sim.Scenario:
    return sim.parse_text(yaml.safe_dump(data, sort_keys=False))


def _via_json_bytes(data: Any, tmp_path: Path) -> sim.Scenario:
    return sim.parse_text(json.dumps(data).encode("utf-8"))


def _via_load(data: Any, tmp_path: Path) -> sim.Scenario:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return sim.load(path)


ENTRY: dict[str, Callable[[Any, Path], sim.Scenario]] = {
    "from_dict": _via_from_dict,
    "yaml_text": _via_yaml_text,
    "json_bytes": _via_json_bytes,
    "load": _via_load,
}

_UNREADABLE = re.compile(
    r"Traceback|pydantic|errors\.pydantic\.dev|function-after|Value error,|"
    r"model_type|<class |object at 0x",
)


def assert_readable(problem: sim.Problem) -> None:
    assert isinstance(problem.path, str)
    assert isinstance(problem.message, str)
    msg = problem.message
    assert len(msg.strip()) >= 5, f"message too short to be useful: {problem!r}"
    assert not _UNREADABLE.search(msg), f"internal detail leaks into the message: {problem!r}"
    assert "\n" not in msg, f"one problem, one line: {problem!r}"
    assert not _UNREADABLE.search(problem.path), problem


def refused(call: Callable[[], Any]) -> list[sim.Problem]:
    """The problems of the ScenarioError ``call`` raises (any other outcome fails)."""
    try:
        result = call()
    except sim.ScenarioError as err:
        assert err.problems, "a ScenarioError must carry at least one problem"
        for p in err.problems:
            assert_readable(p)
        assert str(err), "str(ScenarioError) is what the CLI shows"
        return err.problems
    pytest.fail(f"accepted bad input; got {result!r}")


def paths(problems: list[sim.Problem]) -> list[str]:
    return [p.path for p in problems]


def find(problems: list[sim.Problem], path: str) -> sim.Problem:
    hits = [p for p in problems if p.path == path]
    assert hits, f"no problem at {path!r}; problems: {[str(p) for p in problems]}"
    return hits[0]


# --- the base scenarios are valid through every entry point ----------------------------------


@pytest.mark.parametrize("entry", ENTRY)
@pytest.mark.parametrize("make", [base, hier], ids=["flat", "hier"])
def test_base_scenarios_are_valid(entry, make, tmp_path):
    s = ENTRY[entry](make(), tmp_path)
    assert isinstance(s, sim.Scenario)
    assert [w.name for w in s.workloads] == ["vqe", "bg"]


# --- one bad field at a time -----------------------------------------------------------------

# (id, base builder, edits, expected path, words: at least one must appear in the message)
CASES: list[tuple[str, Callable[[], dict], dict[str, Any], str, tuple[str, ...]]] = [
    # unknown keys at every level
    ("unknown-top", base, {"colour": "red"}, "colour", ("unknown",)),
    ("unknown-backend", base, {"backends.0.colour": 1}, "backends[0].colour", ("unknown",)),
    ("unknown-calibration", base, {"backends.1.calibrations.0.colour": 1},
     "backends[1].calibrations[0].colour", ("unknown",)),
    ("unknown-instance", base, {"instances.1.colour": 1}, "instances[1].colour", ("unknown",)),
    ("unknown-user", base, {"users.1.colour": 1}, "users[1].colour", ("unknown",)),
    ("unknown-workload", base, {"workloads.1.colour": 1}, "workloads[1].colour", ("unknown",)),
    ("typo-workload", base, {"workloads.0.quantm": 10}, "workloads[0].quantm", ("unknown",)),
    ("unknown-reservation", base, {"reservations.0.colour": 1}, "reservations[0].colour",
     ("unknown",)),
    ("unknown-action", base, {"actions.0.colour": 1}, "actions[0].colour", ("unknown",)),
    ("unknown-knob", base, {"overrides.colour": 1}, "overrides.colour", ("unknown",)),
    # durations
    ("negative-quantum", base, {"workloads.0.quantum": -5}, "workloads[0].quantum",
     ("negative",)),
    ("negative-quantum-text", base, {"workloads.0.quantum": "-5s"}, "workloads[0].quantum",
     ("negative",)),
    ("negative-start", base, {"workloads.1.start": -1}, "workloads[1].start", ("negative",)),
    ("negative-used", base, {"instances.0.used": "-1h"}, "instances[0].used", ("negative",)),
    ("negative-until", base, {"until": -10}, "until", ("negative",)),
    ("negative-classical", base, {"workloads.0.classical": {"exponential": -3}},
     "workloads[0].classical", ("negative", "positive")),
    ("negative-calibration-at", base, {"backends.0.calibrations.0.at": "-1h"},
     "backends[0].calibrations[0].at", ("negative",)),
    ("malformed-quantum", base, {"workloads.0.quantum": "5 parsecs"}, "workloads[0].quantum",
     ("unit", "malformed", "duration")),
    ("malformed-quantum-word", base, {"workloads.0.quantum": "soon"}, "workloads[0].quantum",
     ("malformed", "duration")),
    ("malformed-max-time", base, {"workloads.0.max_time": "1h30"}, "workloads[0].max_time",
     ("malformed", "duration")),
    ("malformed-stop", base, {"workloads.1.stop": "tomorrow"}, "workloads[1].stop",
     ("malformed", "duration", "unit")),
    ("bool-duration", base, {"workloads.0.quantum": True}, "workloads[0].quantum",
     ("boolean", "duration")),
    ("list-duration", base, {"workloads.0.start": [1, 2]}, "workloads[0].start",
     ("duration",)),
    ("nan-duration", base, {"workloads.0.max_execution_time": "nan"},
     "workloads[0].max_execution_time", ("finite", "duration")),
    ("inf-duration", base, {"workloads.0.start": "1e400"}, "workloads[0].start",
     ("finite", "duration")),
    ("zero-max-time", base, {"workloads.0.max_time": 0, "workloads.0.interactive_ttl": 0},
     "workloads[0].max_time", ("positive",)),
    ("zero-max-exec", base, {"workloads.0.max_execution_time": 0},
     "workloads[0].max_execution_time", ("positive",)),
    # R20 limits
    ("ittl-above-max-time", base, {"workloads.0.interactive_ttl": "2h"},
     "workloads[0].interactive_ttl", ("max_time",)),
    ("ittl-above-default-max-time", base,
     {"workloads.0.max_time": DELETE, "workloads.0.interactive_ttl": "9h"},
     "workloads[0].interactive_ttl", ("max_time",)),
    ("max-time-above-8h", base, {"workloads.0.max_time": "8h 1s"}, "workloads[0].max_time",
     ("8h", "limit")),
    ("max-time-9h", base, {"workloads.0.max_time": "9h"}, "workloads[0].max_time",
     ("8h", "limit")),
    # cross references
    ("user-instance-missing", base, {"users.1.instance": "Z"}, "users[1].instance",
     ("'Z'", '"Z"')),
    ("workload-unknown-backend", base, {"workloads.1.backend": "ibm_nowhere"},
     "workloads[1].backend", ("ibm_nowhere",)),
    ("workload-unknown-user", base, {"workloads.0.user": "mallory"}, "workloads[0].user",
     ("mallory",)),
    ("reservation-unknown-backend", base, {"reservations.0.backend": "nope"},
     "reservations[0].backend", ("nope",)),
    ("reservation-unknown-instance", base, {"reservations.0.instance": "Z"},
     "reservations[0].instance", ("'Z'", '"Z"')),
    ("action-unknown-workload", base, {"actions.0.workload": "ghost"}, "actions[0].workload",
     ("ghost",)),
    # rates
    ("rate-zero", base, {"workloads.1.rate": 0}, "workloads[1].rate", ("positive", "zero")),
    ("rate-zero-text", base, {"workloads.1.rate": "0/h"}, "workloads[1].rate",
     ("positive", "zero")),
    ("rate-negative", base, {"workloads.1.rate": -2}, "workloads[1].rate",
     ("positive", "negative")),
    ("rate-negative-text", base, {"workloads.1.rate": "-3/m"}, "workloads[1].rate",
     ("positive", "negative")),
    ("rate-malformed", base, {"workloads.1.rate": "lots"}, "workloads[1].rate",
     ("malformed", "rate")),
    ("rate-bad-period", base, {"workloads.1.rate": "3/fortnight"}, "workloads[1].rate",
     ("malformed", "rate")),
    ("rate-missing", base, {"workloads.1.rate": DELETE}, "workloads[1].rate", ("rate",)),
    ("rate-on-iterative", base, {"workloads.0.rate": "1/m"}, "workloads[0].rate",
     ("stream",)),
    # jobs
    ("jobs-missing-iterative", base, {"workloads.0.jobs": DELETE}, "workloads[0].jobs",
     ("jobs", "required")),
    ("jobs-missing-batch", base, {"workloads.0.jobs": DELETE, "workloads.0.pattern": "batch"},
     "workloads[0].jobs", ("jobs", "required")),
    ("jobs-zero", base, {"workloads.0.jobs": 0}, "workloads[0].jobs", ("1", "positive")),
    ("jobs-negative", base, {"workloads.0.jobs": -4}, "workloads[0].jobs", ("1", "positive")),
    ("jobs-fraction", base, {"workloads.0.jobs": 2.5}, "workloads[0].jobs",
     ("integer", "whole")),
    ("jobs-word", base, {"workloads.0.jobs": "many"}, "workloads[0].jobs",
     ("integer", "number")),
    ("stream-jobs-zero", base, {"workloads.1.jobs": 0}, "workloads[1].jobs", ("1", "positive")),
    # duplicates
    ("duplicate-backend", base, {"backends.1.name": "qpu"}, "backends[1].name",
     ("duplicate",)),
    ("duplicate-instance", base, {"instances.2": {"name": "A"}}, "instances[2].name",
     ("duplicate",)),
    ("duplicate-user", base, {"users.2": {"name": "a", "instance": "B"}}, "users[2].name",
     ("duplicate",)),
    ("duplicate-workload", base, {"workloads.1.name": "vqe"}, "workloads[1].name",
     ("duplicate",)),
    # reservations
    ("reservation-end-before-start", base, {"reservations.0.end": "1h"}, "reservations[0]",
     ("end", "start")),
    ("reservation-end-equals-start", base, {"reservations.0.end": "2h"}, "reservations[0]",
     ("end", "start")),
    # calibrations
    ("calibration-at-and-every", base, {"backends.0.calibrations.0.every": "2h"},
     "backends[0].calibrations[0]", ("every",)),
    ("calibration-neither", base, {"backends.0.calibrations.0.at": DELETE},
     "backends[0].calibrations[0]", ("every",)),
    ("calibration-duration-equals-every", base, {"backends.1.calibrations.0.duration": "1h"},
     "backends[1].calibrations[0]", ("every", "duration")),
    ("calibration-duration-above-every", base, {"backends.1.calibrations.0.duration": "2h"},
     "backends[1].calibrations[0]", ("every", "duration")),
    # R25: 3 min + 58 min of every hour is more than the backend has; no job could start.
    ("calibrations-fill-the-backend", base,
     {"backends.1.calibrations.1": {"every": "1h", "duration": "58m"}},
     "backends[1].calibrations", ("100 %",)),
    ("calibration-zero-duration", base, {"backends.0.calibrations.0.duration": 0},
     "backends[0].calibrations[0]", ("duration", "positive")),
    ("calibration-no-duration", base, {"backends.0.calibrations.0.duration": DELETE},
     "backends[0].calibrations[0].duration", ("required",)),
    # rule profiles and knobs
    ("unknown-profile", base, {"rules": "ibm-2099"}, "rules", ("ibm-2024",)),
    ("bad-knob-value", base, {"overrides.on_close": "explode"}, "overrides.on_close",
     ("drain", "fail")),
    ("bad-knob-duration", base, {"overrides.default_interactive_ttl": "-1m"},
     "overrides.default_interactive_ttl", ("negative",)),
    # instances, hubs, groups
    ("mixed-instance-names", base, {"instances.2": {"name": "h/g/p"}}, "instances",
     ("flat", "hub/group/project")),
    ("two-part-instance-name", base, {"instances.1.name": "h/g", "users.1.instance": "h/g"},
     "instances[1].name", ("hub/group/project",)),
    ("unknown-hub", hier, {"hubs.nohub": 1}, "hubs.nohub", ("hub",)),
    ("unknown-group", hier, {"groups.h1/nogroup": 1}, "groups.h1/nogroup", ("group",)),
    ("hubs-on-flat-names", base, {"hubs": {"A": 1}}, "hubs.A", ("hub",)),
    ("zero-share", base, {"instances.0.share": 0}, "instances[0].share", ("positive",)),
    ("negative-share", base, {"instances.0.share": -1}, "instances[0].share", ("positive",)),
    ("negative-hub-weight", hier, {"hubs.h1": -3}, "hubs.h1", ("positive",)),
    ("bad-plan", base, {"instances.0.plan": "gold"}, "instances[0].plan",
     ("premium", "open")),
    # other fields
    ("bad-pattern", base, {"workloads.0.pattern": "loop"}, "workloads[0].pattern",
     ("iterative",)),
    ("bad-mode", base, {"workloads.0.mode": "dedicated"}, "workloads[0].mode", ("session",)),
    ("bad-close", base, {"workloads.0.close": "later"}, "workloads[0].close", ("after_last",)),
    ("bad-action", base, {"actions.0.do": "explode"}, "actions[0].do", ("close",)),
    ("missing-quantum", base, {"workloads.0.quantum": DELETE}, "workloads[0].quantum",
     ("required",)),
    ("null-quantum", base, {"workloads.0.quantum": None}, "workloads[0].quantum",
     ("duration",)),
    ("bad-distribution", base, {"workloads.0.quantum": {"gamma": 3}}, "workloads[0].quantum",
     ("gamma",)),
    ("bad-uniform", base, {"workloads.1.quantum": {"uniform": [9, 1]}},
     "workloads[1].quantum", ("uniform",)),
    ("zero-exponential", base, {"workloads.1.quantum": {"exponential": 0}},
     "workloads[1].quantum", ("positive",)),
    ("negative-seed", base, {"seed": -1}, "seed", ("0",)),
    ("word-seed", base, {"seed": "lucky"}, "seed", ("integer",)),
    ("no-workloads", base, {"workloads": []}, "workloads", ("least", "empty")),
    ("backends-not-list", base, {"backends": "qpu"}, "backends", ("list",)),
    ("workload-not-mapping", base, {"workloads.0": "vqe"}, "workloads[0]", ("mapping",)),
    ("name-not-string", base, {"name": [1, 2]}, "name", ("string", "text")),
    ("missing-users", base, {"users": DELETE}, "users", ("required",)),
    ("stop-before-start", base, {"workloads.1.start": "2h"}, "workloads[1].stop",
     ("start",)),
]  # fmt: skip


@pytest.mark.parametrize("entry", ENTRY)
@pytest.mark.parametrize(("make", "changes", "path", "words"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])  # fmt: skip
def test_bad_field_is_refused_naming_its_path(entry, make, changes, path, words, tmp_path):
    problems = refused(lambda: ENTRY[entry](edit(make(), changes), tmp_path))
    problem = find(problems, path)
    msg = problem.message.lower()
    assert any(w.lower() in msg for w in words), f"{path}: {problem.message!r} lacks {words}"


def test_stream_without_stop_jobs_or_until_is_refused():
    """A stream that never ends: the problem is on that workload and mentions 'stop'."""
    problems = refused(lambda: sim.from_dict(edit(base(), {"workloads.1.stop": DELETE})))
    [problem] = [p for p in problems if p.path.startswith("workloads[1]")]
    assert problem.path in ("workloads[1]", "workloads[1].stop")
    assert "stop" in problem.message


@pytest.mark.parametrize(
    "changes",
    [{"workloads.1.stop": DELETE, "workloads.1.jobs": 50},
     {"workloads.1.stop": DELETE, "until": "2h"}],
    ids=["jobs", "until"],
)  # fmt: skip
def test_stream_ended_by_jobs_or_until_is_accepted(changes):
    assert isinstance(sim.from_dict(edit(base(), changes)), sim.Scenario)


def test_overlapping_reservations_are_refused():
    extra = {"backend": "qpu", "instance": "B", "start": "2h 30m", "end": "4h"}
    problems = refused(lambda: sim.from_dict(edit(base(), {"reservations.1": extra})))
    [problem] = problems
    assert problem.path in ("reservations[1]", "reservations[0]", "reservations[1].start")
    assert "overlap" in problem.message


def test_identical_reservation_windows_overlap():
    extra = {"backend": "qpu", "instance": "B", "start": "2h", "end": "3h"}
    problems = refused(lambda: sim.from_dict(edit(base(), {"reservations.1": extra})))
    assert all(p.path.startswith("reservations[") for p in problems)
    assert any("overlap" in p.message for p in problems)


@pytest.mark.parametrize(
    "extra",
    [
        {"backend": "qpu", "instance": "B", "start": "3h", "end": "4h"},  # [2h,3h) then [3h,4h)
        {"backend": "qpu2", "instance": "B", "start": "2h", "end": "3h"},  # other backend
    ],
    ids=["back-to-back", "other-backend"],
)
def test_non_overlapping_reservations_are_accepted(extra):
    assert isinstance(sim.from_dict(edit(base(), {"reservations.1": extra})), sim.Scenario)


def test_boundary_values_are_accepted():
    """Limits are inclusive: max_time exactly 8 h, ITTL equal to max_time (R20)."""
    s = sim.from_dict(edit(base(), {"workloads.0.max_time": "8h",
                                    "workloads.0.interactive_ttl": "8h"}))  # fmt: skip
    assert s.workloads[0].max_time == 8 * 3600


# --- several problems at once ----------------------------------------------------------------


def test_several_field_problems_give_several_problems():
    data = edit(
        base(),
        {
            "colour": 1,
            "workloads.0.quantum": -5,
            "instances.0.share": 0,
            "workloads.1.rate": "lots",
        },
    )
    problems = refused(lambda: sim.from_dict(data))
    got = set(paths(problems))
    assert {"colour", "workloads[0].quantum", "instances[0].share",
            "workloads[1].rate"} <= got  # fmt: skip


def test_several_cross_reference_problems_give_several_problems():
    data = edit(
        base(),
        {
            "users.1.instance": "Z",
            "workloads.0.backend": "ibm_nowhere",
            "workloads.1.user": "mallory",
            "workloads.0.interactive_ttl": "2h",
            "actions.0.workload": "ghost",
            "backends.1.name": "qpu",
        },
    )
    problems = refused(lambda: sim.from_dict(data))
    got = set(paths(problems))
    expected = {
        "users[1].instance", "workloads[0].backend", "workloads[1].user",
        "workloads[0].interactive_ttl", "actions[0].workload", "backends[1].name",
    }  # fmt: skip
    assert expected <= got, [str(p) for p in problems]


def test_field_problem_and_cross_reference_problem_are_both_reported():
    """'One message per problem': a malformed field must not hide an unknown backend elsewhere."""
    data = edit(base(), {"workloads.0.quantum": -5, "workloads.1.backend": "ibm_nowhere"})
    problems = refused(lambda: sim.from_dict(data))
    got = set(paths(problems))
    assert {"workloads[0].quantum", "workloads[1].backend"} <= got, [str(p) for p in problems]


def test_scenario_error_str_lists_every_problem_with_its_path():
    data = edit(base(), {"colour": 1, "workloads.0.quantum": -5})
    with pytest.raises(sim.ScenarioError) as info:
        sim.from_dict(data)
    text = str(info.value)
    assert "colour" in text and "workloads[0].quantum" in text


# --- unknown presets -------------------------------------------------------------------------


def test_unknown_preset_via_load():
    [problem] = refused(lambda: sim.load("preset:nope"))
    assert "nope" in problem.message
    assert "vqe-vs-background" in problem.message  # says which presets exist


def test_unknown_preset_via_preset():
    [problem] = refused(lambda: sim.preset("nope"))
    assert "nope" in problem.message


# --- broken text and files -------------------------------------------------------------------

YAML_SYNTAX_ERRORS = [
    "name: [1, 2\nseed: 3\n",
    "backends:\n  - name: qpu\n name: x\n",
    "a: b: c\n",
    "{unclosed: 1",
    "key: 'unterminated\n",
    "- a\nb: c\n",
    "\t- tab: indented\n",
    "!!python/object:os.system {}\n",  # unsafe tags are refused, not executed
    "a: *undefined_alias\n",
    "? [a, b]\n: 1\n",  # unhashable key
]


@pytest.mark.parametrize("text", YAML_SYNTAX_ERRORS)
def test_yaml_syntax_error(text, tmp_path):
    [problem] = refused(lambda: sim.parse_text(text))
    assert problem.path == ""
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    [problem] = refused(lambda: sim.load(path))
    assert "broken.yaml" in problem.message or problem.path == ""


def test_yaml_syntax_error_names_the_line():
    [problem] = refused(lambda: sim.parse_text("name: x\nseed: 1\nbackends: [qpu\n"))
    assert "line" in problem.message.lower()


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", "# only a comment\n", "---\n", "~\n",
                                  "null\n"])  # fmt: skip
def test_empty_document(text, tmp_path):
    [problem] = refused(lambda: sim.parse_text(text))
    assert "empty" in problem.message.lower()
    path = tmp_path / "empty.yaml"
    path.write_text(text, encoding="utf-8")
    [problem] = refused(lambda: sim.load(path))
    assert "empty" in problem.message.lower()


@pytest.mark.parametrize("text", ["- a\n- b\n", "[1, 2, 3]", "42", "just a string",
                                  "true", "3.5", '"quoted"', "2024-01-01"])  # fmt: skip
def test_document_that_is_not_a_mapping(text, tmp_path):
    [problem] = refused(lambda: sim.parse_text(text))
    assert "mapping" in problem.message
    [problem] = refused(lambda: sim.from_dict(yaml.safe_load(text)))
    assert "mapping" in problem.message
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    refused(lambda: sim.load(path))


@pytest.mark.parametrize("data", [[], [base()], 42, "text", None, 1.5, True, b"bytes", set()])
def test_from_dict_non_mapping(data):
    refused(lambda: sim.from_dict(data))


@pytest.mark.parametrize("seed", range(8))
def test_binary_garbage(seed, tmp_path):
    rng = random.Random(seed)
    blob = bytes(rng.randrange(256) for _ in range(4096)) + b"\x00"
    refused(lambda: sim.parse_text(blob))
    path = tmp_path / "garbage.bin"
    path.write_bytes(blob)
    refused(lambda: sim.load(path))


def test_nul_byte_in_otherwise_valid_yaml(tmp_path):
    blob = yaml.safe_dump(base()).encode() + b"\x00"
    [problem] = refused(lambda: sim.parse_text(blob))
    assert "binary" in problem.message
    refused(lambda: sim.parse_text(blob.decode("latin-1")))  # the same as text


def test_random_bytes_without_nul(tmp_path):
    for seed in range(20):
        rng = random.Random(seed)
        blob = bytes(rng.choice([*range(1, 256)]) for _ in range(512))
        refused(lambda blob=blob: sim.parse_text(blob))


def test_non_utf8_bytes(tmp_path):
    blob = "name: café\n".encode("latin-1") + yaml.safe_dump(base()).encode()
    [problem] = refused(lambda: sim.parse_text(blob))
    assert "utf-8" in problem.message.lower()
    path = tmp_path / "latin1.yaml"
    path.write_bytes(blob)
    [problem] = refused(lambda: sim.load(path))
    assert "utf-8" in problem.message.lower()


def test_utf8_with_bom_and_unicode_names_is_fine(tmp_path):
    data = edit(base(), {"name": "Scénario ✓ 量子"})
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + yaml.safe_dump(data, allow_unicode=True).encode())
    assert sim.load(path).name == "Scénario ✓ 量子"


def _huge_text() -> str:
    # A valid scenario padded with comments past 5 MB: refused for its size alone.
    pad = ("# " + "x" * 98 + "\n") * 51_000  # 5.1 MB
    return yaml.safe_dump(base()) + pad


def test_huge_file_is_refused(tmp_path):
    text = _huge_text()
    assert len(text.encode()) > 5_000_000
    path = tmp_path / "huge.yaml"
    path.write_text(text, encoding="utf-8")
    [problem] = refused(lambda: sim.load(path))
    assert "5,000,000" in problem.message or "large" in problem.message
    refused(lambda: sim.parse_text(text))
    refused(lambda: sim.parse_text(text.encode()))


def test_huge_single_value_is_refused():
    text = "name: '" + "x" * 6_000_000 + "'\n"
    refused(lambda: sim.parse_text(text))


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5_000 + "]" * 5_000,
        "{a: " * 5_000 + "1" + "}" * 5_000,
        "overrides: " + "[" * 5_000 + "]" * 5_000,
        "".join("  " * i + f"k{i}:\n" for i in range(1500)) + "  " * 1500 + "v\n",  # 2.3 MB
        "workloads:\n" + "".join("  " * i + "- \n" for i in range(1, 1500)),
    ],
    ids=["flow-seq", "flow-map", "nested-field", "block-map", "block-seq"],
)
def test_deeply_nested_yaml(text):
    refused(lambda: sim.parse_text(text))


def _nest(depth: int, leaf: Any, kind: str) -> Any:
    node = leaf
    for _ in range(depth):
        node = {"a": node} if kind == "dict" else [node]
    return node


@pytest.mark.parametrize("kind", ["dict", "list"])
@pytest.mark.parametrize("where", ["top", "overrides", "workloads.0.quantum", "name",
                                   "backends.0", "hubs"])  # fmt: skip
def test_deeply_nested_data(kind, where):
    deep = _nest(20_000, 1, kind)
    data = deep if where == "top" else edit(base(), {where: deep})
    refused(lambda: sim.from_dict(data))


def test_alias_bomb_is_refused_quickly():
    """'Billion laughs': 9 levels of 9 aliases must not be expanded into 387 million nodes."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    for where in ("", "overrides:\n  on_close: ", "name: "):
        text = "\n".join(lines) + "\n" + (where + "*a8\n" if where else "")
        refused(lambda text=text: sim.parse_text(text))
    text = yaml.safe_dump(base()) + "\n".join(lines) + "\n"
    refused(lambda: sim.parse_text(text))


def test_non_string_keys_name_a_readable_path():
    """YAML allows `1: 2`; the problem must still point somewhere readable."""
    data = base()
    data[1] = 2
    problems = refused(lambda: sim.from_dict(data))
    assert len(problems) == 1
    [problem] = problems
    assert problem.path == "1", f"path should name the key as written, got {problem.path!r}"


def test_directory_path(tmp_path):
    [problem] = refused(lambda: sim.load(tmp_path))
    assert "director" in problem.message
    refused(lambda: sim.load(str(tmp_path)))


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    [problem] = refused(lambda: sim.load(missing))
    assert "nope.yaml" in problem.message
    refused(lambda: sim.load(str(missing)))
    refused(lambda: sim.load(tmp_path / "no" / "such" / "dir" / "x.yaml"))


def test_special_file_path():
    refused(lambda: sim.load("/dev/null"))


# --- size cap (model.md 'Limits') ------------------------------------------------------------


def _big_stream() -> dict[str, Any]:
    """Workload 1 streams 1000 jobs/s for 3 h: 1000 × 10 800 = 10.8 million expected jobs."""
    return edit(base(), {"workloads.1.rate": 1000, "workloads.1.stop": "3h"})


def test_size_cap_refuses_big_stream_naming_its_rate():
    s = sim.from_dict(_big_stream())  # valid as a scenario; only its size is refused
    assert sim.DEFAULT_MAX_JOBS == 5_000_000
    [problem] = refused(lambda: sim.check_size(s))
    assert problem.path == "workloads[1].rate"
    assert "5,000,000" in problem.message or "5000000" in problem.message


def test_size_cap_refused_by_run_before_running():
    s = sim.from_dict(_big_stream())
    # Must be refused up front (running 10.8 M jobs would take far longer than this test).
    [problem] = refused(lambda: sim.run(s))
    assert problem.path == "workloads[1].rate"


def test_size_cap_raised_accepts():
    s = sim.from_dict(_big_stream())
    assert sim.check_size(s, max_jobs=11_000_000) is None


def test_size_cap_via_run_with_small_cap():
    """The cap is a parameter of run: 1 job/s for 600 s ≈ 600 jobs (+ 3 iterative) > 100."""
    s = sim.from_dict(edit(base(), {"workloads.1.rate": 1, "workloads.1.stop": "10m"}))
    [problem] = refused(lambda: sim.run(s, max_jobs=100))
    assert problem.path == "workloads[1].rate"
    result = sim.run(s, max_jobs=10_000)
    assert len(result.jobs) > 100


def test_size_cap_iterative_jobs_names_jobs():
    s = sim.from_dict(edit(base(), {"workloads.0.jobs": 6_000_000}))
    [problem] = refused(lambda: sim.check_size(s))
    assert problem.path == "workloads[0].jobs"


def test_size_cap_stream_ending_at_until():
    """A stream without 'stop' ends at the scenario's 'until': 1000/s × 3 h again."""
    s = sim.from_dict(edit(base(), {"workloads.1.rate": 1000, "workloads.1.stop": DELETE,
                                    "until": "3h"}))  # fmt: skip
    [problem] = refused(lambda: sim.check_size(s))
    assert problem.path == "workloads[1].rate"


# --- fuzzing: only ScenarioError or a Scenario, ever -----------------------------------------

KEYS = ["name", "seed", "rules", "overrides", "until", "backends", "instances", "hubs", "groups",
        "users", "workloads", "reservations", "actions", "calibrations", "at", "every",
        "first_at", "duration", "share", "used", "plan", "instance", "user", "backend",
        "pattern", "mode", "start", "jobs", "quantum", "classical", "rate", "stop", "max_time",
        "interactive_ttl", "max_execution_time", "close", "end", "do", "job", "exponential",
        "uniform", "normal", "lognormal", "choice", "mean", "sd", "on_close", "open_at",
        "allocation", "description", "limit", "cost_limit"]  # fmt: skip
WORDS = ["qpu", "A", "B", "a", "b", "h/g/p", "iterative", "stream", "batch", "session", "job",
         "ibm-2024", "ibm-2023", "ibm-current", "open", "premium", "drain", "fail", "close",
         "cancel", "10s", "1h 30m", "-5", "20/h", "0/h", "1e400", "nan", ".inf", "~", "null",
         "true", "NaN", "2d", "after_last", "never", "ibm-2025", "flex", "payg",
         "a/b"]  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(WORDS)
)
json_like = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=5)
    ),
    max_leaves=30,
)

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def _only_scenario_error(call: Callable[[], Any]) -> None:
    try:
        result = call()
    except sim.ScenarioError as err:
        assert err.problems
        for p in err.problems:
            assert isinstance(p.path, str) and isinstance(p.message, str) and p.message
    else:
        assert isinstance(result, sim.Scenario)


@FUZZ
@given(json_like)
def test_fuzz_from_dict_arbitrary_data(data):
    _only_scenario_error(lambda: sim.from_dict(data))


@FUZZ
@given(st.data())
def test_fuzz_from_dict_mutated_valid_scenario(data):
    """Replace one field anywhere in a valid scenario with arbitrary data."""
    scenario = base()
    targets = []

    def walk(node: Any, prefix: str) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            dotted = f"{prefix}.{key}" if prefix else str(key)
            targets.append(dotted)
            if isinstance(value, dict | list):
                walk(value, dotted)

    walk(scenario, "")
    target = data.draw(st.sampled_from(targets))
    value = data.draw(json_like | st.just(DELETE))
    _only_scenario_error(lambda: sim.from_dict(edit(scenario, {target: value})))


yamlish = st.lists(
    st.sampled_from([*KEYS, *WORDS, ":", ": ", "- ", "\n", "\n  ", "\n    ", "[", "]", "{", "}",
                     ",", "&x ", "*x", "!!str ", "!!binary ", "'", '"', "#", "|", ">", "---",
                     "...", "? ", "%YAML 1.2\n", "\t", "0x1F", "1e9", "-", "\\", "\x00", "\ufeff"])
    | st.text(max_size=5),
    max_size=60,
).map("".join)  # fmt: skip


@FUZZ
@given(yamlish)
def test_fuzz_parse_text_yamlish(text):
    _only_scenario_error(lambda: sim.parse_text(text))


@FUZZ
@given(st.binary(max_size=300))
def test_fuzz_parse_text_bytes(blob):
    _only_scenario_error(lambda: sim.parse_text(blob))


@FUZZ
@given(json_like)
def test_fuzz_parse_text_dumped_yaml_and_json(data):
    _only_scenario_error(lambda: sim.parse_text(yaml.safe_dump(data)))
    try:
        text = json.dumps(data)
    except (ValueError, TypeError):
        return
    _only_scenario_error(lambda: sim.parse_text(text))


def test_accepted_fuzz_outputs_are_real_scenarios():
    """Sanity for the fuzzers: the mutation space contains valid scenarios too."""
    assert isinstance(sim.from_dict(edit(base(), {"name": "renamed"})), sim.Scenario)
    assert math.isfinite(sim.from_dict(base()).workloads[1].rate)


def test_an_uploads_problems_count_entries_from_1_next_to_the_files_path():
    """Issue 13 item 8: upload errors counted rows from 0 (``workloads[1]``) where the editor
    counts from 1. The path stays the file's (the contract fixes it); the message adds the
    entry counted from 1, as the editor numbers its rows."""
    from sim.store.uploads import describe, parse_upload

    data = edit(base(), {"workloads.1.start": -1, "backends.0.calibrations.0.duration": "5x"})
    problems = refused(lambda: parse_upload(yaml.safe_dump(data).encode(), "bad.yaml"))
    text = sorted(describe(p) for p in problems)
    assert text[0].startswith("backends[0].calibrations[0].duration (backend 1, calibration 1): ")
    assert text[1].startswith("workloads[1].start (workload 2): ")
    assert describe(sim.Problem("seed", "must be an integer")) == "seed: must be an integer"
