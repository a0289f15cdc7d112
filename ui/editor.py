"""The scenario as editable tables, and back.

The editor shows one DataFrame per list in the scenario (calibrations get their own table with
a ``backend`` column) plus a few general fields. Durations, rates and distributions are text
as a user writes them in a scenario file (``30s``, ``20/h``, ``{exponential: 20s}``), so what
the user typed survives a failed validation unchanged. Problems from
:class:`sim.ScenarioError` (``workloads[0].quantum``) are mapped back to the table and row
that caused them.

No Streamlit here: this module is plain pandas and is tested directly.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import yaml

import sim
from sim.model import units

TABLES: dict[str, list[str]] = {
    "backends": ["name"],
    "calibrations": ["backend", "at", "every", "first_at", "duration"],
    "pauses": ["backend", "at", "every", "first_at", "duration"],  # R40
    "instances": ["name", "share", "used", "plan", "allocation", "limit", "cost_limit"],
    "users": ["name", "instance"],
    "workloads": [
        "name",
        "user",
        "backend",
        "pattern",
        "mode",
        "jobs",
        "rate",
        "start",
        "stop",
        "quantum",
        "classical",
        "interactive_ttl",
        "max_time",
        "max_execution_time",
        "close",
        "open_at",
        "trace",
        "replay",
        "preprocess",
    ],
    "reservations": ["backend", "instance", "start", "end"],
    "actions": ["workload", "at", "do", "job"],
}
# Lists inside a backend, each its own table with a ``backend`` column.
BACKEND_LISTS = ("calibrations", "pauses")
NUMBERS = {("instances", "share"), ("workloads", "jobs"), ("actions", "job")}
INTEGERS = {("workloads", "jobs"), ("actions", "job")}
DURATIONS = {
    "at",
    "every",
    "first_at",
    "duration",
    "used",
    "allocation",
    "cost_limit",
    "start",
    "stop",
    "interactive_ttl",
    "max_time",
    "max_execution_time",
    "open_at",
    "end",
    "preprocess",
}
DISTRIBUTIONS = {"quantum", "classical"}
GENERAL = ["name", "description", "rules", "seed", "until", "overrides", "hubs", "groups"]
MAPPINGS = {"overrides", "hubs", "groups"}


@dataclass(frozen=True)
class Located:
    """A problem placed in the editor: ``table`` (or ``general``), 0-based ``row``, ``field``,
    and ``path``, the entry in the scenario file (``workloads[1]``) when it made it there.

    Shown as ``row 3 (workloads[1]), quantum: ...``: rows counted from 1 as the editor numbers
    them, next to the file's path, which counts from 0 (the contract's field paths) and skips
    blank rows, so that an upload's message and the editor's name the same entry.
    """

    table: str
    row: int | None
    field: str | None
    message: str
    path: str = ""

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row + 1}" + (f" ({self.path})" if self.path else ""))
        if self.field:
            where.append(self.field)
        return f"{', '.join(where)}: {self.message}" if where else self.message


# --- scenario → text -----------------------------------------------------------------------


def duration_text(seconds: float | None) -> str:
    """``1h 30m`` as a user writes it, read back exactly (the writer of the YAML download)."""
    return "" if seconds is None else str(units.duration_text(seconds))


def rate_text(per_second: float | None) -> str:
    """``20/h`` as a user writes it, read back exactly (the writer of the YAML download)."""
    return "" if per_second is None else str(units.rate_text(per_second))


def distribution_text(value: Any) -> str:
    """A distribution as a user writes it: ``30s`` or ``{exponential: 20s}``."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return duration_text(float(value))
    ((kind, arg),) = value.items()
    if isinstance(arg, Mapping):
        inner = ", ".join(f"{k}: {duration_text(v)}" for k, v in arg.items())
        return f"{{{kind}: {{{inner}}}}}"
    if isinstance(arg, list | tuple):
        return f"{{{kind}: [{', '.join(duration_text(v) for v in arg)}]}}"
    return f"{{{kind}: {duration_text(arg)}}}"


def _mapping_text(mapping: Mapping[str, Any]) -> str:
    if not mapping:
        return ""
    return yaml.safe_dump(dict(mapping), default_flow_style=True, sort_keys=False).strip()


def _cell_text(table: str, column: str, value: Any) -> Any:
    if (table, column) in NUMBERS:
        return math.nan if value is None else float(value)
    if value is None:
        return None
    if isinstance(value, bool):  # `limit` (R34): written as a user types it in YAML
        return "true" if value else "false"
    if column in DISTRIBUTIONS:
        return distribution_text(value)
    if column in ("trace", "replay"):  # recorded steps or jobs (issues 17, 18): one YAML line
        return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10**9).strip()
    if column == "rate":
        return rate_text(value)
    if column in DURATIONS:
        return duration_text(value)
    return str(value)


def frames_from_scenario(scenario: sim.Scenario) -> dict[str, pd.DataFrame]:
    """One editable DataFrame per table (text columns as object, number columns as float)."""
    data = scenario.to_dict()
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for backend in data["backends"]:
        rows["backends"].append({"name": backend["name"]})
        for table in BACKEND_LISTS:
            for item in backend.get(table, []):
                rows[table].append({"backend": backend["name"], **item})
    for name in ("instances", "users", "workloads", "reservations", "actions"):
        rows[name] = data[name]
    frames = {}
    for name, columns in TABLES.items():
        frame = {}
        for column in columns:
            values = [_cell_text(name, column, r.get(column)) for r in rows[name]]
            dtype = float if (name, column) in NUMBERS else object
            frame[column] = pd.Series(values, dtype=dtype)
        frames[name] = pd.DataFrame(frame)
    return frames


