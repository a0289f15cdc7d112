"""Scenario text and files: YAML or JSON text, files on disk, and the built-in presets.

Kept apart from the schema (:mod:`sim.model.scenario`) so that the presets, which are scenario
files shipped in :mod:`sim.model.presets`, are read through the same door as a user's file.
"""

from __future__ import annotations

import stat
from importlib import resources
from pathlib import Path

import yaml

from . import yamltext
from .scenario import Problem, Scenario, ScenarioError, from_dict

MAX_FILE_BYTES = 5_000_000
PRESETS = "sim.model.presets"  # the package holding one YAML file per built-in scenario
DEFAULT = "vqe-vs-background"


def names() -> list[str]:
    files = resources.files(PRESETS).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def preset(name: str) -> Scenario:
    if name not in names():
        raise ScenarioError(
            [Problem("", f"unknown preset {name!r}; built-in presets: {', '.join(names())}")]
        )
    text = resources.files(PRESETS).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return parse_text(text, source=f"preset:{name}")


def parse_text(text: str | bytes, source: str = "scenario") -> Scenario:
    """Parse YAML (or JSON, which is YAML) text; refuses binary and oversize input."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise ScenarioError([Problem("", f"{source} is larger than {MAX_FILE_BYTES:,} bytes")])
        if b"\x00" in text:
            raise ScenarioError([Problem("", f"{source} is a binary file, not YAML or JSON")])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ScenarioError([Problem("", f"{source} is not UTF-8 text")]) from None
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError([Problem("", f"{source} is larger than {MAX_FILE_BYTES:,} bytes")])
    if not text.strip():
        raise ScenarioError([Problem("", f"{source} is empty")])
    try:
        data = yamltext.read(text)
    except yamltext.YamlTextError as err:
        raise ScenarioError(
            [Problem(path, str(err) if path else f"{source}: {err}") for path in err.paths]
        ) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or "not valid YAML or JSON"
        raise ScenarioError(
            [Problem("", f"{source}: YAML syntax error{where}: {problem}")]
        ) from None
    except RecursionError:
        raise ScenarioError([Problem("", f"{source} is nested too deeply")]) from None
    return from_dict(data)


def load(path: str | Path) -> Scenario:
    """Load a scenario file (YAML or JSON) or a built-in one written ``preset:NAME``."""
    text = str(path)
    if text.startswith("preset:"):
        return preset(text.removeprefix("preset:"))
    p = Path(path)
    try:
        if p.is_dir():
            raise ScenarioError([Problem("", f"{p} is a directory, not a scenario file")])
        info = p.stat()
        if not stat.S_ISREG(info.st_mode):
            # A FIFO would block for ever and /dev/zero never ends: only ordinary files.
            raise ScenarioError([Problem("", f"{p} is not a regular file")])
        if info.st_size > MAX_FILE_BYTES:
            raise ScenarioError([Problem("", f"{p} is larger than {MAX_FILE_BYTES:,} bytes")])
        with p.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)  # a file growing while read stays bounded
    except FileNotFoundError:
        raise ScenarioError([Problem("", f"no such file: {p}")]) from None
    except OSError as err:
        raise ScenarioError([Problem("", f"cannot read {p}: {err.strerror or err}")]) from None
    return parse_text(raw, source=p.name)


# What "New scenario" in the dashboard starts from: today's platform (issue 15: new scenarios
# start on ibm-2025), one backend, the user's own instance and a background of other users.
STARTER = """\
name: New scenario
description: >
  A starting point on today's platform: your batch of ten jobs on one backend while other
  users' jobs stream in. Edit the tables below into your own work and run it.
seed: 1
rules: ibm-2025
backends:
  - name: ibm_backend
instances:
  - {name: my-instance, plan: premium, allocation: 10h}
  - {name: other-users, plan: premium, allocation: 40h}
users:
  - {name: me, instance: my-instance}
  - {name: others, instance: other-users}
workloads:
  - {name: my-batch, user: me, backend: ibm_backend, pattern: batch, mode: batch,
     start: 10m, jobs: 10, quantum: 30s}
  - {name: background, user: others, backend: ibm_backend, pattern: stream, mode: job,
     rate: 20/h, stop: 4h, quantum: {exponential: 2m}}
"""


def starter() -> Scenario:
    """A small scenario on today's platform to edit into one's own."""
    return parse_text(STARTER, source="new scenario")
