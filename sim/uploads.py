"""Scenario files arriving from a browser: stricter than files on the user's own disk.

An upload is read with the safe YAML loader only (plain data: no Python objects, nothing
executed), must be at most 1 MB, and may not expand YAML aliases into a huge document (the
"billion laughs" trick: a few kilobytes of nested aliases that name millions of nodes, which
would make validation run for ever). Anything refused raises :class:`sim.ScenarioError`
with one message that says why.
"""

from __future__ import annotations

import re

import yaml

from .scenario import Problem, Scenario, ScenarioError, parse_text

MAX_UPLOAD_BYTES = 1_000_000
# The largest built-in scenario has a few hundred nodes; hand-written ones with anchors
# stay far below this. A bomb of 9 levels × 9 aliases names 9**9 ≈ 387 million nodes.
MAX_EXPANDED_NODES = 100_000


def _expanded_nodes(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many nodes the document has once every alias is expanded.

    The composer shares one node object between an anchor and its aliases, so counting per
    object identity with a memo stays linear in the file while the total can be exponential.
    """
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias counts once (the safe loader rejects those anyway)
    total = 1
    if isinstance(node, yaml.SequenceNode):
        total += sum(_expanded_nodes(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        total += sum(_expanded_nodes(k, memo) + _expanded_nodes(v, memo) for k, v in node.value)
    memo[key] = total
    return total


_ITEM = re.compile(r"([a-z_]+)\[(\d+)\]")


def describe(problem: Problem) -> str:
    """A problem as the dashboard shows it for a file: the file's path, which counts from 0 as
    the contract writes it (``workloads[0].quantum``), then the entries counted from 1 as the
    scenario editor numbers its rows: ``workloads[0].quantum (workload 1): ...``."""
    items = [f"{name.removesuffix('s')} {int(i) + 1}" for name, i in _ITEM.findall(problem.path)]
    if not items:
        return str(problem)
    return f"{problem.path} ({', '.join(items)}): {problem.message}"


def parse_upload(data: bytes, name: str = "upload") -> Scenario:
    """The scenario in an uploaded file, or :class:`ScenarioError` naming what is wrong."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ScenarioError(
            [
                Problem(
                    "",
                    f"{name} is {len(data):,} bytes; uploads are limited to "
                    f"{MAX_UPLOAD_BYTES:,} bytes (1 MB)",
                )
            ]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([Problem("", f"{name} is not UTF-8 text")]) from None
    if "*" not in text:  # no alias anywhere: nothing can expand, skip the extra pass
        return parse_text(data, source=name)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        root = None  # parse_text below reports the syntax error with its line and column
    except RecursionError:
        raise ScenarioError([Problem("", f"{name} is nested too deeply")]) from None
    if root is not None and _expanded_nodes(root, {}) > MAX_EXPANDED_NODES:
        raise ScenarioError(
            [
                Problem(
                    "",
                    f"{name} expands (through YAML aliases) to more than "
                    f"{MAX_EXPANDED_NODES:,} values; refused",
                )
            ]
        )
    # parse_text uses yaml.safe_load only: tags such as !!python/object are refused.
    return parse_text(data, source=name)