def general_from_scenario(scenario: sim.Scenario) -> dict[str, Any]:
    """The general fields as the editor's widgets show them."""
    return {
        "name": scenario.name,
        "description": scenario.description,
        "rules": scenario.rules,
        "seed": int(scenario.seed),
        "until": duration_text(scenario.until),
        "overrides": _mapping_text(scenario.overrides),
        "hubs": _mapping_text(scenario.hubs),
        "groups": _mapping_text(scenario.groups),
    }


# --- text → scenario -----------------------------------------------------------------------


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _yamlish(text: str) -> Any:
    """``30`` → 30, ``30s`` → "30s", ``{exponential: 20s}`` → a mapping; else the text."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text  # the validator then names the field and says what is malformed
    if value is None or isinstance(value, bool | dt.date | dt.datetime):
        return text
    return value


def _cell_value(table: str, column: str, value: Any) -> Any:
    """The scenario-file value of one cell, or None for an empty cell."""
    if _blank(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if (table, column) in NUMBERS:
        if isinstance(value, str):
            value = _yamlish(value.strip())
        if (table, column) in INTEGERS and isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    text = str(value).strip()
    if column in DURATIONS or column in DISTRIBUTIONS or column in ("rate", "trace", "replay"):
        return _yamlish(text)
    return text


def _rows(table: str, frame: pd.DataFrame) -> list[tuple[int, dict[str, Any]]]:
    """(row position, non-empty values) for every row that is not entirely empty."""
    columns = [c for c in TABLES[table] if c in frame.columns]
    out = []
    for pos, record in enumerate(frame[columns].to_dict("records")):
        values = {c: _cell_value(table, c, record[c]) for c in columns}
        values = {c: v for c, v in values.items() if v is not None}
        if values:
            out.append((pos, values))
    return out


def _mapping(field: str, text: Any, problems: list[Located]) -> dict[str, Any] | None:
    if _blank(text):
        return None
    try:
        value = yaml.safe_load(str(text))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at column {mark.column + 1}" if mark else ""
        problems.append(Located("general", None, field, f"not valid YAML{where}"))
        return None
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.append(
            Located("general", None, field, "expected a mapping such as {on_close: drain}")
        )
        return None
    return value


def scenario_data(
    general: Mapping[str, Any], frames: Mapping[str, pd.DataFrame]
) -> tuple[dict[str, Any], dict[str, tuple[str, int]], list[Located]]:
    """The scenario as file data, where each item came from, and problems found on the way."""
    problems: list[Located] = []
    data: dict[str, Any] = {}
    for field in ("name", "description", "rules"):
        if not _blank(general.get(field)):
            data[field] = str(general[field]).strip() if field != "description" else general[field]
    if not _blank(general.get("seed")):
        data["seed"] = general["seed"]
    if not _blank(general.get("until")):
        data["until"] = _yamlish(str(general["until"]).strip())
    for field in MAPPINGS:
        mapping = _mapping(field, general.get(field), problems)
        if mapping is not None:
            data[field] = mapping

    sources: dict[str, tuple[str, int]] = {}
    for table in ("backends", "instances", "users", "workloads", "reservations", "actions"):
        items = []
        for pos, values in _rows(table, frames.get(table, pd.DataFrame())):
            sources[f"{table}[{len(items)}]"] = (table, pos)
            items.append(values)
        data[table] = items
    index = {}
    for i, b in enumerate(data["backends"]):
        index.setdefault(b.get("name"), i)
    for table in BACKEND_LISTS:
        for pos, values in _rows(table, frames.get(table, pd.DataFrame())):
            backend = values.pop("backend", None)
            if backend not in index:
                message = "required" if backend is None else f"unknown backend {backend!r}"
                problems.append(Located(table, pos, "backend", message))
                continue
            items = data["backends"][index[backend]].setdefault(table, [])
            sources[f"backends[{index[backend]}].{table}[{len(items)}]"] = (table, pos)
            items.append(values)
    return data, sources, problems


def source(path: str, sources: Mapping[str, tuple[str, int]]) -> str:
    """The entry (``workloads[0]``) a problem path such as ``workloads[0].quantum`` is in."""
    for prefix in sorted(sources, key=len, reverse=True):
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            return prefix
    return ""


def locate(path: str, sources: Mapping[str, tuple[str, int]]) -> tuple[str, int | None, str | None]:
    """(table, row, field) for a problem path such as ``workloads[0].quantum``."""
    prefix = source(path, sources)
    if prefix:
        table, row = sources[prefix]
        return table, row, path[len(prefix) :].lstrip(".") or None
    top = re.match(r"[A-Za-z_]+", path)
    if top and top.group(0) in TABLES:
        rest = path[len(top.group(0)) :].lstrip(".")
        return top.group(0), None, rest or None
    return "general", None, path or None


def build(
    general: Mapping[str, Any], frames: Mapping[str, pd.DataFrame]
) -> tuple[sim.Scenario | None, list[Located]]:
    """The scenario the editor describes, or None and the problems placed in the editor."""
    data, sources, problems = scenario_data(general, frames)
    scenario = None
    try:
        scenario = sim.from_dict(data)
    except sim.ScenarioError as err:
        problems.extend(locate_all(err.problems, sources))
    return (None if problems else scenario), problems


def locate_all(
    problems: list[sim.Problem], sources: Mapping[str, tuple[str, int]] | None = None
) -> list[Located]:
    out = []
    for p in problems:
        table, row, field = locate(p.path, sources or {})
        out.append(Located(table, row, field, p.message, source(p.path, sources or {})))
    return out


def by_table(problems: list[Located]) -> dict[str, list[Located]]:
    out: dict[str, list[Located]] = {}
    for p in problems:
        out.setdefault(p.table, []).append(p)
    return out
