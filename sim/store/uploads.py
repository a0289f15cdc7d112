"""Scenario files arriving from a browser: stricter than files on the user's own disk.

An upload must be at most 1 MB of UTF-8 text; it is then read like any scenario file
(``sim.model.yamltext``: the safe YAML loader only, duplicate keys refused, alias expansion capped).
Anything refused raises :class:`sim.ScenarioError` with one message that says why.
"""

from __future__ import annotations

import re

from ..model.files import parse_text
from ..model.scenario import Problem, Scenario, ScenarioError

MAX_UPLOAD_BYTES = 1_000_000


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
        data.decode("utf-8")  # checked first: a browser's binary file is "not UTF-8" here
    except UnicodeDecodeError:
        raise ScenarioError([Problem("", f"{name} is not UTF-8 text")]) from None
    # parse_text reads with sim.model.yamltext: safe loader only, alias expansion capped, duplicate
    # keys refused.
    return parse_text(data, source=name)
