"""Scenario parameters named by paths, for what-if sweeps.

A path names a field by the names a user wrote, not by list positions::

    workloads.bg.rate                       a workload's field
    workloads.vqe.mode
    instances.hub-a/group-1/vqe.share       names may contain '/' (and '.')
    backends.ibm_alpha.calibrations.0.every inside a named item, lists take a 0-based index
    users.alice.instance
    reservations.0.end                      sections without names take an index
    overrides.interactive_ttl               a profile knob; also hubs.NAME, groups.NAME
    until, rules, seed                      top-level fields
    workloads.bg.copies                     N copies of a workload, each with its own user
                                            (on the same instance): the number of users

:func:`apply` changes a validated scenario and validates the result again, so a value that
makes no sense (a rate of zero, an unknown mode) is refused like in a scenario file, with a
message that names the path. :func:`inert` says when a path changes nothing in a scenario
(an ITTL of a workload that runs in job mode), :func:`notes` which points of a grid do not
run as asked, and :func:`numbers` reads a path's values as quantities for an axis. Nothing
here imports Streamlit or Plotly.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import yaml

from . import scenario as model
from .rules import Knobs
from .scenario import Problem, Scenario, ScenarioError, from_dict
from .settings import effective_settings
from .units import format_duration, parse_duration, parse_rate

NAMED = ("backends", "instances", "users", "workloads")  # list sections whose items have names
INDEXED = ("reservations", "actions")  # list sections without names
MAPPINGS = ("overrides", "hubs", "groups")  # name → value
COPIES = "copies"


def parse_value(text: str) -> Any:
    """A command-line value as YAML reads it: ``5`` a number, ``20/h`` and ``session`` text."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _fail(path: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(path, message)])


def _item(data: dict[str, Any], path: str) -> tuple[dict[str, Any] | list | None, str, str]:
    """(container, key, rest): the mapping or list the path points into and what remains."""
    section, _, rest = path.partition(".")
    if section in NAMED:
        items = data.get(section, [])
        # The longest name followed by '.' wins, so a name containing '.' still matches.
        matches = [
            w for w in items if rest.startswith(f"{w.get('name')}.") or rest == w.get("name")
        ]
        if not matches:
            known = ", ".join(repr(w.get("name")) for w in items) or "none"
            raise _fail(path, f"no item of {section} is named in this path (known: {known})")
        item = max(matches, key=lambda w: len(w["name"]))
        return item, item["name"], rest[len(item["name"]) + 1 :]  # "" when no field follows
    if section in INDEXED:
        index, _, field = rest.partition(".")
        items = data.get(section, [])
        if not index.isdigit() or int(index) >= len(items):
            raise _fail(path, f"{section} needs an index from 0 to {len(items) - 1}")
        return items[int(index)], index, field
    if section in MAPPINGS:
        if not rest:
            raise _fail(path, f"give the name inside {section}, e.g. {section}.NAME")
        return data.setdefault(section, {}), section, rest
    if "." in path or section not in Scenario.model_fields or section in (*NAMED, *INDEXED):
        raise _fail(path, "unknown parameter: start with " + ", ".join((*NAMED, *INDEXED,
                    *MAPPINGS)) + " or a top-level field (until, rules, seed)")  # fmt: skip
    return data, section, ""


def _set(target: Any, field: str, value: Any, path: str) -> None:
    """Set a dotted ``field`` (list indices allowed) inside a named item."""
    parts = field.split(".")
    for part in parts[:-1]:
        target = _step(target, part, path)
    last = parts[-1]
    if isinstance(target, list):
        if not last.isdigit() or int(last) >= len(target):
            raise _fail(path, f"{last!r} is not an index of a list of {len(target)}")
        target[int(last)] = value
    elif isinstance(target, dict):
        target[last] = value
    else:
        raise _fail(path, f"{last!r} cannot be set here")


