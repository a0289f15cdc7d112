"""The current scenario and its result, shared by every page through ``st.session_state``.

Runs go to a bounded child process (:mod:`sim.experiments.worker`: memory and time limits, killed
on Stop
or when the tab goes away) and are cached once per server (:mod:`ui.runcache`: bounded by
bytes and age, shared by every session), keyed on the scenario's JSON and the seed: a plain
string hashes reliably and cheaply, a pydantic model may not.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st

import sim
from sim.experiments import worker
from sim.model.files import DEFAULT
from ui import runcache

T = TypeVar("T")

SCENARIO = "scenario"  # the current sim.Scenario
RESULT = "result"  # (scenario JSON, sim.Result) of the current scenario
PRESET = "preset"  # name of the preset the scenario came from ("" once edited or uploaded)
EDITOR_GENERATION = "editor_generation"  # bumped whenever the editor must reload its tables
DERIVED = "derived"  # figures and tables computed from the current result (see derived())
_OF = "of result"  # the key under which derived() keeps the result its entries belong to
LIBRARY = "library_entry"  # (name, scenario JSON) of the library entry last loaded or saved
# (what it is, scenario JSON) of what this tab last opened, loaded or saved: a preset, a library
# entry, an uploaded file. A draft's changes are counted from it (ui/drafts.py).
ORIGIN = "origin"


# One per server process, shared by every session (module state survives script reruns).
CACHE = runcache.from_env()


def stop_check() -> Callable[[], None] | None:
    """Streamlit's check for a pending stop or rerun of this script run (it raises
    ``StopException``/``RerunException``): called while a run's child works, so that Stop, a
    closed tab or a new rerun (``runner.fastReruns`` stops the old one) ends the wait, and
    the child is killed unless another script run needs it. None outside a script run."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_run_yield_check
    except ImportError:  # another Streamlit: the time limit still bounds the run
        return None
    return get_run_yield_check()


def run(scenario: sim.Scenario, seed: int | None = None) -> sim.Result:
    """Run (or fetch from the cache) ``scenario``; raises :class:`sim.ScenarioError`, or its
    subclass :class:`sim.experiments.worker.RunBudgetError` when the run went over its limits."""
    key = (scenario.model_dump_json(), seed)
    found = CACHE.get(key)
    if found is not None:
        return found
    with st.spinner("Simulating…"):
        # Shared with every script run that needs the same run meanwhile; killed a few
        # seconds after the last of them stops waiting (ui/runcache.py).
        return CACHE.run(key, lambda cancel: worker.run(scenario, seed, cancel=cancel),
                         check=stop_check())  # fmt: skip


def scenario() -> sim.Scenario:
    """The current scenario; the default preset on a first visit."""
    if SCENARIO not in st.session_state:
        # A new browser session: this tab's draft (a reload), else the scenario the URL names
        # (a shared link), else the default. Imported here: ui.drafts imports this module.
        from ui import drafts

        drafts.start()
    if SCENARIO not in st.session_state:
        set_current(sim.preset(DEFAULT), preset=DEFAULT)
    return st.session_state[SCENARIO]


def set_current(new: sim.Scenario, preset: str = "", library: str = "", origin: str = "") -> None:
    """Make ``new`` current without running it (it runs when a page needs the result)."""
    st.session_state[SCENARIO] = new
    st.session_state[PRESET] = preset
    set_origin(new, origin or _describe(new, preset))
    if library:
        remember_library_entry(library, new)


def _describe(scenario: sim.Scenario, preset: str) -> str:
    return f"preset “{preset}”" if preset else f"“{scenario.name}”"


def set_origin(scenario: sim.Scenario, label: str) -> None:
    """``scenario`` is what this tab opened or loaded (``label`` says what it is)."""
    st.session_state[ORIGIN] = (label, scenario.model_dump_json())


def origin() -> tuple[str, sim.Scenario]:
    """(what it is, scenario) of what this tab last opened, loaded or saved."""
    stored = st.session_state.get(ORIGIN)
    if stored is None:
        return "", scenario()
    return stored[0], sim.Scenario.model_validate_json(stored[1])


def result() -> sim.Result:
    """The current scenario's result (run on first use, then reused)."""
    current = scenario()
    key = current.model_dump_json()
    stored = st.session_state.get(RESULT)
    if stored is None or stored[0] != key:
        try:
            stored = (key, run(current))
        except sim.ScenarioError as err:
            # A scenario made current without running it (a shared link, a restored draft)
            # that cannot run, or no longer within the limits: say why instead of a traceback.
            st.error("The current scenario cannot run:\n"
                     + "\n".join(f"- {p}" for p in err.problems))  # fmt: skip
            st.stop()
        st.session_state[RESULT] = stored
    return stored[1]


def derived(result: sim.Result, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, kept for as long as ``result`` is the current result.

    For figures and tables derived from a big result: moving between pages then redraws
    them without recomputing (a 100k-job run's four Gantts and queue chart take seconds).
    Only one result's derivations are kept, so memory stays bounded.
    """
    memo = st.session_state.setdefault(DERIVED, {})
    if memo.get(_OF) is not result:
        memo.clear()
        memo[_OF] = result
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def current() -> tuple[sim.Scenario, sim.Result]:
    return scenario(), result()


def set_scenario(
    new: sim.Scenario, preset: str = "", reload_editor: bool = True, origin: str = ""
) -> list:
    """Make ``new`` the current scenario if it runs; otherwise keep the old one.

    Returns the problems (empty on success). ``reload_editor`` makes the scenario editor
    show the new scenario's tables (on loading a preset or a file): the new scenario is then
    also the tab's origin (``origin`` says what it is; default: the preset or its name).
    """
    try:
        res = run(new)
    except sim.ScenarioError as err:
        return list(err.problems)
    st.session_state[SCENARIO] = new
    st.session_state[RESULT] = (new.model_dump_json(), res)
    st.session_state[PRESET] = preset
    if reload_editor:
        st.session_state[EDITOR_GENERATION] = st.session_state.get(EDITOR_GENERATION, 0) + 1
        set_origin(new, origin or _describe(new, preset))
    return []


def remember_library_entry(name: str, scenario: sim.Scenario) -> None:
    """``scenario`` is the library entry ``name`` (loaded from it or saved to it): saved
    work is no longer unsaved, so the entry becomes the origin of later changes."""
    st.session_state[LIBRARY] = (name, scenario.model_dump_json())
    set_origin(scenario, f"library entry “{name}”")


def library_entry(scenario: sim.Scenario) -> str:
    """The library entry ``scenario`` is an unedited copy of, or ""."""
    stored = st.session_state.get(LIBRARY)
    if stored and stored[1] == scenario.model_dump_json():
        return stored[0]
    return ""


def editor_generation() -> int:
    return st.session_state.get(EDITOR_GENERATION, 0)
