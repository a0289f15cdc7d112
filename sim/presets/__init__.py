"""Built-in scenarios, one YAML file each, loaded as ``preset:NAME`` or ``sim.preset(NAME)``."""

from __future__ import annotations

from importlib import resources

from ..scenario import Problem, Scenario, ScenarioError, parse_text

DEFAULT = "vqe-vs-background"


def names() -> list[str]:
    files = resources.files(__package__).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def preset(name: str) -> Scenario:
    if name not in names():
        raise ScenarioError(
            [Problem("", f"unknown preset {name!r}; built-in presets: {', '.join(names())}")]
        )
    text = resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return parse_text(text, source=f"preset:{name}")