def _step(target: Any, part: str, path: str) -> Any:
    if isinstance(target, list):
        if not part.isdigit() or int(part) >= len(target):
            raise _fail(path, f"{part!r} is not an index of a list of {len(target)}")
        return target[int(part)]
    if isinstance(target, dict) and isinstance(target.get(part), dict | list):
        return target[part]
    raise _fail(path, f"{part!r} names no list or group of fields here")


def _copies(data: dict[str, Any], workload: dict[str, Any], value: Any, path: str) -> None:
    """R33 seeds each workload's streams by its name, so the copies draw independently."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1000:
        raise _fail(path, f"copies must be a whole number from 1 to 1000 (got {value!r})")
    user = next(u for u in data["users"] if u["name"] == workload["user"])
    names = {w["name"] for w in data["workloads"]} | {u["name"] for u in data["users"]}
    at = data["workloads"].index(workload)
    for k in range(2, value + 1):
        suffix = f"#{k}"
        if f"{workload['name']}{suffix}" in names or f"{user['name']}{suffix}" in names:
            raise _fail(path, f"the name {workload['name']}{suffix} is already taken")
        data["users"].append({**user, "name": f"{user['name']}{suffix}"})
        clone = {**copy.deepcopy(workload), "name": f"{workload['name']}{suffix}"}
        data["workloads"].insert(at + k - 1, {**clone, "user": f"{user['name']}{suffix}"})


def apply(scenario: Scenario, values: Mapping[str, Any]) -> Scenario:
    """A validated copy of ``scenario`` with each path set to its value.

    Raises :class:`ScenarioError` whose problems name the path (and the value) at fault.
    ``copies`` paths are applied last, so the copies get the other changes too.
    """
    data = scenario.to_dict()
    later = []
    for path, value in values.items():
        container, key, field = _item(data, path)
        if field == COPIES and path.startswith("workloads."):
            later.append((container, value, path))
        elif container is data:
            data[key] = value
        elif not field:
            raise _fail(path, "name a field after the item, e.g. workloads.NAME.rate")
        else:
            _set(container, field, value, path)
    for workload, value, path in later:
        _copies(data, workload, value, path)
    try:
        return from_dict(data)
    except ScenarioError as err:
        label = ", ".join(f"{p}={v!r}" for p, v in values.items())
        raise ScenarioError([Problem(p.path, f"{p.message} (with {label})")
                             for p in err.problems]) from None  # fmt: skip


def parse_vary(text: str) -> tuple[str, list[Any]]:
    """``PATH=V1,V2,...`` → (path, values). Raises ScenarioError naming the option."""
    path, sep, values = text.partition("=")
    path = path.strip()
    if not sep or not path or not values.strip():
        raise _fail("--vary", f"{text!r} is not PATH=V1,V2,...")
    items = [v.strip() for v in values.split(",")]
    if any(not v for v in items):
        raise _fail(path, f"an empty value in {values!r}")
    return path, [parse_value(v) for v in items]


# --- what a path means for a run ------------------------------------------------------------


def _duration_fields() -> frozenset[str]:
    """Field names read as durations, from the models' own duration validators (so a new
    duration field is known here without a second list)."""
    names: set[str] = set()
    for cls in (model.Workload, model.Calibration, model.Instance, model.Reservation,
                model.Action, model.Scenario, Knobs):  # fmt: skip
        for name, dec in cls.__pydantic_decorators__.field_validators.items():
            if name in ("_read", "_duration"):  # scenario._durations(), Knobs._duration
                names.update(dec.info.fields)
    return frozenset(names)


DURATION_FIELDS = _duration_fields()
RATE_FIELDS = frozenset({"rate"})


def numbers(path: str, values: list[Any]) -> tuple[str, list[float]] | None:
    """The values of ``path`` as quantities for a numeric axis: ``("rate", per second)``,
    ``("duration", seconds)`` or ``("number", as given)``; None when they are words (modes,
    profiles) or do not read as the field's quantity."""
    field = path.rsplit(".", 1)[-1]
    try:
        if field in RATE_FIELDS:
            return "rate", [parse_rate(v) for v in values]
        if field in DURATION_FIELDS:
            return "duration", [parse_duration(v) for v in values]
    except ValueError:
        return None
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "number", [float(v) for v in values]
    return None


def _workload(scenario: Scenario, path: str) -> tuple[model.Workload, str] | None:
    """(the workload, the field) a ``workloads.NAME.FIELD`` path names; None otherwise."""
    if not path.startswith("workloads."):
        return None
    try:
        _, name, field = _item({"workloads": scenario.to_dict()["workloads"]}, path)
    except ScenarioError:
        return None
    return next(w for w in scenario.workloads if w.name == name), field


def mode_used(scenario: Scenario, name: str) -> tuple[str, str]:
    """(the mode workload ``name`` runs in, why that differs from its ``mode``; "" if not)."""
    w = next(x for x in scenario.workloads if x.name == name)
    knobs = scenario.knobs
    runs = effective_settings(scenario, w)  # R21, R24 (sim/model/settings.py)
    mode, rejected = runs.mode, runs.rejected
    rules = f"{scenario.rules} with overrides" if scenario.overrides else scenario.rules
    if rejected:
        return mode, f"{rules} refuses sessions on the Open plan (R21): its jobs are rejected"
    if mode == w.mode:
        return mode, ""
    if w.mode == "batch" and not knobs.batch_mode:
        why = f"{rules} has no batch mode (R24): a batch is jobs in a session"
        if mode == "job":
            why += ", and Open-plan sessions run in job mode (R21)"
        return mode, why
    return mode, f"{rules} runs Open-plan sessions in job mode (R21)"


def inert(scenario: Scenario, path: str) -> str:
    """Why setting ``path`` cannot change a run of ``scenario``; "" when it may.

    Today this knows the session settings of a workload: ``interactive_ttl`` and
    ``max_time`` do nothing for a workload that runs in job mode, and the ITTL is not the
    workload's in batch mode (R24), on the Open plan (R21) or when the profile fixes it (R20).
    """
    found = _workload(scenario, path)
    if found is None or found[1] not in ("interactive_ttl", "max_time"):
        return ""
    w, field = found
    mode, why = mode_used(scenario, w.name)
    if mode == "job" or why.endswith("rejected"):
        return f"{w.name} runs in job mode, without a session" if mode == "job" else why
    if field == "max_time":
        return ""
    knobs = scenario.knobs
    if mode == "batch":
        return f"a batch's ITTL is always {format_duration(knobs.batch_interactive_ttl)} (R24)"
    if effective_settings(scenario, w).plan == "open":
        return ("Open-plan sessions use the profile's ITTL of "
                f"{format_duration(knobs.open_plan_interactive_ttl)} (R21)")  # fmt: skip
    if knobs.interactive_ttl_fixed:
        return (f"{scenario.rules} fixes every session's ITTL at "
                f"{format_duration(knobs.default_interactive_ttl)} (R20)")  # fmt: skip
    return ""


def notes(points: list[tuple[dict[str, Any], Scenario]]) -> list[str]:
    """One sentence per (path, value, reason) where a grid point does not run as its values
    say: a mode the profile replaces, a session setting that does nothing there."""
    out: dict[str, None] = {}
    for values, scenario in points:
        for path, value in values.items():
            found = _workload(scenario, path)
            if found is None:
                continue
            w, field = found
            if field == "mode":
                mode, why = mode_used(scenario, w.name)
                if why:
                    same = f", so these points run as mode = {mode}" if mode != value else ""
                    out[f"{path} = {value}: {why}{same}."] = None
                continue
            why = inert(scenario, path)
            if why:
                where = [f"{p} = {v}" for p, v in values.items() if p != path]
                at = f" where {', '.join(where)}" if where else ""
                out[f"{path} changes nothing{at}: {why}."] = None
    return list(out)
